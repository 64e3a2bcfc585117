"""Provides the client form: register a client or correct one; each field checked beside it."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input

from hecht.tui.dialogs.form import FormField, FormModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.parent_role import role_word, typed_role
from hecht.tui.widgets.plain import Plain, PlainLabel

FIELDS = ("code", "name", "birth_year", "language", "contact", "role")
EDITABLE = FIELDS[1:]
"""A client's code is the pseudonym everything refers to: it is never changed."""


class NewClientModal(FormModal[str | None]):
    """Register a client, or correct one (``current`` given); returns the code, None if cancelled.

    Nothing is saved until every field is valid; a correction sends only the fields that changed.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(self, current: Any = None) -> None:
        super().__init__()
        self.current = current
        self.fields = FIELDS if current is None else EDITABLE
        self._saving = False

    def compose(self) -> ComposeResult:
        text = self.text
        with VerticalScroll(id="form", classes="field-form", can_focus=False):
            title = (
                text("client_form.title")
                if self.current is None
                else text("client_form.edit_title", code=self.current.code)
            )
            yield PlainLabel(title, id="form-title")
            for field in self.fields:
                with FormField():
                    yield PlainLabel(text(f"client_form.{field}"))
                    yield Input(self._shown(field), id=f"field-{field.replace('_', '-')}")
                    yield Plain("", id=f"error-{field.replace('_', '-')}", classes="field-error")
            yield Plain(text("client_form.hint"), id="form-hint")

    def _shown(self, field: str) -> str:
        """The current value of a field as the form shows it (empty for a new client)."""
        value = None if self.current is None else getattr(self.current, field)
        if field == "role":
            return role_word(value, self.text)
        return "" if value is None else str(value)

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.fields[0]}", Input).focus()

    def action_cancel(self) -> None:
        """Close the form; nothing is saved."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _values(self) -> dict[str, Any]:
        """What was typed, by field (a correction: only what changed).

        Raises:
            ValueError: the role names neither parent (said beside the field; nothing is sent).
        """
        values: dict[str, Any] = {}
        for field in self.fields:
            value = self.query_one(f"#field-{field.replace('_', '-')}", Input).value.strip()
            if self.current is not None and value != self._shown(field):
                values[field] = value or None  # an emptied field is cleared
            elif self.current is None and value:
                values[field] = value
        if values.get("role") is not None:  # None: the role cleared
            values["role"] = typed_role(values["role"]).value
            if self.current is not None and values["role"] == self.current.role:
                del values["role"]  # "Moeder" typed over "moeder": the same role
        return values

    def action_save(self) -> None:
        """Check and save; a refusal shows beside its field. An unchanged form just closes."""
        for error in self.query(".field-error").results(Plain):
            error.update("")
        try:
            values = self._values()
        except ValueError:
            self._show_error("role", self.text("client_form.role_refused"))
            return
        if self.current is not None and not values:
            self.dismiss(None)
            return
        if not self._saving:
            self._saving = True
            self._save(values)

    @holding_keys(group="client-form")
    def _save(self, values: dict[str, Any]) -> None:
        from hecht.schema.errors import ServiceError

        backend = self.backend
        try:
            if self.current is None:
                client = backend.new_client(values)
            else:
                client = backend.change_client(
                    self.current.code, values, expected_version=self.current.version
                )
        except Exception as error:  # noqa: BLE001 - said beside the field; nothing was stored
            field = (getattr(error, "field", None) or "").split(".")[0]
            field = field if field in self.fields else self.fields[0]
            reason = self.reason_for(error)
            if not isinstance(error, ServiceError):  # the database or its disk: not the field
                reason = self.text("client_form.not_saved", reason=reason)
            self.app.call_from_thread(self._show_error, field, reason)
            return
        self.app.call_from_thread(self.dismiss, client.code)

    def _show_error(self, field: str, message: str) -> None:
        self._saving = False
        widget_id = field.replace("_", "-")
        self.show_refusal(f"#error-{widget_id}", message, f"#field-{widget_id}")
