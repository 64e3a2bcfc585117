"""Provides the plain read models services return: never live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ReadModel = TypeVar("ReadModel", bound="DataclassInstance")

ACTION_SEPARATOR = ","
"""Joins the several actions an acknowledged alert records (``Alert.action``)."""
NOTE_MIN_WORDS = 3
"""An alert's acknowledgement says in a few words what was done: "x" is no record of care."""


class AlertAction(StrEnum):
    """What the psychologist did about a critical answer."""

    DISCUSSED = "discussed"
    SAFETY_PLAN = "safety_plan"
    GP_INFORMED = "gp_informed"
    MIDWIFE_INFORMED = "midwife_informed"
    CRISIS_SERVICE = "crisis_service"
    REFERRED = "referred"
    NO_RISK_ON_ASSESSMENT = "no_risk_on_assessment"
    OTHER = "other"


class AlertWithdrawal(StrEnum):
    """Why the answer that raised an alert no longer stands, said by Hecht itself.

    Stored where an acknowledgement keeps its actions: an open alert is closed with it (the
    reason given as its note), so it stays in the dossier's history and leaves the open lists;
    an acknowledged one keeps what was done and gains it after, so that the answer given again
    raises a new alert.
    """

    FORM_RETRACTED = "form_retracted"
    ANSWER_CHANGED = "answer_changed"


def split_actions(action: str | None) -> list[str]:
    """The actions stored joined in one column, in the order they were chosen."""
    return [part for part in (action or "").split(ACTION_SEPARATOR) if part]


def stands(action: str | None) -> bool:
    """Whether the answer that raised the alert still stands (no ``AlertWithdrawal`` said)."""
    withdrawals = {why.value for why in AlertWithdrawal}
    return not any(part in withdrawals for part in split_actions(action))


def was_acknowledged(action: str | None) -> bool:
    """Whether the psychologist said what was done (an ``AlertAction``): else, when closed,
    Hecht closed it because its answer no longer stands."""
    done = {action.value for action in AlertAction}
    return any(part in done for part in split_actions(action))


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
    version: int = 1
    """The version of the details: give it back when changing them (``change_client``)."""


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
    lineage_id: int
    """The administration (every version of it) whose answer raised the alert."""

    @property
    def actions(self) -> list[str]:
        """The actions taken, in the order they were chosen (``action`` holds them joined)."""
        return split_actions(self.action)


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
    entered_by_id: int | None = None
    score: ScoreRead | None = None
    alerts: list[AlertRead] = field(default_factory=list)

    def typed_answers(self) -> dict[str, str | None]:
        """Its answers as a screen shows them: each code as typed, None for an item marked
        missing (the ``shown`` a screen gives when it writes to a draft others may write to)."""
        from hecht.scales.answers import code_as_typed

        return {answer.item_id: code_as_typed(answer.code) for answer in self.answers}


def read_of(model: type[ReadModel], row: object, **given: Any) -> ReadModel:
    """Return the read model of a stored row: each field from the row's attribute of that name.

    The read model's fields are the one list of what a screen sees; ``given`` holds the fields
    that are named or made differently (a status column, a copied list, a derived flag).
    """
    copied = {
        each.name: getattr(row, each.name) for each in fields(model) if each.name not in given
    }
    return model(**copied, **given)
