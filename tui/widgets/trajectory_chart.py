"""Provides the trajectory chart: a plotext plot that is built once per size and drawing."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from hecht.scales.series import thin
from hecht.tui.widgets.plotext_build import built_text, cell_string, set_size, theme_name

LEGEND_SHARE = 3
"""A legend's label (a name, a subscale) takes at most this part of the chart's width: a longer
one is cut with an ellipsis, where plotext would leave out the whole legend."""


@dataclass(frozen=True)
class Series:
    """One set of points to draw, joined by a line unless ``joined`` is False."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: int | str
    """A plotext colour: an ANSI number (0-255) or one of plotext's colour names."""
    marker: str
    label: str | None = None
    joined: bool = True


@dataclass(frozen=True)
class Bars:
    """Vertical bars, one from (x, low) to (x, high) for each x, in one colour and marker."""

    xs: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    color: int | str
    marker: str
    label: str | None = None

    def as_points(self, step: float) -> Series:
        """The bars as one series of points ``step`` apart: plotext's cost grows with the
        number of series, so many bars are drawn as one."""
        xs: list[float] = []
        ys: list[float] = []
        for x, low, high in zip(self.xs, self.lows, self.highs, strict=True):
            count = max(1, math.ceil((high - low) / step))
            ys += [low + (high - low) * n / count for n in range(count + 1)]
            xs += [x] * (count + 1)
        return Series(tuple(xs), tuple(ys), self.color, self.marker, self.label, joined=False)


@dataclass(frozen=True)
class Drawing:
    """Everything the chart shows, as plain values: equal drawings are never built twice."""

    series: tuple[Series, ...] = ()
    hlines: tuple[tuple[float, int | str], ...] = ()
    """Horizontal guides as (value, colour): band boundaries and the clinical cutoff."""
    vlines: tuple[tuple[float, int | str], ...] = ()
    """Vertical guides as (position, colour): the birth or the due date."""
    xlim: tuple[float, float] = (0.0, 1.0)
    ylim: tuple[float, float] = (0.0, 1.0)
    xticks: tuple[tuple[float, str], ...] = ()
    """Candidate ticks as (position, label); the chart keeps as many as its width fits."""
    yticks: tuple[tuple[float, str], ...] = ()
    """Ticks as (value, label), the label in the reader's language (23,5 in Dutch)."""
    xlabel: str = ""
    points: tuple[Series, ...] = ()
    """The measured points on the lines, so they stand out from the line between them."""
    bars: tuple[Bars, ...] = ()
    """Drawn on top of the lines: where two partners differ reliably."""
    extra: tuple[Series, ...] = ()
    """Drawn last, on top: the markers of reliable change."""


class TrajectoryChart(PlotextPlot):
    """A plotext plot that rebuilds only when its drawing, size or theme changes.

    Textual may render a widget many times (focus, hover, a screen refresh); plotext's build of
    a 120-column chart costs milliseconds, so the built text is kept and reused until one of
    the three changes. Several ``show`` calls before the next frame cost one build.
    """

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.drawing = Drawing()
        self.builds = 0
        """How many times plotext built the chart (tests and the benchmark read it)."""
        self._built_for: tuple[object, ...] | None = None
        self._text = Text()

    def show(self, drawing: Drawing) -> None:
        """Draw this on the next frame (a no-op when it is what the chart already shows)."""
        if drawing != self.drawing:
            self.drawing = drawing
            self.refresh()

    def render(self) -> RenderResult:
        width, height = self.size
        theme = theme_name(self, self.app.theme)
        key = (width, height, theme, self.drawing)
        if key != self._built_for:
            self._text = self.build(width, height, theme)
            self._built_for = key
        return self._text

    def build(self, width: int, height: int, theme: str) -> Text:
        """Build the chart at a size with plotext (the expensive step)."""
        self.set_up(width, height, theme)
        self.builds += 1
        return built_text(self.plt)

    def set_up(self, width: int, height: int, theme: str) -> None:
        """Give plotext's figure the size, theme and everything the drawing holds."""
        plt = self.plt
        plt.clear_figure()
        set_size(plt, width, height)
        plt.theme(theme)
        self._draw(width, height)

    def _draw(self, width: int, height: int) -> None:
        plt, drawing = self.plt, self.drawing
        legend = max(10, width // LEGEND_SHARE)
        plt.xlabel(cell_string(drawing.xlabel))
        for value, color in drawing.hlines:
            plt.hline(value, color)
        for position, color in drawing.vlines:
            plt.vline(position, color)
        row = (drawing.ylim[1] - drawing.ylim[0]) / max(height, 1)  # one text row, in points
        bars = tuple(bar.as_points(row * 0.9) for bar in drawing.bars if bar.xs)  # no gaps
        for series in drawing.series + drawing.points + bars + drawing.extra:
            draw = plt.plot if series.joined else plt.scatter
            draw(
                list(series.xs), list(series.ys),
                marker=series.marker, color=series.color,
                label=None if series.label is None else cell_string(series.label, legend),
            )  # fmt: skip
        plt.xlim(*drawing.xlim)
        plt.ylim(*drawing.ylim)
        if drawing.yticks:
            plt.yticks(
                [value for value, _ in drawing.yticks],
                [cell_string(label) for _, label in drawing.yticks],
            )
        if drawing.xticks:
            labels = {position: cell_string(label) for position, label in drawing.xticks}
            widest = max(len(label) for label in labels.values())
            kept = thin(list(labels), max(2, (width - 8) // (widest + 3)))
            plt.xticks(kept, [labels[position] for position in kept])
