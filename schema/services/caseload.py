"""Provides the caseload: one row per client in an active episode, with what to look at first.

The rows are read with a few grouped queries over plain columns, not as ORM objects, so the
caseload stays fast for a practice's whole history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

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
    ScoreSummary,
    Visit,
)
from hecht.schema.versioning import only_current

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


class _ActiveEpisode(NamedTuple):
    """The columns of an active episode that the caseload shows or passes to the signals."""

    lineage_id: int
    client_id: int | None
    couple_id: int | None
    due_date: date | None
    birth_date: date | None
    started_on: date


def _couples(session: Session) -> dict[int, tuple[int, int]]:
    """Return each couple's two clients, read once as plain rows."""
    query = select(Couple.id, Couple.first_client_id, Couple.second_client_id)
    return {couple: (first, second) for couple, first, second in session.exec(query)}


def _active_episodes(
    session: Session, couples: dict[int, tuple[int, int]]
) -> dict[int, _ActiveEpisode]:
    """Return each client's active episode (their own, or their couple's); the newest start wins."""
    columns = select(
        Episode.lineage_id, Episode.client_id, Episode.couple_id,
        Episode.due_date, Episode.birth_date, Episode.started_on,
    )  # fmt: skip
    query = (
        only_current(columns, Episode)
        .where(
            col(Episode.status) != RecordStatus.RETRACTED,
            Episode.episode_status == EpisodeStatus.ACTIVE.value,
        )
        .order_by(col(Episode.started_on), col(Episode.id))
    )
    by_client: dict[int, _ActiveEpisode] = {}
    for episode in map(_ActiveEpisode._make, session.exec(query)):
        if episode.client_id is not None:
            by_client[episode.client_id] = episode
        elif episode.couple_id in couples:
            for client_id in couples[episode.couple_id]:
                by_client[client_id] = episode
    return by_client


def _clients_with_episodes(session: Session, couples: dict[int, tuple[int, int]]) -> set[int]:
    """Return every client with an episode of their own or their couple's, open or closed."""
    owners: set[int] = set()
    for client_id, couple_id in session.exec(
        select(Episode.client_id, Episode.couple_id).distinct()
    ):
        if client_id is not None:
            owners.add(client_id)
        elif couple_id in couples:
            owners.update(couples[couple_id])
    return owners


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
    """Each client's newest valid total of the watched scales, and the one before it.

    Read from the score summaries (one row per client, episode and scale): the newest episode's
    row wins, and its previous total is the trend's reference.
    """
    watched = [
        entry.definition.id
        for entry in library.latest()
        if entry.definition.domain in WATCHED_DOMAINS and entry.definition.scoring.total
    ]
    query = select(
        ScoreSummary.client_id,
        ScoreSummary.scale_id,
        ScoreSummary.last_total,
        ScoreSummary.last_band,
        ScoreSummary.previous_total,
        ScoreSummary.last_at,
    ).where(col(ScoreSummary.scale_id).in_(watched), ScoreSummary.valid_count > 0)
    wanted = set(client_ids)
    newest: dict[tuple[int, str], tuple[Any, LatestScore]] = {}
    for client_id, scale_id, total, band, previous, at in session.connection().execute(query):
        if client_id not in wanted:
            continue
        key = (client_id, scale_id)
        if key not in newest or at > newest[key][0]:
            newest[key] = (at, LatestScore(scale_id, total, band, previous))
    found: dict[int, dict[str, LatestScore]] = defaultdict(dict)
    for (client_id, scale_id), (_, latest) in newest.items():
        found[client_id][scale_id] = latest
    return found


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
    couples = _couples(session)
    episodes = _active_episodes(session, couples)
    in_any_episode = _clients_with_episodes(session, couples)
    registered = select(Client.id, Client.code, Client.name).where(
        col(Client.destroyed_at).is_(None)
    )
    clients = {
        client.id: client
        for client in session.exec(registered)
        if client.id in episodes or client.id not in in_any_episode
    }
    codes = {client_id: client.code for client_id, client in clients.items()}
    partners = {}
    for couple_id, (first, second) in couples.items():
        partners[first] = (couple_id, second)
        partners[second] = (couple_id, first)
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
    for row in rows:  # filled in place: copying 10,000 frozen rows costs more than the signals
        row.signals.extend(found.get(row.client_id, ()))
    audit.record(session=session, actor=actor, event=AuditKind.SEARCH, detail="caseload")
    return sorted(rows, key=lambda row: row.code)


def _in_care(
    row: CaseloadRow, episode: _ActiveEpisode | None, partners: dict[int, tuple[int, int]]
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
