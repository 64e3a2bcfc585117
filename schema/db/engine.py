"""Provides the database engine: an SQLite file by default, PostgreSQL for a shared practice.

SQLAlchemy is imported inside the functions that build or parse URLs with it, so choosing the
database (``database_url``) costs nothing on the way to the TUI's first frame.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    from sqlalchemy import Engine

APP_NAME = "hecht"
BUSY_TIMEOUT_MS = 10_000
"""How long a unit of work waits for another program's write lock before it is refused."""
BUSY_TIMEOUT_OVERRIDE = "HECHT_BUSY_TIMEOUT_MS"
"""Shortens (or lengthens) that wait, in milliseconds: the storage-fault tests need a short one."""


def busy_timeout_ms() -> int:
    """How long to wait for a locked SQLite database: BUSY_TIMEOUT_MS unless overridden."""
    value = os.environ.get(BUSY_TIMEOUT_OVERRIDE, "").strip()
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def default_database_path() -> Path:
    """Return the SQLite file used when nothing else is configured."""
    return platformdirs.user_data_path(APP_NAME) / "hecht.db"


def database_url(explicit: str | None = None, configured: str | None = None) -> str:
    """Return the database URL: ``--db``, else HECHT_DB, else the config file's, else the default.

    A value with ``://`` is an SQLAlchemy URL (``postgresql://`` uses psycopg 3); anything
    else is a path to an SQLite file.
    """
    value = explicit or os.environ.get("HECHT_DB") or configured or str(default_database_path())
    if "://" not in value:
        return sqlite_url(Path(value).expanduser())
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def same_database(first: str, second: str) -> bool:
    """Whether two databases (paths or URLs) are one: the same URL, or two names of one SQLite
    file (``a.db``, ``./a.db``, its full path, its ``sqlite:///`` URL): no contradiction when
    ``--db`` is given twice, and the practice's own database however the demo is told it."""

    def place(value: str) -> str:
        path = sqlite_file(value) if "://" in value else Path(value).expanduser()
        if path is None:
            return value
        try:
            return str(path.resolve())
        except (OSError, RuntimeError):  # a loop of links: the path as given, made absolute
            return str(path.absolute())

    return place(first) == place(second)


SQLITE_PREFIX = "sqlite:///"
URL_MARKS = str.maketrans({"%": "%25", "?": "%3F", "#": "%23"})
"""The characters of a path that a URL reads as its own (an escape, the query, the fragment):
quoted in an SQLite URL, so a folder named ``notes?2026`` is not cut at the ``?``."""


def sqlite_url(path: Path | str) -> str:
    """The URL of an SQLite file (SQLAlchemy unquotes what ``URL_MARKS`` quotes)."""
    return SQLITE_PREFIX + str(path).translate(URL_MARKS)


def read_only(path: Path, *, immutable: bool = False) -> str:
    """The URI that opens a database file for reading only, its name quoted (a ``?``, ``#`` or
    ``%`` in a folder's name would otherwise be read as part of the URI). ``immutable`` also
    takes no lock and makes no -shm or -wal file beside it: for a look at a file that must stay
    untouched, whose main file alone is read."""
    from urllib.parse import quote

    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, unquoted as SQLAlchemy reads it (a name SQLAlchemy wrote out
    itself has every character beyond ASCII quoted); None for PostgreSQL or an in-memory
    database. Without SQLAlchemy: choosing a database stays off the first frame's path."""
    from urllib.parse import unquote

    scheme, _, rest = url.partition(":///")
    path, _, query = rest.partition("?")
    if not scheme.startswith("sqlite") or path in ("", ":memory:") or "mode=memory" in query:
        return None
    return Path(unquote(path)).expanduser()


def describe_url(url: str) -> str:
    """Return the URL as it may be shown: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def sqlite_pragmas() -> tuple[str, ...]:
    """Set on every SQLite connection, by the engine and by the TUI's quick first read alike."""
    return (
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={busy_timeout_ms()}",
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",  # an answer shown as saved survives a power loss
    )


def configure_sqlite_connection(dbapi_connection: Any) -> None:
    """Apply ``sqlite_pragmas()`` to a new ``sqlite3`` connection."""
    cursor = dbapi_connection.cursor()
    for pragma in sqlite_pragmas():
        cursor.execute(pragma)
    cursor.close()


def _configure_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event takes over
        configure_sqlite_connection(dbapi_connection)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Every unit of work writes an audit event, so take the write lock at the start: two
        # workstations never read the same chain head and then both append to it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def prepare_sqlite_file(path: Path) -> None:
    """Make an SQLite file private before SQLite opens it (its -wal and -shm take its mode).

    Hecht's own data folder is created (or tightened) here; a folder the user chose must exist
    already: the file is then not created here, and opening it says what is wrong.
    """
    from hecht.schema.exchange.files import create_private, private_folder

    if path.parent == default_database_path().parent:
        private_folder(path.parent)
    if path.parent.is_dir() and not path.is_dir():
        try:
            create_private(path)
        except OSError:
            return  # not writable here: SQLite's own refusal names the problem


def require_postgres_driver() -> None:
    """PostgreSQL is an extra most practices never need: say how to add it, rather than fail
    with SQLAlchemy's import error."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        from hecht.schema.errors import DatabaseOpenError

        raise DatabaseOpenError(
            "a PostgreSQL database needs Hecht's PostgreSQL support, which is not installed: run "
            '`pip install "hecht[postgres]"` in the environment Hecht runs from, then try again. '
            "An SQLite file (the default) needs nothing more.",
            "no_postgres_driver",
        ) from None


@contextmanager
def engine_as_it_is(url: str) -> Iterator[Engine]:
    """An engine on the database at ``url`` as it stands, its schema neither checked nor
    upgraded, disposed when the block ends: to look at a database (its revision, whether
    caseloads are on) or to upgrade it, without opening it for use."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def make_engine(url: str) -> Engine:
    """Create the engine for a URL, with the pragmas and pool that storage relies on.

    An SQLite file whose passphrase this process holds (``hecht.schema.db.cipher``) is opened
    through SQLCipher, each pooled connection keyed once; an encrypted file without one is
    refused before anything reads it.

    Raises:
        DatabaseOpenError: the file is encrypted and this process holds no passphrase for it.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import StaticPool

    from hecht.schema.trail.seals import install

    install()  # every unit of work on this engine seals the clinical rows it writes
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        require_postgres_driver()
        # a lock another workstation holds (the audit chain's) is waited for as long as SQLite
        # waits for a busy file, then refused as "held by another program": never a hang
        lock_timeout = f"-c lock_timeout={busy_timeout_ms()}"
        return create_engine(url, pool_pre_ping=True, connect_args={"options": lock_timeout})
    database = parsed.database or ""
    in_memory = database in ("", ":memory:")
    options: dict[str, Any] = {}
    keyed = None
    if not in_memory:
        path = Path(database).expanduser()
        keyed = _keyed_connect(path)
        if keyed is not None:
            from hecht.schema.db.cipher import cipher_module

            options = {"module": cipher_module()}
        prepare_sqlite_file(path)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms() / 1000},
        poolclass=StaticPool if in_memory else None,
        **options,
    )
    if not in_memory:
        _guard_connections(engine, path, keyed)
    _configure_sqlite(engine)
    return engine


def _guard_connections(engine: Engine, path: Path, keyed: Callable[[], Any] | None) -> None:
    """Take ``share_file``'s lock before each connection opens the file, and hold it until the
    connection is closed: a command that replaces the file (``hecht restore``) is refused
    meanwhile, and the file locked is the file SQLite opens. ``keyed`` opens an encrypted file.
    """
    from sqlalchemy import event

    from hecht.schema.db.claim import share_file

    @event.listens_for(engine, "do_connect")
    def on_connect(dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
        guard = share_file(path)
        try:
            connection = keyed() if keyed is not None else dialect.connect(*cargs, **cparams)
        except BaseException:
            if guard is not None:
                guard.close()
            raise
        record.info["hecht_guard"] = guard
        return connection

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection: Any, record: Any) -> None:
        guard = record.info.pop("hecht_guard", None)
        if guard is not None:
            guard.close()


def _keyed_connect(path: Path) -> Callable[[], Any] | None:
    """How an encrypted file is opened, through SQLCipher with its passphrase; None for a plain
    file.

    Raises:
        DatabaseOpenError: the file is encrypted and this process holds no passphrase for it.
    """
    from hecht.schema.db.cipher import connect, is_encrypted, key_for
    from hecht.schema.errors import DatabaseOpenError

    passphrase = key_for(path)
    if passphrase is None:
        if is_encrypted(path):
            raise DatabaseOpenError(
                f"cannot open the database {path}: file is not a database, or it is encrypted "
                "and no passphrase was given for it. Check the path (--db or HECHT_DB); a "
                "damaged SQLite file can be replaced with `hecht restore BACKUP`.",
                "no_passphrase",
                path=path,
            )
        return None

    def keyed() -> Any:
        return connect(path, passphrase, check_same_thread=False, timeout=busy_timeout_ms() / 1000)

    return keyed
