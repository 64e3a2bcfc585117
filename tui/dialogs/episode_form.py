"""Provides the new-episode form: dates and referral reasons, each field checked beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

REASONS = (
    "fear_of_childbirth",
    "fear_of_parenthood",
    "traumatic_birth",
    "stillbirth",
    "loss_or_grief",
    "parent_role",
    "relationship_problems",
    "other",
)
DATES = ("due_date", "birth_date", "started_on")


class NewEpisodeModal(ModalScreen[int | None]):
    """Open an episode for a client or couple; returns its lineage id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Open the episode"),
    ]

    def __init__(self, owner: dict[str, Any], today: date) -> None:
        super().__init__()
        self.owner = owner
        self.today = today

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with VerticalScroll(id="form"):
            yield Label(text("episode_form.title"), id="form-title")
            for field in DATES:
                yield Label(text(f"episode_form.{field}"))
                value = self.today.isoformat() if field == "started_on" else ""
                yield Input(value, id=f"field-{field}", placeholder="YYYY-MM-DD")
                yield Static("", id=f"error-{field}", classes="field-error")
            yield Label(text("episode_form.reasons"))
            for reason in REASONS:
                yield Checkbox(text(f"reason.{reason}"), id=f"reason-{reason}")
            yield Label(text("episode_form.referrer"))
            yield Input(id="field-referrer")
            yield Static("", id="error-form", classes="field-error")
            yield Static(text("episode_form.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#field-due_date", Input).focus()

    def action_cancel(self) -> None:
        """Close; nothing is saved."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the dates here, the rest in the service; show a refusal beside its field."""
        text: Any = self.app.messages  # type: ignore[attr-defined]
        for error in self.query(".field-error"):
            error.update("")  # type: ignore[attr-defined]
        data: dict[str, Any] = dict(self.owner)
        for field in DATES:
            value = self.query_one(f"#field-{field}", Input).value.strip()
            if not value:
                continue
            try:
                data[field] = date.fromisoformat(value)
            except ValueError:
                self.query_one(f"#error-{field}", Static).update(text("episode_form.bad_date"))
                return
        if "started_on" not in data:
            self.query_one("#error-started_on", Static).update(text("episode_form.need_start"))
            return
        data["referral_reasons"] = [
            r for r in REASONS if self.query_one(f"#reason-{r}", Checkbox).value
        ]
        referrer = self.query_one("#field-referrer", Input).value.strip()
        if referrer:
            data["referrer"] = referrer
        self._save(data)

    @work(thread=True, exclusive=True, group="episode-form")
    def _save(self, data: dict[str, Any]) -> None:
        from hecht.schema.errors import ServiceError

        try:
            episode = self.app.backend.new_episode(data)  # type: ignore[attr-defined]
        except ServiceError as error:
            field = error.field if error.field in DATES else "form"
            self.app.call_from_thread(self._show_error, field, str(error))
            return
        self.app.call_from_thread(self.dismiss, episode.lineage_id)

    def _show_error(self, field: str, message: str) -> None:
        self.query_one(f"#error-{field}", Static).update(message)
