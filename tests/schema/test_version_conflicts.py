"""A change built on an older version is refused, saying who changed what and when; a retry on
the newer version is stored. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, StaleVersionError
from hecht.schema.inputs import ClientChanges, NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.services import administrations as adm
from hecht.schema.services import clients, episodes, visits
from hecht.schema.tables import Episode

LATER = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)


@pytest.fixture
def team(engine, actor):
    """Two practitioners, Anna and Bram, as actors; client A1 with an episode at version 2."""
    with unit_of_work(engine) as session:
        anna = clients.add_practitioner(session=session, actor=actor, name="Anna de Vries")
        bram = clients.add_practitioner(session=session, actor=actor, name="Bram Smit")
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1", name="Mira"))
        episode = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(client_code="A1", started_on=date(2026, 11, 1)),
        )
        episodes.correct_episode(
            session=session, actor=actor, lineage_id=episode.lineage_id,
            changes={"referrer": "GP"}, reason="letter",
        )  # fmt: skip
    anna_acts = replace(actor, user_id=anna, clock=lambda: LATER)
    return anna_acts, replace(actor, user_id=bram), episode.lineage_id


def correct(engine, who, lineage_id, changes, expected_version):
    with unit_of_work(engine) as session:
        return episodes.correct_episode(
            session=session, actor=who, lineage_id=lineage_id, changes=changes,
            reason="seen in the letter", expected_version=expected_version,
        )  # fmt: skip


def history(engine, actor, lineage_id):
    with unit_of_work(engine) as session:
        return episodes.episode_history(session=session, actor=actor, lineage_id=lineage_id)


def test_an_episode_correction_built_on_an_older_version_is_refused_naming_who_changed_what(
    engine, team
):
    anna, bram, lineage = team
    correct(engine, anna, lineage, {"due_date": date(2027, 3, 1), "referrer": "midwife"}, 2)
    with pytest.raises(StaleVersionError) as refused:
        correct(engine, bram, lineage, {"referrer": "GP practice"}, 2)
    message = str(refused.value)
    assert "episode" in message and "you saw version 2" in message
    assert "Anna de Vries changed due date, referrer" in message
    assert LATER.astimezone().strftime("%Y-%m-%d at %H:%M") in message
    assert "Reload it, then make your change again" in message
    (change,) = refused.value.changes
    assert (change.version, change.by, change.at, change.fields) == (
        3, "Anna de Vries", LATER, ("due_date", "referrer"),
    )  # fmt: skip
    assert refused.value.field == "version" and isinstance(refused.value, ConflictError)
    versions = history(engine, anna, lineage)
    assert [(v.version, v.referrer) for v in versions] == [(1, None), (2, "GP"), (3, "midwife")]


def test_after_reloading_the_refused_change_is_stored_on_the_newer_version(engine, team):
    anna, bram, lineage = team
    correct(engine, anna, lineage, {"referrer": "midwife"}, 2)
    with pytest.raises(StaleVersionError):
        correct(engine, bram, lineage, {"referral_text": "fear of birth"}, 2)
    retried = correct(engine, bram, lineage, {"referral_text": "fear of birth"}, 3)
    assert (retried.version, retried.referrer, retried.referral_text) == (
        4, "midwife", "fear of birth",
    )  # fmt: skip


def test_closing_an_episode_someone_corrected_meanwhile_is_refused(engine, team):
    anna, bram, lineage = team
    correct(engine, anna, lineage, {"referrer": "midwife"}, 2)
    with pytest.raises(StaleVersionError, match="Anna de Vries changed referrer"):
        with unit_of_work(engine) as session:
            episodes.close_episode(
                session=session, actor=bram, lineage_id=lineage, ended_on=date(2026, 11, 20),
                expected_version=2,
            )  # fmt: skip


def test_a_change_without_an_expected_version_builds_on_the_current_one(engine, team):
    anna, bram, lineage = team
    correct(engine, anna, lineage, {"referrer": "midwife"}, None)
    assert correct(engine, bram, lineage, {"referral_text": "x"}, None).version == 4


def test_a_version_that_never_existed_is_refused(engine, team):
    anna, _, lineage = team
    with pytest.raises(ConflictError, match="has no version 7"):
        correct(engine, anna, lineage, {"referrer": "midwife"}, 7)


def test_a_client_change_built_on_older_details_is_refused_naming_who_changed_which_fields(
    engine, team
):
    anna, bram, _ = team
    with unit_of_work(engine) as session:
        seen = clients.get_client(session=session, actor=bram, code="A1")
    assert seen.version == 1
    with unit_of_work(engine) as session:
        changed = clients.change_client(
            session=session, actor=anna, code="A1",
            changes=ClientChanges(contact="06-1234", name="Mira K."), expected_version=1,
        )  # fmt: skip
    assert changed.version == 2
    with pytest.raises(StaleVersionError) as refused:
        with unit_of_work(engine) as session:
            clients.change_client(
                session=session, actor=bram, code="A1",
                changes=ClientChanges(contact="020-555"), expected_version=seen.version,
            )  # fmt: skip
    assert "client 'A1' was changed after you opened it" in str(refused.value)
    assert "Anna de Vries changed contact, name" in str(refused.value)
    (change,) = refused.value.changes
    assert (change.version, change.by, change.fields, change.at) == (
        2, "Anna de Vries", ("contact", "name"), LATER,
    )  # fmt: skip
    with unit_of_work(engine) as session:
        kept = clients.get_client(session=session, actor=bram, code="A1")
    assert (kept.contact, kept.name, kept.version) == ("06-1234", "Mira K.", 2)
    with unit_of_work(engine) as session:
        retried = clients.change_client(
            session=session, actor=bram, code="A1",
            changes=ClientChanges(contact="020-555"), expected_version=kept.version,
        )  # fmt: skip
    assert (retried.contact, retried.name, retried.version) == ("020-555", "Mira K.", 3)


def test_a_client_change_without_an_expected_version_changes_what_is_current(engine, team):
    anna, bram, _ = team
    for who, year in ((anna, 1990), (bram, 1991)):
        with unit_of_work(engine) as session:
            changed = clients.change_client(
                session=session, actor=who, code="A1", changes=ClientChanges(birth_year=year)
            )
    assert (changed.birth_year, changed.version) == (1991, 3)


def test_a_visit_note_built_on_an_older_version_is_refused_and_a_retraction_too(engine, team):
    anna, bram, episode = team
    with unit_of_work(engine) as session:
        visit = visits.record_visit(
            session=session, actor=anna,
            new=NewVisit(episode_lineage_id=episode, visit_date=date(2026, 11, 20),
                         attendee_codes=["A1"]),
        )  # fmt: skip
    with unit_of_work(engine) as session:
        visits.correct_visit(
            session=session, actor=anna, lineage_id=visit.lineage_id,
            changes={"note": "slept better", "themes": ["sleep"]}, reason="note written",
            expected_version=1,
        )  # fmt: skip
    with pytest.raises(StaleVersionError, match="Anna de Vries changed note, themes"):
        with unit_of_work(engine) as session:
            visits.correct_visit(
                session=session, actor=bram, lineage_id=visit.lineage_id,
                changes={"note": "tired"}, reason="note written", expected_version=1,
            )  # fmt: skip
    with pytest.raises(StaleVersionError, match="Anna de Vries changed note"):
        with unit_of_work(engine) as session:
            visits.retract_visit(
                session=session, actor=bram, lineage_id=visit.lineage_id,
                reason="wrong client", expected_version=1,
            )  # fmt: skip


@pytest.fixture
def who5(engine, team, library):
    """A completed WHO-5 of A1, every answer 3: its lineage."""
    anna, _, episode = team
    context = {"actor": anna, "library": library}
    with unit_of_work(engine) as session:
        new = NewAdministration(client_code="A1", scale_id="who5", episode_lineage_id=episode)
        draft = adm.start_administration(session=session, new=new, **context)
        for item in "12345":
            adm.record_answer(
                session=session, administration_id=draft.id, item_id=item, code="3", **context
            )
        adm.complete_administration(session=session, administration_id=draft.id, **context)
    return draft.lineage_id


def correct_answers(engine, who, library, lineage, answers, expected_version):
    with unit_of_work(engine) as session:
        return adm.correct_administration(
            session=session, actor=who, library=library, lineage_id=lineage, answers=answers,
            reason="typed wrongly", expected_version=expected_version,
        )  # fmt: skip


def test_an_answer_correction_built_on_an_older_version_is_refused_naming_the_items(
    engine, team, library, who5
):
    anna, bram, _ = team
    correct_answers(engine, anna, library, who5, {"2": "5"}, 1)
    with pytest.raises(StaleVersionError) as refused:
        correct_answers(engine, bram, library, who5, {"4": "0"}, 1)
    assert "Anna de Vries changed item 2" in str(refused.value)
    retried = correct_answers(engine, bram, library, who5, {"4": "0"}, 2)
    assert [answer.code for answer in retried.answers] == [3, 5, 3, 0, 3]


def test_a_correction_of_an_administration_someone_retracted_says_who_retracted_it(
    engine, team, library, who5
):
    anna, bram, _ = team
    with unit_of_work(engine) as session:
        adm.retract_administration(
            session=session, actor=anna, lineage_id=who5, reason="other client",
            expected_version=1,
        )  # fmt: skip
    with pytest.raises(StaleVersionError, match="Anna de Vries retracted it") as refused:
        correct_answers(engine, bram, library, who5, {"4": "0"}, 1)
    assert refused.value.changes[0].retracted
    with pytest.raises(ConflictError, match="only a completed administration can be corrected"):
        correct_answers(engine, bram, library, who5, {"4": "0"}, 2)


def test_the_database_refuses_two_versions_with_one_number_whatever_wrote_them(engine, team):
    _, _, lineage = team
    with Session(engine) as session:
        current = session.exec(
            select(Episode).where(Episode.lineage_id == lineage, Episode.version == 2)
        ).one()
        data = current.model_dump(exclude={"id"})
        session.add(Episode(**{**data, "referrer": "a fork of version 1"}))
        with pytest.raises(IntegrityError):
            session.commit()
