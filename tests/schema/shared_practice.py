"""A shared PostgreSQL practice with two practitioners' roles, for the caseload tests.

Anna and Bram connect with roles of their own; the role that owns the tables is the practice's
administrator. The roles are made here (the test user needs CREATEROLE, as ``.ci/run`` gives
it) and dropped afterwards, with the tables that held their grants.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from hecht.schema.db.database import open_database
from hecht.schema.dossier_access import grant_practitioner
from tests.schema.conftest import POSTGRES_URL, reset_postgres, worker_database


@dataclass
class SharedPractice:
    """The engines of the administrator and of two practitioners, and their roles and URLs."""

    administrator: Engine
    anna: Engine
    bram: Engine
    roles: dict[str, str]
    urls: dict[str, str]


def role_url(url: str, role: str) -> str:
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return (
        base.set(username=role, password="practitioner")
        .render_as_string(hide_password=False)
        .replace("postgresql+psycopg://", "postgresql://", 1)
    )


def _drop_role(admin: Engine, role: str) -> None:
    with admin.begin() as connection:
        connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


@contextmanager
def shared_practice() -> Iterator[SharedPractice]:
    """The practice's database, emptied, with both roles granted; everything dropped after."""
    assert POSTGRES_URL is not None
    url = worker_database(POSTGRES_URL)
    reset_postgres(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    roles = {name: f"hecht_test_{name}_{worker}" for name in ("anna", "bram")}
    plain = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    for role in roles.values():
        _drop_role(plain, role)
        with plain.begin() as connection:
            connection.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'practitioner'"))
    administrator = open_database(url)
    for role in roles.values():
        grant_practitioner(administrator, role)
    practice = SharedPractice(
        administrator,
        open_database(role_url(url, roles["anna"])),
        open_database(role_url(url, roles["bram"])),
        roles,
        {"administrator": url, **{name: role_url(url, role) for name, role in roles.items()}},
    )
    try:
        yield practice
    finally:
        for engine in (practice.anna, practice.bram, administrator):
            engine.dispose()
        reset_postgres(url)  # the tables go, and the grants on them
        for role in roles.values():
            _drop_role(plain, role)
        plain.dispose()
