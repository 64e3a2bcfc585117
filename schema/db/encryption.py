"""Provides turning a plain SQLite database into an encrypted one, proven before the swap.

The encrypted copy is made beside the database while no other program may write to it, checked
(integrity, and every table's row count equal to the plain file's), then renamed over the plain
file; the plain file's bytes are then overwritten with zeros before it is let go.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

from hecht.schema.db.cipher import (
    connect,
    database_errors,
    database_or_file_errors,
    export_into,
    is_encrypted,
)
from hecht.schema.db.claim import LOCK_WAIT_SECONDS, claimed, hold_alone
from hecht.schema.exchange.backup import (
    BackupError,
    BackupProblem,
    BackupReport,
    row_counts,
    verify_copy,
)
from hecht.schema.exchange.files import create_private, sync_to_disk

CHUNK = 1 << 20


def encrypt_database(database: Path, passphrase: str) -> BackupReport:
    """Replace a plain database with an encrypted copy under ``passphrase``; return its rows.

    Raises:
        DatabaseInUse: another program holds the database open.
        BackupError: the file is encrypted already, or the copy could not be made or proven.
    """
    if is_encrypted(database):
        raise BackupError(database, BackupProblem.NOT_SQLITE, "encrypted already")
    with claimed(database):
        return _encrypt(database, passphrase)


def _encrypt(database: Path, passphrase: str) -> BackupReport:
    partial = database.with_name(f".{database.name}.encrypting")
    partial.unlink(missing_ok=True)
    try:
        connection = connect(database, cipher=True, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
    except database_errors() as error:
        raise BackupError(database, BackupProblem.CANNOT_COPY, str(error)) from None
    with closing(connection):
        try:
            hold_alone(connection)  # refuses a file that a program other than Hecht has open
            create_private(partial)
            export_into(connection, partial, passphrase)
            expected = row_counts(connection)
            sync_to_disk(partial)
            counts = verify_copy(partial, passphrase)
            if counts != expected:
                raise BackupError(partial, BackupProblem.COUNTS_DIFFER)
            _swap(partial, database)
        except database_or_file_errors() as error:
            raise BackupError(database, BackupProblem.CANNOT_COPY, str(error)) from None
        finally:
            partial.unlink(missing_ok=True)
    return BackupReport(database, counts)


def _swap(partial: Path, database: Path) -> None:
    """Rename the encrypted copy over the database, then overwrite the plain file's bytes."""
    plain = os.open(database, os.O_WRONLY)
    try:
        os.replace(partial, database)
        sync_to_disk(database.parent)
        _overwrite(plain)
    finally:
        os.close(plain)
    for end in ("-wal", "-shm", "-journal"):
        database.with_name(database.name + end).unlink(missing_ok=True)


def _overwrite(descriptor: int) -> None:
    """Write zeros over a file's whole length and sync them to disk."""
    size = os.fstat(descriptor).st_size
    os.lseek(descriptor, 0, os.SEEK_SET)
    zeros = bytes(CHUNK)
    written = 0
    while written < size:
        written += os.write(descriptor, zeros[: min(CHUNK, size - written)])
    os.fsync(descriptor)
