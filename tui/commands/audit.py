"""Provides ``hecht audit verify`` and ``hecht audit --client CODE`` (a client's access log)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def register(commands: Any, messages: Messages) -> None:
    """Add the ``audit`` command."""
    parser = commands.add_parser("audit", help=messages("help.audit"))
    parser.add_argument(
        "action", nargs="?", choices=("verify",), help=messages("help.audit.verify")
    )
    parser.add_argument("--client", metavar="CODE", help=messages("help.audit.client"))
    parser.add_argument("--json", action="store_true", help=messages("help.json"))
    parser.set_defaults(run=run_audit)


def run_audit(args: argparse.Namespace, messages: Messages) -> int:
    """Verify the chain, or print one client's access log; exit 2 when the chain is broken."""
    from hecht.tui.context import Invocation, opened_database

    if (args.action is None) == (args.client is None):
        raise UsageError(messages("error.audit_usage"))
    with opened_database(Invocation.from_args(args, messages)) as engine:
        if args.action == "verify":
            return verify(args, messages, engine)
        return client_log(args, messages, engine)


def verify(args: argparse.Namespace, messages: Messages, engine: Any) -> int:
    """Print whether the audit chain is intact, and every break."""
    from hecht.schema import audit
    from hecht.schema.database import unit_of_work

    with unit_of_work(engine) as session:
        report = audit.verify_chain(session=session)
    if args.json:
        print(
            json.dumps(
                {
                    "events": report.events,
                    "intact": report.intact,
                    "head_hash": report.head_hash,
                    "problems": report.problems,
                },
                indent=2,
            )
        )
    elif report.intact:
        print(messages("audit.intact", events=report.events, head=report.head_hash))
    else:
        for problem in report.problems:
            print(messages("audit.problem", problem=problem))
    return 0 if report.intact else 2


def client_log(args: argparse.Namespace, messages: Messages, engine: Any) -> int:
    """Print every access to one client's dossier; printing it is itself logged."""
    from hecht.schema import audit
    from hecht.schema.audit import AuditKind
    from hecht.schema.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.clients import client_row
    from hecht.tui.context import command_actor

    actor = command_actor()
    try:
        with unit_of_work(engine) as session:
            client = client_row(session, args.client, tombstone_ok=True)
            audit.record(
                session=session,
                actor=actor,
                event=AuditKind.PRINT,
                client_id=client.id,
                client_code=client.code,
                detail="access log",
            )
            entries = audit.client_log(session=session, client_id=client.id)  # type: ignore[arg-type]
    except ServiceError as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(
            json.dumps(
                [{**entry.__dict__, "at": entry.at.isoformat()} for entry in entries], indent=2
            )
        )
        return 0
    print(messages("audit.log_header", code=args.client))
    for entry in entries:
        print(
            messages(
                "audit.log_line",
                at=entry.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                event=entry.event,
                access_point=entry.access_point,
                user="—" if entry.user_id is None else entry.user_id,
                outcome=entry.outcome,
                detail=entry.detail or "",
            )
        )
    return 0
