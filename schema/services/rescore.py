"""Provides rescoring: every stored Score recomputed from its answers (``hecht db rescore``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.services.administrations import definition_for, store_score
from hecht.schema.tables import Administration, RecordStatus, Score


@dataclass(frozen=True)
class RescoreReport:
    """How many scores were recomputed and how many came out different."""

    rescored: int
    changed: int
    unknown_scales: list[str]


def rescore_all(*, session: Session, actor: Actor, library: ScaleLibrary) -> RescoreReport:
    """Recompute the Score of every completed administration with its own definition version."""
    rows = session.exec(
        select(Administration)
        .where(Administration.status == RecordStatus.COMPLETE.value)
        .order_by(col(Administration.id))
    )
    rescored = changed = 0
    unknown: set[str] = set()
    for row in rows:
        key = f"{row.scale_id} {row.scale_version}"
        if key in unknown:
            continue
        try:
            definition = definition_for(library, row.scale_id, row.scale_version)
        except ValueError:
            unknown.add(key)
            continue
        before = session.get(Score, row.id)
        old = (
            None
            if before is None
            else (before.total, before.band, before.valid, dict(before.subscales))
        )
        stored = store_score(session, row, definition, actor.now())
        rescored += 1
        if old != (stored.total, stored.band, stored.valid, dict(stored.subscales)):
            changed += 1
    return RescoreReport(rescored, changed, sorted(unknown))
