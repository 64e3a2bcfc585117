"""Provides trajectories: each scale's scores over time for a client or a couple."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from hecht.scales.change import compare
from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.readmodels import ClientRead
from hecht.schema.services.clients import client_row, get_client, partner_of
from hecht.schema.services.episodes import episodes_for_client
from hecht.schema.tables import Administration, RecordStatus, Score, Visit, stored_id
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import current_rows, only_current


@dataclass(frozen=True)
class TrajectoryPoint:
    """One completed administration's score on the time axis."""

    administration_id: int
    lineage_id: int
    client_id: int
    scale_id: str
    scale_version: str
    observed_at: datetime
    episode_lineage_id: int | None
    total: float | None
    band: str | None
    valid: bool
    subscales: dict[str, float | None]
    visit_lineage_id: int | None = None


def _points(session: Session, client_ids: list[int], scale_id: str | None) -> list[TrajectoryPoint]:
    query = (
        only_current(select(Administration, Score), Administration)
        .join(Score, col(Score.administration_id) == Administration.id)
        .where(
            Administration.status == RecordStatus.COMPLETE.value,
            col(Administration.client_id).in_(client_ids),
        )
        .order_by(col(Administration.observed_at), col(Administration.id))
    )
    if scale_id is not None:
        query = query.where(Administration.scale_id == scale_id)
    return [
        TrajectoryPoint(
            administration_id=row.id,
            lineage_id=row.lineage_id,
            client_id=row.client_id,
            scale_id=row.scale_id,
            scale_version=row.scale_version,
            observed_at=row.observed_at,
            episode_lineage_id=row.episode_lineage_id,
            total=stored.total,
            band=stored.band,
            valid=stored.valid,
            subscales=dict(stored.subscales),
            visit_lineage_id=row.visit_lineage_id,
        )
        for row, stored in session.exec(query)
    ]


def client_trajectory(
    *, session: Session, actor: Actor, code: str, scale_id: str | None = None
) -> list[TrajectoryPoint]:
    """Return a client's completed scores over time, one scale or all (an audited read)."""
    client = client_row(session, code)
    audit.record_client(session, actor, AuditKind.READ, client, detail_of("trajectory"))
    return _points(session, [stored_id(client)], scale_id)


@dataclass(frozen=True)
class TrajectoryView:
    """What the trajectory screen draws for one client: their scores, their partner's, and
    the visit numbers and episode dates that place them on the axes."""

    client: ClientRead
    partner: ClientRead | None
    points: list[TrajectoryPoint]
    partner_points: list[TrajectoryPoint]
    visit_numbers: dict[int, int]
    """Visit lineage id -> its number in the client's care, 1 for the first visit."""
    due_date: date | None
    birth_date: date | None


def trajectory_view(*, session: Session, actor: Actor, code: str) -> TrajectoryView:
    """Read a client's trajectory with their partner's, numbered visits and the episode dates.

    The dates come from the newest active episode (else the newest): the week axis describes
    the current pregnancy. Visits are numbered over all the client's episodes, shared couple
    episodes included, so both partners' scores at one joint visit get the same number.
    """
    client = get_client(session=session, actor=actor, code=code)
    partner = partner_of(session, client.id)
    found = episodes_for_client(session=session, actor=actor, code=code)
    current = [episode for episode in found if episode.status == "active"] or found
    visits = current_rows(
        session, Visit, col(Visit.episode_lineage_id).in_([e.lineage_id for e in found])
    )
    ordered = sorted(visits, key=lambda visit: (visit.visit_date, visit.id))
    return TrajectoryView(
        client=client,
        partner=partner,
        points=client_trajectory(session=session, actor=actor, code=code),
        partner_points=[]
        if partner is None
        else client_trajectory(session=session, actor=actor, code=partner.code),
        visit_numbers={
            lineage: n
            for n, visit in enumerate(ordered, start=1)
            if (lineage := visit.lineage_id) is not None
        },
        due_date=current[-1].due_date if current else None,
        birth_date=current[-1].birth_date if current else None,
    )


@dataclass(frozen=True)
class ChangeSummary:
    """A new total against the client's last and first completed totals of the same scale."""

    last_total: float | None
    first_total: float | None
    since_last: float | None
    since_first: float | None
    category: str | None


def change_summary(
    *, session: Session, library: ScaleLibrary, administration_id: int, total: float | None
) -> ChangeSummary:
    """Compare a total with the same client's earlier completed totals of that scale."""
    row = session.get(Administration, administration_id)
    if row is None or total is None:
        return ChangeSummary(None, None, None, None, None)
    earlier = [
        point
        for point in _points(session, [row.client_id], row.scale_id)
        if point.lineage_id != row.lineage_id and point.total is not None
    ]
    if not earlier:
        return ChangeSummary(None, None, None, None, None)
    first, last = earlier[0].total, earlier[-1].total
    assert first is not None and last is not None
    definition = library.get(row.scale_id, row.scale_version)
    result = compare(definition, first, total)
    return ChangeSummary(
        last, first, round(total - last, 4), round(total - first, 4),
        None if result.category is None else result.category.value,
    )  # fmt: skip
