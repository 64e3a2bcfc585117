"""Provides the one place where Hecht reaches into plotext's private API, to build a chart fast.

plotext's public ``build()`` writes its character matrix out as one ANSI string, which Rich
then parses back: as costly as building the chart. Reading the matrix directly halves a
redraw. That needs things plotext does not promise to keep (``_set_size``, ``_set_sizes``,
``_build_matrix`` with ``monitor.matrix``, ``_utility.colors_to_ansi``) and textual-plotext's
private choice of theme, so they live here alone, and ``tests/tui/test_plotext_build.py``
fails when any of them changes (pyproject.toml pins the versions that test passed on).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import plotext._utility as plotext_utility
from rich.cells import cell_len, split_graphemes
from rich.style import Style
from rich.text import Span, Text

from hecht.tui.views.cells import clipped

Colors = tuple[object, object, object]
"""plotext's codes of one cell: foreground, style, background."""

_STYLES: dict[Colors, Style] = {}

FILLER = "\x00"
"""Holds the second cell of a wide character in plotext's matrix; never shown (the character
itself covers both cells on the screen)."""


def theme_name(plot: Any, app_theme: str) -> str:
    """plotext's theme for the app's theme, chosen as textual-plotext's own render does."""
    name: str = plot._get_plotext_theme_name(app_theme)
    return name


def set_size(plt: Any, width: int, height: int) -> None:
    """Size the figure now, as ``PlotextPlot.render`` does: ``plotsize`` alone lags behind."""
    plt.plotsize(width, height)
    plt._set_size(width, height)


def built_text(plt: Any) -> Text:
    """Build the figure and return it as Rich text, without the ANSI round trip."""
    plt._set_sizes()
    plt._build_matrix()
    return matrix_text(plt.monitor.matrix)


def cell_style(colors: Colors) -> Style:
    """The Rich style of one cell's plotext codes, parsed once per combination."""
    if colors not in _STYLES:
        ansi = plotext_utility.colors_to_ansi(*colors)
        sample = Text.from_ansi(f"{ansi}x{plotext_utility.ansi_end}")
        # a cell in the terminal's default colours has no span: it gets the null style
        styles = [span.style for span in sample.spans]
        _STYLES[colors] = Style.combine(
            [Style(), *(s if isinstance(s, Style) else Style.parse(s) for s in styles)]
        )
    return _STYLES[colors]


def cell_string(text: str, most: int | None = None) -> str:
    """Text as plotext must be given it: one character per terminal cell.

    plotext puts each character of a label in a cell of its own, counting one cell per
    character: a wide character (an emoji, a CJK character in a name) would push the rest of
    its row one cell to the right. Here a wide character is followed by ``FILLER`` (dropped
    again by ``matrix_text``), a cluster of code points (an emoji sequence, an accent that does
    not combine into one character) keeps its first character, padded to the cluster's width,
    and characters without width (controls, joiners) are left out.

    Args:
        text: the label, a name or a tick as the reader is to see it.
        most: the most cells it may take; longer text is cut with an ellipsis.
    """
    text = unicodedata.normalize("NFC", text)
    if most is not None and cell_len(text) > most:
        text = clipped(text, most).plain
    spans, _width = split_graphemes(text)
    shown: list[str] = []
    for start, _end, width in spans:
        first = text[start]
        own = cell_len(first)
        if width and own:
            shown.append(first + FILLER * (own - 1) + " " * (width - own))
    return "".join(shown)


def matrix_text(matrix: Any) -> Text:
    """Turn plotext's built character matrix into Rich text, one span per run of equal colours.

    Each cell holds one character (plotext inserts strings character by character), so a
    row's text is as wide as the matrix: a wide character's second cell holds ``FILLER``,
    which is left out of the text.
    """
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for row in reversed(matrix.Rows):
        markers = matrix.marker[row]
        cells = (matrix.fullground[row], matrix.style[row], matrix.background[row])
        colors = list(zip(*cells, strict=True))
        if FILLER in markers:  # rare: a wide character in a label
            markers, colors = _without_fillers(markers, colors)
        width = len(markers)
        start = 0
        for col in range(1, width + 1):
            if col == width or colors[col] != colors[start]:
                spans.append(Span(offset + start, offset + col, cell_style(colors[start])))
                start = col
        parts.append("".join(markers))
        parts.append("\n")
        offset += width + 1
    return Text("".join(parts), spans=spans)


def _without_fillers(markers: list[str], colors: list[Colors]) -> tuple[list[str], list[Colors]]:
    """A row without the cells that a wide character before them covers on the screen; a
    filler without one (drawn over by something else) shows as a blank."""
    kept_markers: list[str] = []
    kept_colors: list[Colors] = []
    for marker, color in zip(markers, colors, strict=True):
        if marker != FILLER:
            kept_markers.append(marker)
            kept_colors.append(color)
        elif not kept_markers or cell_len(kept_markers[-1]) < 2:
            kept_markers.append(" ")
            kept_colors.append(color)
    return kept_markers, kept_colors
