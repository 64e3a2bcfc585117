"""The demo practice: two plausible years of perinatal care, the same for the same seed and day.

Built in bulk, it stores exactly what the services store when the same plan is replayed through
them (compared here on smaller practices: through the services the whole demo takes a minute).
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.demo.build import DemoReport, build_demo_practice
from hecht.schema.inputs import NewClient
from hecht.schema.services import clients
from hecht.schema.tables import (
    Administration,
    Alert,
    AuditEvent,
    Client,
    Couple,
    Episode,
    ItemResponse,
    ReferralReason,
    Score,
    Visit,
)
from hecht.schema.trail.audit import AuditKind, record, verify_chain

TODAY = date(2026, 11, 24)
MIDNIGHT = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, library: ScaleLibrary
) -> Iterator[tuple[Engine, DemoReport]]:
    """The whole demo practice, built once into an SQLite file for every test here."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = open_database(f"sqlite:///{path}")
    report = build_demo_practice(engine=engine, library=library, seed=3, today=TODAY)
    yield engine, report
    engine.dispose()


@pytest.fixture(scope="module")
def db(demo: tuple[Engine, DemoReport]) -> Iterator[Session]:
    """A session on the demo database, for reading it back."""
    with Session(demo[0]) as session:
        yield session


def rows(session: Session, model: type[SQLModel]) -> list[Any]:
    return list(session.scalars(select(model)))


def current(session: Session, model: type[Any]) -> list[Any]:
    """Return the newest version of every lineage."""
    newest: dict[int, Any] = {}
    for row in rows(session, model):
        if row.lineage_id not in newest or row.version > newest[row.lineage_id].version:
            newest[row.lineage_id] = row
    return sorted(newest.values(), key=lambda row: row.lineage_id)


def visits_by_episode(session: Session) -> dict[int, list[Visit]]:
    by_episode: dict[int, list[Visit]] = defaultdict(list)
    for visit in sorted(current(session, Visit), key=lambda v: (v.visit_date, v.id)):
        by_episode[visit.episode_lineage_id].append(visit)
    return by_episode


def episode_members(session: Session, episode: Episode) -> list[int]:
    if episode.client_id is not None:
        return [episode.client_id]
    couple = session.get(Couple, episode.couple_id)
    return [couple.first_client_id, couple.second_client_id]


def who5_first_and_last(session: Session) -> list[tuple[float, float]]:
    """Return the first and last valid WHO-5 of each client in each episode."""
    totals: dict[tuple[int, int], list[float]] = defaultdict(list)
    query = (
        select(Administration, Score)
        .join(Score, Score.administration_id == Administration.id)
        .where(Administration.scale_id == "who5", Score.valid)
        .order_by(Administration.observed_at)
    )
    for administration, score in session.execute(query):
        totals[(administration.episode_lineage_id, administration.client_id)].append(score.total)
    return [(values[0], values[-1]) for values in totals.values() if len(values) >= 2]


OWN_PER_DATABASE = "practice"
"""The table holding each database's own random UUID (migration 0011): no part of the demo."""


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table but the database's own UUID, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
            if table.name != OWN_PER_DATABASE
        }


NEWEST_SEALS = """SELECT kind, record_id, digest FROM recordseal r WHERE digest <> 'removed'
    AND seq = (SELECT MAX(seq) FROM recordseal s
               WHERE s.kind = r.kind AND s.record_id = r.record_id)"""


def stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table but the database's own UUID as SQLite stores it (each
    value quoted, so 2 and 2.0 differ), sorted; score summaries without their id, which a
    rebuild numbers anew; of the seals, the newest of each row (the services seal a draft answer
    by answer, the bulk once)."""
    with sqlite3.connect(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        found = {}
        for name in names:
            if name == OWN_PER_DATABASE:
                continue
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
            if name == "scoresummary":
                columns.remove("id")
            quoted = ", ".join(f"quote({column})" for column in columns)
            query = f"SELECT {quoted} FROM {name}"
            if name == "recordseal":
                query = NEWEST_SEALS
            found[name] = sorted(connection.execute(query).fetchall())
    return found


def count(path: Path, rows_of: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {rows_of}").fetchone()[0]


def build_both_ways(folder: Path, library: ScaleLibrary, **plan: Any) -> list[Path]:
    """Build the same demo through the services and in bulk, each into a database of its own."""
    paths = []
    for through_services in (True, False):
        path = folder / f"{'services' if through_services else 'bulk'}.db"
        engine = open_database(f"sqlite:///{path}")
        build_demo_practice(
            engine=engine, library=library, through_services=through_services, **plan
        )
        engine.dispose()
        paths.append(path)
    return paths


def test_the_report_counts_what_is_in_the_database(demo, db):
    _, report = demo
    stored = rows(db, Administration)
    assert report == DemoReport(
        clients=len(rows(db, Client)),
        couples=len(rows(db, Couple)),
        episodes=len(current(db, Episode)),
        visits=len(current(db, Visit)),
        administrations=sum(row.status == "complete" for row in stored),
        drafts=sum(row.status == "draft" for row in stored),
        open_alerts=sum(alert.acknowledged_at is None for alert in rows(db, Alert)),
    )


def test_about_114_episodes_start_in_the_two_years_before_today(db):
    episodes = current(db, Episode)
    assert len(episodes) == 114
    assert all(TODAY - timedelta(days=731) <= e.started_on < TODAY for e in episodes)
    assert len({e.started_on.year for e in episodes}) >= 2


def test_about_a_third_of_episodes_are_for_a_couple_cared_for_together(db):
    episodes = current(db, Episode)
    couple_share = sum(e.couple_id is not None for e in episodes) / len(episodes)
    assert 0.25 <= couple_share <= 0.42
    couples = rows(db, Couple)
    partnered = [c.first_client_id for c in couples] + [c.second_client_id for c in couples]
    assert len(set(partnered)) == 2 * len(couples)


def test_every_referral_reason_occurs_and_the_common_ones_outnumber_stillbirth(db):
    reasons = Counter(r for e in current(db, Episode) for r in e.referral_reasons)
    assert set(reasons) == {reason.value for reason in ReferralReason}
    assert reasons["fear_of_childbirth"] > 3 * reasons["stillbirth"]
    assert reasons["relationship_problems"] > 3 * reasons["stillbirth"]


def test_every_episode_has_a_due_date_and_a_birth_lies_from_3_weeks_before_to_2_after(db):
    episodes = current(db, Episode)
    assert all(e.due_date is not None for e in episodes)
    born = [e for e in episodes if e.birth_date is not None]
    assert len(born) > len(episodes) / 2
    assert all(-21 <= (e.birth_date - e.due_date).days <= 14 for e in born)
    assert all(e.birth_date < TODAY for e in born)


def test_care_starts_in_pregnancy_for_some_and_after_the_birth_for_others(db):
    episodes = current(db, Episode)
    postnatal = sum(e.birth_date is not None and e.birth_date <= e.started_on for e in episodes)
    assert 0.2 * len(episodes) <= postnatal <= 0.8 * len(episodes)


def test_each_episode_has_3_to_15_visits_a_week_to_a_month_apart(db):
    by_episode = visits_by_episode(db)
    assert len(by_episode) == 114
    assert all(3 <= len(visits) <= 15 for visits in by_episode.values())
    gaps = [
        (later.visit_date - earlier.visit_date).days
        for visits in by_episode.values()
        for earlier, later in zip(visits, visits[1:], strict=False)
    ]
    assert 7 <= min(gaps) and max(gaps) <= 40
    assert all(visit.visit_date.weekday() < 5 for v in by_episode.values() for visit in v)


def test_closed_episodes_end_after_their_last_visit_and_ongoing_ones_were_seen_lately(db):
    by_episode = visits_by_episode(db)
    episodes = current(db, Episode)
    closed = [e for e in episodes if e.episode_status == "closed"]
    active = [e for e in episodes if e.episode_status == "active"]
    assert len(closed) > len(active) >= 5
    assert all(e.ended_on >= by_episode[e.lineage_id][-1].visit_date for e in closed)
    assert all(e.ended_on is None for e in active)
    assert all(
        by_episode[e.lineage_id][-1].visit_date >= TODAY - timedelta(days=42) for e in active
    )


def test_clients_have_sequential_codes_names_birth_years_and_mostly_dutch(db):
    clients = sorted(rows(db, Client), key=lambda c: c.id)
    assert [c.code for c in clients] == [f"C{n:03d}" for n in range(1, len(clients) + 1)]
    assert all(c.name and len(c.name.split()) >= 2 for c in clients)
    assert all(1983 <= c.birth_year <= 2002 for c in clients)
    languages = Counter(c.language for c in clients)
    assert set(languages) == {"nl", "en"} and languages["nl"] > 4 * languages["en"]


def test_every_attendee_rates_the_relationship_at_every_visit(db):
    rated = {
        (a.visit_lineage_id, a.client_id) for a in rows(db, Administration) if a.scale_id == "csi4"
    }
    for visit in current(db, Visit):
        assert {(visit.lineage_id, client) for client in visit.attendee_ids} <= rated


def test_the_client_referred_rates_wellbeing_every_visit_and_more_at_intake(db):
    scales = defaultdict(set)
    for administration in rows(db, Administration):
        scales[(administration.visit_lineage_id, administration.client_id)].add(
            administration.scale_id
        )
    by_episode = visits_by_episode(db)
    for episode in current(db, Episode):
        members = episode_members(db, episode)
        intake, *later = by_episode[episode.lineage_id]
        assert sorted(intake.attendee_ids) == sorted(members)
        assert {"who5", "csi4", "rses", "epds", "gad7"} <= scales[(intake.lineage_id, members[0])]
        for visit in later:
            if members[0] in visit.attendee_ids:
                assert "who5" in scales[(visit.lineage_id, members[0])]


def test_most_wellbeing_trajectories_improve_and_a_few_deteriorate(db):
    pairs = who5_first_and_last(db)
    improved = [(first, last) for first, last in pairs if last > first]
    worse = [(first, last) for first, last in pairs if last < first]
    assert len(improved) >= 0.6 * len(pairs)
    assert 3 <= len(worse) <= 0.3 * len(pairs)
    assert 30 <= sum(first for first, _ in pairs) / len(pairs) <= 50
    assert sum(last for _, last in improved) / len(improved) >= 55


def test_items_are_only_rarely_left_missing(db):
    missing = {r.administration_id for r in rows(db, ItemResponse) if r.code is None}
    completed = [a for a in rows(db, Administration) if a.status == "complete"]
    assert 0 < len(missing) <= 0.05 * len(completed)
    invalid = [s for s in rows(db, Score) if not s.valid]
    assert {s.administration_id for s in invalid} <= missing


def test_a_few_drafts_are_left_half_typed_and_unscored(db):
    drafts = [a for a in rows(db, Administration) if a.status == "draft"]
    assert 3 <= len(drafts) <= 5
    responses = Counter(r.administration_id for r in rows(db, ItemResponse))
    assert all(responses[draft.id] >= 1 for draft in drafts)
    assert all(db.get(Score, draft.id) is None for draft in drafts)
    assert all(draft.entered_at >= MIDNIGHT - timedelta(days=60) for draft in drafts)


def test_alerts_come_from_critical_answers_and_only_a_few_stay_open(db):
    alerts = rows(db, Alert)
    scales = {a.id: a.scale_id for a in rows(db, Administration)}
    assert {(scales[alert.administration_id], alert.item) for alert in alerts} == {("epds", "10")}
    open_alerts = [alert for alert in alerts if alert.acknowledged_at is None]
    acknowledged = [alert for alert in alerts if alert.acknowledged_at is not None]
    assert 3 <= len(open_alerts) <= 5
    assert len(acknowledged) > len(open_alerts)
    assert all(alert.action and alert.action_note for alert in acknowledged)
    assert all(alert.acknowledged_at > alert.raised_at for alert in acknowledged)


def test_recorded_times_follow_the_simulated_days(db):
    earliest = MIDNIGHT - timedelta(days=740)
    administrations = rows(db, Administration)
    visits = {v.lineage_id: v for v in current(db, Visit)}
    assert all(earliest <= a.entered_at < MIDNIGHT for a in administrations)
    assert all(
        a.observed_at.date() == visits[a.visit_lineage_id].visit_date for a in administrations
    )
    assert all(v.recorded_at.date() == v.visit_date for v in visits.values())
    events = sorted(rows(db, AuditEvent), key=lambda event: event.seq)
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))


def test_the_audit_chain_of_the_demo_verifies(db):
    report = verify_chain(session=db)
    assert report.intact and report.events > 1000


def test_the_same_seed_and_day_give_the_same_database(tmp_path, library):
    builds = []
    for name in ("first.db", "second.db"):
        engine = open_database(f"sqlite:///{tmp_path / name}")
        build_demo_practice(engine=engine, library=library, seed=5, today=TODAY, episode_count=12)
        builds.append(dump(engine))
        engine.dispose()
    assert builds[0] == builds[1]
    assert len(builds[0]["administration"]) > 50


def test_the_bulk_build_stores_exactly_what_the_services_store(tmp_path, library):
    through_services, in_bulk = build_both_ways(
        tmp_path, library, seed=5, today=TODAY, episode_count=12
    )
    assert stored(in_bulk) == stored(through_services)
    # every kind of step is compared: corrections, drafts, alerts acknowledged and left open
    assert count(in_bulk, "episode WHERE version > 1") > 0
    assert count(in_bulk, "administration WHERE status = 'draft'") > 0
    assert count(in_bulk, "alert WHERE acknowledged_at IS NULL") > 0
    assert count(in_bulk, "alert WHERE acknowledged_at IS NOT NULL") > 0


def test_both_builds_continue_the_access_log_and_ids_a_database_already_has(tmp_path, library):
    for name in ("services.db", "bulk.db"):  # a database without clients, used once already
        engine = open_database(f"sqlite:///{tmp_path / name}")
        actor = Actor(user_id=None, access_point="cli:test", clock=lambda: MIDNIGHT)
        with unit_of_work(engine) as session:
            clients.add_practitioner(session=session, actor=actor, name="Mira")
            record(session=session, actor=actor, event=AuditKind.SEARCH, detail="caseload")
        engine.dispose()
    through_services, in_bulk = build_both_ways(
        tmp_path, library, seed=8, today=TODAY, episode_count=3
    )
    assert stored(in_bulk) == stored(through_services)
    assert count(in_bulk, "auditevent WHERE seq = 1 AND event = 'search'") == 1
    assert count(in_bulk, "practitioner") == 2


def test_another_seed_gives_another_practice(tmp_path, library):
    builds = []
    for seed in (5, 6):
        engine = open_database(f"sqlite:///{tmp_path / f'{seed}.db'}")
        build_demo_practice(engine=engine, library=library, seed=seed, today=TODAY, episode_count=4)
        builds.append(dump(engine)["client"])
        engine.dispose()
    assert builds[0] != builds[1]


def test_a_small_demo_builds_on_each_kind_of_database(engine, library):
    report = build_demo_practice(engine=engine, library=library, today=TODAY, episode_count=10)
    with Session(engine) as session:
        assert len(current(session, Episode)) == report.episodes == 10
        assert len(rows(session, Client)) == report.clients
        assert verify_chain(session=session).intact
    assert report.visits >= 30 and report.administrations > report.visits


def test_after_the_demo_the_services_store_new_records_on_each_kind_of_database(engine, library):
    build_demo_practice(engine=engine, library=library, today=TODAY, episode_count=3)
    actor = Actor(user_id=None, access_point="cli:test", clock=lambda: MIDNIGHT)
    with unit_of_work(engine) as session:
        highest = max(client.id for client in rows(session, Client))
        new = clients.create_client(session=session, actor=actor, new=NewClient(code="NEW-1"))
    assert new.id == highest + 1
    with Session(engine) as session:
        assert verify_chain(session=session).intact
