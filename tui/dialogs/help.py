"""Provides F1 help: a short text about the focused widget or screen, with the keys it offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.widgets.plain import Plain, PlainLabel

if TYPE_CHECKING:
    from hecht.tui.i18n import Messages

SCREEN_TOPICS = {
    "CaseloadScreen": "caseload",
    "DossierScreen": "dossier",
    "EntryScreen": "entry",
    "ReviewScreen": "review",
    "NoteScreen": "note",
    "AlertModal": "alert",
    "HistoryModal": "history",
    "ChoiceModal": "picker",
    "ScalePickerModal": "picker",
    "SupervisionScreen": "supervision",
    "OutcomesScreen": "outcomes",
    "ScalesScreen": "scales",
    "TrajectoryScreen": "trajectory",
    "AdministrationScreen": "administration",
    "VisitScreen": "visit",
    "CorrectionModal": "correction",
}
"""The help text of a screen, looked up as ``f1.<topic>`` in the message catalogue."""
WIDGET_TOPICS = {
    "caseload-filter": "filter",
    "caseload-table": "caseload",
    "first-run": "first_run",
    "paper-input": "paper",
    "note-text": "note",
}
"""Widgets whose help differs from their screen's."""


def help_topic(screen: Screen[Any], focused: Any) -> str:
    """The topic for the focused widget (or a widget it sits in), else for the screen."""
    node = focused
    while node is not None and node is not screen:
        if node.id in WIDGET_TOPICS:
            return WIDGET_TOPICS[node.id]
        node = node.parent
    topic = SCREEN_TOPICS.get(type(screen).__name__)
    if topic is not None:
        return topic
    return "form" if isinstance(screen, ModalScreen) else "general"


def key_lines(screen: Screen[Any], texts: Messages) -> list[str]:
    """The keys the screen offers now, each with its label in the user's language."""
    palette_key = screen.app.COMMAND_PALETTE_BINDING
    lines = []
    for key, (_node, binding, enabled, _tooltip) in screen.active_bindings.items():
        if key == palette_key:  # said once, below, with what the palette offers
            continue
        label = texts.get(f"keys.{binding.action}", "")
        if not enabled or not (binding.show or label):  # ours, even when the footer hides them
            continue
        label = label or binding.description
        lines.append(f"  {screen.app.get_key_display(binding):>8}  {label}")
    palette = Binding(palette_key, "command_palette")
    lines.append(f"  {screen.app.get_key_display(palette):>8}  {texts('f1.palette')}")
    return lines


class HelpModal(HechtModal[None]):
    """Help for what has the focus and the screen's keys; F1 again or Escape closes it."""

    DEFAULT_CSS = """
    HelpModal #form { max-height: 100%; }
    #help-text { margin-bottom: 1; }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="help.close")]

    def __init__(self, topic: str, keys: list[str]) -> None:
        super().__init__()
        self.topic = topic
        self.keys = keys

    def compose(self) -> ComposeResult:
        text = self.text
        with VerticalScroll(id="form"):  # taller than a small terminal: ↑↓ scroll it
            yield PlainLabel(text("f1.title"), id="form-title")
            yield Plain(text(f"f1.{self.topic}"), id="help-text")
            yield PlainLabel(text("f1.keys"), classes="section-heading")
            yield Plain("\n".join(self.keys), id="help-keys")
            yield Plain(text("f1.hint"), id="form-hint")

    def action_close(self) -> None:
        """Back to where help was asked for."""
        self.dismiss(None)
