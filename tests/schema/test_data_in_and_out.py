"""Data in and out: lossless JSON round trip, verified backup and restore, destruction."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.errors import ConflictError, InvalidInputError, NotFoundError
from hecht.schema.exchange.backup import BackupError, BackupProblem, backup_sqlite, restore_sqlite
from hecht.schema.exchange.transfer import export_document, import_document
from hecht.schema.inputs import NewClient
from hecht.schema.services import clients, trajectories
from hecht.schema.services.destroy import destroy_client
from hecht.schema.trail.audit import client_log, verify_chain
from tests.schema.conftest import Practice


def fill(engine, actor, library) -> None:
    """Two partners with a couple episode, a shared visit, and each a scored administration."""
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code, name in (("P1", "Mira"), ("P2", "Sam")):
            practice.client(code, name=name)
        episode = practice.couple(
            "P1",
            "P2",
            date(2026, 10, 1),
            due_date=date(2027, 2, 1),
            referral_reasons=["fear_of_parenthood"],
        )
        visit = practice.visit(
            episode, ["P1", "P2"], date(2026, 11, 20), note="gesprek over de bevalling"
        )
        for code in ("P1", "P2"):
            practice.administer(
                code, "csi4", "4,3,3,2", episode=episode, visit_lineage_id=visit.lineage_id
            )


def exported(engine, actor) -> dict[str, Any]:
    """The whole database as a JSON export, read back as from its file."""
    with unit_of_work(engine) as session:
        return json.loads(json.dumps(export_document(session=session, actor=actor)))


def export_elsewhere(folder: Path, actor, library) -> tuple[dict[str, Any], uuid.UUID]:
    """The JSON export of another practice, filled, with that practice's UUID."""
    from hecht.schema.identity import practice_uuid

    source = open_database(f"sqlite:///{folder / 'source.db'}")
    fill(source, actor, library)
    with unit_of_work(source) as session:
        practice = practice_uuid(session)
    document = exported(source, actor)
    source.dispose()
    return document, practice


def test_export_import_export_gives_identical_dossier_data(engine, actor, library, tmp_path):
    fill(engine, actor, library)
    first = exported(engine, actor)
    target = open_database(f"sqlite:///{tmp_path / 'copy.db'}")
    with unit_of_work(target) as session:
        import_document(session=session, actor=actor, document=first)
    second = exported(target, actor)
    with unit_of_work(target) as session:
        assert verify_chain(session=session).intact
    assert second["tables"] == first["tables"]
    assert second["audit_log"][: len(first["audit_log"])] == first["audit_log"]
    clients_exported = len(first["tables"]["client"])  # each also in the client's own log
    assert [e["event"] for e in second["audit_log"][len(first["audit_log"]) :]] == [
        "import",
        "export",
        *["export"] * clients_exported,
    ]
    target.dispose()


def test_an_imported_database_takes_new_records_after_the_imported_keys(
    engine, actor, library, tmp_path
):
    document, _ = export_elsewhere(tmp_path, actor, library)
    with unit_of_work(engine) as session:  # empty, SQLite or PostgreSQL
        import_document(session=session, actor=actor, document=document)
    with unit_of_work(engine) as session:
        added = clients.create_client(session=session, actor=actor, new=NewClient(code="NEW"))
        assert verify_chain(session=session).intact
    assert added.id == 3


def test_the_practice_moves_with_its_export_and_a_file_naming_no_single_practice_is_refused(
    engine, actor, library, tmp_path
):
    from hecht.schema.identity import practice_uuid

    document, moved = export_elsewhere(tmp_path, actor, library)
    for rows in ([], [{"id": 1, "uuid": "not-a-uuid"}], document["tables"]["practice"] * 2):
        broken = {**document, "tables": {**document["tables"], "practice": rows}}
        with pytest.raises(InvalidInputError, match="one row with the practice's UUID"):
            with unit_of_work(engine) as session:
                import_document(session=session, actor=actor, document=broken)
    with unit_of_work(engine) as session:  # empty, SQLite or PostgreSQL
        before = practice_uuid(session)
        import_document(session=session, actor=actor, document=document)
    with unit_of_work(engine) as session:
        assert practice_uuid(session) == moved != before


def test_codes_kept_from_before_case_was_ignored_move_with_the_export(engine, actor, tmp_path):
    from hecht.schema.db.engine import make_engine
    from hecht.schema.db.migrate import upgrade
    from hecht.schema.trail.seals import seal_unsealed

    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    old = make_engine(source_url)
    upgrade(old, "0012")  # before codes were compared whatever their case
    with old.begin() as connection:
        connection.execute(
            text("INSERT INTO client (id, code, created_at, version) VALUES "
                 "(1, 'MOM-01', '2026-01-01', 1), (2, 'mom-01', '2026-01-02', 1)")
        )  # fmt: skip
        seal_unsealed(connection)  # sealed, as that version of Hecht stored them
    old.dispose()
    source = open_database(source_url)
    document = exported(source, actor)
    source.dispose()
    with unit_of_work(engine) as session:  # empty, SQLite or PostgreSQL
        import_document(session=session, actor=actor, document=document)
    with engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM client ORDER BY id")).scalars().all()
    assert codes == ["MOM-01", "mom-01"]
    with pytest.raises(ConflictError, match="'MOM-01' is already in use"):
        with unit_of_work(engine) as session:
            clients.create_client(session=session, actor=actor, new=NewClient(code="Mom-01"))


def test_import_refuses_a_database_that_holds_data(engine, actor, library):
    fill(engine, actor, library)
    document = exported(engine, actor)
    with pytest.raises(ConflictError, match="not empty"):
        with unit_of_work(engine) as session:
            import_document(session=session, actor=actor, document=document)


def test_import_refuses_a_file_with_a_tampered_audit_log(engine, actor, library, tmp_path):
    fill(engine, actor, library)
    document = exported(engine, actor)
    document["audit_log"][1]["access_point"] = "elsewhere"
    target = open_database(f"sqlite:///{tmp_path / 'copy.db'}")
    with pytest.raises(InvalidInputError, match="audit log is broken at event 2"):
        with unit_of_work(target) as session:
            import_document(session=session, actor=actor, document=document)
    with target.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM client")).scalar() == 0
    target.dispose()


def test_import_refuses_what_is_not_an_export(engine, actor):
    with pytest.raises(InvalidInputError, match="not a Hecht JSON export"):
        with unit_of_work(engine) as session:
            import_document(session=session, actor=actor, document={"clients": []})


def test_a_backup_is_verified_and_restores_the_same_rows(tmp_path, actor, library):
    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    fill(engine, actor, library)
    report = backup_sqlite(path, tmp_path / "backup.db")
    assert report.row_counts["client"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["practice.db", "practice.db-wal", "practice.db-shm", "backup.db"]
        + ["practice.db.audit-head", "backup.db.audit-head"]
    )
    with unit_of_work(engine) as session:
        Practice(session, actor).client("LATER")
    engine.dispose()
    kept = restore_sqlite(tmp_path / "backup.db", path)
    assert kept is not None and kept.exists()
    with sqlite3.connect(path) as restored:
        assert [c for (c,) in restored.execute("SELECT code FROM client ORDER BY code")] == [
            "P1",
            "P2",
        ]
    with sqlite3.connect(kept) as old:
        assert old.execute("SELECT COUNT(*) FROM client").fetchone() == (3,)


def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path, actor, library):
    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    fill(engine, actor, library)
    engine.dispose()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + bytes(5000))
    with pytest.raises(BackupError):
        restore_sqlite(damaged, path)
    with sqlite3.connect(path) as still:
        assert still.execute("SELECT COUNT(*) FROM client").fetchone() == (2,)


def test_a_backup_never_overwrites_an_existing_file(tmp_path):
    (tmp_path / "a.db").write_bytes(b"")
    sqlite3.connect(tmp_path / "live.db").close()
    with pytest.raises(BackupError) as refused:
        backup_sqlite(tmp_path / "live.db", tmp_path / "a.db")
    assert refused.value.problem is BackupProblem.EXISTS


def test_destroying_a_client_removes_their_content_and_keeps_a_tombstone_and_the_log(
    engine, actor, library
):
    fill(engine, actor, library)
    with unit_of_work(engine) as session:
        report = destroy_client(session=session, actor=actor, code="P1")
    assert (report.administrations, report.visits) == (1, 0)  # the shared visit stays for P2
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT name, destroyed_at FROM client WHERE code = 'P1'")
        ).one()
        attendees = connection.execute(text("SELECT attendee_ids FROM visit")).scalar()
    assert row[0] is None and row[1] is not None
    assert "2" in str(attendees) and "1" not in str(attendees).replace("2", "")
    with unit_of_work(engine) as session:
        with pytest.raises(NotFoundError, match="was destroyed"):
            clients.get_client(session=session, actor=actor, code="P1")
        assert len(trajectories.client_trajectory(session=session, actor=actor, code="P2")) == 1
        log = client_log(session=session, client_id=1)
        assert log[-1].event == "destroy"
        assert verify_chain(session=session).intact
