"""Read models are copied from the stored rows by field name: where a name means something else
in the table (an episode's course status against the record's status), the read model says what
the screens mean."""

from __future__ import annotations

from datetime import date

from hecht.schema.services import episodes, visits


def test_a_closed_episode_reads_as_closed_not_as_a_complete_record(practice):
    practice.client("A1")
    lineage = practice.episode("A1", date(2026, 9, 1), referral_reasons=["fear_of_childbirth"])
    closed = episodes.close_episode(
        session=practice.session, actor=practice.actor, lineage_id=lineage,
        ended_on=date(2026, 11, 1), reason="care ended",
    )  # fmt: skip
    history = episodes.episode_history(
        session=practice.session, actor=practice.actor, lineage_id=lineage
    )
    assert [version.status for version in history] == ["active", "closed"]
    assert closed.status == "closed" and closed.ended_on == date(2026, 11, 1)
    assert closed.referral_reasons == ["fear_of_childbirth"]
    assert closed.change_reason == "care ended" and closed.version == 2


def test_a_retracted_visit_reads_with_its_record_status_and_its_own_attendees(practice):
    practice.client("A1")
    lineage = practice.episode("A1", date(2026, 9, 1))
    visit = practice.visit(lineage, ["A1"], date(2026, 9, 8), themes=["sleep", " sleep "])
    assert visit.record_status == "complete" and visit.themes == ["sleep"]
    visits.retract_visit(
        session=practice.session, actor=practice.actor, lineage_id=visit.lineage_id,
        reason="entered in the wrong dossier",
    )  # fmt: skip
    history = visits.visit_history(
        session=practice.session, actor=practice.actor, lineage_id=visit.lineage_id
    )
    assert [version.record_status for version in history] == ["complete", "retracted"]
    assert history[-1].attendee_ids == visit.attendee_ids and len(visit.attendee_ids) == 1


def test_a_stored_score_has_exactly_the_fields_of_a_score_result_besides_its_key_and_time():
    # the Score row is built from asdict(ScoreRead): a field added to one and not the other
    # would be dropped or refused only when a scale is first scored
    from dataclasses import fields

    from hecht.schema.readmodels import ScoreRead
    from hecht.schema.tables import Score

    stored = set(Score.model_fields) - {"administration_id", "computed_at"}
    assert stored == {field.name for field in fields(ScoreRead)}
