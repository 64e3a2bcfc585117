"""A scale that asks why an item is missing: `-` asks for the reason, Escape keeps the item open.

Keyboard only in the TUI, scripted prompts for ``hecht enter``; the database is checked through
the services.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import administrations
from hecht.tui.cli.commands.enter import run_enter
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages
from hecht.tui.views.entry_state import Answer, EntryState, KeyOutcome

from .conftest import (
    NOW,
    PRACTITIONER_CONFIG,
    make_app,
    mother_in_care,
    open_entry,
    press_to,
)
from .scripted import Scripted

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)
PRACTICE_SCALE = Path(__file__).parents[1] / "scales" / "data" / "practice_scale.toml"


def write_asking_scale(folder: Path) -> Path:
    """The practice's sleep list, changed to ask why an item is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    text = PRACTICE_SCALE.read_text(encoding="utf-8")
    asking = text.replace(
        'missing = { rule = "invalid" }', 'missing = { rule = "invalid", ask_reason = true }'
    )
    assert asking != text
    (folder / "sleep3.toml").write_text(asking, encoding="utf-8")
    return folder


@pytest.fixture
def library(tmp_path):
    return load_library(write_asking_scale(tmp_path / "scales"))


@pytest.fixture
def db(tmp_path) -> str:
    return mother_in_care(f"sqlite:///{tmp_path / 'practice.db'}")


def stored_answers(url: str) -> dict[str, tuple[float | None, str | None]]:
    engine = open_database(url)
    with unit_of_work(engine) as session:
        (draft,) = administrations.open_drafts(session=session, actor=ACTOR, code="MOM-1")
    engine.dispose()
    return {answer.item_id: (answer.code, answer.missing_reason) for answer in draft.answers}


def test_the_reason_is_asked_only_where_the_scale_wants_it(library):
    assert not any(entry.definition.scoring.missing.ask_reason for entry in load_library().latest())
    asking = EntryState(library.get("sleep3"))
    assert asking.press("-") == (KeyOutcome.ASK_REASON, None)
    assert (asking.position, asking.answers) == (0, {})  # not marked until the reason is given
    assert asking.missing("asleep") == Answer("1", None, "asleep")
    asking.accept(Answer("1", None, "asleep"))  # once stored
    assert (asking.position, asking.answers) == (1, {"1": None})


async def test_minus_asks_the_reason_and_escape_leaves_the_item_unanswered(db, library):
    app = make_app(db, library=library)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", "sleep3")
        await pilot.press("-")
        assert type(app.screen).__name__ == "ReasonModal"
        await pilot.press("escape")
        assert "Item 1 of 3" in str(app.screen.query_one("#entry-position").render())
        await pilot.press("-", "enter")  # an empty reason is not taken
        assert type(app.screen).__name__ == "ReasonModal"
        await press_to(pilot, *"client was asleep", "enter", "1", "2", screen="ReviewScreen")
    assert stored_answers(db) == {
        "1": (None, "client was asleep"),
        "2": (1, None),
        "3": (2, None),
    }


async def test_paper_mode_asks_the_reason_of_each_missing_item(db, library):
    app = make_app(db, library=library)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", "sleep3")
        await pilot.press("f2", *"-1-", "enter")
        assert "item 1" in str(app.screen.query_one("#form-title").render())
        await pilot.press(*"not filled in", "enter")
        assert "item 3" in str(app.screen.query_one("#form-title").render())
        await press_to(pilot, *"page torn", "enter", screen="ReviewScreen")
    assert stored_answers(db) == {
        "1": (None, "not filled in"),
        "2": (1, None),
        "3": (None, "page torn"),
    }


def test_hecht_enter_asks_the_reason_and_asks_the_item_again_without_one(db, isolated_config):
    write_asking_scale(isolated_config / "scales")
    # item 1: missing, reason cancelled, so asked again; then missing with a reason
    script = Scripted(["-", None, "-", "did not want to say", "1", "2", False])
    path = db.removeprefix("sqlite:///")
    invocation = Invocation(Messages("en"), PRACTITIONER_CONFIG, path)
    assert run_enter(invocation, "MOM-1", "sleep3", script) == 0
    assert "Why is item 1 missing?" in script.shown
    assert stored_answers(db) == {
        "1": (None, "did not want to say"),
        "2": (1, None),
        "3": (2, None),
    }
