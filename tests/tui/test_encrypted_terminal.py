"""Encryption and the auto-lock in a real terminal: the passphrase before any screen, no client
name in any file Hecht wrote after a session with a kill and a crash, and a lock that hides all.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.cipher import connect, forget_keys, remember_key
from tests.schema.conftest import Practice

from .terminal import HECHT, TMUX, Started, Terminal, eventually

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

ACTOR = Actor(user_id=None, access_point="test")
PASSPHRASE = "nachtegaal in de regen"
CANARIES = ("Ottilie Kanarievogel", "Bertram Sijsjesveld")
CODES = ("CAN-1", "CAN-2")
WRAPPER = Path(__file__).parents[1] / "reliability" / "crashing_hecht.py"


class Place:
    """A practice in its own folders (data, config, cache), as a new user's would be."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data" / "hecht"
        self.database = self.data / "hecht.db"
        self.config = root / "config"
        self.cache = root / "cache"
        self.secret = root / "secret"
        for folder in (self.data, self.config, self.cache, self.secret):
            folder.mkdir(parents=True, mode=0o700)
        (self.config / "config.toml").write_text('practitioner = "Test Psycholoog"\n')
        self.passphrase_file = self.secret / "passphrase"
        self.passphrase_file.write_text(PASSPHRASE + "\n")
        self.passphrase_file.chmod(0o600)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "HECHT_CONFIG": str(self.config),
            "HECHT_CACHE": str(self.cache),
            "HECHT_LANG": "en",
            "XDG_DATA_HOME": str(self.root / "data"),
            **extra,
        }

    def create(self) -> None:
        """The encrypted practice, with the canary clients in care."""
        remember_key(self.database, PASSPHRASE)
        with Practice.at(f"sqlite:///{self.database}", ACTOR) as practice:
            for code, name in zip(CODES, CANARIES, strict=True):
                practice.episode(practice.client(code, name=name), date.today())
        forget_keys()

    def run(self, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, **self.env(**extra)}
        environment.pop("HECHT_DB", None)
        return subprocess.run(
            [HECHT or "hecht", *arguments], env=environment, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip

    def files(self) -> list[Path]:
        return [
            path
            for folder in (self.data, self.config, self.cache)
            for path in folder.rglob("*")
            if path.is_file()
        ]


def canaries_in(path: Path) -> list[str]:
    data = path.read_bytes()
    found = []
    for name in CANARIES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if name.encode(encoding) in data:
                found.append(f"{name} ({encoding})")
    return found


def stored_answers(place: Place) -> int:
    with closing(connect(place.database, PASSPHRASE)) as connection:
        return connection.execute("SELECT count(*) FROM itemresponse").fetchone()[0]


@pytest.fixture
def place(tmp_path):
    found = Place(tmp_path)
    found.create()
    return found


@pytest.fixture
def terminals():
    """``terminals(place, *arguments, program=None, **environment)``: a started terminal."""
    started = Started()

    def start(place: Place, *arguments: str, program: str | None = None, **extra: str):
        return started.start(Terminal(place.env(**extra)), *arguments, program=program)

    yield start
    started.close_all()


def unlock(shown: Terminal) -> None:
    shown.wait_for("Passphrase for")
    shown.burst(PASSPHRASE, "Enter")


def test_a_session_with_a_kill_and_a_crash_leaves_no_client_name_in_any_file(place, terminals):
    assert place.run("backup", str(place.data / "backup.db"),
                     HECHT_PASSPHRASE_FILE=str(place.passphrase_file)).returncode == 0  # fmt: skip
    listed = place.run("caseload", "--plain", HECHT_PASSPHRASE_FILE=str(place.passphrase_file))
    assert listed.returncode == 0 and CODES[0] in listed.stdout

    shown = terminals(place)  # the TUI: the passphrase first, a wrong one once
    shown.wait_for("Passphrase for")
    shown.burst("not it", "Enter")
    shown.wait_for("Tries left: 2")
    shown.burst(PASSPHRASE, "Enter")
    shown.wait_for(CANARIES[0])
    shown.burst(CODES[0], "Enter", "e")
    shown.wait_for("WHO-5")
    shown.burst("who-5", "Enter", "3", "2")
    eventually(lambda: stored_answers(place) == 2, "two answers stored")
    shown.kill()
    assert shown.exit_status() == 137

    crashing = terminals(place, str(WRAPPER), "message-handler", "runtime", program=sys.executable)
    unlock(crashing)
    crashing.wait_for(CANARIES[1])
    crashing.burst(CODES[1], "Enter")  # the dossier's mount fails: a crash report is written
    assert crashing.exit_status() == 1
    assert list((place.cache).rglob("crash-*.txt")), "a crash file was written"

    files = place.files()
    assert {path.name for path in files} >= {"hecht.db", "backup.db", "config.toml"}
    assert {path.name: canaries_in(path) for path in files if canaries_in(path)} == {}
    for database in (place.database, place.data / "backup.db"):
        assert not database.read_bytes().startswith(b"SQLite format 3")
        with closing(sqlite3.connect(database)) as plain, pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert stored_answers(place) == 2  # the killed session's answers are there, encrypted


def test_three_wrong_passphrases_end_with_exit_2_and_a_clear_message(place, terminals):
    shown = terminals(place)
    for attempt in range(3):
        shown.wait_for("Passphrase for")
        shown.burst(f"wrong {attempt}", "Enter")
        if attempt < 2:
            shown.wait_for(f"Tries left: {2 - attempt}")
    assert shown.exit_status() == 2
    screen = shown.everything()
    # long lines are wrapped at the edge of the terminal, at a space or inside a word
    assert any(
        "was wrong 3 times" in joined
        for joined in (" ".join(screen.split()), screen.replace("\n", ""))
    )
    assert "Traceback" not in screen and "wrong 0" not in screen  # typed without echo


def test_a_passphrase_file_others_may_read_is_refused(place):
    place.passphrase_file.chmod(0o644)
    done = place.run("caseload", "--plain", HECHT_PASSPHRASE_FILE=str(place.passphrase_file))
    assert done.returncode == 2
    assert "may be read by others (mode 0644)" in done.stderr and "Traceback" not in done.stderr
    assert PASSPHRASE not in done.stdout + done.stderr


def locks_hiding_every_client(place, terminals, trials: int) -> None:
    """Wait for the lock ``trials`` times (two idle seconds each), unlocking after each."""
    shown = terminals(place, HECHT_LOCK_AFTER_SECONDS="2")
    unlock(shown)
    first = shown.wait_for(lambda s: CANARIES[0] in s or "Hecht is locked" in s)
    if "Hecht is locked" in first:  # a slow start may take the two idle seconds already
        shown.burst(PASSPHRASE, "Enter")
        shown.wait_for(CANARIES[0])
    shown.burst(CODES[0], "Enter")  # the dossier: name, code, episode
    locked = 0
    for _ in range(trials):
        screen = shown.wait_for("Hecht is locked", timeout=20)
        assert not [text for text in (*CANARIES, *CODES) if text in screen], screen
        locked += 1
        shown.burst(PASSPHRASE, "Enter")
        shown.wait_for(CANARIES[0])  # back in the dossier, as it was
    assert locked == trials


def test_after_two_idle_seconds_the_lock_hides_every_client(place, terminals):
    locks_hiding_every_client(place, terminals, trials=3)


@pytest.mark.long
def test_after_two_idle_seconds_the_lock_hides_every_client_twenty_times_of_twenty(
    place, terminals
):
    locks_hiding_every_client(place, terminals, trials=20)
