"""What a record's history needs: who changed each version, when and why; why an item is missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hecht.schema.db.database import unit_of_work
from hecht.schema.services import administrations, clients, episodes
from tests.schema.conftest import Practice


def test_every_episode_version_says_who_recorded_it_when_and_why(engine, actor, library):
    with unit_of_work(engine) as session:
        anna = clients.add_practitioner(session=session, actor=actor, name="Anna")
        practice = Practice(session, actor, library)
        first = practice.episode(practice.client("A1"), date(2026, 11, 1))
    with unit_of_work(engine) as session:
        episodes.correct_episode(
            session=session,
            actor=replace(actor, user_id=anna),
            lineage_id=first,
            changes={"referrer": "GP"},
            reason="referral letter arrived",
        )
    with unit_of_work(engine) as session:
        versions = episodes.episode_history(session=session, actor=actor, lineage_id=first)
        names = clients.practitioner_names(
            session=session, ids={v.recorded_by_id for v in versions if v.recorded_by_id}
        )
    assert [(v.recorded_by_id, v.change_reason) for v in versions] == [
        (None, None),
        (anna, "referral letter arrived"),
    ]
    assert versions[1].recorded_at == actor.now()
    assert names == {anna: "Anna"}


def test_a_visit_version_names_its_recorder(engine, actor, library):
    with unit_of_work(engine) as session:
        bram = clients.add_practitioner(session=session, actor=actor, name="Bram")
        practice = Practice(session, actor, library)
        episode = practice.episode(practice.client("A1"), date(2026, 11, 1))
        as_bram = Practice(session, replace(actor, user_id=bram), library)
        visit = as_bram.visit(episode, ["A1"], date(2026, 11, 20))
    assert visit.recorded_by_id == bram


def test_no_practitioners_asked_means_no_names(engine):
    with unit_of_work(engine) as session:
        assert clients.practitioner_names(session=session, ids=set()) == {}


def test_a_missing_answer_keeps_its_reason_and_an_answer_drops_it(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        draft = practice.draft(practice.client("A1"), "who5", {})

    def answer(item: str, code: str | None, reason: str | None) -> None:
        with unit_of_work(engine) as session:
            Practice(session, actor, library).answer(draft.id, item, code, missing_reason=reason)

    answer("1", None, "client did not want to answer")
    answer("2", None, "skipped")
    answer("2", "3", "skipped")  # answered after all: a reason for a given answer is not kept
    with unit_of_work(engine) as session:
        (stored,) = administrations.open_drafts(session=session, actor=actor, code="A1")
    reasons = {a.item_id: (a.code, a.missing_reason) for a in stored.answers}
    assert reasons == {"1": (None, "client did not want to answer"), "2": (3, None)}
