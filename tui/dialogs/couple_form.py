"""Provides the new-couple form: two registered clients' codes; a third partner is refused."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class NewCoupleModal(ModalScreen[int | None]):
    """Pair two clients; returns the couple id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save the couple"),
    ]

    def __init__(self, first_code: str = "") -> None:
        super().__init__()
        self.first_code = first_code

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="form"):
            yield Label(text("couple_form.title"), id="form-title")
            yield Label(text("couple_form.first"))
            yield Input(self.first_code, id="field-first")
            yield Label(text("couple_form.second"))
            yield Input(id="field-second")
            yield Static("", id="error-form", classes="field-error")
            yield Static(text("couple_form.hint"), id="form-hint")

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
        self._save(first, second)

    @work(thread=True, exclusive=True, group="couple-form")
    def _save(self, first: str, second: str) -> None:
        from hecht.schema.errors import ServiceError

        try:
            couple = self.app.backend.new_couple(first, second)  # type: ignore[attr-defined]
        except ServiceError as error:
            self.app.call_from_thread(self.query_one("#error-form", Static).update, str(error))
            return
        self.app.call_from_thread(self.dismiss, couple.id)
