"""What a record's history needs: who changed each version, when and why; why an item is missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hecht.schema.db.database import unit_of_work
from hecht.schema.inputs import NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.services import administrations, clients, episodes, visits


def test_every_episode_version_says_who_recorded_it_when_and_why(engine, actor):
    with unit_of_work(engine) as session:
        anna = clients.add_practitioner(session=session, actor=actor, name="Anna")
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1"))
        first = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(client_code="A1", started_on=date(2026, 11, 1)),
        )
    with unit_of_work(engine) as session:
        episodes.correct_episode(
            session=session,
            actor=replace(actor, user_id=anna),
            lineage_id=first.lineage_id,
            changes={"referrer": "GP"},
            reason="referral letter arrived",
        )
    with unit_of_work(engine) as session:
        versions = episodes.episode_history(
            session=session, actor=actor, lineage_id=first.lineage_id
        )
        names = clients.practitioner_names(
            session=session, ids={v.recorded_by_id for v in versions if v.recorded_by_id}
        )
    assert [(v.recorded_by_id, v.change_reason) for v in versions] == [
        (None, None),
        (anna, "referral letter arrived"),
    ]
    assert versions[1].recorded_at == actor.now()
    assert names == {anna: "Anna"}


def test_a_visit_version_names_its_recorder(engine, actor):
    with unit_of_work(engine) as session:
        bram = clients.add_practitioner(session=session, actor=actor, name="Bram")
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1"))
        episode = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(client_code="A1", started_on=date(2026, 11, 1)),
        )
        visit = visits.record_visit(
            session=session,
            actor=replace(actor, user_id=bram),
            new=NewVisit(
                episode_lineage_id=episode.lineage_id,
                visit_date=date(2026, 11, 20),
                attendee_codes=["A1"],
            ),
        )
    assert visit.recorded_by_id == bram


def test_no_practitioners_asked_means_no_names(engine):
    with unit_of_work(engine) as session:
        assert clients.practitioner_names(session=session, ids=set()) == {}


def test_a_missing_answer_keeps_its_reason_and_an_answer_drops_it(engine, actor, library):
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1"))
        draft = administrations.start_administration(
            session=session,
            actor=actor,
            library=library,
            new=NewAdministration(client_code="A1", scale_id="who5"),
        )

    def answer(item: str, code: str | None, reason: str | None) -> None:
        with unit_of_work(engine) as session:
            administrations.record_answer(
                session=session,
                actor=actor,
                library=library,
                administration_id=draft.id,
                item_id=item,
                code=code,
                missing_reason=reason,
            )

    answer("1", None, "client did not want to answer")
    answer("2", None, "skipped")
    answer("2", "3", "skipped")  # answered after all: a reason for a given answer is not kept
    with unit_of_work(engine) as session:
        (stored,) = administrations.open_drafts(session=session, actor=actor, code="A1")
    reasons = {a.item_id: (a.code, a.missing_reason) for a in stored.answers}
    assert reasons == {"1": (None, "client did not want to answer"), "2": (3, None)}
