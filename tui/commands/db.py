"""Provides ``hecht db status|upgrade|rescore``: the database's schema and derived scores."""

from __future__ import annotations

import argparse
import json
from typing import Any

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


def run_status(args: argparse.Namespace, messages: Messages) -> int:
    """Print where the database is and how its schema relates to this Hecht."""
    from hecht.schema.engine import describe_url, make_engine
    from hecht.schema.migrate import schema_status
    from hecht.tui.context import command_database_url

    url = command_database_url(args)
    engine = make_engine(url)
    try:
        status = schema_status(engine)
    finally:
        engine.dispose()
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
    from hecht.tui.context import command_database_url

    url = command_database_url(args)
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
    from hecht.tui.context import command_actor, command_engine
    from hecht.tui.settings import local_scales_dir

    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            report = rescore_all(
                session=session, actor=command_actor(), library=load_library(local_scales_dir())
            )
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.__dict__, indent=2))
    else:
        print(messages("db.rescored", rescored=report.rescored, changed=report.changed))
        for scale in report.unknown_scales:
            print(messages("db.unknown_scale", scale=scale))
    return 0
