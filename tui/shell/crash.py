"""Provides the crash report: what failed and where, without client data, in a private file.

Textual's own report prints the local variables of every frame, and an exception's message can
hold data too (a KeyError's message is the key, a database error's holds the SQL parameters). A
crash report therefore names the exception's type and, per frame, only the file, line number and
function, plus the versions of Hecht, Python and Textual. It is written to the ``crashes`` folder
of Hecht's cache folder (0700), as a file only its user can read (0600).
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from hecht.tui.folders import cache_dir

CRASH_FOLDER = "crashes"


def crash_folder() -> Path:
    """Return the folder that holds crash reports (in the cache folder; HECHT_CACHE moves it)."""
    return cache_dir() / CRASH_FOLDER


def root_error(error: BaseException) -> BaseException:
    """The error that made the app stop: a failed worker's own error rather than the wrapper."""
    inner = getattr(error, "error", None)  # textual.worker.WorkerFailed keeps it here
    return inner if isinstance(inner, BaseException) else error


def type_name(error: BaseException) -> str:
    """The exception's type as ``module.Name`` (builtins by name alone)."""
    kind = type(error)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _chain(error: BaseException) -> Iterator[tuple[str, BaseException]]:
    """The error and those linked to it, each with how it is linked, each once."""
    seen: set[int] = set()
    pending: list[tuple[str, BaseException]] = [("error", error)]
    while pending:
        how, current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield how, current
        inner = getattr(current, "error", None)
        if isinstance(inner, BaseException):
            pending.append(("raised in a worker", inner))
        if current.__cause__ is not None:
            pending.append(("caused by", current.__cause__))
        elif current.__context__ is not None and not current.__suppress_context__:
            pending.append(("while handling", current.__context__))
        for member in getattr(current, "exceptions", ()):
            if isinstance(member, BaseException):
                pending.append(("in the group", member))


def report_lines(error: BaseException, now: datetime) -> list[str]:
    """The crash report's lines: versions, then each linked exception's type and frames.

    No exception message and no local variable is read: only types, file names, line numbers
    and function names, which hold no client data.
    """
    lines = [
        "Hecht crash report (no messages, no local variables: no client data)",
        f"time: {now.astimezone(UTC).isoformat(timespec='seconds')}",
        f"hecht {_version('hecht')} · Python {platform.python_version()} · "
        f"Textual {_version('textual')} · {platform.system()} {platform.machine()}",
    ]
    for how, current in _chain(error):
        lines.append(f"{how}: {type_name(current)}")
        for frame, line in traceback.walk_tb(current.__traceback__):
            code = frame.f_code
            lines.append(f"  {_short(code.co_filename)}:{line} in {code.co_name}")
    return lines


def write_crash_file(error: BaseException, now: datetime | None = None) -> Path:
    """Write a crash report for ``error`` to a new private file; return its path.

    Raises:
        OSError: the folder or the file could not be written.
    """
    moment = now or datetime.now(UTC)
    folder = crash_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"crash-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}.txt"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(report_lines(error, moment)) + "\n")
    return path


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def _short(filename: str) -> str:
    """A source file's path from the import root that holds it (site-packages and the like)."""
    roots = [entry for entry in sys.path if entry and filename.startswith(entry + os.sep)]
    return filename[len(max(roots, key=len)) + 1 :] if roots else filename
