"""Provides caseload signals: who needs a look first, each signal with the numbers that explain it.

Baseline and latest totals come from the score summaries (the first and last valid total per
client, episode and scale, kept current on every write), so the signals stay cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String, bindparam, case, func
from sqlmodel import Session, col, select

from hecht.scales.change import TOLERANCE, reliable_difference
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Direction, Domain, ScaleDefinition
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
FEW = 500
"""Up to this many episodes are looked up by id; more are found by scanning the index."""
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


@dataclass(frozen=True)
class Course:
    """A client's episode in numbers: scales judged, reliably better or worse, last completion."""

    judged: int
    improved: int
    deteriorated: int
    last_completed: date


def _towards_better(definitions: Mapping[str, ScaleDefinition]) -> tuple[Any, Any]:
    """SQL for each summary row: the change in the better direction, and the reliable step."""
    signs, steps = {}, {}
    for scale_id, definition in definitions.items():
        assert definition.change is not None
        signs[scale_id] = 1 if definition.scoring.direction is Direction.HIGHER_IS_BETTER else -1
        steps[scale_id] = (definition.change.criterion - TOLERANCE) * definition.change.s_diff
    scale = col(ScoreSummary.scale_id)
    better = case(signs, value=scale, else_=0) * (
        col(ScoreSummary.last_total) - col(ScoreSummary.first_total)
    )
    return better, case(steps, value=scale, else_=None)


def courses(
    session: Session, definitions: Mapping[str, ScaleDefinition], episode_ids: list[int]
) -> dict[tuple[int, int], Course]:
    """Return each client's course per episode, judged in the database in one grouped query.

    The same rule as ``compare``: reliable when the change reaches criterion × Sdiff; only
    scales with change parameters and at least two valid totals are judged.
    """
    better, step = _towards_better(definitions)
    judged = col(ScoreSummary.scale_id).in_(list(definitions)) & (ScoreSummary.valid_count >= 2)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = select(
        ScoreSummary.client_id,
        ScoreSummary.episode_lineage_id,
        count(judged),
        count(judged & (better >= step)),
        count(judged & (better <= -step)),
        # as stored: only the day is needed, so skip building a datetime per row
        func.max(ScoreSummary.last_completed_at, type_=String),
    ).group_by(col(ScoreSummary.episode_lineage_id), col(ScoreSummary.client_id))
    wanted = set(episode_ids)
    if len(wanted) > FEW:  # most of the practice: one scan of the covering index is cheapest
        batches = [(query.where(col(ScoreSummary.episode_lineage_id).is_not(None)), {})]
    else:
        where = query.where(col(ScoreSummary.episode_lineage_id).in_(EPISODES))
        batches = [(where, {"episodes": sorted(wanted)})]
    found = {}
    connection = session.connection()
    for statement, values in batches:
        rows = connection.execute(statement, values).all()
        for client, episode, judged_, improved, worse, at in rows:
            if episode in wanted:
                found[(client, episode)] = Course(judged_ or 0, improved or 0, worse or 0, _day(at))
    return found


def deteriorations(
    session: Session, definitions: Mapping[str, ScaleDefinition], episode_ids: list[int]
) -> dict[int, list[Signal]]:
    """Return the deterioration signals per client: only the rows that deteriorated travel."""
    better, step = _towards_better(definitions)
    query = select(
        ScoreSummary.client_id,
        ScoreSummary.scale_id,
        ScoreSummary.first_total,
        ScoreSummary.last_total,
    ).where(
        col(ScoreSummary.episode_lineage_id).in_(EPISODES),
        col(ScoreSummary.scale_id).in_(list(definitions)),
        ScoreSummary.valid_count >= 2,
        better <= -step,
    )
    found: dict[int, list[Signal]] = defaultdict(list)
    connection = session.connection()
    for chunk in _chunks(episode_ids):
        for client, scale_id, first, last in connection.execute(query, {"episodes": chunk}).all():
            definition = definitions[scale_id]
            assert definition.change is not None
            detail = {
                "scale_name": definition.short_name,
                "baseline": first,
                "latest": last,
                "rci": round(last - first, 6) / definition.change.s_diff,
            }
            found[client].append(Signal(SignalKind.DETERIORATED, scale_id, detail))
    for signals in found.values():
        signals.sort(key=lambda signal: signal.scale_id or "")
    return found


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
    course = courses(session, definitions, episode_ids) if definitions else {}
    worse = [c.episode_lineage_id for c in clients if _course(course, c).deteriorated]
    declines = deteriorations(session, definitions, worse) if worse else {}  # type: ignore[arg-type]
    relationship = {
        scale_id: definition
        for scale_id, definition in definitions.items()
        if definition.domain is Domain.RELATIONSHIP
    }
    shared = [c.episode_lineage_id for c in clients if c.partner_id is not None]
    ends: dict[int, dict[str, EndPoints]] = defaultdict(dict)
    if relationship and shared:
        for (client_id, _, scale_id), points in end_points(session, relationship, shared).items():  # type: ignore[arg-type]
            ends[client_id][scale_id] = points
    return {
        client.client_id: _signals_of(client, course, declines, ends, definitions, limits, today)
        for client in clients
    }


def _course(found: Mapping[tuple[int, int], Course], client: ClientInCare) -> Course:
    return found.get((client.client_id, client.episode_lineage_id or 0), NO_COURSE)


NO_COURSE = Course(0, 0, 0, date.min)
"""A client without any completed scale in the episode."""


def _signals_of(
    client: ClientInCare,
    found: Mapping[tuple[int, int], Course],
    declines: Mapping[int, list[Signal]],
    ends: Mapping[int, Mapping[str, EndPoints]],
    definitions: Mapping[str, ScaleDefinition],
    limits: SignalThresholds,
    today: date,
) -> list[Signal]:
    """One client's signals, most urgent kind first."""
    course = _course(found, client)
    own = ends.get(client.client_id, {})
    result: list[Signal] = []
    if client.open_alerts:
        result.append(Signal(SignalKind.OPEN_ALERT, None, {"count": client.open_alerts}))
    result += declines.get(client.client_id, [])
    stuck = course.judged and not course.improved
    if stuck and client.visits >= limits.not_on_track_visits:
        detail = {"visits": client.visits, "threshold": limits.not_on_track_visits}
        result.append(Signal(SignalKind.NOT_ON_TRACK, None, detail))
    seen = None if course is NO_COURSE else course.last_completed
    overdue = _overdue(client, seen, today, limits.overdue_weeks)
    if overdue is not None:
        result.append(overdue)
    if client.partner_id is not None:
        result += _discrepancies(client, definitions, own, ends.get(client.partner_id, {}))
    if client.drafts:
        result.append(Signal(SignalKind.DRAFT, None, {"count": client.drafts}))
    return result
