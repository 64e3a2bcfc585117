"""The services against a model of the practice (issue 11, point 8): clients, couples, episodes,
drafts, completions, corrections, retractions, discards, alerts, destruction, JSON export and
import, restarts; see ``practice_machine`` for the invariants and the audit events expected.

A few examples in the everyday suite, on SQLite (and on PostgreSQL when HECHT_TEST_POSTGRES_URL
is set); many more in the long group.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from .practice_machine import PracticeMachine
from .world import POSTGRES_URL, reset_postgres

EVERYDAY = {"sqlite": (8, 20), "postgresql": (3, 15)}
LONG = {"sqlite": (50, 40), "postgresql": (10, 30)}
"""Examples and steps per example."""


def empty_database(kind: str, folder: Path):
    """A function returning the URL of a new, empty database of the kind."""
    numbers = itertools.count()

    def sqlite() -> str:
        return f"sqlite:///{folder / f'practice-{next(numbers)}.db'}"

    def postgresql() -> str:
        assert POSTGRES_URL is not None
        reset_postgres(POSTGRES_URL)
        return POSTGRES_URL

    return sqlite if kind == "sqlite" else postgresql


def run_machine(kind: str, examples: int, steps: int) -> None:
    if kind == "postgresql" and not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    with tempfile.TemporaryDirectory() as folder:
        machine = type("Machine", (PracticeMachine,), {})
        machine.open_empty = staticmethod(empty_database(kind, Path(folder)))
        machine.TestCase.settings = settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        machine.TestCase().runTest()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_services_keep_the_database_equal_to_the_model(kind):
    run_machine(kind, *EVERYDAY[kind])


@pytest.mark.long
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_many_more_operations_keep_the_database_equal_to_the_model(kind):
    run_machine(kind, *LONG[kind])
