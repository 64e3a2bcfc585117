"""The dossier's score lines: a scale read by its subscales shows them, not a missing total."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from hecht.scales.change import compare
from hecht.schema.services.trajectories import TrajectoryPoint
from hecht.tui.i18n import Messages
from hecht.tui.views.dossier_text import score_line, week_text

from .conftest import LIBRARY


def point(scale_id: str, total: float | None, subscales: dict[str, float | None]):
    return TrajectoryPoint(
        administration_id=1, lineage_id=1, client_id=1, scale_id=scale_id, scale_version="1",
        observed_at=datetime(2026, 12, 3, 10, tzinfo=UTC), episode_lineage_id=1, total=total,
        band=None, valid=True, subscales=subscales,
    )  # fmt: skip


def test_a_scale_without_a_total_shows_its_latest_subscales_in_the_readers_language():
    prfq = LIBRARY.get("prfq")
    scores = {"pre_mentalizing": 2.5, "certainty": 3.5, "interest": 29 / 6}
    line = score_line([point("prfq", None, scores)], prfq, [], Messages("nl"), compare)
    assert line.startswith("PRFQ     Pre-mentaliserende modi 2,5 · ")
    assert "Interesse en nieuwsgierigheid 4,83" in line
    assert "totaalscore" not in line
    partly = {"pre_mentalizing": 2.0, "certainty": None, "interest": None}
    line = score_line([point("prfq", None, partly)], prfq, [], Messages("en"), compare)
    assert line.startswith("PRFQ     Pre-mentalizing modes 2 · 1×")
    nothing = dict.fromkeys(scores)
    line = score_line([point("prfq", None, nothing)], prfq, [], Messages("en"), compare)
    assert "no valid subscale yet" in line


def test_a_scale_with_a_total_still_says_when_none_is_valid():
    who5 = LIBRARY.get("who5")
    line = score_line([point("who5", None, {})], who5, [], Messages("en"), compare)
    assert "no valid total yet" in line


def test_a_due_date_long_past_without_a_birth_asks_for_the_birth_date_instead_of_a_week_47():
    episode = SimpleNamespace(due_date=date(2026, 10, 1), birth_date=None)
    assert week_text(date(2026, 11, 4), episode, Messages("en")) == "week 44 of pregnancy"
    assert week_text(date(2026, 11, 5), episode, Messages("en")) == (
        "date of the birth not recorded (due date more than 4 weeks ago)"
    )
    assert week_text(date(2026, 11, 5), episode, Messages("nl")) == (
        "bevallingsdatum niet ingevuld (uitgerekende datum ruim 4 weken voorbij)"
    )
    born = SimpleNamespace(due_date=date(2026, 10, 1), birth_date=date(2026, 10, 3))
    assert week_text(date(2026, 11, 12), born, Messages("en")) == "5 weeks after the birth"


@pytest.mark.parametrize(
    ("language", "day", "said"),
    [
        ("en", date(2026, 10, 10), "1 week after the birth"),
        ("nl", date(2026, 10, 10), "1 week na de bevalling"),
        ("en", date(2026, 10, 17), "2 weeks after the birth"),
        ("nl", date(2026, 10, 17), "2 weken na de bevalling"),
    ],
)
def test_the_week_after_the_birth_agrees_with_its_number(language, day, said):
    born = SimpleNamespace(due_date=date(2026, 10, 1), birth_date=date(2026, 10, 3))
    assert week_text(day, born, Messages(language)) == said


def test_a_due_date_over_40_weeks_ahead_says_the_pregnancy_has_not_begun_not_that_none_is_known():
    episode = SimpleNamespace(due_date=date(2027, 9, 8), birth_date=None)
    assert week_text(date(2026, 12, 2), episode, Messages("en")) == "week 0 of pregnancy"
    assert week_text(date(2026, 12, 1), episode, Messages("en")) == (
        "pregnancy not begun yet (due date more than 40 weeks ahead)"
    )
    assert week_text(date(2026, 12, 1), episode, Messages("nl")) == (
        "zwangerschap nog niet begonnen (uitgerekende datum ruim 40 weken vooruit)"
    )
    no_dates = SimpleNamespace(due_date=None, birth_date=None)
    assert week_text(date(2026, 12, 1), no_dates, Messages("en")) == (
        "week unknown (no due or birth date)"
    )
