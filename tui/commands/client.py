"""Provides ``hecht client destroy CODE``: the client's legal request, after typed confirmation."""

from __future__ import annotations

import sys

import click

from hecht.tui.commands.group import database_options, invocation
from hecht.tui.context import Invocation
from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``client`` group: destroy."""

    @click.group(help=messages("help.client"))
    def client() -> None:
        """Client dossiers."""

    @client.command(help=messages("help.client.destroy"))
    @click.argument("code", metavar=messages("metavar.code"))
    @click.option("--confirm", metavar=messages("metavar.code"), help=messages("help.confirm"))
    @database_options(messages)
    def destroy(code: str, confirm: str | None, db: str | None, demo: bool) -> int:
        return run_destroy(invocation(db, demo), code, confirm)

    return {"client": client}


def confirmed(code: str, given: str | None, messages: Messages) -> bool:
    """Return whether the user typed the client's code to confirm (asked when not given)."""
    if given is None:
        if not sys.stdin.isatty():
            raise UsageError(messages("error.confirm_needed", code=code))
        given = input(messages("destroy.prompt", code=code))
    return given.strip() == code


def run_destroy(invocation: Invocation, code: str, confirm: str | None) -> int:
    """Destroy a client's dossier content, leaving a tombstone and an audit entry."""
    from hecht.schema.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.destroy import destroy_client
    from hecht.tui.context import opened_database
    from hecht.tui.service_text import service_error_text

    messages = invocation.messages
    if not confirmed(code, confirm, messages):
        raise UsageError(messages("destroy.not_confirmed"))
    invocation.require_practitioner()
    try:
        with opened_database(invocation) as engine, unit_of_work(engine) as session:
            report = destroy_client(session=session, actor=invocation.actor(session), code=code)
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None
    from hecht.tui.formatting import formatter

    count = formatter(messages.language).count
    print(
        messages(
            "destroy.done",
            code=report.code,
            administrations=count(messages, "count.administration", report.administrations),
            visits=count(messages, "count.visit", report.visits),
            episodes=count(messages, "count.episode", report.episodes),
        )
    )
    return 0
