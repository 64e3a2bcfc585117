"""Provides caseload signals: who needs a look first, each signal with the numbers that explain it.

Baseline and latest totals come from the score summaries (the first and last valid total per
client, episode and scale, kept current on every write), so the signals stay cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from hecht.scales.change import ChangeCategory, ChangeResult, compare, reliable_difference
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Domain, ScaleDefinition
from hecht.schema.tables import ScoreSummary


class SignalKind(StrEnum):
    """Why a client is on the supervision list, most urgent first (the order ranks clients)."""

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


def urgency(signals: list[Signal]) -> int:
    """Rank a client by their most urgent signal (lower is more urgent; no signal ranks last)."""
    order = list(SignalKind)
    return min((order.index(signal.kind) for signal in signals), default=len(order))


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
    count: int


EPISODES = bindparam("episodes", expanding=True)
"""Episode ids bound as one list: SQLAlchemy expands it at execution, without coercing each."""

CHUNK = 5000
"""Episode ids per query: far below the bound-parameter limits of SQLite and PostgreSQL."""


def _scored(library: ScaleLibrary) -> dict[str, ScaleDefinition]:
    return {
        entry.definition.id: entry.definition
        for entry in library.latest()
        if entry.definition.scoring.total
    }


def _chunks(ids: list[int] | None) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
        return
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def end_points(
    session: Session, scale_ids: Iterable[str], episode_ids: list[int] | None = None
) -> dict[tuple[int, int | None, str], EndPoints]:
    """Return the first and last valid completed totals per (client, episode, scale).

    Read from the score summaries as plain rows: one short row per key, however many totals lie
    between. ``episode_ids`` limits the rows to those episodes.
    """
    base = select(
        ScoreSummary.client_id,
        ScoreSummary.episode_lineage_id,
        ScoreSummary.scale_id,
        ScoreSummary.first_total,
        ScoreSummary.last_total,
        ScoreSummary.valid_count,
    ).where(col(ScoreSummary.scale_id).in_(list(scale_ids)), ScoreSummary.valid_count > 0)
    found = {}
    connection = session.connection()
    for chunk in _chunks(episode_ids):
        query, values = base, {}
        if chunk is not None:
            query = base.where(col(ScoreSummary.episode_lineage_id).in_(EPISODES))
            values = {"episodes": chunk}
        for client, episode, scale, first, last, count in connection.execute(query, values).all():
            found[(client, episode, scale)] = EndPoints(first, last, count)
    return found


def _day(value: datetime | date | str) -> date:
    """The calendar day of a stored timestamp (SQLite hands aggregates back as text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def last_administered(session: Session, episode_ids: list[int]) -> dict[tuple[int, int], date]:
    """Return the day each client last completed any scale, valid or not, per episode."""
    found = {}
    for chunk in _chunks(episode_ids):
        query = (
            select(
                ScoreSummary.client_id,
                ScoreSummary.episode_lineage_id,
                func.max(ScoreSummary.last_completed_at),
            )
            .where(col(ScoreSummary.episode_lineage_id).in_(EPISODES))
            .group_by(col(ScoreSummary.client_id), col(ScoreSummary.episode_lineage_id))
        )
        for client, episode, at in session.connection().execute(query, {"episodes": chunk}).all():
            found[(client, episode)] = _day(at)
    return found


def _change_signals(
    definitions: Mapping[str, ScaleDefinition],
    ends: Mapping[str, EndPoints],
    judge: Callable[[str, ScaleDefinition, float, float], ChangeResult],
) -> tuple[list[Signal], bool, bool]:
    """Deterioration per scale; whether any scale could judge change; whether any improved."""
    signals, judged, improved = [], False, False
    for scale_id, points in sorted(ends.items()):
        definition = definitions[scale_id]
        if points.count < 2 or definition.change is None:
            continue
        judged = True
        result = judge(scale_id, definition, points.first, points.last)
        if result.category in (ChangeCategory.IMPROVED, ChangeCategory.RECOVERED):
            improved = True
        if result.category is ChangeCategory.DETERIORATED:
            detail = {
                "scale_name": definition.short_name,
                "baseline": points.first,
                "latest": points.last,
                "rci": result.rci,
            }
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
                "scale_name": definition.short_name,
                "partner": client.partner_code,
                "own": mine,
                "partner_total": theirs,
                "difference": round(mine - theirs, 6),
                "reliable_difference": round(limit, 4),
            }
            signals.append(Signal(SignalKind.PARTNER_DISCREPANCY, scale_id, detail))
    return signals


def _overdue(client: ClientInCare, last: date | None, today: date, weeks: int) -> Signal | None:
    since = last if last is not None else client.episode_started
    if client.episode_lineage_id is None or since is None:
        return None
    waited = (today - since).days // 7
    if waited < weeks:
        return None
    detail = {"weeks": waited, "threshold": weeks, "never": last is None}
    return Signal(SignalKind.OVERDUE, None, detail)


def _remembering_compare() -> Callable[[str, ScaleDefinition, float, float], ChangeResult]:
    """Return ``compare`` that judges each (scale, pre, post) once: totals repeat across clients."""
    known: dict[tuple[str, float, float], ChangeResult] = {}

    def judge(scale_id: str, definition: ScaleDefinition, pre: float, post: float) -> ChangeResult:
        key = (scale_id, pre, post)
        if key not in known:
            known[key] = compare(definition, pre, post)
        return known[key]

    return judge


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
    definitions = {
        scale_id: definition
        for scale_id, definition in _scored(library).items()
        if definition.change is not None
    }
    episode_ids = [c.episode_lineage_id for c in clients if c.episode_lineage_id is not None]
    ends = end_points(session, definitions, episode_ids)
    last = last_administered(session, episode_ids)
    per_client: dict[int, dict[str, EndPoints]] = defaultdict(dict)
    for (client_id, _episode, scale_id), points in ends.items():
        per_client[client_id][scale_id] = points
    judge = _remembering_compare()
    found: dict[int, list[Signal]] = {}
    for client in clients:
        own = per_client.get(client.client_id, {})
        result: list[Signal] = []
        if client.open_alerts:
            result.append(Signal(SignalKind.OPEN_ALERT, None, {"count": client.open_alerts}))
        changes, judged, improved = _change_signals(definitions, own, judge)
        result += changes
        if judged and not improved and client.visits >= limits.not_on_track_visits:
            detail = {"visits": client.visits, "threshold": limits.not_on_track_visits}
            result.append(Signal(SignalKind.NOT_ON_TRACK, None, detail))
        seen = last.get((client.client_id, client.episode_lineage_id or 0))
        overdue = _overdue(client, seen, today, limits.overdue_weeks)
        if overdue is not None:
            result.append(overdue)
        if client.partner_id is not None:
            partner = per_client.get(client.partner_id, {})
            result += _discrepancies(client, definitions, own, partner)
        if client.drafts:
            result.append(Signal(SignalKind.DRAFT, None, {"count": client.drafts}))
        found[client.client_id] = result
    return found
