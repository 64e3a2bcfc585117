"""The crash-consistency harness: the real ``hecht`` SIGKILLed at a random moment of item entry.

A run starts ``hecht`` in its own tmux server, opens one client's dossier and types a whole MAAS
(19 items, random codes) and the Enter that completes it, in one burst. At a random moment it
reads the screen one last time and kills the process. What the screen showed is what was
confirmed: "Item k of 19" means items 1 to k-1 are stored (the entry moves on only once an
answer is committed), the review means all 19 are, and the dossier's MAAS line means the
administration was completed. The database must then hold every confirmed answer with the code
typed, no administration or answer twice, no draft without an answer, and pass its integrity
check. A run costs one process start (about a second); lanes run side by side, each on its own
clients (and, on SQLite, its own file).
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.db.engine import database_url
from hecht.schema.trail.audit import verify_chain
from tests.tui.terminal import Terminal

SCALE, ITEMS, CODES = "maas", 19, "01234"
SIZE = (80, 24)
"""The terminal's columns and lines: small, as every frame drawn costs the process time."""
POSITION = re.compile(rf"Item (\d+) of {ITEMS}\b")
COMPLETED = re.compile(r"\d  MAAS \d")
"""The dossier's line of a completed MAAS, its date then its total ("3 Dec 2026  MAAS 60"; a
draft's line says "✎ draft MAAS", the score lines start with the scale)."""
REVIEWED = ("Review MAAS", "All items passed")
OPENING_SPAN = 1.5
"""Seconds after the burst within which a run aimed at the opening (dossier, picker) is killed."""
JITTER = 0.04
"""Seconds of random delay after the aimed-at item shows, so the kill falls within a commit."""
POLL = 0.02
"""Seconds between two readings of the screen while waiting for the aimed-at item."""


@dataclass(frozen=True)
class Confirmed:
    """What the screen showed as stored when it was read for the last time before the kill."""

    answers: int
    completed: bool


def confirmed_on(screen: str) -> Confirmed:
    """Read from a screen how many answers were confirmed, and whether the scale was completed."""
    reached = stage(screen)
    return Confirmed(min(ITEMS, max(0, reached - 1)), reached == ITEMS + 2)


@dataclass
class Verdict:
    """A run's database checked against what was confirmed."""

    lost: int = 0
    """Confirmed answers missing or stored with another code; a confirmed completion undone."""
    duplicates: int = 0
    """Administrations beyond the one typed, answers stored twice for one item."""
    corrupt: int = 0
    """Integrity or foreign-key failures; answers with a code never typed; empty drafts."""
    stored: int = 0
    problems: list[str] = field(default_factory=list)


def judge(rows: Any, typed: str, shown: Confirmed, integrity: list[str]) -> Verdict:
    """Compare one client's stored rows (``StoredRows``) with what was typed and confirmed."""
    verdict = Verdict(corrupt=len(integrity), problems=list(integrity))
    if len(rows.administrations) > 1:
        verdict.duplicates += len(rows.administrations) - 1
        verdict.problems.append(f"{len(rows.administrations)} administrations")
    answers = [answer for one in rows.administrations for answer in rows.answers.get(one[0], [])]
    per_item = Counter(item for item, _ in answers)
    verdict.duplicates += sum(count - 1 for count in per_item.values())
    given = {item: code for item, code in answers if code is not None}
    verdict.stored = len(given)
    for item, code in given.items():
        given_key = typed[int(item) - 1] if int(item) <= len(typed) else "nothing"
        if given_key != f"{code:g}":
            verdict.corrupt += 1
            verdict.problems.append(f"item {item} stored as {code:g}, typed {given_key}")
    for number in range(1, shown.answers + 1):
        if str(number) not in given:
            verdict.lost += 1
            verdict.problems.append(f"confirmed item {number} is not stored")
    for identifier, status, scored in rows.administrations:
        if not rows.answers.get(identifier):
            verdict.corrupt += 1
            verdict.problems.append(f"administration {identifier} has no answer")
        if shown.completed and (status != "complete" or not scored):
            verdict.lost += 1
            verdict.problems.append(f"completion confirmed, but it is {status}")
    if shown.answers and not rows.administrations:
        verdict.problems.append("no administration at all")
    return verdict


@dataclass
class StoredRows:
    """One client's administrations (id, status, scored) and their answers (item, code)."""

    administrations: list[tuple[int, str, bool]]
    answers: dict[int, list[tuple[str, float | None]]]


STORED_SQL = (
    "SELECT a.id, a.status, s.administration_id IS NOT NULL FROM administration a "
    "JOIN client c ON c.id = a.client_id LEFT JOIN score s ON s.administration_id = a.id "
    "WHERE c.code = ? ORDER BY a.id",
    "SELECT r.item_id, r.code FROM itemresponse r WHERE r.administration_id = ? ORDER BY r.id",
)


def read_rows(cursor: Any, code: str, mark: str) -> StoredRows:
    """Read a client's rows with a DB-API cursor whose placeholder is ``mark``."""
    cursor.execute(STORED_SQL[0].replace("?", mark), (code,))
    administrations = [(row[0], row[1], bool(row[2])) for row in cursor.fetchall()]
    answers = {}
    for identifier, _, _ in administrations:
        cursor.execute(STORED_SQL[1].replace("?", mark), (identifier,))
        answers[identifier] = [(row[0], row[1]) for row in cursor.fetchall()]
    return StoredRows(administrations, answers)


def sqlite_state(path: Path, code: str) -> tuple[StoredRows, list[str]]:
    """A client's rows in an SQLite file, and every integrity or foreign-key failure in it."""
    connection = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if integrity == ["ok"] else [f"integrity: {line}" for line in integrity]
        keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        problems += [f"foreign key: {row}" for row in keys]
        return read_rows(connection.cursor(), code, "?"), problems
    finally:
        connection.close()


def postgres_state(url: str, code: str) -> tuple[StoredRows, list[str]]:
    """A client's rows in PostgreSQL (which checks its own keys)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return read_rows(connection.cursor(), code, "%s"), []


@dataclass
class Outcome:
    """One run: where it was killed, what was confirmed, what the database says about it."""

    code: str
    opening: bool
    seconds: float
    shown: Confirmed
    verdict: Verdict


@dataclass
class Lane:
    """A sequence of runs on its own clients, one process at a time."""

    url: str
    environment: dict[str, str]
    codes: list[str]
    rng: random.Random
    state: Callable[[str], tuple[StoredRows, list[str]]]

    def run(self, code: str) -> Outcome:
        """Type a MAAS for ``code``, kill ``hecht`` at a random moment, check the database."""
        typed = "".join(self.rng.choice(CODES) for _ in range(ITEMS))
        target = self.rng.randint(0, ITEMS + 2)  # 0: while opening; 20: review; 21: completed
        with Terminal(self.environment, *SIZE) as terminal:
            started = start_entry(terminal, self.url, code, typed)
            shown = aim(terminal, target, self.rng)
            terminal.kill()
            seconds = time.monotonic() - started
        confirmed = confirmed_on(shown)
        stored, integrity = self.state(code)
        verdict = judge(stored, typed, confirmed, integrity)
        return Outcome(code, target == 0, seconds, confirmed, verdict)


def start_entry(terminal: Terminal, url: str, code: str, typed: str) -> float:
    """Start ``hecht``, open the client's dossier, and type the answers in one burst, with the
    Enter that completes the MAAS when they are all of them; return when the burst was sent."""
    terminal.env = {**terminal.env, "HECHT_DB": url}  # a password on the command line is refused
    terminal.start()
    # the rows first: keys typed into the filter before they arrive are lost (test_found_bugs)
    terminal.wait_for(lambda screen: first_row(screen).strip() != "")
    terminal.burst(code)
    terminal.wait_for(lambda screen: first_row(screen).startswith(f" {code} "))
    started = time.monotonic()
    terminal.burst(
        "Enter", "e", SCALE, "Enter", *typed, *(["Enter"] if len(typed) == ITEMS else [])
    )
    return started


def aim(terminal: Terminal, target: int, rng: random.Random) -> str:
    """Wait for a stage of the entry (0: a random moment while it opens), then a little more at
    random; return the screen as it is read for the last time."""
    if target == 0:
        time.sleep(rng.uniform(0, OPENING_SPAN))  # a random moment is the aim: a fixed sleep
    else:
        reached(terminal, target)
        time.sleep(rng.uniform(0, JITTER))  # as above, a random moment within the next commit
    return terminal.screen()


def reached(terminal: Terminal, target: int, timeout: float = 60) -> None:
    """Wait until the entry shows item ``target`` (or a later state: ITEMS + 1 is the review,
    ITEMS + 2 the completed administration), reading the screen often but not hotly."""
    terminal.wait_for(
        lambda screen: stage(screen) >= target, timeout, every=POLL, what=f"stage {target} shown"
    )


def stage(screen: str) -> int:
    """How far the entry is on a screen: 0 before the first item, then the item shown, then
    ITEMS + 1 for the review and ITEMS + 2 for the completed administration."""
    if COMPLETED.search(screen):
        return ITEMS + 2
    if any(marker in screen for marker in REVIEWED):
        return ITEMS + 1
    found = POSITION.search(screen)
    return int(found[1]) if found else 0


def first_row(screen: str) -> str:
    """The caseload's first row (the highlighted one, which Enter opens), or an empty line."""
    lines = screen.splitlines()
    header = next((n for n, line in enumerate(lines) if line.startswith(" Code ")), None)
    return lines[header + 1] if header is not None and header + 1 < len(lines) else ""


def run_lanes(lanes: list[Lane], runs: int) -> list[Outcome]:
    """Share ``runs`` among the lanes, run them side by side, return every outcome."""
    shares = [runs // len(lanes) + (1 if number < runs % len(lanes) else 0) for number in
              range(len(lanes))]  # fmt: skip

    def drive(lane: Lane, count: int) -> list[Outcome]:
        return [lane.run(code) for code in lane.codes[:count]]

    with ThreadPoolExecutor(len(lanes)) as pool:
        results = pool.map(drive, lanes, shares)
        return [outcome for outcomes in results for outcome in outcomes]


def chain_intact(url: str) -> bool:
    """Whether the audit chain of a database verifies after all the kills."""
    engine = open_database(database_url(url))
    try:
        with unit_of_work(engine) as session:
            return verify_chain(session=session).intact
    finally:
        engine.dispose()


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """The figures of a batch of runs, as one readable paragraph."""
    shown = Counter(
        "completed" if o.shown.completed else "reviewed" if o.shown.answers == ITEMS
        else "nothing yet" if o.shown.answers == 0 else "1-9" if o.shown.answers < 10
        else "10-18" for o in outcomes
    )  # fmt: skip
    total = {name: sum(getattr(o.verdict, name) for o in outcomes) for name in
             ("lost", "duplicates", "corrupt", "stored")}  # fmt: skip
    confirmed = sum(o.shown.answers for o in outcomes)
    return (
        f"{len(outcomes)} runs in {seconds:.0f} s ({seconds / max(1, len(outcomes)):.2f} s a run): "
        f"{confirmed} answers confirmed on screen, {total['stored']} stored; lost "
        f"{total['lost']}, duplicates {total['duplicates']}, corrupt {total['corrupt']}; "
        f"killed with the screen showing: {dict(sorted(shown.items()))}"
    )
