"""A crash leaks nothing: a short message without client data, a private crash file without
local variables or messages, and a non-zero exit (issue 11, point 3).

The terminal tests start the real ``hecht`` through ``crashing_hecht.py``, which makes one place
raise an exception whose local variables and message hold canary data (a client's name, a note,
answers) while that client's dossier is open. Nothing of it may reach the terminal (scrollback
included) or any file under the process's HOME, XDG and HECHT_* folders. The long group forces
all 20 (5 places × 4 kinds of exception); the everyday suite one per place.
"""

from __future__ import annotations

import os
import stat
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.crash import crash_folder, report_lines, root_error, write_crash_file
from hecht.tui.shell.launch import make_app
from tests.schema.conftest import Practice
from tests.tui.conftest import caseload_shown, wait_until
from tests.tui.terminal import TMUX, Terminal

from .crashing_hecht import CANARY, CANARY_ANSWERS, CANARY_NAME, CANARY_NOTE, KINDS, PLACES
from .kill_runs import first_row
from .world import ACTOR, build_practice, private_world, world_folders

WRAPPER = Path(__file__).with_name("crashing_hecht.py")
CASES = [(place, kind) for place in PLACES for kind in KINDS]
EVERYDAY = [(place, KINDS[number % len(KINDS)]) for number, place in enumerate(PLACES)]
STOPPED = {"en": "Hecht stopped after an unexpected error", "nl": "Hecht is gestopt door een"}
NAMED = {"key": "KeyError", "value": "ValueError", "runtime": "RuntimeError",
         "database": "sqlalchemy.exc.OperationalError"}  # fmt: skip


# The crash file itself.


def failing_with_canaries() -> BaseException:
    def store(name: str, note: str) -> None:
        answers = CANARY_ANSWERS  # noqa: F841 - a local variable Textual would have printed
        raise KeyError(name) from ValueError(note)

    try:
        try:
            store(CANARY_NAME, CANARY_NOTE)
        except KeyError as error:
            raise RuntimeError(f"while storing {CANARY_NAME}") from error
    except RuntimeError as error:
        return error
    raise AssertionError("unreachable")


def test_the_crash_file_names_types_files_lines_and_functions_and_nothing_else(tmp_path):
    moment = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    path = write_crash_file(failing_with_canaries(), moment)
    text = path.read_text(encoding="utf-8")
    assert path.parent == crash_folder()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert CANARY not in text.lower()
    assert "error: RuntimeError\n" in text
    assert "caused by: KeyError\n" in text and "caused by: ValueError\n" in text
    assert "test_crash_report.py:" in text and " in store\n" in text
    assert "time: 2026-11-24T10:30:00+00:00" in text
    assert "Textual 8." in text and f"Python {sys.version_info.major}." in text


def test_a_failed_worker_is_reported_by_its_own_error():
    from textual.worker import WorkerFailed

    inner = failing_with_canaries()
    wrapped = WorkerFailed(inner)
    assert root_error(wrapped) is inner
    lines = report_lines(wrapped, datetime.now(UTC))
    assert "raised in a worker: RuntimeError" in lines
    assert CANARY not in "\n".join(lines).lower()


# The app after an exception (Pilot: the message, the exit code, a crash folder that fails).


def raising_dossier(monkeypatch) -> None:
    from hecht.tui.screens.dossier import DossierScreen

    def on_mount(self) -> None:
        client_name = CANARY_NAME  # noqa: F841
        raise KeyError(CANARY_NAME)

    monkeypatch.setattr(DossierScreen, "on_mount", on_mount)


async def crash_in_the_dossier(url: str, language: str) -> int | None:
    app = make_app(url, Messages(language), Config(practitioner="Test Practitioner"))
    with pytest.raises(KeyError):
        async with app.run_test(size=(100, 30)) as pilot:
            await caseload_shown(pilot)
            await pilot.press("C", "1", "enter")
            await wait_until(pilot, lambda: not app.is_running, "the app's end")
    return app.return_code


@pytest.fixture
def canary_practice(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'db' / 'practice.db'}"
    build_practice(url, ["C1"], {"C1": CANARY_NAME})
    with Practice.at(url, ACTOR) as practice:
        practice.visit(practice.episode_of("C1"), ["C1"], date.today(), note=CANARY_NOTE)
    return url


async def test_a_crash_says_what_happened_and_where_the_report_is_and_exits_1(
    canary_practice, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("HECHT_CACHE", str(tmp_path / "cache [b]x[/b]"))  # shown as written
    raising_dossier(monkeypatch)
    assert await crash_in_the_dossier(canary_practice, "nl") == 1
    said = " ".join(capsys.readouterr().err.split())
    (report,) = crash_folder().iterdir()
    assert "Hecht is gestopt door een onverwachte fout (KeyError)" in said
    assert "".join(str(report).split()) in "".join(said.split())
    assert CANARY not in said.lower()


async def test_a_crash_report_that_cannot_be_written_is_said_and_the_exit_is_still_1(
    canary_practice, monkeypatch, capsys, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("HECHT_CACHE", str(blocked))
    raising_dossier(monkeypatch)
    assert await crash_in_the_dossier(canary_practice, "en") == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "The crash report could not be written to" in said
    assert CANARY not in said.lower()


# The real hecht in a terminal, forced to fail at five places.


def canary_hits(terminal_text: str, folders: list[Path]) -> list[str]:
    """Where the canary shows: the terminal, or files under the folders (names included)."""
    hits = ["the terminal"] if CANARY in terminal_text.lower() else []
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root, name)
                if CANARY in name.lower() or CANARY.encode() in path.read_bytes().lower():
                    hits.append(str(path))
    return sorted(set(hits))


def reach(terminal: Terminal, place: str) -> None:
    """Type what makes ``place`` run: the dossier of C1, its MAAS and an answer, or F5."""
    terminal.wait_for(lambda screen: first_row(screen).strip() != "")
    if place == "worker":
        terminal.burst("F5")
        return
    terminal.burst("C1")
    terminal.wait_for(lambda screen: first_row(screen).startswith(" C1 "))
    terminal.burst("Enter")
    if place == "message-handler":
        return
    terminal.wait_for("C1 · ")  # the dossier's head
    terminal.burst("e")
    if place == "compose":
        return
    terminal.wait_for(lambda screen: "Which scale" in screen or "Welke vragenlijst" in screen)
    terminal.burst("maas", "Enter")
    terminal.wait_for(lambda screen: "1 of 19" in screen or "1 van 19" in screen)
    terminal.burst("3")


def forced_crash(root: Path, url: str, place: str, kind: str, language: str) -> None:
    world = private_world(root / "world", language)
    with Terminal(world, 100, 30) as terminal:
        terminal.env = {**terminal.env, "HECHT_DB": url}  # no password on the command line
        terminal.start(str(WRAPPER), place, kind, program=sys.executable)
        reach(terminal, place)
        status = terminal.exit_status()
        shown = terminal.everything()
    reports = list((Path(world["HECHT_CACHE"]) / "crashes").glob("crash-*.txt"))
    flat = "".join(shown.split())
    assert canary_hits(shown, world_folders(world)) == []
    assert status == 1, shown
    assert STOPPED[language] in " ".join(shown.split()), shown
    assert len(reports) == 1 and "".join(str(reports[0]).split()) in flat, shown
    assert NAMED[kind] in reports[0].read_text(encoding="utf-8")
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600


needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


@needs_tmux
@pytest.mark.parametrize(("place", "kind"), EVERYDAY)
def test_a_forced_crash_leaks_nothing_and_exits_non_zero(tmp_path, canary_practice, place, kind):
    language = "nl" if place in ("worker", "thread-callback") else "en"
    forced_crash(tmp_path, canary_practice, place, kind, language)


@pytest.mark.long
@needs_tmux
@pytest.mark.parametrize(("place", "kind"), CASES)
def test_twenty_forced_crashes_leak_nothing_and_exit_non_zero(
    tmp_path, canary_practice, place, kind
):
    language = "nl" if KINDS.index(kind) % 2 else "en"
    forced_crash(tmp_path, canary_practice, place, kind, language)
