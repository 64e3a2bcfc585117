"""Provides ``hecht report supervision|client|outcomes``: supervision packets, practice outcomes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def register(commands: Any, messages: Messages) -> None:
    """Add the ``report`` command group."""
    group = commands.add_parser("report", help=messages("help.report"))
    sub = group.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    supervision = sub.add_parser("supervision", help=messages("help.report.supervision"))
    supervision.set_defaults(run=run_supervision)
    client = sub.add_parser("client", help=messages("help.report.client"))
    client.add_argument("code", metavar="CODE")
    client.set_defaults(run=run_client)
    for parser in (supervision, client):
        parser.add_argument(
            "--format",
            choices=("md", "html", "txt"),
            default="md",
            help=messages("help.report.format"),
        )
        parser.add_argument("--names", action="store_true", help=messages("help.names"))
    outcomes = sub.add_parser("outcomes", help=messages("help.report.outcomes"))
    outcomes.add_argument(
        "--format", choices=("md", "html", "json"), help=messages("help.report.outcomes_format")
    )
    outcomes.add_argument("--json", action="store_true", help=messages("help.json"))
    outcomes.set_defaults(run=run_outcomes)
    for parser in (supervision, client, outcomes):
        parser.add_argument("--out", metavar="FILE", type=Path, help=messages("help.report.out"))
        parser.add_argument("--force", action="store_true", help=messages("help.force"))


def _text(messages: Messages, library: Any, actor: Any, names: bool = False) -> Any:
    from hecht.tui.reports.labels import ReportText

    return ReportText(messages, library, generated_on=actor.now().date(), names=names)


def _packet(args: argparse.Namespace, messages: Messages, codes: list[str] | None) -> int:
    """Build the supervision packet (of every client, or of ``codes``) and deliver it."""
    from hecht.scales.library import load_library
    from hecht.schema.database import unit_of_work
    from hecht.schema.services.supervision import supervision_packet
    from hecht.tui.commands.caseload import signal_thresholds
    from hecht.tui.context import Invocation, opened_database
    from hecht.tui.reports import supervision_html, supervision_text
    from hecht.tui.reports.output import deliver, guard_output
    from hecht.tui.settings import local_scales_dir

    invocation = Invocation.from_args(args, messages)
    if args.out is not None:
        guard_output(args.out, invocation.database_file(), messages, force=args.force)
    render = {
        "md": supervision_text.render_markdown,
        "txt": supervision_text.render_text,
        "html": supervision_html.render_html,
    }[args.format]
    thresholds, actor = signal_thresholds(args), invocation.actor()
    library = load_library(local_scales_dir())
    with opened_database(invocation) as engine:
        with unit_of_work(engine) as session:
            if codes is not None:
                _refuse_unknown(session, codes[0])
            packet = supervision_packet(
                session=session,
                actor=actor,
                library=library,
                thresholds=thresholds,
                codes=codes,
                names=args.names,
            )
            if codes is not None and not packet:
                raise UsageError(messages("report.error.not_in_care", code=codes[0]))
            # written inside the unit of work: a report that cannot be written is not logged
            text = _text(messages, library, actor, args.names)
            deliver(render(packet, text, codes is not None), args.out, messages)
    _done(args.out, messages)
    return 0


def _refuse_unknown(session: Any, code: str) -> None:
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.clients import client_row

    try:
        client_row(session, code)
    except ServiceError as error:
        raise UsageError(str(error)) from None


def _done(out: Path | None, messages: Messages) -> None:
    if out is not None:
        print(messages("report.written", path=out))


def run_supervision(args: argparse.Namespace, messages: Messages) -> int:
    """Write the supervision packet: signalled clients first, pseudonymised unless --names."""
    return _packet(args, messages, None)


def run_client(args: argparse.Namespace, messages: Messages) -> int:
    """Write one client's supervision summary."""
    return _packet(args, messages, [args.code])


def run_outcomes(args: argparse.Namespace, messages: Messages) -> int:
    """Write the practice's pre–post outcomes per group, domain and scale."""
    from hecht.scales.library import load_library
    from hecht.schema.database import unit_of_work
    from hecht.schema.services.outcomes import practice_outcomes
    from hecht.tui.context import Invocation, opened_database
    from hecht.tui.reports import outcomes_html, outcomes_text
    from hecht.tui.reports.outcomes_json import outcomes_json
    from hecht.tui.reports.output import deliver, guard_output
    from hecht.tui.settings import local_scales_dir

    invocation = Invocation.from_args(args, messages)
    if args.json and args.format not in (None, "json"):
        raise UsageError(messages("report.error.json_and_format", format=args.format))
    kind = "json" if args.json else args.format or "md"
    if args.out is not None:
        guard_output(args.out, invocation.database_file(), messages, force=args.force)
    actor = invocation.actor()
    library = load_library(local_scales_dir())
    with opened_database(invocation) as engine:
        with unit_of_work(engine) as session:
            report = practice_outcomes(session=session, actor=actor, library=library)
            text = _text(messages, library, actor)
            if kind == "json":
                rendered = json.dumps(outcomes_json(report), indent=2, ensure_ascii=False)
            elif kind == "html":
                rendered = outcomes_html.render_html(report, text)
            else:
                rendered = outcomes_text.render_markdown(report, text)
            deliver(rendered, args.out, messages)
    _done(args.out, messages)
    return 0
