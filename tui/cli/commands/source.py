"""Provides reading a file the user named for import: whole, as text, or a clear refusal."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, Literal

from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import Messages

SourceKind = Literal["json", "fhir", "csv"]
"""What an import reads: a Hecht export (JSON), FHIR JSON, or paper records (CSV)."""
DEEPEST_JSON = 100
"""How deep a JSON file's arrays and objects may nest: a Hecht export is 5 levels deep, a FHIR
Bundle of questionnaire responses rarely 20; a file nested thousands of levels deep is no
export, and reading it would exhaust Python's stack."""


def read_source(source: Path, messages: Messages, kind: SourceKind, encoding: str = "utf-8") -> str:
    """Read a file the user gave for import, refusing one that cannot be the ``kind`` asked for.

    Each refusal names the file, what is wrong, and what a file of that kind is and how one is
    made. Line ends are read as Python's text files read them (``\\r\\n`` and ``\\r`` as ``\\n``).

    Raises:
        UsageError: a folder, a missing or unreadable file, a database file, a file that is not
            UTF-8 text (with the line where it stops being so), or an empty one.
    """
    from hecht.schema.db.shares import SQLITE_HEADER

    if source.is_dir():
        raise UsageError(messages("error.source_is_folder", path=source))
    try:
        data = source.read_bytes()
    except OSError as error:
        raise UsageError(read_refusal(source, error, messages)) from None
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


READ_PROBLEMS = {errno.ENOENT: "missing", errno.EACCES: "not_allowed", errno.EPERM: "not_allowed"}
"""The reasons a file cannot be read that people meet, by their code: said in their language
(the system's own words, ``strerror``, are English whatever the language asked for)."""


def read_refusal(source: Path, error: OSError, messages: Messages) -> str:
    """Why a file the user named cannot be read, in their language where the code is common."""
    problem = READ_PROBLEMS.get(error.errno or 0)
    if problem is not None:
        return messages(f"source.{problem}", path=source, folder=source.absolute().parent)
    reason = error.strerror or type(error).__name__
    return messages("error.cannot_read", path=source, reason=reason)


def read_json(source: Path, messages: Messages, kind: Literal["json", "fhir"]) -> Any:
    """Read a JSON file the user gave for import (``read_source``'s refusals, then its syntax
    and its depth, with the line where it stops being JSON).

    Raises:
        UsageError: as ``read_source``, or not JSON, or nested deeper than ``DEEPEST_JSON``.
    """
    import json

    text = read_source(source, messages, kind, "utf-8-sig")  # a BOM, as Notepad saves it
    too_deep = UsageError(messages(f"source.too_deep.{kind}", path=source, limit=DEEPEST_JSON))
    try:
        document = json.loads(text, object_pairs_hook=_keys_once)
    except KeyTwice as twice:
        from hecht.schema.exchange.export_checks import safe_name

        shown = safe_name(twice.key, 60)
        raise UsageError(messages(f"source.key_twice.{kind}", path=source, key=shown)) from None
    except json.JSONDecodeError as error:
        key = "error.not_json" if kind == "json" else "error.not_fhir_json"
        raise UsageError(messages(key, path=source, line=error.lineno)) from None
    except RecursionError:
        raise too_deep from None
    except ValueError:  # a number of more than 4,300 digits, which Python will not read
        raise UsageError(messages(f"source.huge_number.{kind}", path=source)) from None
    if nesting_of(document) > DEEPEST_JSON:
        raise too_deep
    return document


class KeyTwice(ValueError):
    """A JSON object with a key twice: ``json`` keeps the last silently, the file's writer may
    have meant the first."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise KeyTwice(key)
            seen.add(key)
    return found


def nesting_of(document: Any) -> int:
    """How many arrays and objects deep a JSON value nests (0 for a number or a string),
    counted without recursion, so any depth is counted."""
    deepest, waiting = 0, [(document, 0)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth + 1)
            waiting.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return deepest
