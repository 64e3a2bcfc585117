"""Provides the schema revision this version of Hecht writes, known without importing Alembic."""

from __future__ import annotations

HEAD_REVISION = "0015"
"""The newest revision; a test keeps it equal to Alembic's head, so opening a current database
needs neither Alembic nor, for the TUI's first caseload, SQLAlchemy."""
