"""Provides what went wrong when the database could not store something, as a reason to act on.

A database error's own text can hold the statement and its values (a client's name, an answer):
it is never shown. Screens and commands say one of these reasons instead, in the user's language.
"""

from __future__ import annotations

import errno
from enum import StrEnum


class StorageFailure(StrEnum):
    """Why storing failed, in terms of what the user can do about it."""

    DISK_FULL = "disk_full"
    """The disk (or a quota) is full: free space, then try again."""
    LOCKED = "locked"
    """Another program holds the database longer than Hecht waits: close it, then try again."""
    READ_ONLY = "read_only"
    """The file or its folder cannot be written: check its permissions."""
    IO = "io"
    """The disk reported an error reading or writing: check the disk, then try again."""
    GONE = "gone"
    """The connection to the database was lost (a shared server): try again when it is back."""
    OTHER = "other"
    """Anything else; the draft stays as it was."""


SQLITE_CODES = {
    "SQLITE_FULL": StorageFailure.DISK_FULL,
    "SQLITE_BUSY": StorageFailure.LOCKED,
    "SQLITE_LOCKED": StorageFailure.LOCKED,
    "SQLITE_READONLY": StorageFailure.READ_ONLY,
    "SQLITE_IOERR": StorageFailure.IO,
    "SQLITE_CANTOPEN": StorageFailure.READ_ONLY,
    "SQLITE_PERM": StorageFailure.READ_ONLY,
}
"""SQLite's primary result codes (extended codes such as SQLITE_IOERR_WRITE start with them)."""
POSTGRES_CLASSES = {"53": StorageFailure.DISK_FULL, "08": StorageFailure.GONE}
"""PostgreSQL SQLSTATE classes: 53 insufficient resources, 08 connection exception."""
POSTGRES_STATES = {"55P03": StorageFailure.LOCKED, "25006": StorageFailure.READ_ONLY}
"""PostgreSQL SQLSTATEs: lock_not_available (past lock_timeout), read_only_sql_transaction."""
OS_ERRORS = {
    errno.ENOSPC: StorageFailure.DISK_FULL,
    errno.EDQUOT: StorageFailure.DISK_FULL,
    errno.EFBIG: StorageFailure.DISK_FULL,  # a file grew past the file system's or ulimit's limit
    errno.EROFS: StorageFailure.READ_ONLY,
    errno.EACCES: StorageFailure.READ_ONLY,
    errno.EPERM: StorageFailure.READ_ONLY,
    errno.EIO: StorageFailure.IO,
}


def storage_failure(error: BaseException) -> StorageFailure:
    """Say why a unit of work failed to store, from the database driver's own error code."""
    cause = getattr(error, "orig", None) or error
    name = getattr(cause, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, failure in SQLITE_CODES.items():
            if name == prefix or name.startswith(prefix + "_"):
                return failure
    state = getattr(cause, "sqlstate", None)
    if isinstance(state, str) and state in POSTGRES_STATES:
        return POSTGRES_STATES[state]
    if isinstance(state, str) and state[:2] in POSTGRES_CLASSES:
        return POSTGRES_CLASSES[state[:2]]
    if isinstance(cause, OSError) and cause.errno in OS_ERRORS:
        return OS_ERRORS[cause.errno]
    text = str(cause).lower()
    if "database or disk is full" in text:
        return StorageFailure.DISK_FULL
    if "locked" in text:
        return StorageFailure.LOCKED
    if "readonly" in text or "read-only" in text:
        return StorageFailure.READ_ONLY
    return StorageFailure.OTHER


def storage_fault(error: BaseException) -> StorageFailure | None:
    """Why the database (or the disk under it) failed, or None when the error is not such a
    fault: a refusal, a constraint or a bug is not one, and is reported as what it is."""
    cause = getattr(error, "orig", None) or error
    from_storage = isinstance(cause, OSError) or any(
        isinstance(getattr(cause, name, None), str) for name in ("sqlite_errorname", "sqlstate")
    )
    if not from_storage:
        return None
    failure = storage_failure(error)
    return None if failure is StorageFailure.OTHER else failure
