"""Provides the alert dialog: raised at a critical answer, closed only by saying what was done."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from hecht.schema.readmodels import NOTE_MIN_WORDS, AlertAction, AlertRead
from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainOptions, choice


class ActionList(PlainOptions):
    """The actions, each marked ``[x]`` or ``[ ]``: Space marks or unmarks the highlighted one
    (several may be marked), Enter marks it and goes on to the note."""

    BINDINGS = [
        Binding("space", "toggle_mark", show=False),
        Binding("enter", "mark_and_go_on", show=False),
    ]

    def __init__(self, labels: dict[str, str], **settings: Any) -> None:
        self.labels = labels
        self.marked: list[str] = []
        """The marked actions, in the order they were marked."""
        super().__init__(*(choice(self._prompt(key), key) for key in labels), **settings)

    def _prompt(self, key: str) -> str:
        return f"[{'x' if key in self.marked else ' '}] {self.labels[key]}"

    class Marked(Message):
        """An action was marked or unmarked."""

    def _mark(self, key: str, on: bool) -> None:
        if on and key not in self.marked:
            self.marked.append(key)
        elif not on and key in self.marked:
            self.marked.remove(key)
        else:
            return
        self.replace_option_prompt(key, self._prompt(key))
        self.post_message(self.Marked())

    def _highlighted_key(self) -> str | None:
        if self.highlighted is None:
            return None
        return str(self.get_option_at_index(self.highlighted).id)

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted action."""
        key = self._highlighted_key()
        if key is not None:
            self._mark(key, key not in self.marked)

    def action_mark_and_go_on(self) -> None:
        """Mark the highlighted action and move to the note."""
        key = self._highlighted_key()
        if key is not None:
            self._mark(key, True)
        self.screen.query_one("#alert-note", Input).focus()


CLOSED_MEANWHILE = ("alert_withdrawn", "alert_done")
"""Refusals that mean the alert is closed already (``acknowledge_alert``): the dialog closes."""


class AlertModal(HechtModal[AlertRead | None]):
    """A critical answer: mark the actions taken, say what was done, confirm.

    Raised by an answer, Escape does not close it. Opened from the dossier to acknowledge an
    alert still open (``later``), Escape closes it and the alert stays open, as it was; with
    actions marked or a note written, the first Escape says they are not saved, a second one
    closes without them. Returns the acknowledged alert (None when closed unacknowledged).
    """

    DEFAULT_CSS = """
    #alert-title { text-style: bold; color: $error; }
    #alert-hint { color: $error; }
    #alert-actions { height: 10; }
    """

    BINDINGS = [
        Binding("escape", "refuse_escape", show=False),
        Binding("ctrl+s", "confirm", "Save", id="alert.confirm"),
    ]

    def __init__(
        self, alert: AlertRead, message: str, scale: str = "", *, later: bool = False
    ) -> None:
        super().__init__()
        self.later = later
        self.alert = alert
        self.message = message
        self.scale = scale
        self._saving = False
        self._leaving = False
        """Escape was pressed once with unsaved marks or a note: the next one closes."""

    def compose(self) -> ComposeResult:
        text = self.text
        with Vertical(id="alert-box"):
            yield PlainLabel(text("alert.title", level=self.alert.level.upper()), id="alert-title")
            yield Plain(
                text("alert.body", scale=self.scale, item=self.alert.item, message=self.message),
                id="alert-message",
            )
            yield Plain(text("alert.choose_action"))
            yield ActionList(
                {action.value: text(f"alert.action.{action.value}") for action in AlertAction},
                id="alert-actions",
            )
            yield PlainLabel(text("alert.what_was_done"))
            yield Input(id="alert-note", placeholder=text("alert.note_placeholder"))
            yield Plain("", id="alert-hint")

    def on_mount(self) -> None:
        actions = self.query_one("#alert-actions", ActionList)
        actions.highlighted = 0
        actions.focus()
        if self.later:
            return  # opened with a on purpose: the keys typed after it are meant for this dialog
        # Keys typed before a raised alert showed were meant for what came next (an answer,
        # the review): none of them may mark an action or write the note.
        dropped = self.typeahead.drop_waiting()
        if dropped:
            hint = self.fmt.plural(self.text, "alert.keys_dropped", dropped, count=dropped)
            self.query_one("#alert-hint", Plain).update(hint)

    def action_refuse_escape(self) -> None:
        """An alert just raised cannot be waved away; one opened later closes, still open,
        but what was marked or written is dropped only at a second Escape, and said so."""
        hint = self.query_one("#alert-hint", Plain)
        if not self.later:
            hint.update(self.text("alert.cannot_dismiss"))
            return
        unsaved = self._unsaved()
        if unsaved and not self._leaving:
            self._leaving = True
            hint.update(self.text("alert.unsaved"))
            return
        if unsaved:
            self.app.notify(self.text("alert.closed_unsaved"), severity="warning")
        self.dismiss(None)

    def _unsaved(self) -> bool:
        """Whether an action is marked or a note written that is not saved."""
        marked = self.query_one("#alert-actions", ActionList).marked
        return bool(marked) or bool(self.query_one("#alert-note", Input).value.strip())

    @on(ActionList.Marked)
    @on(Input.Changed, "#alert-note")
    def _changed(self) -> None:
        """Marked or written after the warning: the next Escape warns again, as the first did,
        instead of dropping what was just added."""
        if self._leaving:
            self._leaving = False
            self.query_one("#alert-hint", Plain).update("")

    @on(Input.Submitted, "#alert-note")
    def _note_submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        """Save once at least one action is marked and the note says what was done."""
        actions = self.query_one("#alert-actions", ActionList)
        chosen = list(actions.marked)
        note = self.query_one("#alert-note", Input).value.strip()
        hint = self.query_one("#alert-hint", Plain)
        if not chosen:
            hint.update(self.text("alert.need_action"))
            actions.focus()
        elif len(note.split()) < NOTE_MIN_WORDS:
            hint.update(self.text("alert.need_note", words=NOTE_MIN_WORDS))
            self.query_one("#alert-note", Input).focus()
        elif not self._saving:
            self._saving = True
            self._save(chosen, note)

    @holding_keys(group="alert-save")
    def _save(self, actions: list[str], note: str) -> None:
        self.dismiss_after(
            lambda: self.backend.acknowledge(self.alert.id, actions, note), lambda done: done
        )

    def refused(self, error: BaseException) -> None:
        self._saving = False
        if getattr(error, "reason", None) in CLOSED_MEANWHILE:  # nothing left to acknowledge
            self.app.notify(self.reason_for(error))
            self.dismiss(None)
            return
        self.query_one("#alert-hint", Plain).update(self.reason_for(error))
