"""Provides the lock that tells an SQLite file in use: shared by every Hecht that has it open,
taken whole by a command that replaces the file (``hecht restore``, ``hecht db encrypt``).

A file renamed away or replaced under a connection still takes that connection's writes, into a
write-ahead log that is then deleted: a running Hecht would show them as saved and lose them. So
every connection holds a shared advisory lock on the file (``share_file``) and a command that
replaces it holds the lock exclusively (``claimed``): refused, with nothing changed, while any
other Hecht has the file open, and a Hecht started meanwhile is refused until it is done.
SQLite's own byte-range locks are separate and untouched.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from hecht.schema.db.cipher import database_errors
from hecht.schema.db.failures import StorageFailure, storage_fault
from hecht.schema.db.shares import Share, is_held, share
from hecht.schema.errors import DatabaseOpenError

LOCK_WAIT_SECONDS = 2.0
"""How long a command that replaces the file waits for another program to let go of it."""
SHARE_TRIES = 3
"""How often ``share_file`` locks again when the file was replaced just as it was locked."""


class DatabaseInUse(RuntimeError):
    """Another program (the TUI, a command) has the database open: nothing was changed."""


def share_file(path: Path) -> Share | None:
    """Hold a shared lock on a database file until the returned share is closed.

    Taken before SQLite opens the file, it is the file SQLite opens: none is renamed over it
    while the lock is held. None when there is no file (yet): opening it says what is wrong.
    Close it only after the connection it stands for. The connections of one process stand on
    one open file (``shares``): closing a file of the database drops the process's SQLite locks.

    Raises:
        DatabaseOpenError: a command is replacing the file right now.
    """
    return share(path, _open_shared)


def _open_shared(path: Path) -> BinaryIO | None:
    for _ in range(SHARE_TRIES):
        try:
            stream = path.open("rb")
        except OSError:
            return None
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            stream.close()
            break
        if _same_file(stream, path):
            return stream
        stream.close()  # replaced between opening and locking: lock the file there now
    raise DatabaseOpenError(
        f"the database {path} is being replaced or encrypted by another Hecht (`hecht "
        "restore`, `hecht db encrypt`): try again in a minute",
        "being_replaced",
        path=path,
    )


def _same_file(stream: BinaryIO, path: Path) -> bool:
    opened, named = os.fstat(stream.fileno()), _stat(path)
    return named is not None and (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


@contextmanager
def claimed(path: Path) -> Iterator[None]:
    """Hold a database file's lock exclusively for the block: no other Hecht has the file open,
    and none opens it, until the block ends. A file that is not there has nothing to claim.

    Every connection the block opens to the file must be closed inside it (see ``share_file``).

    Raises:
        DatabaseInUse: another Hecht (or this one) has the file open; the block did not run.
    """
    if is_held(path):  # by this process: opening and closing the file would drop its locks
        raise DatabaseInUse(f"{path} is held open by this Hecht")
    try:
        claim = path.open("rb")
    except FileNotFoundError:
        yield
        return
    with claim:
        try:
            fcntl.flock(claim.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DatabaseInUse(f"{path} is held open by another Hecht") from None
        if not _same_file(claim, path):
            raise DatabaseInUse(f"{path} was replaced just now")
        yield


def refuse_if_in_use(path: Path) -> None:
    """Refuse at once, before anything is asked or read, a file another Hecht has open.

    Raises:
        DatabaseInUse: another Hecht has the file open.
    """
    with claimed(path):
        return


def hold_alone(connection: Any) -> None:
    """Make the database one file (no write-ahead log) and keep every other connection out.

    Leaving WAL mode needs every other connection closed, so it also tells that a program other
    than Hecht (an ``sqlite3`` shell) has the file open; the exclusive locking mode then keeps
    the read lock until ``connection`` is closed.

    Raises:
        DatabaseInUse: another connection has the database open.
        sqlite3.Error: the file cannot be read (damaged, unreadable): not a sign of use.
    """
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except database_errors() as error:
        if storage_fault(error) is not StorageFailure.LOCKED:
            raise
        raise DatabaseInUse(str(error)) from None
    if str(mode).lower() != "delete":
        raise DatabaseInUse(f"journal mode stays {mode}")
