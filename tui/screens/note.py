"""Provides the session note: free text and themes, written after the scales or added later.

A visit's first note is simply stored with it; changing a note that was written before is a
correction, stored as a new version with the reason for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, TextArea

from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen, later_changes
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel

if TYPE_CHECKING:
    from hecht.schema.errors import StaleVersionError
    from hecht.schema.inputs import NewVisit
    from hecht.schema.readmodels import VisitRead


def themes_of(typed: str) -> list[str]:
    """The themes typed, separated by commas, without repeats or empty ones."""
    return list(dict.fromkeys(theme.strip() for theme in typed.split(",") if theme.strip()))


class NoteScreen(HechtScreen[bool]):
    """Write (or correct) the note of a visit; Ctrl+S saves it. Returns whether it was saved."""

    DEFAULT_CSS = """
    #note-text { height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "leave", "Leave", id="note.skip"),
    ]

    def __init__(self, visit: int | NewVisit, who: str, current: VisitRead | None = None) -> None:
        """Write the note of ``visit``: a stored visit's lineage, or a visit not yet stored.

        Args:
            visit: the visit's lineage id, or the visit to store along with the note.
            who: how the client is named in the title.
            current: the stored visit, when its note is being corrected or added to.
        """
        super().__init__()
        self.visit = visit
        self.who = who
        self.current = current
        self.corrects = current is not None and bool(current.note or current.themes)
        """Whether a note written before is changed: that needs a reason."""
        self._leaving = False
        self._saving = False

    def compose(self) -> ComposeResult:
        text = self.text
        note = "" if self.current is None else self.current.note or ""
        themes = "" if self.current is None else ", ".join(self.current.themes)
        with Vertical(id="entry"):
            yield PlainLabel(text("note.title", who=self.who), id="entry-title")
            yield TextArea(note, id="note-text", soft_wrap=True)
            yield PlainLabel(text("note.themes"))
            yield Input(themes, id="note-themes", placeholder=text("note.themes_placeholder"))
            if self.corrects:
                yield PlainLabel(text("note.reason"))
                yield Input(id="note-reason", placeholder=text("note.reason_placeholder"))
            yield Plain(text("note.hint"), id="entry-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _typed(self) -> tuple[str, list[str]]:
        note = self.query_one(TextArea).text.strip()
        return note, themes_of(self.query_one("#note-themes", Input).value)

    def _changed(self) -> bool:
        note, themes = self._typed()
        if self.current is None:
            return bool(note or themes)
        return note != (self.current.note or "") or themes != list(self.current.themes)

    def action_leave(self) -> None:
        """Finish without saving; with unsaved text, a second Escape is needed."""
        if self._changed() and not self._leaving:
            self._leaving = True
            self.query_one("#entry-hint", Plain).update(self.text("note.unsaved"))
            return
        if not isinstance(self.visit, int):
            self.app.notify(self.text("note.visit_not_stored"))
        self.dismiss(False)

    def action_save(self) -> None:
        """Save the note and themes (with the reason, when a written note is corrected)."""
        if self._saving:
            return
        note, themes = self._typed()
        reason = None
        if self.corrects:
            reason = self.query_one("#note-reason", Input).value.strip()
            if not reason:
                self.query_one("#entry-hint", Plain).update(self.text("note.need_reason"))
                self.query_one("#note-reason", Input).focus()
                return
        if not self._changed():
            self.dismiss(False)
            return
        self._saving = True
        self._save(note, themes, reason)

    @holding_keys(group="note")
    def _save(self, note: str, themes: list[str], reason: str | None) -> None:
        from hecht.schema.errors import StaleVersionError

        seen = None if self.current is None else self.current.version
        try:
            if reason is None:
                self.backend.save_note(self.visit, note, themes, expected_version=seen)
            else:
                self.backend.save_note(self.visit, note, themes, reason, expected_version=seen)
        except StaleVersionError as error:
            self._overtaken_by(error)
            return
        except Exception as error:  # noqa: BLE001 - said on screen; the text stays to try again
            self.app.call_from_thread(self._not_saved, error)
            return
        self.app.call_from_thread(self.app.notify, self.text("note.saved"))
        self.app.call_from_thread(self.dismiss, True)

    def _overtaken_by(self, error: StaleVersionError) -> None:
        """Someone changed the note since this screen opened (in the worker): read the visit
        as it stands now, for the text typed here to be saved over it on purpose."""
        assert isinstance(self.visit, int), "only a stored visit has versions"
        try:
            newest = self.backend.history("visit", self.visit).current
        except Exception as failure:  # noqa: BLE001 - said on screen; the text stays
            self.app.call_from_thread(self._not_saved, failure)
            return
        self.app.call_from_thread(self._overtaken, error, newest)

    def _overtaken(self, error: StaleVersionError, newest: VisitRead) -> None:
        """Say who changed what meanwhile and keep the text typed here: Ctrl+S now stores it as
        a correction of theirs, with its reason (theirs stays in the visit's history). Closing
        and opening again, as other records ask, would lose the text. A visit retracted
        meanwhile takes no note."""
        self._saving = False
        hint = self.query_one("#entry-hint", Plain)
        if newest.record_status == "retracted":
            hint.update(self.text("note.not_saved", reason=self.reason_for(error)))
            return
        self.current = newest
        if not self.corrects and (newest.note or newest.themes):
            self.corrects = True
            self.query_one("#entry", Vertical).mount(
                PlainLabel(self.text("note.reason")),
                Input(id="note-reason", placeholder=self.text("note.reason_placeholder")),
                before=hint,
            )
        hint.update(self.text("note.overtaken", changes=later_changes(error, self.text)))

    def _not_saved(self, error: BaseException) -> None:
        self._saving = False
        self.query_one("#entry-hint", Plain).update(
            self.text("note.not_saved", reason=self.reason_for(error))
        )
