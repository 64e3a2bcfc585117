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


def undecodable(text: str) -> str | None:
    """``text`` as typed, bytes that are no character shown as ``\\xff``, when it is not UTF-8
    (a terminal in another encoding; Python keeps such bytes as lone surrogates, which no
    database, key or report can hold); None when it is UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None
