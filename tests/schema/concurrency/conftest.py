"""Provides practitioners working at once: their units of work interleaved statement by statement.

Each practitioner works on an engine of their own, in a thread of their own, and stops before
every SQL statement, commit and rollback; a seeded random generator chooses who goes on, one
statement at a time. Someone waiting for a lock inside PostgreSQL (pg_stat_activity says so) is
passed over until it is released; on SQLite, where a unit of work takes the write lock as it
begins, nobody begins while another's unit of work is open.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from hecht.schema.db.database import unit_of_work
from hecht.schema.db.engine import make_engine
from hecht.schema.services import clients

PATIENCE = 30.0
"""Seconds a step may take before the run is failed as stuck (a deadlock lasts 1 s at most)."""
NAMES = ("Anna de Vries", "Bram Smit", "Carla Jansen")
PAUSED, RUNNING, DONE = "paused", "running", "done"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the long run here unless asked for: ``-m long``, or ``HECHT_INTERLEAVINGS=N``."""
    marks = config.getoption("markexpr") or ""
    if os.environ.get("HECHT_INTERLEAVINGS") or ("long" in marks and "not long" not in marks):
        return
    skip = pytest.mark.skip(reason="select -m long, or set HECHT_INTERLEAVINGS=N, to run it")
    here = Path(__file__).parent
    for item in items:
        if "long" in item.keywords and item.path.is_relative_to(here):
            item.add_marker(skip)


@dataclass
class Worker:
    """One practitioner: their engine and, for the current interleaving, where they are.

    ``state`` is paused (before ``next``), running or done; ``in_unit`` whether their unit of
    work holds SQLite's write lock. The test gives them a ``tag`` to write, a ``role`` (change,
    retract, answer, complete), whether they read and write in ``one_unit`` of work, and keeps
    their ``outcome``: committed, refused (with the error), gone, or error.
    """

    name: str
    engine: Engine
    actor: Any = None
    pid: int | None = None
    state: str = DONE
    next: str = ""
    go: bool = False
    in_unit: bool = False
    tag: str = ""
    role: str = "change"
    one_unit: bool = False
    outcome: tuple[str, Any] = ("none", None)


class Scheduler:
    """Lets one worker at a time go on to its next statement, chosen by a seeded generator."""

    def __init__(self, rng: random.Random, watch: Callable[[list[Worker]], bool] | None) -> None:
        self.rng, self.watch = rng, watch
        self.serial = watch is None  # SQLite: BEGIN IMMEDIATE holds the write lock to the end
        self.cond = threading.Condition()
        self.team: list[Worker] = []
        self.workers: list[Worker] = []
        self.trace: list[str] = []

    def attach(self, worker: Worker) -> None:
        """Stop the worker before each of its statements, commits and rollbacks."""
        engine = worker.engine
        event.listen(engine, "before_cursor_execute", lambda *a: self.pause(worker, a[2]))
        event.listen(engine, "commit", lambda _c: self.pause(worker, "COMMIT"))
        event.listen(engine, "rollback", lambda _c: self.pause(worker, "ROLLBACK"))
        if not self.serial:
            event.listen(engine, "connect", lambda c, _r: self.connected(worker, c))

    @staticmethod
    def connected(worker: Worker, connection: Any) -> None:
        worker.pid = connection.info.backend_pid  # to find it in pg_stat_activity

    def pause(self, worker: Worker, statement: str) -> None:
        with self.cond:
            if worker not in self.workers or worker.state == DONE:
                return  # work outside an interleaving (none is expected) goes straight on
            worker.state, worker.next = PAUSED, " ".join(statement.split())[:70]
            self.cond.notify_all()
            assert self.cond.wait_for(lambda: worker.go, PATIENCE), "never let go on"
            worker.go = False

    def let_go(self, worker: Worker) -> None:
        """Let the worker run its next statement (holding the condition's lock)."""
        self.trace.append(f"{worker.name}: {worker.next}")
        worker.go, worker.state = True, RUNNING
        if worker.next.startswith("BEGIN"):
            worker.in_unit = True
        elif worker.next in ("COMMIT", "ROLLBACK"):
            worker.in_unit = False
        self.cond.notify_all()

    def may_go(self, worker: Worker) -> bool:
        if not self.serial or not worker.next.startswith("BEGIN"):
            return True
        return not any(other.in_unit for other in self.workers if other is not worker)

    def settle(self) -> None:
        """Wait until every worker has paused, finished, or waits for a lock in the database."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            with self.cond:
                self.cond.wait_for(lambda: all(w.state != RUNNING for w in self.workers), 0.002)
                running = [w for w in self.workers if w.state == RUNNING]
            if not running or (self.watch is not None and self.watch(running)):
                return
        raise AssertionError("stuck:\n" + "\n".join(self.trace[-30:]))

    def run(self, workers: list[Worker], script: Callable[[Worker], None]) -> None:
        """Run the script for each worker, interleaved; each worker's outcome is kept on it."""
        self.workers, self.trace = workers, []
        for worker in workers:
            worker.state, worker.in_unit, worker.outcome = RUNNING, False, ("none", None)
        threads = [threading.Thread(target=self._work, args=(w, script)) for w in workers]
        for thread in threads:
            thread.start()
        while True:
            self.settle()
            with self.cond:
                if all(w.state == DONE for w in workers):
                    break
                ready = [w for w in workers if w.state == PAUSED and self.may_go(w)]
                if ready:
                    self.let_go(self.rng.choice(ready))
        for thread in threads:
            thread.join(PATIENCE)

    def _work(self, worker: Worker, script: Callable[[Worker], None]) -> None:
        try:
            self.pause(worker, "START")
            script(worker)
        except Exception as error:  # noqa: BLE001 - kept and judged by the test
            worker.outcome = ("error", error)
        finally:
            with self.cond:
                worker.state = DONE
                self.cond.notify_all()


class LockWatch:
    """Says whether workers wait for a lock in PostgreSQL, from pg_stat_activity."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)

    def __call__(self, running: list[Worker]) -> bool:
        pids = [worker.pid for worker in running]
        if None in pids:
            return False
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s) AND wait_event_type = 'Lock'",
            [pids],
        ).fetchall()
        return {row[0] for row in rows} == set(pids)


@pytest.fixture
def scheduler(engine: Engine, database_url: str, actor: Any) -> Iterator[Scheduler]:
    """A scheduler and its team: three practitioners, each with an engine of their own."""
    dialect = engine.dialect.name
    watch = None if dialect == "sqlite" else LockWatch(database_url)
    scheduler = Scheduler(random.Random(dialect), watch)
    with unit_of_work(engine) as session:
        for name in NAMES:
            who = clients.practitioner_named(session=session, actor=actor, name=name)
            worker = Worker(name, make_engine(database_url))
            worker.actor = replace(actor, user_id=who, access_point=f"test:{name[0]}")
            scheduler.attach(worker)
            scheduler.team.append(worker)
    yield scheduler
    for worker in scheduler.team:
        worker.engine.dispose()
    if watch is not None:
        watch.connection.close()
