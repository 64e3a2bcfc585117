"""Score summaries stay equal to a recomputation from the scores, whatever was written."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import select

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.db.engine import make_engine
from hecht.schema.db.migrate import upgrade
from hecht.schema.services import administrations as adm
from hecht.schema.summaries import rebuild_summaries
from hecht.schema.tables import Administration, EpisodeCourse, ScoreSummary

SEPT, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


def stored(session):
    rows = [
        (s.client_id, s.episode_lineage_id, s.scale_id, s.first_total, s.last_total,
         s.valid_count, s.invalid_count)
        for s in session.exec(select(ScoreSummary))
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (row[0], row[2], row[1] or 0))


def test_summaries_follow_completion_correction_and_retraction(practice):
    episode = practice.episode(practice.client("A"), SEPT)
    practice.scale("A", "who5", "2,2,2,2,2", SEPT, episode)
    practice.scale("A", "who5", "3,3,3,3,3", OCT, episode)
    practice.scale("A", "who5", "5,4,,3,3", NOV, episode)  # invalid: a missing item
    practice.scale("A", "csi4", "5,4,4,4", date(2026, 8, 1), None)  # before the episode
    assert stored(practice.session) == [
        (1, None, "csi4", 17, 17, 1, 0),
        (1, episode, "who5", 40, 60, 2, 1),
    ]

    first, second = practice.session.exec(
        select(Administration.lineage_id)
        .where(Administration.scale_id == "who5", Administration.status == "complete")
        .order_by(Administration.observed_at)
    ).all()[:2]
    context = {"session": practice.session, "actor": practice.actor}
    adm.correct_administration(
        library=practice.library, lineage_id=first, answers={"1": "5"}, reason="typo", **context
    )
    adm.retract_administration(lineage_id=second, reason="wrong client", **context)
    assert stored(practice.session) == [
        (1, None, "csi4", 17, 17, 1, 0),
        (1, episode, "who5", 52, 52, 1, 1),  # 5+2+2+2+2 = 13 raw = 52
    ]
    before = stored(practice.session)
    rebuild_summaries(practice.session)
    assert stored(practice.session) == before


def test_destroying_a_client_removes_their_summaries_and_courses(practice):
    from hecht.schema.services.destroy import destroy_client

    episode = practice.episode(practice.client("GONE"), SEPT)
    practice.scale("GONE", "who5", "2,2,2,2,2", SEPT, episode)
    destroy_client(session=practice.session, actor=practice.actor, code="GONE")
    assert stored(practice.session) == []
    assert practice.session.exec(select(EpisodeCourse)).all() == []


def test_upgrading_a_database_fills_the_summaries_from_its_scores(tmp_path, actor, library):
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO client (id, code, created_at) VALUES (1, 'A', :t)"),
            {"t": "2026-01-01 10:00:00"},
        )
        for number, (day, total, valid) in enumerate(
            [("2026-09-01", 40, 1), ("2026-10-01", None, 0), ("2026-11-01", 60, 1)], start=1
        ):
            connection.execute(
                text(
                    "INSERT INTO administration (id, lineage_id, version, status, recorded_at,"
                    " client_id, scale_id, scale_version, respondent, observed_at, entered_at,"
                    " mode) VALUES (:id, :id, 1, 'complete', :at, 1, 'who5', '1', 'self', :at,"
                    " :at, 'paper')"
                ),
                {"id": number, "at": f"{day} 12:00:00.000000"},
            )
            connection.execute(
                text(
                    "INSERT INTO score (administration_id, total, valid, prorated, missing_items,"
                    " subscales, computed_at) VALUES (:id, :total, :valid, 0, '[]', '{}', :at)"
                ),
                {"id": number, "total": total, "valid": valid, "at": f"{day} 12:00:00.000000"},
            )
    engine.dispose()
    upgraded = open_database(url)
    with unit_of_work(upgraded) as session:
        migrated = stored(session)
        rebuild_summaries(session)
        assert migrated == stored(session) == [(1, None, "who5", 40, 60, 2, 1)]
        [row] = session.exec(select(ScoreSummary)).all()
        assert (row.first_at.date(), row.last_completed_at.date()) == (SEPT, NOV)
    upgraded.dispose()


def test_a_scale_entered_without_an_episode_joins_the_one_running_that_day(practice):
    episode = practice.episode(practice.client("B"), SEPT)
    practice.scale("B", "who5", "2,2,2,2,2", OCT, None)  # during the episode
    practice.scale("B", "csi4", "5,4,4,4", date(2026, 8, 1), None)  # before it started
    assert stored(practice.session) == [
        (1, None, "csi4", 17, 17, 1, 0),
        (1, episode, "who5", 40, 40, 1, 0),
    ]
