"""Provides what a command needs to reach the dossiers: the database and the acting user."""

from __future__ import annotations

import argparse
import socket

from sqlalchemy import Engine

from hecht.schema.context import Actor
from hecht.schema.database import DatabaseOpenError, open_database
from hecht.schema.engine import database_url
from hecht.tui.cli import UsageError


def command_actor() -> Actor:
    """Return the actor for a command-line access, identified by this workstation."""
    return Actor(user_id=None, access_point=f"cli:{socket.gethostname()}")


def command_engine(args: argparse.Namespace) -> Engine:
    """Open the database named by ``--db``, HECHT_DB or the default; refuse with the reason."""
    try:
        return open_database(database_url(getattr(args, "db", None)))
    except DatabaseOpenError as error:
        raise UsageError(str(error)) from None
