"""Fixtures for storage tests: a fresh database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from hecht.scales.library import ScaleLibrary, load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database

POSTGRES_URL = os.environ.get("HECHT_TEST_POSTGRES_URL")
FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


@functools.cache
def worker_database(url: str) -> str:
    """The test database of this pytest-xdist worker (``hecht_test_gw0``, …), made when missing.

    Workers run at once and every storage test empties its database first: each needs its own.
    Without xdist the database named in HECHT_TEST_POSTGRES_URL is used as it is.
    """
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
    """The URL of an empty database of each kind (on PostgreSQL, of one with the current schema
    when the test asks for ``engine``: it is not made twice)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hecht.db'}"
    if not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    templates: PostgresTemplates = request.getfixturevalue("postgres_templates")
    migrated = "engine" in request.fixturenames
    return templates.clone(templates.migrated if migrated else templates.empty)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an SQLite database with the current schema, made once per test process."""
    folder = tmp_path_factory.mktemp("schema-template")
    open_database(f"sqlite:///{folder / 'hecht.db'}").dispose()
    return folder


class PostgresTemplates(NamedTuple):
    """The names of two databases each test database is cloned from: cloning takes a twentieth
    of a second, emptying a schema and migrating it again a third of a second."""

    empty: str
    """With the public schema as ``reset_postgres`` leaves it, owned by the test role."""
    migrated: str
    """The same, with the current schema (rebuilt every run: the newest migrations)."""
    clones: list[str]
    """The databases cloned from them so far, dropped with them at the end."""

    def clone(self, template: str) -> str:
        """Copy a template into a database of its own and return its URL.

        Each test gets a new name instead of dropping the last test's database: PostgreSQL
        ends every DROP DATABASE with a checkpoint, which under the suite's load took most of a
        second per test. The clones are dropped with their templates when the process ends.
        """
        url = make_url(worker_database(POSTGRES_URL or ""))
        name = f"{template}_{len(self.clones)}"
        with _maintenance() as connection:  # a crashed run may have left one of that name
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.clones.append(name)
        return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[PostgresTemplates]:
    """This test process's two template databases, made once and dropped at the end."""
    url = make_url(worker_database(POSTGRES_URL or ""))
    templates = PostgresTemplates(f"{url.database}_empty", f"{url.database}_template", [])
    for template in (templates.empty, templates.migrated):
        with _maintenance() as connection:
            prefix = f"{template}_"
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datdba = current_user::regrole")
            ).scalars()
            for name in [n for n in names if n.startswith(prefix) and n[len(prefix) :].isdigit()]:
                # a clone an interrupted run left behind
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{template}"'))
        template_url = url.set(database=template).render_as_string(hide_password=False)
        reset_postgres(template_url)
        if template == templates.migrated:
            open_database(template_url).dispose()
    yield templates
    with _maintenance() as connection:
        for name in (*templates.clones, templates.empty, templates.migrated):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@functools.cache
def _maintenance_engine() -> Engine:
    """An engine on the server's maintenance database, kept for the test process."""
    url = make_url((POSTGRES_URL or "").replace("postgresql://", "postgresql+psycopg://", 1))
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


@contextmanager
def _maintenance() -> Iterator[Connection]:
    """A connection to the server's maintenance database, to drop or create a test database."""
    with _maintenance_engine().connect() as connection:
        yield connection


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database with the current schema: a copy of the template, since migrating a new
    database for each of hundreds of tests took a sixth of the suite's time. The copies share
    the template's practice UUID (migration 0011): a test of two practices makes the second
    with ``open_database``. On PostgreSQL each test's database is a clone of its own
    (``PostgresTemplates.clone``), so the test role needs CREATEDB (as ``.ci/run`` gives it)."""
    if database_url.startswith("sqlite:///"):
        target = Path(database_url.removeprefix("sqlite:///")).parent
        for made in request.getfixturevalue("sqlite_template").iterdir():
            shutil.copy2(made, target / made.name)  # copy2: the file stays private (0600)
    engine = open_database(database_url)  # on PostgreSQL a clone of the migrated template
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
