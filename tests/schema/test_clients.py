"""Clients and couples: codes are unique, a couple is exactly two clients, input is checked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, InvalidInputError, NotFoundError
from hecht.schema.inputs import ClientChanges, NewClient, validated
from hecht.schema.services import clients
from hecht.schema.tables import Client


def add(engine, actor, code, name=None):
    with unit_of_work(engine) as session:
        return clients.create_client(
            session=session, actor=actor, new=NewClient(code=code, name=name)
        )


def count_clients(engine) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(Client)).one()


def test_a_registered_client_can_be_read_back(engine, actor):
    created = add(engine, actor, "MOM-01", "Mira")
    with unit_of_work(engine) as session:
        read = clients.get_client(session=session, actor=actor, code="MOM-01")
    assert read == created
    assert read.created_at.tzinfo is not None


def test_a_duplicate_code_is_refused_and_nothing_is_written(engine, actor):
    add(engine, actor, "MOM-01")
    with pytest.raises(ConflictError, match="code 'MOM-01' is already in use"):
        add(engine, actor, "MOM-01")
    assert count_clients(engine) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "with space"}, "code"),
        ({"code": "A1", "birth_year": 1850}, "birth_year"),
        ({"code": "A1", "language": "de"}, "language"),
    ],
)
def test_bad_client_input_names_the_field(data, field):
    with pytest.raises(InvalidInputError) as caught:
        validated(NewClient, data)
    assert caught.value.field == field


def test_search_finds_by_code_or_name_ignoring_case(engine, actor):
    add(engine, actor, "A1", "Mira de Vries")
    add(engine, actor, "B2", "Sam Jansen")
    with unit_of_work(engine) as session:
        by_name = clients.find_clients(session=session, actor=actor, text="VRIES")
        by_code = clients.find_clients(session=session, actor=actor, text="b2")
    assert [c.code for c in by_name] == ["A1"]
    assert [c.code for c in by_code] == ["B2"]


def test_correcting_a_client_changes_only_the_given_fields(engine, actor):
    add(engine, actor, "A1", "Mira")
    with unit_of_work(engine) as session:
        changed = clients.change_client(
            session=session, actor=actor, code="A1", changes=ClientChanges(birth_year=1991)
        )
    assert (changed.name, changed.birth_year) == ("Mira", 1991)


def test_a_couple_is_two_clients_and_a_third_member_is_refused(engine, actor):
    for code in ("A1", "A2", "A3"):
        add(engine, actor, code)
    with unit_of_work(engine) as session:
        couple = clients.create_couple(
            session=session, actor=actor, first_code="A1", second_code="A2"
        )
    assert (couple.first.code, couple.second.code) == ("A1", "A2")
    with pytest.raises(ConflictError, match="already in a couple"):
        with unit_of_work(engine) as session:
            clients.create_couple(session=session, actor=actor, first_code="A3", second_code="A1")


def test_the_database_itself_refuses_a_second_couple_for_a_client(engine, actor):
    for code in ("A1", "A2", "A3"):
        add(engine, actor, code)
    with unit_of_work(engine) as session:
        clients.create_couple(session=session, actor=actor, first_code="A1", second_code="A2")
    with engine.connect() as connection:
        ids = dict(connection.execute(text("SELECT code, id FROM client")).all())
    for first, second in (("A3", "A2"), ("A1", "A3")):  # either place in the pair
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO couple (first_client_id, second_client_id, created_at) "
                    "VALUES (:first, :second, CURRENT_TIMESTAMP)"
                ),
                {"first": ids[first], "second": ids[second]},
            )
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM couple")).scalar() == 1
        members = connection.execute(text("SELECT client_id FROM couplemember")).scalars()
        assert sorted(members) == sorted([ids["A1"], ids["A2"]])


def test_a_client_cannot_be_coupled_with_themself(engine, actor):
    add(engine, actor, "A1")
    with pytest.raises(ConflictError, match="two different clients"):
        with unit_of_work(engine) as session:
            clients.create_couple(session=session, actor=actor, first_code="A1", second_code="A1")


def test_an_unknown_code_is_not_found(engine, actor):
    with pytest.raises(NotFoundError, match="no client with code 'NOPE'"):
        with unit_of_work(engine) as session:
            clients.get_client(session=session, actor=actor, code="NOPE")


def test_a_code_that_differs_only_in_case_is_refused_naming_the_registered_code(engine, actor):
    add(engine, actor, "MOM-01")
    with pytest.raises(ConflictError) as refused:
        add(engine, actor, "mom-01")
    assert str(refused.value) == (
        "code 'MOM-01' is already in use (codes are the same whatever their case): "
        "choose another code"
    )
    assert (refused.value.field, refused.value.reason) == ("code", "in_use_case")
    assert refused.value.details == {"given": "mom-01", "existing": "MOM-01"}
    assert count_clients(engine) == 1


def test_the_database_itself_refuses_a_code_that_differs_only_in_case(engine, actor):
    add(engine, actor, "MOM-01")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (code, created_at) VALUES ('Mom-01', CURRENT_TIMESTAMP)")
        )
    assert count_clients(engine) == 1


def test_a_client_is_found_by_their_code_typed_in_any_case(engine, actor):
    add(engine, actor, "MOM-01", "Mira")
    with unit_of_work(engine) as session:
        found = clients.get_client(session=session, actor=actor, code="mom-01")
    assert (found.code, found.name) == ("MOM-01", "Mira")


def test_a_client_cannot_be_coupled_with_their_own_code_in_another_case(engine, actor):
    add(engine, actor, "A1")
    with pytest.raises(ConflictError, match="two different clients"):
        with unit_of_work(engine) as session:
            clients.create_couple(session=session, actor=actor, first_code="A1", second_code="a1")
