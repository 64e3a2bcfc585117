"""Fixtures for storage tests: a fresh database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, text

from hecht.scales.library import ScaleLibrary, load_library
from hecht.schema.context import Actor
from hecht.schema.database import open_database

POSTGRES_URL = os.environ.get("HECHT_TEST_POSTGRES_URL")
FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


def reset_postgres(url: str) -> None:
    """Empty the test database: drop and recreate its public schema."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hecht.db'}"
    if not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database with the current schema."""
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def actor() -> Actor:
    """A practitioner at a workstation, with a frozen clock."""
    return Actor(user_id=None, access_point="test:workstation", clock=lambda: FROZEN)


@pytest.fixture(scope="session")
def library() -> ScaleLibrary:
    """The built-in scale library."""
    return load_library(None)
