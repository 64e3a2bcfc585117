"""Provides writing a report: to standard output, or atomically to a file the user named."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from hecht.tui.cli import UsageError
from hecht.tui.i18n import Messages


def check_target(path: Path, messages: Messages) -> None:
    """Refuse a path that cannot become the report file, before any dossier is read.

    Raises:
        UsageError: the path is a folder, its folder is missing or not a folder, or not writable.
    """
    folder = path.parent
    if path.is_dir():
        raise UsageError(messages("report.error.out_is_folder", path=path))
    if not folder.exists():
        raise UsageError(messages("report.error.out_no_folder", path=path, folder=folder))
    if not folder.is_dir():
        raise UsageError(messages("report.error.out_parent_not_folder", path=path, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(messages("report.error.out_not_writable", path=path, folder=folder))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    A failure part-way leaves the old file (or no file) and never half a report. The file is
    readable by its owner only, as it holds clinical data.

    Raises:
        OSError: the file could not be written.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def deliver(text: str, path: Path | None, messages: Messages) -> None:
    """Write the report to ``path``, or to standard output when there is none.

    Raises:
        UsageError: the file could not be written; the message says which, why, and what to do.
    """
    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_atomically(path, text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(messages("report.error.cannot_write", path=path, reason=reason)) from None
