"""Provides the validated inputs of the services; a bad field is refused with its name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hecht.schema.errors import InvalidInputError
from hecht.schema.tables import EntryMode, ParentRole, ReferralReason, VisitMode

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"


class Input(BaseModel):
    """Base of every service input: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# A client's details, limited alike when registered and when corrected.
ClientName = Annotated[str | None, Field(max_length=200)]
BirthYear = Annotated[int | None, Field(ge=1900, le=2100)]
Language = Annotated[str | None, Field(pattern=r"^(nl|en)$")]
Contact = Annotated[str | None, Field(max_length=500)]


class NewClient(Input):
    """A client to register."""

    code: str = Field(pattern=CODE_PATTERN)
    name: ClientName = None
    birth_year: BirthYear = None
    language: Language = None
    contact: Contact = None
    role: ParentRole | None = None


class ClientChanges(Input):
    """Corrections to a client's details; None leaves a field as it is."""

    name: ClientName = None
    birth_year: BirthYear = None
    language: Language = None
    contact: Contact = None
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


REASONS = {
    "missing": "required",
    "string_pattern_mismatch": "pattern",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "int_parsing": "whole_number",
    "int_type": "whole_number",
    "int_from_float": "whole_number",
    "float_parsing": "number",
    "float_type": "number",
    "greater_than_equal": "at_least",
    "greater_than": "at_least",
    "less_than_equal": "at_most",
    "less_than": "at_most",
    "enum": "one_of",
    "literal_error": "one_of",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "bool_parsing": "yes_or_no",
    "bool_type": "yes_or_no",
    "extra_forbidden": "unknown",
    "list_type": "list",
    "string_type": "text",
}
"""pydantic's error types, as the reasons the screens word for people."""
ENGLISH = {
    "required": "is required",
    "pattern": "{given} is not allowed here",
    "too_long": "is too long (at most {limit})",
    "too_short": "is too short (at least {limit})",
    "whole_number": "{given} is not a whole number",
    "number": "{given} is not a number",
    "at_least": "{given} is too small (at least {limit})",
    "at_most": "{given} is too large (at most {limit})",
    "one_of": "{given} is not one of {choices}",
    "date": "{given} is not a date (write it as 2026-09-28)",
    "yes_or_no": "{given} is not yes or no",
    "unknown": "is not a field here",
    "list": "must be a list",
    "text": "must be text",
    "invalid": "{given} cannot be used",
}
"""The refusal as the storage layer says it (logs, tests); screens word ``reason`` themselves."""


def refusal(error: ValidationError) -> InvalidInputError:
    """Turn pydantic's first complaint into a refusal naming the field and the reason."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    reason = REASONS.get(first["type"], "invalid")
    context = first.get("ctx") or {}
    limit = next(
        (
            context[key]
            for key in ("max_length", "min_length", "ge", "gt", "le", "lt")
            if key in context
        ),
        "",
    )
    given = first.get("input")
    details = {
        "given": "" if isinstance(given, dict) else str(given)[:40],
        "limit": limit,
        "choices": str(context.get("expected", "")).replace("'", ""),
    }
    message = f"{where}: " + ENGLISH[reason].format(**details)
    return InvalidInputError(message, field=where, reason=reason, details=details)


def validated(model: type[M], data: dict[str, Any]) -> M:
    """Validate raw input, refusing the first bad field with its name and the reason.

    Raises:
        InvalidInputError: with ``field``, ``reason`` and ``details`` for the screens' wording.
    """
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise refusal(error) from None


@dataclass(frozen=True)
class GivenAnswer:
    """One answer as typed: the item, its code (None: missing) and why it is missing."""

    item_id: str
    code: str | None
    missing_reason: str | None = None
