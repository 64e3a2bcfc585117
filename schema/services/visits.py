"""Provides visits: record one with its attendees, note and themes; correct or retract it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError
from hecht.schema.inputs import NewVisit
from hecht.schema.readmodels import VisitRead, read_of
from hecht.schema.services.clients import client_row
from hecht.schema.services.episodes import check_day_in_care, episode_clients
from hecht.schema.tables import Administration, Client, Episode, RecordStatus, Visit, stored_id
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import (
    current_rows,
    current_version,
    for_change,
    refuse_unchangeable,
    start_lineage,
    supersede,
    versions_of,
)


def visit_read(visit: Visit) -> VisitRead:
    """Return the read model of a visit row."""
    assert visit.id is not None and visit.lineage_id is not None
    return read_of(
        VisitRead,
        visit,
        record_status=visit.status,
        attendee_ids=list(visit.attendee_ids),
        themes=list(visit.themes),
    )


def _audit(session: Session, actor: Actor, visit: Visit, kind: AuditKind) -> None:
    for client_id in visit.attendee_ids:
        client = session.get(Client, client_id)
        audit.record(
            session=session,
            actor=actor,
            event=kind,
            client_id=client_id,
            client_code=None if client is None else client.code,
            detail=detail_of("visit", visit=visit.lineage_id),
        )


def new_visit_row(new: NewVisit, attendee_ids: list[int], actor: Actor, now: datetime) -> Visit:
    """The unsaved first version of a visit, recorded ``now``: the one place its columns come
    from the input.

    Themes are stripped, empty ones dropped and repeats kept once, in the order given. The demo's
    bulk build (``hecht.schema.demo.bulk``) stores the same row without a session.
    """
    return Visit(
        episode_lineage_id=new.episode_lineage_id,
        visit_date=new.visit_date,
        attendee_ids=attendee_ids,
        mode=new.mode.value,
        note=new.note,
        themes=list(dict.fromkeys(theme.strip() for theme in new.themes if theme.strip())),
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )


def record_visit(*, session: Session, actor: Actor, new: NewVisit) -> VisitRead:
    """Record a visit in an episode; attendees must be the episode's clients."""
    attendees = check_visit(session=session, actor=actor, new=new)
    attendee_ids = [stored_id(client) for client in attendees]
    visit = new_visit_row(new, attendee_ids, actor, actor.now())
    start_lineage(session, visit)
    _audit(session, actor, visit, AuditKind.CREATE)
    return visit_read(visit)


def check_visit(*, session: Session, actor: Actor, new: NewVisit) -> list[Client]:
    """Check a visit before anything is stored for it; return its attendees.

    Raises:
        InvalidInputError: the date is before 1950, in the future or outside the episode, or
            an attendee is not one of the episode's clients.
    """
    today = actor.now().date()
    check_day_in_care(session, new.visit_date, today, new.episode_lineage_id, "visit_date")
    episode = current_version(session, Episode, new.episode_lineage_id)
    members = {client.id for client in episode_clients(session, episode)}
    attendees = [client_row(session, code) for code in new.attendee_codes]
    strangers = [client.code for client in attendees if client.id not in members]
    if strangers:
        raise InvalidInputError(
            f"attendee_codes: client '{strangers[0]}' is not in this episode",
            field="attendee_codes",
        )
    return attendees


def correct_visit(
    *,
    session: Session,
    actor: Actor,
    lineage_id: int,
    changes: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> VisitRead:
    """Store a corrected version of a visit (date, mode, note, themes), with the reason.

    ``expected_version`` is the version the user saw (``VisitRead.version``); None builds on
    whatever is current.

    Raises:
        StaleVersionError: the visit has a newer version than ``expected_version``; it says who
            changed what and when.
        InvalidInputError: a field that cannot be changed.
        ConflictError: no reason was given, or the visit was retracted.
    """
    refuse_unchangeable(changes, {"visit_date", "mode", "note", "themes"})
    old = for_change(session, Visit, lineage_id)
    new = supersede(
        session, old, actor=actor, reason=reason, changes=changes, expected_version=expected_version
    )
    _audit(session, actor, new, AuditKind.CHANGE)
    return visit_read(new)


def retract_visit(
    *,
    session: Session,
    actor: Actor,
    lineage_id: int,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """Retract a visit recorded in error: it leaves lists, its history stays readable.

    Raises:
        StaleVersionError: the visit has a newer version than ``expected_version``.
        ConflictError: no reason was given, the visit was retracted already, or it still holds
            scales (drafts included), which are retracted or discarded first.
    """
    old = for_change(session, Visit, lineage_id)
    held = current_rows(session, Administration, Administration.visit_lineage_id == lineage_id)
    if held:
        raise ConflictError(
            "this visit still holds scales: retract each one (or discard its draft) first, so "
            "no score is left without its visit",
            field="visit",
            reason="visit_holds_scales",
        )
    new = supersede(
        session, old, actor=actor, reason=reason, changes={}, status=RecordStatus.RETRACTED,
        expected_version=expected_version,
    )  # fmt: skip
    _audit(session, actor, new, AuditKind.CHANGE)


def visits_in_episode(
    *, session: Session, actor: Actor, episode_lineage_id: int
) -> list[VisitRead]:
    """Return an episode's current visits, oldest first (an audited read)."""
    episode = current_version(session, Episode, episode_lineage_id)
    visits = current_rows(session, Visit, Visit.episode_lineage_id == episode_lineage_id)
    for client in episode_clients(session, episode):
        audit.record_client(
            session, actor, AuditKind.READ, client, detail_of("visits", episode=episode_lineage_id)
        )
    return [visit_read(visit) for visit in sorted(visits, key=lambda v: (v.visit_date, v.id))]


def visit_history(*, session: Session, actor: Actor, lineage_id: int) -> list[VisitRead]:
    """Return every version of a visit, retracted ones included (an audited read).

    Raises:
        NotFoundError: there is no such visit.
    """
    versions = versions_of(session, Visit, lineage_id)
    _audit(session, actor, versions[-1], AuditKind.READ)
    return [visit_read(visit) for visit in versions]
