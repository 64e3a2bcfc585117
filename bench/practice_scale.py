"""Provides the practice-scale benchmarks of issue 5, as ratios to baselines from the same run.

    python bench/practice_scale.py [--clients 10000] [--per-client 40]

A synthetic practice (written with bulk inserts, not through the services) of 10,000 clients with
40 completed administrations each (400,000) in one episode each. Measured:
- caseload signals for every client, against reading the same number of precomputed signal
  rows from the same database (goal <= 2x, issue 12);
- the whole caseload with its signals, against the same baseline (goal <= 10x, issue 12);
- the practice outcomes report for 10,000 episodes (goal <= 1 s), with the same baseline.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

RUNS = 9
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
"""The practice's own today: its last visits lie in the week before. Measured on another day,
every client would drift into 'overdue' and the benchmark would measure another practice."""
SCALES = ("who5", "csi4", "epds", "gad7")


def _total(scale: str, trend: float, progress: float, rng: random.Random) -> float:
    """A plausible total: a start, a course over the episode (most improve), and noise."""
    health = min(1.0, max(0.0, 0.4 + trend * progress + rng.gauss(0, 0.08)))
    if scale == "who5":
        return float(round(health * 25) * 4)
    if scale == "csi4":  # higher is better
        return float(round(health * 21))
    worst = 30 if scale == "epds" else 21
    return float(round((1 - health) * worst))


def build(url: str, clients: int, per_client: int) -> None:
    """Fill an empty database with a practice of the given size, deterministically."""
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.summaries import rebuild_summaries
    from hecht.schema.tables import Administration, Client, Episode, Score

    rng = random.Random(7)
    engine = open_database(url)
    now = NOW
    start = date(2025, 11, 1)
    with engine.begin() as connection:
        connection.execute(
            insert(Client),
            [
                {"id": n, "code": f"C{n:05d}", "created_at": now, "role": "mother"}
                for n in range(1, clients + 1)
            ],
        )
        connection.execute(
            insert(Episode),
            [
                {
                    "id": n, "lineage_id": n, "version": 1, "status": "complete",
                    "recorded_at": now, "client_id": n, "referral_reasons": ["fear_of_childbirth"],
                    "episode_status": "active", "started_on": start,
                    "due_date": start + timedelta(days=200),
                }
                for n in range(1, clients + 1)
            ],
        )  # fmt: skip
        rows, scores, next_id = [], [], 1
        course = [rng.gauss(0.25, 0.15) for _ in range(97)]  # most improve, some worsen
        for client in range(1, clients + 1):
            for index in range(per_client):
                scale = SCALES[index % len(SCALES)]
                at = now - timedelta(days=7 * (per_client - index) + rng.randint(0, 3))
                rows.append(
                    {
                        "id": next_id, "lineage_id": next_id, "version": 1, "status": "complete",
                        "recorded_at": at, "client_id": client, "episode_lineage_id": client,
                        "scale_id": scale, "scale_version": "1", "respondent": "self",
                        "observed_at": at, "entered_at": at, "mode": "paper",
                    }
                )  # fmt: skip
                total = _total(scale, course[client % len(course)], index / per_client, rng)
                scores.append(
                    {
                        "administration_id": next_id, "total": total, "raw_total": total,
                        "valid": True, "prorated": False, "missing_items": [],
                        "subscales": {}, "computed_at": at,
                    }
                )  # fmt: skip
                next_id += 1
            if len(rows) >= 50_000:
                connection.execute(insert(Administration), rows)
                connection.execute(insert(Score), scores)
                rows, scores = [], []
        if rows:
            connection.execute(insert(Administration), rows)
            connection.execute(insert(Score), scores)
        connection.execute(
            text("CREATE TABLE precomputed_signal (client_id INTEGER, kind TEXT, detail TEXT)")
        )
        connection.execute(
            text("INSERT INTO precomputed_signal VALUES (:client, 'overdue', '{\"weeks\": 5}')"),
            [{"client": n} for n in range(1, clients + 1)],
        )
    with unit_of_work(engine) as session:
        rebuild_summaries(session)  # what the services keep current on every write
    engine.dispose()


def in_turns(works: dict[str, Any]) -> dict[str, float]:
    """Median seconds of each work, measured in turns (one of each per round) after a warm-up
    round, so a shared machine's drift falls on all of them alike."""
    for work in works.values():
        work()
    timings: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(RUNS):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--per-client", type=int, default=40)
    options = parser.parse_args()
    from hecht.scales.facts import library_facts
    from hecht.scales.library import load_library
    from hecht.schema.context import Actor
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.db.plain import of_session
    from hecht.schema.services.caseload import CaseloadRow, caseload
    from hecht.schema.services.outcomes import practice_outcomes
    from hecht.schema.services.signals import signals_for

    library = load_library(None)
    facts = library_facts(library)
    actor = Actor(user_id=None, access_point="bench", clock=lambda: NOW)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'practice.db'}"
        started = time.perf_counter()
        build(url, options.clients, options.per_client)
        built = time.perf_counter() - started
        engine = open_database(url)
        in_care = [
            CaseloadRow(
                client_id=n,
                code=f"C{n:05d}",
                name=None,
                couple_id=None,
                partner_id=None,
                partner_code=None,
                episode_lineage_id=n,
                episode_started=date(2025, 11, 1),
                week=None,
                last_visit=None,
                visits=12,
                open_alerts=0,
                drafts=0,
            )  # fmt: skip
            for n in range(1, options.clients + 1)
        ]

        def precomputed() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT * FROM precomputed_signal")).fetchall()

        def signals() -> None:
            with unit_of_work(engine) as session:
                signals_for(
                    plain=of_session(session), facts=facts, clients=in_care, today=NOW.date()
                )

        def whole_caseload() -> None:
            with unit_of_work(engine) as session:
                caseload(session=session, actor=actor, library=library)

        def outcomes() -> None:
            with unit_of_work(engine) as session:
                practice_outcomes(session=session, actor=actor, library=library)

        medians = in_turns(
            {"baseline": precomputed, "signals": signals, "caseload": whole_caseload,
             "outcomes": outcomes}
        )  # fmt: skip
        floor = medians["baseline"]
        rows = [
            ("read precomputed signal rows (baseline)", floor, ""),
            ("caseload signals, every client", medians["signals"], "goal <= 2x"),
            ("whole caseload with signals", medians["caseload"], "goal <= 10x"),
            ("practice outcomes report", medians["outcomes"], "goal <= 1 s"),
        ]
        engine.dispose()
    administrations = options.clients * options.per_client
    print(f"practice: {options.clients} clients, {administrations} administrations "
          f"(built in {built:.1f} s)")  # fmt: skip
    print(f"{'benchmark':<42} {'median':>10} {'ratio':>8}  goal")
    for name, seconds, goal in rows:
        print(f"{name:<42} {seconds * 1000:>8.1f}ms {seconds / floor:>7.1f}x  {goal}")


if __name__ == "__main__":
    main()
