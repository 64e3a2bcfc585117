"""``hecht db caseloads|grant`` and ``hecht client share|unshare`` on a shared PostgreSQL
database, as the practice's administrator and as a practitioner would type them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.tui.cli.main import main
from tests.schema.conftest import POSTGRES_URL, Practice
from tests.schema.shared_practice import SharedPractice, shared_practice

ACTOR = Actor(user_id=None, access_point="test")


def run(capsys, monkeypatch, url: str, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("HECHT_DB", url)  # a password is never given with --db (process list)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_caseloads_on_a_sqlite_file_are_refused_with_what_protects_it_instead(capsys, tmp_path):
    database = str(tmp_path / "hecht.db")
    open_database(f"sqlite:///{database}").dispose()
    for language, words in (("en", "an SQLite file is one practitioner's"), ("nl", "van één")):
        code = main(["--lang", language, "--db", database, "db", "caseloads", "on"])
        assert code == 2 and words in capsys.readouterr().err


@pytest.fixture
def shared() -> Iterator[SharedPractice]:
    if not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    library = load_library(None)
    with shared_practice() as practice:
        for engine, code in ((practice.anna, "A1"), (practice.bram, "B1")):
            with unit_of_work(engine) as session:
                Practice(session, ACTOR, library).client(code)
        yield practice


def caseload_codes(capsys, monkeypatch, url: str) -> list[str]:
    code, out, _ = run(capsys, monkeypatch, url, "caseload", "--json")
    assert code == 0
    return sorted(row["code"] for row in json.loads(out))


def test_the_administrator_turns_caseloads_on_and_each_practitioner_sees_their_own(
    capsys, monkeypatch, shared, named_practitioner
):
    admin, anna = shared.urls["administrator"], shared.urls["anna"]
    assert caseload_codes(capsys, monkeypatch, anna) == ["A1", "B1"]
    code, out, _ = run(capsys, monkeypatch, admin, "db", "caseloads", "on")
    assert code == 0 and "caseloads: on" in out
    assert caseload_codes(capsys, monkeypatch, anna) == ["A1"]
    assert caseload_codes(capsys, monkeypatch, shared.urls["bram"]) == ["B1"]
    assert caseload_codes(capsys, monkeypatch, admin) == ["A1", "B1"]

    code, out, _ = run(capsys, monkeypatch, anna, "db", "status")
    assert code == 0 and f"connected as {shared.roles['anna']}" in out
    code, out, _ = run(capsys, monkeypatch, admin, "db", "status", "--json")
    assert json.loads(out)["caseloads"]["on"] is True

    code, out, _ = run(capsys, monkeypatch, admin, "client", "share", "B1", shared.roles["anna"])
    assert code == 0 and f"B1: created by {shared.roles['bram']}" in out
    assert caseload_codes(capsys, monkeypatch, anna) == ["A1", "B1"]
    code, out, _ = run(capsys, monkeypatch, admin, "client", "unshare", "B1", shared.roles["anna"])
    assert code == 0 and "no longer shared" in out
    assert caseload_codes(capsys, monkeypatch, anna) == ["A1"]

    code, out, _ = run(capsys, monkeypatch, admin, "db", "caseloads", "off")
    assert code == 0 and "caseloads: off" in out
    assert caseload_codes(capsys, monkeypatch, anna) == ["A1", "B1"]


def test_a_practitioner_may_not_administer_verify_export_or_destroy_for_the_practice(
    capsys, monkeypatch, shared, named_practitioner, tmp_path
):
    admin, anna = shared.urls["administrator"], shared.urls["anna"]
    assert run(capsys, monkeypatch, admin, "db", "caseloads", "on")[0] == 0
    for argv in (
        ("db", "caseloads", "off"),
        ("client", "share", "A1", shared.roles["bram"]),
        ("db", "grant", shared.roles["bram"]),
    ):
        code, _, err = run(capsys, monkeypatch, anna, *argv)
        assert code == 2 and "only the practice's administrator" in err, argv
        assert "Traceback" not in err
    for argv in (
        ("audit", "verify"),
        ("export", "--out", str(tmp_path / "practice.json")),
        ("client", "destroy", "A1", "--confirm", "A1"),
    ):
        code, _, err = run(capsys, monkeypatch, anna, *argv)
        assert code == 2 and "ask the practice's administrator" in err, argv
    assert not (tmp_path / "practice.json").exists()
    code, out, _ = run(capsys, monkeypatch, admin, "audit", "verify")
    assert code == 0, out
    assert caseload_codes(capsys, monkeypatch, shared.urls["bram"]) == ["B1"]


def test_granting_or_sharing_with_a_role_that_does_not_exist_says_how_to_make_it(
    capsys, monkeypatch, shared, named_practitioner
):
    admin = shared.urls["administrator"]
    for argv in (("db", "grant", "nobody_here"), ("client", "share", "A1", "nobody_here")):
        code, _, err = run(capsys, monkeypatch, admin, *argv)
        assert code == 2 and "there is no database role nobody_here" in err, argv
        assert "CREATE ROLE nobody_here LOGIN" in err
    code, out, _ = run(capsys, monkeypatch, admin, "db", "grant", shared.roles["bram"])
    assert code == 0 and "may now use this database as a practitioner" in out


def test_a_practitioners_outcomes_report_says_it_covers_only_their_caseload(
    capsys, monkeypatch, shared, named_practitioner
):
    admin, bram = shared.urls["administrator"], shared.urls["bram"]
    run(capsys, monkeypatch, admin, "db", "caseloads", "on")
    code, out, _ = run(capsys, monkeypatch, bram, "report", "outcomes")
    assert code == 0
    assert f"only the clients in the caseload of database role {shared.roles['bram']}" in out
    code, out, _ = run(capsys, monkeypatch, bram, "--lang", "nl", "report", "outcomes", "--json")
    assert json.loads(out)["caseload_of"] == shared.roles["bram"]
    code, out, _ = run(capsys, monkeypatch, admin, "report", "outcomes")
    assert code == 0 and "caseload of database role" not in out


def test_a_practitioner_who_sees_their_own_caseload_is_told_so_by_the_client_search(
    capsys, monkeypatch, shared, named_practitioner
):
    """ "No client has B1" to a practitioner whose role cannot see B1 read as if B1 were free."""
    admin, anna = shared.urls["administrator"], shared.urls["anna"]
    assert run(capsys, monkeypatch, admin, "db", "caseloads", "on")[0] == 0
    code, out, _ = run(capsys, monkeypatch, anna, "client", "find", "B1")
    assert code == 0
    assert out.splitlines() == [
        "No client has “B1” in their code or name.",
        f"You are connected as {shared.roles['anna']} and see your own caseload only: a "
        "colleague's client is not listed.",
    ]
    code, out, _ = run(capsys, monkeypatch, admin, "client", "find", "B1")
    assert out.splitlines() == ["code  role", "B1    —"]
