"""Provides the new-client form: every field checked, its message beside it, saved when valid."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

FIELDS = ("code", "name", "birth_year", "language")


class NewClientModal(ModalScreen[str | None]):
    """Register a client; returns the new code, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save the client"),
    ]

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="form"):
            yield Label(text("client_form.title"), id="form-title")
            for field in FIELDS:
                yield Label(text(f"client_form.{field}"))
                yield Input(id=f"field-{field.replace('_', '-')}")
                yield Static("", id=f"error-{field.replace('_', '-')}", classes="field-error")
            yield Static(text("client_form.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#field-code", Input).focus()

    def action_cancel(self) -> None:
        """Close the form; nothing is saved."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in FIELDS:
            value = self.query_one(f"#field-{field.replace('_', '-')}", Input).value.strip()
            if value:
                values[field] = value
        return values

    def action_save(self) -> None:
        """Check and save; a refusal shows beside its field."""
        for error in self.query(".field-error"):
            error.update("")  # type: ignore[attr-defined]
        self._save(self._values())

    @work(thread=True, exclusive=True, group="client-form")
    def _save(self, values: dict[str, Any]) -> None:
        from hecht.schema.errors import ServiceError

        try:
            client = self.app.backend.new_client(values)  # type: ignore[attr-defined]
        except ServiceError as error:
            field = (error.field or "code").split(".")[0]
            field = field if field in FIELDS else "code"
            self.app.call_from_thread(self._show_error, field, str(error))
            return
        self.app.call_from_thread(self.dismiss, client.code)

    def _show_error(self, field: str, message: str) -> None:
        widget_id = field.replace("_", "-")
        self.query_one(f"#error-{widget_id}", Static).update(message)
        self.query_one(f"#field-{widget_id}", Input).focus()
