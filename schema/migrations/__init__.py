"""Provides the Alembic migrations, run from code by ``hecht.schema.db.migrate``."""
