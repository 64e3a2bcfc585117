"""Provides the demo practice's own file: beside the real database, built whole or not at all."""

from __future__ import annotations

from pathlib import Path

from hecht.schema.db.engine import database_url, default_database_path
from hecht.schema.exchange.files import HEAD_SUFFIX

SUFFIXES = ("", "-wal", "-shm", HEAD_SUFFIX)
"""An SQLite database's file and the files that travel with it (SQLite's two, its head)."""


def demo_database_path() -> Path:
    """Return the demo practice's own file, beside (never instead of) the real database."""
    return default_database_path().with_name("hecht-demo.db")


def build_demo_file(path: Path) -> None:
    """Build the demo practice beside its final place, then move it there: never half a demo.

    A build that was interrupted leaves only its side file, which the next build starts over.

    Args:
        path: where the demo practice is to be (its folder is made when missing).
    """
    # Loaded here, not with the module: the command line imports this module on every start.
    from hecht.scales.library import load_library
    from hecht.schema.db.database import open_database
    from hecht.schema.demo.build import build_demo_practice

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for suffix in SUFFIXES:
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    engine = open_database(database_url(str(building)))
    try:
        build_demo_practice(engine=engine, library=load_library(None))
    finally:
        engine.dispose()
    Path(f"{path}{HEAD_SUFFIX}").unlink(missing_ok=True)
    if Path(f"{building}{HEAD_SUFFIX}").exists():
        Path(f"{building}{HEAD_SUFFIX}").replace(f"{path}{HEAD_SUFFIX}")
    building.replace(path)
