"""Provides reading a file the user named for import: whole, as text, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import Messages


def read_source(source: Path, messages: Messages, encoding: str = "utf-8") -> str:
    """Read a file the user gave, refusing a missing, unreadable or non-UTF-8 one."""
    if source.is_dir():
        raise UsageError(messages("error.source_is_folder", path=source))
    try:
        return source.read_text(encoding=encoding)
    except OSError as error:
        raise UsageError(
            messages("error.cannot_read", path=source, reason=error.strerror)
        ) from None
    except UnicodeDecodeError:
        raise UsageError(messages("error.not_utf8", path=source)) from None
