"""Provides verified SQLite backups: online copy, fsync, reopen, integrity check, row counts."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class BackupError(RuntimeError):
    """A backup that could not be made or did not verify; nothing was replaced."""


@dataclass(frozen=True)
class BackupReport:
    """A verified backup: where it is and how many rows each table holds."""

    path: Path
    row_counts: dict[str, int]


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Return the number of rows of every table."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in sorted(tables)
    }


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def verify_copy(path: Path) -> dict[str, int]:
    """Reopen a database file, check its integrity and return its row counts.

    Raises:
        BackupError: the file is not a sound SQLite database.
    """
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path}: integrity check failed ({result})")
            return row_counts(copy)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a readable SQLite database ({error})") from None


def backup_sqlite(source: Path, target: Path) -> BackupReport:
    """Copy a live SQLite database to ``target`` and prove the copy sound before keeping it.

    The copy is written next to the target and renamed into place only after the integrity
    check passes and its row counts equal the source's.
    """
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            # a backup is one self-contained file: no write-ahead log beside it
            copy.execute("PRAGMA journal_mode=DELETE")
            expected = row_counts(live)
        _fsync(partial)
        counts = verify_copy(partial)
        if counts != expected:
            raise BackupError(f"{target}: the copy's row counts differ from the database's")
        partial.replace(target)
        _fsync(target.parent)
    except sqlite3.Error as error:
        raise BackupError(f"cannot back up {source} ({error})") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, counts)


def _checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the main file, so the file alone is the whole database."""
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def restore_sqlite(source: Path, database: Path) -> Path | None:
    """Replace ``database`` with a verified copy of ``source``; keep the old file beside it.

    The backup is checked before anything is touched. Returns where the old database was kept
    (None when there was none).

    Raises:
        BackupError: the backup is not a sound SQLite database, or cannot be copied.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    verify_copy(source)
    kept = None
    if database.exists():
        _checkpoint(database)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = database.with_name(f"{database.stem}-replaced-{stamp}{database.suffix}")
        database.replace(kept)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    try:
        backup_sqlite(source, database)
    except BackupError:
        if kept is not None:
            kept.replace(database)
        raise
    return kept
