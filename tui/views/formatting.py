"""Provides numbers, dates and counts as people read them, in Dutch or English (Babel).

Imported where text for people is made (the command line, reports, screens), never on the way
to the TUI's first frame. Machine-readable output (JSON, CSV) keeps ISO dates and points.
"""

from __future__ import annotations

import datetime as dt  # in Formatter, ``date`` names its method: annotations there say dt.date
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from hecht.tui.i18n import Language, Messages

if TYPE_CHECKING:
    from hecht.scales.model import ScaleDefinition
    from hecht.scales.perinatal import PerinatalWeek

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
"""Dutch as in the Netherlands; English in the British convention (day before month)."""
DATE_PATTERNS = {"nl": "dd-MM-yyyy", "en": "d MMM yyyy"}
"""28-09-2026 in Dutch; 28 Sept 2026 in English, which no reader mistakes for 9 August."""


class Formatter:
    """Formats for one language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.locale = LOCALES[language]

    def number(self, value: float | None, digits: int = 1, *, fixed: bool = False) -> str:
        """A number with at most ``digits`` decimals (exactly, when ``fixed``): 23,6 in Dutch,
        23.6 in English. No thousands separator: totals and statistics stay short."""
        if value is None:
            return "—"
        from babel.numbers import format_decimal

        decimals = ("0" if fixed else "#") * digits
        pattern = "0" + ("." + decimals if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None) -> str:
        """A proportion as a whole percentage (0.375: 38%), the one way screens and reports
        show a share; a dash when there is none."""
        if share is None:
            return "—"
        from babel.numbers import format_percent

        return format_percent(share, format="0%", locale=self.locale)

    def date(self, value: date | None) -> str:
        """A date: 28-09-2026 in Dutch, 28 Sept 2026 in English."""
        if value is None:
            return "—"
        from babel.dates import format_date

        return format_date(value, DATE_PATTERNS[self.language], locale=self.locale)

    def moment(self, value: datetime) -> str:
        """A moment in local time: the date as ``date`` gives it and the time, 24-hour."""
        local = value.astimezone()
        return f"{self.date(local.date())} {local:%H:%M}"

    def score(self, value: float | None, *, signed: bool = False) -> str:
        """A total or change as it was computed, without trailing zeros: 64, 3,5, +12."""
        if value is None:
            return "—"
        shown = self.number(abs(value) if signed else value, 2)
        if not signed:
            return shown
        return ("+" if value >= 0 else "-") + shown

    def subscales(self, definition: ScaleDefinition, values: Mapping[str, float | None]) -> str:
        """The valid subscale scores in the definition's order, each after its label, for a
        scale read by its subscales: "Avoidance 3 · Anxiety 5.5" ("" when none is valid)."""
        return " · ".join(
            f"{subscale.label.get(self.language)} {self.score(values[subscale.id])}"
            for subscale in definition.subscales
            if values.get(subscale.id) is not None
        )

    def week(self, messages: Messages, value: PerinatalWeek | None) -> str:
        """A week on the perinatal axis, short: P26 in English and Z26 in Dutch for week 26 of
        pregnancy, PP6 in both for 6 weeks after the birth (``week.short.*``)."""
        if value is None:
            return "—"
        return messages(f"week.short.{value.phase.value}", week=value.week)

    def date_field(self, value: dt.date | None) -> str:
        """A date as a form field shows it, ready to be typed over: 28-09-2026 in Dutch,
        2026-09-28 in English (both read back by ``typed_date``)."""
        if value is None:
            return ""
        return value.strftime("%d-%m-%Y") if self.language == "nl" else value.isoformat()

    def typed_date(self, typed: str) -> dt.date | None:
        """A date as a person types it: 2026-09-28 always; 28-09-2026, 28-9-2026, 28.09.2026 and
        28/09/2026 too; and eight digits without separators, 28092026 (or 20260928, a year
        first when the first four digits make one). None when it is not a date."""
        parts = _date_parts(typed.strip())
        if parts is None:
            return None
        day, month, year = parts
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def date_refusal(self, typed: str, messages: Messages, pattern_key: str) -> str:
        """Why a typed date was not taken: written in a date's form, its day does not exist
        (31-02-2027); else the catalogue's ``pattern_key`` says how to write one."""
        parts = _date_parts(typed.strip())
        if parts is None:
            return messages(pattern_key)
        return messages("form.no_such_date", typed=typed.strip())

    def past_day(
        self, typed: str, today: dt.date, messages: Messages, form: str
    ) -> tuple[dt.date | None, str]:
        """The day typed for something done already (a visit held, a form filled in), or None
        and why it is not taken: not a date (the catalogue's ``{form}.bad_date``), not a day of
        the calendar, or after ``today`` (``{form}.future``). Whether it lies in its episode is
        the storage layer's rule, checked after this one."""
        chosen = self.typed_date(typed)
        if chosen is None:
            return None, self.date_refusal(typed, messages, f"{form}.bad_date")
        if chosen > today:
            return None, messages(f"{form}.future")
        return chosen, ""

    def either(self, words: list[str]) -> str:
        """Choices joined as the language joins them with "or": a, b or c; a, b of c."""
        from babel.lists import format_list

        return format_list(words, style="or", locale=self.locale)

    def count(self, messages: Messages, key: str, n: int) -> str:
        """``n`` things with the noun in singular or plural: the catalogue's ``key.one`` for 1,
        ``key.other`` otherwise ("1 episode", "2 episodes"; "1 traject", "2 trajecten")."""
        return self.plural(messages, key, n, n=n)

    def plural(self, messages: Messages, key: str, n: int, /, **values: object) -> str:
        """The catalogue's ``key.one`` or ``key.other``, as the language's plural rule (Babel)
        says for ``n``, filled in with ``values``: a whole sentence whose verb agrees with a
        number ("1 score is not …", "2 scores are not …"; "1 score staat", "2 scores staan")."""
        return messages(f"{key}.{self.plural_form(n)}", **values)

    def plural_form(self, n: int) -> str:
        """``one`` or ``other``: the language's plural rule (Babel) for ``n``, the one rule
        for Hecht's own sentences and click's."""
        from babel.core import Locale

        return "one" if Locale.parse(self.locale).plural_form(abs(n)) == "one" else "other"


@cache
def formatter(language: Language) -> Formatter:
    """The formatter of a language."""
    return Formatter(language)


def counted(messages: Messages, noun: str, n: int) -> str:
    """``n`` of a noun in the messages' language: ``count.<noun>`` ("1 row", "2 rows")."""
    return formatter(messages.language).count(messages, f"count.{noun}", n)


def plural(messages: Messages, key: str, n: int, /, **values: object) -> str:
    """The sentence ``key.one`` or ``key.other`` that agrees with ``n``, filled in."""
    return formatter(messages.language).plural(messages, key, n, **values)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """Day, month and year of a text in one of the forms ``typed_date`` reads, unchecked."""
    import re

    if found := re.fullmatch(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})", text):
        return int(found[4]), int(found[3]), int(found[1])
    if found := re.fullmatch(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})", text):
        return int(found[1]), int(found[3]), int(found[4])
    if re.fullmatch(r"\d{8}", text):
        if 1900 <= int(text[:4]) <= 2199 and int(text[4:6]) <= 12:
            return int(text[6:]), int(text[4:6]), int(text[:4])
        return int(text[:2]), int(text[2:4]), int(text[4:])
    return None
