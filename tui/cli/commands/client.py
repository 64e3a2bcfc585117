"""Provides ``hecht client find [TEXT]``: which code a client has; ``hecht client destroy CODE``:
the client's legal request, after typed confirmation; and ``hecht client share|unshare CODE
ROLE``: a dossier in a colleague's caseload or not."""

from __future__ import annotations

import sys

import click

from hecht.tui.cli.commands.group import database_options, invocation, json_option, plain_option
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.cli.output import print_json
from hecht.tui.i18n import Messages


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``client`` group: find, destroy, share, unshare."""

    @click.group(help=messages("help.client"))
    def client() -> None:
        """Client dossiers."""

    @client.command(help=messages("help.client.find"))
    @click.argument("text", required=False, default="", metavar=f"[{messages('metavar.text')}]")
    @json_option(messages)
    @click.option("--names", is_flag=True, help=messages("help.names"))
    @plain_option(messages)
    @database_options(messages)
    def find(text: str, as_json: bool, names: bool, plain: bool, db: str | None, demo: bool) -> int:
        return run_find(invocation(db, demo), text, as_json, names, plain)

    @client.command(help=messages("help.client.destroy"))
    @click.argument("code", metavar=messages("metavar.code"))
    @click.option("--confirm", metavar=messages("metavar.code"), help=messages("help.confirm"))
    @database_options(messages)
    def destroy(code: str, confirm: str | None, db: str | None, demo: bool) -> int:
        return run_destroy(invocation(db, demo), code, confirm)

    for name, sharing in (("share", True), ("unshare", False)):
        client.add_command(_sharing_command(messages, name, sharing))
    return {"client": client}


def run_find(
    invocation: Invocation, text: str, as_json: bool, names: bool, plain: bool = False
) -> int:
    """List the clients whose code or name contains ``text`` (an audited search), by code; their
    names only with ``--names``; from an encrypted database into a file or a pipe only with
    ``--plain``, as the caseload."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.dossier_access import caseload_state
    from hecht.schema.services.clients import find_clients
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_plain
    from hecht.tui.views.columns import aligned
    from hecht.tui.views.parent_role import role_word

    messages = invocation.messages
    guard_plain(invocation.database_file(), None, messages, plain=plain)
    invocation.require_practitioner()
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        found = find_clients(session=session, actor=invocation.actor(session), text=text)
        state = caseload_state(session.connection())
    if as_json:
        shown = [
            {"code": client.code, "role": client.role, "name": client.name if names else None}
            for client in found
        ]
        print_json(shown)
    elif not found:
        print(
            messages("client_find.none", text=text.strip())
            if text.strip()
            else messages("client_find.empty")
        )
    else:
        headers = [messages("caseload_cmd.column.code"), messages("client_find.column.role")]
        rows = [[client.code, role_word(client.role, messages) or "—"] for client in found]
        if names:
            headers.append(messages("caseload_cmd.column.name"))
            for row, client in zip(rows, found, strict=True):
                row.append(client.name or "—")
        print("\n".join(aligned(headers, rows)))
    if state.limits_this_role and not as_json:  # a colleague's client is not missing: unseen
        print(messages("client_find.limited", role=state.role))
    return 0


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
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.dossier_access import client_caseload, share_client, unshare_client
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
