"""The quick caseload read: the same rows and audit entry as the service, or nothing at all.

It reads an SQLite file on a bare sqlite3 connection, so the TUI's first caseload needs no
SQLAlchemy; whatever it cannot vouch for (no file, an older schema, an unknown practitioner,
not a database) it declines without touching the file, and the normal open takes over.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from hecht.scales.facts import library_facts
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.db.engine import sqlite_file
from hecht.schema.db.quick import quick_caseload
from hecht.schema.services.caseload import caseload
from hecht.schema.services.clients import practitioner_named
from hecht.schema.services.signals import SignalKind, SignalThresholds
from hecht.schema.tables import AuditEvent
from hecht.schema.trail.audit import verify_chain

from .conftest import Practice

NOW = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
SEPT, OCT20, NOV20 = date(2026, 9, 1), date(2026, 10, 20), date(2026, 11, 20)


@pytest.fixture
def practice_file(tmp_path, actor, library) -> str:
    """A practice on an SQLite file: a couple, a client getting worse, an open alert, a draft."""
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    with Practice.at(url, actor, library) as practice:
        episode = practice.couple(practice.client("P1"), practice.client("P2"), SEPT)
        practice.visits(episode, ["P1", "P2"], OCT20, NOV20)
        practice.scale("P1", "csi4", "5,4,4,4", NOV20, episode)
        worse = practice.episode(practice.client("DOWN"), SEPT, due_date=date(2027, 1, 10))
        practice.visits(worse, ["DOWN"], SEPT, OCT20)
        practice.scale("DOWN", "who5", "4,4,3,3,4", SEPT, worse)
        practice.scale("DOWN", "who5", "2,2,2,2,2", NOV20, worse)
        risk = practice.episode(practice.client("RISK"), SEPT)
        practice.scale("RISK", "epds", "0,0,0,0,0,0,0,0,0,2", NOV20, risk)
        practice.client("NEW")
    return url


def quick(url: str, library, **given):
    return quick_caseload(
        url, facts=library_facts(library), access_point="test:quick", clock=lambda: NOW, **given
    )


def events(url: str) -> list[tuple]:
    engine = open_database(url)
    with unit_of_work(engine) as session:
        found = session.exec(select(AuditEvent.event, AuditEvent.detail, AuditEvent.user_id))
        rows = list(found)
        intact = verify_chain(session=session).intact
    engine.dispose()
    assert intact
    return rows


def file_bytes(url: str) -> bytes:
    return Path(sqlite_file(url)).read_bytes()  # type: ignore[arg-type]


def test_the_quick_read_gives_exactly_the_rows_the_service_gives(practice_file, library):
    thresholds = SignalThresholds(not_on_track_visits=2, overdue_weeks=2)
    fast = quick(practice_file, library, thresholds=thresholds)
    engine = open_database(practice_file)
    actor = Actor(user_id=None, access_point="test", clock=lambda: NOW)
    with unit_of_work(engine) as session:
        slow = caseload(session=session, actor=actor, library=library, thresholds=thresholds)
    engine.dispose()
    assert fast == slow
    kinds = {row.code: [signal.kind for signal in row.signals] for row in fast}
    assert kinds["DOWN"][0] is SignalKind.DETERIORATED
    assert kinds["RISK"][0] is SignalKind.OPEN_ALERT
    weeks = [
        (row.code, row.partner_code, row.week and (row.week.phase, row.week.week)) for row in fast
    ]
    assert weeks[:2] == [("DOWN", None, ("pregnant", 33)), ("NEW", None, None)]


def test_the_quick_read_is_audited_in_the_same_chain_as_every_other_access(practice_file, library):
    before = events(practice_file)
    assert quick(practice_file, library) is not None
    assert events(practice_file) == [*before, ("search", "caseload", None)]


def test_the_audit_entry_names_the_configured_practitioner(practice_file, library, actor):
    engine = open_database(practice_file)
    with unit_of_work(engine) as session:
        mira = practitioner_named(session=session, actor=actor, name="Mira")
    engine.dispose()
    assert quick(practice_file, library, practitioner=" Mira ") is not None
    assert events(practice_file)[-1] == ("search", "caseload", mira)


def test_an_unknown_practitioner_is_left_to_the_normal_open_which_registers_them(
    practice_file, library
):
    before = file_bytes(practice_file)
    assert quick(practice_file, library, practitioner="Someone new") is None
    assert file_bytes(practice_file) == before


def test_an_older_schema_is_left_to_the_normal_open_which_backs_it_up_and_upgrades(
    practice_file, library
):
    with sqlite3.connect(sqlite_file(practice_file)) as connection:  # type: ignore[arg-type]
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    connection.close()
    before = file_bytes(practice_file)
    assert quick(practice_file, library) is None
    assert file_bytes(practice_file) == before


def test_a_file_that_is_not_a_database_is_declined_and_left_as_it_was(tmp_path, library):
    path = tmp_path / "notes.db"
    text = b"not a database, just some text that someone pointed --db at\n" * 20
    path.write_bytes(text)
    assert quick(f"sqlite:///{path}", library) is None
    assert path.read_bytes() == text


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hecht@localhost/practice",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///practice.db?mode=ro",
    ],
)
def test_only_a_plain_sqlite_file_qualifies(url, library):
    assert quick(url, library) is None


def test_another_programs_file_is_left_to_the_normal_open_unchanged(tmp_path, library):
    # this path's own connection would turn the file to WAL before finding it is not Hecht's
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text)")
    connection.close()
    before = path.read_bytes()
    assert quick(f"sqlite:///{path}", library) is None
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.db"
    ]


def test_a_missing_file_is_not_created(tmp_path, library):
    assert quick(f"sqlite:///{tmp_path / 'nothing-here.db'}", library) is None
    assert not (tmp_path / "nothing-here.db").exists()
