"""Provides the caseload: one row per client in an active episode, with what to look at first.

The rows are read with a few grouped queries over plain columns, not as ORM objects, so the
caseload stays fast for a practice's whole history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Domain
from hecht.scales.perinatal import perinatal_week
from hecht.schema import audit
from hecht.schema.audit import AuditKind
from hecht.schema.context import Actor
from hecht.schema.services.signals import (
    ClientInCare,
    Signal,
    SignalThresholds,
    signals_for,
)
from hecht.schema.tables import (
    Administration,
    Alert,
    Client,
    Couple,
    Episode,
    EpisodeStatus,
    RecordStatus,
    Score,
    Visit,
)
from hecht.schema.versioning import current_rows, only_current

WATCHED_DOMAINS = (Domain.WELLBEING, Domain.RELATIONSHIP)


@dataclass(frozen=True)
class LatestScore:
    """A scale's latest total and the one before it."""

    scale_id: str
    total: float | None
    band: str | None
    previous: float | None


@dataclass(frozen=True)
class CaseloadRow:
    """One client in active care."""

    client_id: int
    code: str
    name: str | None
    couple_id: int | None
    partner_code: str | None
    episode_lineage_id: int | None
    week: str | None
    last_visit: date | None
    visits: int
    open_alerts: int
    drafts: int
    latest: dict[str, LatestScore] = field(default_factory=dict)
    signals: list[Signal] = field(default_factory=list)


def _active_episodes(session: Session) -> dict[int, Episode]:
    """Return each client's active episode (their own, or their couple's), newest start first."""
    couples = {couple.id: couple for couple in session.exec(select(Couple))}
    active = current_rows(session, Episode, Episode.episode_status == EpisodeStatus.ACTIVE.value)
    by_client: dict[int, Episode] = {}
    for episode in sorted(active, key=lambda e: e.started_on):
        if episode.client_id is not None:
            by_client[episode.client_id] = episode
        elif episode.couple_id in couples:
            couple = couples[episode.couple_id]
            by_client[couple.first_client_id] = episode
            by_client[couple.second_client_id] = episode
    return by_client


def _clients_with_episodes(session: Session) -> set[int]:
    """Return every client with an episode of their own or their couple's, open or closed."""
    owners = set(session.exec(select(Episode.client_id).where(col(Episode.client_id).is_not(None))))
    couples = set(
        session.exec(select(Episode.couple_id).where(col(Episode.couple_id).is_not(None)))
    )
    for couple in session.exec(select(Couple).where(col(Couple.id).in_(couples))):
        owners |= {couple.first_client_id, couple.second_client_id}
    return owners  # type: ignore[return-value]


def _visit_stats(session: Session) -> dict[int, tuple[date | None, int]]:
    query = (
        only_current(
            select(Visit.episode_lineage_id, func.max(Visit.visit_date), func.count()), Visit
        )
        .where(Visit.status != RecordStatus.RETRACTED.value)
        .group_by(col(Visit.episode_lineage_id))
    )
    return {episode: (last, count) for episode, last, count in session.exec(query)}


def _counts(session: Session, query: object) -> dict[int, int]:
    return {client: count for client, count in session.exec(query)}  # type: ignore[call-overload]


def _latest_scores(
    session: Session, library: ScaleLibrary, client_ids: list[int]
) -> dict[int, dict[str, LatestScore]]:
    watched = {
        entry.definition.id
        for entry in library.latest()
        if entry.definition.domain in WATCHED_DOMAINS and entry.definition.scoring.total
    }
    columns = select(Administration.client_id, Administration.scale_id, Score.total, Score.band)
    query = (
        only_current(columns, Administration)
        .join(Score, col(Score.administration_id) == Administration.id)
        .where(
            Administration.status == RecordStatus.COMPLETE.value,
            col(Administration.scale_id).in_(watched),
            col(Administration.client_id).in_(client_ids),
            Score.valid == True,  # noqa: E712 - SQL comparison
        )
        .order_by(col(Administration.observed_at), col(Administration.id))
    )
    series: dict[int, dict[str, list[tuple[float | None, str | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for client_id, scale_id, total, band in session.exec(query):
        series[client_id][scale_id].append((total, band))
    return {
        client_id: {
            scale_id: LatestScore(
                scale_id, points[-1][0], points[-1][1], points[-2][0] if len(points) > 1 else None
            )
            for scale_id, points in scales.items()
        }
        for client_id, scales in series.items()
    }


def caseload(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    thresholds: SignalThresholds | None = None,
) -> list[CaseloadRow]:
    """Return one row per client in care, ordered by code, with signals (an audited listing).

    In care: in an active episode, or registered without any episode yet (a new client).
    """
    episodes = _active_episodes(session)
    in_any_episode = _clients_with_episodes(session)
    clients = {
        client.id: client
        for client in session.exec(select(Client).where(col(Client.destroyed_at).is_(None)))
        if client.id in episodes or client.id not in in_any_episode
    }
    codes = {client_id: client.code for client_id, client in clients.items()}
    partners = {}
    for couple in session.exec(select(Couple)):
        partners[couple.first_client_id] = (couple.id, couple.second_client_id)
        partners[couple.second_client_id] = (couple.id, couple.first_client_id)
    visits = _visit_stats(session)
    alerts = _counts(
        session,
        select(Alert.client_id, func.count())
        .where(col(Alert.acknowledged_at).is_(None))
        .group_by(col(Alert.client_id)),
    )
    drafts = _counts(
        session,
        select(Administration.client_id, func.count())
        .where(Administration.status == RecordStatus.DRAFT.value)
        .group_by(col(Administration.client_id)),
    )
    latest = _latest_scores(session, library, list(clients))
    today = actor.now().date()
    rows = []
    for client_id, client in clients.items():
        episode = episodes.get(client_id)
        couple_id, partner_id = partners.get(client_id, (None, None))
        week = None
        last_visit, count = None, 0
        if episode is not None:
            week = perinatal_week(today, due_date=episode.due_date, birth_date=episode.birth_date)
            last_visit, count = visits.get(episode.lineage_id, (None, 0))  # type: ignore[arg-type]
        rows.append(
            CaseloadRow(
                client_id=client_id,
                code=client.code,
                name=client.name,
                couple_id=couple_id,
                partner_code=codes.get(partner_id) if partner_id is not None else None,
                episode_lineage_id=None if episode is None else episode.lineage_id,
                week=None if week is None else week.label,
                last_visit=last_visit,
                visits=count,
                open_alerts=alerts.get(client_id, 0),
                drafts=drafts.get(client_id, 0),
                latest=latest.get(client_id, {}),
            )
        )
    in_care = [_in_care(row, episodes.get(row.client_id), partners) for row in rows]
    found = signals_for(
        session=session, library=library, clients=in_care, today=today, thresholds=thresholds
    )
    rows = [replace(row, signals=found.get(row.client_id, [])) for row in rows]
    audit.record(session=session, actor=actor, event=AuditKind.SEARCH, detail="caseload")
    return sorted(rows, key=lambda row: row.code)


def _in_care(
    row: CaseloadRow, episode: Episode | None, partners: dict[int, tuple[int, int]]
) -> ClientInCare:
    _, partner_id = partners.get(row.client_id, (None, None))
    return ClientInCare(
        client_id=row.client_id,
        episode_lineage_id=row.episode_lineage_id,
        episode_started=None if episode is None else episode.started_on,
        visits=row.visits,
        open_alerts=row.open_alerts,
        drafts=row.drafts,
        partner_id=partner_id,
        partner_code=row.partner_code,
    )
