"""Provides the perinatal time axis: gestational weeks from the due date, postpartum from birth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

TERM_DAYS = 280
"""A due date lies 40 weeks (280 days) after the first day of the last menstrual period."""


class Phase(StrEnum):
    """Whether a date falls in pregnancy or after the birth."""

    PREGNANT = "pregnant"
    POSTPARTUM = "postpartum"


class ParentRole(StrEnum):
    """A parent's place in the family: the one who is pregnant or gave birth, or the partner.

    Clients carry it (outcomes split by it); a scale written for one of them says so, and a
    visit's battery asks it of that parent only (the MAAS of the mother, the PAAS of her partner).
    """

    MOTHER = "mother"
    PARTNER = "partner"


@dataclass(frozen=True)
class PerinatalWeek:
    """A date on the perinatal axis: the phase and the completed weeks in it.

    How it reads (P31 or Z31, PP6) is the presentation's, in the user's language.
    """

    phase: Phase
    week: int
    days: int


def gestational_days(on: date, due_date: date) -> int:
    """Return the gestational age in days on a date, counted from the due date."""
    return TERM_DAYS - (due_date - on).days


LONGEST_PREGNANCY_WEEKS = 44
"""A pregnancy counted past this week from the due date means the birth was not recorded."""
WEEKS_PAST_DUE_DATE = LONGEST_PREGNANCY_WEEKS - TERM_DAYS // 7
"""The same, counted from the due date (4 weeks): what a person reading the dates sees."""


def phase_on(on: date, *, due_date: date | None, birth_date: date | None) -> Phase | None:
    """Whether a date falls in pregnancy or after the birth; None when the dates do not tell."""
    week = perinatal_week(on, due_date=due_date, birth_date=birth_date)
    return None if week is None else week.phase


def perinatal_week(
    on: date, *, due_date: date | None, birth_date: date | None
) -> PerinatalWeek | None:
    """Return where a date falls: postpartum weeks after a birth, else gestational weeks.

    Returns None when the dates do not tell: neither is known, the date lies before the
    pregnancy began, or no birth is recorded and the pregnancy would be long past its term
    (``birth_not_recorded``).
    """
    if birth_date is not None and on >= birth_date:
        days = (on - birth_date).days
        return PerinatalWeek(Phase.POSTPARTUM, days // 7, days)
    if due_date is not None:
        days = gestational_days(on, due_date)
        if days < 0 or (birth_date is None and days // 7 > LONGEST_PREGNANCY_WEEKS):
            return None
        return PerinatalWeek(Phase.PREGNANT, days // 7, days)
    return None


def before_pregnancy(on: date, *, due_date: date | None, birth_date: date | None) -> bool:
    """Whether a date lies before the pregnancy began: more than 40 weeks before the due date,
    with no birth recorded by then."""
    if due_date is None or (birth_date is not None and on >= birth_date):
        return False
    return gestational_days(on, due_date) < 0


def birth_not_recorded(on: date, *, due_date: date | None, birth_date: date | None) -> bool:
    """Whether the due date lies so far back that the child must have been born by this date,
    although no birth date is recorded: a gap to fill in, not a week 47 of pregnancy."""
    if due_date is None or birth_date is not None:
        return False
    return gestational_days(on, due_date) // 7 > LONGEST_PREGNANCY_WEEKS
