"""The real ``hecht enter`` with its real questionary prompts, in a terminal (a private tmux
server), keys sent in bursts; the database is checked through the services."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.database import open_database, unit_of_work
from hecht.schema.inputs import NewClient, NewEpisode
from hecht.schema.services import administrations, clients, episodes
from hecht.schema.services.trajectories import client_trajectory

TMUX = shutil.which("tmux")
HECHT = shutil.which("hecht", path=str(Path(sys.executable).parent))
SERVER = f"hcli-enter-{os.getpid()}"
ACTOR = Actor(user_id=None, access_point="test")

pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"), reason="tmux is not installed (CI installs it)"
)


class Terminal:
    """One command in a session of a private tmux server (never the user's own server)."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name, self.env = name, env

    def tmux(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-L", SERVER, "-f", "/dev/null", *args], **kwargs)

    def start(self, *arguments: str) -> None:
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env.items())
        command = " ".join(shlex.quote(part) for part in arguments)
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
            f"env {exports} {command}; echo EXITED $?; sleep 60", check=True,
        )  # fmt: skip

    def burst(self, *keys: str) -> None:
        """Send keys in one go, as a fast typist's keys arrive."""
        self.tmux("send-keys", "-t", self.name, *keys, check=True)

    def screen(self) -> str:
        return self.tmux(
            "capture-pane", "-t", self.name, "-p", capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")


@pytest.fixture(scope="module", autouse=True)
def private_server():
    yield
    if TMUX:
        subprocess.run([TMUX, "-L", SERVER, "kill-server"], capture_output=True)


@pytest.fixture
def practice(tmp_path) -> Path:
    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=ACTOR, new=NewClient(code="A1"))
        new = NewEpisode(client_code="A1", started_on=date(2026, 11, 1))
        episodes.open_episode(session=session, actor=ACTOR, new=new)
    engine.dispose()
    return path


@pytest.fixture
def terminal(request, isolated_config, practice) -> Terminal:
    env = {
        "HECHT_CONFIG": str(isolated_config),
        "HECHT_CACHE": os.environ["HECHT_CACHE"],
        "HECHT_LANG": "en",
        "HECHT_DB": str(practice),
        "TERM": "xterm-256color",
    }
    name = "t" + str(abs(hash(request.node.nodeid)))[:10]
    made = Terminal(name, env)
    yield made
    made.tmux("kill-session", "-t", name, capture_output=True)


def stored(practice: Path):
    engine = open_database(f"sqlite:///{practice}")
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code="A1")
        drafts = administrations.open_drafts(session=session, actor=ACTOR, code="A1")
    engine.dispose()
    return points, drafts


def test_a_who5_keyed_in_a_burst_is_stored_and_completed(terminal, practice):
    terminal.start(HECHT, "enter", "A1", "who5")
    terminal.wait_for("WHO-5 1/5")
    terminal.burst("5", "Enter", "4", "Enter", "-", "Enter", "3", "Enter", "3", "Enter")
    terminal.wait_for("Complete and store this score?")
    terminal.burst("y")
    shown = terminal.wait_for("EXITED 0")
    assert "Saved and scored." in shown and "unexpected" not in shown
    (point,), drafts = stored(practice)
    assert (point.scale_id, point.valid, drafts) == ("who5", False, [])  # one item missing


@pytest.mark.parametrize("scale", [entry.definition.id for entry in load_library(None).latest()])
def test_every_scale_opens_and_stopping_before_an_answer_stores_nothing(terminal, practice, scale):
    items = len(load_library(None).get(scale).items)
    terminal.start(HECHT, "enter", "A1", scale)
    terminal.wait_for(f" 1/{items} ")
    terminal.burst("C-c")
    shown = terminal.wait_for("EXITED 130")
    assert "nothing was stored" in shown and "unexpected" not in shown
    assert stored(practice) == ([], [])


def test_ctrl_c_keeps_the_answers_so_far_as_a_draft_and_says_how_to_go_on(terminal, practice):
    terminal.start(HECHT, "enter", "A1", "gad7")
    terminal.wait_for("GAD-7 1/7")
    terminal.burst("1", "Enter", "2", "Enter")
    terminal.wait_for("GAD-7 3/7")
    terminal.burst("C-c")
    shown = terminal.wait_for("EXITED 130")
    assert "The draft is kept" in shown and "hecht enter A1 gad7" in shown
    _, (draft,) = stored(practice)
    assert [answer.code for answer in draft.answers] == [1, 2]


def test_a_scale_that_asks_why_an_item_is_missing_asks_it_in_the_terminal(
    terminal, practice, isolated_config
):
    from tests.tui.test_missing_reason import write_asking_scale

    write_asking_scale(isolated_config / "scales")
    terminal.start(HECHT, "enter", "A1", "sleep3")
    terminal.wait_for(" 1/3 ")
    terminal.burst("-", "Enter")
    terminal.wait_for("Why is item 1 missing?")
    terminal.burst("asleep in the waiting room", "Enter", "1", "Enter", "2", "Enter")
    terminal.wait_for("Complete and store this score?")
    terminal.burst("n")
    terminal.wait_for("EXITED 0")
    _, (draft,) = stored(practice)
    answers = {answer.item_id: (answer.code, answer.missing_reason) for answer in draft.answers}
    assert answers == {"1": (None, "asleep in the waiting room"), "2": (1, None), "3": (2, None)}
