"""Provides caseload signals: who needs a look first, each signal with the numbers that explain it.

Baseline and latest totals come from the score summaries (the first and last valid total per
client, episode and scale, kept current on every write), read in plain SQL over a few index
scans, so the signals stay cheap for a whole practice and need no definition loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from hecht.scales.facts import ScaleFacts
from hecht.schema.plain import PlainConnection, as_date, as_int, chunks, placeholders


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


FEW = 500
"""Up to this many episodes are looked up by id; more are found by scanning the index."""


def _rules(facts: Mapping[str, ScaleFacts]) -> tuple[str, list[Any]]:
    """A ``rule(scale_id, sign, step)`` table of the judged scales, as a CTE and its values.

    ``sign`` turns a change into the better direction; ``step`` is the reliable change.
    """
    judged = [fact for fact in facts.values() if fact.judged]
    if not judged:  # no scale can be judged: an empty table of the same shape
        return f"WITH rule(scale_id, sign, step) AS (SELECT {NO_RULE} WHERE 1 = 0)", []
    rows = ", ".join("(?, CAST(? AS FLOAT), CAST(? AS FLOAT))" for _ in judged)
    values: list[Any] = []
    for fact in judged:
        values += [fact.id, 1.0 if fact.higher_is_better else -1.0, fact.reliable_step]
    return f"WITH rule(scale_id, sign, step) AS (VALUES {rows})", values


NO_RULE = "CAST(NULL AS VARCHAR(40)), CAST(NULL AS FLOAT), CAST(NULL AS FLOAT)"


def end_points(
    plain: PlainConnection, scale_ids: Iterable[str], episode_ids: list[int] | None = None
) -> dict[tuple[int, int | None, str], EndPoints]:
    """Return the first and last valid completed totals per (client, episode, scale).

    Read from the score summaries as plain rows: one short row per key, however many totals lie
    between. ``episode_ids`` limits the rows to those episodes.
    """
    scales = sorted(set(scale_ids))
    if not scales:
        return {}
    base = (
        "SELECT client_id, episode_lineage_id, scale_id, first_total, last_total, valid_count "
        f"FROM scoresummary WHERE scale_id IN ({placeholders(scales)}) AND valid_count > 0"
    )
    batches = [(base, scales)] if episode_ids is None else [
        (f"{base} AND episode_lineage_id IN ({placeholders(chunk)})", [*scales, *chunk])
        for chunk in chunks(episode_ids)
    ]  # fmt: skip
    found = {}
    for sql, values in batches:
        for client, episode, scale, first, last, count in plain.rows(sql, values):
            found[(client, episode, scale)] = EndPoints(first, last, count)
    return found


@dataclass(frozen=True)
class Course:
    """A client's episode in numbers: scales judged, reliably better or worse, last completion."""

    judged: int
    improved: int
    deteriorated: int
    last_completed: date


def courses(
    plain: PlainConnection, facts: Mapping[str, ScaleFacts], episode_ids: list[int]
) -> dict[tuple[int, int], Course]:
    """Return each client's course per episode, judged in the database in one grouped query.

    The same rule as ``compare``: reliable when the change reaches criterion × Sdiff; only
    scales with change parameters and at least two valid totals are judged.
    """
    rules, values = _rules(facts)
    better = "r.sign * (s.last_total - s.first_total)"
    select = (
        f"{rules} SELECT s.client_id, s.episode_lineage_id, count(r.step), "
        f"sum(CASE WHEN {better} >= r.step THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN {better} <= -r.step THEN 1 ELSE 0 END), "
        f"{plain.utc_day('max(s.last_completed_at)')} "
        "FROM scoresummary s LEFT JOIN rule r ON r.scale_id = s.scale_id AND s.valid_count >= 2 "
    )
    group = " GROUP BY s.episode_lineage_id, s.client_id"
    wanted = set(episode_ids)
    if len(wanted) > FEW:  # most of the practice: one scan of the covering index is cheapest
        batches = [(f"{select}WHERE s.episode_lineage_id IS NOT NULL{group}", values)]
    else:
        batches = [
            (f"{select}WHERE s.episode_lineage_id IN ({placeholders(chunk)}){group}",
             [*values, *chunk])
            for chunk in chunks(wanted)
        ]  # fmt: skip
    found = {}
    days: dict[Any, date] = {}  # a practice's clients share a few hundred days: convert each once
    for sql, params in batches:
        for client, episode, judged, improved, worse, day in plain.rows(sql, params):
            if episode in wanted:
                if day not in days:
                    days[day] = as_date(day)  # type: ignore[assignment]
                found[(client, episode)] = Course(
                    as_int(judged), as_int(improved), as_int(worse), days[day]
                )
    return found


def deteriorations(
    plain: PlainConnection, facts: Mapping[str, ScaleFacts], episode_ids: list[int]
) -> dict[int, list[Signal]]:
    """Return the deterioration signals per client: only the rows that deteriorated travel."""
    rules, values = _rules(facts)
    found: dict[int, list[Signal]] = defaultdict(list)
    for chunk in chunks(episode_ids):
        sql = (
            f"{rules} SELECT s.client_id, s.scale_id, s.first_total, s.last_total "
            "FROM scoresummary s JOIN rule r ON r.scale_id = s.scale_id "
            f"WHERE s.episode_lineage_id IN ({placeholders(chunk)}) AND s.valid_count >= 2 "
            "AND r.sign * (s.last_total - s.first_total) <= -r.step"
        )
        for client, scale_id, first, last in plain.rows(sql, [*values, *chunk]):
            fact = facts[scale_id]
            detail = {
                "scale_name": fact.short_name,
                "baseline": first,
                "latest": last,
                "rci": round(last - first, 6) / fact.s_diff,  # type: ignore[operator]
            }
            found[client].append(Signal(SignalKind.DETERIORATED, scale_id, detail))
    for signals in found.values():
        signals.sort(key=lambda signal: signal.scale_id or "")
    return found


def _discrepancies(
    client: ClientInCare,
    facts: Mapping[str, ScaleFacts],
    own: Mapping[str, EndPoints],
    partner: Mapping[str, EndPoints],
) -> list[Signal]:
    signals = []
    for scale_id in sorted(set(own) & set(partner)):
        fact = facts[scale_id]
        limit = fact.reliable_difference
        if fact.domain != "relationship" or limit is None:
            continue
        mine, theirs = own[scale_id].last, partner[scale_id].last
        if abs(mine - theirs) >= limit - 1e-9:
            detail = {
                "scale_name": fact.short_name,
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
    plain: PlainConnection,
    facts: Mapping[str, ScaleFacts],
    clients: list[ClientInCare],
    today: date,
    thresholds: SignalThresholds | None = None,
) -> dict[int, list[Signal]]:
    """Return the signals of each client that has any, most urgent kind first.

    Change is judged within the client's active episode, from its first valid total of a scale
    (the baseline) to its latest, only for scales with reliable-change parameters.
    """
    limits = thresholds or SignalThresholds()
    judged = {scale_id: fact for scale_id, fact in facts.items() if fact.judged}
    episode_ids = [c.episode_lineage_id for c in clients if c.episode_lineage_id is not None]
    course = courses(plain, judged, episode_ids) if episode_ids else {}
    worse = [c.episode_lineage_id for c in clients if _course(course, c).deteriorated]
    declines = deteriorations(plain, judged, worse) if worse else {}  # type: ignore[arg-type]
    relationship = [s for s, fact in judged.items() if fact.domain == "relationship"]
    shared = [c.episode_lineage_id for c in clients if c.partner_id is not None]
    ends: dict[int, dict[str, EndPoints]] = defaultdict(dict)
    if relationship and shared:
        for (client_id, _, scale_id), points in end_points(plain, relationship, shared).items():  # type: ignore[arg-type]
            ends[client_id][scale_id] = points
    found = {}
    for client in clients:
        signals = _signals_of(client, course, declines, ends, judged, limits, today)
        if signals:
            found[client.client_id] = signals
    return found


def _course(found: Mapping[tuple[int, int], Course], client: ClientInCare) -> Course:
    return found.get((client.client_id, client.episode_lineage_id or 0), NO_COURSE)


NO_COURSE = Course(0, 0, 0, date.min)
"""A client without any completed scale in the episode."""


def _signals_of(
    client: ClientInCare,
    found: Mapping[tuple[int, int], Course],
    declines: Mapping[int, list[Signal]],
    ends: Mapping[int, Mapping[str, EndPoints]],
    facts: Mapping[str, ScaleFacts],
    limits: SignalThresholds,
    today: date,
) -> list[Signal]:
    """One client's signals, most urgent kind first."""
    course = _course(found, client)
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
        own = ends.get(client.client_id, {})
        result += _discrepancies(client, facts, own, ends.get(client.partner_id, {}))
    if client.drafts:
        result.append(Signal(SignalKind.DRAFT, None, {"count": client.drafts}))
    return result
