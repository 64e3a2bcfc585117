"""Provides the fuzz group's shared parts: case counts, the run loop, the per-case time limit.

Every fuzz test runs its CI count of cases (a few thousand; the group takes well under a
minute). ``HECHT_FUZZ_EXAMPLES=N`` runs the tests marked ``long`` with N cases each; without it
they are skipped, and ``-m "not long"`` deselects them.
"""

from __future__ import annotations

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the long fuzz runs unless HECHT_FUZZ_EXAMPLES says how many cases they take.

    The hook sees every test of the session: only those in this folder are the fuzzer's.
    """
    skip = pytest.mark.skip(reason="set HECHT_FUZZ_EXAMPLES=N for a long fuzz run")
    here = Path(__file__).parent
    for item in items:
        if "long" in item.keywords and not LONG_EXAMPLES and item.path.is_relative_to(here):
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

    case()
    assert ran >= count, f"only {ran} of {count} cases ran"
    return ran


@pytest.fixture
def fuzz() -> Callable[[st.SearchStrategy[Any], Callable[[Any], None], int], int]:
    """``fuzz(strategy, check, count)``: run ``count`` timed cases (see ``run_cases``)."""
    return run_cases


@pytest.fixture
def long_examples() -> int:
    """The number of cases of a long run (HECHT_FUZZ_EXAMPLES)."""
    return int(LONG_EXAMPLES or 0)
