"""Provides the words and numbers every report shares: labels in the chosen language, rounding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from hecht.tui.i18n import Language, Messages
from hecht.tui.views.formatting import formatter

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.scales.model import ScaleDefinition
    from hecht.scales.perinatal import PerinatalWeek

BLOCKS = "▁▂▃▄▅▆▇█"
"""The eight heights of a unicode sparkline, lowest first."""


@dataclass(frozen=True)
class ReportText:
    """The catalogue and the scale library one report is written with.

    Attributes:
        messages: the user-facing text in the chosen language.
        library: the scale library.
        generated_on: the day the report was made (printed on its first line), if a report.
        names: whether the user asked for names; the packet itself already carries or omits them.
    """

    messages: Messages
    library: ScaleLibrary
    generated_on: date | None = None
    names: bool = False

    def __call__(self, key: str, /, **values: object) -> str:
        """Return a catalogue text with its placeholders filled in."""
        return self.messages(key, **values)

    @property
    def language(self) -> Language:
        """The language the report is written in ("nl" or "en")."""
        return self.messages.language

    def definition(self, scale_id: str) -> ScaleDefinition | None:
        """Return the scale's definition, or None for a scale this installation lacks."""
        try:
            return self.library.get(scale_id)
        except KeyError:
            return None

    def band(self, scale_id: str, band_id: str | None) -> str:
        """Return the band's label in the report's language (the stored value is its id)."""
        definition = self.definition(scale_id)
        if definition is None or band_id is None:
            return band_id or "—"
        labels = {
            band.id: band.label.get(self.language) for band in definition.interpretation.bands
        }
        return labels.get(band_id, band_id)

    def reason(self, reason: str) -> str:
        """Return a referral reason's label (an unknown id is shown as it is stored)."""
        return self.messages.get(f"reason.{reason}", reason)

    def category(self, category: str | None) -> str:
        """Return a Jacobson–Truax category's label."""
        if category is None:
            return "—"
        return self.messages.get(f"category.{category}", category)

    def week(self, week: PerinatalWeek | None) -> str:
        """Return a perinatal week as the report's language writes it short (P26, Z26, PP6)."""
        return formatter(self.language).week(self.messages, week)

    def weeks_ago(self, weeks: int) -> str:
        """Say how long ago something was, in weeks ("this week", "1 week ago", …)."""
        key = f"report.weeks_ago.{weeks}" if weeks in (0, 1) else "report.weeks_ago.n"
        return self(key, weeks=weeks)

    def domain(self, domain: str) -> str:
        """Return a domain's heading."""
        return self.messages.get(f"domain.{domain}", domain)

    def group(self, split: str, value: str) -> str:
        """Return the heading of an outcomes group, e.g. "Referral reason: traumatic birth"."""
        if split == "all":
            return self("report.outcomes.group_all")
        shown = (
            self.reason(value)
            if split == "referral_reason"
            else self.messages.get(f"report.outcomes.{split}.{value}", value)
        )
        return self(f"report.outcomes.split.{split}", value=shown)

    def privacy(self) -> str:
        """Say in a word or two whether the report holds names."""
        return self("report.with_names" if self.names else "report.pseudonymised")

    def privacy_note(self) -> str:
        """Say what the privacy setting means for the reader of the report."""
        return self(
            "report.privacy_note.with_names" if self.names else "report.privacy_note.pseudonymised"
        )

    def decimal(self, value: float | None, digits: int = 2, signed: bool = False) -> str:
        """Round a statistic for reading (``digits`` decimals); None shows as a dash."""
        if value is None:
            return "—"
        text = formatter(self.language).number(value, digits, fixed=True)
        return f"+{text}" if signed and value >= 0 else text

    def score(self, value: float | None, signed: bool = False) -> str:
        """Show a total as stored (at most two decimals, no trailing zeros), as screens do."""
        return formatter(self.language).score(value, signed=signed)

    def date(self, value: date | None) -> str:
        """Show a date as people in the report's language write it."""
        return formatter(self.language).date(value)

    def count(self, noun: str, n: int) -> str:
        """Show a number of things ("1 episode", "2 episodes"; "1 traject", "2 trajecten")."""
        return formatter(self.language).count(self.messages, f"count.{noun}", n)

    def plural(self, key: str, n: int, /, **values: object) -> str:
        """Show the sentence ``key.one`` or ``key.other`` that agrees with ``n``, filled in."""
        return formatter(self.language).plural(self.messages, key, n, **values)

    def interval(self, bounds: tuple[float, float] | None, digits: int = 2) -> str:
        """Show a confidence interval, or a dash when there is none."""
        if bounds is None:
            return "—"
        low, high = (self.decimal(bound, digits) for bound in bounds)
        return self("report.interval", low=low, high=high)

    def share(self, count: int, share: float | None) -> str:
        """Show a category as a percentage of the categorised pairs, with its count."""
        if share is None:
            return "—"
        return self("report.share", percent=formatter(self.language).percent(share), count=count)


def scale_range(text: ReportText, scale_id: str, series: list[float]) -> tuple[float, float]:
    """Return the range a trend is drawn against: the scale's own, else the series' span."""
    definition = text.definition(scale_id)
    if definition is not None:
        low, high = definition.scoring.range
        return float(low), float(high)
    return (min(series), max(series)) if series else (0.0, 1.0)


def cutoff(text: ReportText, scale_id: str) -> float | None:
    """Return the scale's clinical cutoff, or None when it has none (none is invented)."""
    definition = text.definition(scale_id)
    return None if definition is None else definition.interpretation.cutoff


def block_sparkline(series: list[float], low: float, high: float) -> str:
    """Return a trend in unicode blocks (▁ … █), each total placed within the scale's range."""
    span = high - low
    if span <= 0:
        return BLOCKS[0] * len(series)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[max(0, min(top, round((value - low) / span * top)))] for value in series)


def lower_is_better(text: ReportText, scale_id: str) -> bool:
    """Whether a fall of this scale's total is good news."""
    definition = text.definition(scale_id)
    return definition is not None and definition.scoring.direction.value == "higher_is_worse"
