"""Provides verified SQLite backups: online copy, fsync, reopen, integrity check, row counts."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from hecht.schema.files import create_private, database_files, same_file

HECHT_TABLES = ("client", "auditevent", "administration")
"""Tables every Hecht database has, whatever its schema version."""


class BackupProblem(StrEnum):
    """What is wrong with a backup or a restore."""

    EXISTS = "exists"
    NO_FILE = "no_file"
    EMPTY = "empty"
    NOT_SQLITE = "not_sqlite"
    DAMAGED = "damaged"
    COUNTS_DIFFER = "counts_differ"
    CANNOT_COPY = "cannot_copy"
    IS_DATABASE = "is_database"
    NOT_HECHT = "not_hecht"
    NEWER = "newer"
    NO_DATA = "no_data"


class BackupError(RuntimeError):
    """A backup that could not be made or did not verify, or a file that cannot be restored.

    Nothing was replaced. ``problem`` says what is wrong, ``path`` where, ``detail`` the
    database engine's own words where there are any.
    """

    def __init__(self, path: Path, problem: BackupProblem, detail: str = "") -> None:
        super().__init__(f"{path}: {problem.value}" + (f" ({detail})" if detail else ""))
        self.path, self.problem, self.detail = path, problem, detail


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
                raise BackupError(path, BackupProblem.DAMAGED, str(result))
            return row_counts(copy)
    except sqlite3.DatabaseError as error:
        raise BackupError(path, BackupProblem.NOT_SQLITE, str(error)) from None


def backup_sqlite(source: Path, target: Path) -> BackupReport:
    """Copy a live SQLite database to ``target`` and prove the copy sound before keeping it.

    The copy is written next to the target and renamed into place only after the integrity
    check passes and its row counts equal the source's.
    """
    if target.exists() or target.is_symlink():
        raise BackupError(target, BackupProblem.EXISTS)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        create_private(partial)
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            # a backup is one self-contained file: no write-ahead log beside it
            copy.execute("PRAGMA journal_mode=DELETE")
            expected = row_counts(live)
        _fsync(partial)
        counts = verify_copy(partial)
        if counts != expected:
            raise BackupError(target, BackupProblem.COUNTS_DIFFER)
        partial.replace(target)
        _fsync(target.parent)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(source, BackupProblem.CANNOT_COPY, str(error)) from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, counts)


def _checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the main file, so the file alone is the whole database."""
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _revision(path: Path) -> tuple[str | None, set[str]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "alembic_version" not in tables:
            return None, tables
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return (None if row is None else row[0]), tables


def check_restorable(source: Path, database: Path) -> dict[str, int]:
    """Prove a file fit to replace the database, before anything is touched; return its rows.

    It must be a file other than the database (or its companions), a sound SQLite database,
    a Hecht database of this version's schema or an older one (upgraded when opened), and hold
    dossiers or an access log.

    Raises:
        BackupError: with the first problem found.
    """
    from hecht.schema.migrate import head_revision, known_revisions

    if not source.is_file():
        raise BackupError(source, BackupProblem.NO_FILE)
    if any(same_file(source, own) for own in database_files(database)):
        raise BackupError(source, BackupProblem.IS_DATABASE)
    if source.stat().st_size == 0:
        raise BackupError(source, BackupProblem.EMPTY)
    counts = verify_copy(source)
    revision, tables = _revision(source)
    if revision is None or not set(HECHT_TABLES) <= tables:
        raise BackupError(source, BackupProblem.NOT_HECHT)
    if revision != head_revision() and revision not in known_revisions():
        raise BackupError(source, BackupProblem.NEWER, revision)
    if not any(counts.get(table) for table in HECHT_TABLES):
        raise BackupError(source, BackupProblem.NO_DATA)
    return counts


def restore_sqlite(source: Path, database: Path) -> Path | None:
    """Replace ``database`` with a verified copy of ``source``; keep the old file beside it.

    The backup is checked (``check_restorable``) before anything is touched. Returns where the
    old database was kept (None when there was none).

    Raises:
        BackupError: the file cannot be restored, or cannot be copied.
    """
    check_restorable(source, database)
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
