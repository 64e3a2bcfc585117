"""Provides the files Hecht writes: private to the user, and never over a database or backup.

Every file Hecht writes holds clinical data or settings, so it is created readable by its owner
only (0600) in folders only its owner can open (0700). ``check_output`` is the one guard that
every command writing a file the user named goes through.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from hecht.schema.db.failures import StorageFailure, storage_fault
from hecht.schema.db.shares import SQLITE_HEADER, read_start

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database while it is in use."""
HEAD_SUFFIX = ".audit-head"
"""What the file beside a database or backup that holds its audit head ends in (``anchor``)."""
BACKUP_MARKERS = ("-replaced-", "-before-upgrade-from-")
"""What the copies that ``restore`` and the upgrade on opening keep beside a database are named."""


def private_folder(path: Path) -> Path:
    """Create a folder (and missing parents) only its owner can open; tighten it when it exists.

    Only for Hecht's own folders (data, config, cache): a folder the user chose is left as it is.
    """
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    tighten(path, PRIVATE_FOLDER)
    return path


def tighten(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Take away what group and others may do with an existing file or folder of Hecht's."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & 0o077:
            path.chmod(current & mode)
    except OSError:
        return  # not ours to change (another owner): opening it will say what is wrong


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only, or tighten the one that is there."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    os.close(descriptor)
    tighten(path)


def write_private(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Write a file whole or not at all (a temporary file beside it, synced, then renamed).

    The file is readable by its owner only. ``sync=False`` leaves the flush to disk to the
    system, for a small file rewritten after every commit (the audit head) that may lag after
    a power loss but is never seen half-written.

    Raises:
        OSError: the file could not be written; the old file (or none) is left.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_to_disk(path: Path) -> None:
    """Flush a file or folder to disk: after a rename, its folder too, or the rename may be lost."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def open_private_text(path: Path) -> TextIO:
    """Open a new text file for writing, readable by its owner only (UTF-8, newlines as given)."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


class OutputProblem(StrEnum):
    """Why a file may not be written where the user asked."""

    DATABASE = "database"
    BACKUP = "backup"
    SQLITE_FILE = "sqlite_file"
    AUDIT_HEAD = "audit_head"
    SETTINGS = "settings"
    EXISTS = "exists"
    FOLDER = "folder"
    NO_FOLDER = "no_folder"
    PARENT_NOT_FOLDER = "parent_not_folder"
    NOT_WRITABLE = "not_writable"
    READ_ONLY = "read_only"
    NOT_ORDINARY = "not_ordinary"
    FULL = "full"
    IO = "io"
    NAME_TOO_LONG = "name_too_long"
    NOT_FILE = "not_file"


WRITE_ERRORS = {
    errno.ENOSPC: OutputProblem.FULL,
    errno.EDQUOT: OutputProblem.FULL,
    errno.EFBIG: OutputProblem.FULL,
    errno.EACCES: OutputProblem.NOT_WRITABLE,
    errno.EPERM: OutputProblem.NOT_WRITABLE,
    errno.EROFS: OutputProblem.READ_ONLY,
    errno.EIO: OutputProblem.IO,
    errno.ENAMETOOLONG: OutputProblem.NAME_TOO_LONG,
    errno.EISDIR: OutputProblem.FOLDER,
    errno.ENOTDIR: OutputProblem.PARENT_NOT_FOLDER,
}
"""What a write the system refused was refused for, by its error number."""
STORAGE_WRITE_ERRORS = {
    StorageFailure.DISK_FULL: OutputProblem.FULL,
    StorageFailure.READ_ONLY: OutputProblem.NOT_WRITABLE,  # SQLite's word for both: permissions
    StorageFailure.IO: OutputProblem.IO,
}
"""The same, for SQLite writing a copy."""


@dataclass
class OutputRefused(Exception):
    """A file that may not be written there; nothing was written."""

    path: Path
    problem: OutputProblem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem.value}"


def is_sqlite_file(path: Path) -> bool:
    """Whether a file starts as every SQLite database (and so every backup of one) does."""
    try:
        return read_start(path, len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def database_files(database: Path) -> list[Path]:
    """Return the database, the files SQLite keeps beside it and its head file, present or not."""
    ends = (*DATABASE_COMPANIONS, HEAD_SUFFIX)
    return [database, *(database.with_name(database.name + end) for end in ends)]


def kept_copies(database: Path) -> list[Path]:
    """Return the copies ``restore`` and the upgrade on opening have kept beside the database."""
    if not database.parent.is_dir():
        return []
    return [
        path
        for path in database.parent.iterdir()
        if path.name.startswith(database.stem)
        and any(marker in path.name for marker in BACKUP_MARKERS)
        and not path.name.endswith(HEAD_SUFFIX)
    ]


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same place once resolved, or the same inode."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def protected_problem(path: Path, database: Path | None) -> OutputProblem | None:
    """Return why ``path`` is the database, one of its files or one of its kept copies."""
    if database is None:
        return None
    if any(same_file(path, own) for own in database_files(database)):
        return OutputProblem.DATABASE
    if any(same_file(path, copy) for copy in kept_copies(database)):
        return OutputProblem.BACKUP
    return None


def check_output(
    path: Path, *, database: Path | None, force: bool = False, settings: Sequence[Path] = ()
) -> None:
    """Refuse a file the user named for output before anything is read or written.

    Never the database, its companion files or its kept copies, nor any SQLite file (a backup
    made elsewhere looks just like one), nor the audit head of any database or backup, nor
    Hecht's ``settings`` (config and passphrase files), nor what is no ordinary file (a device
    such as ``/dev/null``, a pipe), even with ``force``; an existing file only with ``force``;
    the folder must exist and be writable.

    Raises:
        OutputRefused: with the problem found first.
    """
    problem = protected_problem(path, database)
    if problem is None and path.name.endswith(HEAD_SUFFIX):
        problem = OutputProblem.AUDIT_HEAD  # the anchor a restore checks the log against
    if problem is None and any(same_file(path, own) for own in settings):
        problem = OutputProblem.SETTINGS
    if problem is None and path.is_dir():
        problem = OutputProblem.FOLDER
    if problem is None:
        problem = _folder_problem(path.resolve().parent)
    if problem is None and (path.exists() or path.is_symlink()):
        if path.exists() and not path.is_file():  # a device, a pipe (never opened: it may wait)
            problem = OutputProblem.NOT_FILE
        elif is_sqlite_file(path):
            problem = OutputProblem.SQLITE_FILE
        elif not force:
            problem = OutputProblem.EXISTS
    if problem is not None:
        raise OutputRefused(path, problem)


def _folder_problem(folder: Path) -> OutputProblem | None:
    if not folder.exists():
        return OutputProblem.NO_FOLDER
    if not folder.is_dir():
        return OutputProblem.PARENT_NOT_FOLDER
    if _read_only(folder):
        return OutputProblem.READ_ONLY
    if not os.access(folder, os.W_OK | os.X_OK):
        return OutputProblem.NOT_WRITABLE
    return None


def _read_only(folder: Path) -> bool:
    """Whether the folder lies on a file system mounted read-only."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False  # writing will say what is wrong


def write_problem(path: Path, error: BaseException) -> OutputProblem | None:
    """Say why writing ``path`` failed, from the system's (or SQLite's) own error code.

    A missing file whose folder exists is a folder that takes no new files (``/proc``, ``/sys``).
    None when the code says nothing a person can act on: the error's own words are shown then.
    """
    if isinstance(error, OSError) and error.errno == errno.ENOENT:
        folder = path.resolve().parent
        return OutputProblem.NOT_ORDINARY if folder.is_dir() else OutputProblem.NO_FOLDER
    if isinstance(error, OSError) and error.errno in WRITE_ERRORS:
        return WRITE_ERRORS[error.errno]
    failure = storage_fault(error)  # SQLite writing a backup says it in its own codes
    return None if failure is None else STORAGE_WRITE_ERRORS.get(failure)
