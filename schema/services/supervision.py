"""Provides the supervision packet: one summary per client in care, signalled clients first.

The packet is built for privacy: it carries codes, perinatal weeks and week offsets; names come
along only when asked for, and contact data and calendar dates never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from hecht.scales.change import compare
from hecht.scales.library import ScaleLibrary
from hecht.scales.perinatal import PerinatalWeek, perinatal_week
from hecht.schema.context import Actor
from hecht.schema.services.caseload import CaseloadRow, caseload
from hecht.schema.services.signals import Signal, SignalThresholds, urgency
from hecht.schema.services.trajectories import TrajectoryPoint, client_trajectory
from hecht.schema.tables import Alert, Client, Episode, RecordStatus, Visit
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import current_rows


@dataclass(frozen=True)
class ScoreLine:
    """One scale in a case summary: where the client started, stands, and how it moved."""

    scale_id: str
    short_name: str
    series: list[float]
    latest: float | None
    band: str | None
    baseline: float | None
    change: float | None
    category: str | None
    reliable: bool | None


@dataclass(frozen=True)
class AlertLine:
    """An alert in the episode and how it was acknowledged (weeks ago instead of dates)."""

    scale_id: str
    item: str
    level: str
    weeks_ago: int
    acknowledged: bool
    action: str | None
    note: str | None = None
    """What was written when it was closed: free text, kept only in a report with names."""


@dataclass(frozen=True)
class CaseSummary:
    """A one-page summary of a client for the supervision meeting."""

    code: str
    name: str | None
    partner_code: str | None
    week: PerinatalWeek | None
    weeks_in_care: int | None
    referral_reasons: list[str]
    visits: int
    weeks_since_last_visit: int | None
    scores: list[ScoreLine]
    alerts: list[AlertLine]
    note_opening: list[str]
    signals: Sequence[Signal]
    note_withheld: bool = False
    """The note's lines are left out: a pseudonymised summary carries no free text (a note may
    name the client, the partner or the child)."""


def _weeks(today: date, then: date | None) -> int | None:
    return None if then is None else (today - then).days // 7


def score_lines(library: ScaleLibrary, points: list[TrajectoryPoint]) -> list[ScoreLine]:
    """Summarise each scale's valid totals: the series, the baseline, the latest and the change."""
    by_scale: dict[str, list[tuple[float, TrajectoryPoint]]] = {}
    for point in points:
        if point.valid and point.total is not None:
            by_scale.setdefault(point.scale_id, []).append((point.total, point))
    lines = []
    for scale_id, series in sorted(by_scale.items()):
        try:
            definition = library.get(scale_id)
        except KeyError:
            continue
        (first, _), (last, newest) = series[0], series[-1]
        result = None if len(series) < 2 else compare(definition, first, last)
        lines.append(
            ScoreLine(
                scale_id=scale_id,
                short_name=definition.short_name,
                series=[total for total, _ in series],
                latest=last,
                band=newest.band,
                baseline=first,
                change=None if result is None else result.difference,
                category=None if result is None or result.category is None else result.category,
                reliable=None if result is None else result.reliable,
            )
        )
    return lines


def _alerts(session: Session, client_id: int, today: date) -> list[AlertLine]:
    from hecht.schema.tables import Administration

    query = (
        select(Alert, Administration.scale_id)
        .join(Administration, col(Administration.id) == Alert.administration_id)
        .where(Alert.client_id == client_id)
        .order_by(col(Alert.raised_at))
    )
    return [
        AlertLine(
            scale_id=scale_id,
            item=alert.item,
            level=alert.level,
            weeks_ago=(today - alert.raised_at.date()).days // 7,
            acknowledged=alert.acknowledged_at is not None,
            action=alert.action,
            note=alert.action_note,
        )
        for alert, scale_id in session.exec(query)
    ]


def _note_opening(session: Session, episode_lineage_id: int | None, lines: int) -> list[str]:
    if episode_lineage_id is None:
        return []
    visits = current_rows(
        session,
        Visit,
        Visit.episode_lineage_id == episode_lineage_id,
        col(Visit.note).is_not(None),
        Visit.status != RecordStatus.RETRACTED.value,
    )
    if not visits:
        return []
    last = max(visits, key=lambda visit: (visit.visit_date, visit.id or 0))
    return [line for line in (last.note or "").splitlines() if line.strip()][:lines]


def case_summary(
    *, session: Session, actor: Actor, library: ScaleLibrary, row: CaseloadRow, today: date
) -> CaseSummary:
    """Summarise one caseload row for supervision (an audited read of the client)."""
    episode = None
    if row.episode_lineage_id is not None:
        episode = current_rows(session, Episode, Episode.lineage_id == row.episode_lineage_id)[0]
    points = client_trajectory(session=session, actor=actor, code=row.code)
    if episode is not None:
        points = [p for p in points if p.episode_lineage_id in (None, episode.lineage_id)]
    week = None
    if episode is not None:
        week = perinatal_week(today, due_date=episode.due_date, birth_date=episode.birth_date)
    return CaseSummary(
        code=row.code,
        name=row.name,
        partner_code=row.partner_code,
        week=week,
        weeks_in_care=_weeks(today, None if episode is None else episode.started_on),
        referral_reasons=[] if episode is None else list(episode.referral_reasons),
        visits=row.visits,
        weeks_since_last_visit=_weeks(today, row.last_visit),
        scores=score_lines(library, points),
        alerts=_alerts(session, row.client_id, today),
        note_opening=_note_opening(session, row.episode_lineage_id, 3),
        signals=row.signals,
    )


def supervision_packet(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    thresholds: SignalThresholds | None = None,
    codes: list[str] | None = None,
    names: bool = False,
) -> list[CaseSummary]:
    """Return the case summaries, most urgent signal first, then by code (each read is audited).

    Names are left out unless ``names`` is true; an audit event records that a report was made.
    """
    today = actor.now().date()
    rows = caseload(session=session, actor=actor, library=library, thresholds=thresholds)
    if codes is not None:
        wanted = set(codes)
        rows = [row for row in rows if row.code in wanted]
    rows.sort(key=lambda row: (urgency(row.signals), row.code))
    summaries = []
    for row in rows:
        summary = case_summary(session=session, actor=actor, library=library, row=row, today=today)
        if not names:
            summary = _without_name(summary)
        client = session.get(Client, row.client_id)
        assert client is not None  # a client on the caseload is stored (destroyed ones too)
        detail = detail_of("supervision_names" if names else "supervision_pseudonymised")
        audit.record_client(session, actor, AuditKind.REPORT, client, detail)
        summaries.append(summary)
    return summaries


def _without_name(summary: CaseSummary) -> CaseSummary:
    """The summary without the client's name, nor the free text of a note that may hold names
    (the visit's, and those written when alerts were closed)."""
    from dataclasses import replace

    withheld = bool(summary.note_opening)
    alerts = [replace(alert, note=None) for alert in summary.alerts]
    return replace(summary, name=None, note_opening=[], note_withheld=withheld, alerts=alerts)
