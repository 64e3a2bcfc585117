"""Provides opening a database: connect, check the schema, back up and upgrade when older."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from hecht.schema.db.cipher import is_encrypted, key_for
from hecht.schema.db.engine import describe_url, make_engine, read_only
from hecht.schema.db.failures import StorageFailure, storage_fault
from hecht.schema.db.migrate import SchemaState, schema_status, upgrade
from hecht.schema.errors import DatabaseOpenError as DatabaseOpenError  # where callers find it
from hecht.schema.errors import DatabaseUnreachableError
from hecht.schema.exchange.backup import BackupError, backup_sqlite
from hecht.schema.trail.anchor import head_file


def sqlite_path(engine: Engine) -> Path | None:
    """Return the file of an SQLite engine, or None for PostgreSQL or memory."""
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_before_upgrade(engine: Engine, revision: str | None) -> Path:
    """Make a verified copy of an SQLite database before its schema is upgraded."""
    source = sqlite_path(engine)
    assert source is not None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(
        f"{source.stem}-before-upgrade-from-{revision}-{stamp}{source.suffix}"
    )
    key = key_for(source)  # an encrypted database's backup is encrypted with its key
    try:
        return backup_sqlite(source, target, source_key=key, target_key=key).path
    except BackupError as error:
        raise DatabaseOpenError(
            f"not upgraded, because the backup failed: {error}", "upgrade_backup", reason=error
        ) from None


def prepare(engine: Engine) -> Path | None:
    """Bring the schema to this version of Hecht; return the backup made before an upgrade.

    Raises:
        DatabaseOpenError: the database is newer than the code, foreign, or unreachable.
    """
    where = describe_url(str(engine.url))
    try:
        status = schema_status(engine)
    except (OperationalError, DatabaseError, sqlite3.DatabaseError) as error:
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        failure = storage_fault(error)
        if failure not in (None, StorageFailure.GONE):  # held, read-only, full: not damaged
            raise DatabaseOpenError(
                f"cannot open the database {where}: {reason}",
                "unusable",
                database=where,
                failure=failure.value,
            ) from None
        server = sqlite_path(engine) is None
        raise DatabaseUnreachableError(where, reason, server=server) from None
    if status.state is SchemaState.NEWER:
        raise DatabaseOpenError(
            f"the database {where} was written by a newer version of Hecht (schema "
            f"{status.database_revision}; this version knows up to {status.head_revision}). "
            "Update Hecht; this version will not change the database.",
            "newer",
            database=where,
            found=status.database_revision,
            known=status.head_revision,
        )
    if status.state is SchemaState.FOREIGN:
        raise foreign_database(where)
    backup = None
    if status.state is SchemaState.OLDER:
        if sqlite_path(engine) is None:
            raise DatabaseOpenError(
                f"the database {where} has an older schema ({status.database_revision}). Back "
                "it up (pg_dump), then run `hecht db upgrade` once for the practice.",
                "older_server",
                database=where,
                found=status.database_revision,
            )
        backup = backup_before_upgrade(engine, status.database_revision)
    if status.state is not SchemaState.CURRENT:
        upgrade(engine)
    source = sqlite_path(engine)
    if status.state is SchemaState.EMPTY and source is not None:
        head_file(source).unlink(missing_ok=True)  # a new database starts a new chain
    return backup


def foreign_database(where: str) -> DatabaseOpenError:
    """The refusal of a database whose tables are not Hecht's."""
    return DatabaseOpenError(
        f"the database {where} holds tables that are not Hecht's: point --db or HECHT_DB "
        "at a Hecht database or at a new file.",
        "foreign",
        database=where,
    )


def refuse_a_foreign_file(url: str) -> None:
    """Refuse an SQLite file of another program before the engine touches it: opening it the
    way Hecht opens its own would change it (its journal mode, its permissions) only to refuse
    it after. Read only; an encrypted file, or one that cannot be read so, is left to the
    normal way, which says what is wrong with it.

    Raises:
        DatabaseOpenError: ``foreign``.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database).expanduser()
    if not path.is_file() or path.stat().st_size == 0 or is_encrypted(path):
        return
    # immutable: no lock taken, no -shm or -wal file made beside a WAL database (a Hecht one
    # being replaced must stay untouched); the main file's tables are all this looks at
    location = read_only(path, immutable=True)
    reader = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(location, uri=True), poolclass=NullPool
    )
    try:
        state = schema_status(reader).state
    except (OperationalError, DatabaseError, sqlite3.DatabaseError):
        return
    finally:
        reader.dispose()
    if state is SchemaState.FOREIGN:
        raise foreign_database(describe_url(url))


def open_database(url: str) -> Engine:
    """Connect to a database and prepare its schema; the engine is ready for services. A file
    of another program is refused unchanged (``refuse_a_foreign_file``)."""
    refuse_a_foreign_file(url)
    engine = make_engine(url)
    try:
        prepare(engine)
    except Exception as error:
        engine.dispose()
        failure = None if isinstance(error, DatabaseOpenError) else storage_fault(error)
        if failure is not None:  # upgrading (or creating) it met a full or read-only disk
            where = describe_url(url)
            raise DatabaseOpenError(
                f"cannot open the database {where}: {failure.value}",
                "unusable",
                database=where,
                failure=failure.value,
            ) from None
        raise
    return engine


def check_integrity(engine: Engine) -> None:
    """Run SQLite's quick check, so a damaged file is reported rather than called current
    (``hecht db status``); a PostgreSQL server checks its own pages.

    Raises:
        sqlalchemy.exc.DatabaseError: the file is damaged, with SQLite's words.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        result = connection.execute(text("PRAGMA quick_check")).scalar()
    if result != "ok":
        raise DatabaseError("PRAGMA quick_check", None, Exception(str(result)))


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """Yield a session whose work is committed together, or not at all on an error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
