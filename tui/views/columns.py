"""Provides plain-text columns for the command line's tables and the text reports."""

from __future__ import annotations

import re
from collections.abc import Sequence

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(cell: object) -> str:
    """A cell as text a terminal shows and does not obey: control characters written as their
    escapes (a stored name could otherwise clear the screen or move the cursor)."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", str(cell))


def aligned(
    headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = ""
) -> list[str]:
    """The header line and one line per row, each column as wide as its widest cell, two spaces
    between columns and none trailing."""
    table = [[printable(cell) for cell in row] for row in (headers, *rows)]
    widths = [max(len(cell) for cell in column) for column in zip(*table, strict=True)]
    lines = []
    for row in table:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(indent + "  ".join(cells).rstrip())
    return lines
