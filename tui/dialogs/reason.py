"""Provides the question why: a short reason, required, for a change that history keeps."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.widgets.plain import Plain, PlainLabel


class ReasonModal(HechtModal[str | None]):
    """Ask why (a draft discarded, a record retracted, an item missing); returns the reason, or
    None when Escape keeps things as they are."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel")]

    def __init__(self, title: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield PlainLabel(self.title_text, id="form-title")
            yield Input(
                id="reason", placeholder=self.placeholder or self.text("reason.placeholder")
            )
            yield Plain("", id="error-reason", classes="field-error")
            yield Plain(self.text("reason.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)

    @on(Input.Submitted, "#reason")
    def _confirmed(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#error-reason", Plain).update(self.text("reason.needed"))
            return
        self.dismiss(reason)


def with_reason(save: Callable[[str], object]) -> Callable[[str | None], None]:
    """The dialog's callback: ``save`` with the reason given, nothing when it was cancelled.

    ``save`` may start a worker; what it returns is not the dialog's concern.
    """

    def given(reason: str | None) -> None:
        if reason:
            save(reason)

    return given
