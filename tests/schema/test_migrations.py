"""Migrations: the schema matches the models everywhere; old and new databases are handled."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hecht.schema.db import database as database_module
from hecht.schema.db.database import DatabaseOpenError, open_database, prepare
from hecht.schema.db.engine import make_engine
from hecht.schema.db.migrate import SchemaState, SchemaStatus, head_revision, schema_status, upgrade
from hecht.schema.tables import SQLModel


# SQLite's indexes on an expression are not reflected: the next test compares that one there
@pytest.mark.filterwarnings("ignore:.*expression-based index '?ix_client_code_folded")
def test_after_upgrading_the_schema_matches_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}),
            SQLModel.metadata,
        )
    assert differences == []


def test_on_sqlite_the_index_on_the_lowered_code_is_made_as_the_model_declares_it(tmp_path):
    from sqlalchemy.schema import CreateIndex

    from hecht.schema.tables import FOLDED_CODE_INDEX, Client

    (declared,) = [i for i in Client.__table__.indexes if i.name == FOLDED_CODE_INDEX]
    engine = open_database(f"sqlite:///{tmp_path / 'hecht.db'}")
    with engine.connect() as connection:
        made = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": FOLDED_CODE_INDEX}
        ).scalar()
    assert made == str(CreateIndex(declared).compile(dialect=engine.dialect))
    engine.dispose()


def test_a_new_database_is_created_at_the_current_revision(engine):
    assert schema_status(engine).state is SchemaState.CURRENT


def test_upgrading_from_the_first_revision_keeps_existing_data(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (code, created_at) VALUES ('KEEP1', '2026-01-01 10:00:00')")
        )
    if database_url.startswith("sqlite"):
        engine.dispose()
        engine = open_database(database_url)  # backed up, then upgraded on start
    else:
        with pytest.raises(DatabaseOpenError, match="hecht db upgrade"):
            open_database(database_url)  # a shared database is upgraded only on request
        upgrade(engine)
    with engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM client")).scalars().all()
    assert codes == ["KEEP1"]
    assert schema_status(engine).database_revision == head_revision()
    engine.dispose()


def test_every_database_gets_a_practice_uuid_of_its_own_and_an_upgraded_one_too(
    database_url, tmp_path
):
    import uuid

    engine = make_engine(database_url)
    upgrade(engine, "0010")  # before practices had a UUID
    upgrade(engine)
    with engine.connect() as connection:
        upgraded = connection.execute(text("SELECT uuid FROM practice")).scalars().all()
    engine.dispose()
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    with other.connect() as connection:
        (made,) = connection.execute(text("SELECT uuid FROM practice")).scalars().all()
    other.dispose()
    assert len(upgraded) == 1 and uuid.UUID(upgraded[0]) != uuid.UUID(made)


def test_a_database_from_a_newer_hecht_is_refused_and_left_alone(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseOpenError, match="newer version of Hecht"):
        prepare(engine)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        )


def test_a_database_with_foreign_tables_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(DatabaseOpenError, match="not Hecht's"):
        open_database(f"sqlite:///{path}")


def test_a_file_that_is_not_a_database_gets_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are not the droids you are looking for\n" * 100)
    with pytest.raises(DatabaseOpenError, match="cannot open the database"):
        open_database(f"sqlite:///{path}")


def test_an_older_sqlite_database_is_backed_up_and_verified_before_upgrading(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'hecht.db'}"
    engine = open_database(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (code, created_at) VALUES ('OLD1', '2026-01-01 10:00:00')")
        )
    monkeypatch.setattr(
        database_module,
        "schema_status",
        lambda _engine: SchemaStatus(SchemaState.OLDER, "0001", "0002"),
    )
    monkeypatch.setattr(database_module, "upgrade", lambda _engine: None)
    backup = prepare(engine)
    assert backup is not None and backup.exists()
    assert "before-upgrade-from-0001" in backup.name
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT code FROM client").fetchall() == [("OLD1",)]
    engine.dispose()


def test_the_recorded_head_revision_is_alembics_head():
    from alembic.script import ScriptDirectory

    from hecht.schema.db.migrate import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'current.db'}"
    open_database(url).dispose()
    code = (
        "import sys; from hecht.schema.db.database import open_database; "
        f"open_database({url!r}).dispose(); print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_database_from_the_first_release_is_upgraded_with_its_clients_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.db'}"
    engine = make_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (code, created_at) VALUES ('OLD1', '2026-01-01 10:00:00')")
        )
    engine.dispose()
    upgraded = open_database(url)
    assert schema_status(upgraded).state is SchemaState.CURRENT
    with upgraded.connect() as connection:
        rows = connection.execute(text("SELECT code, role FROM client")).fetchall()
    assert rows == [("OLD1", None)]
    assert list(tmp_path.glob("first-before-upgrade-from-0001-*.db"))
    upgraded.dispose()


def test_upgrading_puts_a_forked_history_in_line_and_the_client_at_version_1(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    episode = (
        "INSERT INTO episode (id, client_id, episode_status, started_on, lineage_id, version, "
        "supersedes_id, status, recorded_at, referrer) VALUES (:id, 1, 'active', '2026-11-01', "
        "1, :version, :supersedes, 'complete', '2026-11-02 10:00:00', :referrer)"
    )
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (id, code, created_at) VALUES (1, 'K1', '2026-01-01')")
        )
        for row in [(1, 1, None, "GP"), (2, 2, 1, "A's"), (3, 2, 1, "B's"), (4, 3, 3, "C's")]:
            values = dict(zip(("id", "version", "supersedes", "referrer"), row, strict=True))
            connection.execute(text(episode), values)
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, version, supersedes_id, referrer FROM episode ORDER BY id")
        ).fetchall()
        client_version = connection.execute(text("SELECT version FROM client")).scalar()
    assert [tuple(row) for row in rows] == [
        (1, 1, None, "GP"), (2, 2, 1, "A's"), (3, 3, 2, "B's"), (4, 4, 3, "C's"),
    ]  # fmt: skip
    assert client_version == 1
    engine.dispose()


def test_upgrading_records_each_stored_couples_clients_and_keeps_a_second_couple_out(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0009")
    with engine.begin() as connection:
        for number in (1, 2, 3, 4):
            connection.execute(
                text("INSERT INTO client (id, code, created_at, version) VALUES (:id, :code, "
                     "'2026-01-01', 1)"),
                {"id": number, "code": f"K{number}"},
            )  # fmt: skip
        couple = "INSERT INTO couple (id, first_client_id, second_client_id, created_at) VALUES "
        connection.execute(text(couple + "(1, 1, 2, '2026-01-02'), (2, 3, 2, '2026-01-03')"))
    upgrade(engine)  # K2 already in two couples (the race this revision closes): the first kept
    with engine.connect() as connection:
        members = connection.execute(
            text("SELECT client_id, couple_id FROM couplemember ORDER BY client_id")
        ).fetchall()
    assert [tuple(row) for row in members] == [(1, 1), (2, 1), (3, 2)]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(couple + "(3, 4, 1, '2026-01-04')"))
    engine.dispose()


def test_the_upgrade_and_an_import_keep_the_same_codes_out_of_the_index():
    """Migration 0013 keeps its own copy of the rule (a migration must not change with the
    code); an import (``schema.exchange.transfer``) reads the current one: they must agree."""
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    import hecht.schema.migrations as migrations
    from hecht.schema.tables import LATER_CODE_TWINS

    path = Path(migrations.__file__).parent / "versions" / "0013_client_code_any_case.py"
    spec = spec_from_file_location("revision_0013", path)
    assert spec is not None and spec.loader is not None
    revision = module_from_spec(spec)
    spec.loader.exec_module(revision)
    assert revision.LATER_TWINS.split() == LATER_CODE_TWINS.split()


def test_upgrading_keeps_codes_that_differ_only_in_case_and_refuses_new_ones(database_url):
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.errors import NotFoundError
    from hecht.schema.services.clients import client_row

    engine = make_engine(database_url)
    upgrade(engine, "0012")  # before codes were compared whatever their case
    stored = {1: "MOM-01", 2: "mom-01", 3: "Mom-01", 4: "K1"}
    with engine.begin() as connection:
        for number, code in stored.items():
            connection.execute(
                text("INSERT INTO client (id, code, created_at, version) VALUES (:id, :code, "
                     "'2026-01-01', 1)"),
                {"id": number, "code": code},
            )  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        kept = dict(connection.execute(text("SELECT id, code FROM client")).all())
    assert kept == stored
    for code in ("mOm-01", "k1"):  # the first of the pair is in the index, and every other code
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text("INSERT INTO client (id, code, created_at, version) VALUES (5, :code, "
                     "'2026-01-02', 1)"),
                {"code": code},
            )  # fmt: skip
    with unit_of_work(engine) as session:
        assert [client_row(session, code).id for code in stored.values()] == [1, 2, 3, 4]
        assert client_row(session, "k1").code == "K1"
        with pytest.raises(NotFoundError) as ambiguous:
            client_row(session, "mOM-01")
        assert ambiguous.value.reason == "case_twins"
    engine.dispose()


@pytest.mark.parametrize("imported", [True, False], ids=["came by import", "never imported"])
def test_upgrading_seals_again_the_clients_whose_seals_lack_the_role_the_server_filled_in(
    database_url, imported
):
    """Hecht 0.1 imported a practice into PostgreSQL keeping the file's seals, made before the
    server filled in each client's owning role: `hecht audit verify` called every client changed.
    Revision 0014 seals those clients again as stored, in a practice whose access log shows that
    import; a client changed in any other way (here its code) is still reported, one sealed as
    stored is left alone, and in a practice never imported a role beside such a seal was set by
    hand: it stays reported."""
    from sqlalchemy import select

    from hecht.schema.tables import Client, table_of
    from hecht.schema.trail.seals import append_seals, digest, seal_findings

    engine = make_engine(database_url)
    upgrade(engine, "0013")
    with engine.begin() as connection:
        if imported:  # the import's own event, as Hecht 0.1 wrote it
            connection.execute(
                text("INSERT INTO auditevent (seq, at, event, access_point, outcome, detail, "
                     "prev_hash, hash) VALUES (1, '2026-11-01', 'import', 'test', 'success', "
                     "'json: all', 'x', 'y')")
            )  # fmt: skip
        for number, code in ((1, "A1"), (2, "B2"), (3, "C3")):
            connection.execute(
                text("INSERT INTO client (id, code, created_at, version, owner_role) "
                     "VALUES (:id, :code, '2026-01-01', 1, 'hecht')"),
                {"id": number, "code": code},
            )  # fmt: skip
        rows = {
            row.id: dict(row._mapping) for row in connection.execute(select(table_of(Client)))
        }  # read as the seals read them
        append_seals(
            connection,
            [
                ("client", 1, digest("client", 1, {**rows[1], "owner_role": None})),
                ("client", 2, digest("client", 2, {**rows[2], "owner_role": None, "code": "X"})),
                ("client", 3, digest("client", 3, rows[3])),
            ],
        )
        before = {found.values.get("id") for found in seal_findings(connection)}
    assert before == {1, 2}
    upgrade(engine)
    with engine.connect() as connection:
        after = {found.values.get("id") for found in seal_findings(connection)}
        resealed = connection.execute(
            text("SELECT record_id FROM recordseal WHERE seq > 3 ORDER BY seq")
        ).scalars()
        assert after == ({2} if imported else {1, 2})
        assert list(resealed) == ([1] if imported else [])
    engine.dispose()


def test_upgrading_seals_the_practitioners_and_shares_but_not_a_client_added_by_hand(
    database_url,
):
    """Revision 0015 seals what was stored unsealed before it (who the log names, with whom a
    dossier is shared); a client row without a seal was added outside Hecht and stays found."""
    from hecht.schema.trail.seals import seal_findings

    engine = make_engine(database_url)
    upgrade(engine, "0014")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO practitioner (id, name, created_at) VALUES (1, 'Anna', "
                 "'2026-01-01')")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO client (id, code, created_at, version) VALUES (1, 'A1', "
                 "'2026-01-01', 1)")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO caseloadmember (id, client_id, role_name, added_at) VALUES "
                 "(1, 1, 'bert', '2026-01-02')")
        )  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        found = [(f.key, f.values.get("kind")) for f in seal_findings(connection)]
        sealed = set(connection.execute(text("SELECT kind FROM recordseal")).scalars())
    assert found == [("row_unsealed", "client")]
    assert sealed == {"practitioner", "caseloadmember"}
    engine.dispose()
