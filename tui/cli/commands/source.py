"""Provides reading a file the user named for import: whole, as text, or a clear refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import Messages

SourceKind = Literal["json", "fhir", "csv"]
"""What an import reads: a Hecht export (JSON), FHIR JSON, or paper records (CSV)."""


def read_source(source: Path, messages: Messages, kind: SourceKind, encoding: str = "utf-8") -> str:
    """Read a file the user gave for import, refusing one that cannot be the ``kind`` asked for.

    Each refusal names the file, what is wrong, and what a file of that kind is and how one is
    made. Line ends are read as Python's text files read them (``\\r\\n`` and ``\\r`` as ``\\n``).

    Raises:
        UsageError: a folder, a missing or unreadable file, a database file, a file that is not
            UTF-8 text (with the line where it stops being so), or an empty one.
    """
    from hecht.schema.exchange.files import SQLITE_HEADER

    if source.is_dir():
        raise UsageError(messages("error.source_is_folder", path=source))
    try:
        data = source.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(messages("error.cannot_read", path=source, reason=reason)) from None
    if data.startswith(SQLITE_HEADER):
        raise UsageError(messages(f"source.database.{kind}", path=source))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UsageError(messages(f"source.not_text.{kind}", path=source, line=line)) from None
    if not text.strip():
        raise UsageError(messages(f"source.empty.{kind}", path=source))
    return text.replace("\r\n", "\n").replace("\r", "\n")
