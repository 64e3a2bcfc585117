"""Provides the refusals services raise: each names the field and says what is wrong."""

from __future__ import annotations


class ServiceError(ValueError):
    """A request the services refuse; nothing was written.

    Attributes:
        field: the input field that is wrong, when one is.
        reason: what is wrong with it, as a code the screens word in the user's language
            (``required``, ``too_long``, ``whole_number``, … see ``hecht.schema.inputs``).
        details: the figures the wording needs (``given``, ``limit``, ``choices``).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        reason: str | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.field, self.reason, self.details = field, reason, dict(details or {})


class NotFoundError(ServiceError):
    """The record asked for does not exist (or was destroyed)."""


class ConflictError(ServiceError):
    """The request clashes with what is stored (a duplicate code, a third partner)."""


class InvalidInputError(ServiceError):
    """A value is impossible or malformed (a date far in the future, an unknown code)."""


class DatabaseOpenError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""
