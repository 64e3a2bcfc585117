"""Provides verified SQLite backups: online copy, fsync, reopen, integrity check, row counts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hecht.schema.db.cipher import (
    connect,
    database_errors,
    database_or_file_errors,
    export_into,
    is_encrypted,
    key_for,
)
from hecht.schema.db.claim import LOCK_WAIT_SECONDS, claimed, hold_alone
from hecht.schema.db.engine import read_only, sqlite_url
from hecht.schema.db.plain import PlainConnection
from hecht.schema.exchange.files import (
    DATABASE_COMPANIONS,
    create_private,
    database_files,
    same_file,
    sync_to_disk,
)
from hecht.schema.trail.anchor import current_head, head_file, replace_head

if TYPE_CHECKING:
    from hecht.schema.trail.audit import AuditReport

HECHT_TABLES = ("client", "auditevent", "administration")
"""Tables every Hecht database has, whatever its schema version."""
SMALLEST_PAGE = 512
"""SQLite's smallest page: every database file, encrypted or not, is a whole number of pages."""


class BackupProblem(StrEnum):
    """What is wrong with a backup or a restore."""

    EXISTS = "exists"
    NO_FILE = "no_file"
    FOLDER = "folder"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    NOT_SQLITE = "not_sqlite"
    NOT_DATABASE = "not_database"
    DAMAGED = "damaged"
    COUNTS_DIFFER = "counts_differ"
    CANNOT_COPY = "cannot_copy"
    IS_DATABASE = "is_database"
    NOT_HECHT = "not_hecht"
    NEWER = "newer"
    NO_DATA = "no_data"
    OTHER_KEY = "other_key"
    CHANGED = "changed"


class BackupError(RuntimeError):
    """A backup that could not be made or did not verify, or a file that cannot be restored.

    Nothing was replaced. ``problem`` says what is wrong, ``path`` where, ``detail`` the
    database engine's own words where there are any, ``cause`` the error a copy that could not
    be made met (its code says why: a full disk, a closed folder).
    """

    def __init__(
        self,
        path: Path,
        problem: BackupProblem,
        detail: str = "",
        cause: BaseException | None = None,
        report: AuditReport | None = None,
    ) -> None:
        super().__init__(f"{path}: {problem.value}" + (f" ({detail})" if detail else ""))
        self.path, self.problem, self.detail, self.cause = path, problem, detail, cause
        self.report = report
        """What ``hecht audit verify`` found in a backup changed outside Hecht (``CHANGED``)."""


@dataclass(frozen=True)
class BackupReport:
    """A verified backup: where it is and how many rows each table holds."""

    path: Path
    row_counts: dict[str, int]


def row_counts(connection: Any) -> dict[str, int]:
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


def verify_copy(path: Path, passphrase: str | None = None) -> dict[str, int]:
    """Reopen a database file, check its integrity and return its row counts.

    Raises:
        BackupError: the file is not a sound SQLite database (or not with this passphrase).
    """
    try:
        with closing(connect(read_only(path), passphrase, uri=True)) as copy:
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(path, BackupProblem.DAMAGED, str(result))
            return row_counts(copy)
    except database_errors() as error:
        raise BackupError(path, BackupProblem.NOT_SQLITE, str(error)) from None


def _copy(source: Path, source_key: str | None, target: Path, target_key: str | None) -> Any:
    """Copy a database into an empty file; return its row counts as read from the source.

    With one key on both sides (or none) SQLite's online backup copies the pages; to encrypt,
    decrypt or re-key, SQLCipher exports schema and rows into the keyed file.
    """
    if source_key == target_key:
        with (
            closing(connect(source, source_key)) as live,
            closing(connect(target, target_key)) as copy,
        ):
            live.backup(copy)
            # a backup is one self-contained file: no write-ahead log beside it
            copy.execute("PRAGMA journal_mode=DELETE")
            return row_counts(live)
    with closing(connect(source, source_key, cipher=True, isolation_level=None)) as live:
        export_into(live, target, target_key)
        return row_counts(live)  # a write in between makes the counts differ: refused


def _carry_head(copy: Path, passphrase: str | None, target: Path) -> None:
    """Write the head of the copy's audit log and seals beside where it goes (``anchor``)."""
    with closing(connect(read_only(copy), passphrase, uri=True)) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        if not {"auditevent", "recordseal"} <= tables:
            return  # a database from before the seals: its head is written once it is upgraded
        head = current_head(PlainConnection(connection, "sqlite"))
    replace_head(head_file(target), head)


def backup_sqlite(
    source: Path, target: Path, *, source_key: str | None = None, target_key: str | None = None
) -> BackupReport:
    """Copy a live SQLite database to ``target`` and prove the copy sound before keeping it.

    The copy is written next to the target and renamed into place only after the integrity
    check passes and its row counts equal the source's; the head of its audit log and seals
    goes beside it (``target.audit-head``), so a backup carries the head it was made at. Each
    file is opened with its own passphrase (None: a plain file); a backup of an encrypted
    database takes its key.
    """
    if target.exists() or target.is_symlink():
        raise BackupError(target, BackupProblem.EXISTS)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        create_private(partial)
        expected = _copy(source, source_key, partial, target_key)
        sync_to_disk(partial)
        counts = verify_copy(partial, target_key)
        if counts != expected:
            raise BackupError(target, BackupProblem.COUNTS_DIFFER)
        _carry_head(partial, target_key, target)
        partial.replace(target)
        sync_to_disk(target.parent)
    except database_or_file_errors() as error:
        raise BackupError(source, BackupProblem.CANNOT_COPY, str(error), error) from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, counts)


def _revision(path: Path, passphrase: str | None) -> tuple[str | None, set[str]]:
    with closing(connect(read_only(path), passphrase, uri=True)) as connection:
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "alembic_version" not in tables:
            return None, tables
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return (None if row is None else row[0]), tables


def source_key(source: Path, database: Path) -> str | None:
    """The passphrase a backup opens with: the database's own, for an encrypted backup."""
    if not is_encrypted(source):
        return None
    passphrase = key_for(database)
    if passphrase is None:
        raise BackupError(source, BackupProblem.OTHER_KEY)
    return passphrase


def could_be_encrypted(path: Path) -> bool:
    """Whether a file that does not start as a plain database could be an encrypted one.

    An SQLCipher file is a whole number of pages that starts with a random salt; a file of any
    other length, or one that starts as text does, is no database at all.
    """
    with path.open("rb") as stream:
        head = stream.read(SMALLEST_PAGE)
    if path.stat().st_size % SMALLEST_PAGE:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not a character cut off at the end
            return True
        text = head[: error.start].decode("utf-8")
    return "\x00" in text  # text has none; a file of zeros is a damaged database, as a rule


def check_restorable(source: Path, database: Path) -> dict[str, int]:
    """Prove a file fit to replace the database, before anything is touched; return its rows.

    It must be a file other than the database (or its companions), a database file (plain, or
    one that could be encrypted: not text), a sound SQLite database, a Hecht database of this
    version's schema or an older one (upgraded when opened), and hold dossiers or an access log.
    An encrypted backup must open with the database's passphrase. A backup of this version's
    schema must verify as ``hecht audit verify`` does, against the head written beside it when it
    was made: nothing in it changed outside Hecht since.

    Raises:
        BackupError: with the first problem found.
    """
    from hecht.schema.db.migrate import head_revision, known_revisions

    if source.is_dir():
        raise BackupError(source, BackupProblem.FOLDER)
    if not source.is_file():
        raise BackupError(source, BackupProblem.NO_FILE)
    if any(same_file(source, own) for own in database_files(database)):
        raise BackupError(source, BackupProblem.IS_DATABASE)
    if source.stat().st_size == 0:
        raise BackupError(source, BackupProblem.EMPTY)
    try:
        source.open("rb").close()
    except OSError as error:  # not the user's to read: SQLite would call it no database
        raise BackupError(source, BackupProblem.UNREADABLE, error.strerror or "") from None
    if is_encrypted(source) and not could_be_encrypted(source):
        raise BackupError(source, BackupProblem.NOT_DATABASE)
    passphrase = source_key(source, database)
    try:
        counts = verify_copy(source, passphrase)
    except BackupError as error:
        if passphrase is not None and error.problem is BackupProblem.NOT_SQLITE:
            raise BackupError(source, BackupProblem.OTHER_KEY) from None
        raise
    revision, tables = _revision(source, passphrase)
    if revision is None or not set(HECHT_TABLES) <= tables:
        raise BackupError(source, BackupProblem.NOT_HECHT)
    if revision != head_revision() and revision not in known_revisions():
        raise BackupError(source, BackupProblem.NEWER, revision)
    if not any(counts.get(table) for table in HECHT_TABLES):
        raise BackupError(source, BackupProblem.NO_DATA)
    if revision == head_revision():  # an older file gains its seals when it is upgraded
        refuse_if_changed(source, passphrase)
    return counts


def refuse_if_changed(path: Path, passphrase: str | None) -> None:
    """Refuse a database file in which ``hecht audit verify`` finds a change outside Hecht (a
    restore would bring it into the practice; a backup made of it cannot be restored).

    Raises:
        BackupError: ``CHANGED``, with the report, or the reason its log or seals cannot be read.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from hecht.schema.trail.seals import changes_in

    unreadable: tuple[type[Exception], ...] = (SQLAlchemyError, *database_errors())
    try:
        report = audit_of(path, passphrase)
    except unreadable as error:  # its log or seals rebuilt beyond reading
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise BackupError(path, BackupProblem.CHANGED, reason) from None
    if not report.chain.intact or changes_in(report.findings):
        raise BackupError(path, BackupProblem.CHANGED, report=report)


def audit_of(path: Path, passphrase: str | None) -> AuditReport:
    """What ``hecht audit verify`` finds in a database file, read only: its access log, its
    append-only triggers, its sealed rows, and the head beside it (written when it was made)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool
    from sqlmodel import Session

    from hecht.schema.trail.audit import verify_all

    engine = create_engine(
        sqlite_url(path),
        creator=lambda: connect(read_only(path), passphrase, uri=True),
        poolclass=NullPool,
    )
    try:
        with Session(engine) as session:
            return verify_all(session=session)
    finally:
        engine.dispose()


def restore_sqlite(source: Path, database: Path) -> Path | None:
    """Replace ``database`` with a verified copy of ``source``; keep the old file beside it.

    The backup is checked (``check_restorable``) before anything is touched. The database is
    claimed for the whole replacement (``hecht.schema.db.claim``): refused while another Hecht
    has it open, whose later writes would go into the file kept aside and be lost. The copy is
    made and proven beside the database and renamed over it in one step, so the database's name
    never names half a database. An encrypted database stays encrypted with its passphrase,
    whether the backup was encrypted or not. Returns where the old database was kept (None when
    there was none).

    Raises:
        DatabaseInUse: another Hecht, or another program, has the database open.
        BackupError: the file cannot be restored, or cannot be copied.
    """
    check_restorable(source, database)
    passphrase = key_for(database) if is_encrypted(database) else None
    side = database.with_name(f".{database.name}.restoring")
    try:
        with claimed(database), _held_alone(database, passphrase):
            for stale in (side, head_file(side)):
                stale.unlink(missing_ok=True)  # left by a restore that was interrupted
            backup_sqlite(
                source, side, source_key=source_key(source, database), target_key=passphrase
            )
            return _swap_in(side, database)
    except OSError as error:
        raise BackupError(database, BackupProblem.CANNOT_COPY, str(error), error) from None
    finally:
        for left in (side, head_file(side)):
            left.unlink(missing_ok=True)


@contextmanager
def _held_alone(database: Path, passphrase: str | None) -> Iterator[None]:
    """Keep every other connection out of the database for the block (``hold_alone``), its
    write-ahead log folded in; a file that cannot be read (damaged) is replaced as it is."""
    if not database.is_file() or database.stat().st_size == 0:
        yield
        return
    try:
        connection = connect(database, passphrase, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
    except database_errors():
        yield
        return
    with closing(connection):
        try:
            hold_alone(connection)
        except database_errors():
            pass  # damaged: the claim alone keeps every Hecht out
        yield


def _swap_in(copy: Path, database: Path) -> Path | None:
    """Keep the database aside, with its head and any file SQLite keeps beside it, and rename
    the proven copy (and its head) over it; return where the old database was kept."""
    kept = None
    if database.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = database.with_name(f"{database.stem}-replaced-{stamp}{database.suffix}")
        _keep_aside(database, kept)
    try:
        os.replace(copy, database)
    except OSError:
        if kept is not None:
            _put_back(kept, database)
        raise
    if kept is not None and head_file(database).exists():
        head_file(database).replace(head_file(kept))
    if head_file(copy).exists():
        head_file(copy).replace(head_file(database))
    sync_to_disk(database.parent)
    return kept


def _keep_aside(database: Path, kept: Path) -> None:
    """Give the database a second name, ``kept``, its own name naming it until the copy is
    renamed over it; a journal or write-ahead log goes along (there is one only beside a file
    that could not be read)."""
    try:
        os.link(database, kept)
    except FileExistsError:
        raise
    except OSError:
        database.replace(kept)  # a file system without hard links
    _move_companions(database, kept)


def _put_back(kept: Path, database: Path) -> None:
    """Undo ``_keep_aside``: the database under its own name only, its companions beside it."""
    if database.exists():
        kept.unlink()
    else:
        kept.replace(database)
    _move_companions(kept, database)


def _move_companions(source: Path, target: Path) -> None:
    for end in DATABASE_COMPANIONS:
        companion = Path(f"{source}{end}")
        if companion.exists():
            companion.replace(f"{target}{end}")
