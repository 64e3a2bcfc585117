"""Drafts: born with their first answer (and their visit with it), discarded only with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, InvalidInputError
from hecht.schema.inputs import GivenAnswer, NewAdministration, NewVisit
from hecht.schema.services import administrations as adm
from hecht.schema.services import clients, visits
from hecht.schema.services.drafts import discard_draft, store_answers
from hecht.schema.tables import Administration, AuditEvent, EntryMode, Visit
from tests.schema.conftest import Practice

START = date(2026, 9, 1)


@pytest.fixture
def episode(engine, actor) -> int:
    with unit_of_work(engine) as session:
        practice = Practice(session, actor)
        return practice.episode(practice.client("A1"), START)


def count(engine, model) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def first_who5_answer(session, actor, library):
    """Start A1's WHO-5 as the entry screen does, with its first answer (a 2 on item 1)."""
    return store_answers(
        session=session,
        actor=actor,
        library=library,
        answers=[GivenAnswer("1", "2")],
        new=NewAdministration(client_code="A1", scale_id="who5"),
    )


def test_a_draft_and_its_visit_are_stored_with_the_first_answer_and_not_before(
    engine, actor, library, episode
):
    assert count(engine, Administration) == count(engine, Visit) == 0
    with unit_of_work(engine) as session:
        stored = store_answers(
            session=session, actor=actor, library=library,
            answers=[GivenAnswer("1", "3")],
            new=NewAdministration(client_code="A1", scale_id="who5", episode_lineage_id=episode),
            new_visit=NewVisit(
                episode_lineage_id=episode, visit_date=date(2026, 11, 24), attendee_codes=["A1"]
            ),
        )  # fmt: skip
    assert stored.visit is not None
    assert stored.draft.visit_lineage_id == stored.visit.lineage_id
    assert [(a.item_id, a.code) for a in stored.draft.answers] == [("1", 3)]
    assert count(engine, Administration) == count(engine, Visit) == 1


def test_a_refused_answer_stores_neither_the_draft_nor_its_visit(engine, actor, library, episode):
    with pytest.raises(InvalidInputError):
        with unit_of_work(engine) as session:
            store_answers(
                session=session, actor=actor, library=library,
                answers=[GivenAnswer("1", "3"), GivenAnswer("2", "9")],
                new=NewAdministration(client_code="A1", scale_id="who5"),
                new_visit=NewVisit(
                    episode_lineage_id=episode, visit_date=START, attendee_codes=["A1"]
                ),
            )  # fmt: skip
    assert count(engine, Administration) == count(engine, Visit) == 0


def test_a_paper_form_is_stored_at_once_and_marks_the_draft_as_typed_from_paper(
    engine, actor, library, episode
):
    with unit_of_work(engine) as session:
        first = first_who5_answer(session, actor, library)
        assert first.draft.mode == "interview"
        rest = [GivenAnswer(str(item), "4") for item in range(2, 6)]
        stored = store_answers(
            session=session, actor=actor, library=library, answers=rest,
            administration_id=first.draft.id, mode=EntryMode.PAPER,
        )  # fmt: skip
    assert stored.draft.mode == "paper"
    assert [a.code for a in stored.draft.answers] == [2, 4, 4, 4, 4]


def test_a_discarded_draft_leaves_the_open_drafts_and_says_why_in_its_history(
    engine, actor, library, episode
):
    with unit_of_work(engine) as session:
        stored = first_who5_answer(session, actor, library)
    before = count(engine, AuditEvent)
    with pytest.raises(ConflictError, match="reason"):
        with unit_of_work(engine) as session:
            discard_draft(
                session=session, actor=actor, administration_id=stored.draft.id, reason=" "
            )
    with unit_of_work(engine) as session:
        discard_draft(
            session=session, actor=actor, administration_id=stored.draft.id,
            reason="started for the wrong client",
        )  # fmt: skip
        assert adm.open_drafts(session=session, actor=actor, code="A1") == []
        versions = adm.administration_history(
            session=session, actor=actor, lineage_id=stored.draft.lineage_id
        )
    assert [(v.status, v.change_reason) for v in versions] == [
        ("retracted", "started for the wrong client")
    ]
    assert [a.code for a in versions[0].answers] == [2]  # the answers stay readable
    assert count(engine, AuditEvent) > before
    with pytest.raises(ConflictError, match="not a draft"):
        with unit_of_work(engine) as session:
            discard_draft(
                session=session, actor=actor, administration_id=stored.draft.id, reason="again"
            )


def test_a_visit_recorded_with_an_answer_is_an_ordinary_visit_of_the_episode(
    engine, actor, library, episode
):
    with unit_of_work(engine) as session:
        store_answers(
            session=session, actor=actor, library=library, answers=[GivenAnswer("1", "1")],
            new=NewAdministration(client_code="A1", scale_id="who5", episode_lineage_id=episode),
            new_visit=NewVisit(episode_lineage_id=episode, visit_date=START, attendee_codes=["A1"]),
        )  # fmt: skip
        found = visits.visits_in_episode(session=session, actor=actor, episode_lineage_id=episode)
    assert [v.visit_date for v in found] == [START]


def test_answers_added_to_a_draft_are_logged_under_who_added_them_without_what_was_answered(
    engine, actor, library, episode
):
    """A colleague resuming a draft leaves a trace of their own: one event per store, naming
    the items, never a code or a reason (the log is not a second copy of the answers)."""
    from dataclasses import replace

    with unit_of_work(engine) as session:
        first = first_who5_answer(session, actor, library)
        colleague = clients.add_practitioner(session=session, actor=actor, name="Bo Smit")
    resumed_by = replace(actor, user_id=colleague, access_point="tui:bo@praktijk-2")
    for given in ([GivenAnswer("2", "4")], [GivenAnswer("3", "5"), GivenAnswer("4", None, "weg")]):
        with unit_of_work(engine) as session:
            store_answers(
                session=session, actor=resumed_by, library=library, answers=given,
                administration_id=first.draft.id,
            )  # fmt: skip
    with unit_of_work(engine) as session:
        logged = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    added = [(e.event, e.client_code, e.user_id, e.detail) for e in logged if e.user_id]
    lineage = first.draft.lineage_id
    assert added == [
        ("change", "A1", colleague, f"administration {lineage} (who5): answered item 2"),
        ("change", "A1", colleague, f"administration {lineage} (who5): answered items 3, 4"),
    ]
    assert not any("weg" in (e.detail or "") for e in logged)


def answer_on(engine, actor, library, draft_id, shown, *given):
    """Store answers from a screen that shows the draft as ``shown``."""
    with unit_of_work(engine) as session:
        return store_answers(
            session=session, actor=actor, library=library, answers=list(given),
            administration_id=draft_id, shown=shown,
        )  # fmt: skip


def stored_sheet(engine, draft_id) -> dict[str, str | None]:
    with unit_of_work(engine) as session:
        return adm.typed_sheet(session, draft_id)


def test_an_answer_given_meanwhile_on_another_screen_is_not_written_over_unseen(
    engine, actor, library, episode
):
    with unit_of_work(engine) as session:
        draft = first_who5_answer(session, actor, library).draft.id  # item 1: 2
    # screen A, which typed item 1, answers item 2; screen B opened the draft before A's answer
    answer_on(engine, actor, library, draft, {"1": "2"}, GivenAnswer("2", "4"))
    with pytest.raises(ConflictError) as refused:
        answer_on(engine, actor, library, draft, {"1": "2"}, GivenAnswer("2", "1"))
    assert (refused.value.reason, refused.value.details["items"]) == ("answered_elsewhere", "2")
    assert refused.value.details["answers"] == {"1": "2", "2": "4"}  # the screen shows these now
    assert stored_sheet(engine, draft) == {"1": "2", "2": "4"}
    # shown the answer now, B replaces it on purpose; an item no one answered is B's to answer
    answer_on(engine, actor, library, draft, {"1": "2", "2": "4"}, GivenAnswer("2", "1"))
    answer_on(engine, actor, library, draft, {"1": "2"}, GivenAnswer("3", None, "weg"))
    assert stored_sheet(engine, draft) == {"1": "2", "2": "1", "3": None}
    answer_on(engine, actor, library, draft, {"3": None}, GivenAnswer("3", "5"))  # missing seen
    assert stored_sheet(engine, draft)["3"] == "5"


def test_a_review_completes_only_the_answers_it_showed(engine, actor, library, episode):
    with unit_of_work(engine) as session:
        draft = first_who5_answer(session, actor, library).draft.id
    reviewed = {"1": "2"}
    answer_on(engine, actor, library, draft, reviewed, GivenAnswer("4", "0"))  # another screen
    with pytest.raises(ConflictError) as refused, unit_of_work(engine) as session:
        adm.complete_administration(
            session=session, actor=actor, library=library, administration_id=draft, shown=reviewed
        )
    assert (refused.value.reason, refused.value.details["items"]) == (
        "answers_changed_elsewhere",
        "4",
    )
    with unit_of_work(engine) as session:  # the review read again: what it shows now
        shown = adm.draft_read(session=session, administration_id=draft)
    assert shown.status == "draft"
    now = {answer.item_id: answer.code for answer in shown.answers}
    assert now == {"1": 2, "4": 0}
    with unit_of_work(engine) as session:
        done = adm.complete_administration(
            session=session, actor=actor, library=library, administration_id=draft,
            shown={"1": "2", "4": "0"},
        )  # fmt: skip
    assert done.status == "complete"
