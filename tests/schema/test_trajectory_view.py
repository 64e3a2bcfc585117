"""The trajectory view: a client's and partner's scores, numbered visits and the episode dates."""

from __future__ import annotations

from datetime import date

from hecht.schema.db.database import unit_of_work
from hecht.schema.services import clients, episodes, trajectories
from hecht.schema.trail import audit
from tests.schema.conftest import Practice


def couple_with_visits(engine, actor, library, days: list[date]) -> int:
    """A couple in one episode (due 20 Sep, born 14 Sep 2026) who both answer CSI-4 each visit."""
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code in ("M1", "P1"):
            practice.client(code)
        episode = practice.couple(
            "M1", "P1", date(2026, 7, 1), due_date=date(2026, 9, 20), birth_date=date(2026, 9, 14)
        )
        for day in days:
            scales = [("M1", "csi4", "3,3,3,3"), ("P1", "csi4", "1,1,1,1")]
            practice.visit_with_scales(episode, ["M1", "P1"], day, scales)
    return episode


def test_both_partners_scores_share_the_numbers_of_their_joint_visits(engine, actor, library):
    # recorded out of order: the numbers follow the visit dates
    couple_with_visits(engine, actor, library, [date(2026, 8, 3), date(2026, 7, 6)])
    with unit_of_work(engine) as session:
        view = trajectories.trajectory_view(session=session, actor=actor, code="M1")
    assert (view.client.code, view.partner.code) == ("M1", "P1")  # type: ignore[union-attr]

    def numbered(points: list) -> list[tuple[int, date, float | None]]:
        return [
            (view.visit_numbers[p.visit_lineage_id], p.observed_at.date(), p.total) for p in points
        ]

    assert numbered(view.points) == [(1, date(2026, 7, 6), 12), (2, date(2026, 8, 3), 12)]
    assert numbered(view.partner_points) == [(1, date(2026, 7, 6), 4), (2, date(2026, 8, 3), 4)]
    assert (view.due_date, view.birth_date) == (date(2026, 9, 20), date(2026, 9, 14))


def test_the_dates_come_from_the_active_episode(engine, actor, library):
    first = couple_with_visits(engine, actor, library, [date(2026, 7, 6)])
    with unit_of_work(engine) as session:
        episodes.close_episode(
            session=session, actor=actor, lineage_id=first, ended_on=date(2026, 10, 1)
        )
        couple = clients.couple_of(session, clients.client_row(session, "M1").id)  # type: ignore[arg-type]
        assert couple is not None
        Practice(session, actor).episode(
            None, date(2026, 11, 1), couple_id=couple.id, due_date=date(2027, 6, 1)
        )
        view = trajectories.trajectory_view(session=session, actor=actor, code="M1")
    assert (view.due_date, view.birth_date) == (date(2027, 6, 1), None)


def test_reading_the_view_is_logged_for_both_partners(engine, actor, library):
    couple_with_visits(engine, actor, library, [date(2026, 7, 6)])
    with unit_of_work(engine) as session:
        trajectories.trajectory_view(session=session, actor=actor, code="M1")
        for code in ("M1", "P1"):
            client = clients.client_row(session, code)
            log = audit.client_log(session=session, client_id=client.id)  # type: ignore[arg-type]
            assert any(entry.detail == "trajectory" for entry in log), code
