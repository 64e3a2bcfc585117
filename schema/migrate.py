"""Provides schema migrations run from code: status, upgrade, and the start-up check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaState(StrEnum):
    """How a database's schema relates to this version of Hecht."""

    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    FOREIGN = "foreign"


@dataclass(frozen=True)
class SchemaStatus:
    """The database's revision, the code's head revision, and what that means."""

    state: SchemaState
    database_revision: str | None
    head_revision: str


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer Hecht; this version must not touch it."""


class ForeignDatabaseError(RuntimeError):
    """The database holds tables that are not Hecht's."""


def alembic_config() -> Config:
    """Return an Alembic configuration for the packaged migrations (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """Return the newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's revision with the code's."""
    head = head_revision()
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        tables = set(inspect(connection).get_table_names())
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if revision is None:
        state = SchemaState.EMPTY if not tables - {"alembic_version"} else SchemaState.FOREIGN
    elif revision == head:
        state = SchemaState.CURRENT
    elif revision in known:
        state = SchemaState.OLDER
    else:
        state = SchemaState.NEWER
    return SchemaStatus(state, revision, head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
