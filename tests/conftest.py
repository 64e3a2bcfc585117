"""Shared fixtures: every test runs with its own empty config folder and English output."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (as on this project's machines):
# every pytest-xdist worker would otherwise rewrite each test module's asserts again, and each of
# the hundreds of `hecht` processes the terminal tests start would compile the package anew.
sys.dont_write_bytecode = False


@pytest.fixture(autouse=True)
def isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HECHT_CONFIG and HECHT_CACHE at fresh folders: no test touches the user's own."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("HECHT_CONFIG", str(folder))
    monkeypatch.setenv("HECHT_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HECHT_LANG", "en")
    return folder


@pytest.fixture(autouse=True)
def no_passphrases(monkeypatch: pytest.MonkeyPatch):
    """Every test starts as a new process would: no database unlocked, no passphrase file."""
    from hecht.schema.db.cipher import forget_keys

    monkeypatch.delenv("HECHT_PASSPHRASE_FILE", raising=False)
    forget_keys()
    yield
    forget_keys()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: twice as many workers as cores for the everyday suite, whose tests mostly wait
    on a terminal, a worker thread or a database (on 2 cores: 4 min 10 s against 5 min 33 s with
    one worker per core); one per core for the long group, whose kill runs need the processor."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return cores if config.option.markexpr == "long" else 2 * cores


@pytest.fixture(scope="session")
def practice_copy(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build each kind of practice file once per test process and hand every test its own copy.

    ``practice_copy(into, build, *args, **kwargs)`` returns ``into / "practice.db"``: a copy (with
    the audit head beside it, still private to the user) of what ``build(url, *args, **kwargs)``
    stored in an empty file the first time that build was asked for with those arguments.
    Building through the services costs up to a second per test; copying, a few milliseconds.
    Copies of one build are one practice (the same UUID, migration 0011).
    """
    built: dict[tuple[object, str], Path] = {}

    def copy(into: Path, build: Callable[..., object], *args: object, **kwargs: object) -> Path:
        key = (build, repr((args, sorted(kwargs.items()))))
        made = built.get(key)
        if made is None:
            made = tmp_path_factory.mktemp("built-practice")
            build(f"sqlite:///{made / 'practice.db'}", *args, **kwargs)
            built[key] = made
        into.mkdir(parents=True, exist_ok=True)
        for file in made.iterdir():
            shutil.copy2(file, into / file.name)
        return into / "practice.db"

    return copy


def client_system(database: Path | str) -> str:
    """The system the practice in this SQLite file identifies its client codes by in FHIR (scoped
    by the practice's own UUID): what another program sending results for import must use."""
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.exchange.fhir.terms import PracticeUris
    from hecht.schema.identity import practice_uuid

    engine = open_database(f"sqlite:///{database}")
    try:
        with unit_of_work(engine) as session:
            return PracticeUris(practice_uuid(session)).client_system
    finally:
        engine.dispose()


def in_practice_file(database: Path | str, work: Callable[[Any], Any]) -> Any:
    """Return ``work(session)``, done in one unit of work on the practice in this SQLite file (its
    path or its URL); the file is let go of afterwards, as a test between two steps must."""
    from hecht.schema.db.database import open_database, unit_of_work

    url = str(database)
    engine = open_database(url if url.startswith("sqlite:///") else f"sqlite:///{url}")
    try:
        with unit_of_work(engine) as session:
            return work(session)
    finally:
        engine.dispose()
