"""The access log anchored: what is removed, rebuilt or changed outside Hecht is reported.

On SQLite the head beside the database is the anchor; a shared PostgreSQL database keeps no
file, so there the practice's kept head (``hecht audit verify --head``) is.
"""

from __future__ import annotations

import importlib
import sqlite3
import stat
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from hecht.schema.db.database import open_database, sqlite_path, unit_of_work
from hecht.schema.db.engine import make_engine
from hecht.schema.db.migrate import upgrade
from hecht.schema.exchange.backup import backup_sqlite, restore_sqlite
from hecht.schema.inputs import NewClient as NewClientInput
from hecht.schema.readmodels import AlertAction
from hecht.schema.services import clients
from hecht.schema.tables import AuditEvent, Client
from hecht.schema.trail.anchor import APPEND_ONLY_TRIGGERS, Head, head_file, read_head_file
from hecht.schema.trail.audit import verify_all
from hecht.schema.trail.chain import GENESIS, chain_hash
from hecht.schema.trail.seals import seal_hash, stored_digests

from .conftest import Practice

MIGRATIONS = "hecht.schema.migrations.versions"
RECREATE = {
    "sqlite": [
        *importlib.import_module(f"{MIGRATIONS}.0001_initial_schema").SQLITE_TRIGGERS,
        *importlib.import_module(f"{MIGRATIONS}.0007_record_seals").SQLITE_TRIGGERS,
    ]
}


def build(engine, actor, library, reads: int = 55) -> None:
    """Two clients, an episode with a visit and its note, answers and scores; then reads."""
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client("A1")
        practice.client("B2")
        episode = practice.episode("A1", date(2026, 9, 1))
        practice.visit(episode, ["A1"], date(2026, 11, 2), note="spoke about the birth")
        practice.scale("A1", "who5", "3,3,3,3,3", date(2026, 11, 20), episode)
        practice.scale("B2", "who5", "2,2,2,2,2", date(2026, 11, 20), None)
    for _ in range(reads):
        with unit_of_work(engine) as session:
            clients.get_client(session=session, actor=actor, code="A1")


def verify(engine, kept: Head | None = None):
    with unit_of_work(engine) as session:
        return verify_all(session=session, kept=kept)


def found(report) -> set[str]:
    return {finding.key for finding in report.findings}


def kept_head(engine) -> Head | None:
    """The head a PostgreSQL practice keeps; SQLite needs none (its head file is the anchor)."""
    return None if engine.dialect.name == "sqlite" else verify(engine).head


def outside_hecht(engine, *statements: str) -> None:
    """Run statements as someone with the database's password would: append-only triggers
    switched off, the statements run, the triggers put back as they were."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for name in APPEND_ONLY_TRIGGERS["sqlite"]:
                connection.execute(text(f"DROP TRIGGER {name}"))
        else:
            for table in ("auditevent", "recordseal"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(text(statement))
        if engine.dialect.name == "sqlite":
            for statement in RECREATE["sqlite"]:
                connection.execute(text(statement))
        else:
            for table in ("auditevent", "recordseal"):
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def rebuild_chain_without(engine, client_code: str) -> None:
    """Remove a client's events and hash the rest again with Hecht's own hash function."""
    with unit_of_work(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        kept = [event for event in events if event.client_code != client_code]
        rows, prev = [], GENESIS
        for seq, event in enumerate(kept, start=1):
            content = [
                seq, event.at, event.event, event.client_id, event.client_code, event.user_id,
                event.on_behalf_of_id, event.access_point, event.outcome, event.detail, prev,
            ]  # fmt: skip
            prev = chain_hash(*content)
            rows.append(content + [prev])
    assert len(rows) < len(events)
    outside_hecht(engine, "DELETE FROM auditevent")
    with unit_of_work(engine) as session:
        for row in rows:
            session.add(
                AuditEvent(
                    seq=row[0], at=row[1], event=row[2], client_id=row[3], client_code=row[4],
                    user_id=row[5], on_behalf_of_id=row[6], access_point=row[7], outcome=row[8],
                    detail=row[9], prev_hash=row[10], hash=row[11],
                )
            )  # fmt: skip


def test_an_untouched_practice_verifies_intact_and_its_head_lies_beside_the_database(
    engine, actor, library
):
    build(engine, actor, library, reads=2)
    report = verify(engine)
    assert report.intact, report.findings
    assert report.head.events == report.chain.events > 0 and report.head.seals > 0
    path = sqlite_path(engine)
    if path is None:
        assert report.head_file is None  # PostgreSQL: the practice keeps the printed head
        return
    assert report.head_file == head_file(path)
    assert read_head_file(head_file(path)) == report.head
    assert stat.S_IMODE(head_file(path).stat().st_mode) == 0o600


@pytest.mark.parametrize("removed", [1, 51])
def test_events_removed_from_the_end_of_the_log_are_reported(engine, actor, library, removed):
    build(engine, actor, library)
    kept = kept_head(engine)
    assert verify(engine).chain.intact
    outside_hecht(
        engine, f"DELETE FROM auditevent WHERE seq > (SELECT MAX(seq) - {removed} FROM auditevent)"
    )
    report = verify(engine, kept)
    assert report.chain.intact  # the rest of the chain still links up: only the anchor can tell
    assert "events_truncated" in found(report)
    assert not report.intact


def test_a_chain_rebuilt_with_hechts_own_hash_after_removing_a_client_is_reported(
    engine, actor, library
):
    build(engine, actor, library, reads=3)
    kept = kept_head(engine)
    rebuild_chain_without(engine, "B2")
    report = verify(engine, kept)
    assert report.chain.intact  # every hash is right: the chain alone cannot tell
    assert "events_truncated" in found(report)


def test_work_in_hecht_after_the_log_was_cut_short_keeps_the_evidence(engine, actor, library):
    build(engine, actor, library, reads=3)
    kept = kept_head(engine)
    outside_hecht(engine, "DELETE FROM auditevent WHERE seq = (SELECT MAX(seq) FROM auditevent)")
    for _ in range(3):
        with unit_of_work(engine) as session:
            clients.find_clients(session=session, actor=actor, text="B")
    assert "events_rebuilt" in found(verify(engine, kept))


def test_a_dropped_append_only_trigger_is_reported(engine, actor, library):
    build(engine, actor, library, reads=0)
    if engine.dialect.name == "sqlite":
        statement, trigger = "DROP TRIGGER auditevent_no_delete", "auditevent_no_delete"
    else:
        statement, trigger = (
            "DROP TRIGGER auditevent_no_change ON auditevent",
            "auditevent_no_change",
        )
    with engine.begin() as connection:
        connection.execute(text(statement))
    report = verify(engine)
    assert [(f.key, f.values) for f in report.findings] == [
        ("trigger_missing", {"trigger": trigger})
    ]


def test_a_disabled_trigger_on_postgresql_is_reported(engine, actor, library):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite triggers cannot be disabled, only dropped")
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE recordseal DISABLE TRIGGER recordseal_no_change"))
    assert [f.key for f in verify(engine).findings] == ["trigger_disabled"]


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("UPDATE itemresponse SET code = 0, score = 0 WHERE id = 1", "itemresponse"),
        ("UPDATE score SET total = 99 WHERE administration_id = 1", "score"),
        ("UPDATE visit SET note = 'nothing of note'", "visit"),
        ("UPDATE episode SET due_date = '2027-01-01'", "episode"),
        ("UPDATE client SET name = 'Someone' WHERE code = 'B2'", "client"),
    ],
)
def test_a_clinical_row_changed_outside_hecht_is_reported(engine, actor, library, statement, kind):
    build(engine, actor, library, reads=0)
    with engine.begin() as connection:
        connection.execute(text(statement))
    report = verify(engine)
    assert report.chain.intact and not report.intact
    assert {(f.key, f.values["kind"]) for f in report.findings} == {("row_changed", kind)}


def test_rows_removed_or_added_outside_hecht_are_reported(engine, actor, library):
    build(engine, actor, library, reads=0)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM itemresponse WHERE id = 2"))
        connection.execute(
            text(
                "INSERT INTO itemresponse (administration_id, item_id, position, code, score, "
                "entered_at) VALUES (1, 'extra', 9, 1, 1, '2026-11-20 10:00:00')"
            )
        )
    findings = {(f.key, f.values["kind"]) for f in verify(engine).findings}
    assert findings == {("row_removed", "itemresponse"), ("row_unsealed", "itemresponse")}


def test_an_answer_changed_with_plain_sqlite3_is_reported(tmp_path, actor, library):
    engine = open_database(f"sqlite:///{tmp_path / 'practice.db'}")
    build(engine, actor, library, reads=0)
    engine.dispose()
    with sqlite3.connect(tmp_path / "practice.db") as connection:
        connection.execute("UPDATE itemresponse SET code = 5, score = 5 WHERE id = 3")
        connection.execute("UPDATE score SET total = 100 WHERE administration_id = 2")
    connection.close()
    engine = open_database(f"sqlite:///{tmp_path / 'practice.db'}")
    report = verify(engine)
    engine.dispose()
    assert sorted((f.key, f.values["kind"], f.values["id"]) for f in report.findings) == [
        ("row_changed", "itemresponse", 3),
        ("row_changed", "score", 2),
    ]


def test_an_answer_changed_and_its_seals_rebuilt_with_hechts_hash_is_reported(
    engine, actor, library
):
    build(engine, actor, library, reads=0)
    kept = kept_head(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE itemresponse SET code = 0, score = 0 WHERE id = 1"))
    with unit_of_work(engine) as session:
        report = verify_all(session=session)
        assert ("row_changed", "itemresponse") in {
            (f.key, f.values.get("kind")) for f in report.findings
        }
        connection = session.connection()
        digest = stored_digests(connection, "itemresponse", [1])[1]
        seals = connection.execute(
            text("SELECT seq, kind, record_id, digest FROM recordseal ORDER BY seq")
        ).all()
    rebuilt, prev = [], GENESIS
    for seq, kind, key, row_digest in seals:
        if (kind, key) == ("itemresponse", 1):
            row_digest = digest
        hashed = seal_hash(seq, kind, key, row_digest, prev)
        rebuilt.append(
            f"UPDATE recordseal SET digest = '{row_digest}', prev_hash = '{prev}', "
            f"hash = '{hashed}' WHERE seq = {seq}"
        )
        prev = hashed
    outside_hecht(engine, *rebuilt)
    report = verify(engine, kept)
    assert not any(f.key.startswith(("row_", "seal_")) for f in report.findings)
    assert "seals_rebuilt" in found(report)


def test_a_backup_carries_the_head_it_was_made_at(tmp_path, actor, library):
    engine = open_database(f"sqlite:///{tmp_path / 'practice.db'}")
    build(engine, actor, library, reads=1)
    head = verify(engine).head
    backup = tmp_path / "backup.db"
    backup_sqlite(tmp_path / "practice.db", backup)
    assert read_head_file(head_file(backup)) == head
    assert stat.S_IMODE(head_file(backup).stat().st_mode) == 0o600
    for _ in range(4):
        with unit_of_work(engine) as session:
            clients.get_client(session=session, actor=actor, code="A1")
    assert verify(engine, read_head_file(head_file(backup))).intact  # the live log grew on it
    engine.dispose()
    restore_sqlite(backup, tmp_path / "practice.db")
    assert read_head_file(head_file(tmp_path / "practice.db")) == head
    engine = open_database(f"sqlite:///{tmp_path / 'practice.db'}")
    assert verify(engine).intact  # the restored log is not taken for a truncated one
    engine.dispose()


def test_a_backup_of_an_encrypted_database_stays_encrypted_and_carries_its_head(
    tmp_path, actor, library
):
    from hecht.schema.db.cipher import is_encrypted, remember_key
    from hecht.schema.db.encryption import encrypt_database

    path = tmp_path / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    build(engine, actor, library, reads=1)
    head = verify(engine).head
    engine.dispose()
    encrypt_database(path, "correct horse battery")
    remember_key(path, "correct horse battery")
    backup = tmp_path / "backup.db"
    key = "correct horse battery"
    backup_sqlite(path, backup, source_key=key, target_key=key)
    assert is_encrypted(backup)
    assert read_head_file(head_file(backup)) == head


def test_upgrading_seals_the_rows_stored_before_seals_existed(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (code, name, created_at) VALUES ('OLD1', 'Old', "
                 "'2026-01-01 10:00:00'), ('OLD2', 'Older', '2026-01-01 10:00:00')")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO couple (first_client_id, second_client_id, created_at) "
                 "SELECT MIN(id), MAX(id), '2026-01-01 10:00:00' FROM client")
        )  # fmt: skip
    upgrade(engine)
    report = verify(engine)
    engine.dispose()
    assert report.intact, report.findings
    assert report.head.seals == 3  # two clients and their couple


def test_a_row_added_and_committed_without_a_flush_is_sealed_too(engine, actor):
    from sqlmodel import Session

    from hecht.schema.tables import Practitioner

    with Session(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClientInput(code="C3"))
        session.commit()
    with Session(engine) as session:
        session.add(Practitioner(name="Added last", created_at=actor.now()))
        client = session.exec(select(Client).where(Client.code == "C3")).one()
        client.language = "nl"  # flushed only by the commit, after its before_commit hook
        session.add(client)
        session.commit()
    assert verify(engine).intact


def test_a_head_file_that_is_not_one_is_reported_and_written_anew_by_the_next_change(
    tmp_path, actor, library
):
    engine = open_database(f"sqlite:///{tmp_path / 'practice.db'}")
    build(engine, actor, library, reads=1)
    head_file(tmp_path / "practice.db").write_text("")  # as a power failure may leave it
    assert found(verify(engine)) == {"head_file_unreadable"}
    with unit_of_work(engine) as session:
        clients.get_client(session=session, actor=actor, code="A1")
    assert verify(engine).intact
    engine.dispose()


def test_the_tuis_first_caseload_read_moves_the_head_on_like_any_unit_of_work(
    tmp_path, actor, library
):
    from hecht.scales.facts import library_facts
    from hecht.schema.db.quick import quick_caseload

    url = f"sqlite:///{tmp_path / 'practice.db'}"
    engine = open_database(url)
    build(engine, actor, library, reads=0)
    engine.dispose()
    before = read_head_file(head_file(tmp_path / "practice.db"))
    rows = quick_caseload(
        url, facts=library_facts(library), access_point="test:quick", clock=actor.clock
    )
    assert rows is not None  # read on a bare sqlite3 connection, one search event appended
    after = read_head_file(head_file(tmp_path / "practice.db"))
    assert before is not None and after is not None
    assert (after.events, after.seals) == (before.events + 1, before.seals)
    engine = open_database(url)
    assert verify(engine).head == after
    engine.dispose()


def test_a_row_changed_outside_hecht_stays_reported_after_hecht_changes_it(engine, actor, library):
    from hecht.schema.inputs import ClientChanges

    build(engine, actor, library, reads=0)
    with engine.begin() as connection:
        connection.execute(text("UPDATE client SET name = 'Someone else' WHERE code = 'B2'"))
    with unit_of_work(engine) as session:
        clients.change_client(
            session=session, actor=actor, code="B2", changes=ClientChanges(language="nl")
        )
    report = verify(engine)
    assert [(f.key, f.values["kind"]) for f in report.findings] == [
        ("row_changed_before", "client")
    ]


def test_a_draft_answer_changed_outside_hecht_stays_reported_after_it_is_answered_again(
    engine, actor, library
):
    from hecht.schema.services import administrations as adm

    build(engine, actor, library, reads=0)
    context = {"actor": actor, "library": library}
    with unit_of_work(engine) as session:
        draft = Practice(session, actor, library).draft("B2", "who5", {"1": "3"})
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE itemresponse SET code = 0, score = 0 "
                 "WHERE administration_id = :id AND item_id = '1'"),
            {"id": draft.id},
        )  # fmt: skip
    for _ in range(2):  # answered again, in two units of work: the first notes what it found
        with unit_of_work(engine) as session:
            adm.record_answer(
                session=session, administration_id=draft.id, item_id="1", code="4", **context
            )
    report = verify(engine)
    assert [(f.key, f.values["kind"]) for f in report.findings] == [
        ("row_changed_before", "itemresponse")
    ]


def test_hechts_own_changes_and_a_destruction_leave_nothing_to_report(engine, actor, library):
    from hecht.schema.inputs import ClientChanges
    from hecht.schema.services.destroy import destroy_client

    build(engine, actor, library, reads=0)
    with unit_of_work(engine) as session:
        clients.change_client(
            session=session, actor=actor, code="A1", changes=ClientChanges(contact="06")
        )
        clients.change_client(
            session=session, actor=actor, code="A1", changes=ClientChanges(language="en")
        )
    with unit_of_work(engine) as session:
        destroy_client(session=session, actor=actor, code="B2")
    report = verify(engine)
    assert report.intact, report.findings


def build_with_alert_and_couple(engine, actor, library) -> int:
    """``build``'s practice, A1 and B2 a couple, and an EPDS with an urgent alert acknowledged
    through Hecht; return the alert's id."""
    from hecht.schema.services import alerts

    build(engine, actor, library, reads=0)
    with unit_of_work(engine) as session:
        clients.create_couple(session=session, actor=actor, first_code="A1", second_code="B2")
        Practice(session, actor, library).scale(
            "B2", "epds", "1,1,1,1,1,1,1,1,1,2", date(2026, 11, 21), None
        )
    with unit_of_work(engine) as session:
        (alert,) = alerts.open_alerts(session=session, actor=actor)
        Practice(session, actor).acknowledge(
            alert.id, AlertAction.SAFETY_PLAN, "asked about it and made a safety plan together"
        )
    return alert.id


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("UPDATE alert SET acknowledged_at = NULL, action = NULL", "alert"),
        ("UPDATE couple SET created_at = '2020-01-01 00:00:00'", "couple"),
    ],
)
def test_an_alert_or_a_couple_changed_outside_hecht_is_reported(
    engine, actor, library, statement, kind
):
    build_with_alert_and_couple(engine, actor, library)
    assert verify(engine).intact  # raised, acknowledged and coupled through Hecht: all sealed
    with engine.begin() as connection:
        connection.execute(text(statement))
    report = verify(engine)
    assert {(f.key, f.values["kind"], f.values.get("client")) for f in report.findings} == {
        ("row_changed", kind, "A1" if kind == "couple" else "B2")
    }
