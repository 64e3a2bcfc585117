"""Provides caseload signals: who needs a look first, each signal with the numbers that explain it.

Baseline and latest totals come from the score summaries (the first and last valid total per
client, episode and scale, kept current on every write), and each episode's reliable change from
its stored course (``hecht.schema.courses``), read in plain SQL: the signals stay cheap for a
whole practice and need no definition loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol

from hecht.scales.facts import ScaleFacts, discrepant
from hecht.schema.courses import ensure_rules
from hecht.schema.db.plain import (
    PlainConnection,
    as_date,
    chunks,
    collector_paused,
    placeholders,
)
from hecht.schema.thresholds import SignalThresholds as SignalThresholds  # where callers find it


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


def urgency(signals: Sequence[Signal]) -> int:
    """Rank a client by their most urgent signal (lower is more urgent; no signal ranks last)."""
    order = list(SignalKind)
    return min((order.index(signal.kind) for signal in signals), default=len(order))


class InCare(Protocol):
    """What the signals read of a client in care: a caseload row (``CaseloadRow``) carries these
    fields, so a caseload of ten thousand makes one object per client, not two."""

    @property
    def client_id(self) -> int: ...
    @property
    def episode_lineage_id(self) -> int | None: ...
    @property
    def episode_started(self) -> date | None: ...
    @property
    def visits(self) -> int: ...
    @property
    def open_alerts(self) -> int: ...
    @property
    def drafts(self) -> int: ...
    @property
    def partner_id(self) -> int | None: ...
    @property
    def partner_code(self) -> str | None: ...


@dataclass(frozen=True)
class EndPoints:
    """A client's first and last valid total of one scale in one episode."""

    first: float
    last: float
    count: int


FEW = 500
"""Up to this many episodes are looked up by id; more are read whole."""


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


class Course:
    """What a client's stored course in an episode may signal (``hecht.schema.courses``), as bits.

    Worked out by the database, one small integer per client: most clients have nothing to
    signal, and a practice reads ten thousand of them for every caseload (plain ints, because
    an IntFlag costs a microsecond per test).
    """

    QUIET = 0
    DETERIORATED = 1
    """At least one scale changed reliably for the worse since the baseline."""
    STUCK = 2
    """Scales were judged, and none changed reliably for the better."""
    OVERDUE = 4
    """No scale was completed after the overdue day."""


COURSE_FLAGS = """(CASE WHEN deteriorated > 0 THEN 1 ELSE 0 END)
    + (CASE WHEN judged > 0 AND improved = 0 THEN 2 ELSE 0 END)
    + (CASE WHEN last_completed_at < ? THEN 4 ELSE 0 END)"""


EPISODES_PER_CLIENT = 1 << 32
"""Keys a client's course in an episode as one int, ``client_id * EPISODES_PER_CLIENT +
episode_lineage_id``: a practice reads ten thousand, and a tuple key costs a tuple each (ids stay
far below 2**32)."""


@dataclass(frozen=True)
class Courses:
    """What the stored courses may signal: ``bits`` (``Course``) per client and episode (keyed
    as ``EPISODES_PER_CLIENT`` says), and the last completion of the overdue ones, as stored
    (text in SQLite)."""

    bits: dict[int, int]
    last_completed: dict[int, Any]


def courses(plain: PlainConnection, episode_ids: Set[int], overdue_day: date) -> Courses:
    """Return, per client and episode with completed scales, what its course may signal.

    The same rule as ``compare``: reliable when the change reaches criterion × Sdiff; only
    scales with change parameters and at least two valid totals are judged. When most of the
    practice is asked for, every episode's row is returned (cheaper than sorting out the few
    not asked for): look rows up.
    """
    after = plain.stored_datetime(datetime.combine(overdue_day + timedelta(days=1), time(0), UTC))
    key = f"client_id * {EPISODES_PER_CLIENT} + episode_lineage_id"
    select = f"SELECT {key}, {COURSE_FLAGS} FROM episodecourse"
    overdue = f"SELECT {key}, last_completed_at FROM episodecourse WHERE last_completed_at < ?"
    if len(episode_ids) > FEW:  # most of the practice: reading every row is cheapest
        where: list[tuple[str, list[Any]]] = [("", [])]
    else:
        where = [
            (f" AND episode_lineage_id IN ({placeholders(chunk)})", list(chunk))
            for chunk in chunks(episode_ids)
        ]
    found = Courses({}, {})
    for condition, values in where:
        rows = plain.rows(f"{select} WHERE 1 = 1{condition}", [after, *values])
        found.bits.update(rows)  # (key, bits) pairs
        if any(bits & Course.OVERDUE for _, bits in rows):
            found.last_completed.update(plain.rows(overdue + condition, [after, *values]))
    return found


def deteriorations(
    plain: PlainConnection, facts: Mapping[str, ScaleFacts], episode_ids: list[int]
) -> dict[int, list[Signal]]:
    """Return the deterioration signals per client: only the rows that deteriorated travel."""
    found: dict[int, list[Signal]] = defaultdict(list)
    for chunk in chunks(episode_ids):
        sql = (
            "SELECT client_id, scale_id, first_total, last_total FROM scoresummary "
            f"WHERE episode_lineage_id IN ({placeholders(chunk)}) AND course = -1"
        )
        for client, scale_id, first, last in plain.rows(sql, chunk):
            fact = facts[scale_id]
            detail = {
                "scale_name": fact.short_name,
                "baseline": first,
                "latest": last,
                "rci": round(last - first, 6) / fact.s_diff,
            }
            found[client].append(Signal(SignalKind.DETERIORATED, scale_id, detail))
    for signals in found.values():
        signals.sort(key=lambda signal: signal.scale_id or "")
    return found


def _discrepancies(
    client: InCare,
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
        assert fact.s_diff is not None and fact.criterion is not None  # as limit is not None
        mine, theirs = own[scale_id].last, partner[scale_id].last
        if discrepant(mine - theirs, fact.s_diff, fact.criterion):
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


def _overdue(client: InCare, last: Any, today: date, weeks: int) -> Signal | None:
    since = as_date(last) if last is not None else client.episode_started
    if client.episode_lineage_id is None or since is None:
        return None
    waited = (today - since).days // 7
    if waited < weeks:
        return None
    detail = {"weeks": waited, "threshold": weeks, "never": last is None}
    return Signal(SignalKind.OVERDUE, None, detail)


@collector_paused()
def signals_for(
    *,
    plain: PlainConnection,
    facts: Mapping[str, ScaleFacts],
    clients: Sequence[InCare],
    today: date,
    thresholds: SignalThresholds | None = None,
) -> dict[int, list[Signal]]:
    """Return the signals of each client that has any, most urgent kind first.

    Change is judged within the client's active episode, from its first valid total of a scale
    (the baseline) to its latest, only for scales with reliable-change parameters.
    """
    limits = thresholds or SignalThresholds()
    ensure_rules(plain, facts)
    judged = {scale_id: fact for scale_id, fact in facts.items() if fact.judged}
    episode_ids = {c.episode_lineage_id for c in clients if c.episode_lineage_id is not None}
    overdue_day = today - timedelta(weeks=limits.overdue_weeks)
    course_of = courses(plain, episode_ids, overdue_day) if episode_ids else Courses({}, {})
    worse = [  # in care only: a closed episode's decline is no signal now
        lineage
        for key, bits in course_of.bits.items()
        if bits & Course.DETERIORATED and (lineage := key % EPISODES_PER_CLIENT) in episode_ids
    ]
    declines = deteriorations(plain, judged, worse) if worse else {}
    relationship = [s for s, fact in judged.items() if fact.domain == "relationship"]
    shared = [
        episode
        for c in clients
        if c.partner_id is not None and (episode := c.episode_lineage_id) is not None
    ]
    ends: dict[int, dict[str, EndPoints]] = defaultdict(dict)
    if relationship and shared:
        for (client_id, _, scale_id), points in end_points(plain, relationship, shared).items():
            ends[client_id][scale_id] = points
    found = {}
    bits_for, shift = course_of.bits.get, EPISODES_PER_CLIENT
    for client in clients:
        key = client.client_id * shift + (client.episode_lineage_id or 0)
        bits = bits_for(key, NO_COURSE)
        if (
            bits == Course.QUIET
            and not client.open_alerts
            and not client.drafts
            and client.partner_id is None
        ):
            continue  # the common case: nothing but the course could signal, and it is quiet
        last = course_of.last_completed.get(key)
        signals = _signals_of(client, bits, last, declines, ends, judged, limits, today)
        if signals:
            found[client.client_id] = signals
    return found


NO_COURSE = -1
"""The course bits of a client without any completed scale in the episode (no row)."""


def _signals_of(
    client: InCare,
    bits: int,
    last: Any,
    declines: Mapping[int, list[Signal]],
    ends: Mapping[int, Mapping[str, EndPoints]],
    facts: Mapping[str, ScaleFacts],
    limits: SignalThresholds,
    today: date,
) -> list[Signal]:
    """One client's signals, most urgent kind first."""
    result: list[Signal] = []
    if client.open_alerts:
        result.append(Signal(SignalKind.OPEN_ALERT, None, {"count": client.open_alerts}))
    result += declines.get(client.client_id, [])
    if bits != NO_COURSE and bits & Course.STUCK and client.visits >= limits.not_on_track_visits:
        detail = {"visits": client.visits, "threshold": limits.not_on_track_visits}
        result.append(Signal(SignalKind.NOT_ON_TRACK, None, detail))
    if bits == NO_COURSE or bits & Course.OVERDUE:
        overdue = _overdue(client, last, today, limits.overdue_weeks)
        if overdue is not None:
            result.append(overdue)
    if client.partner_id is not None:
        own = ends.get(client.client_id, {})
        result += _discrepancies(client, facts, own, ends.get(client.partner_id, {}))
    if client.drafts:
        result.append(Signal(SignalKind.DRAFT, None, {"count": client.drafts}))
    return result
