"""Provides plain SQL over a DB-API connection: the hot reads and the audit append, no SQLAlchemy.

The caseload, its signals and the audit chain run on this, inside a service's unit of work
(``of_session``) or on a bare ``sqlite3`` connection (``hecht.schema.db.quick``), so the TUI can
fill its first caseload before SQLAlchemy is imported and 10,000 clients cost a few index scans.
One SQL text serves SQLite and PostgreSQL: write ``?`` placeholders, psycopg gets ``%s``.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from sqlmodel import Session

WROTE = "hecht_plain"
"""Set in a session's info when plain SQL ran in its unit of work (an audit append, say): the
chains' heads are read before it commits (``hecht.schema.trail.seals``)."""
CHUNK = 5000
"""Values bound in one IN list: far below the parameter limits of SQLite and PostgreSQL."""


IS_CURRENT = (
    "NOT EXISTS (SELECT 1 FROM {table} later "
    "WHERE later.lineage_id = {row}.lineage_id AND later.version > {row}.version)"
)
"""A row of a versioned table is current when no later version of its lineage exists: the one
rule for "current", used by the plain reads (``current_rows_from``) and the ORM's
(``versioning.only_current``). An anti-join on the (lineage, version) index: cheaper than
joining each lineage's newest version, and the same answer."""


def current_rows_from(table: str) -> str:
    """A FROM clause of a versioned table's current rows, as ``t`` (the newest of each lineage)."""
    current = IS_CURRENT.format(table=table, row="c")
    return f"(SELECT * FROM {table} c WHERE {current}) t"


def hidden_by_row_security(plain: PlainConnection, table: str) -> bool:
    """Whether row-level security hides rows of a table from the connected role: PostgreSQL
    with caseloads on, for a role that neither owns the table nor bypasses row security."""
    if plain.dialect != "postgresql":
        return False
    found = plain.rows(
        "SELECT c.relrowsecurity AND NOT (pg_has_role(current_user, c.relowner, 'USAGE') "
        "OR r.rolsuper OR r.rolbypassrls) FROM pg_class c, pg_roles r "
        "WHERE c.oid = to_regclass(?) AND r.rolname = current_user",
        [table],
    )
    return bool(found and found[0][0])


_pausing = threading.Lock()
_pausers = 0
_paused_here = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a read builds rows for a whole practice.

    A caseload of 10,000 clients makes a few hundred thousand small objects, none of them in a
    cycle (refcounting frees them). Each few hundred made, the collector walks what the process
    holds, the scale library and the mapped tables included: half of the read's time. Paused
    here and collecting on afterwards as before; nested and concurrent reads share one pause,
    and a collector someone else paused (start-up mode) is left paused.
    """
    global _pausers, _paused_here
    with _pausing:
        _pausers += 1
        if _pausers == 1 and gc.isenabled():
            gc.disable()
            _paused_here = True
    try:
        yield
    finally:
        with _pausing:
            _pausers -= 1
            if _pausers == 0 and _paused_here:
                _paused_here = False
                gc.enable()


class PlainConnection:
    """A DB-API connection and its dialect; statements run in the caller's transaction."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            rows: list[tuple[Any, ...]] = cursor.fetchall()  # the drivers' default row factory
            return rows
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement that returns nothing the caller needs."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
        finally:
            cursor.close()

    def stored_datetime(self, value: datetime) -> Any:
        """A timezone-aware datetime as SQLModel's UTCDateTime stores it in this dialect.

        Written out here, not taken from the column type: the first caseload is read before
        SQLAlchemy is imported. A test stores a time through the ORM and finds it with this one
        (``test_a_time_the_plain_path_writes_or_compares_is_the_one_the_orm_stored``).
        """
        utc = value.astimezone(UTC)
        if self.dialect == "sqlite":
            return utc.strftime("%Y-%m-%d %H:%M:%S.%f")
        return utc


def of_session(session: Session) -> PlainConnection:
    """The DB-API connection under a session's unit of work (pending ORM changes flushed first)."""
    session.flush()
    session.info[WROTE] = True
    connection = session.connection()
    return PlainConnection(connection.connection.driver_connection, connection.dialect.name)


def placeholders(values: Sequence[Any]) -> str:
    """``?, ?, ?``: one placeholder per value, for an IN list."""
    return ", ".join("?" * len(values))


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """The distinct values in sorted runs of at most CHUNK, one IN list each."""
    unique = sorted(set(values))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


@overload
def as_date(value: date | str) -> date: ...
@overload
def as_date(value: None) -> None: ...
def as_date(value: date | str | None) -> date | None:
    """A stored date or timestamp as a calendar day (SQLite hands both back as text)."""
    if value.__class__ is str:  # SQLite's text first: a caseload converts tens of thousands
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
