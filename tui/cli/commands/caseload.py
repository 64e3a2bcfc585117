"""Provides ``hecht caseload``: every client in care with the latest scores and the signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from hecht.tui.cli.commands.group import database_options, invocation, json_option, plain_option
from hecht.tui.cli.invocation import Invocation
from hecht.tui.cli.output import print_json
from hecht.tui.i18n import Messages
from hecht.tui.views.signal_text import direction

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.

SHOWN_SCALES = ("who5", "csi4")
"""The scales the caseload shows as columns: wellbeing and the relationship."""


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``caseload`` command."""

    @click.command(help=messages("help.caseload"))
    @json_option(messages)
    @click.option("--names", is_flag=True, help=messages("help.names"))
    @plain_option(messages)
    @database_options(messages)
    def caseload(as_json: bool, names: bool, plain: bool, db: str | None, demo: bool) -> int:
        return run_caseload(invocation(db, demo), as_json, names, plain)

    return {"caseload": caseload}


def signal_json(signal: Any, messages: Messages) -> dict[str, Any]:
    """Return a signal with its explanation in the chosen language and its figures."""
    from hecht.tui.views.signal_text import explain

    return {
        "kind": str(signal.kind),
        "scale": signal.scale_id,
        "explanation": explain(signal, messages),
        "detail": dict(signal.detail),
    }


def row_json(row: Any, messages: Messages, library: ScaleLibrary, names: bool) -> dict[str, Any]:
    """Return every field of a caseload row; the name only when the user asked for names."""
    from hecht.tui.reports.labels import ReportText

    text = ReportText(messages, library)
    return {
        "client_id": row.client_id,
        "code": row.code,
        "name": row.name if names else None,
        "couple_id": row.couple_id,
        "partner_code": row.partner_code,
        "episode_lineage_id": row.episode_lineage_id,
        "week": None if row.week is None else text.week(row.week),  # as the table shows it
        "perinatal_week": None
        if row.week is None
        else {"phase": row.week.phase.value, "week": row.week.week},
        "last_visit": None if row.last_visit is None else row.last_visit.isoformat(),
        "visits": row.visits,
        "open_alerts": row.open_alerts,
        "drafts": row.drafts,
        "latest": {
            scale_id: {
                "total": latest.total,
                "band": latest.band,
                "band_label": None if latest.band is None else text.band(scale_id, latest.band),
                "previous": latest.previous,
            }
            for scale_id, latest in sorted(row.latest.items())
        },
        "signals": [signal_json(signal, messages) for signal in row.signals],
    }


def _trend(latest: Any, shown: Any) -> str:
    if latest is None or latest.total is None:
        return "—"
    return f"{shown.number(latest.total, 2)}{direction(latest)}"


def print_table(rows: list[Any], messages: Messages, names: bool) -> None:
    """Print one line per client, each signal explained on its own line beneath it."""
    from hecht.tui.views.columns import aligned
    from hecht.tui.views.formatting import formatter
    from hecht.tui.views.signal_text import explain, marks

    if not rows:
        print(messages("caseload_cmd.empty"))
        return
    shown = formatter(messages.language)
    keys = ["code", *(["name"] if names else []), "week", "visits", "last_visit"]
    headers = [messages(f"caseload_cmd.column.{key}") for key in keys]
    headers += ["WHO-5", "CSI-4", messages("caseload_cmd.column.signals")]
    table = []
    for row in rows:
        cells = [row.code, *([row.name or "—"] if names else []), shown.week(messages, row.week)]
        cells += [str(row.visits), shown.date(row.last_visit)]
        cells += [_trend(row.latest.get(scale), shown) for scale in SHOWN_SCALES]
        table.append([*cells, marks(row.signals)])
    for line, row in zip(aligned(headers, table), [None, *rows], strict=True):
        print(line)
        for signal in [] if row is None else row.signals:
            print(f"    {explain(signal, messages)}")


def run_caseload(
    invocation: Invocation, as_json: bool = False, names: bool = False, plain: bool = False
) -> int:
    """List the clients in care (an audited listing); names only with --names; from an
    encrypted database into a file or a pipe only with --plain."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.services.caseload import caseload
    from hecht.tui.backend.core import signal_thresholds
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_plain
    from hecht.tui.folders import practice_library

    messages = invocation.messages
    guard_plain(invocation.database_file(), None, messages, plain=plain)
    thresholds = signal_thresholds(invocation.config)
    library = practice_library()
    invocation.require_practitioner()
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        rows = caseload(
            session=session, actor=invocation.actor(session), library=library,
            thresholds=thresholds,
        )  # fmt: skip
    if as_json:
        found = [row_json(row, messages, library, names) for row in rows]
        print_json(found)
    else:
        print_table(rows, messages, names)
    return 0
