"""Provides the refusals services raise: each names the field and says what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


def no_record(kind: str, number: int | None, field: str = "lineage_id") -> NotFoundError:
    """A record asked for by its number that is not stored (any more: a client's dossier
    destroyed meanwhile takes its records with it); ``kind`` is its table's name."""
    return NotFoundError(
        f"there is no {kind} {number}", field=field, reason=f"no_{kind}",
        details={"given": number},
    )  # fmt: skip


class ConflictError(ServiceError):
    """The request clashes with what is stored (a duplicate code, a third partner)."""


@dataclass(frozen=True)
class LaterChange:
    """One change stored after the version a user saw: who made it, when, and to what.

    Attributes:
        version: the version it made (for a client, the client's version number).
        by: the practitioner's name; None when no practitioner was recorded.
        at: when it was stored (timezone-aware).
        fields: the fields it changed (``item 3`` for an answer; ``status`` for a retraction).
        retracted: whether it retracted the record.
    """

    version: int
    by: str | None
    at: datetime
    fields: tuple[str, ...]
    retracted: bool = False


class StaleVersionError(ConflictError):
    """The change was based on a version that someone else has since changed; nothing was written.

    The screen can say who changed what and when (``changes``, oldest first), reload the record
    and let the user make their change again.
    """

    def __init__(
        self, message: str, *, record: str, seen_version: int, changes: tuple[LaterChange, ...]
    ) -> None:
        super().__init__(message, field="version")
        self.record = record
        self.seen_version = seen_version
        self.changes = changes


class InvalidInputError(ServiceError):
    """A value is impossible or malformed (a date far in the future, an unknown code)."""


class DatabaseOpenError(RuntimeError):
    """The database cannot be used; the message says why and what to do.

    ``problem`` names the refusal and ``values`` fill in its words, so the screens and commands
    say it in the user's language (``db.error.<problem>`` in the catalogues); the message itself
    is the English fallback.
    """

    def __init__(self, message: str, problem: str = "other", **values: object) -> None:
        super().__init__(message)
        self.problem = problem
        self.values = values


class DatabaseUnreachableError(DatabaseOpenError):
    """The database could not be reached or read: a PostgreSQL server (``server``) that is down,
    refuses the role or the TLS asked for; an SQLite file that is damaged or not a database."""

    def __init__(self, where: str, reason: str, *, server: bool) -> None:
        hint = (
            "Check that the server runs and the URL (--db or HECHT_DB); the password belongs in "
            "~/.pgpass"
            if server
            else "Check the path or URL (--db or HECHT_DB); a damaged SQLite file can be "
            "replaced with `hecht restore BACKUP`"
        )
        problem = "server" if server else "cannot_open"
        message = f"cannot open the database {where}: {reason}. {hint}."
        super().__init__(message, problem, database=where, reason=reason)
