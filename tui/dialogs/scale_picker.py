"""Provides the scale picker: type part of a scale's name to narrow the list, Enter chooses."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.widgets.plain import PlainLabel, PlainOptions, choice


class ScalePickerModal(HechtModal[str | None]):
    """Choose a scale to enter; returns its id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scales: list[tuple[str, str]] = []
        """Every scale as (id, the line shown), in the library's order."""

    def compose(self) -> ComposeResult:
        text = self.text
        definitions = [entry.definition for entry in self.backend.library.latest()]
        self.scales = [
            (d.id, f"{d.short_name:<8} {d.name.get(text.language)}") for d in definitions
        ]
        with Vertical(id="form"):
            yield PlainLabel(text("picker.title"), id="form-title")
            yield Input(id="picker-filter", placeholder=text("picker.filter"))
            yield PlainOptions(*(choice(line, scale_id) for scale_id, line in self.scales),
                               id="picker-scales")  # fmt: skip

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
    def _filter_submitted(self) -> None:
        listing = self.query_one("#picker-scales", PlainOptions)
        if listing.highlighted is not None and listing.option_count:
            option = listing.get_option_at_index(listing.highlighted)
            self.dismiss(str(option.id))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#picker-scales")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))
