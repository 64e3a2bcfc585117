"""Provides schema migrations run from code: status, upgrade, and the start-up check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from hecht.schema.db.revision import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent.parent / "migrations"


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


def alembic_config() -> Config:
    """Return an Alembic configuration for the packaged migrations (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """Return the newest revision this code knows."""
    return HEAD_REVISION


def known_revisions() -> set[str]:
    """Return every revision the packaged migrations define (Alembic reads the scripts)."""
    from alembic.script import ScriptDirectory

    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def database_revision(engine: Engine) -> tuple[str | None, set[str]]:
    """Return the revision stamped in the database (None when unstamped) and its tables."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables:
            return None, tables
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return revision, tables


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's revision with the code's."""
    head = head_revision()
    revision, tables = database_revision(engine)
    if revision is None:
        state = SchemaState.EMPTY if not tables - {"alembic_version"} else SchemaState.FOREIGN
    elif revision == head:
        state = SchemaState.CURRENT
    elif revision in known_revisions():
        state = SchemaState.OLDER
    else:
        state = SchemaState.NEWER
    return SchemaStatus(state, revision, head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
