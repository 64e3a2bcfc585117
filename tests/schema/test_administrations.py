"""Administrations: answers committed one by one, alerts at entry, scores, versions, retraction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, InvalidInputError
from hecht.schema.inputs import GivenAnswer
from hecht.schema.services import administrations as adm
from hecht.schema.services import alerts, trajectories
from hecht.schema.tables import AlertAction, ItemResponse
from tests.schema.conftest import Practice


@pytest.fixture
def draft(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        return practice.draft(practice.client("A1"), "phq9", {}, mode="paper")


def answer(engine, actor, library, administration_id, item, code):
    with unit_of_work(engine) as session:
        return Practice(session, actor, library).answer(administration_id, item, code)


def answer_all(engine, actor, library, administration_id, codes):
    for position, code in enumerate(codes.split(","), start=1):
        answer(engine, actor, library, administration_id, str(position), code or None)


def complete(engine, actor, library, administration_id):
    with unit_of_work(engine) as session:
        return Practice(session, actor, library).complete(administration_id)


def correct(engine, actor, library, lineage_id, answers, reason):
    with unit_of_work(engine) as session:
        return Practice(session, actor, library).correct(lineage_id, answers, reason)


def acknowledge(engine, actor, alert_id, action, note):
    with unit_of_work(engine) as session:
        return Practice(session, actor).acknowledge(alert_id, action, note)


def test_a_draft_stores_the_scale_version_and_entry_mode(draft):
    assert (draft.scale_id, draft.scale_version, draft.status, draft.mode) == (
        "phq9",
        "1",
        "draft",
        "paper",
    )


def test_each_answer_is_committed_the_moment_it_is_entered(engine, actor, library, draft):
    answer(engine, actor, library, draft.id, "1", "2")
    with unit_of_work(engine) as session:  # a new session, as after a killed process
        drafts = adm.open_drafts(session=session, actor=actor, code="A1")
    assert [(a.item_id, a.code, a.score) for a in drafts[0].answers] == [("1", 2, 2)]


def test_re_answering_an_item_in_a_draft_replaces_the_answer(engine, actor, library, draft):
    answer(engine, actor, library, draft.id, "1", "2")
    answer(engine, actor, library, draft.id, "1", "0")
    with unit_of_work(engine) as session:
        (only,) = adm.open_drafts(session=session, actor=actor)
    assert [(a.item_id, a.code) for a in only.answers] == [("1", 0)]


def test_a_critical_answer_raises_its_alert_when_it_is_stored(engine, actor, library, draft):
    raised = answer(engine, actor, library, draft.id, "9", "1")
    assert [(a.rule_id, a.item, a.level) for a in raised] == [("self_harm", "9", "urgent")]
    assert answer(engine, actor, library, draft.id, "9", "2") == []  # not raised twice
    with unit_of_work(engine) as session:
        assert len(alerts.open_alerts(session=session, actor=actor, code="A1")) == 1


def test_a_code_the_item_does_not_have_is_refused_and_not_stored(engine, actor, library, draft):
    with pytest.raises(InvalidInputError, match="allowed: 0, 1, 2, 3"):
        answer(engine, actor, library, draft.id, "1", "7")
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(ItemResponse)).one() == 0


def test_answers_stored_at_once_are_all_checked_first_and_a_refused_one_stores_none(
    engine, actor, library, draft
):
    """A form read from a file stores its answers in one go: one bad code leaves the draft as
    it was, not half filled in."""
    given = [GivenAnswer("1", "2"), GivenAnswer("2", "1"), GivenAnswer("3", "7")]
    with pytest.raises(InvalidInputError, match="allowed: 0, 1, 2, 3"), unit_of_work(engine) as s:
        adm.record_answers(
            session=s, actor=actor, library=library, administration_id=draft.id, answers=given
        )
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(ItemResponse)).one() == 0


def test_answers_stored_at_once_replace_earlier_ones_and_raise_an_alert_once(
    engine, actor, library, draft
):
    answer(engine, actor, library, draft.id, "1", "3")
    given = [GivenAnswer("1", "0"), GivenAnswer("9", "2"), GivenAnswer("2", None, "refused")]
    with unit_of_work(engine) as session:
        raised = adm.record_answers(
            session=session, actor=actor, library=library, administration_id=draft.id,
            answers=given,
        )  # fmt: skip
    assert [(a.rule_id, a.item) for a in raised] == [("self_harm", "9")]
    with unit_of_work(engine) as session:
        (only,) = adm.open_drafts(session=session, actor=actor)
    stored = {(a.item_id, a.code, a.missing_reason) for a in only.answers}
    assert stored == {("1", 0, None), ("9", 2, None), ("2", None, "refused")}


def test_an_unknown_scale_is_refused(engine, actor, library):
    with unit_of_work(engine) as session:
        Practice(session, actor, library).client("B1")
    with pytest.raises(InvalidInputError, match="unknown scale 'phq99'"):
        with unit_of_work(engine) as session:
            Practice(session, actor, library).draft("B1", "phq99", {})


def test_an_observation_date_in_the_future_is_refused(engine, actor, library, draft):
    with pytest.raises(InvalidInputError, match="more than a day in the future"):
        with unit_of_work(engine) as session:
            Practice(session, actor, library).draft("A1", "who5", {}, on=date(2026, 12, 24))


def test_a_form_outside_any_episode_dated_before_1950_is_refused_as_a_typing_error(
    engine, actor, library, draft
):
    with pytest.raises(InvalidInputError, match="is before 1950-01-01") as refused:
        with unit_of_work(engine) as session:
            Practice(session, actor, library).draft("A1", "who5", {}, on=date(1900, 1, 1))
    assert (refused.value.field, refused.value.reason) == ("observed_on", "day_too_early")


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        pytest.param(date(2026, 11, 26), "day_in_future", id="in-the-future"),
        pytest.param(date(2026, 10, 31), "before_episode", id="before-the-episode-began"),
        pytest.param(date(1900, 11, 1), "day_too_early", id="a-typed-year-long-before-care"),
    ],
)
def test_a_form_dated_in_the_future_or_before_its_episode_began_is_refused_as_a_visit_is(
    engine, actor, library, day, reason
):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        episode = practice.episode(practice.client("A1"), date(2026, 11, 1))
    refusals = []
    for record in (
        lambda p: p.draft("A1", "who5", {"1": "3"}, on=day, episode=episode),
        lambda p: p.visit(episode, ["A1"], day),
    ):
        with pytest.raises(InvalidInputError) as refused:
            with unit_of_work(engine) as session:
                record(Practice(session, actor, library))
        refusals.append((refused.value.field, refused.value.reason))
    assert refusals == [("observed_on", reason), ("visit_date", reason)]


def test_a_paper_form_dated_earlier_is_observed_on_its_day_and_entered_now(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        episode = practice.episode(practice.client("A1"), date(2026, 11, 1))
        draft = practice.draft("A1", "who5", {"1": "3"}, on=date(2026, 11, 20), episode=episode)
    now = actor.now()
    assert (draft.observed_at.date(), draft.entered_at, draft.recorded_at) == (
        date(2026, 11, 20),
        now,
        now,
    )


def test_completing_scores_the_answers_and_marks_unanswered_items_missing(
    engine, actor, library, draft
):
    answer_all(engine, actor, library, draft.id, "1,1,1,1,1,1,1,1,1")
    done = complete(engine, actor, library, draft.id)
    assert done.status == "complete"
    assert (done.score.total, done.score.band, done.score.valid) == (9, "mild", True)
    assert done.answers[-1].missing_reason == "not answered"  # item 10, not scored


def test_a_completed_administration_takes_no_more_answers(engine, actor, library, draft):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,0")
    complete(engine, actor, library, draft.id)
    with pytest.raises(ConflictError, match="correct it instead"):
        answer(engine, actor, library, draft.id, "1", "3")


def test_a_correction_is_a_new_version_and_the_old_stays_in_the_history(
    engine, actor, library, draft
):
    answer_all(engine, actor, library, draft.id, "1,1,1,1,1,1,1,1,0")
    done = complete(engine, actor, library, draft.id)
    fixed = correct(engine, actor, library, done.lineage_id, {"1": "3"}, "misread the paper form")
    with unit_of_work(engine) as session:
        versions = adm.administration_history(
            session=session, actor=actor, lineage_id=done.lineage_id
        )
    assert (fixed.version, fixed.supersedes_id, fixed.score.total) == (2, done.id, 10)
    assert fixed.change_reason == "misread the paper form"
    assert [v.score.total for v in versions] == [8, 10]


def test_a_correction_that_adds_a_critical_answer_raises_its_alert(engine, actor, library, draft):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,0")
    done = complete(engine, actor, library, draft.id)
    fixed = correct(engine, actor, library, done.lineage_id, {"9": "1"}, "item 9 was ticked")
    assert [a.rule_id for a in fixed.alerts] == ["self_harm"]


def test_a_retracted_administration_leaves_the_trajectory_but_not_the_history(
    engine, actor, library, draft
):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,0")
    done = complete(engine, actor, library, draft.id)
    with unit_of_work(engine) as session:
        assert len(trajectories.client_trajectory(session=session, actor=actor, code="A1")) == 1
        adm.retract_administration(
            session=session, actor=actor, lineage_id=done.lineage_id, reason="wrong client"
        )
    with unit_of_work(engine) as session:
        assert trajectories.client_trajectory(session=session, actor=actor, code="A1") == []
        versions = adm.administration_history(
            session=session, actor=actor, lineage_id=done.lineage_id
        )
    assert [v.status for v in versions] == ["complete", "retracted"]


def test_an_alert_is_acknowledged_with_the_action_taken_and_leaves_the_open_list(
    engine, actor, library, draft
):
    (raised,) = answer(engine, actor, library, draft.id, "9", "3")
    for too_short in ("  ", "x", "plan made"):
        with pytest.raises(InvalidInputError, match="at least 3"):
            acknowledge(engine, actor, raised.id, AlertAction.SAFETY_PLAN, too_short)
    with pytest.raises(InvalidInputError, match="choose what was done"):
        acknowledge(engine, actor, raised.id, [], "plan made today")
    done = acknowledge(engine, actor, raised.id, AlertAction.SAFETY_PLAN, "safety plan agreed")
    with unit_of_work(engine) as session:
        assert alerts.open_alerts(session=session, actor=actor) == []
    assert (done.action, done.action_note) == ("safety_plan", "safety plan agreed")
    with pytest.raises(ConflictError, match="already acknowledged"):
        acknowledge(engine, actor, raised.id, AlertAction.DISCUSSED, "discussed it again")


def test_an_acknowledgement_records_every_action_taken_in_the_order_chosen(
    engine, actor, library, draft
):
    (raised,) = answer(engine, actor, library, draft.id, "9", "3")
    chosen = [AlertAction.SAFETY_PLAN, AlertAction.GP_INFORMED, AlertAction.SAFETY_PLAN]
    done = acknowledge(engine, actor, raised.id, chosen, "plan made, GP called with consent")
    with unit_of_work(engine) as session:
        (stored,) = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert done.actions == stored.actions == ["safety_plan", "gp_informed"]


def test_retracting_a_form_entered_in_error_withdraws_its_open_alert_with_the_reason(
    engine, actor, library, draft
):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,2")
    done = complete(engine, actor, library, draft.id)
    with unit_of_work(engine) as session:
        adm.retract_administration(
            session=session, actor=actor, lineage_id=done.lineage_id, reason="the wrong client"
        )
    with unit_of_work(engine) as session:
        assert alerts.open_alerts(session=session, actor=actor) == []
        (kept,) = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert (kept.actions, kept.action_note) == (["form_retracted"], "the wrong client")
    assert kept.acknowledged_by_id == actor.user_id


def test_retracting_a_form_keeps_what_was_done_about_an_acknowledged_alert(
    engine, actor, library, draft
):
    (raised,) = answer(engine, actor, library, draft.id, "9", "3")
    acknowledge(engine, actor, raised.id, AlertAction.GP_INFORMED, "GP called the same day")
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,3")
    done = complete(engine, actor, library, draft.id)
    with unit_of_work(engine) as session:
        adm.retract_administration(
            session=session, actor=actor, lineage_id=done.lineage_id, reason="the wrong client"
        )
        (kept,) = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert (kept.actions, kept.action_note) == (["gp_informed"], "GP called the same day")


def test_a_correction_that_takes_away_the_critical_answer_withdraws_its_open_alert(
    engine, actor, library, draft
):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,1")
    done = complete(engine, actor, library, draft.id)
    correct(engine, actor, library, done.lineage_id, {"9": "0"}, "the paper form says 0")
    with unit_of_work(engine) as session:
        assert alerts.open_alerts(session=session, actor=actor) == []
        (kept,) = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert (kept.actions, kept.action_note) == (["answer_changed"], "the paper form says 0")


def test_a_correction_of_another_item_leaves_the_alert_open(engine, actor, library, draft):
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,1")
    done = complete(engine, actor, library, draft.id)
    fixed = correct(engine, actor, library, done.lineage_id, {"1": "2"}, "misread item 1")
    with unit_of_work(engine) as session:
        (still,) = alerts.open_alerts(session=session, actor=actor)
    assert fixed.alerts == [] and still.acknowledged_at is None  # raised once in the lineage


def test_a_critical_answer_typed_over_in_the_draft_withdraws_its_alert(
    engine, actor, library, draft
):
    answer(engine, actor, library, draft.id, "9", "2")
    answer(engine, actor, library, draft.id, "9", "0")
    with unit_of_work(engine) as session:
        assert alerts.open_alerts(session=session, actor=actor) == []
        (kept,) = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert (kept.actions, kept.action_note) == (["answer_changed"], None)
    (again,) = answer(engine, actor, library, draft.id, "9", "1")  # the answer stood after all
    assert again.id != kept.id


def test_an_acknowledged_alert_keeps_what_was_done_and_a_critical_answer_given_again_raises_anew(
    engine, actor, library, draft
):
    (first,) = answer(engine, actor, library, draft.id, "9", "2")
    acknowledge(engine, actor, first.id, AlertAction.DISCUSSED, "talked it through with her")
    answer_all(engine, actor, library, draft.id, "0,0,0,0,0,0,0,0,0")  # item 9 typed over
    done = complete(engine, actor, library, draft.id)
    fixed = correct(engine, actor, library, done.lineage_id, {"9": "3"}, "the paper form says 3")
    with unit_of_work(engine) as session:
        kept, again = alerts.client_alerts(session=session, actor=actor, code="A1")
    assert (kept.actions, kept.action_note) == (
        ["discussed", "answer_changed"],
        "talked it through with her",
    )
    assert [a.id for a in fixed.alerts] == [again.id] and again.acknowledged_at is None
    assert again.lineage_id == kept.lineage_id == done.lineage_id


def test_a_withdrawn_alert_cannot_be_acknowledged_and_the_refusal_says_why(
    engine, actor, library, draft
):
    (raised,) = answer(engine, actor, library, draft.id, "9", "2")
    answer(engine, actor, library, draft.id, "9", "0")
    with pytest.raises(ConflictError, match="withdrawn") as refused:
        acknowledge(engine, actor, raised.id, AlertAction.DISCUSSED, "discussed it with her")
    assert refused.value.reason == "alert_withdrawn"


def test_discarding_a_draft_leaves_its_alert_open_for_the_answer_was_given(
    engine, actor, library, draft
):
    from hecht.schema.services import drafts

    answer(engine, actor, library, draft.id, "9", "2")
    with unit_of_work(engine) as session:
        drafts.discard_draft(
            session=session, actor=actor, administration_id=draft.id, reason="session ended"
        )
    with unit_of_work(engine) as session:
        (still,) = alerts.open_alerts(session=session, actor=actor)
    assert still.item == "9"


def test_a_new_total_is_compared_with_the_last_and_the_first(engine, actor, library, draft):
    from hecht.schema.services.trajectories import change_summary

    answer_all(engine, actor, library, draft.id, "3,3,3,3,3,2,2,2,0")  # 21
    complete(engine, actor, library, draft.id)
    for answers in ("2,2,2,2,2,2,2,2,0,", "1,1,1,1,1,1,1,1,0,"):  # 16, then 8; item 10 open
        with unit_of_work(engine) as session:
            Practice(session, actor, library).draft("A1", "phq9", answers)
    with unit_of_work(engine) as session:
        drafts = adm.open_drafts(session=session, actor=actor)
    complete(engine, actor, library, drafts[0].id)
    with unit_of_work(engine) as session:
        summary = change_summary(
            session=session, library=library, administration_id=drafts[1].id, total=8
        )
    assert (summary.last_total, summary.first_total) == (16, 21)
    assert (summary.since_last, summary.since_first, summary.category) == (-8, -13, "recovered")
