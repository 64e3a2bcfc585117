"""Provides caseload signals: who needs a look first, each signal with the numbers that explain it.

Baseline and latest totals come from one windowed query over plain columns (the first and last
valid total per client, scale and episode), so the signals stay cheap for a whole practice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from hecht.scales.change import ChangeCategory, compare, reliable_difference
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Domain, ScaleDefinition
from hecht.schema.tables import Administration, RecordStatus, Score
from hecht.schema.versioning import only_current


class SignalKind(StrEnum):
    """Why a client is on the supervision list, most urgent first."""

    OPEN_ALERT = "open_alert"
    DETERIORATED = "deteriorated"
    NOT_ON_TRACK = "not_on_track"
    OVERDUE = "overdue"
    PARTNER_DISCREPANCY = "partner_discrepancy"
    DRAFT = "draft"


@dataclass(frozen=True)
class Signal:
    """One signal and the figures its one-line explanation needs."""

    kind: SignalKind
    scale_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalThresholds:
    """When a client counts as not on track or overdue (the config file can change both)."""

    not_on_track_visits: int = 4
    overdue_weeks: int = 3


@dataclass(frozen=True)
class ClientInCare:
    """What the signals need to know about one client in an active episode."""

    client_id: int
    episode_lineage_id: int | None
    episode_started: date | None
    visits: int
    open_alerts: int
    drafts: int
    partner_id: int | None = None
    partner_code: str | None = None


@dataclass(frozen=True)
class EndPoints:
    """A client's first and last valid total of one scale in one episode."""

    first: float
    last: float
    last_at: datetime
    count: int


def _scored(library: ScaleLibrary) -> dict[str, ScaleDefinition]:
    return {
        entry.definition.id: entry.definition
        for entry in library.latest()
        if entry.definition.scoring.total
    }


def end_points(
    session: Session, scale_ids: Iterable[str], client_ids: Iterable[int] | None = None
) -> dict[tuple[int, int | None, str], EndPoints]:
    """Return the first and last valid completed totals per (client, episode, scale).

    One query: window functions rank each client's totals of a scale within an episode from
    both ends, and only the two end rows travel to Python.
    """
    key = (
        col(Administration.client_id),
        col(Administration.episode_lineage_id),
        col(Administration.scale_id),
    )
    ascending = (col(Administration.observed_at), col(Administration.id))
    descending = (col(Administration.observed_at).desc(), col(Administration.id).desc())
    columns = select(
        *key,
        Administration.observed_at,
        Score.total,
        func.row_number().over(partition_by=key, order_by=ascending).label("from_start"),
        func.row_number().over(partition_by=key, order_by=descending).label("from_end"),
        func.count().over(partition_by=key).label("count"),
    )
    ranked = only_current(columns, Administration).join(
        Score, col(Score.administration_id) == Administration.id
    )
    ranked = ranked.where(
        Administration.status == RecordStatus.COMPLETE.value,
        col(Administration.scale_id).in_(list(scale_ids)),
        Score.valid == True,  # noqa: E712 - SQL comparison
        col(Score.total).is_not(None),
    )
    if client_ids is not None:
        ranked = ranked.where(col(Administration.client_id).in_(list(client_ids)))
    ends = ranked.subquery()
    query = select(*ends.c).where((ends.c.from_start == 1) | (ends.c.from_end == 1))
    found: dict[tuple[int, int | None, str], dict[str, Any]] = defaultdict(dict)
    for client, episode, scale, at, total, from_start, from_end, count in session.exec(query):
        slot = found[(client, episode, scale)]
        slot["count"] = count
        if from_start == 1:
            slot["first"] = total
        if from_end == 1:
            slot["last"], slot["last_at"] = total, at
    return {key: EndPoints(**slot) for key, slot in found.items()}


def last_administered(session: Session, client_ids: Iterable[int]) -> dict[int, datetime]:
    """Return when each client last completed any scale."""
    query = (
        select(Administration.client_id, func.max(Administration.observed_at))
        .where(
            Administration.status == RecordStatus.COMPLETE.value,
            col(Administration.client_id).in_(list(client_ids)),
        )
        .group_by(col(Administration.client_id))
    )
    return {client: at for client, at in session.exec(query)}


def _change_signals(
    definitions: Mapping[str, ScaleDefinition], ends: Mapping[str, EndPoints]
) -> tuple[list[Signal], bool, bool]:
    """Deterioration per scale; whether any scale could judge change; whether any improved."""
    signals, judged, improved = [], False, False
    for scale_id, points in sorted(ends.items()):
        definition = definitions[scale_id]
        if points.count < 2 or definition.change is None:
            continue
        judged = True
        result = compare(definition, points.first, points.last)
        if result.category in (ChangeCategory.IMPROVED, ChangeCategory.RECOVERED):
            improved = True
        if result.category is ChangeCategory.DETERIORATED:
            detail = {"baseline": points.first, "latest": points.last, "rci": result.rci}
            signals.append(Signal(SignalKind.DETERIORATED, scale_id, detail))
    return signals, judged, improved


def _discrepancies(
    client: ClientInCare,
    definitions: Mapping[str, ScaleDefinition],
    own: Mapping[str, EndPoints],
    partner: Mapping[str, EndPoints],
) -> list[Signal]:
    signals = []
    for scale_id in sorted(set(own) & set(partner)):
        definition = definitions[scale_id]
        limit = reliable_difference(definition)
        if definition.domain is not Domain.RELATIONSHIP or limit is None:
            continue
        mine, theirs = own[scale_id].last, partner[scale_id].last
        if abs(mine - theirs) >= limit - 1e-9:
            detail = {
                "partner": client.partner_code,
                "own": mine,
                "partner_total": theirs,
                "difference": round(mine - theirs, 6),
                "reliable_difference": round(limit, 4),
            }
            signals.append(Signal(SignalKind.PARTNER_DISCREPANCY, scale_id, detail))
    return signals


def _overdue(client: ClientInCare, last: datetime | None, today: date, weeks: int) -> Signal | None:
    since = last.date() if last is not None else client.episode_started
    if client.episode_lineage_id is None or since is None:
        return None
    waited = (today - since).days // 7
    if waited < weeks:
        return None
    detail = {"weeks": waited, "threshold": weeks, "never": last is None}
    return Signal(SignalKind.OVERDUE, None, detail)


def signals_for(
    *,
    session: Session,
    library: ScaleLibrary,
    clients: list[ClientInCare],
    today: date,
    thresholds: SignalThresholds | None = None,
) -> dict[int, list[Signal]]:
    """Return each client's signals, most urgent kind first.

    Change is judged within the client's active episode, from its first valid total of a scale
    (the baseline) to its latest, only for scales with reliable-change parameters.
    """
    limits = thresholds or SignalThresholds()
    definitions = _scored(library)
    ids = [client.client_id for client in clients]
    every = [*ids, *(client.partner_id for client in clients if client.partner_id is not None)]
    ends = end_points(session, definitions, every)
    last = last_administered(session, ids)
    per_client: dict[int, dict[str, EndPoints]] = defaultdict(dict)
    episodes = {client.client_id: client.episode_lineage_id for client in clients}
    for (client_id, episode, scale_id), points in ends.items():
        if episodes.get(client_id) == episode and episode is not None:
            per_client[client_id][scale_id] = points
    found: dict[int, list[Signal]] = {}
    for client in clients:
        own = per_client.get(client.client_id, {})
        result: list[Signal] = []
        if client.open_alerts:
            result.append(Signal(SignalKind.OPEN_ALERT, None, {"count": client.open_alerts}))
        changes, judged, improved = _change_signals(definitions, own)
        result += changes
        if judged and not improved and client.visits >= limits.not_on_track_visits:
            detail = {"visits": client.visits, "threshold": limits.not_on_track_visits}
            result.append(Signal(SignalKind.NOT_ON_TRACK, None, detail))
        overdue = _overdue(client, last.get(client.client_id), today, limits.overdue_weeks)
        if overdue is not None:
            result.append(overdue)
        if client.partner_id is not None:
            partner = per_client.get(client.partner_id, {})
            result += _discrepancies(client, definitions, own, partner)
        if client.drafts:
            result.append(Signal(SignalKind.DRAFT, None, {"count": client.drafts}))
        found[client.client_id] = result
    return found
