"""Fixtures for the report and caseload commands: a small practice on a real SQLite file.

The practice, on the frozen day 2026-11-24 (all WHO-5 totals are percentages):
- ZULU "Anna Jansen", mother, pregnant (due 2027-02-01), fear of childbirth: WHO-5 72 → 40
  (reliably worse); an EPDS baseline whose item 10 raised an alert still open; a note.
- ALPHA "Bea de Vries", mother, pregnant, fear of childbirth: WHO-5 40 → 72 (recovered); an EPDS
  baseline whose alert was acknowledged with a safety plan.
- MIKE "Mark Peters", partner, after the birth (2026-08-01), traumatic birth: WHO-5 48 → 60
  (unchanged) after four visits (not on track); a CSI-4 with a missing item (invalid).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.tui.config import Config

FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
PRACTITIONER_CONFIG = Config(practitioner="Test Practitioner")
"""Settings of a practitioner who gave their name (a TUI without one asks it at the start)."""
SEPT, OCT, NOV20 = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 20)
NAMES = ("Anna Jansen", "Bea de Vries", "Mark Peters")


def frozen_actor() -> Actor:
    """A command-line actor whose clock stands still on the practice's day."""
    return Actor(user_id=None, access_point="cli:test", clock=lambda: FROZEN)


class Practice:
    """Builds care histories in a few readable lines, through the services."""

    def __init__(self, session, actor: Actor, library) -> None:
        self.session, self.actor, self.library = session, actor, library
        self.context = {"session": session, "actor": actor}

    def client(self, code: str, name: str, role: str) -> None:
        from hecht.schema.inputs import NewClient
        from hecht.schema.services import clients

        clients.create_client(new=NewClient(code=code, name=name, role=role), **self.context)

    def episode(self, code: str, **extra) -> int:
        from hecht.schema.inputs import NewEpisode
        from hecht.schema.services import episodes

        new = NewEpisode(client_code=code, started_on=SEPT, **extra)
        return episodes.open_episode(new=new, **self.context).lineage_id

    def visits(self, episode: int, code: str, *days: date, note: str | None = None) -> None:
        from hecht.schema.inputs import NewVisit
        from hecht.schema.services import visits

        for day in days:
            new = NewVisit(
                episode_lineage_id=episode,
                visit_date=day,
                attendee_codes=[code],
                note=note if day == days[-1] else None,
            )
            visits.record_visit(new=new, **self.context)

    def scale(self, code: str, scale_id: str, answers: str, on: date, episode: int) -> None:
        from hecht.schema.inputs import NewAdministration
        from hecht.schema.services import administrations as adm

        context = {**self.context, "library": self.library}
        new = NewAdministration(
            client_code=code, scale_id=scale_id, episode_lineage_id=episode, observed_on=on
        )
        draft = adm.start_administration(new=new, **context)
        for item, typed in enumerate(answers.split(","), start=1):
            adm.record_answer(
                administration_id=draft.id, item_id=str(item), code=typed or None, **context
            )
        adm.complete_administration(administration_id=draft.id, **context)


def seed(session, actor: Actor, library) -> None:
    """Fill the practice described in the module docstring."""
    from hecht.schema.services.alerts import acknowledge_alert, open_alerts
    from hecht.schema.tables import AlertAction

    practice = Practice(session, actor, library)
    pregnant = {"due_date": date(2027, 2, 1), "referral_reasons": ["fear_of_childbirth"]}
    for (code, name, role), (pre, post) in zip(
        [("ZULU", NAMES[0], "mother"), ("ALPHA", NAMES[1], "mother")],
        [("4,4,3,3,4", "2,2,2,2,2"), ("2,2,2,2,2", "4,4,3,3,4")],
        strict=True,
    ):
        practice.client(code, name, role)
        episode = practice.episode(code, **pregnant)
        practice.visits(episode, code, SEPT, NOV20, note="Slept badly.\n\nWorried about the birth.")
        practice.scale(code, "who5", pre, SEPT, episode)
        practice.scale(code, "who5", post, NOV20, episode)
        practice.scale(code, "epds", "0,0,0,0,0,0,0,0,0,2", SEPT, episode)
    [alpha_alert] = open_alerts(session=session, actor=actor, code="ALPHA")
    acknowledge_alert(
        session=session,
        actor=actor,
        alert_id=alpha_alert.id,
        action=AlertAction.SAFETY_PLAN,
        note="safety plan agreed",
    )
    practice.client("MIKE", NAMES[2], "partner")
    episode = practice.episode(
        "MIKE", birth_date=date(2026, 8, 1), referral_reasons=["traumatic_birth"]
    )
    practice.visits(episode, "MIKE", SEPT, OCT, date(2026, 11, 1), NOV20)
    practice.scale("MIKE", "who5", "3,3,2,2,2", SEPT, episode)
    practice.scale("MIKE", "who5", "3,3,3,3,3", NOV20, episode)
    practice.scale("MIKE", "csi4", "5,4,,4", SEPT, episode)


@pytest.fixture(scope="session")
def report_library():
    """The built-in scale library."""
    return load_library(None)


@pytest.fixture(scope="session")
def seeded_practice_file(tmp_path_factory, report_library) -> Path:
    """An SQLite file holding the practice of the module docstring, built once per run."""
    from hecht.schema.db.database import open_database, unit_of_work

    path = tmp_path_factory.mktemp("practice") / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        seed(session, frozen_actor(), report_library)
    engine.dispose()
    return path


@pytest.fixture
def report_db(tmp_path, seeded_practice_file) -> str:
    """The path of a fresh copy of the practice, for one test to read and change."""
    path = tmp_path / "practice.db"
    for suffix in ("", "-wal", "-shm"):
        source = seeded_practice_file.with_name(seeded_practice_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return str(path)


@pytest.fixture
def frozen_commands(monkeypatch):
    """Make every command act on the practice's frozen day."""
    monkeypatch.setattr("hecht.tui.cli.invocation.command_actor", frozen_actor)


async def caseload_shown(pilot, seconds: float = 15) -> None:
    """Wait until the caseload shows its rows, or offers the first steps when it has none: they
    are read after the first frame, later on a busy machine than any fixed pause. Fails loudly
    when neither comes. The caseload is looked for beneath a dialog too (the first start's name
    form may come up before the rows are in)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        stack = pilot.app.screen_stack
        caseloads = [s for s in stack if type(s).__name__ == "CaseloadScreen"]
        screen = caseloads[-1] if caseloads else pilot.app.screen
        tables = screen.query("DataTable")
        if (tables and tables.first().row_count > 0) or screen.query("#first-run"):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the caseload showed neither rows nor first steps in {seconds} s")
        await pilot.pause(0.05)
    await pilot.pause(0.1)


async def settled(pilot, seconds: float = 15) -> None:
    """Wait until every worker has finished (but the entry's writer, which lives as long as its
    screen) and the app has handled what they sent; fail loudly when that takes too long."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        busy = [w for w in pilot.app.workers if w.group != "entry-writer" and not w.is_finished]
        if not busy and not pilot.app.typeahead.busy:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"still busy after {seconds} s: {busy}")
        await pilot.pause(0.05)
    await pilot.pause()


async def wait_until(pilot, ready, what: str = "the condition", seconds: float = 15) -> None:
    """Wait, letting the app settle between looks, until ``ready()`` holds; fail loudly, saying
    what was waited for, when it does not within ``seconds``."""
    import time

    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        await settled(pilot)
        await pilot.pause(0.05)


@pytest.fixture
def named_practitioner(isolated_config) -> str:
    """A config that names the practitioner, as destroying, exporting and importing need."""
    from hecht.tui.config import save_config

    save_config(PRACTITIONER_CONFIG)
    return PRACTITIONER_CONFIG.practitioner or ""
