"""Shared pieces of the reliability tests: a private world for the real ``hecht``, a practice.

Every ``hecht`` started by these tests gets its own HOME, XDG folders, config and cache folders
under one root, so what it writes can be found (and searched) there and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from hecht.schema.context import Actor
from hecht.schema.db.engine import database_url
from tests.schema.conftest import Practice, reset_postgres, worker_database

__all__ = ["POSTGRES_URL", "build_practice", "private_world", "reset_postgres", "world_folders"]

ACTOR = Actor(user_id=None, access_point="test:reliability")
POSTGRES_URL = (
    worker_database(os.environ["HECHT_TEST_POSTGRES_URL"])
    if os.environ.get("HECHT_TEST_POSTGRES_URL")
    else None
)
"""This test worker's own PostgreSQL database (the workers of pytest-xdist run at once)."""


def private_world(root: Path, language: str = "en") -> dict[str, str]:
    """The environment of a ``hecht`` whose every folder lies under ``root``."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    config = root / "config"
    config.mkdir(parents=True, exist_ok=True)  # a practitioner who gave their name: not asked
    (config / "config.toml").write_text('practitioner = "Test Practitioner"\n', encoding="utf-8")
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "HECHT_CONFIG": str(root / "config"),
        "HECHT_CACHE": str(root / "cache"),
        "HECHT_LANG": language,
    }


def world_folders(environment: dict[str, str]) -> list[Path]:
    """The folders of a private world that ``hecht`` may write to."""
    names = [name for name in environment if name == "HOME" or name.startswith(("XDG_", "HECHT_"))]
    return [Path(environment[name]) for name in names if name != "HECHT_LANG"]


def build_practice(url: str, codes: Iterable[str], names: dict[str, str] | None = None) -> None:
    """Register these clients (named as given), each in an episode since today."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with Practice.at(database_url(url), ACTOR) as practice:
        for code in codes:
            practice.episode(practice.client(code, name=(names or {}).get(code)), date.today())
