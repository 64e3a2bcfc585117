"""The audit log (NEN 7513): every access recorded, append-only, and a hash chain that tells."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError, InternalError, ProgrammingError

from hecht.schema.db.database import unit_of_work
from hecht.schema.inputs import NewClient
from hecht.schema.services import clients
from hecht.schema.trail.audit import client_log, verify_chain


def register(engine, actor, code="A1"):
    with unit_of_work(engine) as session:
        return clients.create_client(
            session=session, actor=actor, new=NewClient(code=code, name="Name")
        )


def test_creating_reading_and_searching_a_dossier_each_write_one_event(engine, actor):
    register(engine, actor)
    with unit_of_work(engine) as session:
        clients.get_client(session=session, actor=actor, code="A1")
        clients.find_clients(session=session, actor=actor, text="a")
        log = client_log(session=session, client_id=1)
    assert [(entry.event, entry.client_code, entry.access_point) for entry in log] == [
        ("create", "A1", "test:workstation"),
        ("read", "A1", "test:workstation"),
    ]


def test_the_log_holds_codes_but_never_names(engine, actor):
    register(engine, actor)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM auditevent")).all()
    assert rows
    assert all("Name" not in str(row) for row in rows)


def test_an_intact_chain_verifies(engine, actor):
    register(engine, actor, "A1")
    register(engine, actor, "B2")
    with unit_of_work(engine) as session:
        report = verify_chain(session=session)
    assert (report.events, report.intact) == (2, True)


REFUSED = (IntegrityError, InternalError, DatabaseError, ProgrammingError)


@pytest.mark.parametrize(
    "statement", ["UPDATE auditevent SET outcome = 'refused'", "DELETE FROM auditevent"]
)
def test_the_database_itself_refuses_to_change_or_remove_audit_rows(engine, actor, statement):
    register(engine, actor)
    with pytest.raises(REFUSED, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))


def drop_guards(engine) -> None:
    """What an attacker with database access would do first."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER auditevent_no_change ON auditevent"))
        else:
            connection.execute(text("DROP TRIGGER auditevent_no_update"))
            connection.execute(text("DROP TRIGGER auditevent_no_delete"))


@pytest.mark.parametrize(
    ("tampering", "problem"),
    [
        pytest.param(
            "UPDATE auditevent SET access_point = 'elsewhere' WHERE seq = 2",
            "event 2 was changed after it was written",
            id="a-row-changed-by-hand",
        ),
        pytest.param(
            "DELETE FROM auditevent WHERE seq = 2", "events 2–2 are missing", id="a-removed-row"
        ),
    ],
)
def test_verify_finds_a_row_changed_or_removed_by_hand(engine, actor, tampering, problem):
    for code in ("A1", "B2", "C3"):
        register(engine, actor, code)
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text(tampering))
    with unit_of_work(engine) as session:
        report = verify_chain(session=session)
    assert report.problems == [problem]
