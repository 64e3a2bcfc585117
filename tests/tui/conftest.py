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

import asyncio
import shutil
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.tui.config import Config
from tests.schema.conftest import Practice

FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
"""The clock of the apps the tests start: 10:00 on the practice's day."""
LIBRARY = load_library(None)
"""The built-in scales (checked once per process)."""
PRACTITIONER_CONFIG = Config(practitioner="Test Practitioner")
"""Settings of a practitioner who gave their name (a TUI without one asks it at the start)."""
SEPT, OCT, NOV20 = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 20)
NAMES = ("Anna Jansen", "Bea de Vries", "Mark Peters")


def frozen_actor() -> Actor:
    """A command-line actor whose clock stands still on the practice's day."""
    return Actor(user_id=None, access_point="cli:test", clock=lambda: FROZEN)


def mother_in_care(url: str, name: str | None = None, **episode) -> str:
    """Store MOM-1 (called ``name``) in an episode begun on 1 Oct 2026 (``episode``: its due
    date, …) in the practice at ``url``, recorded at 10:00 on the frozen day; return the URL."""
    actor = Actor(user_id=None, access_point="test", clock=lambda: FROZEN.replace(minute=0))
    with Practice.at(url, actor) as practice:
        practice.episode(practice.client("MOM-1", name=name), date(2026, 10, 1), **episode)
    return url


def seed(practice: Practice) -> None:
    """Fill the practice described in the module docstring."""
    from hecht.schema.services.alerts import open_alerts
    from hecht.schema.tables import AlertAction

    pregnant = {"due_date": date(2027, 2, 1), "referral_reasons": ["fear_of_childbirth"]}
    for (code, name, role), (pre, post) in zip(
        [("ZULU", NAMES[0], "mother"), ("ALPHA", NAMES[1], "mother")],
        [("4,4,3,3,4", "2,2,2,2,2"), ("2,2,2,2,2", "4,4,3,3,4")],
        strict=True,
    ):
        practice.client(code, role, name=name)
        episode = practice.episode(code, SEPT, **pregnant)
        practice.visit(episode, [code], SEPT)
        practice.visit(episode, [code], NOV20, note="Slept badly.\n\nWorried about the birth.")
        practice.scale(code, "who5", pre, SEPT, episode)
        practice.scale(code, "who5", post, NOV20, episode)
        practice.scale(code, "epds", "0,0,0,0,0,0,0,0,0,2", SEPT, episode)
    [alpha_alert] = open_alerts(session=practice.session, actor=practice.actor, code="ALPHA")
    practice.acknowledge(alpha_alert.id, AlertAction.SAFETY_PLAN, "safety plan agreed")
    practice.client("MIKE", "partner", name=NAMES[2])
    episode = practice.episode(
        "MIKE", SEPT, birth_date=date(2026, 8, 1), referral_reasons=["traumatic_birth"]
    )
    practice.visits(episode, ["MIKE"], SEPT, OCT, date(2026, 11, 1), NOV20)
    practice.scale("MIKE", "who5", "3,3,2,2,2", SEPT, episode)
    practice.scale("MIKE", "who5", "3,3,3,3,3", NOV20, episode)
    practice.scale("MIKE", "csi4", "5,4,,4", SEPT, episode)


def make_app(url: str, language: str = "en", *, library=None, config: Config | None = None):
    """A Hecht app on the database at ``url``, in ``language``, its clock at ``NOW``, for a
    practitioner who gave their name (``config``: other settings)."""
    from hecht.tui.app import HechtApp
    from hecht.tui.backend.core import Backend
    from hecht.tui.i18n import Messages

    backend = Backend(url, library or LIBRARY, "test:tui", lambda: NOW)
    return HechtApp(backend, Messages(language), PRACTITIONER_CONFIG if config is None else config)


@pytest.fixture(scope="session")
def report_library():
    """The built-in scale library."""
    return LIBRARY


@pytest.fixture(scope="session")
def seeded_practice_file(tmp_path_factory, report_library) -> Path:
    """An SQLite file holding the practice of the module docstring, built once per run."""
    path = tmp_path_factory.mktemp("practice") / "practice.db"
    with Practice.at(f"sqlite:///{path}", frozen_actor(), report_library) as practice:
        seed(practice)
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


def one_client(url: str) -> None:
    """A practice of one client, A1 (for ``practice_copy``)."""
    with Practice.at(url, Actor(user_id=None, access_point="test")) as practice:
        practice.client("A1")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``hecht ARGV`` in this process; return its exit code, what it printed, and what it
    said on stderr."""
    from hecht.tui.cli.main import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def between_looks() -> None:
    """Let the app run a moment between two looks at its state. A bare sleep, not
    ``pilot.pause``: a pause also waits for every widget's queue and draws the screen, a
    frame's work per look that polling does not need (the app draws what changed on its own
    timer, and ``settled`` ends with one ``pilot.pause``)."""
    await asyncio.sleep(0.05)


async def caseload_shown(pilot, seconds: float = 15) -> None:
    """Wait until the caseload shows its rows, or offers the first steps when it has none: they
    are read after the first frame, later on a busy machine than any fixed pause. Fails loudly
    when neither comes. The caseload is looked for beneath a dialog too (the first start's name
    form may come up before the rows are in). Then the app settles (``settled``)."""

    def shown() -> bool:
        caseloads = [s for s in pilot.app.screen_stack if type(s).__name__ == "CaseloadScreen"]
        screen = caseloads[-1] if caseloads else pilot.app.screen
        tables = screen.query("DataTable")
        return bool(tables and tables.first().row_count > 0) or bool(screen.query("#first-run"))

    await wait_until(pilot, shown, "the caseload's rows or first steps", seconds, settling=False)
    await settled(pilot)


async def settled(pilot, seconds: float = 15) -> None:
    """Wait until every worker has finished (but the entry's writer, which lives as long as its
    screen) and the app has handled what they sent; fail loudly when that takes too long. An app
    that has ended (a test may wait for that) has nothing left to settle."""
    app = pilot.app
    busy: list[object] = []

    def idle() -> bool:
        busy[:] = [w for w in app.workers if w.group != "entry-writer" and not w.is_finished]
        return not app.is_running or (not busy and not app.typeahead.busy)

    said = "the end of every worker and every hold on the keys"
    await wait_until(pilot, idle, said, seconds, settling=False, seen=lambda: f"busy: {busy}")
    if app.is_running:
        await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press the keys, then wait until the app has done all they asked (see ``settled``)."""
    await pilot.press(*keys)
    await settled(pilot)


async def press_to(pilot, *keys: str, screen: str) -> None:
    """Press the keys and wait (``press``); the app is then on ``screen`` (its class name), or
    the test fails saying which screen it is on."""
    await press(pilot, *keys)
    on = type(pilot.app.screen).__name__
    assert on == screen, f"after {keys}: on {on}, not {screen}"


def screen_name(pilot) -> str:
    """The class name of the screen on top, for a failure message (none once the app ended)."""
    try:
        return type(pilot.app.screen).__name__
    except Exception:  # the screen stack is gone with the app
        return "no screen"


async def wait_until(
    pilot,
    ready: Callable[[], object],
    what: str = "the condition",
    seconds: float = 15,
    *,
    settling: bool = True,
    seen: Callable[[], str] | None = None,
) -> None:
    """Wait until ``ready()`` holds, looking again after the app has done all it was asked
    (``settled``; with ``settling=False`` only after a moment, for the waits ``settled`` is made
    of). Fails loudly when it does not hold within ``seconds``, saying ``what`` was waited for,
    the screen on top and what was ``seen`` then."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            also = f"; {seen()}" if seen else ""
            on = screen_name(pilot)
            raise AssertionError(f"{what} did not happen within {seconds} s (on {on}){also}")
        if settling:
            await settled(pilot)
        await between_looks()


async def open_entry(pilot, code: str, scale: str) -> None:
    """From the caseload, open a client's dossier, then the scale by typing its name in the
    picker."""
    await caseload_shown(pilot)
    await press(pilot, *code, "enter")
    await press(pilot, "e")
    await press(pilot, *scale, "enter")


@pytest.fixture
def named_practitioner(isolated_config) -> str:
    """A config that names the practitioner, as destroying, exporting and importing need."""
    from hecht.tui.config import save_config

    save_config(PRACTITIONER_CONFIG)
    return PRACTITIONER_CONFIG.practitioner or ""
