"""Provides ``hecht db status|upgrade|rescore``: the database's schema and derived scores."""

from __future__ import annotations

import argparse
import json
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def register(commands: Any, messages: Messages) -> None:
    """Add the ``db`` command group."""
    group = commands.add_parser("db", help=messages("help.db"))
    sub = group.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    status = sub.add_parser("status", help=messages("help.db.status"))
    status.set_defaults(run=run_status)
    upgrading = sub.add_parser("upgrade", help=messages("help.db.upgrade"))
    upgrading.set_defaults(run=run_upgrade)
    rescore = sub.add_parser("rescore", help=messages("help.db.rescore"))
    rescore.set_defaults(run=run_rescore)
    for parser in (status, upgrading, rescore):
        parser.add_argument("--json", action="store_true", help=messages("help.json"))


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


def run_status(args: argparse.Namespace, messages: Messages) -> int:
    """Print where the database is and how its schema relates to this Hecht; exit 2 if damaged."""
    from hecht.schema.engine import describe_url
    from hecht.tui.context import Invocation, check_location

    url = Invocation.from_args(args, messages).database_url()
    check_location(url, messages, may_create=False)
    status = _schema_status(url, messages)
    data = {
        "database": describe_url(url),
        "state": status.state.value,
        "revision": status.database_revision,
        "head": status.head_revision,
    }
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(messages("db.status", **data))
    return 0


def run_upgrade(args: argparse.Namespace, messages: Messages) -> int:
    """Upgrade the schema explicitly (PostgreSQL, after the practice's own backup)."""
    from hecht.schema.engine import describe_url, make_engine
    from hecht.schema.migrate import schema_status, upgrade
    from hecht.tui.context import Invocation, check_location

    url = Invocation.from_args(args, messages).database_url()
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


def run_rescore(args: argparse.Namespace, messages: Messages) -> int:
    """Recompute every stored score from its answers."""
    from hecht.scales.library import load_library
    from hecht.schema.database import unit_of_work
    from hecht.schema.services.rescore import rescore_all
    from hecht.tui.context import Invocation, opened_database
    from hecht.tui.settings import local_scales_dir

    invocation = Invocation.from_args(args, messages)
    library = load_library(local_scales_dir())
    with opened_database(invocation) as engine, unit_of_work(engine) as session:
        report = rescore_all(session=session, actor=invocation.actor(), library=library)
    if args.json:
        print(json.dumps(report.__dict__, indent=2))
    else:
        print(messages("db.rescored", rescored=report.rescored, changed=report.changed))
        for scale in report.unknown_scales:
            print(messages("db.unknown_scale", scale=scale))
    return 0
