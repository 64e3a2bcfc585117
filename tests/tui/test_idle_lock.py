"""The auto-lock: after idle time a lock screen with no client data; the work beneath intact."""

from __future__ import annotations

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.cipher import remember_key
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.config import Config
from hecht.tui.shell.idle_lock import lock_after_seconds

from .conftest import NOW, caseload_shown, make_app, mother_in_care, press, settled, wait_until

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)
CANARY = "Mira Canarisvogel"
PASSPHRASE = "lang genoeg geheim"


def practice(path, passphrase: str | None = None) -> str:
    if passphrase:
        remember_key(path, passphrase)
    return mother_in_care(f"sqlite:///{path}", name=CANARY)


def screen_text(app) -> str:
    """The characters on the screen, as a terminal capture holds them (what lies beneath too)."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      force_terminal=True, record=True)  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def test_the_idle_time_comes_from_the_config_and_the_override(monkeypatch):
    assert lock_after_seconds(Config()) == 600
    assert lock_after_seconds(Config(lock_after_minutes=0)) is None
    monkeypatch.setenv("HECHT_LOCK_AFTER_SECONDS", "2")
    assert lock_after_seconds(Config(lock_after_minutes=0)) == 2


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
async def test_a_draft_in_progress_survives_the_lock_and_entry_goes_on_where_it_was(
    tmp_path, monkeypatch, encrypted
):
    monkeypatch.setenv("HECHT_LOCK_AFTER_SECONDS", "2")
    clock = [0.0]  # idle time passes only when the test says so
    monkeypatch.setattr("hecht.tui.shell.idle_lock.idle_clock", lambda: clock[0])
    url = practice(tmp_path / "practice.db", PASSPHRASE if encrypted else None)
    app = make_app(url)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, *"MOM-1", "enter")
        await press(pilot, "e")
        await pilot.press(*"who-5", "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EntryScreen", "entry open")
        await press(pilot, "3", "3")
        entry = app.screen
        app.idle_lock.check()  # as its timer does
        await settled(pilot)
        assert app.screen is entry  # not idle long enough yet
        assert CANARY in screen_text(app)  # the entry names the client (the check can fail)
        clock[0] += 2
        await wait_until(pilot, lambda: "Hecht is locked" in screen_text(app), "locked")
        shown = screen_text(app)
        assert CANARY not in shown and "MOM-1" not in shown and "Hecht is locked" in shown
        await pilot.press("4", "4")  # answers here would change the total: they must not land
        if encrypted:
            await pilot.press(*"wrong 0", "enter")
            await wait_until(pilot, lambda: "does not open" in screen_text(app), "the refusal")
            assert type(app.screen).__name__ == "LockScreen"
            await pilot.press(*PASSPHRASE, "enter")
        else:
            await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is entry, "unlocked, back in the entry")
        assert "Item 3 of 5" in str(entry.query_one("#entry-position").render())
        assert "Hecht is locked" not in screen_text(app) and CANARY in screen_text(app)
        await pilot.press("3", "3", "3")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen", "review")
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DossierScreen", "completed")
        await settled(pilot)
    engine = open_database(url)
    with unit_of_work(engine) as session:
        (point,) = client_trajectory(session=session, actor=ACTOR, code="MOM-1")
    engine.dispose()
    assert point.total == 60  # five answers of 3, none lost and none typed on the lock screen
