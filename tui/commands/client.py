"""Provides ``hecht client destroy CODE``: the client's legal request, after typed confirmation."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages


def register(commands: Any, messages: Messages) -> None:
    """Add the ``client`` command group."""
    group = commands.add_parser("client", help=messages("help.client"))
    sub = group.add_subparsers(dest="client_command", metavar="SUBCOMMAND", required=True)
    destroy = sub.add_parser("destroy", help=messages("help.client.destroy"))
    destroy.add_argument("code", metavar="CODE")
    destroy.add_argument("--confirm", metavar="CODE", help=messages("help.confirm"))
    destroy.set_defaults(run=run_destroy)


def confirmed(code: str, given: str | None, messages: Messages) -> bool:
    """Return whether the user typed the client's code to confirm (asked when not given)."""
    if given is None:
        if not sys.stdin.isatty():
            raise UsageError(messages("error.confirm_needed", code=code))
        given = input(messages("destroy.prompt", code=code))
    return given.strip() == code


def run_destroy(args: argparse.Namespace, messages: Messages) -> int:
    """Destroy a client's dossier content, leaving a tombstone and an audit entry."""
    from hecht.schema.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.destroy import destroy_client
    from hecht.tui.context import Invocation, opened_database

    invocation = Invocation.from_args(args, messages)
    if not confirmed(args.code, args.confirm, messages):
        raise UsageError(messages("destroy.not_confirmed"))
    try:
        with opened_database(invocation) as engine, unit_of_work(engine) as session:
            report = destroy_client(session=session, actor=invocation.actor(), code=args.code)
    except ServiceError as error:
        raise UsageError(str(error)) from None
    print(
        messages(
            "destroy.done",
            code=report.code,
            administrations=report.administrations,
            visits=report.visits,
            episodes=report.episodes,
        )
    )
    return 0
