"""Provides the new-couple form: two registered clients' codes; a third partner is refused."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel


class NewCoupleModal(HechtModal[int | None]):
    """Pair two clients; returns the couple id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(self, first_code: str = "") -> None:
        super().__init__()
        self.first_code = first_code
        self._saving = False

    def compose(self) -> ComposeResult:
        text = self.text
        with Vertical(id="form"):
            yield PlainLabel(text("couple_form.title"), id="form-title")
            yield PlainLabel(text("couple_form.first"))
            yield Input(self.first_code, id="field-first")
            yield PlainLabel(text("couple_form.second"))
            yield Input(id="field-second")
            yield Plain("", id="error-form", classes="field-error")
            yield Plain(text("couple_form.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#field-second" if self.first_code else "#field-first", Input).focus()

    def action_cancel(self) -> None:
        """Close; nothing is saved."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the couple, or show why not."""
        first = self.query_one("#field-first", Input).value.strip()
        second = self.query_one("#field-second", Input).value.strip()
        if not self._saving:
            self._saving = True
            self._save(first, second)

    @holding_keys(group="couple-form")
    def _save(self, first: str, second: str) -> None:
        self.dismiss_after(lambda: self.backend.new_couple(first, second), lambda c: c.id)

    def refused(self, error: BaseException) -> None:
        self._saving = False
        self.show_refusal("#error-form", self.reason_for(error))
