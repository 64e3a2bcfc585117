"""Every command that writes meets a storage fault with one clear line and exit code 2: another
program holding the database, a full disk, a read-only file, an I/O error at commit (issue 11,
point 6). Never a traceback, never an "unexpected error", and nothing stored before is lost.

The real ``hecht`` runs in a subprocess where the fault must hold for the whole process (a
file-size limit the kernel enforces, a file its user may not write); where the fault lies outside
it (a lock another process holds) or is injected where the driver reports it (an I/O error at
commit), the command runs in this process through ``main``, as the ``hecht`` script calls it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from hecht.schema.db.engine import BUSY_TIMEOUT_OVERRIDE
from hecht.tui.cli.main import main
from tests.conftest import client_system

from .storage_faults import (
    SHORT_WAIT_MS,
    driver_error,
    failing_commits,
    grown_wal,
    held_database,
    permissions_apply,
    run_hecht,
    table_counts,
    with_file_size_limit,
)
from .world import POSTGRES_URL, build_practice, private_world, reset_postgres

NAME = "Anna Canarie"
PASSPHRASE = "zeven zotte zebra's"
REASONS = {
    "locked": "another program holds the database",
    "disk_full": "the disk reported an error while writing",
    "read_only": "cannot be written; check their permissions",
    "io": "the disk reported an error while writing",
}


@dataclass
class PracticeFolder:
    """A practice file in a folder of its own, the environment of a ``hecht`` run on it."""

    folder: Path
    database: Path
    environment: dict[str, str]

    @property
    def out(self) -> Path:
        return self.folder / "out"


@pytest.fixture
def practice(practice_copy) -> Iterator[PracticeFolder]:
    """A practice with one named client; under /tmp so an unprivileged user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="hecht-faults-"))
    folder.chmod(0o755)
    try:
        database = practice_copy(folder / "data", build_practice, ["ALPHA"], {"ALPHA": NAME})
        (folder / "out").mkdir()
        environment = private_world(folder / "world")
        passphrase = folder / "secret" / "passphrase"
        passphrase.parent.mkdir(mode=0o700)
        passphrase.write_text(PASSPHRASE + "\n")
        passphrase.chmod(0o600)
        environment["HECHT_PASSPHRASE_FILE"] = str(passphrase)
        (folder / "paper.csv").write_text(
            'client_code,scale,observed_on,answers,mode\nALPHA,who5,2026-10-01,"3,3,2,2,1",paper\n'
        )
        responses = who5_response("ALPHA", client_system(database))
        (folder / "responses.json").write_text(json.dumps(responses))
        yield PracticeFolder(folder, database, environment)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def who5_response(code: str, system: str) -> dict[str, object]:
    """A WHO-5 completed today, as a FHIR QuestionnaireResponse from another program, naming
    the client by code in the practice's own ``system``."""
    from hecht.schema.exchange.fhir import terms

    return {
        "resourceType": "QuestionnaireResponse",
        "id": "who5-today",
        "questionnaire": terms.questionnaire_url("who5") + "|1",
        "status": "completed",
        "subject": {"identifier": {"system": system, "value": code}},
        "authored": date.today().isoformat(),
        "item": [
            {"linkId": str(n), "answer": [{"valueCoding": {"code": "3"}}]} for n in range(1, 6)
        ],
    }


def export_file(practice: PracticeFolder) -> Path:
    """A JSON export of the practice, to import elsewhere."""
    made = run_hecht(practice.environment, "export", "--out", str(practice.folder / "export.json"),
                     "--db", str(practice.database))  # fmt: skip
    assert made.returncode == 0, made.stderr
    return practice.folder / "export.json"


COMMANDS: dict[str, Callable[[PracticeFolder], list[str]]] = {
    "export --out": lambda p: ["export", "--out", str(p.out / "export.json")],
    "export --format csv": lambda p: ["export", "--format", "csv", "--out", str(p.out / "csv")],
    "export --format fhir": lambda p: ["export", "--format", "fhir", "--out", str(p.out / "f")],
    "report --out": lambda p: ["report", "client", "ALPHA", "--out", str(p.out / "packet.md")],
    "backup": lambda p: ["backup", str(p.out / "backup.db")],
    "import-csv": lambda p: ["import-csv", str(p.folder / "paper.csv")],
    "import --format fhir": lambda p: [
        "import",
        "--format",
        "fhir",
        str(p.folder / "responses.json"),
    ],
    "db encrypt": lambda p: ["db", "encrypt"],
}
"""The commands that write to an existing practice (each logs what it does, at least)."""


def refused_cleanly(result, reason: str, where: Path) -> None:
    """One line on stderr naming the file and the reason; exit 2; no traceback, no leak."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("hecht: "), result.stderr
    assert str(where) in lines[0] and reason in lines[0], lines[0]
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert NAME not in result.stderr + result.stdout


def nothing_lost_nothing_half_done(practice: PracticeFolder, before: dict[str, int]) -> None:
    """The practice holds what it held: not a row lost, not a half-written one; no output left."""
    assert table_counts(practice.database) == before
    assert [file for file in practice.out.rglob("*") if file.is_file()] == []
    with sqlite3.connect(practice.database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "db encrypt"])
def test_a_full_disk_is_refused_naming_the_database_with_exit_2(practice, command):
    with grown_wal(practice.database) as limit:
        before = table_counts(practice.database)
        result = run_hecht(
            practice.environment, *COMMANDS[command](practice), "--db", str(practice.database),
            preexec_fn=with_file_size_limit(limit),
        )  # fmt: skip
    if command == "backup":  # the copy is what the full disk refuses (in SQLite's words, EIO)
        refused_cleanly(result, "the disk reported an error writing in", practice.out / "backup.db")
    else:
        refused_cleanly(result, REASONS["disk_full"], practice.database)
    nothing_lost_nothing_half_done(practice, before)


def test_encrypting_on_a_full_disk_keeps_the_plain_database_whole(practice):
    before = table_counts(practice.database)
    # no reader pins the log here: encrypting needs the database to itself
    result = run_hecht(
        practice.environment, "db", "encrypt", "--db", str(practice.database),
        preexec_fn=with_file_size_limit(64 * 1024),
    )  # fmt: skip
    refused_cleanly(result, "was not encrypted", practice.database)
    nothing_lost_nothing_half_done(practice, before)
    assert not list(practice.database.parent.glob(".*encrypting*"))


def read_only(what: Path) -> None:
    """Make the database file (or its folder) read-only for its owner, who runs ``hecht``."""
    what.chmod(0o500 if what.is_dir() else 0o400)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_database_file_is_refused_naming_it_with_exit_2(practice, command):
    before = table_counts(practice.database)
    read_only(practice.database)
    result = run_hecht(
        practice.environment, *COMMANDS[command](practice), "--db", str(practice.database),
        preexec_fn=permissions_apply,
    )  # fmt: skip
    # encrypting words the copy it could not make: "not encrypted (… readonly database)"
    reason = "was not encrypted" if command == "db encrypt" else REASONS["read_only"]
    refused_cleanly(result, reason, practice.database)
    practice.database.chmod(0o600)
    nothing_lost_nothing_half_done(practice, before)


@pytest.fixture
def in_process(practice, monkeypatch, capsys):
    """Run ``hecht`` in this process, in the practice's environment and with the short wait for
    a held database that ``run_hecht`` gives; (exit code, out, err)."""
    for name, value in practice.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(BUSY_TIMEOUT_OVERRIDE, str(SHORT_WAIT_MS))

    def run(*argv: str):
        from hecht.schema.db.cipher import forget_keys

        forget_keys()
        code = main([*argv, "--db", str(practice.database)])
        out, err = capsys.readouterr()
        return type("Result", (), {"returncode": code, "stdout": out, "stderr": err})

    return run


@pytest.mark.parametrize("kind", ["IMMEDIATE", "EXCLUSIVE"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_database_held_by_another_program_is_refused_naming_it_with_exit_2(
    practice, in_process, command, kind
):
    before = table_counts(practice.database)
    with held_database(practice.database, kind):
        result = in_process(*COMMANDS[command](practice))
    refused_cleanly(result, REASONS["locked"], practice.database)
    nothing_lost_nothing_half_done(practice, before)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "db encrypt"])
def test_an_io_error_at_commit_is_refused_and_nothing_of_the_command_is_kept(
    practice, in_process, command
):
    before = table_counts(practice.database)
    with failing_commits() as failing:
        failing.on = True
        result = in_process(*COMMANDS[command](practice))
    assert failing.failed >= 1
    refused_cleanly(result, REASONS["io"], practice.database)
    nothing_lost_nothing_half_done(practice, before)


def test_importing_into_a_database_held_by_another_program_is_refused(practice):
    source = export_file(practice)
    target = practice.folder / "data" / "new.db"
    build_practice(f"sqlite:///{target}", [])
    with held_database(target):
        result = run_hecht(practice.environment, "import", str(source), "--db", str(target))
    refused_cleanly(result, REASONS["locked"], target)


def test_importing_onto_a_full_disk_is_refused_and_leaves_the_target_empty(practice):
    source = export_file(practice)
    target = practice.folder / "data" / "new.db"
    build_practice(f"sqlite:///{target}", [])
    with grown_wal(target) as limit:
        before = table_counts(target)
        result = run_hecht(
            practice.environment, "import", str(source), "--db", str(target),
            preexec_fn=with_file_size_limit(limit),
        )  # fmt: skip
    refused_cleanly(result, REASONS["disk_full"], target)
    assert table_counts(target) == before


def test_importing_into_a_new_file_on_a_full_disk_is_refused_and_can_be_run_again(practice):
    source = export_file(practice)
    target = practice.folder / "data" / "new.db"  # created, and its schema made, by the import
    result = run_hecht(
        practice.environment, "import", str(source), "--db", str(target),
        preexec_fn=with_file_size_limit(40 * 1024),
    )  # fmt: skip
    refused_cleanly(result, REASONS["disk_full"], target)
    again = run_hecht(practice.environment, "import", str(source), "--db", str(target))
    assert again.returncode == 0, again.stderr
    assert table_counts(target)["client"] == 1


def test_importing_into_a_read_only_file_is_refused_naming_it(practice):
    source = export_file(practice)
    target = practice.folder / "data" / "new.db"
    build_practice(f"sqlite:///{target}", [])
    read_only(target)
    result = run_hecht(
        practice.environment, "import", str(source), "--db", str(target),
        preexec_fn=permissions_apply,
    )  # fmt: skip
    refused_cleanly(result, REASONS["read_only"], target)


def test_an_io_error_at_the_commit_of_an_import_leaves_the_target_empty(practice, monkeypatch):
    source = export_file(practice)
    target = practice.folder / "data" / "new.db"
    build_practice(f"sqlite:///{target}", [])
    before = table_counts(target)
    for name, value in practice.environment.items():
        monkeypatch.setenv(name, value)
    with failing_commits() as failing:
        failing.on = True
        code = main(["import", str(source), "--db", str(target)])
    assert code == 2 and failing.failed == 1
    assert table_counts(target) == before


def test_the_short_wait_for_a_held_database_comes_from_the_environment(monkeypatch):
    from hecht.schema.db.engine import BUSY_TIMEOUT_MS, busy_timeout_ms

    monkeypatch.delenv(BUSY_TIMEOUT_OVERRIDE, raising=False)
    assert busy_timeout_ms() == BUSY_TIMEOUT_MS
    monkeypatch.setenv(BUSY_TIMEOUT_OVERRIDE, "250")
    assert busy_timeout_ms() == 250


class Scripted:
    """Answers ``hecht enter``'s prompts from a script; a step may be a function (a fault that
    arrives while the practitioner is reading the question), called before it is answered."""

    def __init__(self, steps: list) -> None:
        self.steps = list(steps)
        self.said: list[str] = []

    def _next(self, *_):
        step = self.steps.pop(0)
        while callable(step):
            step()
            step = self.steps.pop(0)
        return step

    select = checkbox = text = confirm = password = _next

    def say(self, message: str) -> None:
        self.said.append(message)


def drafts_and_scores(database: Path) -> tuple[list[tuple[str, int]], int]:
    """The stored drafts (scale, answers) and the number of completed administrations."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        drafts = connection.execute(
            "SELECT a.scale_id, count(r.id) FROM administration a LEFT JOIN itemresponse r "
            "ON r.administration_id = a.id WHERE a.status = 'draft' GROUP BY a.id"
        ).fetchall()
        completed = connection.execute(
            "SELECT count(*) FROM administration WHERE status = 'complete'"
        ).fetchone()[0]
    return drafts, completed


@pytest.fixture
def enter(practice, monkeypatch, capsys):
    """Run ``hecht enter ALPHA who5`` in this process with scripted prompts; (code, err)."""
    for name, value in practice.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(BUSY_TIMEOUT_OVERRIDE, "300")

    def run(script: Scripted):
        monkeypatch.setattr("hecht.tui.cli.commands.enter.QuestionaryPrompter", lambda *_: script)
        code = main(["enter", "ALPHA", "who5", "--db", str(practice.database)])
        return code, capsys.readouterr().err

    return run


def test_enter_meeting_a_held_database_keeps_the_answers_stored_and_says_how_to_go_on(
    practice, enter
):
    with contextlib.ExitStack() as later:
        hold = lambda: later.enter_context(held_database(practice.database))  # noqa: E731
        code, err = enter(Scripted(["3", "4", hold, "2"]))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert REASONS["locked"] in err and "hecht enter ALPHA who5" in err
    assert drafts_and_scores(practice.database) == ([("who5", 2)], 0)


def test_enter_meeting_an_io_error_at_the_first_answer_stores_no_empty_draft(practice, enter):
    with failing_commits() as failing:
        code, err = enter(Scripted([lambda: setattr(failing, "on", True), "3"]))
    assert code == 2 and REASONS["io"] in err and "Nothing was stored for who5" in err
    assert drafts_and_scores(practice.database) == ([], 0)


def test_enter_meeting_an_io_error_at_completion_keeps_every_answer_in_the_draft(practice, enter):
    with failing_commits() as failing:
        fail = lambda: setattr(failing, "on", True)  # noqa: E731
        code, err = enter(Scripted(["3", "4", "2", "1", "5", fail, True]))
    assert failing.failed >= 1
    assert code == 2 and REASONS["io"] in err and "kept in a draft" in err
    assert drafts_and_scores(practice.database) == ([("who5", 5)], 0)
    code, _ = enter(Scripted([True, True]))  # resumed: completed
    assert code == 0 and drafts_and_scores(practice.database) == ([], 1)


def test_enter_on_a_read_only_database_is_refused_before_any_question(practice):
    read_only(practice.database)
    result = run_hecht(
        practice.environment, "enter", "ALPHA", "who5", "--db", str(practice.database),
        preexec_fn=permissions_apply,
    )  # fmt: skip
    refused_cleanly(result, REASONS["read_only"], practice.database)


def test_a_restore_whose_log_entry_is_refused_says_the_database_was_restored(practice, in_process):
    backup = practice.folder / "backup.db"
    made = run_hecht(practice.environment, "backup", str(backup), "--db", str(practice.database))
    assert made.returncode == 0, made.stderr
    with failing_commits() as failing:
        failing.on = True
        result = in_process("restore", str(backup), "--yes")
    assert failing.failed >= 1 and result.returncode == 2
    assert "was restored and verified" in result.stderr and REASONS["io"] in result.stderr
    assert "Nothing of this command was stored" not in result.stderr


@pytest.mark.skipif(POSTGRES_URL is None, reason="HECHT_TEST_POSTGRES_URL is not set")
def test_a_shared_database_whose_lock_another_workstation_holds_is_refused_not_waited_for(
    practice, monkeypatch, capsys
):
    import psycopg

    from hecht.schema.trail.chain import CHAIN_LOCK

    reset_postgres(POSTGRES_URL)
    build_practice(POSTGRES_URL, ["ALPHA"], {"ALPHA": NAME})
    for name, value in practice.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(BUSY_TIMEOUT_OVERRIDE, "300")
    codes: list[int] = []
    monkeypatch.setenv("HECHT_DB", POSTGRES_URL)  # a password is refused in --db
    export = ["export", "--out", str(practice.out / "e.json")]
    command = threading.Thread(target=lambda: codes.append(main(export)), daemon=True)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as workstation:
        workstation.execute("SELECT pg_advisory_lock(%s)", [CHAIN_LOCK])  # mid-way a write
        command.start()
        command.join(timeout=60)
    command.join(timeout=60)  # a command that waited for the lock ends once it is let go
    assert codes and command.ident, "the command waited for the lock instead of refusing"
    code, err = codes[0], capsys.readouterr().err
    assert code == 2 and REASONS["locked"] in err and "Traceback" not in err, err
    assert "hecht:" in err and "***" in err  # the database named, its password not
    assert list(practice.out.iterdir()) == []


def test_a_storage_fault_no_command_words_itself_is_still_named_with_exit_2(
    practice, monkeypatch, capsys
):
    for name, value in practice.environment.items():
        monkeypatch.setenv(name, value)

    def refused(*_, **__):
        raise driver_error("disk_full")

    # a fault where no command expects one: listing the caseload (its access is logged)
    monkeypatch.setattr("hecht.tui.cli.invocation.open_engine", refused)
    code = main(["caseload", "--db", str(practice.database)])
    err = capsys.readouterr().err
    assert code == 2 and "unexpected" not in err and "disk is full" in err, err
