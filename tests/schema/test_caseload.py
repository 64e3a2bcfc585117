"""The caseload: who is in active care, their week, visits, latest scores, alerts and drafts."""

from __future__ import annotations

from datetime import date

from hecht.schema.db.database import unit_of_work
from hecht.schema.inputs import NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.services import administrations as adm
from hecht.schema.services import clients, episodes, visits
from hecht.schema.services.caseload import caseload

from .conftest import Practice


def scale(session, actor, library, code, scale_id, answers, complete=True):
    draft = adm.start_administration(
        session=session,
        actor=actor,
        library=library,
        new=NewAdministration(client_code=code, scale_id=scale_id),
    )
    for item, typed in enumerate(answers.split(","), start=1):
        if typed:
            adm.record_answer(
                session=session,
                actor=actor,
                library=library,
                administration_id=draft.id,
                item_id=str(item),
                code=typed,
            )
    if complete:
        adm.complete_administration(
            session=session, actor=actor, library=library, administration_id=draft.id
        )


def test_the_caseload_shows_active_clients_with_their_signals(engine, actor, library):
    with unit_of_work(engine) as session:
        for code in ("P1", "P2", "S1", "IDLE", "DONE"):
            clients.create_client(session=session, actor=actor, new=NewClient(code=code))
        couple = clients.create_couple(
            session=session, actor=actor, first_code="P1", second_code="P2"
        )
        shared = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(
                couple_id=couple.id, due_date=date(2027, 3, 1), started_on=date(2026, 10, 1)
            ),
        )
        episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(
                client_code="S1", birth_date=date(2026, 10, 13), started_on=date(2026, 10, 20)
            ),
        )
        done = episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(client_code="DONE", started_on=date(2026, 1, 5)),
        )
        episodes.close_episode(
            session=session, actor=actor, lineage_id=done.lineage_id, ended_on=date(2026, 6, 1)
        )
        for day in (3, 17):
            visits.record_visit(
                session=session,
                actor=actor,
                new=NewVisit(
                    episode_lineage_id=shared.lineage_id,
                    visit_date=date(2026, 11, day),
                    attendee_codes=["P1", "P2"],
                ),
            )
        scale(session, actor, library, "P1", "who5", "1,1,1,1,1")
        scale(session, actor, library, "P1", "who5", "3,3,3,3,3")
        scale(session, actor, library, "P1", "csi4", "5,4,4,4")
        scale(session, actor, library, "P2", "epds", "0,0,0,0,0,0,0,0,0,1")  # item 10: alert
        scale(session, actor, library, "S1", "who5", "2,2,", complete=False)
    with unit_of_work(engine) as session:
        rows = {row.code: row for row in caseload(session=session, actor=actor, library=library)}
    assert sorted(rows) == ["IDLE", "P1", "P2", "S1"]  # IDLE: registered, no episode yet
    assert (rows["IDLE"].episode_lineage_id, rows["IDLE"].visits) == (None, 0)
    p1, p2, s1 = rows["P1"], rows["P2"], rows["S1"]
    assert (p1.partner_code, p2.partner_code, s1.partner_code) == ("P2", "P1", None)
    assert (p1.week, s1.week) == ("Z26", "PP6")
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
