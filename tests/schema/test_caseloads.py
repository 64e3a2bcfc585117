"""Caseloads on a shared PostgreSQL database: each practitioner's role sees only its dossiers.

Two practitioners, Anna and Bram, connect with roles of their own; the role that owns the
tables is the practice's administrator. The tests make the roles (the test user needs
CREATEROLE, as ``.ci/run`` gives it) and drop them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.dossier_access import (
    CaseloadError,
    caseload_state,
    client_caseload,
    restrict_caseloads,
    share_client,
    unshare_client,
)
from hecht.schema.errors import NotFoundError
from hecht.schema.services import clients, destroy
from hecht.schema.trail.audit import verify_all
from tests.schema.conftest import POSTGRES_URL, Practice
from tests.schema.shared_practice import SharedPractice, shared_practice

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against"
)

DOSSIER_TABLES = (
    "client", "couple", "episode", "visit", "administration", "itemresponse", "score",
    "scoresummary", "episodecourse", "alert",
)  # fmt: skip
EPDS_WITH_SELF_HARM = "1,1,1,1,1,1,1,1,1,2"


@pytest.fixture
def shared() -> Iterator[SharedPractice]:
    with shared_practice() as practice:
        yield practice


def _fill(engine: Engine, actor, library, code: str, partner: str | None = None) -> None:
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client(code)
        episode = practice.episode(code, date(2026, 10, 1))
        practice.visits(episode, [code], date(2026, 10, 8))
        practice.scale(code, "epds", EPDS_WITH_SELF_HARM, date(2026, 10, 8), episode)
        practice.scale(code, "who5", "2,2,2,2,2", date(2026, 10, 8), episode)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            for table in DOSSIER_TABLES
        }


def _codes(engine: Engine, actor) -> list[str]:
    with unit_of_work(engine) as session:
        return [found.code for found in clients.find_clients(session=session, actor=actor)]


def test_with_caseloads_on_each_practitioner_sees_only_their_own_dossiers(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.anna, actor, library, "A1")
    _fill(shared.bram, actor, library, "B1")

    everything, anna, bram = (_counts(e) for e in (shared.administrator, shared.anna, shared.bram))
    for table in DOSSIER_TABLES:
        assert anna[table] + bram[table] == everything[table], table
        if everything[table]:
            assert anna[table] == bram[table] == everything[table] // 2, table
    assert _codes(shared.anna, actor) == ["A1"]
    assert _codes(shared.bram, actor) == ["B1"]
    assert _codes(shared.administrator, actor) == ["A1", "B1"]
    with unit_of_work(shared.anna) as session, pytest.raises(NotFoundError):
        clients.get_client(session=session, actor=actor, code="B1")


def test_a_practitioner_cannot_write_into_a_dossier_outside_their_caseload(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.bram, actor, library, "B1")
    with shared.administrator.connect() as connection:
        bram_client, bram_administration = connection.execute(
            text("SELECT client_id, id FROM administration LIMIT 1")
        ).one()
    with pytest.raises(ProgrammingError, match="row-level security"), shared.anna.begin() as c:
        c.execute(
            text(
                "INSERT INTO alert (administration_id, client_id, rule_id, item, level, "
                "raised_at) VALUES (:administration, :client, 'x', '1', 'urgent', now())"
            ),
            {"administration": bram_administration, "client": bram_client},
        )
    with shared.anna.begin() as connection:
        changed = connection.execute(text("UPDATE client SET name = 'taken' WHERE code = 'B1'"))
        assert changed.rowcount == 0
        gone = connection.execute(text("DELETE FROM score"))
        assert gone.rowcount == 0
    assert _counts(shared.bram)["score"] == 2


def test_the_practice_shares_a_dossier_with_a_colleague_and_takes_it_back(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.bram, actor, library, "B1")
    anna_role = shared.roles["anna"]
    with unit_of_work(shared.administrator) as session:
        assert share_client(session=session, actor=actor, code="B1", role=anna_role)
        assert not share_client(session=session, actor=actor, code="B1", role=anna_role)
    assert _codes(shared.anna, actor) == ["B1"]
    assert _counts(shared.anna) == _counts(shared.bram)
    with unit_of_work(shared.administrator) as session:
        held = client_caseload(session=session, code="B1")
        assert (held.owner, held.shared_with) == (shared.roles["bram"], (anna_role,))
        assert unshare_client(session=session, actor=actor, code="B1", role=anna_role)
    assert _codes(shared.anna, actor) == []


def test_a_couple_is_in_a_caseload_when_both_partners_are(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.anna, actor, library, "A1")
    _fill(shared.bram, actor, library, "B1")
    with unit_of_work(shared.administrator) as session:
        clients.create_couple(session=session, actor=actor, first_code="A1", second_code="B1")
    assert _counts(shared.anna)["couple"] == 0
    with unit_of_work(shared.administrator) as session:
        share_client(session=session, actor=actor, code="B1", role=shared.roles["anna"])
    assert _counts(shared.anna)["couple"] == 1
    assert _counts(shared.bram)["couple"] == 0


def test_with_caseloads_off_every_practitioner_sees_every_dossier(shared, actor, library):
    _fill(shared.anna, actor, library, "A1")
    _fill(shared.bram, actor, library, "B1")
    assert _codes(shared.anna, actor) == _codes(shared.bram, actor) == ["A1", "B1"]
    restrict_caseloads(shared.administrator, on=True)
    assert _codes(shared.anna, actor) == ["A1"]
    state = restrict_caseloads(shared.administrator, on=False)
    assert state.restricted == 0 and state.policies == len(DOSSIER_TABLES)
    assert _codes(shared.bram, actor) == ["A1", "B1"]


def test_only_the_administrator_turns_caseloads_on_or_off_and_shares(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.anna, actor, library, "A1")
    with pytest.raises(CaseloadError) as refused:
        restrict_caseloads(shared.anna, on=False)
    assert refused.value.reason == "not_administrator"
    with unit_of_work(shared.anna) as session, pytest.raises(CaseloadError):
        share_client(session=session, actor=actor, code="A1", role=shared.roles["bram"])
    with shared.anna.connect() as connection:
        state = caseload_state(connection)
    assert state.limits_this_role and state.in_no_caseload is None
    assert _codes(shared.bram, actor) == []


def test_clients_stored_before_caseloads_belong_to_nobody_until_shared(shared, actor, library):
    _fill(shared.administrator, actor, library, "OLD1")
    with shared.administrator.begin() as connection:
        connection.execute(text("UPDATE client SET owner_role = NULL"))  # as migration 0008 left it
        restrict_caseloads_state = caseload_state(connection)
    assert restrict_caseloads_state.in_no_caseload == 1
    restrict_caseloads(shared.administrator, on=True)
    assert _codes(shared.anna, actor) == _codes(shared.bram, actor) == []


def test_the_log_and_the_seals_stay_whole_when_practitioners_keep_their_own_caseloads(
    shared, actor, library
):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.anna, actor, library, "A1")
    _fill(shared.bram, actor, library, "B1")
    with unit_of_work(shared.anna) as session:
        destroy.destroy_client(session=session, actor=actor, code="A1")
    with unit_of_work(shared.administrator) as session:
        report = verify_all(session=session)
    assert report.intact, report


def test_caseloads_are_refused_on_a_sqlite_file(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'hecht.db'}")
    try:
        with pytest.raises(CaseloadError) as refused:
            restrict_caseloads(engine, on=True)
        assert refused.value.reason == "sqlite"
    finally:
        engine.dispose()


@pytest.mark.parametrize("typed", ["B1", "b1"], ids=["same case", "another case"])
def test_a_code_in_another_caseload_is_refused_as_in_use_and_nothing_is_stored(
    shared, actor, library, typed
):
    from hecht.schema.errors import ConflictError
    from hecht.schema.inputs import NewClient

    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.bram, actor, library, "B1")
    before = _counts(shared.administrator)
    with pytest.raises(ConflictError, match="already in use") as refused:
        with unit_of_work(shared.anna) as session:
            clients.create_client(session=session, actor=actor, new=NewClient(code=typed))
    # the code held in another caseload is not Anna's to see: neither it nor its case is named
    assert refused.value.field == "code"
    assert (refused.value.reason, refused.value.details) == ("in_use", {"given": typed})
    assert _counts(shared.administrator) == before


def _owner(shared: SharedPractice, code: str) -> str | None:
    with shared.administrator.connect() as connection:
        found = connection.execute(
            text("SELECT owner_role FROM client WHERE code = :code"), {"code": code}
        ).scalar()
    return None if found is None else str(found)


def test_a_practitioner_can_neither_claim_nor_hand_away_a_client(shared, actor, library):
    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.bram, actor, library, "B1")
    anna, bram = shared.roles["anna"], shared.roles["bram"]
    with unit_of_work(shared.administrator) as session:
        share_client(session=session, actor=actor, code="B1", role=anna)
    with shared.anna.begin() as connection:
        connection.execute(text("UPDATE client SET owner_role = :me"), {"me": anna})
        connection.execute(
            text(
                "INSERT INTO client (code, created_at, owner_role, version) "
                "VALUES ('A9', now(), :other, 1)"
            ),
            {"other": bram},
        )
    assert (_owner(shared, "B1"), _owner(shared, "A9")) == (bram, anna)
    with shared.administrator.begin() as connection:  # the administrator hands a client over
        connection.execute(
            text("UPDATE client SET owner_role = :to WHERE code = 'B1'"), {"to": anna}
        )
    assert _owner(shared, "B1") == anna


def _administrators_caseload(shared: SharedPractice, actor, library) -> None:
    from hecht.schema.services.caseload import caseload

    with unit_of_work(shared.administrator) as session:
        caseload(session=session, actor=actor, library=library)


def test_a_practitioner_seeing_only_a_caseload_leaves_the_course_rules_to_the_administrator(
    shared, actor, library
):
    for engine, code in ((shared.anna, "A1"), (shared.bram, "B1")):
        _fill(engine, actor, library, code)
        with unit_of_work(engine) as session:  # a second EPDS: a course to judge
            practice = Practice(session, actor, library)
            episode = practice.episode_of(code)
            practice.scale(code, "epds", "0,0,0,0,0,0,0,0,0,0", date(2026, 11, 5), episode)
    restrict_caseloads(shared.administrator, on=True)
    _administrators_caseload(shared, actor, library)  # the rules stored, every course judged
    judged = "SELECT id, course FROM scoresummary ORDER BY id"
    with shared.administrator.begin() as connection:
        before = connection.execute(text(judged)).all()
        connection.execute(text("DELETE FROM courserule"))  # as after a change of the library
        connection.execute(text("UPDATE scoresummary SET course = NULL"))
    _codes(shared.anna, actor)  # a caseload read: the signals check the rules
    with unit_of_work(shared.anna) as session:
        from hecht.schema.services.caseload import caseload

        caseload(session=session, actor=actor, library=library)
    with shared.administrator.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM courserule")).scalar() == 0
        assert {course for _, course in connection.execute(text(judged))} == {None}
    _administrators_caseload(shared, actor, library)
    with shared.administrator.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM courserule")).scalar() > 0
        assert connection.execute(text(judged)).all() == before  # every caseload judged again
    assert any(course is not None for _, course in before)


def test_a_client_shared_with_two_practitioners_is_never_put_in_a_second_couple(
    shared, actor, library
):
    from hecht.schema.errors import ConflictError

    restrict_caseloads(shared.administrator, on=True)
    _fill(shared.anna, actor, library, "A1")
    _fill(shared.bram, actor, library, "B1")
    _fill(shared.administrator, actor, library, "X1")
    with unit_of_work(shared.administrator) as session:
        for role in ("anna", "bram"):
            share_client(session=session, actor=actor, code="X1", role=shared.roles[role])
    with unit_of_work(shared.anna) as session:
        clients.create_couple(session=session, actor=actor, first_code="A1", second_code="X1")
    assert _counts(shared.bram)["couple"] == 0  # Anna's couple is hidden from Bram
    before = _counts(shared.administrator)
    with pytest.raises(ConflictError) as refused:
        with unit_of_work(shared.bram) as session:
            clients.create_couple(session=session, actor=actor, first_code="X1", second_code="B1")
    assert (refused.value.reason, refused.value.details) == (
        "couple_taken",
        {"first": "X1", "second": "B1"},
    )
    assert _counts(shared.administrator) == before
    with shared.bram.connect() as connection, pytest.raises(ProgrammingError):
        connection.execute(text("SELECT count(*) FROM couplemember"))  # no rights on it
