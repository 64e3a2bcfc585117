"""How the caseload reads: plain rows from a fixed number of grouped queries, never ORM objects."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from hecht.schema.db.database import unit_of_work
from hecht.schema.db.plain import PlainConnection
from hecht.schema.services.caseload import caseload
from tests.schema.conftest import Practice


def add_clients(engine, actor, codes: list[str], couple: bool = False) -> None:
    """Register clients, the first two as a couple sharing one episode if asked.

    The others get an episode of their own and one visit each.
    """
    with unit_of_work(engine) as session:
        practice = Practice(session, actor)
        for code in codes:
            practice.client(code)
        if couple:
            practice.couple(codes[0], codes[1], date(2026, 10, 1))
        for code in codes[2 if couple else 0 :]:
            episode = practice.episode(code, date(2026, 10, 1))
            practice.visit(episode, [code], date(2026, 11, 2))


def selects_while_reading(engine, actor, library) -> tuple[list, int, set[str]]:
    """The caseload, how many SELECTs it sent, and which ORM classes it loaded as objects.

    Counted twice over: what went through SQLAlchemy, and the plain SQL the caseload sends on
    the DB-API connection under it.
    """
    sent: list[str] = []
    loaded: set[str] = set()
    plain_rows = PlainConnection.rows

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    def counted_rows(self, sql, params=()):
        count(None, None, sql.split(") SELECT", 1)[-1] if sql.startswith("WITH") else sql)
        return plain_rows(self, sql, params)

    event.listen(engine, "before_cursor_execute", count)
    PlainConnection.rows = counted_rows
    try:
        with unit_of_work(engine) as session:
            event.listen(
                session, "loaded_as_persistent", lambda _s, obj: loaded.add(type(obj).__name__)
            )
            rows = caseload(session=session, actor=actor, library=library)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        PlainConnection.rows = plain_rows
    return rows, len(sent), loaded


def test_the_caseload_reads_plain_rows_and_loads_no_orm_objects(engine, actor, library):
    add_clients(engine, actor, ["P1", "P2", "S1"], couple=True)
    rows, _, loaded = selects_while_reading(engine, actor, library)
    assert [(row.code, row.partner_code, row.visits) for row in rows] == [
        ("P1", "P2", 0),
        ("P2", "P1", 0),
        ("S1", None, 1),
    ]
    assert loaded == set()


def test_the_caseload_sends_as_many_queries_for_many_clients_as_for_few(engine, actor, library):
    add_clients(engine, actor, ["A1", "A2"], couple=True)
    selects_while_reading(engine, actor, library)  # the first read stores the scales' rules
    _, few, _ = selects_while_reading(engine, actor, library)
    add_clients(engine, actor, [f"B{n}" for n in range(8)], couple=True)
    rows, many, _ = selects_while_reading(engine, actor, library)
    assert len(rows) == 10
    assert few > 5  # couples, episodes, clients, visits, alerts, drafts, scores, signals
    assert many == few
