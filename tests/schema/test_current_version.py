"""One rule for "the current version of a record", read the same by the ORM and by plain SQL."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from hecht.schema.db.database import unit_of_work
from hecht.schema.db.plain import current_rows_from, of_session
from hecht.schema.services import episodes
from hecht.schema.tables import Episode, SQLModel
from hecht.schema.versioning import current_rows

from .conftest import Practice

SCHEMA = Path(__file__).parents[2] / "schema"
PLAIN_SQL_MODULES = [
    "services/caseload.py", "services/signals.py", "services/outcomes.py", "db/quick.py",
    "trail/chain.py", "trail/seals.py", "trail/anchor.py", "courses.py", "summaries.py",
    "dossier_access.py",
]  # fmt: skip


def test_the_orm_and_the_plain_reads_find_the_same_current_versions(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code in ("A1", "B2", "C3"):
            practice.client(code)
        first = practice.episode("A1", date(2026, 9, 1))
        practice.episode("B2", date(2026, 9, 2))
        third = practice.episode("C3", date(2026, 9, 3))
    for lineage, due in ((first, date(2027, 3, 1)), (first, date(2027, 3, 8)), (third, None)):
        with unit_of_work(engine) as session:
            episodes.correct_episode(
                session=session, actor=actor, lineage_id=lineage,
                changes={"due_date": due}, reason="the midwife's dating scan",
            )  # fmt: skip
    with unit_of_work(engine) as session:
        orm = {(row.lineage_id, row.version) for row in current_rows(session, Episode)}
        plain = set(
            of_session(session).rows(
                f"SELECT t.lineage_id, t.version FROM {current_rows_from('episode')}"
            )
        )
    assert orm == plain == {(first, 3), (first + 1, 1), (third, 2)}


def test_every_table_named_in_plain_sql_is_a_table_of_the_models():
    named = set()
    for module in PLAIN_SQL_MODULES:
        source = (SCHEMA / module).read_text(encoding="utf-8")
        named |= set(re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b", source))
        named |= set(re.findall(r"current_rows_from\('([a-z_]+)'\)", source))
    named -= {"n", "t", "the", "a", "it", "outside", "an", "its", "one", "each", "every"}
    assert named, "the pattern found no table: the test would pass whatever the SQL says"
    catalogues = {"alembic_version", "sqlite_master", "pg_trigger", "pg_roles", "pg_policy"}
    known = set(SQLModel.metadata.tables) | catalogues | {"pg_class", "pg_namespace"}
    assert named <= known, named - known


def test_a_time_the_plain_path_writes_or_compares_is_the_one_the_orm_stored(engine):
    """The plain path writes access-log rows and compares times in SQL: it must store a time
    exactly as the ORM does (SQLite keeps text, to the microsecond, in UTC), or a row would not
    match itself and a seal over it would not verify."""
    from zoneinfo import ZoneInfo

    from hecht.schema.context import Actor
    from hecht.schema.tables import Client

    moment = datetime(2026, 11, 24, 9, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Amsterdam"))
    actor = Actor(user_id=None, access_point="test", clock=lambda: moment)
    with unit_of_work(engine) as session:
        Practice(session, actor).client("T1")
    with unit_of_work(engine) as session:
        plain = of_session(session)
        table = Client.__tablename__
        stored = plain.stored_datetime(moment)
        assert plain.rows(f"SELECT code FROM {table} WHERE created_at = ?", [stored]) == [("T1",)]
        [(raw,)] = plain.rows(f"SELECT created_at FROM {table}")
        read = session.get(Client, 1)
    assert read is not None and read.created_at == moment
    if plain.dialect == "sqlite":
        assert raw == stored == "2026-11-24 08:30:05.123456"
