"""Provides writing what a command produces: to standard output, or to a file the user named.

``guard_output`` is the one check every command runs on a file it is about to write (reports,
exports, backups): never the database or its backups, an existing file only with ``--force``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import Messages


def guard_output(
    path: Path,
    database: Path | None,
    messages: Messages,
    *,
    force: bool = False,
    exists_key: str = "output.refused.exists",
) -> None:
    """Refuse a path that may not become the output file, before any dossier is read.

    Args:
        exists_key: what an existing file is refused with: the message of a command without
            ``--force`` says so, rather than suggest it.

    Raises:
        UsageError: the path is the database, one of its files or backups, a database file,
            an audit head, Hecht's settings, an existing file (without ``force``), a folder, or
            its folder is missing or closed.
    """
    import os

    from hecht.schema.exchange.files import OutputProblem, OutputRefused, check_output
    from hecht.tui.cli.unlock import PASSPHRASE_FILE
    from hecht.tui.config import config_path

    settings = [config_path()]
    if os.environ.get(PASSPHRASE_FILE):
        settings.append(Path(os.environ[PASSPHRASE_FILE]).expanduser())
    try:
        check_output(path, database=database, force=force, settings=settings)
    except OutputRefused as refused:
        folder = path.resolve().parent
        key = f"output.refused.{refused.problem.value}"
        if refused.problem is OutputProblem.EXISTS:
            key = exists_key
        raise UsageError(messages(key, path=path, folder=folder)) from None


def write_refusal(path: Path, error: BaseException, messages: Messages) -> UsageError:
    """Word a write the system refused: which path, why (from the error's own code), what to do.

    Args:
        path: the file or folder the user named.
        error: what the write raised (an ``OSError``, or SQLite's error writing a copy); the
            file it names, when it names one, is the one whose folder the message names.
    """
    from hecht.schema.exchange.files import write_problem

    named = getattr(error, "filename", None)
    failed = Path(named) if isinstance(named, str) and named else path
    problem = write_problem(failed, error)
    folder = failed.resolve().parent
    if problem is None:
        reason = getattr(error, "strerror", None) or type(error).__name__
        return UsageError(messages("output.failed", path=path, reason=reason))
    return UsageError(messages(f"output.refused.{problem.value}", path=path, folder=folder))


@contextmanager
def refused_if_unwritable(path: Path, messages: Messages) -> Iterator[None]:
    """Turn an ``OSError`` of the block into ``write_refusal``: the file was not written.

    Around the writing only, inside the command's unit of work: there an ``OSError`` is the
    output's, not the database's, and must not be reported as the database refusing.
    """
    try:
        yield
    except OSError as error:
        raise write_refusal(path, error, messages) from None


def guard_plain(
    database: Path | None, out: Path | None, messages: Messages, *, plain: bool
) -> None:
    """Refuse a readable copy of an encrypted database's data unless ``--plain`` asks for it.

    A file (``--out``), or standard output sent to a file or a pipe, would hold the data
    unencrypted; standard output shown in the terminal holds nothing afterwards.

    Raises:
        UsageError: the database is encrypted, the output is not the terminal, no ``--plain``.
    """
    from hecht.schema.db.cipher import is_encrypted

    if plain or database is None or not is_encrypted(database):
        return
    if out is None:
        if sys.stdout.isatty():
            return
        raise UsageError(messages("output.encrypted_needs_plain"))
    raise UsageError(messages("export.encrypted_needs_plain", path=out))


def print_json(value: object, *, indent: int | None = 2) -> None:
    """Print ``value`` as JSON, letters beyond ASCII as they are; DEL and the C1 controls in a
    stored text are written as escapes (JSON escapes the others), so no name read back from
    the database can steer the terminal it is shown in."""
    import json
    import re

    text = json.dumps(value, indent=indent, ensure_ascii=False)
    print(re.sub(r"[\x7f-\x9f]", lambda found: f"\\u{ord(found[0]):04x}", text))


def deliver(text: str, path: Path | None, messages: Messages) -> None:
    """Write the report to ``path`` (whole or not at all, private), or to standard output.

    Raises:
        UsageError: the file could not be written; the message says which, why, and what to do.
    """
    from hecht.schema.exchange.files import write_private

    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    with refused_if_unwritable(path, messages):
        write_private(path, text)


@contextmanager
def kept_only_if_logged(*paths: Path | None) -> Iterator[None]:
    """Remove the files the block wrote when it fails, its unit of work's commit included.

    A report or an export is written inside the unit of work that logs it, so one that cannot
    be written is not logged; this covers the other way round: a file written whose log entry
    the database then refused (a full disk at commit) is not kept, unrecorded, on disk. A
    folder stands for the files in it (a CSV or FHIR export).
    """
    before = {file: identity for path in paths if path is not None
              for file, identity in _files(path).items()}  # fmt: skip
    try:
        yield
    except BaseException:
        for path in paths:
            for file, identity in ({} if path is None else _files(path)).items():
                if before.get(file) != identity:
                    file.unlink(missing_ok=True)
        raise


def _files(path: Path) -> dict[Path, tuple[int, int]]:
    """The file, or the files in the folder, as they stand (inode, modification time)."""
    files = [child for child in path.iterdir() if child.is_file()] if path.is_dir() else [path]
    found = {}
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        found[file] = (stat.st_ino, stat.st_mtime_ns)
    return found


PROGRESS_EVERY = 50
"""How many forms are stored between two progress lines (about half a second's work)."""


Progress = Callable[[int, int], None] | None
"""What counts the forms an import stored (``done`` of ``total``), or None: nothing to show."""


@contextmanager
def progress_line(messages: Messages) -> Iterator[Progress]:
    """A progress line for a long import (``done`` of ``total`` forms stored), rewritten in
    place on a terminal's standard error and cleared when the block ends, however it ends, so
    the result or the refusal stands alone; none where standard error is no terminal (a log
    file or a pipe gets the result alone)."""
    if not sys.stderr.isatty():
        yield None
        return
    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            sys.stderr.write("\r" + messages("import.progress", done=done, total=total))
            sys.stderr.flush()
            shown = True

    try:
        yield show
    finally:
        if shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
