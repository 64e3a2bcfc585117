"""Provides the session note: free text and themes, written after the scales."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TextArea

from hecht.tui.keybar import KeyBar


class NoteScreen(Screen[bool]):
    """Write the note of a visit; Ctrl+S saves it as a new version of the visit."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", tooltip="Save the note and finish"),
        Binding("escape", "skip", "Skip", id="note.skip", tooltip="Finish without a note"),
    ]

    def __init__(self, visit_lineage_id: int, who: str) -> None:
        super().__init__()
        self.visit_lineage_id = visit_lineage_id
        self.who = who

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="entry"):
            yield Label(text("note.title", who=self.who), id="entry-title")
            yield TextArea(id="note-text")
            yield Label(text("note.themes"))
            yield Input(id="note-themes", placeholder=text("note.themes_placeholder"))
            yield Static(text("note.hint"), id="entry-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_skip(self) -> None:
        """Finish the visit without a note."""
        self.dismiss(False)

    def action_save(self) -> None:
        """Save the note and themes."""
        note = self.query_one(TextArea).text.strip()
        themes = [
            t.strip() for t in self.query_one("#note-themes", Input).value.split(",") if t.strip()
        ]
        self._save(note, themes)

    @work(thread=True, exclusive=True, group="note")
    def _save(self, note: str, themes: list[str]) -> None:
        self.app.backend.write_note(self.visit_lineage_id, note, themes)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.dismiss, True)
