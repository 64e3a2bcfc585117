"""Provides the NEN 7513 audit log: one hash-chained event per access to a dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from hecht.schema.context import Actor
from hecht.schema.db.plain import of_session
from hecht.schema.tables import AuditEvent, Client
from hecht.schema.trail.anchor import (
    Finding,
    Head,
    HeadFileError,
    anchored_file,
    current_head,
    head_findings,
    read_head_file,
    trigger_findings,
)
from hecht.schema.trail.chain import (
    COLUMNS,
    GENESIS,
    AuditKind,
    EventFacts,
    Outcome,
    append_event,
    chain_hash,
)
from hecht.schema.trail.seals import seal_findings


@dataclass(frozen=True)
class AuditEntry:
    """One audit event as read back."""

    seq: int
    at: datetime
    event: str
    client_code: str | None
    user_id: int | None
    on_behalf_of_id: int | None
    access_point: str
    outcome: str
    detail: str | None


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: how many events, and each break found."""

    events: int
    head_hash: str
    problems: list[str]

    @property
    def intact(self) -> bool:
        """Whether no row was changed, removed or inserted out of order."""
        return not self.problems


@dataclass(frozen=True)
class AuditReport:
    """Everything ``hecht audit verify`` checks: the chain, the triggers, the seals, the heads.

    ``head`` is the database's head for the practice to keep; ``head_file`` where it is also
    written (None for PostgreSQL, which keeps no file beside the database).
    """

    chain: ChainReport
    head: Head
    findings: list[Finding]
    head_file: Path | None

    @property
    def intact(self) -> bool:
        """Whether nothing was changed, removed, rebuilt or unprotected outside Hecht."""
        return self.chain.intact and not self.findings


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 of a stored event's content and the hash before it."""
    return chain_hash(*(getattr(event, column) for column in COLUMNS))


def record(
    *,
    session: Session,
    actor: Actor,
    event: AuditKind,
    client_id: int | None = None,
    client_code: str | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    detail: str | None = None,
) -> None:
    """Append one event to the chain, in the session's transaction (see ``append_event``)."""
    facts = EventFacts(
        event=event, client_id=client_id, client_code=client_code, outcome=outcome, detail=detail
    )
    append_event(of_session(session), actor, facts)


def record_client(
    session: Session, actor: Actor, event: AuditKind, client: Client, detail: str
) -> None:
    """Append one event about a client's dossier (the common case of ``record``)."""
    record(
        session=session,
        actor=actor,
        event=event,
        client_id=client.id,
        client_code=client.code,
        detail=detail,
    )


def verify_chain(*, session: Session) -> ChainReport:
    """Recompute the chain; report every changed, removed or reordered row."""
    problems: list[str] = []
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))):
        count += 1
        if event.seq != expected_seq:
            problems.append(f"events {expected_seq}–{event.seq - 1} are missing")
        elif event.prev_hash != prev_hash:
            problems.append(f"event {event.seq} does not follow the event before it")
        if event_hash(event) != event.hash:
            problems.append(f"event {event.seq} was changed after it was written")
        expected_seq, prev_hash = event.seq + 1, event.hash
    return ChainReport(count, prev_hash, problems)


def client_log(*, session: Session, client_id: int) -> list[AuditEntry]:
    """Return every access to one client's dossier, oldest first (a client may ask for it)."""
    rows = session.exec(
        select(AuditEvent).where(AuditEvent.client_id == client_id).order_by(col(AuditEvent.seq))
    )
    return [
        AuditEntry(
            row.seq,
            row.at,
            row.event,
            row.client_code,
            row.user_id,
            row.on_behalf_of_id,
            row.access_point,
            row.outcome,
            row.detail,
        )
        for row in rows
    ]


def verify_all(*, session: Session, kept: Head | None = None) -> AuditReport:
    """Check the chain, the append-only triggers, every sealed row, the head file beside an
    SQLite database and the head the practice kept (``kept``, when given)."""
    chain = verify_chain(session=session)
    plain = of_session(session)
    connection = session.connection()
    findings = trigger_findings(plain)
    findings += seal_findings(connection)
    path = anchored_file(connection.engine.url.render_as_string(hide_password=True))
    if path is not None:
        try:
            recorded = read_head_file(path)
        except HeadFileError:
            findings.append(Finding("head_file_unreadable", {"path": str(path)}))
        else:
            if recorded is not None:
                findings += head_findings(plain, recorded, str(path))
    if kept is not None:
        findings += head_findings(plain, kept, kept.token())
    return AuditReport(chain, current_head(plain), findings, path)
