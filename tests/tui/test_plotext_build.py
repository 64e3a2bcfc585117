"""plotext's private API, as ``hecht.tui.widgets.plotext_build`` uses it, still does what it did.

The fast build reads plotext's character matrix instead of its ANSI output. These tests build
the same figure both ways and require the same characters and colours, so an upgrade of plotext
that renames, moves or changes what the adapter relies on fails here, not on a user's screen.
"""

from __future__ import annotations

import pytest
from plotext._dict import themes
from rich.text import Text
from textual.app import App, ComposeResult
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from hecht.tui.widgets.plotext_build import built_text, set_size, theme_name


def figure(width: int, height: int) -> Plot:
    plt = Plot()
    plt.clear_figure()
    set_size(plt, width, height)
    plt.theme("pro")
    plt.plot([1, 2, 3, 4], [3, 9, 6, 12], marker="braille", color="blue", label="EPDS")
    plt.scatter([2, 3], [9, 6], marker="●", color="red")
    plt.hline(10, "green")
    plt.xticks([1, 2, 3, 4], ["Z20", "Z28", "Z36", "PP6"])
    return plt


def cells(text: Text) -> list[tuple[str, str]]:
    """Every character with the colours it is drawn in."""
    styled = []
    for line in text.split("\n"):
        for index, character in enumerate(line.plain):
            style = line.get_style_at_offset(console_stub(), index)
            styled.append((character, f"{style.color}/{style.bgcolor}/{style.bold}"))
    return styled


def console_stub():
    from rich.console import Console

    return Console(width=200)


@pytest.mark.parametrize("size", [(60, 16), (120, 30)])
def test_the_fast_build_draws_what_plotexts_own_build_draws(size):
    fast = built_text(figure(*size))
    own = Text.from_ansi(figure(*size).build())
    assert fast.plain.rstrip("\n") == own.plain.rstrip("\n")
    assert cells(fast) == cells(own)


def test_the_fast_build_is_exactly_the_size_asked_for():
    lines = built_text(figure(50, 12)).plain.rstrip("\n").split("\n")
    assert len(lines) == 12
    assert {len(line) for line in lines} == {50}


class OnePlot(App[None]):
    def compose(self) -> ComposeResult:
        yield PlotextPlot()


async def test_textual_plotext_still_names_the_theme_it_registers_for_the_apps_theme():
    app = OnePlot()
    async with app.run_test() as pilot:
        await pilot.pause()
        plot = app.query_one(PlotextPlot)
        assert theme_name(plot, app.theme) in themes
