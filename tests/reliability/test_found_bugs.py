"""Bugs the reliability tests found in the screens, each stated as the behaviour expected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.launch import make_app
from tests.tui.conftest import caseload_shown, settled, wait_until

from .world import build_practice


@pytest.fixture
def practice(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    build_practice(url, ["K1", "K2"])
    return url


def on(app, name: str) -> Callable[[], bool]:
    return lambda: type(app.screen).__name__ == name


async def open_entry(pilot, code: str, scale: str) -> None:
    """Open a client's dossier from the caseload and the entry of a scale from the picker."""
    app = pilot.app
    await wait_until(pilot, lambda: app.screen.query("DataTable").first().row_count > 0, "rows")
    await pilot.press(*code, "enter")
    await wait_until(pilot, on(app, "DossierScreen"), "the dossier")
    await wait_until(pilot, lambda: app.screen.dossier is not None, "the dossier's content")
    await pilot.press("e")
    await wait_until(pilot, on(app, "ScalePickerModal"), "the scale picker")
    await pilot.press(*scale, "enter")
    await wait_until(pilot, on(app, "EntryScreen"), "item entry")


async def test_a_scale_scored_by_its_subscales_alone_reaches_the_review(practice):
    app = make_app(practice, Messages("en"), Config(practitioner="Test Practitioner"))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_entry(pilot, "K1", "sris")
        await pilot.press(*"34343434343434343434")  # SRIS: 20 items, codes 1-6
        # the review is on top before its widgets are mounted: wait for its score, not the screen
        shown = lambda: on(app, "ReviewScreen")() and bool(app.screen.query("#review-score"))  # noqa: E731
        await wait_until(pilot, lambda: shown() or not app.is_running, "review")
        assert on(app, "ReviewScreen")()
        assert "Self-reflection" in str(app.screen.query_one("#review-score").render())


async def test_keys_typed_into_the_filter_before_the_rows_arrive_are_all_kept(practice):
    app = make_app(practice, Messages("en"), Config(practitioner="Test Practitioner"))
    rows_may_come = threading.Event()
    read = app.backend.caseload

    def slow_caseload(*args, **kwargs):
        rows_may_come.wait(10)  # a busy machine: the first read takes its time
        return read(*args, **kwargs)

    app.backend.caseload = slow_caseload  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"K2")
        rows_may_come.set()
        await caseload_shown(pilot)
        await settled(pilot)
        typed = app.screen.query_one("#caseload-filter").value
        focused = app.focused.id if app.focused else None
    assert (typed, focused) == ("K2", "caseload-filter")


async def test_an_exit_while_a_completion_is_being_stored_ends_without_a_crash(practice):
    app = make_app(practice, Messages("en"), Config(practitioner="Test Practitioner"))
    complete = app.backend.complete

    def complete_as_the_signal_arrives(administration_id: int, shown=None):
        done = complete(administration_id, shown)
        app.call_from_thread(app.exit)  # what SIGTERM or SIGHUP asks at this moment
        return done

    app.backend.complete = complete_as_the_signal_arrives  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await open_entry(pilot, "K1", "who")
        await pilot.press(*"43210")
        await wait_until(pilot, on(app, "ReviewScreen"), "the review")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.is_running, "the app's end")
    assert app.return_code == 0
