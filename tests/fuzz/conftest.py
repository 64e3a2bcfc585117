"""Provides the fuzz group's shared parts: case counts, the run loop, the per-case time limit.

Each fuzz test runs twice over: its ``everyday`` run takes a tenth of its cases (the everyday
suite stays fast on two cores), its ``ci`` run, marked ``long``, all of them (a few thousand;
``.ci/run`` runs ``pytest -m long`` after the everyday suite, so every CI run fuzzes the full
counts). ``HECHT_FUZZ_EXAMPLES=N`` runs the open-ended long tests with N cases each; without it
they are skipped.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CASE_SECONDS = 1.0
"""No single case may take longer: a slower one is a hang, reported with the case. Measured in
the process's CPU time, so that a machine busy with other work does not fail a case that waited
for a processor; a case stuck for real still ends at ``ABANDON_SECONDS`` of wall time."""

ABANDON_SECONDS = 20.0
"""A case still running after this is interrupted (where Python can interrupt it) and failed."""

LONG_EXAMPLES = os.environ.get("HECHT_FUZZ_EXAMPLES")

EVERYDAY_SHARE = 0.1
"""The share of a fuzz test's cases that the everyday suite runs; the long group runs them all."""
SHARES = (
    pytest.param(EVERYDAY_SHARE, id="everyday"),
    pytest.param(1.0, id="ci", marks=pytest.mark.long),
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every counted fuzz test twice: a share of its cases everyday, all of them in CI."""
    if "fuzz" in metafunc.fixturenames and "long_examples" not in metafunc.fixturenames:
        metafunc.parametrize("fuzz_share", SHARES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the open-ended fuzz runs unless HECHT_FUZZ_EXAMPLES says how many cases they take.

    The hook sees every test of the session: only those in this folder are the fuzzer's.
    """
    skip = pytest.mark.skip(reason="set HECHT_FUZZ_EXAMPLES=N for a long fuzz run")
    here = Path(__file__).parent
    for item in items:
        open_ended = "long_examples" in getattr(item, "fixturenames", ())
        if open_ended and not LONG_EXAMPLES and item.path.is_relative_to(here):
            item.add_marker(skip)


def shown(case: Any, limit: int = 3000) -> str:
    """A case as text for a failure message, shortened (cases may hold megabytes)."""
    text = repr(case)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class CaseTookTooLong(Exception):
    """Raised inside a case that ran past ``ABANDON_SECONDS``."""


@contextmanager
def abandon_after(seconds: float) -> Iterator[None]:
    """Interrupt the main thread's Python code after ``seconds`` (a hang must end the test)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise CaseTookTooLong(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(check: Callable[[Any], None], case: Any) -> None:
    """Run one case; fail loudly, naming the case, when it raises or takes over a second."""
    start = time.process_time()
    try:
        with abandon_after(ABANDON_SECONDS):
            check(case)
    except CaseTookTooLong as error:
        pytest.fail(f"hang: {error}; case: {shown(case)}")
    elapsed = time.process_time() - start
    if elapsed > CASE_SECONDS:
        pytest.fail(f"case took {elapsed:.2f} s of CPU (limit {CASE_SECONDS:g} s): {shown(case)}")


def run_cases(strategy: st.SearchStrategy[Any], check: Callable[[Any], None], count: int) -> int:
    """Run ``count`` generated cases through ``check``, each timed; return how many ran.

    Any exception ``check`` lets through fails the test, and hypothesis shrinks it to a
    minimal case.
    """
    ran = 0

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # the everyday run is the same every time (a red CI run can be reproduced at once); the
        # long run (HECHT_FUZZ_EXAMPLES) explores new cases each time
        derandomize="HECHT_FUZZ_EXAMPLES" not in os.environ,
    )
    @given(strategy)
    def case(value: Any) -> None:
        nonlocal ran
        ran += 1
        timed(check, value)

    gc.collect()
    gc.freeze()  # the session's heap (libraries, hypothesis) is not walked inside a timed case
    try:
        case()
    finally:
        gc.unfreeze()
    assert ran >= count, f"only {ran} of {count} cases ran"
    return ran


@pytest.fixture
def fuzz_share() -> float:
    """The share of the cases a test runs: all, unless ``pytest_generate_tests`` set it."""
    return 1.0


@pytest.fixture
def fuzz(fuzz_share: float) -> Callable[[st.SearchStrategy[Any], Callable[[Any], None], int], int]:
    """``fuzz(strategy, check, count)``: run the test's share of ``count`` timed cases (see
    ``run_cases``); at least one."""

    def run(strategy: st.SearchStrategy[Any], check: Callable[[Any], None], count: int) -> int:
        return run_cases(strategy, check, max(1, round(count * fuzz_share)))

    return run


@pytest.fixture
def long_examples() -> int:
    """The number of cases of a long run (HECHT_FUZZ_EXAMPLES)."""
    return int(LONG_EXAMPLES or 0)
