"""Provides the scale picker: type part of a scale's name to narrow the list, Enter chooses.

Above the filter, the day the form was filled in: today, unless typed over (Tab reaches it),
for a paper form keyed in after the session. It is checked as a visit's day is (``past_day``,
then the storage layer's rule) before the entry opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainOptions, choice


@dataclass(frozen=True)
class PickedScale:
    """A scale chosen to key in, and the day its form was filled in (checked)."""

    scale_id: str
    day: date


class ScalePickerModal(HechtModal[PickedScale | None]):
    """Choose a scale to enter and the day it was filled in; returns both, or None when
    cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, today: date, episode_lineage_id: int | None) -> None:
        super().__init__()
        self.today = today
        self.episode_lineage_id = episode_lineage_id
        """The episode the form is entered in, whose dates bound its day (None: none is open)."""
        self.scales: list[tuple[str, str]] = []
        """Every scale as (id, the line shown), in the library's order."""
        self._choosing = False

    def compose(self) -> ComposeResult:
        text = self.text
        definitions = [entry.definition for entry in self.backend.library.latest()]
        self.scales = [
            (d.id, f"{d.short_name:<8} {d.name.get(text.language)}") for d in definitions
        ]
        with Vertical(id="form"):
            yield PlainLabel(text("picker.title"), id="form-title")
            yield PlainLabel(text("picker.date"))
            yield Input(self.fmt.date_field(self.today), id="picker-date")
            yield Plain("", id="error-picker-date", classes="field-error")
            yield Input(id="picker-filter", placeholder=text("picker.filter"))
            scales = PlainOptions(*(choice(line, scale_id) for scale_id, line in self.scales),
                                  id="picker-scales")  # fmt: skip
            scales.can_focus = False  # ↑↓ move it from the filter; Tab goes to the day and back
            yield scales

    def on_mount(self) -> None:
        self.query_one("#picker-scales", PlainOptions).highlighted = 0
        self.query_one("#picker-filter", Input).focus()

    @on(Input.Changed, "#picker-filter")
    def _narrow(self, event: Input.Changed) -> None:
        wanted = event.value.strip().lower()
        listing = self.query_one("#picker-scales", PlainOptions)
        listing.clear_options()
        listing.add_options(
            [
                choice(line, scale_id)
                for scale_id, line in self.scales
                if wanted in line.lower() or wanted in scale_id
            ]
        )
        if listing.option_count:
            listing.highlighted = 0

    def action_move(self, step: int) -> None:
        """Move through the list while the filter keeps the focus."""
        listing = self.query_one("#picker-scales", PlainOptions)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    @on(Input.Submitted, "#picker-filter")
    @on(Input.Submitted, "#picker-date")
    def _submitted(self) -> None:
        listing = self.query_one("#picker-scales", PlainOptions)
        if listing.highlighted is not None and listing.option_count:
            option = listing.get_option_at_index(listing.highlighted)
            self._choose(str(option.id))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#picker-scales")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(str(event.option.id))

    @on(Input.Changed, "#picker-date")
    def _date_changed(self) -> None:
        self.query_one("#error-picker-date", Plain).update("")

    def _choose(self, scale_id: str) -> None:
        """Check the day typed, as a visit's day is checked, then close with the scale."""
        typed = self.query_one("#picker-date", Input).value
        day, refusal = self.fmt.past_day(typed, self.today, self.text, "picker")
        if day is None:
            self.show_refusal("#error-picker-date", refusal, "#picker-date")
            return
        if not self._choosing:
            self._choosing = True
            self._check(PickedScale(scale_id, day))

    @holding_keys(group="picker-check")
    def _check(self, picked: PickedScale) -> None:
        self.dismiss_after(
            lambda: self.backend.check_observed_day(picked.day, self.episode_lineage_id),
            lambda _checked: picked,
        )

    def refused(self, error: BaseException) -> None:
        self._choosing = False
        self.show_refusal("#error-picker-date", self.reason_for(error), "#picker-date")
