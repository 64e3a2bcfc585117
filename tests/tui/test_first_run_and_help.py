"""The first run (an empty caseload offers a first client or the demo) and F1 help, by keyboard."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import clients
from hecht.tui.app import HechtApp
from hecht.tui.backend.core import Backend
from hecht.tui.config import Config
from hecht.tui.dialogs.help import SCREEN_TOPICS, WIDGET_TOPICS
from hecht.tui.i18n import Messages, catalogue

from .conftest import (
    LIBRARY,
    NOW,
    PRACTITIONER_CONFIG,
    caseload_shown,
    make_app,
    mother_in_care,
    press,
    press_to,
    settled,
    wait_until,
)

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)


def registered(url: str) -> list[str]:
    engine = open_database(url)
    with unit_of_work(engine) as session:
        found = [c.code for c in clients.find_clients(session=session, actor=ACTOR)]
    engine.dispose()
    return found


async def wait_for(pilot, ready, seconds: float = 15) -> None:
    """Wait until ready() holds (a new database is created first: that takes a moment)."""
    await wait_until(pilot, ready, "the screen's change", seconds)


@pytest.fixture
def empty(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'new.db'}"


@pytest.fixture
def db(tmp_path) -> str:
    return mother_in_care(f"sqlite:///{tmp_path / 'practice.db'}")


async def test_an_empty_caseload_offers_the_form_for_a_first_client(empty):
    app = make_app(empty)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "first-run")
        assert app.focused is not None and app.focused.id == "first-run"
        await press_to(pilot, "enter", screen="NewClientModal")
        await press(pilot, *"MOM-7", "enter")
        assert not app.screen.query("#first-run")  # the choices are gone with the first client
        assert app.screen.query_one("DataTable").row_count == 1
    assert registered(empty) == ["MOM-7"]


async def test_an_empty_caseload_opens_the_demo_practice_after_building_it(
    empty, tmp_path, monkeypatch
):
    from hecht.schema.demo import build as demo_module

    demo = tmp_path / "demo" / "hecht-demo.db"
    monkeypatch.setattr("hecht.schema.demo.file.demo_database_path", lambda: demo)
    # a small practice keeps this quick: the whole one is the demo builder's own test
    small = partial(demo_module.build_demo_practice, episode_count=4)

    def small_and_slow(*args, **kwargs):  # slow enough that the message is seen on any machine
        time.sleep(1.5)
        return small(*args, **kwargs)

    monkeypatch.setattr(demo_module, "build_demo_practice", small_and_slow)
    app = make_app(empty)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "first-run")
        await pilot.press("down", "enter")
        empty_note = app.screen.query_one("#caseload-empty")
        await wait_for(pilot, lambda: "Building the demo practice" in str(empty_note.render()))
        table = app.screen.query_one("DataTable")
        await wait_for(pilot, lambda: table.row_count > 0, seconds=120)
        assert table.row_count > 0
        assert app.backend.url == f"sqlite:///{demo}"
        assert app.focused is not None and app.focused.id == "caseload-filter"
    assert registered(empty) == []  # the real database stays empty
    assert registered(f"sqlite:///{demo}")


def test_every_help_topic_has_a_text_in_both_languages():
    topics = {*SCREEN_TOPICS.values(), *WIDGET_TOPICS.values(), "form", "general"}
    for language in ("en", "nl"):
        assert {f"f1.{topic}" for topic in topics} <= set(catalogue(language))


def help_text(app: HechtApp) -> str:
    return str(app.screen.query_one("#help-text").render())


def help_keys(app: HechtApp) -> str:
    return str(app.screen.query_one("#help-keys").render())


async def test_f1_explains_the_focused_widget_with_the_screens_keys_and_f1_closes_it(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpModal"
        assert help_text(app) == catalogue("en")["f1.filter"]
        assert "^n  New client" in help_keys(app)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "CaseloadScreen"
        await press(pilot, "enter")  # MOM-1's dossier
        await pilot.press("f1")
        assert help_text(app) == catalogue("en")["f1.dossier"]
        assert all(label in help_keys(app) for label in ("Edit episode", "History", "Edit client"))
        await pilot.press("escape")
        assert type(app.screen).__name__ == "DossierScreen"


@pytest.mark.parametrize("language", ["en", "nl"])
async def test_f1_lists_every_key_once_and_the_palette_once_with_what_it_offers(db, language):
    app = make_app(db, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        for keys in ((), ("enter",)):  # the caseload, then MOM-1's dossier
            await press(pilot, *keys)
            assert type(app.screen).__name__ == ("DossierScreen" if keys else "CaseloadScreen")
            await pilot.press("f1")
            lines = help_keys(app).split("\n")
            assert len(lines) == len(set(lines))
            assert [line.split()[0] for line in lines].count("^p") == 1
            assert lines[-1] == f"        ^p  {catalogue(language)['f1.palette']}"
            await press(pilot, "escape")


async def test_f1_in_entry_and_in_paper_mode_explains_each(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await press(pilot, "enter")
        await press(pilot, "e")
        await press(pilot, *"who-5", "enter")
        await pilot.press("f1")
        assert help_text(app) == catalogue("en")["f1.entry"]
        await pilot.press("f1", "f2", "f1")
        assert help_text(app) == catalogue("en")["f1.paper"]
        await pilot.press("escape")
        assert type(app.screen).__name__ == "EntryScreen"


async def test_help_is_in_the_users_language(db):
    app = make_app(db, "nl")
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f1")
        assert help_text(app) == catalogue("nl")["f1.filter"]
        assert "Nieuwe cliënt" in help_keys(app)


async def test_without_a_name_the_practitioner_is_asked_before_any_row_but_never_in_the_demo(
    db, tmp_path
):
    """Even the first listing of the caseload is logged under the name: the rows are read once
    it is given. The demo practice, whose people are made up, asks nothing."""
    from sqlalchemy import text

    def listings() -> list[str | None]:
        engine = open_database(db)
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT p.name FROM auditevent a LEFT JOIN practitioner p "
                    "ON p.id = a.user_id WHERE a.event = 'search' AND a.detail = 'caseload'"
                )
            ).scalars()
            names = list(found)
        engine.dispose()
        return names

    asked = make_app(db, config=Config())
    async with asked.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: type(asked.screen).__name__ == "PractitionerModal", "the name asked"
        )
        assert listings() == []  # nothing of a dossier read yet
        await pilot.press(*"Anna de Vries", "enter")
        await caseload_shown(pilot)
    assert listings() == ["Anna de Vries"]
    demo = HechtApp(
        Backend(db, LIBRARY, "test:tui", lambda: NOW), Messages("en"), Config(), demo=True
    )
    async with demo.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await demo.workers.wait_for_complete()
        await settled(pilot)
        assert type(demo.screen).__name__ == "CaseloadScreen"


BAD_TOML = 'id = "broken"\nversion = [[[\n'
PRACTICE_SCALE = Path(__file__).parents[1] / "scales" / "data" / "practice_scale.toml"
GAP = PRACTICE_SCALE.read_text(encoding="utf-8").replace("min = 3, max = 6", "min = 4, max = 6")
"""A practice's own scale whose bands leave 3 uncovered."""


@pytest.mark.parametrize(
    ("language", "content", "said"),
    [
        ("en", BAD_TOML, "Not loaded: 1 file of your own scale definitions; the built-in scales "
         "work. First: {path}: line 3 (the end of the file): not valid TOML: Invalid value — fix "
         "the TOML syntax there."),
        ("nl", BAD_TOML, "Niet geladen: 1 bestand met eigen vragenlijsten; de ingebouwde "
         "vragenlijsten werken. Eerste: {path}: regel 3 (het einde van het bestand): geen geldige "
         "TOML: geen geldige waarde (zet tekst tussen aanhalingstekens) — herstel de "
         "TOML-schrijfwijze daar."),
        ("nl", GAP, "Eerste: {path}: interpretation.bands: tussen categorieën 'ok' (0–2) en "
         "'poor' (4–6) zit een gat: geen categorie dekt 3 — laat 'poor' bij 3 beginnen "
         "(band_step is 1)."),
    ],
    ids=["en-toml", "nl-toml", "nl-definition"],
)  # fmt: skip
async def test_a_local_scale_file_that_cannot_be_loaded_is_named_on_screen_with_the_fix(
    db, isolated_config, language, content, said
):
    from hecht.tui.shell.launch import make_app as make_real_app

    scales = isolated_config / "scales"
    scales.mkdir()
    (scales / "broken.toml").write_text(content, encoding="utf-8")
    assert load_library(scales).refusals()  # the library says so, and still loads
    app = make_real_app(db, Messages(language), PRACTITIONER_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await app.workers.wait_for_complete()
        await settled(pilot)
        shown = [notification.message for notification in app._notifications]
        assert any(said.format(path=scales / "broken.toml") in message for message in shown), shown
