"""The real ``hecht`` in a terminal, keys in bursts: the New visit dialog of a client seen before
takes a date typed right after ``v`` and the battery chosen with it, at typing speed; a single
scale keyed in from the dossier (``e``) takes the day its paper form was filled in the same way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hecht.schema.context import Actor
from hecht.schema.services import administrations, episodes, visits
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.views.formatting import formatter
from tests.conftest import in_practice_file as read
from tests.schema.conftest import Practice

from .conftest import LIBRARY
from .terminal import TMUX, Terminal

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

ACTOR = Actor(user_id=None, access_point="test")
TODAY = date.today()
BEFORE = TODAY - timedelta(days=20)
"""The day of K1's first visit (the intake), already recorded."""
PROTOCOLS = '[protocols]\nintake = ["epds"]\nvisit = ["who5"]\nclosing = ["gad7"]\n'
"""One scale per battery: the scale entered tells which battery the visit was started with."""


def seen_once_before(url: str) -> None:
    """K1 in an episode with one visit recorded: a new visit is a repeat visit."""
    with Practice.at(url, ACTOR, LIBRARY) as practice:
        episode = practice.episode(practice.client("K1"), BEFORE)
        practice.visit(episode, ["K1"], BEFORE)


@pytest.fixture
def shown(tmp_path, practice_copy):
    """``hecht`` running on a copy of that practice, with one scale per battery."""
    config = tmp_path / "config"
    config.mkdir()
    settings = 'practitioner = "Test Psycholoog"\n' + PROTOCOLS
    (config / "config.toml").write_text(settings, encoding="utf-8")
    env = {
        "HECHT_CONFIG": str(config),
        "HECHT_CACHE": str(tmp_path / "cache"),
        "HECHT_LANG": "en",
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    terminal = Terminal(env, 80, 24)
    terminal.start("--db", str(practice_copy(tmp_path, seen_once_before)))
    yield terminal
    terminal.close()


def test_a_date_typed_right_after_v_and_the_battery_chosen_start_the_visit_at_typing_speed(
    shown, tmp_path
):
    typed = TODAY - timedelta(days=2)
    shown.wait_for("K1")
    shown.burst("K1", "Enter")
    shown.wait_for("Visits and scales")
    # the dialog, its date typed over today's, the intake battery (one up from the every-visit
    # scales offered to a client seen before), Enter, and the EPDS's ten answers: one write
    shown.burst("v", typed.isoformat(), "Up", "Enter", *"0000000003", "Enter")
    shown.wait_for("Session note", timeout=20)
    path = tmp_path / "practice.db"
    (episode,) = read(
        path, lambda s: episodes.episodes_for_client(session=s, actor=ACTOR, code="K1")
    )
    stored = read(
        path,
        lambda s: visits.visits_in_episode(
            session=s, actor=ACTOR, episode_lineage_id=episode.lineage_id
        ),
    )
    assert [v.visit_date for v in stored] == [BEFORE, typed]
    (point,) = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="K1"))
    assert (point.scale_id, point.visit_lineage_id) == ("epds", stored[-1].lineage_id)
    assert point.observed_at.astimezone().date() == typed  # filled in at the visit, on its day


def test_a_scale_keyed_in_from_the_dossier_is_stored_on_the_day_its_paper_form_was_filled_in(
    shown, tmp_path
):
    filled_in = TODAY - timedelta(days=3)
    day = formatter("en").date(filled_in)
    shown.wait_for("K1")
    shown.burst("K1", "Enter")
    shown.wait_for("Visits and scales")
    # the picker, Tab to its day (today's, typed over): a day before the episode began is
    # refused beside it as the visit's day is, and nothing opens
    shown.burst("e", "Tab", (BEFORE - timedelta(days=1)).isoformat(), "Enter")
    shown.wait_for("before the episode began")
    # the right day, back to the filter, the scale, and two answers: one write
    shown.burst("C-u", filled_in.isoformat(), "Tab", "who5", "Enter", "4", "4")
    shown.wait_for_all([f"filled in {day}", "Item 3 of 5"])  # the header says the day
    shown.burst("3", "3", "2")
    shown.wait_for("Enter completes")
    shown.burst("Enter")
    listed = shown.wait_for(lambda screen: any(
        line.strip().startswith(day) and "WHO-5" in line for line in screen.splitlines()
    ))  # fmt: skip
    assert "before the episode began" not in listed
    path = tmp_path / "practice.db"
    (point,) = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="K1"))
    assert (point.scale_id, point.total, point.visit_lineage_id) == ("who5", 64, None)
    assert point.observed_at.astimezone().date() == filled_in
    (form,) = read(
        path,
        lambda s: administrations.administration_history(
            session=s, actor=ACTOR, lineage_id=point.lineage_id
        ),
    )
    assert form.entered_at.astimezone().date() == TODAY  # keyed in today, for the day it names
