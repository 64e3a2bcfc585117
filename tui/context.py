"""Provides what a command needs to reach the dossiers: the database and the acting user.

Storage is imported only to open the database, so the TUI can pick its database on the way to
the first frame without waiting for SQLAlchemy.
"""

from __future__ import annotations

import argparse
import socket
from typing import TYPE_CHECKING

from hecht.schema.context import Actor
from hecht.schema.engine import database_url
from hecht.tui.cli import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine


def command_actor() -> Actor:
    """Return the actor for a command-line access, identified by this workstation."""
    return Actor(user_id=None, access_point=f"cli:{socket.gethostname()}")


def command_database_url(args: argparse.Namespace) -> str:
    """Return the database a command works on: --db, HECHT_DB, the config file, the default."""
    config = getattr(args, "config", None)
    return database_url(getattr(args, "db", None), None if config is None else config.database)


def command_engine(args: argparse.Namespace) -> Engine:
    """Open the database a command works on; refuse with the reason."""
    from hecht.schema.database import DatabaseOpenError, open_database

    try:
        return open_database(command_database_url(args))
    except DatabaseOpenError as error:
        raise UsageError(str(error)) from None
