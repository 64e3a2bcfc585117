"""Provides the quick caseload read: the TUI's first caseload on a bare ``sqlite3`` connection.

Importing SQLAlchemy and SQLModel costs more than half a second; the caseload itself needs a few
plain queries and one audit event, which ``caseload_rows`` does on any DB-API connection. So the
TUI reads its first caseload here, right after its first frame, and opens storage proper after.

Only a database that the normal open would use as it is qualifies: an existing SQLite file with
the current schema, and the practitioner (if the config names one) already registered. Anything
else, or any error, returns None and the caller opens storage the normal way, which creates,
backs up, upgrades, registers or explains. Nothing is changed before the read qualifies.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from datetime import datetime
from pathlib import Path

from hecht.scales.facts import ScaleFacts
from hecht.schema.context import Actor
from hecht.schema.db.cipher import is_encrypted
from hecht.schema.db.claim import share_file
from hecht.schema.db.engine import (
    SQLITE_PREFIX,
    busy_timeout_ms,
    configure_sqlite_connection,
    read_only,
    sqlite_file,
)
from hecht.schema.db.plain import PlainConnection
from hecht.schema.db.revision import HEAD_REVISION
from hecht.schema.errors import DatabaseOpenError
from hecht.schema.services.caseload import CaseloadRow, caseload_rows
from hecht.schema.services.signals import SignalThresholds
from hecht.schema.trail.anchor import head_file, next_head, write_head


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for any other kind of database (an
    encrypted file's driver, a URL with a query: the normal open handles those)."""
    if not url.startswith(SQLITE_PREFIX) or "?" in url:
        return None
    return sqlite_file(url)


def _names_a_schema(path: Path) -> bool:
    """Whether the file holds Hecht's schema table, looked at read only (immutable: no lock, no
    -shm made): this path's own connection turns a file to WAL, which another program's must
    never be. A table written only to the -wal so far is not seen: then the normal open reads."""
    try:
        location = read_only(path, immutable=True)
        with closing(sqlite3.connect(location, uri=True)) as look:
            found = look.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchall()
    except sqlite3.Error:
        return False
    return bool(found)


def _user_id(plain: PlainConnection, practitioner: str | None) -> tuple[bool, int | None]:
    """Whether the acting user is known, and their id (None when the config names nobody)."""
    if not practitioner:
        return True, None
    found = plain.rows(
        "SELECT id FROM practitioner WHERE name = ? ORDER BY id LIMIT 1", [practitioner.strip()]
    )
    return (True, found[0][0]) if found else (False, None)


def quick_caseload(
    url: str,
    *,
    facts: Mapping[str, ScaleFacts],
    access_point: str,
    clock: Callable[[], datetime],
    practitioner: str | None = None,
    thresholds: SignalThresholds | None = None,
) -> list[CaseloadRow] | None:
    """Read the caseload (an audited listing) as ``caseload`` does, or None when not qualified."""
    path = plain_sqlite_file(url)
    if path is None or not path.is_file() or is_encrypted(path):
        return None  # an encrypted file is read through its keyed engine
    if not _names_a_schema(path):
        return None  # another program's file: the normal open refuses it, unchanged
    try:
        guard = share_file(path)  # as every engine connection: no restore replaces it meanwhile
    except DatabaseOpenError:
        return None  # being replaced: the normal open says so
    try:
        connection = sqlite3.connect(
            path, timeout=busy_timeout_ms() / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error:
        if guard is not None:
            guard.close()
        return None
    try:
        configure_sqlite_connection(connection)
        connection.execute("BEGIN IMMEDIATE")  # as every unit of work: it appends to the chain
        plain = PlainConnection(connection, "sqlite")
        revision = plain.rows("SELECT version_num FROM alembic_version")
        known, user_id = _user_id(plain, practitioner)
        if revision != [(HEAD_REVISION,)] or not known:
            connection.execute("ROLLBACK")
            return None
        actor = Actor(user_id=user_id, access_point=access_point, clock=clock)
        rows = caseload_rows(plain=plain, actor=actor, facts=facts, thresholds=thresholds)
        head = next_head(plain, head_file(path))
        connection.execute("COMMIT")
        if head is not None:
            write_head(head_file(path), head)
        return rows
    except sqlite3.Error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        return None
    finally:
        connection.close()
        if guard is not None:
            guard.close()  # after the connection: closing it first would drop SQLite's locks
