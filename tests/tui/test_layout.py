"""Layout with what users type and what translators write: a long or wide name in the caseload,
the key bar, which shows whole keys only (F1 lists every one), at 80 and 120 columns; and, in a real
terminal, the client form whose every field fits 80x24 and a caseload with no stray glyph."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, ListView

from hecht.schema.context import Actor
from hecht.schema.services import clients
from hecht.tui.dialogs.form import FormField, FormModal
from hecht.tui.dialogs.new_client import FIELDS
from hecht.tui.i18n import Messages
from hecht.tui.screens.caseload import NAME_WIDTH
from hecht.tui.shell.keybar import KeyBar, fitting, key_width
from tests.conftest import in_practice_file

from .conftest import (
    caseload_shown,
    make_app,
    mother_in_care,
    press,
    settled,
)
from .terminal import TMUX, Started, Terminal, field_shows, practitioner_env

ACTOR = Actor(user_id=None, access_point="test")
LONG_NAME = ("Fleur Anna Maria Johanna van den Berg-" * 4)[:150]
WIDE_NAME = " ".join(["Lisa 🌸 van Dijk 👶 王芳"] * 4)


@pytest.mark.parametrize("name", [LONG_NAME, WIDE_NAME], ids=["150 characters", "wide"])
async def test_a_long_name_is_cut_in_the_caseload_and_shown_whole_in_the_dossier(tmp_path, name):
    url = mother_in_care(f"sqlite:///{tmp_path / 'practice.db'}", name=name)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        table = app.screen.query_one("#caseload-table")
        shown = table.get_row_at(0)[2]
        assert shown.plain.endswith("…") and name.startswith(shown.plain[:-1])
        assert NAME_WIDTH - 1 <= cell_len(shown.plain) <= NAME_WIDTH
        # the code, signals, name, week and both scores fit in 80 columns
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths[:6]) <= 80
        await press(pilot, "enter")
        assert name in str(app.screen.query_one("#dossier-head").render())


def test_the_key_bar_leaves_out_the_last_keys_first_but_never_help():
    assert fitting([10, 10, 10, 5], 20, [False, False, False, True]) == [True, False, False, True]
    assert fitting([10, 10], 20, [False, False]) == [True, True]
    assert fitting([10, 10, 5], 4, [False, False, True]) == [False, False, True]


async def open_dossier(pilot) -> None:
    await press(pilot, *"MOM-1", "enter")


async def open_entry(pilot) -> None:
    await open_dossier(pilot)
    await press(pilot, "e")
    await press(pilot, *"who-5", "enter")


async def caseload(pilot) -> None:
    pass


async def footer_fits_and_f1_lists_the_rest(pilot) -> None:
    """Every key the bar shows is whole and left of the palette's key; F1 lists the others."""
    bar = pilot.app.screen.query_one(KeyBar)
    keys = [widget for widget in bar.children if hasattr(widget, "key_display")]
    (palette,) = [key for key in keys if key.has_class("-command-palette")]
    shown = [key for key in keys if key.display and key is not palette]
    assert "help" in [key.action for key in shown]
    for key in shown:
        assert key.region.width == key_width(key), key.description  # not cut
        assert key.region.right <= palette.region.x, key.description
    hidden = [key for key in keys if not key.display]
    await pilot.press("f1")
    help_screen = pilot.app.screen
    listed = str(help_screen.query_one("#help-keys").render())
    for key in hidden:
        assert f"{key.key_display:>8}  {key.description}" in listed
    # taller than the terminal, the help scrolls: its last line can be brought into view
    form = help_screen.query_one("#form")
    assert form.region.bottom <= help_screen.size.height
    await pilot.press("end")
    await pilot.wait_for_scheduled_animations()
    assert form.content_region.contains_region(help_screen.query_one("#form-hint").region)
    await press(pilot, "escape")


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("bring_up", [caseload, open_dossier, open_entry])
async def test_the_key_bar_shows_whole_keys_only_at_80_and_120_columns(
    tmp_path, language, bring_up
):
    app = make_app(mother_in_care(f"sqlite:///{tmp_path / 'practice.db'}"), language)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await bring_up(pilot)
        await footer_fits_and_f1_lists_the_rest(pilot)
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        await footer_fits_and_f1_lists_the_rest(pilot)
        if bring_up is caseload and language == "nl":  # the tester's "Hul": F1 is there, whole
            bar = app.screen.query_one(KeyBar)
            assert [key.description for key in bar.children if key.display][-2:] == [
                "Hulp",
                "opdrachten",
            ]


needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


@pytest.fixture
def terminal(tmp_path):
    """Start ``hecht`` on a practice file in a tmux window: ``terminal(db, language, w, h)``."""
    started = Started()

    def start(database, language: str, width: int, height: int) -> Terminal:
        return started.on(Terminal(practitioner_env(tmp_path, language), width, height), database)

    yield start
    started.close_all()


@needs_tmux
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_field_of_the_new_client_form_and_its_keys_stay_in_sight_at_80x24(
    tmp_path, practice_copy, terminal, language
):
    text = Messages(language)
    database = practice_copy(tmp_path, mother_in_care)
    shown = terminal(database, language, 80, 24)
    shown.wait_for("MOM-1")
    shown.burst("C-n")
    labels = [text(f"client_form.{field}") for field in FIELDS]
    shown.wait_for_all([text("client_form.title"), *labels, text("client_form.hint")])
    mother = text("report.outcomes.role.mother")
    # code, name, birth year, language, contact, and the role: the field typed in is in sight
    shown.burst("K2", "Tab", "Lotte", "Tab", "1990", "Tab", language, "Tab", "06-1234", "Tab")
    shown.burst(mother)
    screen = shown.wait_for(lambda screen: field_shows(screen, mother))
    assert text("client_form.role") in screen and text("client_form.hint") in screen
    shown.burst("Enter")
    shown.wait_for(text("caseload.no_signals", code="K2"))  # saved: the caseload shows K2
    stored = in_practice_file(
        database, lambda s: clients.get_client(session=s, actor=ACTOR, code="K2")
    )
    assert (stored.name, stored.birth_year, stored.role) == ("Lotte", 1990, "mother")


@needs_tmux
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_the_caseload_shows_no_stray_block_glyph(tmp_path, practice_copy, terminal, language, size):
    # in Dutch at 80 columns this client's row is a little wider than the screen
    database = practice_copy(tmp_path, mother_in_care, name="Fleur van den Berg")
    shown = terminal(database, language, *size)
    shown.wait_for("Fleur van den Berg")
    # a key waits until the screen is idle: once the filter shows it, the table is laid out
    shown.burst("F")
    screen = shown.wait_for(lambda screen: field_shows(screen, "F") and "Fleur van" in screen)
    assert "▋" not in screen


def field_in_sight(screen) -> bool:
    """The field in focus (with its label and refusal) lies whole between title and keys."""
    focused = screen.focused
    field = focused.parent if isinstance(focused.parent, FormField) else focused
    top, keys = screen.query_one("#form-title").region, screen.query_one("#form-hint").region
    return top.bottom <= field.region.y and field.region.bottom <= keys.y


@pytest.mark.parametrize(
    ("language", "size"),
    [("nl", (80, 24)), ("en", (120, 36))],  # the longer words on the shorter screen
    ids=["nl-80x24", "en-120x36"],
)
@pytest.mark.parametrize(
    "keys", [["ctrl+n"], ["enter", "n"], ["enter", "v"]], ids=["client", "episode", "visit"]
)
async def test_the_field_in_focus_stays_in_sight_tabbing_both_ways(tmp_path, language, size, keys):
    app = make_app(mother_in_care(f"sqlite:///{tmp_path / 'practice.db'}"), language)
    async with app.run_test(size=size) as pilot:
        await caseload_shown(pilot)
        for key in keys:  # the client form; the episode form or a new visit from the dossier
            await press(pilot, key)
        screen = app.screen
        assert isinstance(screen, FormModal) and field_in_sight(screen)
        for key in ("tab", "shift+tab"):
            for _ in screen.focus_chain:  # every field, and round to the first again
                await press(pilot, key)
                assert field_in_sight(screen), (key, screen.focused)


class KeysApp(App[None]):
    """Two fields with the same keys, and a list with a key of its own, above the key bar."""

    BINDINGS = [Binding("f1", "help", "Help")]

    def __init__(self) -> None:
        super().__init__()
        self.messages = Messages("en")

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield ListWithOwnKey(id="list")
        yield KeyBar()


class ListWithOwnKey(ListView):
    BINDINGS = [Binding("m", "mark", "Mark")]


def keys_of(app: App) -> list[Widget]:
    return [key for key in app.query_one(KeyBar).children if hasattr(key, "key_display")]


async def test_the_key_bar_is_rebuilt_only_when_the_keys_it_shows_change():
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one("#first").focus()
        await pilot.pause()
        before = keys_of(app)
        assert [key.action for key in before][:1] == ["help"]
        await pilot.press("tab")  # to the second field: the same keys
        await pilot.pause()
        assert app.focused is app.query_one("#second")
        assert keys_of(app) == before  # the very same widgets: nothing rebuilt
        await pilot.press("tab")  # to the list, whose key the bar must now show
        await pilot.pause()
        assert "mark" in [key.action for key in keys_of(app)]
        await pilot.press("shift+tab")  # back: its key goes again
        await pilot.pause()
        assert "mark" not in [key.action for key in keys_of(app)]


class KeysScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield ListWithOwnKey(id="list")
        yield KeyBar()


async def test_a_key_bar_rebuilt_after_its_screen_closed_does_nothing():
    # the rebuild runs after the next frame, which may come after the screen was closed (a
    # burst of Escape, Down, Enter in a terminal crashed Hecht with NoScreen)
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        screen = KeysScreen()
        await app.push_screen(screen)
        await pilot.pause()
        bar = screen.query_one(KeyBar)
        screen.set_focus(screen.query_one("#list"))
        await app.pop_screen()
        await pilot.pause()
        assert not bar.is_attached
        await bar._rebuild_if_changed()  # what the frame after the change calls
