"""Provides the correction of a completed scale's answers: choose an item, type its right code.

The same keys as item entry: one digit answers (or digits and Enter), ``-`` marks missing. Ctrl+S
returns the changed answers; the reason is asked next, and the correction is a new version.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from hecht.scales.model import ScaleDefinition
from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.views.entry_state import EntryState, KeyOutcome
from hecht.tui.views.wording import item_wording
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainOptions, choice


class CorrectionModal(HechtModal[dict[str, str | None] | None]):
    """Change answers of a completed administration; returns the changed ones, None if none."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="correction.cancel"),
        Binding("ctrl+s", "done", "Save", id="correction.done"),
    ]

    def __init__(self, definition: ScaleDefinition, answers: dict[str, str | None]) -> None:
        super().__init__()
        self.definition = definition
        self.answers = answers
        self.changes: dict[str, str | None] = {}
        self.state = EntryState(definition, dict(answers))

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield PlainLabel(
                self.text("correction.title", scale=self.definition.short_name), id="form-title"
            )
            yield PlainOptions(
                *(
                    choice(self._line(index), item.id)
                    for index, item in enumerate(self.definition.items)
                ),
                id="correction-items",
            )
            yield Plain("", id="correction-problem", classes="field-error")
            yield Plain(self.text("correction.hint"), id="form-hint")

    def _line(self, index: int) -> str:
        item = self.definition.items[index]
        label = item_wording(item, self.text.language)
        was = self.answers.get(item.id) or "—"
        if item.id in self.changes:
            return f"{item.id:>3}. {label}: {was} → {self.changes[item.id] or '—'}  *"
        return f"{item.id:>3}. {label}: {was}"

    def on_mount(self) -> None:
        items = self.query_one("#correction-items", PlainOptions)
        items.highlighted = 0
        items.focus()

    def on_key(self, event: events.Key) -> None:
        items = self.query_one("#correction-items", PlainOptions)
        index = items.highlighted or 0
        problem = self.query_one("#correction-problem", Plain)
        self.state.position = index
        if event.key == "enter" and self.state.typed:
            event.stop()
            key = self.state.typed
            outcome, answer = self.state.confirm_typed()
        elif event.character and len(event.character) == 1 and event.key != "enter":
            key = self.state.typed + event.character  # what was typed, as the refusal quotes it
            outcome, answer = self.state.press(event.character)
            if outcome is KeyOutcome.IGNORED:
                return
            event.stop()
        else:
            return
        if outcome is KeyOutcome.ASK_REASON:  # a correction stores a missing item as not answered
            answer = self.state.missing(None)
        if outcome is KeyOutcome.PENDING:
            problem.update(self.text("entry.typing", typed=self.state.typed))
            return
        if answer is None:
            problem.update(self.text("entry.refused", key=key, allowed=self.state.allowed()))
            return
        problem.update("")
        if answer.code == self.answers.get(answer.item_id):
            self.changes.pop(answer.item_id, None)
        else:
            self.changes[answer.item_id] = answer.code
        items.replace_option_prompt_at_index(index, self._line(index))
        items.highlighted = min(index + 1, len(self.definition.items) - 1)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)

    def action_done(self) -> None:
        """Return the changed answers (the reason is asked next)."""
        if not self.changes:
            self.query_one("#correction-problem", Plain).update(self.text("correction.nothing"))
            return
        self.dismiss(dict(self.changes))
