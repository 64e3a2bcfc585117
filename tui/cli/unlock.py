"""Provides unlocking an encrypted database: the passphrase asked once per process, never shown.

The passphrase comes from the file HECHT_PASSPHRASE_FILE names (for scripts and cron; refused
when others may read it) or is typed without echo in the terminal, three tries at most. It is
asked before the TUI starts, so no screen ever holds it, and kept only in this process
(``hecht.schema.db.cipher``).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hecht.schema.db.cipher import is_encrypted, key_for, key_opens, remember_key
from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.schema.exchange.backup import BackupReport

PASSPHRASE_FILE = "HECHT_PASSPHRASE_FILE"
TRIES = 3
MINIMUM_LENGTH = 8
Ask = Callable[[str], str]
"""Asks for a line without echo (``getpass.getpass``); EOFError when there is none."""


def ask_hidden(prompt: str) -> str:
    """Ask for a line in the terminal without echo; refuse when there is no terminal."""
    if not sys.stdin.isatty():
        raise EOFError
    import getpass

    return getpass.getpass(prompt)


def needs_passphrase(path: Path | None) -> bool:
    """Whether a file is encrypted and this process does not hold its passphrase yet."""
    return path is not None and is_encrypted(path) and key_for(path) is None


def unlock(path: Path | None, messages: Messages, ask: Ask | None = None) -> None:
    """Unlock an encrypted database file for this process; nothing to do for any other.

    Raises:
        UsageError: no passphrase could be had, or none given opens the file.
    """
    if path is None or not needs_passphrase(path):
        return
    from_file = passphrase_from_file(messages)
    if from_file is not None:
        if not key_opens(path, from_file):
            raise UsageError(messages("passphrase.file_wrong", path=path, file=_file_named()))
        remember_key(path, from_file)
        return
    ask = ask or ask_hidden
    for attempt in range(1, TRIES + 1):
        try:
            typed = ask(messages("passphrase.prompt", path=path))
        except EOFError:
            raise UsageError(messages("passphrase.no_terminal", path=path)) from None
        if typed and key_opens(path, typed):
            remember_key(path, typed)
            return
        if attempt < TRIES:
            print(messages("passphrase.wrong", left=TRIES - attempt), file=sys.stderr)
    raise UsageError(messages("passphrase.refused", path=path, tries=TRIES))


def _file_named() -> str:
    return os.environ.get(PASSPHRASE_FILE, "")


def passphrase_from_file(messages: Messages) -> str | None:
    """The passphrase in HECHT_PASSPHRASE_FILE (its first line), or None when it is not set.

    Raises:
        UsageError: the file is missing, empty, or readable by group or others.
    """
    named = _file_named()
    if not named:
        return None
    path = Path(named).expanduser()
    try:
        if path.is_dir():  # a folder's mode says nothing of a passphrase
            raise UsageError(messages("passphrase.file_folder", file=path))
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise UsageError(messages("passphrase.file_open", file=path, mode=f"{mode:04o}"))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(messages("passphrase.file_missing", file=path)) from None
    except OSError as error:
        raise UsageError(
            messages("passphrase.file_unreadable", file=path, reason=error.strerror)
        ) from None
    except UnicodeDecodeError:
        raise UsageError(
            messages("passphrase.file_unreadable", file=path, reason="UTF-8")
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise UsageError(messages("passphrase.file_empty", file=path))
    return lines[0]


def new_passphrase(
    messages: Messages, ask: Ask | None = None, say: Callable[[str], None] | None = None
) -> str:
    """A new passphrase: from HECHT_PASSPHRASE_FILE, or typed twice without echo. Typed, a
    passphrase too short is said at once, and one typed differently the second time, and it is
    asked again (``TRIES`` times in all): what was answered before it is kept.

    Raises:
        UsageError: no terminal and no file, or too short or the two differ at the last try.
    """
    from_file = passphrase_from_file(messages)
    if from_file is not None:
        if len(from_file) < MINIMUM_LENGTH:
            raise UsageError(messages("passphrase.too_short", minimum=MINIMUM_LENGTH))
        return from_file
    ask, say = ask or ask_hidden, say or (lambda line: print(line, file=sys.stderr))
    for left in reversed(range(TRIES)):
        try:
            typed = ask(messages("passphrase.new", minimum=MINIMUM_LENGTH))
            problem = "passphrase.too_short" if len(typed) < MINIMUM_LENGTH else None
            if problem is None and ask(messages("passphrase.again")) != typed:
                problem = "passphrase.mismatch"
        except EOFError:
            raise UsageError(messages("passphrase.new_no_terminal")) from None
        if problem is None:
            return typed
        if not left:
            raise UsageError(messages(problem, minimum=MINIMUM_LENGTH))
        say(messages(f"{problem}_again", minimum=MINIMUM_LENGTH))
    raise AssertionError("unreachable: the last try returns or raises")


def encrypt_file(path: Path, passphrase: str, messages: Messages) -> BackupReport:
    """Encrypt a plain database file and keep its passphrase for this process; its report.

    Raises:
        UsageError: the file is in use elsewhere, or the encrypted copy could not be proven.
    """
    from hecht.schema.db.cipher import remember_key
    from hecht.schema.db.claim import DatabaseInUse
    from hecht.schema.db.encryption import encrypt_database
    from hecht.schema.exchange.backup import BackupError

    try:
        report = encrypt_database(path, passphrase)
    except DatabaseInUse:
        raise UsageError(messages("db.in_use", path=path, command="hecht db encrypt")) from None
    except BackupError as error:
        raise UsageError(messages("db.encrypt_failed", path=path, detail=error.detail)) from None
    remember_key(path, passphrase)
    return report
