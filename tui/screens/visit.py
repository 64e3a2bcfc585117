"""Provides one visit read back: its date, who came, the whole note and themes, its scales.

``e`` writes or corrects the note (a correction is a new version, with the reason), ``x``
retracts a visit entered in error (once its scales are retracted), ``h`` shows every version of
the visit and what changed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content

from hecht.tui.backend.records import RecordHistory
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain


class VisitScreen(HechtScreen[None]):
    """One visit as it stands; the note is shown whole, wrapped at word boundaries."""

    DEFAULT_CSS = """
    #visit { padding: 1 2 0 2; height: 1fr; }
    #visit-note { margin: 1 0; }
    """

    BINDINGS = [
        Binding("e", "edit_note", "Note", id="visit.note"),
        Binding("x", "retract", "Retract", id="visit.retract"),
        Binding("h", "history", "History", id="visit.history"),
        Binding("escape", "back", "Back", id="visit.back"),
    ]

    def __init__(self, code: str, lineage_id: int, who: str) -> None:
        super().__init__()
        self.code = code
        self.lineage_id = lineage_id
        self.who = who
        self.history: RecordHistory | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="visit"):
            yield Plain(self.text("dossier.loading"), id="visit-head")
            yield Plain("", id="visit-note")
            yield Plain("", id="visit-themes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#visit").focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.shown_may_be_stale():
            self._load()

    @holding_keys(group="visit")
    def _load(self) -> None:
        generation = self.backend.generation
        try:
            history = self.backend.history("visit", self.lineage_id)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self.query_one("#visit-head", Plain).update, self.reason_for(error)
            )
            return
        self.app.call_from_thread(self._show, history, generation)

    def _show(self, history: RecordHistory, generation: int) -> None:
        self.history, self._seen_generation = history, generation
        visit, text = history.current, self.text
        title = text("visit.title", day=self.fmt.date(visit.visit_date), who=self.who)
        meta = text(
            "visit.meta",
            version=visit.version,
            who=history.names.get(visit.recorded_by_id or -1) or text("history.unknown_user"),
        )
        self.query_one("#visit-head", Plain).update(Content.assemble((title, "bold"), "\n", meta))
        note = visit.note or text("visit.no_note")
        self.query_one("#visit-note", Plain).update(note)
        themes = ", ".join(visit.themes) or "—"
        self.query_one("#visit-themes", Plain).update(text("visit.themes", themes=themes))

    def action_edit_note(self) -> None:
        """Write the note (a visit without one), or correct it (a new version, with the reason)."""
        from hecht.tui.screens.note import NoteScreen

        if self.history is not None:
            self.app.push_screen(NoteScreen(self.lineage_id, self.who, self.history.current))

    def action_retract(self) -> None:
        """Retract a visit entered in error (the wrong client, the wrong day)."""
        from hecht.tui.dialogs.reason import ReasonModal, with_reason

        if self.history is not None:
            self.app.push_screen(
                ReasonModal(self.text("visit.why_retract")),
                with_reason(self._retract),
            )

    @holding_keys(group="visit-save")
    def _retract(self, reason: str) -> None:
        seen = None if self.history is None else self.history.current.version
        if self.stored(
            lambda: self.backend.retract_visit(self.lineage_id, reason, expected_version=seen),
            self.text("visit.retracted_saved"),
        ):
            self.app.call_from_thread(self.dismiss, None)

    def action_history(self) -> None:
        """Every version of this visit and what changed."""
        if self.history is not None:
            label = self.text(
                "history.record.visit",
                day=self.fmt.date(self.history.current.visit_date),
                version=self.history.current.version,
            )
            self.hecht.show_history("visit", self.lineage_id, label)

    def action_back(self) -> None:
        """Back to the dossier."""
        self.dismiss(None)
