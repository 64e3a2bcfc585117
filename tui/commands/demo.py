"""Provides ``hecht demo``: a synthetic practice in its own database, never the real one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages


def register(commands: Any, messages: Messages) -> None:
    """Add the ``demo`` command."""
    demo = commands.add_parser("demo", help=messages("help.demo"))
    demo.add_argument("--seed", type=int, default=1, help=messages("help.seed"))
    demo.set_defaults(run=run_demo)


def demo_database_path() -> Path:
    """Return the demo practice's own file, beside (never instead of) the real database."""
    from hecht.schema.engine import default_database_path

    return default_database_path().with_name("hecht-demo.db")


def build_demo_file(path: Path) -> None:
    """Build the demo practice beside its final place, then move it there: never half a demo."""
    from hecht.scales.library import load_library
    from hecht.schema.database import open_database
    from hecht.schema.demo import build_demo_practice
    from hecht.schema.engine import database_url

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    engine = open_database(database_url(str(building)))
    try:
        build_demo_practice(engine=engine, library=load_library(None))
    finally:
        engine.dispose()
    building.replace(path)


def target_url(args: argparse.Namespace, messages: Messages) -> str:
    """Return where the demo goes: ``--db``, else the demo file (made anew each time)."""
    from hecht.schema.engine import database_url
    from hecht.tui.context import command_database_url

    chosen = getattr(args, "db", None)
    if chosen is None:
        path = demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return database_url(str(path))
    url = database_url(chosen)
    if url == command_database_url(argparse.Namespace(config=getattr(args, "config", None))):
        raise UsageError(messages("error.demo_real_database"))
    return url


def run_demo(args: argparse.Namespace, messages: Messages) -> int:
    """Build the demo practice into an empty database."""
    from sqlalchemy import func, select

    from hecht.scales.library import load_library
    from hecht.schema.demo import build_demo_practice
    from hecht.schema.engine import describe_url
    from hecht.schema.tables import Client
    from hecht.tui.context import check_location, open_engine

    url = target_url(args, messages)
    check_location(url, messages, may_create=True)
    engine = open_engine(url, messages)
    try:
        with engine.connect() as connection:
            if connection.execute(select(func.count()).select_from(Client)).scalar():
                raise UsageError(messages("error.demo_not_empty", database=describe_url(url)))
        report = build_demo_practice(engine=engine, library=load_library(None), seed=args.seed)
    finally:
        engine.dispose()
    print(messages("demo.done", database=describe_url(url), **vars(report)))
    print(messages("demo.use", database=describe_url(url)))
    return 0
