"""Provides ``hecht audit verify`` and ``hecht audit log CODE`` (a client's access log)."""

from __future__ import annotations

from typing import Any

import click

from hecht.tui.cli.commands.group import database_options, invocation, json_option, plain_option
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.cli.output import print_json
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``audit`` group: verify the chain, print one client's log."""

    @click.group(help=messages("help.audit"))
    def audit() -> None:
        """The access log."""

    @audit.command(help=messages("help.audit.verify"))
    @click.option(
        "--head", "kept", metavar=messages("metavar.head"), help=messages("help.audit.head")
    )
    @database_options(messages)
    @json_option(messages)
    def verify(kept: str | None, db: str | None, demo: bool, as_json: bool) -> int:
        return run_verify(invocation(db, demo), as_json, kept)

    @audit.command(help=messages("help.audit.log"))
    @click.argument("code", metavar=messages("metavar.code"))
    @database_options(messages)
    @json_option(messages)
    @plain_option(messages)
    def log(code: str, db: str | None, demo: bool, as_json: bool, plain: bool) -> int:
        return run_client_log(invocation(db, demo), code, as_json, plain)

    return {"audit": audit}


def run_verify(invocation: Invocation, as_json: bool = False, kept: str | None = None) -> int:
    """Check the chain, the append-only triggers, the sealed rows and the heads kept outside
    the database; print the head to keep and every finding; exit 2 on any finding."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.trail import audit
    from hecht.schema.trail.anchor import HeadFileError, parse_head
    from hecht.tui.cli.commands.db import refuse_a_limited_role
    from hecht.tui.cli.invocation import opened_database

    messages = invocation.messages
    try:
        kept_head = None if kept is None else parse_head(kept)
    except HeadFileError:
        raise UsageError(messages("audit.bad_head", head=kept)) from None
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        refuse_a_limited_role(session, messages, "caseload.limited.verify")
        report = audit.verify_all(session=session, kept=kept_head)
    if as_json:
        print_json(_found(report))
    else:
        _print_report(report, messages)
    return 0 if report.intact else 2


def _found(report: Any) -> dict[str, Any]:
    return {
        "events": report.chain.events,
        "intact": report.intact,
        "head_hash": report.chain.head_hash,
        "head": report.head.token(),
        "head_file": None if report.head_file is None else str(report.head_file),
        "problems": report.chain.problems,
        "findings": [{"finding": found.key, **found.values} for found in report.findings],
    }


COUNTED = {
    "events_truncated": ("kept", "event"),
    "events_rebuilt": ("found", "event"),
    "seals_truncated": ("kept", "seal"),
    "seals_rebuilt": ("found", "seal"),
}
"""The findings that hold a number of events or seals: which value, and of what."""


def finding_text(key: str, values: dict[str, Any], messages: Messages) -> str:
    """Phrase one finding of ``hecht audit verify``, its numbers with their nouns."""
    from hecht.tui.views.formatting import counted, plural

    if key in COUNTED:
        name, noun = COUNTED[key]
        values = {**values, name: counted(messages, noun, values[name])}
    if key == "seals_missing":  # one seal, or a range of them
        missing = values["last"] - values["first"] + 1
        return plural(messages, "audit.finding.seals_missing", missing, **values)
    return messages(f"audit.finding.{key}", **values)


def finding_said(found: Any, messages: Messages) -> str:
    """One finding as ``hecht audit verify`` says it: its record's kind in words, and the
    dossier it belongs to."""
    values = dict(found.values)
    if "kind" in values:
        values["kind"] = messages(f"audit.kind.{values['kind']}")
    problem = finding_text(found.key, values, messages)
    if "client" in values:
        problem = messages("audit.in_dossier", problem=problem, code=values["client"])
    return problem


def findings_said(problems: list[str], findings: list[Any], messages: Messages) -> str:
    """The first thing ``hecht audit verify`` would say of a copy changed outside Hecht (a backup,
    an export), and how many more there are: a refusal names one, not thousands."""
    found = [*problems, *(finding_said(f, messages) for f in findings)]
    if len(found) > 1:
        return messages("audit.more_found", first=found[0], more=len(found) - 1)
    return found[0]


def _print_report(report: Any, messages: Messages) -> None:
    from hecht.tui.views.formatting import counted

    if report.intact:
        events = counted(messages, "event", report.chain.events)
        print(messages("audit.intact", events=events, head=report.chain.head_hash))
    for problem in report.chain.problems:
        print(messages("audit.problem", problem=problem))
    for found in report.findings:
        print(messages("audit.problem", problem=finding_said(found, messages)))
    print(messages("audit.keep_head", head=report.head.token()))
    if report.head_file is None:
        print(messages("audit.no_head_file"))
    else:
        print(messages("audit.head_file", path=report.head_file))


def run_client_log(
    invocation: Invocation, code: str, as_json: bool = False, plain: bool = False
) -> int:
    """Print every access to one client's dossier, naming who; printing it is itself logged.
    From an encrypted database into a file or a pipe only with ``--plain``."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_plain
    from hecht.tui.views.service_text import service_error_text

    messages = invocation.messages
    guard_plain(invocation.database_file(), None, messages, plain=plain)
    invocation.require_practitioner()
    try:
        with opened_database(invocation) as engine, unit_of_work(engine) as session:
            entries, names = _read_log(session, invocation, code)
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None
    if as_json:
        rows = [
            {**entry.__dict__, "at": entry.at.isoformat(), "user": names.get(entry.user_id)}
            for entry in entries
        ]
        print_json(rows)
        return 0
    from hecht.tui.views.columns import printable

    print(messages("audit.log_header", code=code))
    for entry in entries:  # a practitioner's name comes from a settings file: shown, not obeyed
        print(printable(_log_line(entry, names, messages)))
    return 0


def _read_log(session: Any, invocation: Invocation, code: str) -> tuple[list[Any], dict[int, str]]:
    from hecht.schema.services.clients import client_row, practitioner_names
    from hecht.schema.tables import stored_id
    from hecht.schema.trail import audit
    from hecht.schema.trail.audit import AuditKind
    from hecht.schema.trail.details import detail_of

    client = client_row(session, code, tombstone_ok=True)
    client_id = stored_id(client)
    audit.record(
        session=session,
        actor=invocation.actor(session),
        event=AuditKind.PRINT,
        client_id=client_id,
        client_code=client.code,
        detail=detail_of("access_log"),
    )
    entries = audit.client_log(session=session, client_id=client_id)
    ids = {entry.user_id for entry in entries if entry.user_id is not None}
    return entries, practitioner_names(session=session, ids=ids)


def _log_line(entry: Any, names: dict[int, str], messages: Messages) -> str:
    from hecht.tui.views.audit_text import access_text, detail_text, event_text, outcome_text
    from hecht.tui.views.formatting import formatter

    return messages(
        "audit.log_line",
        at=formatter(messages.language).moment(entry.at),
        event=event_text(entry.event, messages),
        access_point=access_text(entry.access_point, messages),
        user="—" if entry.user_id is None else names.get(entry.user_id, entry.user_id),
        outcome=outcome_text(entry.outcome, messages),
        detail=detail_text(entry.detail, messages),
    )
