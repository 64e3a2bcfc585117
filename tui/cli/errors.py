"""Provides the refusal every command raises for bad input: shown as one line, exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input on the command line, already phrased for the user.

    Attributes:
        reason: when the database or its disk refused, why, in the user's words (the message
            says more: which database, what was stored), for a caller that words it its own way.
    """

    def __init__(self, message: object, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
