"""Corrections, history, choosing an alert, and keys pressed before the dossier arrived.

Keyboard only; every test asserts on the database through the services.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest

from hecht.schema.context import Actor
from hecht.schema.services import administrations, alerts, clients, episodes
from hecht.schema.services.trajectories import client_trajectory
from hecht.schema.trail import audit
from hecht.tui.app import HechtApp
from hecht.tui.i18n import Messages
from tests.conftest import in_practice_file as read
from tests.schema.conftest import Practice

from .conftest import (
    LIBRARY,
    NOW,
    caseload_shown,
    make_app,
    mother_in_care,
    press,
    press_to,
    settled,
    wait_until,
)

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'practice.db'}"

    return mother_in_care(url, name="Mira de Vries", due_date=date(2027, 2, 1))


def the_episode(url: str):
    (episode,) = read(
        url, lambda s: episodes.episodes_for_client(session=s, actor=ACTOR, code="MOM-1")
    )
    return episode


def screen_text(app: HechtApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_dossier(pilot, code: str = "MOM-1") -> None:
    await settled(pilot)
    await press(pilot, *code, "enter")


async def test_correcting_the_client_refuses_a_bad_field_beside_it_and_keeps_the_rest(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dossier(pilot)
        await press(pilot, "c")
        assert app.screen.query_one("#field-name").value == "Mira de Vries"
        await press(pilot, "tab", *"19x0", "enter")  # birth year
        assert "is not a whole number" in screen_text(app, "#error-birth-year")
        await press_to(
            pilot, *(["backspace"] * 4), *"1990", "tab", *"nl", "enter", screen="DossierScreen"
        )
    client = read(db, lambda s: clients.get_client(session=s, actor=ACTOR, code="MOM-1"))
    assert (client.name, client.birth_year, client.language) == ("Mira de Vries", 1990, "nl")


async def test_correcting_the_episode_asks_why_and_stores_a_new_version(db):
    app = make_app(db)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_dossier(pilot)
        await press(pilot, "p")
        assert app.screen.query_one("#field-due_date").value == "2027-02-01"
        await press(pilot, *(["backspace"] * 10), *"2027-02-08", "ctrl+s")
        assert "Say why" in screen_text(app, "#error-reason")
        assert the_episode(db).version == 1  # nothing saved while the reason is missing
        await press_to(pilot, *"dating scan", "enter", screen="DossierScreen")
    episode = the_episode(db)
    assert (episode.version, episode.due_date, episode.change_reason) == (
        2,
        date(2027, 2, 8),
        "dating scan",
    )


async def test_an_end_of_care_closes_the_episode(db):
    app = make_app(db)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_dossier(pilot)
        await press(pilot, "p")
        await pilot.press("tab", "tab", "tab", *"2026-09-01", "ctrl+s")  # the end of care
        assert "cannot end before it started" in screen_text(app, "#error-ended_on")
        await pilot.press(*(["backspace"] * 10), *"2026-11-20", "ctrl+s")
        await press(pilot, *"treatment finished", "enter")
    episode = the_episode(db)
    assert (episode.status, episode.ended_on) == ("closed", date(2026, 11, 20))


async def test_the_history_shows_each_version_with_when_who_why_and_what_changed(db):
    def correct(session) -> int:
        anna = clients.add_practitioner(session=session, actor=ACTOR, name="Anna Smit")
        (episode,) = episodes.episodes_for_client(session=session, actor=ACTOR, code="MOM-1")
        episodes.correct_episode(
            session=session,
            actor=replace(ACTOR, user_id=anna),
            lineage_id=episode.lineage_id,
            changes={"referrer": "GP"},
            reason="referral letter arrived",
        )
        return episode.lineage_id

    lineage = read(db, correct)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dossier(pilot)
        await press_to(pilot, "h", screen="ChoiceModal")
        await press_to(pilot, "enter", screen="HistoryModal")  # the episode is listed first
        shown = screen_text(app, "#history-body")
        assert "Version 1" in shown and "first version" in shown
        assert "Version 2" in shown and "Anna Smit" in shown
        assert "referral letter arrived" in shown and "referrer: — → GP" in shown
        await press_to(pilot, "escape", screen="DossierScreen")
    client = read(db, lambda s: clients.client_row(s, "MOM-1"))
    log = read(db, lambda s: audit.client_log(session=s, client_id=client.id))
    assert any(e.event == "read" and e.detail == f"episode {lineage}" for e in log)


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Visit 5 Nov 2026 · MOM-1"), ("nl", "Bezoek 05-11-2026 · MOM-1")],
)
async def test_a_visit_is_headed_by_its_date_written_as_every_other_date(db, language, title):
    with Practice.at(db, ACTOR) as practice:
        practice.visit(practice.episode_of("MOM-1"), ["MOM-1"], date(2026, 11, 5))
    app = make_app(db, language)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dossier(pilot)
        await press_to(pilot, "enter", screen="VisitScreen")  # the newest visit is listed first
        assert screen_text(app, "#visit-head").startswith(title)


def raise_alert(url: str, scale_id: str, item: str) -> None:
    """Start a draft of MOM-1 whose only answer, a 2 on ``item``, raises an alert."""
    with Practice.at(url, ACTOR, LIBRARY) as practice:
        practice.draft("MOM-1", scale_id, {item: "2"})


async def test_with_several_open_alerts_a_chooses_which_one_to_acknowledge(db):
    raise_alert(db, "epds", "10")
    raise_alert(db, "phq9", "9")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dossier(pilot)
        await press_to(pilot, "a", screen="ChoiceModal")
        listed = [str(option.prompt) for option in app.screen.query_one("OptionList").options]
        assert [(label.split(":")[0], label.split(" · ")[1]) for label in listed] == [
            ("⚠ EPDS item 10", "urgent"),
            ("⚠ PHQ-9 item 9", "urgent"),
        ]
        await press_to(pilot, "down", "enter", screen="AlertModal")
        await press(pilot, "enter", *"crisis plan checked", "enter")
    still_open = read(db, lambda s: alerts.open_alerts(session=s, actor=ACTOR, code="MOM-1"))
    drafts = read(db, lambda s: administrations.open_drafts(session=s, actor=ACTOR, code="MOM-1"))
    by_scale = {draft.scale_id: draft for draft in drafts}
    assert [alert.id for alert in still_open] == [by_scale["epds"].alerts[0].id]
    assert by_scale["phq9"].alerts[0].action_note == "crisis plan checked"


async def test_an_alert_opened_from_the_dossier_closes_with_escape_and_stays_open(db):
    """Raised by an answer an alert cannot be waved away; opened later with a, Escape goes back
    (before, only acknowledging or quitting Hecht left it)."""
    raise_alert(db, "epds", "10")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dossier(pilot)
        await press_to(pilot, "a", screen="AlertModal")
        await press_to(pilot, "escape", screen="DossierScreen")
    still_open = read(db, lambda s: alerts.open_alerts(session=s, actor=ACTOR, code="MOM-1"))
    assert len(still_open) == 1 and still_open[0].acknowledged_at is None


async def test_a_key_pressed_while_the_dossier_loads_acts_when_it_arrives(db):
    with Practice.at(db, ACTOR, LIBRARY) as practice:
        practice.draft("MOM-1", "who5", {"1": "4", "2": "4"})
    app = make_app(db)
    slow = app.backend.dossier
    arrived = threading.Event()

    def slow_dossier(code: str):
        arrived.wait(30)  # a large dossier on a shared database: it comes when the test says
        return slow(code)

    app.backend.dossier = slow_dossier
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press(*"MOM-1", "enter")
        assert app.screen.dossier is None  # still reading
        await pilot.press("r")
        assert type(app.screen).__name__ == "DossierScreen"  # r waits for the dossier
        arrived.set()
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EntryScreen", "the draft")
        await press(pilot, "3", "3", "3")
        await press(pilot, "enter")
    (point,) = read(db, lambda s: client_trajectory(session=s, actor=ACTOR, code="MOM-1"))
    assert (point.scale_id, point.total) == ("who5", (4 + 4 + 3 + 3 + 3) * 4)


def test_an_administrations_history_names_each_changed_answer_and_the_new_total(db):
    from hecht.tui.backend.core import RecordHistory
    from hecht.tui.dialogs.history import version_lines

    with Practice.at(db, ACTOR, LIBRARY) as practice:
        done = practice.administer("MOM-1", "who5", "1,1,1,1,1")
        practice.correct(done.lineage_id, {"2": "3"}, "typing error")
        versions = administrations.administration_history(
            session=practice.session, actor=ACTOR, lineage_id=done.lineage_id
        )
    lines = version_lines(RecordHistory("administration", versions, {}), Messages("en"))
    assert lines[0].startswith("Version 1") and "first version" in lines[0]
    assert lines[1].startswith("Version 2") and "typing error" in lines[1]
    assert "(name not recorded)" in lines[1]
    assert lines[2:] == ["    item 2: 1 → 3", "    total: 20 → 28"]
