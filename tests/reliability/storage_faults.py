"""Storage faults as they happen to a practice: another program holding the database's write
lock, a full disk (a file-size limit: the kernel refuses to write past it), a read-only file,
an I/O error when a unit of work commits.

The real ``hecht`` runs in a subprocess with the fault in place; in-process tests make the
commit itself fail, the way the driver reports a failing disk.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.tui.terminal import HECHT

SHORT_WAIT_MS = 300
"""The busy timeout the faulty runs wait for a held database (Hecht's own is 10 s)."""

HOLDER = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
    "connection.execute('BEGIN ' + sys.argv[2])\n"
    "connection.execute('CREATE TABLE IF NOT EXISTS holder_of_the_lock (x)')\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
    "connection.execute('ROLLBACK')\n"
)
"""Another program in the middle of a write: it holds SQLite's write lock until told to stop."""


@contextmanager
def held_database(path: Path, kind: str = "IMMEDIATE") -> Iterator[subprocess.Popen[str]]:
    """Another process holds the database's write lock (RESERVED, or EXCLUSIVE) for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), kind],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def with_file_size_limit(limit: int):
    """A ``preexec_fn``: no file may grow past ``limit`` bytes, as on a full disk. The signal the
    kernel sends for a write past it (SIGXFSZ) keeps its default, which kills: ``hecht`` must
    not die of it (Python ignores it from its start), so the write fails and is reported."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_files


PR_CAPBSET_DROP = 24
OVERRIDES = {"dac_override": 1, "dac_read_search": 2, "fowner": 3}
"""The capabilities that let root write a file its permissions forbid (linux/capability.h)."""


def permissions_apply() -> None:
    """A ``preexec_fn`` for root: give up the capabilities that override file permissions, so a
    read-only file stops the program as it stops any user (the program stays root, and still
    reads what root owns). Does nothing for another user, whom permissions stop anyway."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for number in OVERRIDES.values():
        if libc.prctl(PR_CAPBSET_DROP, number, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def run_hecht(
    environment: dict[str, str], *arguments: str, preexec_fn=None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``hecht`` with a short wait for a held database; capture its output."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HECHT_BUSY_TIMEOUT_MS": str(SHORT_WAIT_MS),
        **environment,
    }
    return subprocess.run(
        [HECHT or "hecht", *arguments], env=env, capture_output=True, text=True,
        input=stdin, preexec_fn=preexec_fn, timeout=120,
    )  # fmt: skip


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table, read as the file stands (no Hecht code involved)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master "
                                                      "WHERE type = 'table'")]  # fmt: skip
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for name in names}  # fmt: skip
    finally:
        connection.close()


@contextmanager
def grown_wal(path: Path, at_least: int = 48 * 1024) -> Iterator[int]:
    """A disk with no room left for the next write: the database's write-ahead log is grown past
    ``at_least`` bytes while a reader keeps it from restarting, so whatever Hecht stores next is
    appended past it. Yields that size, the file-size limit to run ``hecht`` with."""
    wal = path.with_name(path.name + "-wal")
    writer = sqlite3.connect(path, isolation_level=None)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("UPDATE alembic_version SET version_num = version_num")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM alembic_version").fetchone()  # pins the log
        pinned = wal.stat().st_size  # a restarted log is rewritten from its start: grow past it
        while wal.stat().st_size <= max(pinned, at_least):
            writer.execute("UPDATE alembic_version SET version_num = version_num")
        writer.close()
        yield wal.stat().st_size
    finally:
        writer.close()
        reader.close()


DRIVER_ERRORS = {
    "io": ("disk I/O error", 10 | (4 << 8), "SQLITE_IOERR_FSYNC"),
    "disk_full": ("database or disk is full", 13, "SQLITE_FULL"),
    "read_only": ("attempt to write a readonly database", 8, "SQLITE_READONLY"),
    "locked": ("database is locked", 5, "SQLITE_BUSY"),
}
"""Each fault as SQLite reports it at commit: its message, result code and code name."""


class FailingCommits:
    """While ``on``, every commit fails as the driver reports the fault (``DRIVER_ERRORS``)."""

    def __init__(self, kind: str = "io") -> None:
        self.kind = kind
        self.on = False
        self.failed = 0

    def __call__(self, _connection: object) -> None:
        if self.on:
            self.failed += 1
            raise driver_error(self.kind)


def driver_error(kind: str) -> sqlite3.OperationalError:
    """The error SQLite's driver raises for a fault (``DRIVER_ERRORS``), codes included."""
    message, code, name = DRIVER_ERRORS[kind]
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@contextmanager
def failing_commits(kind: str = "io") -> Iterator[FailingCommits]:
    """Commits of every engine in this process fail while the switch it yields is on."""
    from sqlalchemy import Engine, event

    switch = FailingCommits(kind)
    event.listen(Engine, "commit", switch)
    try:
        yield switch
    finally:
        event.remove(Engine, "commit", switch)


class HeldWhileOn:
    """While ``on``, another process holds the database's write lock (``held_database``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._held: contextlib.ExitStack | None = None

    @property
    def on(self) -> bool:
        return self._held is not None

    @on.setter
    def on(self, on: bool) -> None:
        if on and self._held is None:
            self._held = contextlib.ExitStack()
            self._held.enter_context(held_database(self.path))
        elif not on and self._held is not None:
            self._held.close()
            self._held = None


@contextmanager
def refusing(path: Path, fault: str) -> Iterator[FailingCommits | HeldWhileOn]:
    """A switch: while it is on, the database at ``path`` refuses to store: ``held`` by another
    process (a real lock), or with every commit failing as the driver reports ``fault``."""
    if fault != "held":
        with failing_commits(fault) as failing:
            yield failing
        return
    held = HeldWhileOn(path)
    try:
        yield held
    finally:
        held.on = False


FAULTY_START = (
    "import ctypes, os, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # hecht itself must make such writes fail\n"
    "if sys.argv[1] == 'permissions-apply' and os.geteuid() == 0:\n"
    "    libc = ctypes.CDLL(None, use_errno=True)\n"
    f"    for capability in {tuple(OVERRIDES.values())}:\n"
    f"        assert libc.prctl({PR_CAPBSET_DROP}, capability, 0, 0, 0) == 0\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
"""Starts ``hecht`` (in a terminal) ready for a fault: a file-size limit set later finds
SIGXFSZ at its default (killing) unless ``hecht`` ignores it; with ``permissions-apply``, root
is stopped by file permissions."""


def faulty_start(mode: str, *arguments: str) -> tuple[str, list[str]]:
    """The program and arguments for ``Terminal.start`` that start ``hecht`` via FAULTY_START."""
    return sys.executable, ["-c", FAULTY_START, mode, HECHT or "hecht", *arguments]


@contextmanager
def disk_filled_under(pid: int, path: Path) -> Iterator[None]:
    """The disk fills up under a running process and is freed after the block: its files may
    not grow past the write-ahead log as it stands (pinned by a reader, grown a little)."""
    with grown_wal(path, at_least=0) as limit:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        try:
            yield
        finally:
            infinity = resource.RLIM_INFINITY
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (infinity, infinity))
