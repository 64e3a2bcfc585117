"""Provides ``hecht db status|upgrade|rescore|encrypt|caseloads|grant``: schema, derived scores,
encryption, and who sees which dossier on a shared PostgreSQL database."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from hecht.tui.cli.commands.group import database_options, invocation, json_option
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.cli.output import print_json
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``db`` group: status, upgrade, rescore, encrypt."""

    @click.group(help=messages("help.db"))
    def db() -> None:
        """The database."""

    for name, run in (
        ("status", run_status), ("upgrade", run_upgrade), ("rescore", run_rescore),
        ("encrypt", run_encrypt),
    ):  # fmt: skip
        db.add_command(_command(messages, name, run))

    @db.command(help=messages("help.db.caseloads"))
    @click.argument("switch", type=click.Choice(["on", "off"]), metavar="on|off")
    @database_options(messages, demo=False)
    @json_option(messages)
    def caseloads(switch: str, db: str | None, as_json: bool) -> int:
        return run_caseloads(invocation(db, demo_allowed=False), switch == "on", as_json)

    @db.command(help=messages("help.db.grant"))
    @click.argument("role", metavar=messages("metavar.role"))
    @database_options(messages, demo=False)
    def grant(role: str, db: str | None) -> int:
        return run_grant(invocation(db, demo_allowed=False), role)

    return {"db": db}


def _command(
    messages: Messages, name: str, run: Callable[[Invocation, bool], int]
) -> click.Command:
    @click.command(name, help=messages(f"help.db.{name}"))
    @database_options(messages)
    @json_option(messages)
    def command(db: str | None, demo: bool, as_json: bool) -> int:
        return run(invocation(db, demo), as_json)

    return command


def _schema_status(url: str, messages: Messages) -> Any:
    """Read the schema status, refusing a database that cannot be read with the reason, and
    another program's file before anything changes it (``refuse_a_foreign_file``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from hecht.schema.db.database import (
        DatabaseOpenError,
        check_integrity,
        refuse_a_foreign_file,
    )
    from hecht.schema.db.engine import describe_url, make_engine, sqlite_file
    from hecht.schema.db.migrate import schema_status
    from hecht.tui.cli.invocation import open_engine

    try:
        refuse_a_foreign_file(url)
    except DatabaseOpenError as error:
        from hecht.tui.views.service_text import database_refusal_text

        raise UsageError(database_refusal_text(error, messages)) from None
    try:
        engine = make_engine(url)
    except SQLAlchemyError:
        open_engine(url, messages)  # words the refusal of a URL Hecht cannot use
        raise
    try:
        status = schema_status(engine)
        check_integrity(engine)
    except SQLAlchemyError as error:
        from hecht.tui.cli.invocation import shown_database, storage_reason

        held = storage_reason(error, messages)  # held, unwritable or full: not damaged
        if held is not None:
            raise UsageError(
                messages("db.error.unusable", database=shown_database(url), reason=held)
            ) from None
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        server = sqlite_file(url) is None  # a PostgreSQL server that cannot be reached
        key = "db.error.server" if server else "db.error.damaged"
        raise UsageError(messages(key, database=describe_url(url), reason=reason)) from None
    finally:
        engine.dispose()
    return status


@contextmanager
def caseload_refusals(messages: Messages) -> Iterator[None]:
    """Turn a caseload request refused in the block (``CaseloadError``) into a refusal worded
    with what to do instead."""
    from hecht.schema.dossier_access import CaseloadError

    try:
        yield
    except CaseloadError as error:
        reason = messages(f"caseload.error.{error.reason}", **error.details)
        raise UsageError(reason) from None


def refuse_a_limited_role(session: Any, messages: Messages, what: str) -> None:
    """Refuse practice-wide work (``what``: a message key naming it) to a role that sees only
    its own caseload: it would leave out, or find missing, every other dossier."""
    from hecht.schema.dossier_access import caseload_state

    state = caseload_state(session.connection())
    if state.limits_this_role:
        raise UsageError(
            messages(
                "caseload.error.limited",
                role=state.role,
                administrator=state.administrator,
                what=messages(what),
            )
        )


def caseload_text(state: Any, messages: Messages) -> str:
    """How caseloads stand, in a sentence or two (``db status``, ``db caseloads``)."""
    if not state.restricted:
        return messages("caseload.off")
    lines = [messages("caseload.on", tables=state.restricted)]
    if state.limits_this_role:
        lines.append(messages("caseload.on.limited", role=state.role))
    elif state.in_no_caseload:
        lines.append(messages("caseload.on.unassigned", count=state.in_no_caseload))
    return "\n".join(lines)


def run_caseloads(invocation: Invocation, on: bool, as_json: bool = False) -> int:
    """Turn the caseload policies on or off (the practice's administrator, on PostgreSQL)."""
    from hecht.schema.dossier_access import restrict_caseloads
    from hecht.tui.cli.invocation import opened_database

    messages = invocation.messages
    with caseload_refusals(messages), opened_database(invocation) as engine:
        state = restrict_caseloads(engine, on)
    if as_json:
        print_json(_caseload_json(state))
    else:
        print(caseload_text(state, messages))
    return 0


def _caseload_json(state: Any) -> dict[str, Any] | None:
    if not state.shared:
        return None
    return {
        "on": state.restricted > 0,
        "tables": state.restricted,
        "tables_with_policies": state.policies,
        "role": state.role,
        "administrator": state.administrator,
        "sees_everything": state.sees_everything,
        "in_no_caseload": state.in_no_caseload,
    }


def run_grant(invocation: Invocation, role: str) -> int:
    """Give a practitioner's existing database role what Hecht needs, and no more."""
    from hecht.schema.dossier_access import grant_practitioner
    from hecht.tui.cli.invocation import opened_database

    messages = invocation.messages
    with caseload_refusals(messages), opened_database(invocation) as engine:
        tables = grant_practitioner(engine, role)
    print(messages("caseload.granted", role=role, tables=len(tables)))
    return 0


def _caseload_state(url: str) -> Any:
    from hecht.schema.db.engine import engine_as_it_is
    from hecht.schema.dossier_access import caseload_state

    with engine_as_it_is(url) as engine, engine.connect() as connection:
        return caseload_state(connection)


def run_status(invocation: Invocation, as_json: bool = False) -> int:
    """Print where the database is and how its schema relates to this Hecht; exit 2 if damaged."""
    from hecht.schema.db.engine import describe_url
    from hecht.schema.db.migrate import SchemaState
    from hecht.tui.cli.invocation import check_location

    messages = invocation.messages
    url = invocation.database_url()
    check_location(url, messages, may_create=False)
    status = _schema_status(url, messages)
    encrypted = _encryption_state(invocation)
    data = {
        "database": describe_url(url),
        "state": status.state.value,
        "revision": status.database_revision,
        "head": status.head_revision,
        "encrypted": encrypted,
    }
    caseloads = _caseload_state(url) if encrypted is None else None
    system = _client_system(url) if status.state is SchemaState.CURRENT else None
    if as_json:
        data["caseloads"] = None if caseloads is None else _caseload_json(caseloads)
        data["fhir_client_system"] = system
        print_json(data)
    else:
        print(messages("db.status", **data))
        shown = {True: "yes", False: "no", None: "server"}[encrypted]
        state = messages(f"db.status.encrypted.{shown}")
        print(messages("db.status.encrypted", state=state))
        if caseloads is not None:
            print(caseload_text(caseloads, messages))
        if system is not None:
            print(messages("db.status.fhir_client_system", system=system))
    return 0


def _client_system(url: str) -> str:
    """The identifier system of the practice's client codes in FHIR (``PracticeUris``): what a
    program sending results for ``hecht import --format fhir`` names each client in."""
    from sqlmodel import Session

    from hecht.schema.db.engine import engine_as_it_is
    from hecht.schema.exchange.fhir.terms import PracticeUris
    from hecht.schema.identity import practice_uuid

    with engine_as_it_is(url) as engine, Session(engine) as session:
        return PracticeUris(practice_uuid(session)).client_system


def _encryption_state(invocation: Invocation) -> bool | None:
    """Whether the SQLite file is encrypted; None for PostgreSQL (its server's business)."""
    from hecht.schema.db.cipher import is_encrypted

    path = invocation.database_file()
    return None if path is None else is_encrypted(path)


def run_encrypt(invocation: Invocation, as_json: bool = False) -> int:
    """Encrypt a plain SQLite database in place, after proving the encrypted copy whole."""
    from hecht.schema.db.cipher import is_encrypted
    from hecht.schema.exchange.files import kept_copies
    from hecht.tui.cli.invocation import check_location
    from hecht.tui.cli.unlock import encrypt_file, new_passphrase

    messages = invocation.messages
    path = invocation.database_file()
    if path is None:
        raise UsageError(messages("db.encrypt_postgresql"))
    if is_encrypted(path):
        print(messages("db.already_encrypted", path=path))
        return 0
    check_location(invocation.database_url(), messages, may_create=False)
    _schema_status(invocation.database_url(), messages)  # a damaged file is refused first
    report = encrypt_file(path, new_passphrase(messages), messages)
    if as_json:
        print_json(
            {"database": str(path), "encrypted": True, "rows": report.row_counts}, indent=None
        )
    else:
        from hecht.tui.views.formatting import counted

        rows = counted(messages, "row", sum(report.row_counts.values()))
        print(messages("db.encrypted", path=path, tables=len(report.row_counts), rows=rows))
    plain = [str(copy) for copy in kept_copies(path) if not is_encrypted(copy)]
    if plain:
        print(messages("db.plain_copies", paths=", ".join(plain)), file=sys.stderr)
    return 0


def run_upgrade(invocation: Invocation, as_json: bool = False) -> int:
    """Upgrade the schema explicitly (PostgreSQL, after the practice's own backup)."""
    from hecht.schema.db.engine import describe_url, engine_as_it_is
    from hecht.schema.db.migrate import SchemaState, schema_status, upgrade
    from hecht.tui.cli.invocation import check_location

    messages = invocation.messages
    url = invocation.database_url()
    check_location(url, messages, may_create=False)
    before = _schema_status(url, messages)  # refuses a database that cannot be read
    if before.state is SchemaState.CURRENT:
        shown = describe_url(url)
        print(messages("db.upgrade_current", database=shown, revision=before.database_revision))
        return 0
    with engine_as_it_is(url) as engine:
        upgrade(engine)
        status = schema_status(engine)
    print(messages("db.upgraded", database=describe_url(url), revision=status.database_revision))
    return 0


def run_rescore(invocation: Invocation, as_json: bool = False) -> int:
    """Recompute every stored score from its answers."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.services.rescore import rescore_all
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.folders import practice_library

    messages = invocation.messages
    library = practice_library()
    invocation.require_practitioner()
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        report = rescore_all(session=session, actor=invocation.actor(session), library=library)
    if as_json:
        print_json(report.__dict__)
    else:
        from hecht.tui.views.formatting import counted

        rescored = counted(messages, "score", report.rescored)
        print(messages("db.rescored", rescored=rescored, changed=report.changed))
        for scale in report.unknown_scales:
            print(messages("db.unknown_scale", scale=scale))
    return 0
