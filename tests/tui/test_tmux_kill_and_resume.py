"""The real ``hecht`` in a real terminal: killed half-way through a scale, nothing typed is lost.

Runs the installed command in tmux, keys in a WHO-5, SIGKILLs the process three answers into an
EPDS, starts it again, resumes the draft and checks the database through the services.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.database import open_database, unit_of_work
from hecht.schema.inputs import NewClient, NewEpisode
from hecht.schema.services import administrations, clients, episodes
from hecht.schema.services.trajectories import client_trajectory

TMUX = shutil.which("tmux")
HECHT = shutil.which("hecht", path=str(Path(sys.executable).parent))
ACTOR = Actor(user_id=None, access_point="test")

pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"), reason="tmux is not installed (CI installs it)"
)


class Terminal:
    """One tmux session running one command."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def start(self, command: list[str]) -> None:
        exports = " ".join(f"{key}={value}" for key, value in self.env.items())
        subprocess.run(
            [TMUX, "new-session", "-d", "-s", self.name, "-x", "110", "-y", "34",
             f"env {exports} {' '.join(command)}; sleep 60"],
            check=True,
        )  # fmt: skip

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([TMUX, "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.05)

    def screen(self) -> str:
        done = subprocess.run(
            [TMUX, "capture-pane", "-t", self.name, "-p"], capture_output=True, text=True
        )
        return done.stdout

    def wait_for(self, text: str, timeout: float = 20, times: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.screen().count(text) >= times:
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def kill_program(self) -> None:
        pane = subprocess.run(
            [TMUX, "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True, text=True, check=True,
        ).stdout.split()[0]  # fmt: skip
        children = subprocess.run(
            ["pgrep", "-P", pane], capture_output=True, text=True
        ).stdout.split()
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=ACTOR, new=NewClient(code="K1"))
        episodes.open_episode(
            session=session, actor=ACTOR, new=NewEpisode(client_code="K1", started_on=date.today())
        )
    engine.dispose()
    return path


def read_state(path: Path) -> tuple[list, list]:
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code="K1")
        drafts = administrations.open_drafts(session=session, actor=ACTOR, code="K1")
    engine.dispose()
    return points, drafts


def open_scale(terminal: Terminal, downs: int) -> None:
    terminal.keys("e")
    terminal.wait_for("Which scale?")
    terminal.keys(*(["Down"] * downs), "Enter")
    terminal.wait_for("Item 1 of")


def test_a_killed_process_loses_no_answer_and_the_draft_resumes(practice, tmp_path):
    assert HECHT is not None
    env = {
        "HECHT_CONFIG": str(tmp_path / "config"),
        "HECHT_CACHE": str(tmp_path / "cache"),
        "HECHT_LANG": "en",
        "TERM": "xterm-256color",
    }
    terminal = Terminal(f"hecht-test-{os.getpid()}", env)
    try:
        terminal.start([HECHT, "--db", str(practice)])
        terminal.wait_for("Code")
        terminal.keys("K1")
        terminal.wait_for("K1", times=2)  # typed in the filter, and the client's row
        terminal.keys("Enter")
        terminal.wait_for("Episode:")
        open_scale(terminal, 13)  # WHO-5
        terminal.keys("4", "4", "3", "3", "2")
        terminal.wait_for("Total 64")
        terminal.keys("Enter")
        terminal.wait_for("· 1×")  # back in the dossier: WHO-5's score line, one total so far
        open_scale(terminal, 4)  # EPDS
        terminal.keys("1", "1", "0")
        terminal.wait_for("Item 4 of 10")
        time.sleep(1)  # the writer thread commits within milliseconds; be generous
        terminal.kill_program()
        points, drafts = read_state(practice)
        assert [(p.scale_id, p.total) for p in points] == [("who5", 64)]
        assert [(a.item_id, a.code) for a in drafts[0].answers] == [("1", 1), ("2", 1), ("3", 0)]
        terminal.close()

        terminal.start([HECHT, "--db", str(practice)])
        terminal.wait_for("Code")
        terminal.keys("K1")
        terminal.wait_for("K1", times=2)
        terminal.keys("Enter")
        terminal.wait_for("Unfinished drafts (r: resume)")
        terminal.keys("r")
        terminal.wait_for("Item 4 of 10")
        terminal.keys(*"1232313")
        terminal.wait_for("Review EPDS")
        terminal.keys("Enter")
        terminal.wait_for("· 1×", times=2)  # the dossier lists EPDS beside WHO-5 now
    finally:
        terminal.close()
    points, drafts = read_state(practice)
    assert drafts == []
    epds = [p for p in points if p.scale_id == "epds"]
    # items 1, 2, 4 as typed (1, 1, 1); items 3 and 5-10 reversed: 3-0, 3-2, 3-3, 3-2, 3-3, 3-1, 3-3
    assert [p.total for p in epds] == [1 + 1 + 3 + 1 + 1 + 0 + 1 + 0 + 2 + 0]
