"""Provides the Textual app: wiring only; dependencies come in, screens go on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from hecht.tui.backend import Backend
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.palette import ScreenActions
from hecht.tui.startup import resume_collection

STARTUP_LIMIT_SECONDS = 10.0
"""Longest start-up mode (garbage collector paused) lasts if the caseload never shows."""


class HechtApp(App[int]):
    """The psychologist's workbench; it receives its backend, texts and settings from outside."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    TITLE = "Hecht"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Leave Hecht"),
        Binding("f1", "help", "Help", priority=True, id="app.help", tooltip="Help for this place"),
    ]

    def __init__(self, backend: Backend, messages: Messages, config: Config) -> None:
        super().__init__()
        self.backend = backend
        self.messages = messages
        self.config = config
        self.privacy = config.privacy
        self.error_message: str | None = None

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self._show_caseload()  # the first frame shows at once; rows follow from a worker
        # start-up mode ends when the caseload is shown; this bounds it if the rows never come
        self.set_timer(STARTUP_LIMIT_SECONDS, resume_collection)

    def open_storage(self) -> None:
        """Open the database and load the scales in a worker, once the caseload is shown.

        Storage imports hold the GIL for a while: waiting for the caseload's rows keeps them off
        its first frame and its first rows. Safe to call again: what is open stays open.
        """
        self._open()

    @work(thread=True, exclusive=True, group="open")
    def _open(self) -> None:
        """Open the database off the first frames; a refusal ends the app with its reason."""
        from hecht.schema.database import DatabaseOpenError

        try:
            self.backend.open()
        except DatabaseOpenError as error:
            self.error_message = str(error)
            self.call_from_thread(self.exit, None, 2)
            return
        self.backend.library  # noqa: B018 - loaded now, so the first dossier need not wait

    def _show_caseload(self) -> None:
        from hecht.tui.screens.caseload import CaseloadScreen

        self.push_screen(CaseloadScreen())

    def open_dossier(self, code: str) -> None:
        """Show one client's dossier."""
        from hecht.tui.screens.dossier import DossierScreen

        self.push_screen(DossierScreen(code))

    def enter_scale(
        self, code: str, scale_id: str, who: str, after: Any = None, **context: Any
    ) -> None:
        """Start a draft of a scale for a client and key it in; ``after`` runs when it closes."""
        self._start(code, scale_id, who, after, context)

    @work(thread=True, group="start")
    def _start(
        self, code: str, scale_id: str, who: str, after: Any, context: dict[str, Any]
    ) -> None:
        draft = self.backend.start(code, scale_id, **context)
        self.call_from_thread(self.resume, draft, who, after)

    def resume(self, draft: Any, who: str, after: Any = None) -> None:
        """Key in (the rest of) a draft."""
        from hecht.tui.screens.entry import EntryScreen

        definition = self.backend.library.get(draft.scale_id, draft.scale_version)
        self.push_screen(EntryScreen(draft, definition, who), after)

    def run_visit(
        self, code: str, who: str, episode_lineage_id: int, members: list[str], first: bool
    ) -> None:
        """The visit flow: start it, enter its battery scale by scale, then write the note."""
        from hecht.tui.dialogs.start_visit import StartVisitModal

        today = self.backend.clock().date()
        self.push_screen(
            StartVisitModal(today, members, first),
            lambda start: (
                self._visit_started(code, who, episode_lineage_id, start) if start else None
            ),
        )

    def _visit_started(self, code: str, who: str, episode: int, start: Any) -> None:
        self._record_visit(code, who, episode, start)

    @work(thread=True, group="visit")
    def _record_visit(self, code: str, who: str, episode: int, start: Any) -> None:
        from hecht.tui.visit_plan import battery

        visit = self.backend.record_visit(episode, start.visit_date, start.attendees)
        steps = battery(
            self.config.protocols, start.kind, self.backend.library, code, start.attendees
        )
        self.call_from_thread(self._next_step, steps, visit.lineage_id, episode, who)

    def _next_step(self, steps: list[Any], visit: int, episode: int, who: str) -> None:
        from hecht.tui.screens.note import NoteScreen

        if not steps:
            self.push_screen(NoteScreen(visit, who))
            return
        step, rest = steps[0], steps[1:]
        self.enter_scale(
            step.client_code, step.scale_id, step.client_code,
            after=lambda _done: self._next_step(rest, visit, episode, who),
            visit_lineage_id=visit, episode_lineage_id=episode,
        )  # fmt: skip

    def action_help(self) -> None:
        """F1: help for the focused widget and the screen's keys; F1 again closes it."""
        from hecht.tui.dialogs.help import HelpModal, help_topic, key_lines

        if isinstance(self.screen, HelpModal):
            self.screen.dismiss(None)
            return
        topic = help_topic(self.screen, self.focused)
        self.push_screen(HelpModal(topic, key_lines(self.screen, self.messages)))

    def _fatal_error(self) -> None:
        # Textual's crash report prints local variables, which may hold a client's name or
        # answers: show the kind of error only.
        self.panic(self.messages("error.internal", kind="unexpected error in the screen"))

    def on_unmount(self) -> None:
        self.backend.close()
