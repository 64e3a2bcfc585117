"""plotext's private API, as ``hecht.tui.widgets.plotext_build`` uses it, still does what it did.

The fast build reads plotext's character matrix instead of its ANSI output. These tests build
the same figure both ways and require the same characters and colours, so an upgrade of plotext
that renames, moves or changes what the adapter relies on fails here, not on a user's screen.
"""

from __future__ import annotations

import pytest
from plotext._dict import themes
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from hecht.tui.widgets.plotext_build import FILLER, built_text, cell_string, set_size, theme_name


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


@pytest.mark.parametrize(
    ("text", "given"),
    [
        ("Anna de Wit", "Anna de Wit"),
        ("Lisa 🌸 van Dijk", f"Lisa 🌸{FILLER} van Dijk"),  # a wide character fills two cells
        ("王芳", f"王{FILLER}芳{FILLER}"),
        ("e\u0301ke", "éke"),  # an accent typed apart is joined to its letter
        ("❤️ x", "❤  x"),  # drawn two cells wide: its narrow form and a blank
        ("👨\u200d👩\u200d👧", f"👨{FILLER}"),  # a family of emoji draws as its first
        ("a\tb", "ab"),  # a control character takes no cell
        ("[/b] [@click=app.quit]", "[/b] [@click=app.quit]"),  # text, never markup
    ],
)
def test_text_is_given_to_plotext_as_one_character_per_terminal_cell(text, given):
    assert cell_string(text) == given


def test_text_longer_than_its_room_is_cut_with_an_ellipsis_measured_in_cells():
    assert cell_string("Lisa 🌸 van Dijk", 8) == f"Lisa 🌸{FILLER}…"
    assert cell_string("Anna", 8) == "Anna"


def test_a_wide_label_leaves_every_row_as_wide_as_asked_and_every_cell_in_its_colour():
    def built(label: str) -> Text:
        plt = figure(50, 12)
        plt.plot([1, 4], [2, 10], marker="braille", color="green", label=cell_string(label))
        return built_text(plt)

    wide, narrow = built("王芳 🌸 Lisa"), built("WWWW WW Lisa")  # the same width in cells
    lines = wide.plain.rstrip("\n").split("\n")
    assert {cell_len(line) for line in lines} == {50} and FILLER not in wide.plain
    (legend,) = [n for n, line in enumerate(lines) if "王芳 🌸 Lisa" in line]
    by_line = lambda text: [cells(Text(line.plain, spans=line.spans)) for line in text.split("\n")]  # noqa: E731
    wide_lines, narrow_lines = by_line(wide), by_line(narrow)
    assert wide_lines[:legend] + wide_lines[legend + 1 :] == (
        narrow_lines[:legend] + narrow_lines[legend + 1 :]
    )
    after = len(narrow_lines[legend]) - narrow.split("\n")[legend].plain.index("Lisa")
    assert wide_lines[legend][-after:] == narrow_lines[legend][-after:]
