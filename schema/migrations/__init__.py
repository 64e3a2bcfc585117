"""Provides the Alembic migrations, run from code by ``hecht.schema.migrate``."""
