"""Provides a small picker: a title and a list of choices, arrows and Enter choose one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.widgets.plain import PlainLabel, PlainOptions, choice


class ChoiceModal(HechtModal[str | None]):
    """Choose one of several records (an alert, an episode, a record's history).

    Returns the chosen choice's id, or None when cancelled with Escape.
    """

    DEFAULT_CSS = """
    #choice-list { height: auto; max-height: 20; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """Show the choices, the first one highlighted.

        Args:
            title: what is being chosen, in the user's language.
            choices: (id, label) pairs in the order shown.
        """
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield PlainLabel(self.title_text, id="form-title")
            yield PlainOptions(
                *(choice(label, choice_id) for choice_id, label in self.choices),
                id="choice-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#choice-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))
