"""Provides text cut to a width in terminal cells: the one rule for every name, label and value
shown in a column too narrow for it (the screens, the chart's legend, the command line)."""

from __future__ import annotations

from rich.text import Text


def clipped(value: str, width: int) -> Text:
    """Text shown as written in at most ``width`` cells, cut with an ellipsis where longer.

    Measured in terminal cells, so a name with emoji or CJK characters is cut as short.
    """
    text = Text(value, no_wrap=True, overflow="ellipsis")
    text.truncate(max(width, 1), overflow="ellipsis")
    return text
