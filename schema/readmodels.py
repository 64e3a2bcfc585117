"""Provides the plain read models services return: never live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ClientRead:
    """A client as screens show it."""

    id: int
    code: str
    name: str | None
    birth_year: int | None
    language: str | None
    contact: str | None
    created_at: datetime
    destroyed: bool = False
    role: str | None = None


@dataclass(frozen=True)
class CoupleRead:
    """Two clients cared for together."""

    id: int
    first: ClientRead
    second: ClientRead


@dataclass(frozen=True)
class EpisodeRead:
    """The current version of an episode."""

    id: int
    lineage_id: int
    version: int
    client_id: int | None
    couple_id: int | None
    due_date: date | None
    birth_date: date | None
    referral_reasons: list[str]
    referral_text: str | None
    referrer: str | None
    status: str
    started_on: date
    ended_on: date | None
    recorded_at: datetime | None = None
    recorded_by_id: int | None = None
    change_reason: str | None = None


@dataclass(frozen=True)
class VisitRead:
    """The current version of a visit."""

    id: int
    lineage_id: int
    version: int
    episode_lineage_id: int
    visit_date: date
    attendee_ids: list[int]
    mode: str
    note: str | None
    themes: list[str]
    record_status: str = "complete"
    recorded_at: datetime | None = None
    change_reason: str | None = None
    recorded_by_id: int | None = None


@dataclass(frozen=True)
class AnswerRead:
    """One stored answer."""

    item_id: str
    code: float | None
    score: float | None
    missing_reason: str | None


@dataclass(frozen=True)
class ScoreRead:
    """What an administration scored."""

    total: float | None
    raw_total: float | None
    band: str | None
    valid: bool
    prorated: bool
    missing_items: list[str]
    subscales: dict[str, float | None]


@dataclass(frozen=True)
class AlertRead:
    """A raised alert and, once acknowledged, who did what."""

    id: int
    administration_id: int
    client_id: int
    rule_id: str
    item: str
    level: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    action: str | None
    action_note: str | None


@dataclass(frozen=True)
class AdministrationRead:
    """One version of an administration with its answers and score."""

    id: int
    lineage_id: int
    version: int
    supersedes_id: int | None
    client_id: int
    episode_lineage_id: int | None
    visit_lineage_id: int | None
    scale_id: str
    scale_version: str
    respondent: str
    mode: str
    status: str
    observed_at: datetime
    entered_at: datetime
    recorded_at: datetime
    recorded_by_id: int | None
    change_reason: str | None
    answers: list[AnswerRead] = field(default_factory=list)
    score: ScoreRead | None = None
    alerts: list[AlertRead] = field(default_factory=list)
