"""Provides ``hecht report supervision|client|outcomes``: supervision packets, practice outcomes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hecht.tui.cli.commands.group import database_options, invocation, plain_option
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from sqlmodel import Session

    from hecht.scales.library import ScaleLibrary
    from hecht.schema.context import Actor
    from hecht.tui.reports.labels import ReportText

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def output_options(messages: Messages) -> Callable[[Any], Any]:
    """Add ``--out``, ``--force`` and ``--plain``."""

    def decorate(function: Any) -> Any:
        function = plain_option(messages)(function)
        function = click.option("--force", is_flag=True, help=messages("help.force"))(function)
        return click.option(
            "--out", metavar=messages("metavar.file"), type=Path, help=messages("help.report.out")
        )(function)

    return decorate


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``report`` group: supervision, client, outcomes."""
    packet_format = click.option(
        "--format", "kind", type=click.Choice(("md", "html", "txt")), default="md",
        help=messages("help.report.format"),
    )  # fmt: skip
    names = click.option("--names", is_flag=True, help=messages("help.names"))

    @click.group(help=messages("help.report"))
    def report() -> None:
        """Reports."""

    @report.command(help=messages("help.report.supervision"))
    @packet_format
    @names
    @output_options(messages)
    @database_options(messages)
    def supervision(kind: str, names: bool, out: Path | None, force: bool, plain: bool,
                    db: str | None, demo: bool) -> int:  # fmt: skip
        return packet(invocation(db, demo), None, kind, names, out, force, plain)

    @report.command(help=messages("help.report.client"))
    @click.argument("code", metavar=messages("metavar.code"))
    @packet_format
    @names
    @output_options(messages)
    @database_options(messages)
    def client(code: str, kind: str, names: bool, out: Path | None, force: bool, plain: bool,
               db: str | None, demo: bool) -> int:  # fmt: skip
        return packet(invocation(db, demo), [code], kind, names, out, force, plain)

    @report.command(help=messages("help.report.outcomes"))
    @click.option(
        "--format", "kind", type=click.Choice(("md", "html", "json")),
        help=messages("help.report.outcomes_format"),
    )  # fmt: skip
    @click.option("--json", "as_json", is_flag=True, help=messages("help.json"))
    @output_options(messages)
    @database_options(messages)
    def outcomes(kind: str | None, as_json: bool, out: Path | None, force: bool, plain: bool,
                 db: str | None, demo: bool) -> int:  # fmt: skip
        return run_outcomes(invocation(db, demo), kind, as_json, out, force, plain)

    return {"report": report}


def _text(
    messages: Messages, library: ScaleLibrary, actor: Actor, names: bool = False
) -> ReportText:
    from hecht.tui.reports.labels import ReportText

    return ReportText(messages, library, generated_on=actor.now().date(), names=names)


def packet(
    invocation: Invocation,
    codes: list[str] | None,
    kind: str,
    names: bool,
    out: Path | None,
    force: bool,
    plain: bool = False,
) -> int:
    """Build the supervision packet (of every client, or of ``codes``) and deliver it."""
    from hecht.schema.services.supervision import supervision_packet
    from hecht.tui.backend.core import signal_thresholds
    from hecht.tui.cli.output import deliver
    from hecht.tui.reports import supervision_html, supervision_text

    messages = invocation.messages
    with _report_unit(invocation, out, force=force, plain=plain) as (session, actor, library):
        render = {
            "md": supervision_text.render_markdown,
            "txt": supervision_text.render_text,
            "html": supervision_html.render_html,
        }[kind]
        thresholds = signal_thresholds(invocation.config)
        if codes is not None:
            _refuse_unknown(session, codes[0], messages)
        found = supervision_packet(
            session=session, actor=actor, library=library, thresholds=thresholds, codes=codes,
            names=names,
        )  # fmt: skip
        if codes is not None and not found:
            raise UsageError(messages("report.error.not_in_care", code=codes[0]))
        text = _text(messages, library, actor, names)
        deliver(render(found, text, codes is not None), out, messages)
    return 0


@contextmanager
def _report_unit(
    invocation: Invocation, out: Path | None, *, force: bool, plain: bool
) -> Iterator[tuple[Session, Actor, ScaleLibrary]]:
    """Check where a report goes, then give the unit of work it is read and written in.

    The report is written inside it, so a report that cannot be written is not logged (and its
    file is not kept: ``kept_only_if_logged``); where it went is said once it is committed.
    """
    from hecht.schema.db.database import unit_of_work
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_output, guard_plain, kept_only_if_logged
    from hecht.tui.folders import practice_library

    messages = invocation.messages
    if out is not None:
        guard_output(out, invocation.database_file(), messages, force=force)
    guard_plain(invocation.database_file(), out, messages, plain=plain)
    invocation.require_practitioner()
    library = practice_library()
    with (
        kept_only_if_logged(out),
        opened_database(invocation) as engine,
        unit_of_work(engine) as session,
    ):
        yield session, invocation.actor(session), library
    if out is not None:
        print(messages("report.written", path=out))


def _refuse_unknown(session: Any, code: str, messages: Messages) -> None:
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.clients import client_row
    from hecht.tui.views.service_text import service_error_text

    try:
        client_row(session, code)
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None


def run_outcomes(
    invocation: Invocation,
    kind: str | None,
    as_json: bool,
    out: Path | None,
    force: bool,
    plain: bool = False,
) -> int:
    """Write the practice's pre–post outcomes per group, domain and scale."""
    from hecht.schema.services.outcomes import practice_outcomes
    from hecht.tui.cli.output import deliver
    from hecht.tui.reports import outcomes_html, outcomes_text
    from hecht.tui.reports.outcomes_json import outcomes_json

    messages = invocation.messages
    if as_json and kind not in (None, "json"):
        raise UsageError(messages("report.error.json_and_format", format=kind))
    kind = "json" if as_json else kind or "md"
    with _report_unit(invocation, out, force=force, plain=plain) as (session, actor, library):
        report = practice_outcomes(session=session, actor=actor, library=library)
        text = _text(messages, library, actor)
        if kind == "json":
            rendered = json.dumps(outcomes_json(report), indent=2, ensure_ascii=False)
        elif kind == "html":
            rendered = outcomes_html.render_html(report, text)
        else:
            rendered = outcomes_text.render_markdown(report, text)
        deliver(rendered, out, messages)
    return 0
