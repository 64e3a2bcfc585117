"""Provides the SQLModel tables of a practice's dossiers.

Clinical content (episodes, visits, administrations) is versioned: a correction or retraction is
a new row in the same lineage, pointing at the row it replaces, with who, when and why. A draft
administration is the one thing that changes in place, answer by answer, until it is completed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import JSON, CheckConstraint, Column, Index, String, Table, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from hecht.scales.perinatal import ParentRole
from hecht.schema.field_limits import ACCESS_POINT_MAX, PRACTITIONER_NAME_MAX
from hecht.schema.readmodels import AlertAction

__all__ = ["AlertAction", "ParentRole"]  # defined beside the read models and the scales


class ReferralReason(StrEnum):
    """Why a client or couple was referred (the fixed list; free text goes beside it)."""

    FEAR_OF_CHILDBIRTH = "fear_of_childbirth"
    FEAR_OF_PARENTHOOD = "fear_of_parenthood"
    TRAUMATIC_BIRTH = "traumatic_birth"
    STILLBIRTH = "stillbirth"
    LOSS_OR_GRIEF = "loss_or_grief"
    PARENT_ROLE = "parent_role"
    RELATIONSHIP_PROBLEMS = "relationship_problems"
    OTHER = "other"


class EpisodeStatus(StrEnum):
    """Where an episode of care stands."""

    ACTIVE = "active"
    CLOSED = "closed"


class VisitMode(StrEnum):
    """How a visit took place."""

    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    HOME = "home"


class EntryMode(StrEnum):
    """How the answers reached Hecht."""

    INTERVIEW = "interview"
    PAPER = "paper"
    SELF = "self"


class RecordStatus(StrEnum):
    """The state of one version of a clinical record."""

    DRAFT = "draft"
    COMPLETE = "complete"
    RETRACTED = "retracted"


class Practice(SQLModel, table=True):
    """The practice a database belongs to: one row, made with the database (migration 0011).

    Its UUID scopes what the practice numbers itself (client codes, practitioners, records)
    when they leave the database, so that another practice's C001 is never taken for this one's.
    """

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36)


class Practitioner(SQLModel, table=True):
    """A psychologist (or other user) who enters and reads dossiers."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=PRACTITIONER_NAME_MAX)
    created_at: datetime


FOLDED_CODE_INDEX = "ix_client_code_folded"
"""The unique index on a client's code in lower case: one code whatever its case."""

LATER_CODE_TWINS = """
SELECT later.id FROM client later
WHERE EXISTS (
    SELECT 1 FROM client earlier
    WHERE lower(earlier.code) = lower(later.code) AND earlier.id < later.id
)
ORDER BY later.id
"""
"""The clients whose code, lowered as the database lowers it for the index, an earlier client
has: kept out of the index by its condition (codes stored before case was ignored). Migration
0013 keeps its own copy, as migrations do: they must not change with the code."""


class Client(SQLModel, table=True):
    """A parent in care. The code is the pseudonym used everywhere names may not appear.

    A code is one code whatever its case: the index on its lowered form refuses MOM-01 beside
    mom-01 (migration 0013 says what becomes of such pairs stored before).
    """

    __table_args__ = (Index(FOLDED_CODE_INDEX, text("lower(code)"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    birth_year: int | None = None
    language: str | None = Field(default=None, max_length=8)
    contact: str | None = Field(default=None, max_length=500)
    role: str | None = Field(default=None, sa_type=String(12))
    created_at: datetime
    destroyed_at: datetime | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """Counts the changes to the details: a change names the version it was built on."""
    owner_role: str | None = Field(default=None, max_length=63)
    """The PostgreSQL role that created the client, set by the server; its caseload holds it."""


class CaseloadMember(SQLModel, table=True):
    """A client the practice shares with a further practitioner's database role (PostgreSQL)."""

    __table_args__ = (UniqueConstraint("client_id", "role_name"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    role_name: str = Field(max_length=63, index=True)
    added_at: datetime


class Couple(SQLModel, table=True):
    """Two clients cared for together; each client is in at most one active couple."""

    __table_args__ = (
        UniqueConstraint("first_client_id", "second_client_id"),
        CheckConstraint("first_client_id <> second_client_id", name="couple_two_clients"),
    )

    id: int | None = Field(default=None, primary_key=True)
    first_client_id: int = Field(foreign_key="client.id", index=True)
    second_client_id: int = Field(foreign_key="client.id", index=True)
    created_at: datetime


class CoupleMember(SQLModel, table=True):
    """A client in a couple: one row per client, so no client is ever in two couples, whether or
    not the acting role can see the other couple. Filled by a trigger on every new couple
    (migration 0010), never by the services."""

    client_id: int = Field(foreign_key="client.id", primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", ondelete="CASCADE")


class VersionedRecord(SQLModel):
    """Columns every versioned clinical record has: its lineage and who changed it, when, why.

    Each table has a unique index on (lineage_id, version): a history is one line of versions.

    Enumerated columns hold the enum's value as plain text, so the schema needs no database
    enum types and reads back as the same strings on SQLite and PostgreSQL.
    """

    lineage_id: int | None = Field(default=None, index=True)
    version: int = 1
    supersedes_id: int | None = None
    status: str = Field(default=RecordStatus.COMPLETE.value, sa_type=String(12))
    recorded_at: datetime
    recorded_by_id: int | None = Field(default=None, foreign_key="practitioner.id")
    change_reason: str | None = Field(default=None, max_length=500)


class Episode(VersionedRecord, table=True):
    """One referral, usually one pregnancy: for a client or for a couple."""

    __table_args__ = (
        CheckConstraint(
            "(client_id IS NULL) <> (couple_id IS NULL)", name="episode_client_or_couple"
        ),
        Index("ix_episode_lineage_version", "lineage_id", "version", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    couple_id: int | None = Field(default=None, foreign_key="couple.id", index=True)
    due_date: date | None = None
    birth_date: date | None = None
    referral_reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    referral_text: str | None = Field(default=None, max_length=2000)
    referrer: str | None = Field(default=None, max_length=200)
    episode_status: str = Field(default=EpisodeStatus.ACTIVE.value, sa_type=String(12))
    started_on: date
    ended_on: date | None = None


class Visit(VersionedRecord, table=True):
    """A session: its date, who attended, how, the note and themes."""

    __table_args__ = (Index("ix_visit_lineage_version", "lineage_id", "version", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    episode_lineage_id: int = Field(foreign_key="episode.id", index=True)
    visit_date: date
    attendee_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    mode: str = Field(default=VisitMode.IN_PERSON.value, sa_type=String(12))
    note: str | None = None
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class Administration(VersionedRecord, table=True):
    """One scale filled in once by one respondent, stored with the definition's id and version."""

    __table_args__ = (
        Index("ix_administration_client_scale", "client_id", "scale_id"),
        Index("ix_administration_lineage_version", "lineage_id", "version", unique=True),
        Index("ix_administration_status_client", "status", "client_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    episode_lineage_id: int | None = Field(default=None, foreign_key="episode.id", index=True)
    visit_lineage_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    scale_id: str = Field(max_length=40)
    scale_version: str = Field(max_length=20)
    respondent: str = Field(max_length=12)
    observed_at: datetime
    entered_at: datetime
    entered_by_id: int | None = Field(default=None, foreign_key="practitioner.id")
    mode: str = Field(default=EntryMode.INTERVIEW.value, sa_type=String(12))


class ItemResponse(SQLModel, table=True):
    """One answer: the code typed, what it scored, or why it is missing."""

    __table_args__ = (UniqueConstraint("administration_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", index=True)
    item_id: str = Field(max_length=40)
    position: int
    code: float | None = None
    score: float | None = None
    missing_reason: str | None = Field(default=None, max_length=200)
    entered_at: datetime


class Score(SQLModel, table=True):
    """What an administration scores to; derived from its answers and recomputable."""

    administration_id: int = Field(foreign_key="administration.id", primary_key=True)
    total: float | None = None
    raw_total: float | None = None
    band: str | None = Field(default=None, max_length=40)
    valid: bool
    prorated: bool
    missing_items: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    subscales: dict[str, float | None] = Field(default_factory=dict, sa_column=Column(JSON))
    computed_at: datetime


class ScoreSummary(SQLModel, table=True):
    """Derived and recomputable: a client's scale within one episode, from first to last total.

    Kept current whenever a score is stored or an administration retracted, so caseload signals
    and practice outcomes read one short row per client and scale instead of every score.
    """

    __table_args__ = (
        Index(  # the caseload's latest scores: grouped by client and scale, the newest last
            "ix_scoresummary_latest",
            "client_id", "scale_id", "last_at", "id", "valid_count", "last_total", "last_band",
            "previous_total",
        ),
        Index(  # covers the caseload signals: one index scan, no table lookups
            "ix_scoresummary_episode",
            "episode_lineage_id", "client_id", "scale_id", "valid_count", "first_total",
            "last_total", "last_completed_at",
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    episode_lineage_id: int | None = None
    scale_id: str = Field(max_length=40)
    first_total: float | None = None
    first_at: datetime | None = None
    last_total: float | None = None
    last_at: datetime | None = None
    last_band: str | None = Field(default=None, max_length=40)
    previous_total: float | None = None
    valid_count: int = 0
    invalid_count: int = 0
    last_completed_at: datetime
    course: int | None = None
    """First to last valid total under the CourseRule of the scale: 1 reliably better, -1
    reliably worse, 0 neither; None when not judged (no rule, or fewer than two totals)."""


class CourseRule(SQLModel, table=True):
    """Derived: the reliable-change rule that the stored courses of a scale were judged by.

    Drawn from the scale library in use; when the library's rules differ (an update, a local
    scale), the next caseload read judges every stored course again (``hecht.schema.courses``).
    """

    scale_id: str = Field(primary_key=True, max_length=40)
    sign: float
    """1 when a higher total is better, -1 when lower is better."""
    step: float
    """The smallest change towards better or worse that counts as reliable."""


class EpisodeCourse(SQLModel, table=True):
    """Derived and recomputable: a client's episode in numbers, for the caseload's signals.

    One row per client and episode with score summaries: how many scales were judged, how many
    changed reliably for the better and for the worse, and when a scale was last completed.
    """

    client_id: int = Field(primary_key=True)
    episode_lineage_id: int = Field(primary_key=True)
    judged: int
    improved: int
    deteriorated: int
    last_completed_at: datetime


class Alert(SQLModel, table=True):
    """A critical answer: raised when stored, open until acknowledged with the action taken."""

    __table_args__ = (Index("ix_alert_client_open", "client_id", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    rule_id: str = Field(max_length=40)
    item: str = Field(max_length=80)
    level: str = Field(max_length=12)
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by_id: int | None = Field(default=None, foreign_key="practitioner.id")
    action: str | None = Field(default=None, max_length=200)
    """The actions taken (``AlertAction`` values), joined by ``readmodels.ACTION_SEPARATOR``."""
    action_note: str | None = Field(default=None, max_length=2000)


class AuditEvent(SQLModel, table=True):
    """One access to a dossier (NEN 7513); append-only and hash-chained."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime
    event: str = Field(max_length=20)
    client_id: int | None = Field(default=None, index=True)
    client_code: str | None = Field(default=None, max_length=40)
    user_id: int | None = None
    on_behalf_of_id: int | None = None
    access_point: str = Field(max_length=ACCESS_POINT_MAX)
    outcome: str = Field(max_length=20)
    detail: str | None = Field(default=None, max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class RecordSeal(SQLModel, table=True):
    """The hash of one stored version of a clinical row, chained; append-only like the log.

    Written whenever Hecht writes a sealed row (``hecht.schema.trail.seals``); ``hecht audit
    verify`` recomputes every row's hash and reports the rows changed, added or removed outside
    Hecht.
    """

    __table_args__ = (Index("ix_recordseal_record", "kind", "record_id", "seq"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=20)
    record_id: int
    digest: str = Field(max_length=64)
    """The SHA-256 of the row's content; ``removed`` when Hecht removed the row,
    ``changed-outside`` when Hecht found it changed outside Hecht before changing it."""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def table_of(model: type[SQLModel]) -> Table:
    """The table a table model maps to (SQLModel sets ``__table__`` but does not declare it)."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # undeclared by SQLModel
    return table


class _Keyed(Protocol):
    id: int | None


def stored_id(row: _Keyed) -> int:
    """The key of a row that is stored (read back, or added and flushed): never None then."""
    if row.id is None:
        raise RuntimeError(f"this {type(row).__name__} is not stored yet: flush it first")
    return row.id
