"""Provides who is acting, for whom, from where, and the clock: what every service is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC (the only kind storage accepts)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """The user behind a unit of work, as the audit log records it (NEN 7513).

    Attributes:
        user_id: the practitioner acting, when known.
        access_point: where the access came from, e.g. ``cli:hostname`` or ``tui:hostname``.
        on_behalf_of_id: the practitioner on whose behalf the user acts, if another.
        clock: the time source; tests inject a frozen one.
    """

    user_id: int | None
    access_point: str
    on_behalf_of_id: int | None = None
    clock: Callable[[], datetime] = field(default=utc_now, compare=False)

    def now(self) -> datetime:
        """Return the actor's current time."""
        return self.clock()
