"""Provides SQLCipher: telling an encrypted SQLite file, the process's keys, keyed connections.

A database file is encrypted when it has content and does not start with SQLite's header: the
file itself says so, whatever a config file claims, so a copy, a backup or a restored file is
recognised as it is. The passphrase of an unlocked file is kept in this process only (never
written, never logged) so that every connection to that file is keyed the same way.
PostgreSQL is not encrypted here: a shared server relies on its own disk encryption and TLS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hecht.schema.db.engine import read_only
from hecht.schema.db.shares import SQLITE_HEADER, read_start

_KEYS: dict[str, str] = {}
"""Passphrases of the files unlocked in this process, by resolved path."""


def cipher_module() -> Any:
    """Return SQLCipher's DB-API module (sqlcipher3, which bundles the library)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both plain and encrypted connections."""
    import sqlite3

    return (sqlite3.Error, cipher_module().Error)


def database_or_file_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both connections, and the file system's (``OSError``)."""
    return (*database_errors(), OSError)


def is_encrypted(path: Path) -> bool:
    """Whether a file holds data that does not start as a plain SQLite database does."""
    try:
        head = read_start(path, len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


def _slot(path: Path) -> str:
    return str(path.expanduser().resolve())


def remember_key(path: Path, passphrase: str) -> None:
    """Keep the passphrase of an unlocked (or new encrypted) file for this process."""
    _KEYS[_slot(path)] = passphrase


def key_for(path: Path | None) -> str | None:
    """Return the passphrase this process holds for a file, None when it holds none."""
    return None if path is None else _KEYS.get(_slot(path))


def forget_keys() -> None:
    """Drop every passphrase held (the tests start each case from a process with none)."""
    _KEYS.clear()


def quoted(passphrase: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA takes no bound parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def apply_key(connection: Any, passphrase: str) -> None:
    """Key a new SQLCipher connection; SQLCipher's own log is silenced first.

    Without ``cipher_log_level = NONE`` a wrong key prints SQLCipher's error straight to the
    terminal (file descriptor 2), across a running TUI.
    """
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = {quoted(passphrase)}")


def connect(
    path: Path | str, passphrase: str | None = None, *, cipher: bool = False, **options: Any
) -> Any:
    """Open a DB-API connection: plain ``sqlite3`` without a passphrase, SQLCipher with one.

    ``cipher`` opens a plain file through SQLCipher too (to export it into an encrypted one).
    ``options`` go to ``connect`` as given (``uri``, ``timeout``, ``isolation_level``, …).
    """
    if passphrase is None and not cipher:
        import sqlite3  # not at the top: the start checks a file's first bytes before any frame

        return sqlite3.connect(path, **options)
    connection = cipher_module().connect(str(path), **options)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        if passphrase is not None:
            apply_key(connection, passphrase)
    except BaseException:
        connection.close()
        raise
    return connection


def key_opens(path: Path, passphrase: str) -> bool:
    """Whether the passphrase opens the file (a wrong key and a damaged file look alike)."""
    try:
        connection = connect(read_only(path), passphrase, uri=True)
    except database_errors():
        return False
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except database_errors():
        return False
    finally:
        connection.close()


def export_into(connection: Any, target: Path, passphrase: str | None) -> None:
    """Copy the database open on ``connection`` into a new file, keyed with ``passphrase``.

    SQLCipher's ``sqlcipher_export`` copies schema and rows into an attached database: the way
    to change a file's key, or to encrypt or decrypt it. ``user_version`` is copied by hand.
    """
    key = quoted(passphrase or "")
    version = connection.execute("PRAGMA main.user_version").fetchone()[0]
    connection.execute(f"ATTACH DATABASE {quoted(str(target))} AS target KEY {key}")
    try:
        connection.execute("SELECT sqlcipher_export('target')")
        connection.execute(f"PRAGMA target.user_version = {int(version)}")
    finally:
        connection.execute("DETACH DATABASE target")
