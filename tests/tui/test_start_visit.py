"""The New visit dialog under Pilot: the battery offered for a repeat visit stays put, and moving
the choice (from the date field or in the list itself) settles at once: choosing a battery and
showing the choice never set each other off."""

from __future__ import annotations

from datetime import date

import pytest

from hecht.schema.context import Actor
from hecht.tui.app import HechtApp
from hecht.tui.dialogs.start_visit import StartVisitModal
from hecht.tui.views.visit_plan import VisitKind
from hecht.tui.widgets.plain import PlainOptions
from tests.schema.conftest import Practice

from .conftest import LIBRARY, NOW, caseload_shown, make_app, press, wait_until

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)


def seen_once_before(url: str) -> None:
    """K1 in an episode since October, with one visit already recorded (the intake)."""
    with Practice.at(url, ACTOR, LIBRARY) as practice:
        episode = practice.episode(practice.client("K1"), date(2026, 10, 1))
        practice.visit(episode, ["K1"], date(2026, 10, 1))


@pytest.fixture
def app(tmp_path, practice_copy) -> HechtApp:
    url = f"sqlite:///{practice_copy(tmp_path, seen_once_before)}"
    return make_app(url)


async def quiet(pilot, dialog: StartVisitModal, seconds: float = 15) -> None:
    """Wait until the dialog and its battery list have nothing left to handle, and stay so for
    a few looks in a row; fail loudly when they keep sending each other messages."""
    options = dialog.query_one("#visit-kind", PlainOptions)
    calm = [0]

    def calm_for_five_looks() -> bool:
        busy = dialog.message_queue_size or options.message_queue_size
        calm[0] = 0 if busy else calm[0] + 1
        return calm[0] >= 5

    await wait_until(pilot, calm_for_five_looks, "the New visit dialog falling quiet", seconds)


def shown_choice(dialog: StartVisitModal) -> tuple[VisitKind, int | None, list[str]]:
    """The battery the dialog will start, the highlighted line, and the lines marked ●."""
    options = dialog.query_one("#visit-kind", PlainOptions)
    marked = [str(o.id) for o in options.options if str(o.prompt).startswith("●")]
    return dialog.kind, options.highlighted, marked


async def visit_dialog_of_k1(pilot) -> StartVisitModal:
    """K1's dossier, ``v``: the New visit dialog, once it has fallen quiet."""
    await caseload_shown(pilot)
    await press(pilot, *"K1", "enter")
    await pilot.press("v")
    dialog = pilot.app.screen
    assert isinstance(dialog, StartVisitModal)
    await quiet(pilot, dialog)
    return dialog


async def test_a_repeat_visit_offers_the_every_visit_scales_and_the_dialog_falls_quiet(app):
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await visit_dialog_of_k1(pilot)
        assert shown_choice(dialog) == (VisitKind.VISIT, 1, ["visit"])


async def test_moving_the_battery_choice_settles_at_once_from_the_date_field_and_the_list(app):
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await visit_dialog_of_k1(pilot)
        await pilot.press("down")  # from the date field: the closing battery
        await quiet(pilot, dialog)
        assert shown_choice(dialog) == (VisitKind.CLOSING, 2, ["closing"])
        await pilot.press("up", "up")
        await quiet(pilot, dialog)
        assert shown_choice(dialog) == (VisitKind.INTAKE, 0, ["intake"])
        await pilot.press("tab", "down")  # in the list itself: its own cursor chooses
        await quiet(pilot, dialog)
        assert shown_choice(dialog) == (VisitKind.VISIT, 1, ["visit"])


async def test_a_visit_date_whose_day_does_not_exist_is_said_so_beside_the_field(app):
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await visit_dialog_of_k1(pilot)
        await press(pilot, "ctrl+u", *"2026-02-30", "enter")
        said = str(dialog.query_one("#error-visit-date").render())
        assert said == "2026-02-30 is not a day of the calendar: check the day and the month"
