"""Provides the episode form: open an episode or correct one, each field checked beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input

from hecht.tui.dialogs.form import FormField, FormModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel

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
EDIT_DATES = (*DATES, "ended_on")
"""A correction can also close the episode (an end date) or reopen it (the end date emptied)."""
TEXTS = ("referral_text", "referrer")


class NewEpisodeModal(FormModal[int | None]):
    """Open an episode for a client or couple, or correct one (``current`` given).

    Returns the episode's lineage id, or None when cancelled. A correction is stored as a new
    version with the reason given in the form; an unchanged form closes without saving.
    """

    DEFAULT_CSS = """
    NewEpisodeModal #form { height: 90%; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(self, owner: dict[str, Any], today: date, current: Any = None) -> None:
        super().__init__()
        self.owner = owner
        self.today = today
        self.current = current
        self.dates = DATES if current is None else EDIT_DATES
        self._saving = False

    def compose(self) -> ComposeResult:
        text = self.text
        editing = self.current is not None
        with VerticalScroll(id="form", classes="field-form", can_focus=False):
            title = text("episode_form.edit_title") if editing else text("episode_form.title")
            yield PlainLabel(title, id="form-title")
            for field in self.dates:
                with FormField():
                    yield PlainLabel(text(f"episode_form.{field}"))
                    yield Input(
                        self._shown(field),
                        id=f"field-{field}",
                        placeholder=text("form.date_pattern"),
                    )
                    yield Plain("", id=f"error-{field}", classes="field-error")
            yield PlainLabel(text("episode_form.reasons"))
            chosen = self.current.referral_reasons if editing else []
            for reason in REASONS:
                yield Checkbox(text(f"reason.{reason}"), reason in chosen, id=f"reason-{reason}")
            for field in TEXTS:
                with FormField():
                    yield PlainLabel(text(f"episode_form.{field}"))
                    yield Input(self._shown(field), id=f"field-{field}")
            if editing:
                with FormField():
                    yield PlainLabel(text("episode_form.change_reason"))
                    yield Input(id="field-reason")
                    yield Plain("", id="error-reason", classes="field-error")
            yield Plain("", id="error-form", classes="field-error")
            yield Plain(text("episode_form.hint"), id="form-hint")

    def _shown(self, field: str) -> str:
        """A field's current value as the form shows it (today's date starts a new episode)."""
        if self.current is None:
            return self.fmt.date_field(self.today) if field == "started_on" else ""
        value = getattr(self.current, field)
        if isinstance(value, date):
            return self.fmt.date_field(value)
        return "" if value is None else str(value)

    def on_mount(self) -> None:
        self.query_one("#field-due_date", Input).focus()

    def action_cancel(self) -> None:
        """Close; nothing is saved."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _error(self, field: str, message: str) -> None:
        typed_in = None if field == "form" else f"#field-{field}"
        self.show_refusal(f"#error-{field}", message, typed_in)

    def _dates(self) -> dict[str, date | None] | None:
        """The dates typed, None for an empty field; None (and a message) when one is malformed."""
        text = self.text
        found: dict[str, date | None] = {}
        for field in self.dates:
            value = self.query_one(f"#field-{field}", Input).value.strip()
            found[field] = self.fmt.typed_date(value) if value else None
            if value and found[field] is None:
                self._error(field, self.fmt.date_refusal(value, text, "episode_form.bad_date"))
                return None
        if found["started_on"] is None:
            self._error("started_on", text("episode_form.need_start"))
            return None
        ended = found.get("ended_on")
        if ended is not None and ended < found["started_on"]:
            self._error("ended_on", text("episode_form.ends_before_start"))
            return None
        return found

    def _form(self) -> dict[str, Any] | None:
        """Every field of the form as the services name them; None when a date is refused."""
        dates = self._dates()
        if dates is None:
            return None
        data: dict[str, Any] = dict(dates)
        data["referral_reasons"] = [
            r for r in REASONS if self.query_one(f"#reason-{r}", Checkbox).value
        ]
        for field in TEXTS:
            data[field] = self.query_one(f"#field-{field}", Input).value.strip() or None
        return data

    def action_save(self) -> None:
        """Check the dates here, the rest in the service; show a refusal beside its field."""
        for error in self.query(".field-error").results(Plain):
            error.update("")
        data = self._form()
        if data is None or self._saving:
            return
        if self.current is None:
            self._saving = True
            self._save({**self.owner, **{k: v for k, v in data.items() if v is not None}})
            return
        changes = self._changes(data)
        if not changes:
            self.dismiss(None)
            return
        reason = self.query_one("#field-reason", Input).value.strip()
        if not reason:
            self._error("reason", self.text("episode_form.need_reason"))
            return
        self._saving = True
        self._correct(changes, reason)

    def _changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """The fields that differ from the current version; an end date closes the episode."""
        changes = {
            field: value for field, value in data.items() if value != getattr(self.current, field)
        }
        if set(data["referral_reasons"]) == set(self.current.referral_reasons):
            changes.pop("referral_reasons", None)  # the same reasons, perhaps in another order
        if "ended_on" in changes:
            closed = changes["ended_on"] is not None
            changes["episode_status"] = "closed" if closed else "active"
        return changes

    @holding_keys(group="episode-form")
    def _save(self, data: dict[str, Any]) -> None:
        self.dismiss_after(lambda: self.backend.new_episode(data), lambda e: e.lineage_id)

    @holding_keys(group="episode-form")
    def _correct(self, changes: dict[str, Any], reason: str) -> None:
        current = self.current
        self.dismiss_after(
            lambda: self.backend.correct_episode(
                current.lineage_id, changes, reason, expected_version=current.version
            ),
            lambda episode: episode.lineage_id,
        )

    def refused(self, error: BaseException) -> None:
        self._saving = False
        field = getattr(error, "field", None)
        known = (*self.dates, "reason") if self.current is not None else self.dates
        self._error(
            field if isinstance(field, str) and field in known else "form", self.reason_for(error)
        )
