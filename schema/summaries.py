"""Provides the score summaries: one derived row per client, episode and scale, kept current.

Every write path that changes which totals are current calls ``refresh_summary`` for the key it
touched; ``rebuild_summaries`` recomputes them all (after an import, or to check the others).
Each summary's course, and its episode's sum of courses, follow along (``hecht.schema.courses``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, col, select

from hecht.schema.courses import (
    Rule,
    judge,
    rebuild_episode_courses,
    refresh_episode_course,
    stored_rule,
)
from hecht.schema.db.plain import of_session
from hecht.schema.tables import Administration, RecordStatus, Score, ScoreSummary
from hecht.schema.trail.chain import hold_chain_lock
from hecht.schema.versioning import only_current


def _key_filter(
    model: type[Administration] | type[ScoreSummary],
    client_id: int,
    episode_lineage_id: int | None,
    scale_id: str,
) -> list[ColumnElement[bool]]:
    episode = (
        col(model.episode_lineage_id).is_(None)
        if episode_lineage_id is None
        else col(model.episode_lineage_id) == episode_lineage_id
    )
    return [col(model.client_id) == client_id, col(model.scale_id) == scale_id, episode]


def summarise(
    client_id: int,
    episode_lineage_id: int | None,
    scale_id: str,
    scores: list[tuple[datetime, float | None, bool, str | None]],
) -> ScoreSummary | None:
    """Summarise one key's completed scores, ordered by time (None when there are none)."""
    if not scores:
        return None
    valid = [(at, total, band) for at, total, ok, band in scores if ok and total is not None]
    return ScoreSummary(
        client_id=client_id,
        episode_lineage_id=episode_lineage_id,
        scale_id=scale_id,
        first_total=valid[0][1] if valid else None,
        first_at=valid[0][0] if valid else None,
        last_total=valid[-1][1] if valid else None,
        last_at=valid[-1][0] if valid else None,
        last_band=valid[-1][2] if valid else None,
        previous_total=valid[-2][1] if len(valid) > 1 else None,
        valid_count=len(valid),
        invalid_count=len(scores) - len(valid),
        last_completed_at=scores[-1][0],
    )


def _judged(summary: ScoreSummary, rule: Rule | None) -> ScoreSummary:
    """The summary with its course judged by the scale's stored rule."""
    summary.course = judge(rule, summary.first_total, summary.last_total, summary.valid_count)
    return summary


def refresh_summary(
    session: Session, client_id: int, episode_lineage_id: int | None, scale_id: str
) -> None:
    """Recompute the summary of one client's scale within one episode from its current scores."""
    # Only this key's rows: the newest version per lineage is picked here, not by a subquery
    # over the whole table (which would make every stored score cost more as the practice grows).
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Administration.lineage_id,
            Administration.version,
            Administration.status,
            Administration.observed_at,
            Administration.id,
            Score.total,
            Score.valid,
            Score.band,
        )
        .join(Score, col(Score.administration_id) == Administration.id, isouter=True)
        .where(*_key_filter(Administration, client_id, episode_lineage_id, scale_id))
    )
    newest: dict[int, Any] = {}
    for row in session.exec(query):
        if row.lineage_id not in newest or row.version > newest[row.lineage_id].version:
            newest[row.lineage_id] = row
    current = sorted(
        (row for row in newest.values() if row.status == RecordStatus.COMPLETE.value),
        key=lambda row: (row.observed_at, row.id),
    )
    scores = [(row.observed_at, row.total, bool(row.valid), row.band) for row in current]
    session.execute(
        delete(ScoreSummary).where(
            *_key_filter(ScoreSummary, client_id, episode_lineage_id, scale_id)
        )
    )
    summary = summarise(client_id, episode_lineage_id, scale_id, scores)
    plain = of_session(session)
    if summary is not None:
        hold_chain_lock(plain)  # the rule read here stays the rule until this course is stored
        session.add(_judged(summary, stored_rule(plain, scale_id)))
        session.flush()
    refresh_episode_course(plain, client_id, episode_lineage_id)


def rebuild_summaries(session: Session) -> int:
    """Recompute every summary from the stored scores; return how many there are."""
    session.execute(delete(ScoreSummary))
    query = (
        only_current(
            select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
                Administration.client_id,
                Administration.episode_lineage_id,
                Administration.scale_id,
                Administration.observed_at,
                Score.total,
                Score.valid,
                Score.band,
            ),
            Administration,
        )
        .join(Score, col(Score.administration_id) == Administration.id)
        .where(Administration.status == RecordStatus.COMPLETE.value)
        .order_by(
            col(Administration.client_id),
            col(Administration.episode_lineage_id),
            col(Administration.scale_id),
            col(Administration.observed_at),
            col(Administration.id),
        )
    )
    grouped: dict[tuple[int, int | None, str], list[Any]] = {}
    for client, episode, scale, at, total, valid, band in session.exec(query):
        grouped.setdefault((client, episode, scale), []).append((at, total, valid, band))
    summaries = [summarise(*key, scores) for key, scores in grouped.items()]
    plain = of_session(session)
    hold_chain_lock(plain)
    rules = {scale_id: stored_rule(plain, scale_id) for _, _, scale_id in grouped}
    session.add_all([_judged(s, rules[s.scale_id]) for s in summaries if s is not None])
    session.flush()
    rebuild_episode_courses(plain)
    return len(grouped)
