"""``hecht db …`` and ``hecht audit …`` on a real SQLite file."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database
from hecht.schema.exchange.fhir.terms import PracticeUris
from hecht.schema.identity import practice_uuid
from hecht.schema.trail.details import FORMATS, detail_of, read_detail
from hecht.tui.cli.main import main
from hecht.tui.i18n import Messages
from hecht.tui.views.audit_text import ACCESS_KINDS, access_text, detail_text
from hecht.tui.workstation import os_user
from tests.schema.conftest import Practice

from .conftest import run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Destroying, exporting and importing are refused unless the practitioner is named."""


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "practice.db"
    actor = Actor(user_id=None, access_point="test")
    with Practice.at(f"sqlite:///{path}", actor, load_library(None)) as practice:
        practice.administer(practice.client("A1", name="Anna"), "who5", "3,3,3,3,3")
    return str(path)


def test_db_upgrade_of_a_current_schema_says_nothing_was_changed(capsys, db):
    """It said "schema upgraded to 0012" when there was nothing to upgrade."""
    code, out, _ = run(capsys, "--lang", "en", "--db", db, "db", "upgrade")
    assert code == 0 and "the schema is current already" in out and "nothing was changed" in out
    assert "upgraded" not in out


def test_db_status_reports_a_current_schema_and_the_practices_client_code_system(capsys, db):
    code, out, _ = run(capsys, "--db", db, "db", "status", "--json")
    assert code == 0
    status = json.loads(out)
    assert status["state"] == "current"
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as session:
        system = PracticeUris(practice_uuid(session)).client_system  # what an export names
    engine.dispose()
    assert status["fhir_client_system"] == system and system.startswith("urn:uuid:")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert f"FHIR client codes: in this practice's own system {system}" in out


def test_rescore_recomputes_every_score_and_finds_nothing_changed(capsys, db):
    code, out, _ = run(capsys, "--db", db, "db", "rescore", "--json")
    assert (code, json.loads(out)) == (0, {"rescored": 1, "changed": 0, "unknown_scales": []})


def test_rescore_repairs_a_score_changed_by_hand(capsys, db):
    engine = open_database(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE score SET total = 99"))
    engine.dispose()
    _, out, _ = run(capsys, "--db", db, "db", "rescore", "--json")
    assert json.loads(out)["changed"] == 1
    engine = open_database(f"sqlite:///{db}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT total FROM score")).scalar() == 60
    engine.dispose()


def test_audit_verify_passes_on_an_intact_log_and_fails_with_exit_2_on_a_changed_row(capsys, db):
    code, out, _ = run(capsys, "--db", db, "audit", "verify")
    assert code == 0
    assert "the audit log is intact" in out
    engine = open_database(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER auditevent_no_update"))
        connection.execute(text("UPDATE auditevent SET event = 'read' WHERE seq = 1"))
    engine.dispose()
    code, out, _ = run(capsys, "--db", db, "audit", "verify")
    assert code == 2
    assert "AUDIT LOG BROKEN: event 1 was changed after it was written" in out


def test_a_clients_access_log_lists_each_access_and_logs_its_own_printing(capsys, db):
    code, out, _ = run(capsys, "--db", db, "audit", "log", "A1", "--json")
    events = [entry["event"] for entry in json.loads(out)]
    assert code == 0
    assert events[0] == "create"
    assert events[-1] == "print"
    assert "Anna" not in out


@pytest.fixture
def busy_db(db) -> str:
    """The practice of ``db``, with A1's details changed and a draft answered, then discarded:
    events whose detail says more than a record kind."""
    from hecht.schema.inputs import ClientChanges, GivenAnswer
    from hecht.schema.services.clients import change_client
    from hecht.schema.services.drafts import discard_draft, store_answers

    actor = Actor(user_id=None, access_point="test")
    with Practice.at(f"sqlite:///{db}", actor, load_library(None)) as practice:
        session = practice.session
        change_client(session=session, actor=actor, code="A1", changes=ClientChanges(name="Bea"))
        draft = practice.draft("A1", "who5", {"1": "2"})
        store_answers(
            **practice.context, answers=[GivenAnswer("2", "1"), GivenAnswer("3", "1")],
            administration_id=draft.id,
        )  # fmt: skip
        discard_draft(session=session, actor=actor, administration_id=draft.id, reason="x")
    return db


def test_a_clients_access_log_is_said_in_dutch_and_its_stored_details_stay_as_written(
    capsys, busy_db, tmp_path
):
    assert main(["--db", busy_db, "export", "--format", "csv", "--out", str(tmp_path / "s")]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "--lang", "nl", "--db", busy_db, "audit", "log", "A1")
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]  # columns padded alike
    for said in (
        "aanmaak gelukt gebruiker — test cliëntgegevens",
        "wijziging gelukt gebruiker — test cliëntgegevens: naam",
        "wijziging gelukt gebruiker — test afname 2 (who5): items 2, 3 beantwoord",
        "wijziging gelukt gebruiker — test afname 2 (who5): concept weggegooid",
        "wijziging gelukt gebruiker — test afname 1 (who5)",
        "export gelukt gebruiker Test Practitioner",
        "afdruk gelukt gebruiker Test Practitioner",
    ):
        assert any(said in line for line in lines), (said, lines)
    assert lines[-1].endswith("toegangslogboek") and "csv: herleidbaar" in out
    # where each access came from: the part of Hecht in words, the user and host as stored
    who = f"{os_user()}@{socket.gethostname()}"
    assert f"export gelukt gebruiker Test Practitioner opdrachtregel ({who})" in " ".join(lines)
    assert "cli:" not in out
    for english in ("create", "change", "success", "client", "answered", "administration",
                    "discarded", "identified", "access log"):  # fmt: skip
        assert english not in out, (english, out)
    assert "Anna" not in out and "Bea" not in out  # which fields changed, never their values
    with sqlite3.connect(busy_db) as connection:
        stored = {detail for (detail,) in connection.execute("SELECT detail FROM auditevent")}
    assert {"client: name", "administration 2 (who5): answered items 2, 3",
            "administration 2 (who5): draft discarded", "csv: identified",
            "access log"} <= stored  # fmt: skip


SAMPLE = {"fields": "name, role", "items": "1, 2a", "reason": "answer_changed", "scale": "who5",
          "role": "hecht_mira", "seals": "12:" + "0" * 64}  # fmt: skip
"""A value for each placeholder of the details; ids and counts are 12."""


@pytest.mark.parametrize("kind", FORMATS)
def test_every_detail_hecht_writes_reads_back_as_its_kind_and_is_said_in_both_languages(kind):
    names = re.findall(r"\{(\w+)\}", FORMATS[kind])
    written = detail_of(kind, **{name: SAMPLE.get(name, 12) for name in names})
    assert read_detail(written) == (kind, {name: str(SAMPLE.get(name, 12)) for name in names})
    assert detail_text(written, Messages("en")) and detail_text(written, Messages("nl"))


@pytest.mark.parametrize(
    ("stored", "en", "nl"),
    [
        ("cli:anna@laptop", "command line (anna@laptop)", "opdrachtregel (anna@laptop)"),
        ("tui:anna@laptop", "screens (anna@laptop)", "schermen (anna@laptop)"),
        ("demo:generator", "demo practice (generator)", "demopraktijk (generator)"),
        ("test", "test", "test"),
        ("fhir:x@y", "fhir:x@y", "fhir:x@y"),
    ],
)
def test_where_an_access_came_from_is_said_in_words_and_an_unknown_one_as_stored(stored, en, nl):
    assert access_text(stored, Messages("en")) == en
    assert access_text(stored, Messages("nl")) == nl


def test_every_part_of_hecht_that_records_accesses_is_named_in_words():
    from hecht.schema.demo.content import ACCESS_POINT

    root = Path(__file__).resolve().parents[2]
    sources = "".join(path.read_text() for path in (root / "tui").rglob("*.py"))
    kinds = set(re.findall(r'access_point\("(\w+)"\)', sources))  # the CLI's and the screens'
    assert kinds == {"cli", "tui"}
    assert {*kinds, ACCESS_POINT.partition(":")[0]} == set(ACCESS_KINDS)


def test_a_detail_of_no_known_form_is_shown_as_stored():
    assert detail_text("something older", Messages("nl")) == "something older"


def test_an_unknown_client_gets_one_line_and_exit_2(capsys, db):
    code, out, err = run(capsys, "--db", db, "audit", "log", "ZZ")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "hecht: there is no client with code “ZZ”; `hecht caseload` lists the clients in care"
    )


def test_a_file_that_is_not_a_database_gets_a_clear_message(capsys, tmp_path):
    bad = tmp_path / "photo.db"
    bad.write_bytes(b"\x89PNG" + bytes(2000))
    code, _, err = run(capsys, "--db", str(bad), "audit", "verify")
    assert code == 2
    assert "cannot open the database" in err
    assert "Traceback" not in err


def test_backup_export_and_import_from_the_command_line(capsys, db, tmp_path):
    code, out, _ = run(capsys, "--db", db, "backup", str(tmp_path / "copy.db"))
    assert code == 0 and "verified" in out
    code, _, err = run(capsys, "--db", db, "backup", str(tmp_path / "copy.db"))
    assert code == 2 and "already exists" in err
    code, out, _ = run(
        capsys, "--db", db, "export", "--format", "json", "--out", str(tmp_path / "all.json")
    )
    assert code == 0
    fresh = str(tmp_path / "fresh.db")
    code, out, _ = run(capsys, "--db", fresh, "import", str(tmp_path / "all.json"))
    assert code == 0 and "imported" in out
    code, _, err = run(capsys, "--db", fresh, "import", str(tmp_path / "all.json"))
    assert code == 2 and "the database is not empty" in err


def test_export_to_a_missing_folder_is_refused(capsys, db, tmp_path):
    code, _, err = run(capsys, "--db", db, "export", "--out", str(tmp_path / "nope" / "x.json"))
    assert code == 2 and f"the folder {tmp_path / 'nope'} does not exist" in err


def test_destroy_needs_the_code_typed_again(capsys, db):
    code, _, err = run(capsys, "--db", db, "client", "destroy", "A1", "--confirm", "A2")
    assert code == 2 and "nothing was destroyed" in err
    code, out, _ = run(capsys, "--db", db, "client", "destroy", "A1", "--confirm", "A1")
    assert code == 0 and "dossier of A1 destroyed: 1 administration, 0 visits and 0 episodes" in out


def test_a_client_is_destroyed_by_their_code_typed_in_any_case(capsys, db):
    code, out, _ = run(capsys, "--db", db, "client", "destroy", "a1", "--confirm", "A1")
    assert code == 0 and "dossier of A1 destroyed" in out  # named as registered


def test_the_demo_never_goes_into_the_real_database(capsys, monkeypatch, tmp_path):
    real = tmp_path / "real.db"
    monkeypatch.setenv("HECHT_DB", str(real))
    code, _, err = run(capsys, "demo", "--db", str(real))
    assert code == 2 and "never goes into your real database" in err
    assert not real.exists()


def test_the_demo_refuses_a_database_that_holds_clients(capsys, db):
    code, _, err = run(capsys, "demo", "--db", db)
    assert code == 2 and "already holds clients" in err


def test_the_demo_fills_its_own_database(capsys, monkeypatch, tmp_path):
    import hecht.schema.demo.build as demo

    original = demo.build_demo_practice
    monkeypatch.setattr(
        demo, "build_demo_practice", lambda **kwargs: original(**kwargs, episode_count=6)
    )
    monkeypatch.setattr("platformdirs.user_data_path", lambda app: tmp_path / app)
    code, out, _ = run(capsys, "demo", "--seed", "3")
    assert code == 0
    assert "demo practice built in sqlite:///" in out and "hecht-demo.db" in out
    assert "6 episodes" in out
    code, out, _ = run(capsys, "--db", str(tmp_path / "hecht" / "hecht-demo.db"), "audit", "verify")
    assert code == 0 and "the audit log is intact" in out


def test_a_postgresql_url_without_the_extra_says_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `hecht[postgres]` was not installed
    code, out, err = run(capsys, "--db", "postgresql://hecht@127.0.0.1/practice", "db", "status")
    assert code == 2
    assert 'pip install "hecht[postgres]"' in err
    assert "Traceback" not in err + out


def test_a_practitioners_name_in_the_access_log_is_shown_as_text_not_obeyed(capsys, db):
    """The name comes from a settings file, where TOML's ``\\u001b`` writes an escape."""
    from hecht.tui.config import Config, save_config

    save_config(Config(practitioner="Eve\x1b[2J"))
    code, out, _ = run(capsys, "--db", db, "audit", "log", "A1")
    assert code == 0 and "\x1b" not in out
    assert "Eve\\x1b[2J" in out.splitlines()[-1]  # the printing of the log itself, by her
