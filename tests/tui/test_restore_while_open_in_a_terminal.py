"""``hecht restore`` while the screens have the database open, in a real terminal: refused with
nothing changed, and what the screens store afterwards is in the database; and the screens
started while a restore replaces the database are refused until it is done.

Replaced under a running ``hecht``, the database took that session's later writes into the file
kept aside, through a write-ahead log already deleted: shown as saved, and lost on quitting.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.claim import claimed
from hecht.schema.exchange.backup import backup_sqlite
from tests.schema.conftest import Practice

from .terminal import HECHT, TMUX, Terminal, eventually

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

ACTOR = Actor(user_id=None, access_point="test")


def practice_file(url: str, *codes: str) -> None:
    """A practice file with these clients, each in an episode since today."""
    with Practice.at(url, ACTOR) as practice:
        for code in codes:
            practice.episode(practice.client(code), date.today())


def codes_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [code for (code,) in connection.execute("SELECT code FROM client ORDER BY code")]


def unchanged(path: Path) -> tuple[int, bytes, list[str]]:
    """The database file (which file, and its bytes) and the names in its folder."""
    return path.stat().st_ino, path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


def shares_the_lock(pid: int, path: Path) -> bool:
    """Whether the process holds the shared lock every open Hecht holds on its database file
    (``hecht.schema.db.claim.share_file``), as the kernel lists it in /proc/locks."""
    inode = f":{path.stat().st_ino}"
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()  # 1: FLOCK  ADVISORY  READ  <pid> <major>:<minor>:<inode> 0 EOF
        if fields[1:4] == ["FLOCK", "ADVISORY", "READ"] and fields[4] == str(pid):
            if fields[5].endswith(inode):
                return True
    return False


class Place:
    """A practice in its own folder, with the settings, the cache and a backup beside it."""

    def __init__(self, root: Path, practice_copy) -> None:
        self.database = practice_copy(root / "practice", practice_file, "K0")
        self.backup = root / "monday.db"
        backup_sqlite(self.database, self.backup)
        self.config = root / "config"
        self.config.mkdir()
        (self.config / "config.toml").write_text('practitioner = "Test Psycholoog"\n')
        self.env = {
            "HECHT_CONFIG": str(self.config),
            "HECHT_CACHE": str(root / "cache"),
            "HECHT_LANG": "en",
            "XDG_DATA_HOME": str(root / "data"),
        }

    def restore(self, *options: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, **self.env}
        environment.pop("HECHT_DB", None)
        return subprocess.run(
            [HECHT or "hecht", *options, "--db", str(self.database), "restore", str(self.backup),
             "--yes"],
            env=environment, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip


@pytest.fixture
def place(tmp_path, practice_copy):
    return Place(tmp_path, practice_copy)


@pytest.fixture
def screens(place):
    started: list[Terminal] = []

    def start() -> Terminal:
        shown = Terminal(place.env)
        started.append(shown)
        shown.start("--db", str(place.database))
        return shown

    yield start
    for shown in started:
        shown.close()


def test_restore_is_refused_while_the_screens_have_the_database_open_and_nothing_is_lost(
    place, screens
):
    path = place.database
    shown = screens()
    shown.wait_for("K0")  # the first rows: the storage proper opens after them
    eventually(lambda: shares_the_lock(shown.pid(), path), "the screens hold the database")
    before = unchanged(path)

    for options, said in (
        ((), ("is open in another Hecht", "close it, then run `hecht restore` again",
              "nothing was changed")),
        (("--lang", "nl"), ("is geopend in een andere Hecht", "er is niets veranderd")),
    ):  # fmt: skip
        refused = place.restore(*options)
        assert refused.returncode == 2, refused.stderr
        assert str(path) in refused.stderr and all(text in refused.stderr for text in said)
        assert "Traceback" not in refused.stderr and refused.stdout == ""
        assert unchanged(path) == before

    shown.burst("C-n", "K1", "Tab", "Anna na de restore", "Tab", "1990", "Enter")
    shown.wait_for("No signals for K1")
    eventually(lambda: "K1" in codes_in(path), "K1 stored in the database")
    shown.burst("C-q")
    assert shown.exit_status() == 0
    assert codes_in(path) == ["K0", "K1"] and path.stat().st_ino == before[0]

    done = place.restore()  # with the screens closed, the same restore goes ahead
    assert done.returncode == 0, done.stderr
    (kept,) = path.parent.glob("practice-replaced-*.db")
    assert codes_in(path) == ["K0"] and codes_in(kept) == ["K0", "K1"]


def test_the_screens_started_while_a_restore_replaces_the_database_are_refused(place, screens):
    path = place.database
    before = unchanged(path)
    with claimed(path):  # as `hecht restore` holds it while it replaces the file
        shown = screens()
        assert shown.exit_status() == 2
        screen = shown.everything()
        # long lines are wrapped at the edge of the terminal, at a space or inside a word
        assert any(
            "is being replaced or encrypted by another Hecht" in joined
            for joined in (" ".join(screen.split()), screen.replace("\n", ""))
        ), screen
        assert "Traceback" not in screen
        assert unchanged(path) == before
    shown = screens()  # once it is done, the screens open it
    shown.wait_for("K0")
    shown.burst("C-q")
    assert shown.exit_status() == 0


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "hecht: stopped (Ctrl+C); what the command had not finished storing was not stored"),
        ("nl", "hecht: gestopt (Ctrl+C); wat de opdracht nog niet helemaal had opgeslagen"),
    ],
)
def test_ctrl_c_at_the_restore_question_says_it_stopped_and_restores_nothing(place, language, said):
    """It printed ``^C`` and nothing else (exit 130), leaving the person to guess."""
    before = unchanged(place.database)
    with Terminal({**place.env, "HECHT_LANG": language}) as shown:
        shown.start("--db", str(place.database), "restore", str(place.backup))
        shown.wait_for("ja" if language == "nl" else "yes")
        shown.burst("C-c")
        assert shown.exit_status() == 130
        assert said in shown.screen().replace("\n", " ")
    assert unchanged(place.database) == before
