"""Provides appending to the NEN 7513 audit chain: one hash-chained event, in plain SQL.

The one way an event is written, by a service's unit of work (``audit.record``) and by the TUI's
first caseload read before SQLAlchemy is loaded (``hecht.schema.db.quick``) alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from hecht.schema.context import Actor
from hecht.schema.db.plain import PlainConnection

GENESIS = "0" * 64
"""The previous hash of the first event."""

CHAIN_LOCK = 7513
"""PostgreSQL advisory lock that serialises appends to the chain across workstations."""


class AuditKind(StrEnum):
    """What was done with a dossier."""

    READ = "read"
    SEARCH = "search"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"
    IMPORT = "import"
    REPORT = "report"
    PRINT = "print"
    DESTROY = "destroy"
    SESSION_END = "session_end"
    """A TUI session ended (quit, terminal closed, stopped): no dossier, one per session."""


class Outcome(StrEnum):
    """Whether the access succeeded."""

    SUCCESS = "success"
    REFUSED = "refused"


@dataclass(frozen=True, kw_only=True)
class EventFacts:
    """What an event says besides who and when: the kind, the dossier, the outcome, the detail.

    ``detail`` names what was accessed (a record kind and id, an export format), never content:
    no names, notes or answers.
    """

    event: AuditKind
    client_id: int | None = None
    client_code: str | None = None
    outcome: Outcome = Outcome.SUCCESS
    detail: str | None = None


COLUMNS = (
    "seq", "at", "event", "client_id", "client_code", "user_id", "on_behalf_of_id",
    "access_point", "outcome", "detail", "prev_hash",
)  # fmt: skip
"""The hashed columns, in the order they are hashed; ``hash`` follows them in the table."""


def chain_hash(seq: int, at: datetime, *rest: object) -> str:
    """Return the SHA-256 of an event's content (the COLUMNS, in order) and the hash before it."""
    canonical = json.dumps([seq, at.isoformat(), *rest], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hold_chain_lock(plain: PlainConnection) -> None:
    """Hold the chain's lock until the transaction ends (PostgreSQL; SQLite writers queue anyway).

    Every unit of work takes it to append its event; work that must not interleave across
    workstations (judging stored courses; changing a record, ``versioning.hold_write_lock``)
    takes the same lock, so no two locks meet in either order.
    """
    if plain.dialect == "postgresql":
        plain.rows("SELECT pg_advisory_xact_lock(?)", [CHAIN_LOCK])


def chain_head(plain: PlainConnection) -> tuple[int, str]:
    """Return the last event's seq and hash (0 and GENESIS for none), holding the chain's lock."""
    hold_chain_lock(plain)
    last = plain.rows("SELECT seq, hash FROM auditevent ORDER BY seq DESC LIMIT 1")
    return (0, GENESIS) if not last else (last[0][0], last[0][1])


def chained_event(seq: int, prev_hash: str, actor: Actor, facts: EventFacts) -> list[Any]:
    """Return the values of the event that follows ``prev_hash`` as ``seq``: COLUMNS, then hash.

    The one place an event's content and hash are made: ``append_event`` stores it, the demo's
    bulk build (``hecht.schema.demo.bulk``) stores many at once. ``at`` is the actor's time in UTC.
    """
    at = actor.now().astimezone(UTC)
    rest = [
        facts.event.value, facts.client_id, facts.client_code, actor.user_id,
        actor.on_behalf_of_id, actor.access_point, facts.outcome.value, facts.detail, prev_hash,
    ]  # fmt: skip
    return [seq, at, *rest, chain_hash(seq, at, *rest)]


def append_event(plain: PlainConnection, actor: Actor, facts: EventFacts) -> None:
    """Append one event to the chain, in the caller's transaction."""
    seq, prev_hash = chain_head(plain)
    values = chained_event(seq + 1, prev_hash, actor, facts)
    values[1] = plain.stored_datetime(values[1])
    columns = ", ".join((*COLUMNS, "hash"))
    plain.execute(
        f"INSERT INTO auditevent ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values
    )
