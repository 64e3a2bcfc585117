"""Provides the question why an item is missing, for scales that ask for the reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class MissingReasonModal(ModalScreen[str | None]):
    """Say why an item is left unanswered; returns the reason, or None to keep the item open."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="missing.cancel", tooltip="Do not mark missing")
    ]

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id

    def compose(self) -> ComposeResult:
        text = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="form"):
            yield Label(text("missing.title", item=self.item_id), id="form-title")
            yield Input(id="missing-reason", placeholder=text("missing.placeholder"))
            yield Static("", id="error-missing-reason", classes="field-error")
            yield Static(text("missing.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#missing-reason", Input).focus()

    def action_cancel(self) -> None:
        """The item is not marked missing after all."""
        self.dismiss(None)

    @on(Input.Submitted, "#missing-reason")
    def _confirmed(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#error-missing-reason", Static).update(
                self.app.messages("missing.need_reason")  # type: ignore[attr-defined]
            )
            return
        self.dismiss(reason)
