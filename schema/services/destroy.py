"""Provides destruction of a client's dossier on the client's legal request (WGBO art. 7:455).

The content goes; a tombstone (the pseudonymous code and the date) and the audit log stay, so
the practice can show that and when the record was destroyed. Visits shared with a partner stay
in the partner's dossier without this client among the attendees.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hecht.schema.context import Actor
from hecht.schema.services.clients import client_row
from hecht.schema.tables import (
    Administration,
    Alert,
    Episode,
    EpisodeCourse,
    ItemResponse,
    Score,
    ScoreSummary,
    Visit,
)
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.trail.seals import touch
from hecht.schema.versioning import hold_write_lock


@dataclass(frozen=True)
class DestroyReport:
    """What was removed from the database."""

    code: str
    administrations: int
    visits: int
    episodes: int


def _delete_administrations(session: Session, client_id: int) -> int:
    ids = list(session.exec(select(Administration.id).where(Administration.client_id == client_id)))
    session.execute(delete(ScoreSummary).where(col(ScoreSummary.client_id) == client_id))
    session.execute(delete(EpisodeCourse).where(col(EpisodeCourse.client_id) == client_id))
    if ids:
        answers = select(col(ItemResponse.id)).where(col(ItemResponse.administration_id).in_(ids))
        touch(session, "itemresponse", session.exec(answers))
        alerts = select(col(Alert.id)).where(col(Alert.administration_id).in_(ids))
        touch(session, "alert", session.exec(alerts))
        touch(session, "score", ids)
        touch(session, "administration", ids)  # sealed as removed, by Hecht, when this commits
        session.execute(delete(Alert).where(col(Alert.administration_id).in_(ids)))
        session.execute(delete(Score).where(col(Score.administration_id).in_(ids)))
        session.execute(delete(ItemResponse).where(col(ItemResponse.administration_id).in_(ids)))
        session.execute(delete(Administration).where(col(Administration.id).in_(ids)))
    return len(ids)


def _delete_visits(session: Session, client_id: int) -> int:
    """Delete visits only this client attended; leave shared visits to the partner."""
    removed = 0
    for visit in list(session.exec(select(Visit))):
        if client_id not in visit.attendee_ids:
            continue
        remaining = [other for other in visit.attendee_ids if other != client_id]
        if remaining:
            visit.attendee_ids = remaining
            session.add(visit)
        else:
            session.delete(visit)
            removed += 1
    session.flush()
    return removed


def _delete_episodes(session: Session, client_id: int) -> int:
    lineages = list(session.exec(select(Episode.lineage_id).where(Episode.client_id == client_id)))
    if not lineages:
        return 0
    if session.exec(select(Visit.id).where(col(Visit.episode_lineage_id).in_(lineages))).first():
        return 0  # a visit someone else attended still points here; keep the episode row
    versions = select(col(Episode.id)).where(col(Episode.lineage_id).in_(lineages))
    touch(session, "episode", session.exec(versions))
    session.execute(delete(Episode).where(col(Episode.lineage_id).in_(lineages)))
    return len(set(lineages))


def destroy_client(*, session: Session, actor: Actor, code: str) -> DestroyReport:
    """Remove a client's content and personal details; leave a tombstone and an audit entry."""
    hold_write_lock(session)  # before any row is read: the one lock order of every change
    client = client_row(session, code)
    assert client.id is not None
    administrations = _delete_administrations(session, client.id)
    visits = _delete_visits(session, client.id)
    episodes = _delete_episodes(session, client.id)
    client.name = client.birth_year = client.language = client.contact = client.role = None
    client.destroyed_at = actor.now()
    session.add(client)
    session.flush()
    audit.record_client(session, actor, AuditKind.DESTROY, client, detail_of("destroyed"))
    return DestroyReport(client.code, administrations, visits, episodes)
