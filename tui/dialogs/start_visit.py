"""Provides the start of a visit: the date (today by default), which protocol, who attends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from hecht.tui.visit_plan import VisitKind


@dataclass(frozen=True)
class VisitStart:
    """What the psychologist chose: date, protocol and attendees."""

    visit_date: date
    kind: VisitKind
    attendees: list[str]


class StartVisitModal(ModalScreen[VisitStart | None]):
    """Start a visit; returns the choices, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="visit.cancel", tooltip="Close"),
        Binding("ctrl+s", "start", "Start", id="visit.start", tooltip="Start the visit"),
    ]

    def __init__(self, today: date, members: list[str], first_visit: bool) -> None:
        super().__init__()
        self.today = today
        self.members = members
        self.first_visit = first_visit

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="form"):
            yield Label(text("visit_form.title"), id="form-title")
            yield Label(text("visit_form.date"))
            yield Input(self.today.isoformat(), id="visit-date")
            yield Static("", id="error-visit-date", classes="field-error")
            yield Label(text("visit_form.kind"))
            yield OptionList(
                *(
                    Option(text(f"visit_form.kind.{kind.value}"), id=kind.value)
                    for kind in VisitKind
                ),
                id="visit-kind",
            )
            yield Label(text("visit_form.attendees"))
            for code in self.members:
                yield Checkbox(code, value=True, id=f"attendee-{code}")
            yield Static(text("visit_form.hint"), id="form-hint")

    def on_mount(self) -> None:
        kinds = self.query_one("#visit-kind", OptionList)
        kinds.highlighted = 0 if self.first_visit else 1
        self.query_one("#visit-date", Input).focus()

    def action_cancel(self) -> None:
        """Close without starting a visit."""
        self.dismiss(None)

    @on(Input.Submitted, "#visit-date")
    def _date_submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """Check the date and attendees, then start."""
        text: Any = self.app.messages  # type: ignore[attr-defined]
        error = self.query_one("#error-visit-date", Static)
        try:
            chosen = date.fromisoformat(self.query_one("#visit-date", Input).value.strip())
        except ValueError:
            error.update(text("visit_form.bad_date"))
            return
        if chosen > self.today:
            error.update(text("visit_form.future"))
            return
        attendees = [
            code for code in self.members if self.query_one(f"#attendee-{code}", Checkbox).value
        ]
        if not attendees:
            error.update(text("visit_form.nobody"))
            return
        kinds = self.query_one("#visit-kind", OptionList)
        kind = VisitKind(str(kinds.get_option_at_index(kinds.highlighted or 0).id))
        self.dismiss(VisitStart(chosen, kind, attendees))
