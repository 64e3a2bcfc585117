"""The real ``hecht`` in a real terminal: killed half-way through a scale, nothing typed is lost.

Keys in a WHO-5, SIGKILLs the process three answers into an EPDS, starts it again, resumes the
draft and checks the database through the services.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import administrations
from hecht.schema.services.trajectories import client_trajectory
from tests.schema.conftest import Practice

from .terminal import TMUX, Terminal, eventually

ACTOR = Actor(user_id=None, access_point="test")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    with Practice.at(f"sqlite:///{path}", ACTOR) as practice:
        practice.episode(practice.client("K1"), date.today())
    return path


def read_state(path: Path) -> tuple[list, list]:
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code="K1")
        drafts = administrations.open_drafts(session=session, actor=ACTOR, code="K1")
    engine.dispose()
    return points, drafts


def test_a_killed_process_loses_no_answer_and_the_draft_resumes(practice, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('practitioner = "Test"\n', encoding="utf-8")
    env = {
        "HECHT_CONFIG": str(tmp_path / "config"),
        "HECHT_CACHE": str(tmp_path / "cache"),
        "HECHT_LANG": "en",
    }
    terminal = Terminal(env, 110, 34)
    try:
        terminal.start("--db", str(practice))
        terminal.wait_for("K1")
        terminal.burst("K1", "Enter", "e", "who", "Enter", *"44332", "Enter")
        terminal.wait_for("1×")  # back in the dossier: WHO-5's score line, one total so far
        terminal.burst("e", "epds", "Enter", *"110")
        terminal.wait_for("Item 4 of 10")  # shown only once the third answer is stored
        terminal.kill()
        points, drafts = read_state(practice)
        assert [(p.scale_id, p.total) for p in points] == [("who5", 64)]
        assert [(a.item_id, a.code) for a in drafts[0].answers] == [("1", 1), ("2", 1), ("3", 0)]
        terminal.close()

        terminal = Terminal(env, 110, 34)
        terminal.start("--db", str(practice))
        terminal.wait_for("K1")
        terminal.burst("K1", "Enter", "r", *"1232313", "Enter")
        eventually(lambda: read_state(practice)[1] == [], "the resumed draft is completed")
        terminal.wait_for("EPDS")
    finally:
        terminal.close()
    points, drafts = read_state(practice)
    epds = [p for p in points if p.scale_id == "epds"]
    # items 1, 2, 4 as typed (1, 1, 1); items 3 and 5-10 reversed: 3-0, 3-2, 3-3, 3-2, 3-3, 3-1, 3-3
    assert [p.total for p in epds] == [1 + 1 + 3 + 1 + 1 + 0 + 1 + 0 + 2 + 0]
