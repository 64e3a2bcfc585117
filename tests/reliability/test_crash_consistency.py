"""SIGKILL at random moments of item entry loses no confirmed answer, stores nothing twice and
leaves an intact database (issue 11, point 5).

The long group runs HECHT_KILL_RUNS runs (default 200) on SQLite and a quarter as many (at least
50) on PostgreSQL when HECHT_TEST_POSTGRES_URL is set, in HECHT_KILL_LANES lanes side by side
(default 2); HECHT_KILL_SEED repeats a batch. The everyday suite runs a few, so the harness
itself is exercised every day; its checks are tested on hand-made rows below.
"""

from __future__ import annotations

import os
import random
import time
from functools import partial
from pathlib import Path

import pytest

from tests.tui.terminal import TMUX

from .kill_runs import (
    ITEMS,
    Confirmed,
    Lane,
    Outcome,
    StoredRows,
    chain_intact,
    confirmed_on,
    judge,
    postgres_state,
    run_lanes,
    sqlite_state,
    summary,
)
from .world import POSTGRES_URL, build_practice, private_world, reset_postgres

RUNS = int(os.environ.get("HECHT_KILL_RUNS", "200"))
POSTGRES_RUNS = max(50, RUNS // 4)
LANES = int(os.environ.get("HECHT_KILL_LANES", "2"))
SEED = int(os.environ.get("HECHT_KILL_SEED", random.randrange(1_000_000)))

needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


def sqlite_lanes(root: Path, runs: int, lanes: int) -> list[Lane]:
    """Lanes on SQLite: each its own file and its own clients."""
    made = []
    for number in range(lanes):
        folder = root / f"lane-{number}"
        path = folder / "practice.db"
        codes = [f"K{number}{run:04d}" for run in range(runs // lanes + 1)]
        build_practice(f"sqlite:///{path}", codes)
        rng = random.Random(SEED + number)
        made.append(Lane(str(path), private_world(folder), codes, rng, partial(sqlite_state, path)))
    return made


def postgres_lanes(root: Path, url: str, runs: int, lanes: int) -> list[Lane]:
    """Lanes on one PostgreSQL database, each on its own clients."""
    reset_postgres(url)
    every = [[f"P{number}{run:04d}" for run in range(runs // lanes + 1)] for number in range(lanes)]
    build_practice(url, [code for codes in every for code in codes])
    return [
        Lane(url, private_world(root / f"lane-{number}"), codes, random.Random(SEED + number),
             partial(postgres_state, url))
        for number, codes in enumerate(every)
    ]  # fmt: skip


def kill_batch(lanes: list[Lane], runs: int) -> tuple[list[Outcome], str]:
    """Run a batch; return its outcomes and a summary that names the seed."""
    started = time.monotonic()
    outcomes = run_lanes(lanes, runs)
    report = f"seed {SEED}: " + summary(outcomes, time.monotonic() - started)
    print(report)
    return outcomes, report


def assert_nothing_lost(outcomes: list[Outcome], runs: int, report: str) -> None:
    failed = [o for o in outcomes if o.verdict.problems]
    detail = "\n".join(f"{o.code} ({o.shown}): {o.verdict.problems}" for o in failed[:10])
    assert len(outcomes) == runs
    assert not failed, f"{report}\n{detail}"


@needs_tmux
def test_a_few_kills_during_entry_lose_nothing(tmp_path):
    lanes = sqlite_lanes(tmp_path, 3, 1)
    outcomes, report = kill_batch(lanes, 3)
    assert_nothing_lost(outcomes, 3, report)
    assert chain_intact(lanes[0].url)


@pytest.mark.long
@needs_tmux
def test_sigkill_at_random_moments_of_entry_loses_nothing_on_sqlite(tmp_path):
    lanes = sqlite_lanes(tmp_path, RUNS, LANES)
    outcomes, report = kill_batch(lanes, RUNS)
    assert_nothing_lost(outcomes, RUNS, report)
    assert all(chain_intact(lane.url) for lane in lanes)
    assert sum(o.shown.answers for o in outcomes) > RUNS * ITEMS / 4, "kills fell too early"


@pytest.mark.long
@needs_tmux
@pytest.mark.skipif(not POSTGRES_URL, reason="HECHT_TEST_POSTGRES_URL is not set")
def test_sigkill_at_random_moments_of_entry_loses_nothing_on_postgresql(tmp_path):
    assert POSTGRES_URL is not None
    lanes = postgres_lanes(tmp_path, POSTGRES_URL, POSTGRES_RUNS, LANES)
    outcomes, report = kill_batch(lanes, POSTGRES_RUNS)
    assert_nothing_lost(outcomes, POSTGRES_RUNS, report)
    assert chain_intact(POSTGRES_URL)


# The harness's own reading of screens and rows: each check can fail.

TYPED = "0123401234012340123"


def test_item_k_on_screen_confirms_the_answers_before_it():
    assert confirmed_on("  MAAS — …\n  Item 7 of 19\n") == Confirmed(6, False)
    assert confirmed_on("  Review MAAS · K1\n  Total 40") == Confirmed(ITEMS, False)
    assert confirmed_on("  2026-12-02  MAAS 40 \n  Visits and scales") == Confirmed(ITEMS, True)
    assert confirmed_on("  3 Dec 2026  MAAS 60\n  Visits and scales") == Confirmed(ITEMS, True)
    assert confirmed_on("  MAAS     60 · 1×\n  3 Dec 2026  ✎ draft MAAS") == Confirmed(0, False)
    assert confirmed_on("  2026-12-02  ✎ draft MAAS: 19 of 19 answered") == Confirmed(0, False)
    assert confirmed_on("Which scale?\n  MAAS  Maternal Antenatal") == Confirmed(0, False)


def rows_with(answers: list[tuple[str, float | None]], status: str = "draft") -> StoredRows:
    return StoredRows([(1, status, status == "complete")], {1: answers})


def stored_as_typed(count: int) -> list[tuple[str, float | None]]:
    return [(str(n), float(TYPED[n - 1])) for n in range(1, count + 1)]


def test_the_judge_passes_what_was_stored_as_typed():
    verdict = judge(rows_with(stored_as_typed(8)), TYPED, Confirmed(6, False), [])
    assert (verdict.lost, verdict.duplicates, verdict.corrupt, verdict.problems) == (0, 0, 0, [])


def test_the_judge_counts_a_confirmed_answer_that_is_missing_or_changed():
    answers = stored_as_typed(6)
    del answers[2]
    answers[0] = ("1", 4.0)
    verdict = judge(rows_with(answers), TYPED, Confirmed(6, False), [])
    assert (verdict.lost, verdict.corrupt) == (1, 1)


def test_the_judge_counts_a_second_administration_and_an_answer_stored_twice():
    twice = StoredRows(
        [(1, "draft", False), (2, "draft", False)],
        {1: [*stored_as_typed(3), ("3", 0.0)], 2: stored_as_typed(1)},
    )
    assert judge(twice, TYPED, Confirmed(3, False), []).duplicates == 3


def test_the_judge_counts_an_undone_completion_an_empty_draft_and_a_damaged_file():
    assert judge(rows_with(stored_as_typed(19)), TYPED, Confirmed(19, True), []).lost == 1
    assert judge(rows_with([]), TYPED, Confirmed(0, False), []).corrupt == 1
    damaged = judge(rows_with([]), TYPED, Confirmed(0, False), ["integrity: page 3"])
    assert damaged.corrupt == 2
