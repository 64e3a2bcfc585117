"""Snapshots of the screens a psychologist sees: fixed size, frozen clock, seeded data.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.tui.app import HechtApp
from hecht.tui.backend.core import Backend
from hecht.tui.i18n import Messages
from tests.schema.conftest import Practice

from .conftest import LIBRARY, NOW, PRACTITIONER_CONFIG, caseload_shown, settled, wait_until

SIZE = (110, 34)


def seeded(url: str) -> None:
    """A small practice: a couple in pregnancy with two visits and scores, a postnatal mother."""
    actor = Actor(user_id=None, access_point="snapshot", clock=lambda: NOW)
    with Practice.at(url, actor, LIBRARY) as practice:
        for code, name in (
            ("MOM-1", "Mira de Vries"),
            ("DAD-1", "Sam de Vries"),
            ("MOM-2", "Anna Jansen"),
        ):
            practice.client(code, name=name)
        shared = practice.couple(
            "MOM-1",
            "DAD-1",
            date(2026, 10, 1),
            due_date=date(2027, 2, 10),
            referral_reasons=["fear_of_childbirth", "relationship_problems"],
        )
        practice.episode(
            "MOM-2",
            date(2026, 10, 20),
            due_date=date(2026, 10, 1),
            birth_date=date(2026, 10, 6),
            referral_reasons=["traumatic_birth"],
        )
        for day, note, who5 in (
            (date(2026, 10, 8), "Intake: angst voor de bevalling besproken.", "2,2,1,1,2"),
            (date(2026, 11, 19), "Ademhaling geoefend; slaap beter.", "3,3,3,2,3"),
        ):
            visit = practice.visit(shared, ["MOM-1", "DAD-1"], day, note=note)
            practice.administer(
                "MOM-1", "who5", who5, episode=shared, visit_lineage_id=visit.lineage_id
            )


@pytest.fixture(autouse=True)
def steady_svg_ids(monkeypatch):
    """Rich names an SVG's styles after a hash of the segments, whose reprs can carry object
    ids; a fixed name keeps equal screens equal."""
    from rich.console import Console

    export = Console.export_svg

    def fixed(self, *args, unique_id=None, **kwargs):
        return export(self, *args, unique_id=unique_id or "terminal-hecht", **kwargs)

    monkeypatch.setattr(Console, "export_svg", fixed)


def snapshot_app(practice: Path, language: str = "en") -> HechtApp:
    """The app on a copy of a seeded practice, at the snapshots' frozen time."""
    backend = Backend(f"sqlite:///{practice}", LIBRARY, "snapshot", lambda: NOW)
    return HechtApp(backend, Messages(language), PRACTITIONER_CONFIG)


@pytest.fixture
def app(tmp_path, practice_copy) -> HechtApp:
    """The practice of a session: MOM-1 and her partner, MOM-2 about to fill in an EPDS."""
    return snapshot_app(practice_copy(tmp_path, seeded))


async def settle(pilot) -> None:
    """Wait until the app has done what was asked (``settled``) and the screen stopped changing."""
    await settled(pilot)
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # a blinking cursor would make every snapshot differ
    await pilot.wait_for_scheduled_animations()
    await screen_still(pilot)


async def screen_still(pilot, seconds: float = 30) -> None:
    """Wait until two renders in a row, the app settled between them, are the same (a table's
    columns fit its rows as they are added: ``PlainTable``, tested in test_plain_widgets.py)."""
    last: list[str | None] = [None]  # the first look only takes the render to compare with

    def unchanged() -> bool:
        now = pilot.app.export_screenshot()
        same, last[0] = now == last[0], now
        return same

    await wait_until(pilot, unchanged, "the screen standing still", seconds)


async def caseload_filled(pilot) -> None:
    """Settle once the caseload shows its rows."""
    await caseload_shown(pilot)
    await settle(pilot)


async def open_epds(pilot) -> None:
    await caseload_filled(pilot)
    await pilot.press(*"MOM-2", "enter")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press(*"epds", "enter")  # the picker filters by what is typed
    await settle(pilot)


def test_paper_mode_points_at_the_bad_position(snap_compare, app):
    async def paper(pilot) -> None:
        await open_epds(pilot)
        await pilot.press("f2", *"01290", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=paper)


def test_alert_modal(snap_compare, app):
    async def alert(pilot) -> None:
        await open_epds(pilot)
        await pilot.press(*"0120120001")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=alert)


# --- trajectory view (issue 5) --------------------------------------------------------------

TRAJECTORY_SIZE = (120, 40)
VISIT_DAYS = (
    date(2026, 7, 6), date(2026, 8, 3), date(2026, 8, 31), date(2026, 10, 12), date(2026, 11, 9)
)  # fmt: skip
EPDS_PLAIN = {0, 1, 3}  # items 1, 2 and 4 score as typed; the others are reversed (3 - code)


def epds(scores: str) -> str:
    """The EPDS codes to type for these item scores."""
    return ",".join(str(int(s) if n in EPDS_PLAIN else 3 - int(s)) for n, s in enumerate(scores))


TRAJECTORY_ANSWERS = {  # per visit; totals in the comments
    ("MOM-1", "who5"): ["1,1,1,1,2", "2,2,1,1,2", "2,2,2,1,2", "3,3,3,2,2", "4,3,3,3,3"],
    # 24, 32, 36, 52, 64
    ("MOM-1", "epds"): [
        epds(s) for s in ("2221111110", "2222222111", "2222211111", "1111111111", "1111111000")
    ],  # 12, 17, 15, 10, 7
    ("MOM-1", "csi4"): ["4,4,3,4", "3,3,3,3", "3,3,3,2", "3,2,2,2", "4,3,3,3"],  # 15 12 11 9 13
    ("DAD-1", "csi4"): ["4,4,4,4", "4,4,4,3", "5,4,4,4", "5,5,4,4", "4,4,4,4"],  # 16 15 17 18 16
}


def seeded_trajectory(url: str) -> None:
    """A couple seen five times around the birth (due 20 Sep, born 14 Sep 2026)."""
    actor = Actor(user_id=None, access_point="snapshot", clock=lambda: NOW)
    with Practice.at(url, actor, LIBRARY) as practice:
        for code, name in (("MOM-1", "Mira de Vries"), ("DAD-1", "Sam de Vries")):
            practice.client(code, name=name)
        episode = practice.couple(
            "MOM-1", "DAD-1", date(2026, 7, 1), due_date=date(2026, 9, 20),
            birth_date=date(2026, 9, 14), referral_reasons=["fear_of_childbirth"],
        )  # fmt: skip
        for n, day in enumerate(VISIT_DAYS):
            scales = [
                (code, scale_id, answers[n])
                for (code, scale_id), answers in TRAJECTORY_ANSWERS.items()
            ]
            practice.visit_with_scales(episode, ["MOM-1", "DAD-1"], day, scales)


@pytest.fixture
def trajectory_app(tmp_path, practice_copy) -> HechtApp:
    """A couple's trajectories over a pregnancy and the birth."""
    return snapshot_app(practice_copy(tmp_path, seeded_trajectory))


async def open_trajectory(pilot, *keys: str) -> None:
    await settle(pilot)
    await pilot.press(*"MOM-1", "enter")
    await settle(pilot)
    await pilot.press("t", *keys)
    await settle(pilot)


def test_trajectory_couple_on_the_relationship_scale(snap_compare, trajectory_app):
    async def couple(pilot) -> None:
        await open_trajectory(pilot, "[")

    assert snap_compare(trajectory_app, terminal_size=TRAJECTORY_SIZE, run_before=couple)


# A fuller practice for the supervision and outcomes screens: MOM-3 reliably worse on the EPDS
# and the WHO-5 with an acknowledged alert and a note; MOM-4 and MOM-5 better after the birth.
MORE = (
    # code, role, birth date, start of care, reason, {scale: answers per observed date}
    ("MOM-3", "mother", None, date(2026, 9, 15), "fear_of_parenthood", {
        "epds": ("1,1,2,1,2,2,2,2,3,3", "1,1,1,1,1,1,2,2,2,3", "2,2,0,2,1,1,1,1,1,1"),
        "who5": ("3,3,3,2,3", "2,2,3,2,2", "1,1,2,1,2"),
    }),
    ("MOM-4", "mother", date(2026, 9, 1), date(2026, 9, 20), "traumatic_birth", {
        "epds": ("2,2,0,2,1,1,1,2,2,3", "1,0,2,1,2,2,3,3,3,3"),
        "who5": ("1,2,1,2,1", "3,4,3,3,3"),
        "csi4": ("4,3,3,4",),
    }),
    ("MOM-5", "mother", date(2026, 8, 10), date(2026, 9, 1), "loss_or_grief", {
        "epds": ("1,2,1,1,2,2,2,2,2,3", "1,1,2,1,2,2,2,2,3,3"),
        "who5": ("2,2,2,2,1", "3,3,2,3,3"),
    }),
)  # fmt: skip
DAYS = (date(2026, 9, 20), date(2026, 10, 18), date(2026, 11, 15))
MOM3_NOTE = "Slaapt slecht, piekert over het ouderschap.\nPartner werkt veel.\nPlan besproken."


def seeded_practice(url: str) -> None:
    """The small practice above, and three more mothers with several administrations each."""
    from hecht.schema.services import alerts
    from hecht.schema.tables import AlertAction

    seeded(url)
    actor = Actor(user_id=None, access_point="snapshot", clock=lambda: NOW)
    with Practice.at(url, actor, LIBRARY) as practice:
        for code, role, birth, started, reason, scales in MORE:
            practice.client(code, role, name=f"Naam {code}")
            episode = practice.episode(
                code, started, due_date=date(2027, 3, 1) if birth is None else None,
                birth_date=birth, referral_reasons=[reason],
            )  # fmt: skip
            if code == "MOM-3":
                for day in DAYS:
                    note = MOM3_NOTE if day == DAYS[-1] else None
                    practice.visit(episode, [code], day, note=note)
            for scale_id, series in scales.items():
                for day, answers in zip(DAYS, series, strict=False):
                    practice.administer(code, scale_id, answers, day, episode)
        for alert in alerts.open_alerts(session=practice.session, actor=actor):
            practice.acknowledge(alert.id, AlertAction.SAFETY_PLAN, "safety plan made together")


# --- every screen at 80x24 and 120x36, in English and in Dutch --------------------------------


async def open_dossier(pilot) -> None:
    await caseload_filled(pilot)
    await pilot.press(*"MOM-1", "enter")
    await settle(pilot)


async def picker(pilot) -> None:
    await open_dossier(pilot)
    await pilot.press("e", *"who")  # narrowed: the filter's own example names scales by id
    await settle(pilot)


async def two_answers(pilot) -> None:
    await open_epds(pilot)
    await pilot.press("1", "2", "7")  # the 7 shows the refusal hint
    await settle(pilot)


async def review(pilot) -> None:
    await open_epds(pilot)
    await pilot.press(*"0120120003")
    await settle(pilot)


async def epds_by_week(pilot) -> None:
    await open_trajectory(pilot, "]", "x", "x")


async def supervision(pilot) -> None:
    await caseload_filled(pilot)
    await pilot.press("f6")  # MOM-3 comes first: reliably worse, an alert, a note
    await settle(pilot)


async def outcomes(pilot) -> None:
    await caseload_filled(pilot)
    await pilot.press("f7")
    await settle(pilot)


SCREENS = {
    "caseload": (seeded, caseload_filled),
    "dossier": (seeded, open_dossier),
    "picker": (seeded, picker),
    "entry": (seeded, two_answers),
    "review": (seeded, review),
    "trajectory": (seeded_trajectory, epds_by_week),
    "supervision": (seeded_practice, supervision),
    "outcomes": (seeded_practice, outcomes),
}
"""Each screen: the practice it shows (seeded once, copied for each test), and the keys that
bring it up."""


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, tmp_path, practice_copy, screen, language, size):
    seed, bring_up = SCREENS[screen]
    app = snapshot_app(practice_copy(tmp_path, seed), language)
    assert snap_compare(app, terminal_size=size, run_before=bring_up)
