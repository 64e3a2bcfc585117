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

MAX_DATA_VALUES = 100_000
"""Values (tables, arrays and their entries) a file's data may hold: the largest definition the
other limits allow holds tens of thousands; more is refused before anything walks it twice."""
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


def _escaped(text: str, position: int) -> bool:
    """Whether the character at ``position`` follows an odd number of backslashes."""
    backslashes = 0
    while position - backslashes > 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _skip_string(text: str, index: int) -> int:
    """Return the index just past the TOML string that starts at ``index``.

    An unclosed string ends at the end of its line (single-line) or of the text (multi-line):
    the TOML reader reports it; here it only must not count brackets inside it.
    """
    quote = text[index]
    triple = text.startswith(quote * 3, index)
    end_mark = quote * 3 if triple else quote
    position = index + len(end_mark)
    line_end = -1 if triple else text.find("\n", position)
    while True:
        found = text.find(end_mark, position)
        if found < 0 or 0 <= line_end < found:
            return len(text) if triple or line_end < 0 else line_end
        if quote == '"' and _escaped(text, found):
            position = found + 1
            continue
        found += len(end_mark)
        while triple and found < len(text) and text[found] == quote:
            found += 1  # up to two quotes may close a multi-line string's content
        return found


_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_- \t")
"""What may stand between the dots of a dotted key (quoted parts are skipped as strings)."""


def too_deep_line(text: str, limit: int = MAX_BRACKET_DEPTH) -> int | None:
    """Return the 1-based line where the text first nests deeper than ``limit``, or None.

    Counts arrays and inline tables, and the dots of one dotted key (``a.b.c = 1`` nests three
    tables; Python's TOML reader takes time quadratic in their number). Strings and comments
    are skipped, so brackets and dots inside them do not count.
    """
    depth = dots = 0
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
        elif character in "]}":
            depth = max(0, depth - 1)
        if character == ".":
            dots += 1
        elif character not in _KEY_CHARACTERS:
            dots = 0
        if depth > limit or dots > limit:
            return text.count("\n", 0, position) + 1
        position += 1
    return None


def too_many_values(data: Any, limit: int = MAX_DATA_VALUES) -> bool:
    """Return whether parsed data holds more than ``limit`` values (it stops counting there)."""
    pending: list[Any] = [data]
    counted = 0
    while pending:
        node = pending.pop()
        counted += 1
        if counted > limit:
            return True
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


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


def cut(text: str, width: int) -> str:
    """``text`` as a message quotes it: whole when it fits ``width``, else cut with a mark
    where it was cut, so a long value is neither echoed whole nor shown as if it ended there."""
    return text if len(text) <= width else text[: width - 1] + "…"
