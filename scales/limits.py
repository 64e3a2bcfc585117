"""Provides the size limits of definition and overlay files, and the checks made before parsing.

Every limit is far above what a real instrument needs (the largest built-in file is about 15 KB,
25 items, nested 6 levels deep); they exist so that a damaged or hostile file in the config
folder is refused with a clear message instead of exhausting memory, time or Python's stack.
docs/scale-format.md lists them for authors.
"""

from __future__ import annotations

from typing import Any

MAX_FILE_BYTES = 1_048_576
"""A definition or overlay file may be at most 1 MiB."""

MAX_BRACKET_DEPTH = 32
"""Arrays and inline tables may nest at most this deep in the TOML text (Python's TOML reader
itself fails somewhere past 300, depending on how deep the caller already is)."""

MAX_DATA_DEPTH = 12
"""Tables and arrays may nest at most this deep once read (dotted keys nest without brackets)."""

MAX_ITEMS = 200
MAX_OPTIONS = 100
MAX_OPTION_SETS = 50
MAX_SUBSCALES = 50
MAX_BANDS = 50
MAX_CRITICAL_RULES = 50
MAX_EXAMPLES = 100

MAX_LABEL = 300
"""Characters in a label we write (a few words)."""

MAX_TEXT = 5_000
"""Characters in an instrument's own wording, a citation, a source or a licence note."""

MAX_NOTES = 20_000
"""Characters in a definition's notes."""

MAX_ANSWERS = 4_000
"""Characters in an example's answer string (and in a typed answer string)."""

MAX_NUMBER = 1_000_000.0
"""Scores, ranges, bands, cutoffs, norms: every number lies within plus or minus this."""

MIN_STEP = 0.001
"""The smallest step of a numeric range or between bands."""

MAX_CODE = 99
"""Option codes are typed: whole numbers from 0 to 99 (one or two keys)."""

MAX_CODE_CHARACTERS = 16
"""A typed code or value longer than this is refused before it is read as a number."""


def _skip_string(text: str, index: int) -> int:
    """Return the index just past the TOML string that starts at ``index``."""
    quote = text[index]
    triple = text.startswith(quote * 3, index)
    end_mark = quote * 3 if triple else quote
    position = index + len(end_mark)
    while position < len(text):
        character = text[position]
        if character == "\\" and quote == '"':
            position += 2
            continue
        if not triple and character == "\n":
            return position  # an unclosed single-line string: the TOML reader reports it
        if text.startswith(end_mark, position):
            position += len(end_mark)
            while triple and position < len(text) and text[position] == quote:
                position += 1  # up to two quotes may close a multi-line string's content
            return position
        position += 1
    return position


def too_deep_line(text: str, limit: int = MAX_BRACKET_DEPTH) -> int | None:
    """Return the 1-based line where arrays or inline tables first nest deeper than ``limit``.

    Strings and comments are skipped, so brackets inside them do not count. Returns None when
    the nesting stays within the limit.
    """
    depth = 0
    position = 0
    while position < len(text):
        character = text[position]
        if character in "\"'":
            position = _skip_string(text, position)
            continue
        if character == "#":
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
            continue
        if character in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, position) + 1
        elif character in "]}":
            depth = max(0, depth - 1)
        position += 1
    return None


def too_deep_path(data: Any, limit: int = MAX_DATA_DEPTH) -> str | None:
    """Return the key path at which parsed data first nests deeper than ``limit``, or None.

    Walks without recursion, so data nested far beyond Python's stack is measured safely.
    """
    pending: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while pending:
        node, path = pending.pop()
        if len(path) > limit:
            shown = ".".join(path[:4])
            return f"{shown}…" if len(path) > 4 else shown
        if isinstance(node, dict):
            pending.extend((value, (*path, str(key))) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend((value, (*path, f"#{n + 1}")) for n, value in enumerate(node))
    return None
