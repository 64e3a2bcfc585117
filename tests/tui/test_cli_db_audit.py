"""``hecht db …`` and ``hecht audit …`` on a real SQLite file."""

from __future__ import annotations

import json
import sys

import pytest
from sqlalchemy import text
from sqlmodel import Session

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.exchange.fhir.terms import PracticeUris
from hecht.schema.identity import practice_uuid
from hecht.tui.cli.main import main
from tests.schema.conftest import Practice

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Destroying, exporting and importing are refused unless the practitioner is named."""


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    actor = Actor(user_id=None, access_point="test")
    library = load_library(None)
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.administer(practice.client("A1", name="Anna"), "who5", "3,3,3,3,3")
    engine.dispose()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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
