"""What Textual itself would say is said in the user's language, as text: Ctrl+C's hint how to
quit, the palette's "no matches", the colour theme picker's prompt; and no key carries an English
hover text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.command import CommandPalette

from hecht.tui.i18n import catalogue
from hecht.tui.shell.palette import HechtPalette

from .conftest import caseload_shown, make_app, press, wait_until
from .terminal import TMUX, Terminal, practitioner_env

TUI = Path(__file__).parents[2] / "tui"


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_ctrl_c_says_in_the_users_language_how_hecht_quits_and_hecht_goes_on(tmp_path, language):
    words = catalogue(language)
    with Terminal(practitioner_env(tmp_path, language), 80, 24) as shown:
        shown.start("--db", str(tmp_path / "practice.db"))
        shown.wait_for(words["keys.help"])
        shown.burst("C-c")
        said = shown.wait_for(words["app.quit_with"].format(key="^q"))
        assert words["app.quit_title"] in said
        assert "[b]" not in said and "Do you want to quit" not in said
        shown.burst("C-q")
        assert shown.exit_status() == 0


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_the_palette_says_in_the_users_language_that_nothing_matches(tmp_path, language):
    app = make_app(f"sqlite:///{tmp_path / 'practice.db'}", language)
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "ctrl+p", *"qqqqxz")
        palette = app.screen
        assert isinstance(palette, HechtPalette)

        def said() -> list[str]:
            options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
            return [str(option.prompt.renderable) for option in options]

        await wait_until(pilot, lambda: said(), "the palette's answer to a search")
        assert said() == [catalogue(language)["palette.no_matches"]]


async def test_the_colour_theme_picker_asks_in_the_users_language(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'practice.db'}", "nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        app.action_change_theme()
        await press(pilot)
        prompt = app.screen.query_one("CommandInput").placeholder  # type: ignore[attr-defined]
        assert prompt == catalogue("nl")["palette.theme_placeholder"]


def test_the_palette_replaces_textuals_no_matches_where_textual_still_keeps_it():
    # HechtPalette re-implements a private countdown of Textual's command palette: a Textual
    # release that renames what it uses must fail here, not show English (or nothing) on screen
    for name in (
        "_NO_MATCHES", "_NO_MATCHES_COUNTDOWN", "_start_no_matches_countdown",
        "_stop_no_matches_countdown",
    ):  # fmt: skip
        assert hasattr(CommandPalette, name), name
    palette = CommandPalette()
    assert palette._no_matches_timer is None
    assert hasattr(palette, "_list_visible")


def test_no_key_carries_an_english_hover_text():
    # a tooltip is shown as written when the mouse rests on the key bar: none is translated
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                assert not any(k.arg == "tooltip" for k in node.keywords), (path, node.lineno)
