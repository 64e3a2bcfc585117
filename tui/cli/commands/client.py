"""Provides ``hecht client destroy CODE``: the client's legal request, after typed confirmation;
and ``hecht client share|unshare CODE ROLE``: a dossier in a colleague's caseload or not."""

from __future__ import annotations

import sys

import click

from hecht.tui.cli.commands.group import database_options, invocation
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``client`` group: destroy, share, unshare."""

    @click.group(help=messages("help.client"))
    def client() -> None:
        """Client dossiers."""

    @client.command(help=messages("help.client.destroy"))
    @click.argument("code", metavar=messages("metavar.code"))
    @click.option("--confirm", metavar=messages("metavar.code"), help=messages("help.confirm"))
    @database_options(messages)
    def destroy(code: str, confirm: str | None, db: str | None, demo: bool) -> int:
        return run_destroy(invocation(db, demo), code, confirm)

    for name, sharing in (("share", True), ("unshare", False)):
        client.add_command(_sharing_command(messages, name, sharing))
    return {"client": client}


def _sharing_command(messages: Messages, name: str, sharing: bool) -> click.Command:
    @click.command(name, help=messages(f"help.client.{name}"))
    @click.argument("code", metavar=messages("metavar.code"))
    @click.argument("role", metavar=messages("metavar.role"))
    @database_options(messages, demo=False)
    def command(code: str, role: str, db: str | None) -> int:
        return run_sharing(invocation(db, demo_allowed=False), code, role, sharing)

    return command


def run_sharing(invocation: Invocation, code: str, role: str, sharing: bool) -> int:
    """Share a client with a practitioner's role, or take the client out of its caseload."""
    from hecht.schema.caseloads import client_caseload, share_client, unshare_client
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.tui.cli.commands.db import caseload_refusals
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.views.service_text import service_error_text

    messages = invocation.messages
    invocation.require_practitioner()
    change = share_client if sharing else unshare_client
    try:
        with (
            caseload_refusals(messages),
            opened_database(invocation) as engine,
            unit_of_work(engine) as session,
        ):
            changed = change(session=session, actor=invocation.actor(session), code=code, role=role)
            held = client_caseload(session=session, code=code)
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None
    key = ("caseload.shared" if sharing else "caseload.unshared") + ("" if changed else ".already")
    print(messages(key, code=code, role=role))
    roles = ", ".join(held.shared_with) or "—"
    print(messages("caseload.of_client", code=code, owner=held.owner or "—", roles=roles))
    return 0


def confirmed(code: str, given: str | None, messages: Messages) -> bool:
    """Return whether the user typed the client's code to confirm (asked when not given), in
    any case: a code is one code whatever its case, as everywhere."""
    if given is None:
        if not sys.stdin.isatty():
            raise UsageError(messages("error.confirm_needed", code=code))
        given = input(messages("destroy.prompt", code=code))
    return given.strip().lower() == code.strip().lower()


def run_destroy(invocation: Invocation, code: str, confirm: str | None) -> int:
    """Destroy a client's dossier content, leaving a tombstone and an audit entry."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.services.destroy import destroy_client
    from hecht.tui.cli.commands.db import refuse_a_limited_role
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.views.service_text import service_error_text

    messages = invocation.messages
    if not confirmed(code, confirm, messages):
        raise UsageError(messages("destroy.not_confirmed"))
    invocation.require_practitioner()
    try:
        with opened_database(invocation) as engine, unit_of_work(engine) as session:
            refuse_a_limited_role(session, messages, "caseload.limited.destroy")
            report = destroy_client(session=session, actor=invocation.actor(session), code=code)
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None
    from hecht.tui.views.formatting import formatter

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
