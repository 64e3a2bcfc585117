"""Provides the migration revisions, oldest first."""
