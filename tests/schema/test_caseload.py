"""The caseload: who is in active care, their week, visits, latest scores, alerts and drafts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from hecht.schema.db.database import unit_of_work
from hecht.schema.services import episodes
from hecht.schema.services.caseload import caseload

from .conftest import Practice


def test_the_caseload_shows_active_clients_with_their_signals(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code in ("P1", "P2", "S1", "IDLE", "DONE"):
            practice.client(code)
        shared = practice.couple("P1", "P2", date(2026, 10, 1), due_date=date(2027, 3, 1))
        practice.episode("S1", date(2026, 10, 20), birth_date=date(2026, 10, 13))
        done = practice.episode("DONE", date(2026, 1, 5))
        episodes.close_episode(
            session=session, actor=actor, lineage_id=done, ended_on=date(2026, 6, 1)
        )
        practice.visits(shared, ["P1", "P2"], date(2026, 11, 3), date(2026, 11, 17))
        practice.administer("P1", "who5", "1,1,1,1,1")
        practice.administer("P1", "who5", "3,3,3,3,3")
        practice.administer("P1", "csi4", "5,4,4,4")
        practice.administer("P2", "epds", "0,0,0,0,0,0,0,0,0,1")  # item 10: alert
        practice.draft("S1", "who5", {"1": "2", "2": "2"})  # not completed
    with unit_of_work(engine) as session:
        rows = {row.code: row for row in caseload(session=session, actor=actor, library=library)}
    assert sorted(rows) == ["IDLE", "P1", "P2", "S1"]  # IDLE: registered, no episode yet
    assert (rows["IDLE"].episode_lineage_id, rows["IDLE"].visits) == (None, 0)
    p1, p2, s1 = rows["P1"], rows["P2"], rows["S1"]
    assert (p1.partner_code, p2.partner_code, s1.partner_code) == ("P2", "P1", None)
    assert [(row.week and (row.week.phase, row.week.week)) for row in (p1, s1)] == [
        ("pregnant", 26),
        ("postpartum", 6),
    ]
    assert (p1.last_visit, p1.visits, s1.visits) == (date(2026, 11, 17), 2, 0)
    assert (p1.latest["who5"].total, p1.latest["who5"].previous) == (60, 20)
    assert p1.latest["csi4"].total == 17
    assert "epds" not in p2.latest  # mood is not a watched domain on the caseload
    assert (p2.open_alerts, s1.drafts, p1.open_alerts) == (1, 1, 0)


def test_the_newest_episode_gives_the_latest_score_and_a_closed_couple_is_not_a_new_client(
    engine, actor, library
):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code in ("BACK", "Q1", "Q2"):
            practice.client(code)
        first = practice.episode("BACK", date(2025, 1, 6))
        practice.scale("BACK", "who5", "1,1,1,1,1", date(2025, 2, 3), first)
        practice.scale("BACK", "who5", "2,2,2,2,2", date(2025, 3, 3), first)
        episodes.close_episode(
            session=session, actor=actor, lineage_id=first, ended_on=date(2025, 6, 1)
        )
        practice.episode("BACK", date(2026, 9, 1))
        practice.scale("BACK", "who5", "4,4,4,4,4", date(2026, 11, 2), None)
        ended = practice.couple("Q1", "Q2", date(2025, 1, 6))
        practice.scale("Q1", "who5", "3,3,3,3,3", date(2025, 2, 3), ended)  # scores, out of care
        episodes.close_episode(
            session=session, actor=actor, lineage_id=ended, ended_on=date(2025, 6, 1)
        )
    with unit_of_work(engine) as session:
        rows = {row.code: row for row in caseload(session=session, actor=actor, library=library)}
    assert sorted(rows) == ["BACK"]  # Q1 and Q2 had care together: not new, not in care
    assert (rows["BACK"].latest["who5"].total, rows["BACK"].latest["who5"].previous) == (80, None)


def test_a_late_entry_in_a_closed_episode_does_not_hide_the_newer_score(engine, actor, library):
    # a summary recomputed for a late entry is stored again, with a higher id but an older time
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client("LATE")
        first = practice.episode("LATE", date(2025, 1, 6))
        practice.scale("LATE", "who5", "1,1,1,1,1", date(2025, 2, 3), first)
        episodes.close_episode(
            session=session, actor=actor, lineage_id=first, ended_on=date(2025, 6, 1)
        )
        second = practice.episode("LATE", date(2026, 9, 1))
        practice.scale("LATE", "who5", "4,4,4,4,4", date(2026, 11, 2), second)
        practice.scale("LATE", "who5", "2,2,2,2,2", date(2025, 3, 3), first)  # typed in late
    with unit_of_work(engine) as session:
        [row] = caseload(session=session, actor=actor, library=library)
    assert (row.code, row.latest["who5"].total, row.latest["who5"].previous) == ("LATE", 80, None)


def test_a_client_in_two_active_episodes_is_shown_in_the_one_started_last(engine, actor, library):
    """Hecht opens no second episode for a client in care; a practice's older data may hold
    one (an own episode and the couple's, both left open)."""
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        for code in ("OWN", "ME", "YOU", "TIE"):
            practice.client(code)
        own = practice.episode("OWN", date(2026, 10, 1))
        you = practice.episode("YOU", date(2026, 9, 20))
        tie = practice.episode("TIE", date(2026, 10, 5))
        for lineage in (own, you, tie):
            episodes.close_episode(
                session=session, actor=actor, lineage_id=lineage, ended_on=date(2026, 11, 1)
            )
        older = practice.couple("OWN", "ME", date(2026, 9, 1))
        newer = practice.couple("YOU", "TIE", date(2026, 10, 5))  # TIE's own: the same day
        session.execute(  # left open, as the older data holds them
            text("UPDATE episode SET episode_status = 'active', ended_on = NULL")
        )
    with unit_of_work(engine) as session:
        rows = {row.code: row for row in caseload(session=session, actor=actor, library=library)}
    assert (rows["OWN"].episode_lineage_id, rows["ME"].episode_lineage_id) == (own, older)
    assert rows["YOU"].episode_lineage_id == newer
    assert rows["TIE"].episode_lineage_id == newer  # registered after TIE's own
