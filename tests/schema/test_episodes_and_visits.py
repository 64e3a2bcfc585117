"""Episodes and visits: impossible dates refused, weeks derived, corrections kept as versions."""

from __future__ import annotations

from datetime import date

import pytest

from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, InvalidInputError, NotFoundError
from hecht.schema.inputs import NewClient, NewEpisode
from hecht.schema.services import administrations, clients, episodes, visits
from tests.schema.conftest import Practice

TODAY = date(2026, 11, 24)  # the frozen clock's date


@pytest.fixture
def episode(engine, actor):
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1"))
        return episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(
                client_code="A1",
                due_date=date(2027, 3, 1),
                referral_reasons=["fear_of_childbirth", "relationship_problems"],
                started_on=date(2026, 11, 1),
            ),
        )


def test_an_episode_keeps_its_dates_and_referral_reasons(episode):
    assert episode.due_date == date(2027, 3, 1)
    assert episode.referral_reasons == ["fear_of_childbirth", "relationship_problems"]
    assert episode.status == "active"


@pytest.mark.parametrize(
    ("due", "birth", "message"),
    [
        (date(2027, 11, 1), None, "more than 45 weeks away"),
        (date(2026, 12, 1), date(2026, 5, 1), "more than 24 weeks before the due date"),
        (None, date(2026, 12, 1), "lies in the future"),
    ],
)
def test_impossible_dates_are_refused_and_nothing_is_written(engine, actor, due, birth, message):
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClient(code="B1"))
    with pytest.raises(InvalidInputError, match=message):
        with unit_of_work(engine) as session:
            episodes.open_episode(
                session=session,
                actor=actor,
                new=NewEpisode(client_code="B1", due_date=due, birth_date=birth, started_on=TODAY),
            )
    with unit_of_work(engine) as session:
        assert episodes.episodes_for_client(session=session, actor=actor, code="B1") == []


def test_a_couple_episode_is_listed_for_both_partners(engine, actor):
    with unit_of_work(engine) as session:
        for code in ("P1", "P2"):
            clients.create_client(session=session, actor=actor, new=NewClient(code=code))
        couple = clients.create_couple(
            session=session, actor=actor, first_code="P1", second_code="P2"
        )
        episodes.open_episode(
            session=session, actor=actor, new=NewEpisode(couple_id=couple.id, started_on=TODAY)
        )
        for code in ("P1", "P2"):
            assert len(episodes.episodes_for_client(session=session, actor=actor, code=code)) == 1


def correct(engine, actor, episode, changes: dict, reason: str):
    """Correct an episode in a unit of work of its own; return the new version."""
    with unit_of_work(engine) as session:
        return episodes.correct_episode(
            session=session,
            actor=actor,
            lineage_id=episode.lineage_id,
            changes=changes,
            reason=reason,
        )


def test_a_correction_is_a_new_version_with_its_reason(engine, actor, episode):
    corrected = correct(engine, actor, episode, {"birth_date": date(2026, 11, 20)}, "born early")
    with unit_of_work(engine) as session:
        versions = episodes.episode_history(
            session=session, actor=actor, lineage_id=episode.lineage_id
        )
    assert [(v.version, v.birth_date) for v in versions] == [(1, None), (2, date(2026, 11, 20))]
    assert (corrected.version, corrected.lineage_id, corrected.birth_date) == (
        2,
        episode.lineage_id,
        date(2026, 11, 20),
    )


def test_a_correction_needs_a_reason(engine, actor, episode):
    with pytest.raises(ConflictError, match="reason is required"):
        correct(engine, actor, episode, {"referrer": "GP"}, " ")


@pytest.mark.parametrize(
    ("day", "refusal"),
    [
        pytest.param(date(2026, 12, 1), "more than a day in the future", id="in-the-future"),
        pytest.param(date(2026, 10, 1), "before the episode began", id="before-the-episode-began"),
    ],
)
def test_a_visit_in_the_future_or_before_the_episode_began_is_refused(
    engine, actor, library, episode, day, refusal
):
    with pytest.raises(InvalidInputError, match=refusal):
        with unit_of_work(engine) as session:
            Practice(session, actor, library).visit(episode.lineage_id, ["A1"], day)


def test_only_the_episodes_clients_can_attend_its_visits(engine, actor, library, episode):
    with unit_of_work(engine) as session:
        Practice(session, actor, library).client("X9")
    with pytest.raises(InvalidInputError, match="'X9' is not in this episode"):
        with unit_of_work(engine) as session:
            Practice(session, actor, library).visit(episode.lineage_id, ["X9"], TODAY)


def test_a_retracted_visit_leaves_the_list_but_not_its_history(engine, actor, library, episode):
    with unit_of_work(engine) as session:
        visit = Practice(session, actor, library).visit(
            episode.lineage_id, ["A1"], TODAY, note="first talk", themes=["fear", "fear", " "]
        )
        assert visit.themes == ["fear"]
        visits.correct_visit(
            session=session,
            actor=actor,
            lineage_id=visit.lineage_id,
            changes={"note": "first talk, both present"},
            reason="typo",
        )
        visits.retract_visit(
            session=session, actor=actor, lineage_id=visit.lineage_id, reason="wrong client"
        )
    with unit_of_work(engine) as session:
        assert (
            visits.visits_in_episode(
                session=session, actor=actor, episode_lineage_id=episode.lineage_id
            )
            == []
        )
        versions = visits.visit_history(session=session, actor=actor, lineage_id=visit.lineage_id)
    assert [(v.version, v.record_status, v.note) for v in versions] == [
        (1, "complete", "first talk"),
        (2, "complete", "first talk, both present"),
        (3, "retracted", "first talk, both present"),
    ]
    assert versions[2].change_reason == "wrong client"


def test_a_visit_holding_a_scale_is_retracted_only_after_the_scale(engine, actor, library, episode):
    from hecht.schema.services import administrations

    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        visit = practice.visit(episode.lineage_id, ["A1"], TODAY).lineage_id
        done = practice.administer("A1", "who5", "3,3,3,3,3", visit_lineage_id=visit)
    with pytest.raises(ConflictError, match="still holds scales") as refused:
        with unit_of_work(engine) as session:
            visits.retract_visit(
                session=session, actor=actor, lineage_id=visit, reason="wrong client"
            )
    assert refused.value.reason == "visit_holds_scales"
    with unit_of_work(engine) as session:
        administrations.retract_administration(
            session=session, actor=actor, lineage_id=done.lineage_id, reason="wrong client"
        )
        visits.retract_visit(session=session, actor=actor, lineage_id=visit, reason="wrong client")
        assert (
            visits.visit_history(session=session, actor=actor, lineage_id=visit)[-1].record_status
            == "retracted"
        )


def test_a_client_in_an_open_episode_cannot_be_given_a_second_one_own_or_as_a_couple(practice):
    """A second open episode hid the first one's visits and signals from the caseload."""
    from hecht.schema.errors import ConflictError
    from hecht.schema.services import clients

    practice.client("MOM")
    practice.client("DAD")
    practice.episode("MOM", date(2026, 10, 1))
    with pytest.raises(ConflictError, match="'MOM' is already in an open episode") as refused:
        practice.episode("MOM", date(2026, 11, 1))
    assert (refused.value.reason, refused.value.details["since"]) == (
        "open_episode",
        date(2026, 10, 1),
    )
    with pytest.raises(ConflictError, match="'MOM' is already in an open episode"):
        practice.couple("MOM", "DAD", date(2026, 11, 1))
    dad = clients.client_row(practice.session, "DAD")
    assert clients.couple_of(practice.session, dad.id) is not None  # only the episode refused
    practice.episode("DAD", date(2026, 11, 2))  # his own care is not hers


def test_a_closed_episode_is_not_reopened_beside_a_newer_open_one(practice):
    from hecht.schema.errors import ConflictError

    practice.client("MOM")
    first = practice.episode("MOM", date(2026, 6, 1))
    episodes.close_episode(
        session=practice.session, actor=practice.actor, lineage_id=first,
        ended_on=date(2026, 9, 1), reason="care ended",
    )  # fmt: skip
    practice.episode("MOM", date(2026, 10, 1))
    reopen = {"episode_status": "active", "ended_on": None}
    with pytest.raises(ConflictError, match="'MOM' is already in an open episode"):
        episodes.correct_episode(
            session=practice.session, actor=practice.actor, lineage_id=first,
            changes=reopen, reason="closed by mistake",
        )  # fmt: skip
    assert [e.status for e in practice_episodes(practice)] == ["closed", "active"]


def practice_episodes(practice):
    return episodes.episodes_for_client(session=practice.session, actor=practice.actor, code="MOM")


@pytest.mark.parametrize(
    ("read", "kind"),
    [
        (episodes.episode_history, "episode"),
        (visits.visit_history, "visit"),
        (administrations.administration_history, "administration"),
    ],
)
def test_the_history_of_a_record_that_does_not_exist_is_refused_as_not_found(
    engine, actor, read, kind
):
    with unit_of_work(engine) as session, pytest.raises(NotFoundError) as refused:
        read(session=session, actor=actor, lineage_id=404)
    assert str(refused.value) == f"there is no {kind} 404"
    assert refused.value.field == "lineage_id"
