"""Snapshots of the screens a psychologist sees: fixed size, frozen clock, seeded data.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.database import open_database, unit_of_work
from hecht.schema.inputs import NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.services import administrations, clients, episodes, visits
from hecht.tui.app import HechtApp
from hecht.tui.backend import Backend
from hecht.tui.config import Config
from hecht.tui.i18n import Messages

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SIZE = (110, 34)
LIBRARY = load_library(None)


def seeded(path: Path) -> str:
    """A small practice: a couple in pregnancy with two visits and scores, a postnatal mother."""
    url = f"sqlite:///{path}"
    engine = open_database(url)
    actor = Actor(user_id=None, access_point="snapshot", clock=lambda: NOW)
    with unit_of_work(engine) as session:
        for code, name in (
            ("MOM-1", "Mira de Vries"),
            ("DAD-1", "Sam de Vries"),
            ("MOM-2", "Anna Jansen"),
        ):
            clients.create_client(session=session, actor=actor, new=NewClient(code=code, name=name))
        couple = clients.create_couple(
            session=session, actor=actor, first_code="MOM-1", second_code="DAD-1"
        )
        shared = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(
                couple_id=couple.id,
                due_date=date(2027, 2, 10),
                started_on=date(2026, 10, 1),
                referral_reasons=["fear_of_childbirth", "relationship_problems"],
            ),
        )
        episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(
                client_code="MOM-2",
                due_date=date(2026, 10, 1),
                birth_date=date(2026, 10, 6),
                started_on=date(2026, 10, 20),
                referral_reasons=["traumatic_birth"],
            ),
        )
        for day, note, who5 in (
            (date(2026, 10, 8), "Intake: angst voor de bevalling besproken.", "2,2,1,1,2"),
            (date(2026, 11, 19), "Ademhaling geoefend; slaap beter.", "3,3,3,2,3"),
        ):
            visit = visits.record_visit(
                session=session,
                actor=actor,
                new=NewVisit(
                    episode_lineage_id=shared.lineage_id,
                    visit_date=day,
                    attendee_codes=["MOM-1", "DAD-1"],
                    note=note,
                ),
            )
            draft = administrations.start_administration(
                session=session,
                actor=actor,
                library=LIBRARY,
                new=NewAdministration(
                    client_code="MOM-1",
                    scale_id="who5",
                    visit_lineage_id=visit.lineage_id,
                    episode_lineage_id=shared.lineage_id,
                ),
            )
            for item, code in enumerate(who5.split(","), start=1):
                administrations.record_answer(
                    session=session,
                    actor=actor,
                    library=LIBRARY,
                    administration_id=draft.id,
                    item_id=str(item),
                    code=code,
                )
            administrations.complete_administration(
                session=session, actor=actor, library=LIBRARY, administration_id=draft.id
            )
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def steady_svg_ids(monkeypatch):
    """Rich names an SVG's styles after a hash of the segments, whose reprs can carry object
    ids; a fixed name keeps equal screens equal."""
    from rich.console import Console

    export = Console.export_svg

    def fixed(self, *args, unique_id=None, **kwargs):
        return export(self, *args, unique_id=unique_id or "terminal-hecht", **kwargs)

    monkeypatch.setattr(Console, "export_svg", fixed)


@pytest.fixture
def app(tmp_path) -> HechtApp:
    backend = Backend(seeded(tmp_path / "snap.db"), LIBRARY, "snapshot", lambda: NOW)
    return HechtApp(backend, Messages("en"), Config())


async def settle(pilot) -> None:
    """Wait until every worker but the entry's long-lived writer has finished, then a little."""
    await pilot.pause(0.3)
    for _ in range(100):
        busy = [w for w in pilot.app.workers if w.group != "entry-writer" and not w.is_finished]
        if not busy:
            break
        await pilot.pause(0.05)
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # a blinking cursor would make every snapshot differ
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)


def test_caseload(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_dossier(snap_compare, app):
    async def open_dossier(pilot) -> None:
        await settle(pilot)
        await pilot.press(*"MOM-1", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_dossier)


async def open_epds(pilot) -> None:
    await settle(pilot)
    await pilot.press(*"MOM-2", "enter")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press("down", "down", "down", "down", "enter")
    await settle(pilot)


def test_item_entry(snap_compare, app):
    async def two_answers(pilot) -> None:
        await open_epds(pilot)
        await pilot.press("1", "2", "7")  # the 7 shows the refusal hint
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=two_answers)


def test_paper_mode_points_at_the_bad_position(snap_compare, app):
    async def paper(pilot) -> None:
        await open_epds(pilot)
        await pilot.press("f2", *"01290", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=paper)


def test_review(snap_compare, app):
    async def review(pilot) -> None:
        await open_epds(pilot)
        await pilot.press(*"0120120003")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=review)


def test_alert_modal(snap_compare, app):
    async def alert(pilot) -> None:
        await open_epds(pilot)
        await pilot.press(*"0120120001")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=alert)
