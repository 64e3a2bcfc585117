"""Provides ``hecht db status|upgrade|rescore``: the database's schema and derived scores."""

from __future__ import annotations

import json
from typing import Any

import click

from hecht.tui.commands.group import database_options, invocation, json_option
from hecht.tui.context import Invocation
from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``db`` group: status, upgrade, rescore."""

    @click.group(help=messages("help.db"))
    def db() -> None:
        """The database."""

    for name, run in (("status", run_status), ("upgrade", run_upgrade), ("rescore", run_rescore)):
        db.add_command(_command(messages, name, run))
    return {"db": db}


def _command(messages: Messages, name: str, run: Any) -> click.Command:
    @click.command(name, help=messages(f"help.db.{name}"))
    @database_options(messages)
    @json_option(messages)
    def command(db: str | None, demo: bool, as_json: bool) -> int:
        return run(invocation(db, demo), as_json)

    return command


def _schema_status(url: str, messages: Messages) -> Any:
    """Read the schema status, refusing a database that cannot be read with the reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from hecht.schema.engine import describe_url, make_engine
    from hecht.schema.migrate import schema_status
    from hecht.tui.context import open_engine

    try:
        engine = make_engine(url)
    except SQLAlchemyError:
        open_engine(url, messages)  # words the refusal of a URL Hecht cannot use
        raise
    try:
        status = schema_status(engine)
        _check_integrity(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise UsageError(
            messages("db.error.damaged", database=describe_url(url), reason=reason)
        ) from None
    finally:
        engine.dispose()
    return status


def _check_integrity(engine: Any) -> None:
    """Run SQLite's quick check, so a damaged file is reported rather than called current."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        result = connection.execute(text("PRAGMA quick_check")).scalar()
    if result != "ok":
        raise DatabaseError("PRAGMA quick_check", None, Exception(str(result)))


def run_status(invocation: Invocation, as_json: bool = False) -> int:
    """Print where the database is and how its schema relates to this Hecht; exit 2 if damaged."""
    from hecht.schema.engine import describe_url
    from hecht.tui.context import check_location

    messages = invocation.messages
    url = invocation.database_url()
    check_location(url, messages, may_create=False)
    status = _schema_status(url, messages)
    data = {
        "database": describe_url(url),
        "state": status.state.value,
        "revision": status.database_revision,
        "head": status.head_revision,
    }
    if as_json:
        print(json.dumps(data, indent=2))
    else:
        print(messages("db.status", **data))
    return 0


def run_upgrade(invocation: Invocation, as_json: bool = False) -> int:
    """Upgrade the schema explicitly (PostgreSQL, after the practice's own backup)."""
    from hecht.schema.engine import describe_url, make_engine
    from hecht.schema.migrate import schema_status, upgrade
    from hecht.tui.context import check_location

    messages = invocation.messages
    url = invocation.database_url()
    check_location(url, messages, may_create=False)
    _schema_status(url, messages)  # refuses a database that cannot be read
    engine = make_engine(url)
    try:
        upgrade(engine)
        status = schema_status(engine)
    finally:
        engine.dispose()
    print(messages("db.upgraded", database=describe_url(url), revision=status.database_revision))
    return 0


def run_rescore(invocation: Invocation, as_json: bool = False) -> int:
    """Recompute every stored score from its answers."""
    from hecht.scales.library import load_library
    from hecht.schema.database import unit_of_work
    from hecht.schema.services.rescore import rescore_all
    from hecht.tui.context import opened_database
    from hecht.tui.settings import local_scales_dir

    messages = invocation.messages
    library = load_library(local_scales_dir())
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        report = rescore_all(session=session, actor=invocation.actor(session), library=library)
    if as_json:
        print(json.dumps(report.__dict__, indent=2))
    else:
        print(messages("db.rescored", rescored=report.rescored, changed=report.changed))
        for scale in report.unknown_scales:
            print(messages("db.unknown_scale", scale=scale))
    return 0
