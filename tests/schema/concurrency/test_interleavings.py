"""Two or three practitioners change one dossier at once: in random interleavings of their
statements on real connections (``scheduler``), no update is lost and every refusal names who
changed the record first.

Each practitioner reads the record, then stores a change built on what they read, naming the
version they saw: in a later unit of work (as a screen does) or in the same one. The record is
a client's details, an episode, a visit (or its retraction), a completed WHO-5's answers (or its
retraction), or a draft that some answer while one completes it. Or each practitioner opens an
episode for the same client, who is in none: one is opened, the others are refused.

The test marked ``long`` runs 200 interleavings per database when selected (``-m long``), or
``HECHT_INTERLEAVINGS=N``; otherwise it is skipped. ``HECHT_INTERLEAVING_SEED`` sets the seed.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from hecht.scales.scoring import score
from hecht.schema.db.database import unit_of_work
from hecht.schema.errors import ConflictError, StaleVersionError
from hecht.schema.inputs import (
    ClientChanges,
    GivenAnswer,
    NewAdministration,
    NewClient,
    NewEpisode,
    NewVisit,
)
from hecht.schema.services import administrations as adm
from hecht.schema.services import clients, episodes, visits
from hecht.schema.services.drafts import store_answers
from hecht.schema.tables import Administration, Episode, Visit
from hecht.schema.trail.audit import verify_chain
from hecht.schema.versioning import history

EVERYDAY = 20
"""Interleavings per database in the everyday suite; the long run takes HECHT_INTERLEAVINGS."""
LONG = int(os.environ.get("HECHT_INTERLEAVINGS") or 200)
"""Interleavings per database in the long run (skipped unless asked for: see conftest.py)."""
SEED = int(os.environ.get("HECHT_INTERLEAVING_SEED", "11"))
KINDS = ("client", "episode", "visit", "answers", "draft", "opening")
TAGS = re.compile(r"\[[A-Z]\d+\]")
"""The mark each practitioner's change adds to a text: [A7] is Anna's in interleaving 7."""


@dataclass
class Record:
    """The record an interleaving changes: its kind, its key, and what each worker changes."""

    kind: str
    key: Any = None
    seen: dict[str, Any] = field(default_factory=dict)


def read(record: Record, session: Any, worker: Any) -> tuple[int, Any] | None:
    """What the worker sees: the version and the value their change builds on (None: gone)."""
    who = worker.actor
    if record.kind == "client":
        client = clients.get_client(session=session, actor=who, code=record.key)
        return client.version, client.contact or ""
    if record.kind == "episode":
        (episode,) = episodes.episodes_for_client(session=session, actor=who, code=record.key[0])
        return episode.version, episode.referral_text or ""
    if record.kind == "visit":
        last = visits.visit_history(session=session, actor=who, lineage_id=record.key)[-1]
        return None if last.record_status == "retracted" else (last.version, last.note or "")
    last = adm.administration_history(session=session, actor=who, lineage_id=record.key)[-1]
    if last.status == "retracted":
        return None
    return last.version, {answer.item_id: answer.code for answer in last.answers}


def write(record: Record, session: Any, worker: Any, seen: tuple[int, Any], library: Any):
    """Store the worker's change, built on what they saw, naming the version they saw."""
    version, value = seen
    who, kind, reason = worker.actor, record.kind, f"change {worker.tag}"
    if worker.role == "retract":
        retract = visits.retract_visit if kind == "visit" else adm.retract_administration
        retract(
            session=session, actor=who, lineage_id=record.key, reason=reason,
            expected_version=version,
        )  # fmt: skip
    elif kind == "client":
        clients.change_client(
            session=session, actor=who, code=record.key,
            changes=ClientChanges(contact=value + worker.tag), expected_version=version,
        )  # fmt: skip
    elif kind == "episode":
        episodes.correct_episode(
            session=session, actor=who, lineage_id=record.key[1], reason=reason,
            changes={"referral_text": value + worker.tag}, expected_version=version,
        )  # fmt: skip
    elif kind == "visit":
        visits.correct_visit(
            session=session, actor=who, lineage_id=record.key, reason=reason,
            changes={"note": value + worker.tag}, expected_version=version,
        )  # fmt: skip
    else:
        item = record.seen[worker.name]
        adm.correct_administration(
            session=session, actor=who, library=library, lineage_id=record.key, reason=reason,
            answers={item: str((value[item] + 1) % 6)}, expected_version=version,
        )  # fmt: skip


def set_up(kind: str, number: int, session: Any, actor: Any, library: Any) -> Record:
    """Store the record an interleaving changes: a client's details, an episode, a visit, a
    completed WHO-5 (every answer 3) or a WHO-5 draft (item 1 answered)."""
    code = f"K{number}"
    clients.create_client(session=session, actor=actor, new=NewClient(code=code))
    if kind in ("client", "opening"):
        return Record(kind, code)
    start = date(2026, 11, 1)
    new = NewEpisode(client_code=code, started_on=start)
    episode = episodes.open_episode(session=session, actor=actor, new=new).lineage_id
    if kind == "episode":
        return Record(kind, (code, episode))
    if kind == "visit":
        new_visit = NewVisit(episode_lineage_id=episode, visit_date=start, attendee_codes=[code])
        visit = visits.record_visit(session=session, actor=actor, new=new_visit)
        return Record(kind, visit.lineage_id)
    who5 = NewAdministration(client_code=code, scale_id="who5", episode_lineage_id=episode)
    answers = [GivenAnswer("1", "2")] if kind == "draft" else [GivenAnswer(i, "3") for i in "12345"]
    stored = store_answers(
        session=session, actor=actor, library=library, answers=answers, new=who5
    ).draft
    if kind == "draft":
        return Record(kind, stored.id)
    adm.complete_administration(
        session=session, actor=actor, library=library, administration_id=stored.id
    )
    return Record(kind, stored.lineage_id)


def read_then_store(
    worker: Any, one_unit: bool, look: Callable[[Any], Any], store: Callable[[Any, Any], None]
) -> None:
    """Look, then store what was built on the look: in the same unit of work, or in a later
    one; nothing is stored when the look found nothing."""
    with unit_of_work(worker.engine) as session:
        seen = look(session)
        if seen is not None and one_unit:
            store(session, seen)
    if seen is not None and not one_unit:
        with unit_of_work(worker.engine) as session:
            store(session, seen)
    worker.outcome = ("committed", None) if seen is not None else ("gone", None)


def change(record: Record, worker: Any, library: Any, one_unit: bool) -> None:
    """Read, then store a change built on it: in a later unit of work, or in the same one."""
    read_then_store(
        worker,
        one_unit,
        lambda session: read(record, session, worker),
        lambda session, seen: write(record, session, worker, seen, library),
    )


def open_episode(record: Record, worker: Any, library: Any, one_unit: bool) -> None:
    """Look the client up, then open an episode for them (in the same unit of work, or in a
    later one), with the worker's tag as its referral text."""

    def look(session: Any) -> Any:
        return episodes.episodes_for_client(session=session, actor=worker.actor, code=record.key)

    def store(session: Any, _seen: Any) -> None:
        new = NewEpisode(
            client_code=record.key, started_on=date(2026, 11, 1), referral_text=worker.tag
        )
        episodes.open_episode(session=session, actor=worker.actor, new=new)

    read_then_store(worker, one_unit, look, store)


def answer_or_complete(record: Record, worker: Any, library: Any, one_unit: bool) -> None:
    """Open the draft, then answer one of its items or complete it (in the same unit of work,
    or in a later one)."""

    def look(session: Any) -> Any:
        return adm.administration_history(
            session=session, actor=worker.actor, lineage_id=record.key
        )

    def store(session: Any, _seen: Any) -> None:
        context = {"session": session, "actor": worker.actor, "library": library}
        if worker.role == "complete":
            adm.complete_administration(administration_id=record.key, **context)
        else:
            answer = GivenAnswer(*record.seen[worker.name])
            store_answers(answers=[answer], administration_id=record.key, **context)

    read_then_store(worker, one_unit, look, store)


def cast(record: Record, workers: list[Any], rng: random.Random, number: int) -> None:
    """Give each worker a tag, a way of working and a part: change, retract, answer, complete."""
    completer = rng.randrange(len(workers))
    for index, worker in enumerate(workers):
        worker.tag, worker.role = f"[{worker.name[0]}{number}]", "change"
        worker.one_unit = rng.random() < 0.5
        if record.kind == "answers":
            record.seen[worker.name] = str(index + 1)
        last = index == len(workers) - 1
        if record.kind in ("visit", "answers") and last and rng.random() < 0.25:
            worker.role = "retract"
        if record.kind == "draft":
            worker.role = "complete" if index == completer else "answer"
            record.seen[worker.name] = (str(index + 2), "41"[index % 2])


def script_for(record: Record, library: Any) -> Callable[[Any], None]:
    """What each worker does in an interleaving; a refusal is its outcome, not a failure."""

    def script(worker: Any) -> None:
        act = {"draft": answer_or_complete, "opening": open_episode}.get(record.kind, change)
        try:
            act(record, worker, library, worker.one_unit)
        except ConflictError as error:
            worker.outcome = ("refused", error)

    return script


def judge_refusals(workers: list[Any]) -> list[str]:
    """Each refusal is a StaleVersionError naming only practitioners whose change was stored."""
    stored = {worker.name for worker in workers if worker.outcome[0] == "committed"}
    problems = []
    for worker in workers:
        what, error = worker.outcome
        if what == "error":
            problems.append(f"{worker.name} failed: {error!r}")
        named = {change.by for change in getattr(error, "changes", ())}
        if what == "refused" and not (
            isinstance(error, StaleVersionError) and named and named <= stored - {worker.name}
        ):
            problems.append(f"{worker.name} was refused naming {named or 'nobody'}: {error}")
    return problems


def judge_history(versions: list[Any], changes: int) -> list[str]:
    """A history is one line: versions 1, 2, …, each superseding the one before."""
    numbers = [version.version for version in versions]
    problems = [] if numbers == list(range(1, changes + 2)) else [f"versions {numbers}"]
    if any(new.supersedes_id != old.id for old, new in zip(versions, versions[1:], strict=False)):
        problems.append("a version does not supersede the one before it")
    return problems


def judge(record: Record, session: Any, workers: list[Any], library: Any) -> tuple[list, int]:
    """Return what is wrong after an interleaving, and how many stored changes were lost."""
    if record.kind == "draft":
        return judge_draft(record, session, workers, library)
    if record.kind == "opening":
        return judge_opening(record, session, workers), 0
    stored = [worker for worker in workers if worker.outcome[0] == "committed"]
    problems = judge_refusals(workers)
    if record.kind == "client":
        client = clients.client_row(session, record.key)
        if client.version != 1 + len(stored):
            problems.append(f"client version {client.version} after {len(stored)} changes")
        value, last = client.contact or "", None
    else:
        model = {"episode": Episode, "visit": Visit, "answers": Administration}[record.kind]
        lineage = record.key[1] if record.kind == "episode" else record.key
        versions = history(session, model, lineage)
        problems += judge_history(versions, len(stored))
        last = versions[-1]
        value = last.referral_text if record.kind == "episode" else getattr(last, "note", "")
    if record.kind == "answers":
        answered = [version for version in versions if version.status != "retracted"][-1]
        codes = {a.item_id: a.code for a in adm.administration_read(session, answered).answers}
        changed = {record.seen[w.name] for w in stored if w.role == "change"}
        lost = [w for w in stored if w.role == "change" and codes[record.seen[w.name]] != 4]
        if any(codes[item] != 3 for item in set(codes) - changed):
            problems.append(f"answers {codes} changed by nobody's stored change")
    else:
        lost = [w for w in stored if w.role == "change" and w.tag not in (value or "")]
        kept = sorted(TAGS.findall(value or ""))
        if kept != sorted(w.tag for w in stored if w.role == "change"):
            problems.append(f"kept {kept}, stored {[w.tag for w in stored]}")
    if any(w.role == "retract" for w in stored) and last.status != "retracted":
        problems.append("a stored retraction is not the current version")
    return problems + [f"{w.name}'s stored change was lost" for w in lost], len(lost)


def judge_opening(record: Record, session: Any, workers: list[Any]) -> list[str]:
    """One episode was opened, by the one worker whose opening was stored; each other was
    refused because the client is in that open episode."""
    from hecht.schema.services.episodes import episodes_for_client

    opened = episodes_for_client(session=session, actor=workers[0].actor, code=record.key)
    stored = [w.tag for w in workers if w.outcome[0] == "committed"]
    problems = [] if len(stored) == 1 else [f"{len(stored)} openings were stored: {stored}"]
    if [e.referral_text for e in opened if e.status == "active"] != stored:
        problems.append(f"open episodes {[e.referral_text for e in opened]}, stored {stored}")
    for worker in workers:
        what, error = worker.outcome
        if what == "error" or (
            what == "refused" and "already in an open episode" not in str(error)
        ):
            problems.append(f"{worker.name}: {what} {error!r}")
    return problems


def judge_draft(record: Record, session: Any, workers: list[Any], library: Any):
    """Every stored answer is in the draft; once completed, its score is that of its answers."""
    problems = judge_refusals([w for w in workers if w.outcome[0] != "refused"])
    final = adm.administration_read(session, session.get(Administration, record.key))
    codes = {answer.item_id: answer.code for answer in final.answers}
    completed = any(w.role == "complete" and w.outcome[0] == "committed" for w in workers)
    lost = 0
    for worker in (w for w in workers if w.role == "answer"):
        item, code = record.seen[worker.name]
        if worker.outcome[0] == "committed" and codes.get(item) != float(code):
            lost += 1
            problems.append(f"{worker.name}'s answer to item {item} was lost")
        if worker.outcome[0] == "refused" and (not completed or codes.get(item) == float(code)):
            problems.append(f"{worker.name} was refused: {worker.outcome[1]}")
    if completed:
        expected = score(library.get("who5", "1"), codes).total
        if final.status != "complete" or final.score is None or final.score.total != expected:
            problems.append(f"completed with score {final.score}, its answers score {expected}")
    return problems, lost


def interleave(scheduler, engine, actor, library, count: int) -> tuple[dict, list]:
    """Run ``count`` interleavings; return the tally and every problem found, with its trace."""
    dialect = engine.dialect.name
    rng = scheduler.rng = random.Random(f"{SEED}-{dialect}")
    tally: dict[str, int] = dict.fromkeys(("committed", "refused", "gone", "lost"), 0)
    problems: list[str] = []
    for number in range(count):
        kind = rng.choice(KINDS)
        with unit_of_work(engine) as session:
            record = set_up(kind, number, session, actor, library)
        workers = scheduler.team[: rng.choice((2, 3))]
        cast(record, workers, rng, number)
        scheduler.run(workers, script_for(record, library))
        with unit_of_work(engine) as session:
            found, lost = judge(record, session, workers, library)
        for worker in workers:
            tally[worker.outcome[0]] = tally.get(worker.outcome[0], 0) + 1
        tally["lost"] += lost
        trace = "\n    ".join(scheduler.trace)
        problems += [f"{dialect} #{number} {kind} (seed {SEED}): {p}\n    {trace}" for p in found]
    with unit_of_work(engine) as session:
        problems += verify_chain(session=session).problems
    print(f"\n{dialect}: {count} interleavings, {tally}")
    return tally, problems


def test_no_update_is_lost_when_practitioners_change_one_dossier_at_once(
    scheduler, engine, actor, library
):
    tally, problems = interleave(scheduler, engine, actor, library, EVERYDAY)
    assert problems == []
    assert tally["lost"] == 0
    assert tally["committed"] > 0 and tally["refused"] > 0  # they did get in each other's way


@pytest.mark.long
def test_no_update_is_lost_in_many_interleavings(scheduler, engine, actor, library):
    tally, problems = interleave(scheduler, engine, actor, library, LONG)
    assert problems[:5] == [] and tally["lost"] == 0
