"""Provides ``hecht demo``: a synthetic practice in its own database, never the real one."""

from __future__ import annotations

from pathlib import Path

import click

from hecht.schema.demo.file import demo_database_path
from hecht.tui.cli.commands.group import database_options, invocation
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``demo`` command."""

    @click.command(help=messages("help.demo"))
    @click.option("--seed", type=int, default=1, help=messages("help.seed"))
    @database_options(messages, demo=False)
    def demo(seed: int, db: str | None) -> int:
        return run_demo(invocation(db, demo_allowed=False), seed)

    return {"demo": demo}


def target_url(invocation: Invocation) -> str:
    """Return where the demo goes: ``--db``, else the demo file (made anew each time)."""
    from hecht.schema.db.engine import database_url, same_database

    messages = invocation.messages
    chosen = invocation.db
    if chosen is None:
        from hecht.schema.db.claim import DatabaseInUse, claimed

        path = demo_database_path()
        try:
            with claimed(path):  # a `hecht --demo` still open would store into a removed file
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        except DatabaseInUse:
            raise UsageError(messages("db.in_use", path=path, command="hecht demo")) from None
        return database_url(str(path))
    url = database_url(chosen)
    if same_database(url, Invocation(messages, invocation.config).database_url()):
        raise UsageError(messages("error.demo_real_database"))
    return url


def run_demo(invocation: Invocation, seed: int = 1) -> int:
    """Build the demo practice into an empty database."""
    from hecht.scales.library import load_library
    from hecht.schema.db.engine import describe_url
    from hecht.schema.demo.build import build_demo_practice, holds_clients
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.views.formatting import counted

    messages = invocation.messages
    url = target_url(invocation)
    with opened_database(invocation, may_create=True, url=url) as engine:
        if holds_clients(engine):
            raise UsageError(messages("error.demo_not_empty", database=describe_url(url)))
        report = build_demo_practice(engine=engine, library=load_library(None), seed=seed)
    # each count is named by its noun in the plural: "drafts" is counted as ``count.draft``
    built = {noun: counted(messages, noun.removesuffix("s"), n) for noun, n in vars(report).items()}
    print(messages("demo.done", database=describe_url(url), **built))
    print(messages("demo.use", database=describe_url(url)))
    return 0
