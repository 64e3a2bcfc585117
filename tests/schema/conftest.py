"""Fixtures for storage tests: a fresh database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, text

from hecht.scales.library import ScaleLibrary, load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database

POSTGRES_URL = os.environ.get("HECHT_TEST_POSTGRES_URL")
FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


def worker_database(url: str) -> str:
    """The test database of this pytest-xdist worker (``hecht_test_gw0``, …), made when missing.

    Workers run at once and every storage test empties its database first: each needs its own.
    Without xdist the database named in HECHT_TEST_POSTGRES_URL is used as it is.
    """
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return (
        base.set(database=name)
        .render_as_string(hide_password=False)
        .replace("postgresql+psycopg://", "postgresql://", 1)
    )


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
    url = worker_database(POSTGRES_URL)
    reset_postgres(url)
    return url


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


class Practice:
    """Builds care histories for a test in a few readable lines, through the services."""

    def __init__(self, session, actor: Actor, library: ScaleLibrary) -> None:
        self.session, self.actor, self.library = session, actor, library

    def client(self, code: str, role: str | None = None) -> str:
        from hecht.schema.inputs import NewClient
        from hecht.schema.services import clients

        new = NewClient(code=code, role=role)
        clients.create_client(session=self.session, actor=self.actor, new=new)
        return code

    def episode(self, code: str | None, started, couple_id: int | None = None, **extra) -> int:
        from hecht.schema.inputs import NewEpisode
        from hecht.schema.services import episodes

        new = NewEpisode(client_code=code, couple_id=couple_id, started_on=started, **extra)
        return episodes.open_episode(session=self.session, actor=self.actor, new=new).lineage_id

    def couple(self, first: str, second: str, started, **extra) -> int:
        from hecht.schema.services import clients

        couple = clients.create_couple(
            session=self.session, actor=self.actor, first_code=first, second_code=second
        )
        return self.episode(None, started, couple_id=couple.id, **extra)

    def visits(self, episode: int, codes: list[str], *days) -> None:
        from hecht.schema.inputs import NewVisit
        from hecht.schema.services import visits

        for day in days:
            new = NewVisit(episode_lineage_id=episode, visit_date=day, attendee_codes=codes)
            visits.record_visit(session=self.session, actor=self.actor, new=new)

    def scale(self, code: str, scale_id: str, answers: str, on, episode: int | None) -> float:
        """Enter and complete a scale; return its stored total."""
        from hecht.schema.inputs import NewAdministration
        from hecht.schema.services import administrations as adm

        new = NewAdministration(
            client_code=code, scale_id=scale_id, episode_lineage_id=episode, observed_on=on
        )
        context = {"session": self.session, "actor": self.actor, "library": self.library}
        draft = adm.start_administration(new=new, **context)
        for item, typed in enumerate(answers.split(","), start=1):
            adm.record_answer(
                administration_id=draft.id, item_id=str(item), code=typed or None, **context
            )
        done = adm.complete_administration(administration_id=draft.id, **context)
        return done.score.total


@pytest.fixture
def practice(engine: Engine, actor: Actor, library: ScaleLibrary) -> Iterator[Practice]:
    """A practice to fill with care histories; committed when the test's block ends."""
    from hecht.schema.db.database import unit_of_work

    with unit_of_work(engine) as session:
        yield Practice(session, actor, library)
