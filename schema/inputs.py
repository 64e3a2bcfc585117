"""Provides the validated inputs of the services; a bad field is refused with its name."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hecht.schema.errors import InvalidInputError
from hecht.schema.tables import EntryMode, ParentRole, ReferralReason, VisitMode

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"


class Input(BaseModel):
    """Base of every service input: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class NewClient(Input):
    """A client to register."""

    code: str = Field(pattern=CODE_PATTERN)
    name: str | None = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    language: str | None = Field(default=None, pattern=r"^(nl|en)$")
    contact: str | None = Field(default=None, max_length=500)
    role: ParentRole | None = None


class ClientChanges(Input):
    """Corrections to a client's details; None leaves a field as it is."""

    name: str | None = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    language: str | None = Field(default=None, pattern=r"^(nl|en)$")
    contact: str | None = Field(default=None, max_length=500)
    role: ParentRole | None = None


class NewEpisode(Input):
    """An episode to open, for one client or for a couple."""

    client_code: str | None = None
    couple_id: int | None = None
    due_date: date | None = None
    birth_date: date | None = None
    referral_reasons: list[ReferralReason] = Field(default_factory=list)
    referral_text: str | None = Field(default=None, max_length=2000)
    referrer: str | None = Field(default=None, max_length=200)
    started_on: date

    @field_validator("referral_reasons")
    @classmethod
    def _no_repeats(cls, reasons: list[ReferralReason]) -> list[ReferralReason]:
        return list(dict.fromkeys(reasons))


class NewVisit(Input):
    """A visit to record."""

    episode_lineage_id: int
    visit_date: date
    attendee_codes: list[str] = Field(min_length=1)
    mode: VisitMode = VisitMode.IN_PERSON
    note: str | None = None
    themes: list[str] = Field(default_factory=list)


class NewAdministration(Input):
    """A scale to start for one respondent."""

    client_code: str
    scale_id: str
    scale_version: str | None = None
    episode_lineage_id: int | None = None
    visit_lineage_id: int | None = None
    mode: EntryMode = EntryMode.INTERVIEW
    observed_on: date | None = None


M = TypeVar("M", bound=Input)


def validated(model: type[M], data: dict[str, Any]) -> M:
    """Validate raw input, refusing the first bad field with its name and the reason."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInputError(f"{where}: {message}", field=where) from None
