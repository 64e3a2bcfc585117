"""Provides the alert dialog: raised at a critical answer, closed only by saying what was done."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from hecht.schema.readmodels import AlertRead
from hecht.schema.tables import AlertAction

ACTIONS = tuple(action.value for action in AlertAction)


class AlertModal(ModalScreen[None]):
    """A critical answer: choose the action, say what was done, confirm; Escape does not close."""

    BINDINGS = [
        Binding("escape", "refuse_escape", show=False),
        Binding(
            "enter", "confirm", "Confirm", id="alert.confirm", tooltip="Save the acknowledgement"
        ),
    ]

    def __init__(self, alert: AlertRead, message: str) -> None:
        super().__init__()
        self.alert = alert
        self.message = message

    def compose(self) -> ComposeResult:
        text = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="alert-box"):
            yield Label(text("alert.title", level=self.alert.level.upper()), id="alert-title")
            yield Static(
                text("alert.body", item=self.alert.item, message=self.message), id="alert-message"
            )
            yield Label(text("alert.choose_action"))
            yield OptionList(
                *(Option(text(f"alert.action.{action}"), id=action) for action in ACTIONS),
                id="alert-actions",
            )
            yield Label(text("alert.what_was_done"))
            yield Input(id="alert-note", placeholder=text("alert.note_placeholder"))
            yield Static("", id="alert-hint")

    def on_mount(self) -> None:
        self.query_one("#alert-actions", OptionList).focus()

    def action_refuse_escape(self) -> None:
        """An alert cannot be waved away."""
        self.query_one("#alert-hint", Static).update(self.app.messages("alert.cannot_dismiss"))  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#alert-actions")
    def _action_chosen(self) -> None:
        self.query_one("#alert-note", Input).focus()

    @on(Input.Submitted, "#alert-note")
    def _note_submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        """Save the acknowledgement once an action is chosen and the note says what was done."""
        text = self.app.messages  # type: ignore[attr-defined]
        actions = self.query_one("#alert-actions", OptionList)
        note = self.query_one("#alert-note", Input).value.strip()
        if actions.highlighted is None:
            self.query_one("#alert-hint", Static).update(text("alert.need_action"))
            actions.focus()
            return
        if not note:
            self.query_one("#alert-hint", Static).update(text("alert.need_note"))
            self.query_one("#alert-note", Input).focus()
            return
        option = actions.get_option_at_index(actions.highlighted)
        self._save(str(option.id), note)

    @work(thread=True, exclusive=True, group="alert-save")
    def _save(self, action: str, note: str) -> None:
        self.app.backend.acknowledge(self.alert.id, action, note)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.dismiss, None)
