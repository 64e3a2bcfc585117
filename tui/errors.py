"""Provides the refusal every command raises for bad input: shown as one line, exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input on the command line, already phrased for the user."""
