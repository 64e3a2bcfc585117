"""Provides the one place where Hecht reaches into plotext's private API, to build a chart fast.

plotext's public ``build()`` writes its character matrix out as one ANSI string, which Rich
then parses back: as costly as building the chart. Reading the matrix directly halves a
redraw. That needs things plotext does not promise to keep (``_set_size``, ``_set_sizes``,
``_build_matrix`` with ``monitor.matrix``, ``_utility.colors_to_ansi``) and textual-plotext's
private choice of theme, so they live here alone, and ``tests/tui/test_plotext_build.py``
fails when any of them changes (pyproject.toml pins the versions that test passed on).
"""

from __future__ import annotations

from typing import Any

import plotext._utility as plotext_utility
from rich.style import Style
from rich.text import Span, Text

Colors = tuple[object, object, object]
"""plotext's codes of one cell: foreground, style, background."""

_STYLES: dict[Colors, Style] = {}


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


def matrix_text(matrix: Any) -> Text:
    """Turn plotext's built character matrix into Rich text, one span per run of equal colours.

    Each cell holds one character (plotext inserts strings character by character), so a
    row's text is as long as the matrix is wide.
    """
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for row in reversed(matrix.Rows):
        markers = matrix.marker[row]
        cells = (matrix.fullground[row], matrix.style[row], matrix.background[row])
        colors = list(zip(*cells, strict=True))
        start = 0
        for col in range(1, matrix.cols + 1):
            if col == matrix.cols or colors[col] != colors[start]:
                spans.append(Span(offset + start, offset + col, cell_style(colors[start])))
                start = col
        parts.append("".join(markers))
        parts.append("\n")
        offset += matrix.cols + 1
    return Text("".join(parts), spans=spans)
