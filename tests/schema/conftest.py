"""Fixtures for storage tests: a fresh database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import functools
import os
import queue
import shutil
import threading
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
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database of each kind (on PostgreSQL, of one with the current schema
    when the test asks for ``engine``: it is not made twice)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hecht.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("HECHT_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    templates: PostgresTemplates = request.getfixturevalue("postgres_templates")
    migrated = "engine" in request.fixturenames
    url = templates.clone(templates.migrated if migrated else templates.empty)
    yield url
    templates.dropper.drop(make_url(url).database or "")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an SQLite database with the current schema, made once per test process."""
    folder = tmp_path_factory.mktemp("schema-template")
    open_database(f"sqlite:///{folder / 'hecht.db'}").dispose()
    return folder


class Dropper:
    """Drops the test databases in the background while the next tests run.

    Each DROP DATABASE waits for a checkpoint (most of a second under the suite's load):
    dropped at the end of the run, one after the other, a process's hundred clones held up the
    end of the suite by ten seconds. A drop that fails is raised when the dropper is closed.
    """

    def __init__(self) -> None:
        self._names: queue.Queue[str | None] = queue.Queue()
        self._failures: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="drop-test-databases", daemon=True)
        self._thread.start()

    def drop(self, name: str) -> None:
        """Drop a database soon (its test is over: connections left to it are ended)."""
        self._names.put(name)

    def close(self) -> None:
        """Wait for every drop asked for; raise the first that failed."""
        self._names.put(None)
        self._thread.join()
        if self._failures:
            raise self._failures[0]

    def _run(self) -> None:
        while (name := self._names.get()) is not None:
            try:
                with _maintenance() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except BaseException as error:  # raised in the test process by close()
                self._failures.append(error)


class PostgresTemplates(NamedTuple):
    """The names of two databases each test database is cloned from: cloning takes a twentieth
    of a second, emptying a schema and migrating it again a third of a second."""

    empty: str
    """With the public schema as ``reset_postgres`` leaves it, owned by the test role."""
    migrated: str
    """The same, with the current schema (rebuilt every run: the newest migrations)."""
    clones: list[str]
    """The databases cloned from them so far (each dropped by ``dropper`` after its test)."""
    dropper: Dropper

    def clone(self, template: str) -> str:
        """Copy a template into a database of its own and return its URL.

        Each test gets a new name instead of emptying the last test's database: PostgreSQL
        ends every DROP DATABASE with a checkpoint, which under the suite's load took most of a
        second per test. The clones are dropped in the background after their tests.
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
    templates = PostgresTemplates(
        f"{url.database}_empty", f"{url.database}_template", [], Dropper()
    )
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
    templates.dropper.drop(templates.empty)
    templates.dropper.drop(templates.migrated)
    templates.dropper.close()


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

    def __init__(self, session, actor: Actor, library: ScaleLibrary | None = None) -> None:
        """``library``: the scales to enter (not needed for clients, episodes and visits)."""
        self.session, self.actor, self.library = session, actor, library

    @classmethod
    @contextmanager
    def at(cls, url: str, actor: Actor, library: ScaleLibrary | None = None) -> Iterator[Practice]:
        """A practice in the database at ``url``, in one unit of work committed on leaving: a file
        to copy or to hand to another process is then let go of (its engine disposed), also after
        an error."""
        from hecht.schema.db.database import unit_of_work

        engine = open_database(url)
        try:
            with unit_of_work(engine) as session:
                yield cls(session, actor, library)
        finally:
            engine.dispose()

    def client(self, code: str, role: str | None = None, **extra) -> str:
        """Register a client (``extra``: the name, contact, …); return the code."""
        from hecht.schema.inputs import NewClient
        from hecht.schema.services import clients

        new = NewClient(code=code, role=role, **extra)
        clients.create_client(session=self.session, actor=self.actor, new=new)
        return code

    def episode(self, code: str | None, started, couple_id: int | None = None, **extra) -> int:
        from hecht.schema.inputs import NewEpisode
        from hecht.schema.services import episodes

        new = NewEpisode(client_code=code, couple_id=couple_id, started_on=started, **extra)
        return episodes.open_episode(session=self.session, actor=self.actor, new=new).lineage_id

    def episode_of(self, code: str) -> int:
        """The lineage id of a client's one episode: to add to a practice built before."""
        from hecht.schema.services import episodes

        (episode,) = episodes.episodes_for_client(session=self.session, actor=self.actor, code=code)
        return episode.lineage_id

    def couple(self, first: str, second: str, started, **extra) -> int:
        from hecht.schema.services import clients

        couple = clients.create_couple(
            session=self.session, actor=self.actor, first_code=first, second_code=second
        )
        return self.episode(None, started, couple_id=couple.id, **extra)

    def visit(self, episode: int, codes: list[str], day, **extra):
        """Record one visit (``extra``: its note, themes, …); return it."""
        from hecht.schema.inputs import NewVisit
        from hecht.schema.services import visits

        new = NewVisit(episode_lineage_id=episode, visit_date=day, attendee_codes=codes, **extra)
        return visits.record_visit(session=self.session, actor=self.actor, new=new)

    def visits(self, episode: int, codes: list[str], *days) -> None:
        for day in days:
            self.visit(episode, codes, day)

    def visit_with_scales(self, episode: int, codes: list[str], day, scales):
        """Record a visit at which each ``(code, scale_id, answers)`` of ``scales`` is entered and
        completed, observed that day; return the visit."""
        visit = self.visit(episode, codes, day)
        for code, scale_id, answers in scales:
            self.administer(
                code, scale_id, answers, day, episode, visit_lineage_id=visit.lineage_id
            )
        return visit

    def draft(
        self,
        code: str,
        scale_id: str,
        answers: str | dict[str, str],
        on=None,
        episode: int | None = None,
        **extra,
    ):
        """Start a scale and store its answers, one by one, without completing it; return the
        draft. ``answers`` is typed for every item in order (an empty one stored as missing), or
        a mapping of item ids to codes that stores only those items. ``extra``: the visit, mode."""
        from hecht.schema.inputs import NewAdministration
        from hecht.schema.services import administrations as adm

        new = NewAdministration(
            client_code=code, scale_id=scale_id, episode_lineage_id=episode, observed_on=on, **extra
        )
        draft = adm.start_administration(new=new, **self.context)
        if isinstance(answers, str):  # one per item, or the test's data is wrong
            assert self.library is not None, "a scale needs the library"
            items = [item.id for item in self.library.get(scale_id).items]
            answers = dict(zip(items, answers.split(","), strict=True))
        for item, typed in answers.items():
            self.answer(draft.id, item, typed or None)
        return draft

    def answer(self, administration_id: int, item: str, code: str | None, **extra):
        """Store one answer of a draft (``extra``: why it is missing); return the alerts it
        raised."""
        from hecht.schema.services import administrations as adm

        return adm.record_answer(
            administration_id=administration_id, item_id=item, code=code, **extra, **self.context
        )

    def complete(self, administration_id: int):
        """Complete a draft; return the scored administration."""
        from hecht.schema.services import administrations as adm

        return adm.complete_administration(administration_id=administration_id, **self.context)

    def administer(self, code: str, scale_id: str, answers, on=None, episode=None, **extra):
        """Enter and complete a scale (as ``draft``); return the completed administration."""
        return self.complete(self.draft(code, scale_id, answers, on, episode, **extra).id)

    def scale(self, code: str, scale_id: str, answers: str, on, episode: int | None) -> float:
        """Enter and complete a scale; return its stored total."""
        return self.administer(code, scale_id, answers, on, episode).score.total

    def correct(self, lineage_id: int, answers: dict[str, str], reason: str):
        """Correct a completed administration's answers; return the new version."""
        from hecht.schema.services import administrations as adm

        return adm.correct_administration(
            lineage_id=lineage_id, answers=answers, reason=reason, **self.context
        )

    def acknowledge(self, alert_id: int, action, note: str):
        """Acknowledge an open alert with the action (or actions) taken and a note; return it."""
        from hecht.schema.services.alerts import acknowledge_alert

        return acknowledge_alert(
            session=self.session, actor=self.actor, alert_id=alert_id, action=action, note=note
        )

    @property
    def context(self) -> dict[str, object]:
        """What every administration service is called with."""
        return {"session": self.session, "actor": self.actor, "library": self.library}


@pytest.fixture
def practice(engine: Engine, actor: Actor, library: ScaleLibrary) -> Iterator[Practice]:
    """A practice to fill with care histories; committed when the test's block ends."""
    from hecht.schema.db.database import unit_of_work

    with unit_of_work(engine) as session:
        yield Practice(session, actor, library)
