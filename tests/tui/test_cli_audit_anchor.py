"""``hecht audit verify`` end to end: the head to keep, the head file, --head, and exit 2 on any
finding (an event removed, a trigger dropped, an answer changed outside Hecht)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database
from hecht.schema.services import clients
from tests.schema.conftest import POSTGRES_URL, Practice, reset_postgres, worker_database

from .conftest import run


def fill(url: str) -> None:
    """One client with a completed WHO-5, then a few reads of the dossier."""
    actor = Actor(user_id=None, access_point="test")
    with Practice.at(url, actor, load_library(None)) as practice:
        practice.administer(practice.client("A1", name="Anna"), "who5", "3,3,3,3,3")
    for _ in range(3):  # each read a unit of work of its own
        with Practice.at(url, actor) as practice:
            clients.get_client(session=practice.session, actor=actor, code="A1")


@pytest.fixture
def db(tmp_path, practice_copy) -> str:
    return str(practice_copy(tmp_path, fill))


def printed_head(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("head to keep")).split()[-1]


def test_an_intact_log_exits_0_and_prints_the_head_to_keep_and_where_it_is_kept(capsys, db):
    code, out, err = run(capsys, "--db", db, "audit", "verify")
    assert (code, err) == (0, "")
    assert "the audit log is intact" in out
    head = printed_head(out)
    assert head.startswith(f"{out.split('intact: ')[1].split()[0]}:")
    assert f"{db}.audit-head" in out
    code, out, _ = run(capsys, "--db", db, "audit", "verify", "--head", head)
    assert code == 0


def test_removing_the_last_events_exits_2_and_says_the_log_was_cut_short(capsys, db):
    code, out, _ = run(capsys, "--db", db, "audit", "verify")
    head = printed_head(out)
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TRIGGER auditevent_no_delete")
        connection.execute(
            "DELETE FROM auditevent WHERE seq > (SELECT MAX(seq) - 2 FROM auditevent)"
        )
    connection.close()
    code, out, err = run(capsys, "--db", db, "audit", "verify", "--head", head)
    assert code == 2 and "Traceback" not in err
    assert "events were removed from the end of the log" in out
    assert "auditevent_no_delete" in out and "is missing" in out
    assert out.count("AUDIT LOG BROKEN") == 3  # the head file, the kept head, the trigger


def test_an_answer_changed_with_sqlite3_exits_2_and_names_the_answer(capsys, db):
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE itemresponse SET code = 5, score = 5 WHERE item_id = '2'")
    connection.close()
    code, out, _ = run(capsys, "--db", db, "audit", "verify")
    assert code == 2
    assert "AUDIT LOG BROKEN: answer 2 was changed outside Hecht" in out
    assert "(in the dossier of A1)" in out  # by code: the log never holds a name


def test_the_json_report_carries_the_head_and_each_finding(capsys, db):
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE score SET total = 99")
    connection.close()
    code, out, _ = run(capsys, "--db", db, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 2 and report["intact"] is False
    assert report["findings"] == [
        {"finding": "row_changed", "kind": "score", "id": 1, "client": "A1"}
    ]
    assert report["head"].startswith(f"{report['events']}:{report['head_hash']}/")
    assert report["head_file"] == f"{db}.audit-head"


def test_a_head_that_is_not_one_gets_a_clear_message_and_exit_2(capsys, db):
    code, out, err = run(capsys, "--db", db, "audit", "verify", "--head", "12:nothex")
    assert code == 2 and out == ""
    assert "12:nothex is not a head" in err and "Traceback" not in err


def test_verify_speaks_dutch(capsys, db):
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE itemresponse SET code = 5, score = 5 WHERE item_id = '2'")
    connection.close()
    code, out, _ = run(capsys, "--lang", "nl", "--db", db, "audit", "verify")
    assert code == 2
    assert "antwoord 2 is buiten Hecht gewijzigd" in out
    assert "te bewaren kop" in out


def test_on_postgresql_verify_keeps_no_file_and_checks_the_head_the_practice_kept(
    capsys, monkeypatch
):
    if not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    url = worker_database(POSTGRES_URL)
    reset_postgres(url)
    fill(url)
    monkeypatch.setenv("HECHT_DB", url)  # a password is never given with --db (process list)
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "keeps no head file" in out
    head = printed_head(out)
    engine = open_database(url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE auditevent DISABLE TRIGGER USER"))
        connection.execute(
            text("DELETE FROM auditevent WHERE seq = (SELECT MAX(seq) FROM auditevent)")
        )
        connection.execute(text("ALTER TABLE auditevent ENABLE TRIGGER USER"))
    engine.dispose()
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0  # without the kept head, a cut at the end cannot be seen
    code, out, _ = run(capsys, "audit", "verify", "--head", head)
    assert code == 2 and "events were removed from the end of the log" in out


LOGGED_COMMANDS = [
    ["client", "destroy", "A1", "--confirm", "A1"],
    ["client", "share", "A1", "hecht_ann"],
    ["export", "--format", "json", "--out", "{tmp}/out.json"],
    ["export", "--format", "csv", "--out", "{tmp}/csv"],
    ["export", "--format", "fhir", "--out", "{tmp}/fhir"],
    ["backup", "{tmp}/backup.db"],
    ["restore", "{tmp}/backup.db", "--yes"],
    ["report", "supervision"],
    ["report", "client", "A1"],
    ["report", "outcomes"],
    ["caseload"],
    ["audit", "log", "A1"],
    ["db", "rescore"],
]
"""Every command that reads or changes dossiers, each logged in the access log."""


@pytest.mark.parametrize("command", LOGGED_COMMANDS, ids=" ".join)
def test_every_logged_command_without_a_named_practitioner_and_no_terminal_is_refused(
    capsys, db, tmp_path, command
):
    """The access log names the practitioner, not only the workstation's user: without a
    terminal to ask the name in (a script, a pipe), the command says where to add it."""
    before = audit_rows(db)
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2 and "no practitioner is named" in err and "config.toml" in err
    assert audit_rows(db) == before  # refused before the database was opened


def test_a_dry_run_of_a_paper_import_stores_and_logs_nothing_so_it_needs_no_name(
    capsys, db, tmp_path
):
    paper = tmp_path / "paper.csv"
    row = 'A1,who5,2026-11-01,"3,3,3,3,3"'
    paper.write_text(f"client_code,scale,observed_on,answers\n{row}\n", encoding="utf-8")
    before = audit_rows(db)
    code, out, err = run(capsys, "--db", db, "import-csv", str(paper), "--dry-run")
    assert code == 0, err
    assert audit_rows(db) == before
    code, _, err = run(capsys, "--db", db, "import-csv", str(paper))  # storing it does need one
    assert code == 2 and "no practitioner is named" in err


def test_every_access_a_command_logs_names_the_practitioner_and_the_os_user(
    capsys, db, tmp_path, named_practitioner
):
    from hecht.tui.workstation import os_user

    def logged_since(first: int) -> list[tuple[str, str | None, str]]:
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "SELECT a.event, p.name, a.access_point FROM auditevent a "
                "LEFT JOIN practitioner p ON p.id = a.user_id WHERE a.seq > ? ORDER BY a.seq",
                (first,),
            ).fetchall()
        connection.close()
        return rows

    first = last_event(db)
    for command in LOGGED_COMMANDS:  # destroying last; SQLite has no roles to share with
        if command[0] not in ("client", "restore"):
            argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
            assert run(capsys, "--db", db, *argv)[0] == 0, argv
    assert run(capsys, "--db", db, "client", "destroy", "A1", "--confirm", "A1")[0] == 0
    rows = logged_since(first)
    assert {"export", "print", "destroy"} <= {event for event, _, _ in rows}
    assert run(capsys, "--db", db, "restore", str(tmp_path / "backup.db"), "--yes")[0] == 0
    restored = logged_since(last_event(db) - 1)
    assert [event for event, _, _ in restored] == ["import"]
    for _, name, point in rows + restored:
        assert name == named_practitioner and point.startswith(f"cli:{os_user()}@")


def last_event(db: str) -> int:
    with sqlite3.connect(db) as connection:
        (last,) = connection.execute("SELECT MAX(seq) FROM auditevent").fetchone()
    connection.close()
    return last


def audit_rows(db: str) -> int:
    with sqlite3.connect(db) as connection:
        count = connection.execute("SELECT COUNT(*) FROM auditevent").fetchone()[0]
    connection.close()
    return count


def test_an_import_is_logged_under_the_practitioner_and_the_new_database_verifies(
    capsys, db, tmp_path, named_practitioner
):
    export = tmp_path / "practice.json"
    assert run(capsys, "--db", db, "export", "--format", "json", "--out", str(export))[0] == 0
    new = tmp_path / "new.db"
    assert run(capsys, "--db", str(new), "import", str(export))[0] == 0
    with sqlite3.connect(new) as connection:
        (name,) = connection.execute(
            "SELECT p.name FROM auditevent a JOIN practitioner p ON p.id = a.user_id "
            "WHERE a.event = 'import'"
        ).fetchone()
    connection.close()
    assert name == named_practitioner
    code, out, _ = run(capsys, "--db", str(new), "audit", "verify")
    assert code == 0, out  # the seals came along with the rows they seal


def test_importing_answers_without_a_named_practitioner_is_refused(capsys, db, tmp_path):
    paper = tmp_path / "paper.csv"
    paper.write_text("client_code,scale_id,observed_on,answers\n", encoding="utf-8")
    responses = tmp_path / "responses.json"
    responses.write_text("{}", encoding="utf-8")
    for argv in (["import-csv", str(paper)], ["import", "--format", "fhir", str(responses)]):
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 2 and "no practitioner is named" in err, argv
