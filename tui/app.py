"""Provides the Textual app: wiring only; dependencies come in, screens go on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.screen import Screen

from hecht.tui.backend.core import Backend
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.idle_lock import IdleLock
from hecht.tui.shell.palette import ScreenActions
from hecht.tui.shell.startup import resume_collection
from hecht.tui.shell.typeahead import TypeAhead, holding_keys

if TYPE_CHECKING:
    from hecht.schema.readmodels import EpisodeRead

STARTUP_LIMIT_SECONDS = 10.0
"""Longest start-up mode (garbage collector paused) lasts if the caseload never shows."""


class HechtApp(App[int]):
    """The psychologist's workbench; it receives its backend, texts and settings from outside."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    TITLE = "Hecht"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("f1", "help", "Help", priority=True, id="app.help"),
    ]

    def __init__(
        self, backend: Backend, messages: Messages, config: Config, *, demo: bool = False
    ) -> None:
        super().__init__()
        self.demo = demo
        """Whether this is the demo practice (its records are made up; no one is asked a name)."""
        self.backend = backend
        self.messages = messages
        self.config = config
        self.privacy = config.privacy
        self.error_message: str | None = None
        self._crash_reported = False
        self.typeahead = TypeAhead(self)
        self.typeahead.attach(super().on_event)
        self.idle_lock = IdleLock(self)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go through the type-ahead queue, in order."""
        self.idle_lock.touch(event)
        if self.typeahead.takes(event):
            return
        await super().on_event(event)

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Any = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """Show a screen; keys typed meanwhile wait until it is mounted and focused.

        While the app is locked, any screen but the lock waits until it is lifted.
        """
        if not isinstance(screen, str) and self.idle_lock.defer(
            lambda: self.push_screen(screen, callback, wait_for_dismiss, mode=mode)
        ):
            return None
        self.typeahead.hold()
        # Textual's overloads take wait_for_dismiss as a literal True or False, not a bool
        pushed = (
            super().push_screen(screen, callback, True, mode=mode)
            if wait_for_dismiss
            else super().push_screen(screen, callback, False, mode=mode)
        )
        self._release_keys_after(self.get_screen(screen) if isinstance(screen, str) else screen)
        return pushed

    def pop_screen(self) -> AwaitComplete:
        """Close the top screen; keys typed meanwhile wait until the one below has resumed.

        While the app is locked the lock stays on top: a screen closed by work that finished
        meanwhile closes once the lock is lifted.
        """
        if self.idle_lock.defer(self.pop_screen):
            # Textual leaves AwaitComplete.nothing unannotated
            done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
            return done
        self.typeahead.hold()
        popped = super().pop_screen()
        self._release_keys_after(self.screen)
        return popped

    def _release_keys_after(self, screen: Screen[Any]) -> None:
        """End the hold once the screen's queue has run what is queued now (its mount or resume,
        which set the focus), and after the focus changes those asked the app for."""
        if not screen.call_later(self.call_later, self.typeahead.release):
            self.typeahead.release()

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self._show_caseload()  # the first frame shows at once; rows follow from a worker
        # start-up mode ends when the caseload is shown; this bounds it if the rows never come
        self.set_timer(STARTUP_LIMIT_SECONDS, resume_collection)
        self.idle_lock.start()

    def open_storage(self) -> None:
        """Open the database and load the scales in a worker, once the caseload is shown.

        Storage imports hold the GIL for a while: waiting for the caseload's rows keeps them off
        its first frame and its first rows. Safe to call again: what is open stays open.
        """
        self._open()

    @holding_keys(group="open-to-ask-the-name")
    def open_storage_to_ask_the_name(self) -> None:
        """The first start without a practitioner's name: open the database and ask the name,
        holding the keys meanwhile, so that what is typed before the name form is there goes
        into it, never to the caseload behind it (where a client could be registered before
        anyone is named)."""
        self._opened()

    @work(thread=True, exclusive=True, group="open")
    def _open(self) -> None:
        self._opened()

    def _opened(self) -> None:
        """Open the database off the first frames (in a worker); a refusal ends the app with
        its reason; a first start without a name asks it."""
        from hecht.schema.db.database import DatabaseOpenError

        try:
            self.backend.open()
        except DatabaseOpenError as error:
            from hecht.tui.views.service_text import database_refusal_text

            self.error_message = database_refusal_text(error, self.messages)
            self.call_from_thread(self.exit, None, 2)
            return
        refused = self.backend.library.refusals()  # loaded now: the first dossier need not wait
        if refused:
            from hecht.tui.views.scale_file_text import refusal_text

            said = [refusal_text(refusal, self.messages) for refusal in refused]
            self.call_from_thread(self._say_refused, said)
        if self.needs_practitioner:
            self.call_from_thread(self._ask_practitioner)

    @property
    def needs_practitioner(self) -> bool:
        """Whether the name of who acts is still to be asked (never in the demo practice, whose
        people are made up): until it is given, nothing of a dossier is read."""
        return not (self.demo or self.backend.practitioner or self.config.practitioner)

    def _say_refused(self, refusals: list[str]) -> None:
        """Local scale files that could not be loaded: say which and why (the rest works)."""
        from hecht.tui.views.formatting import formatter

        count = formatter(self.messages.language).count(self.messages, "count.file", len(refusals))
        said = self.messages("library.refused", count=count, first=refusals[0])
        self.notify(said, severity="warning", timeout=20)

    def _ask_practitioner(self) -> None:
        """No name configured yet: ask it once, so everything recorded names who recorded it."""
        from hecht.tui.dialogs.practitioner import PractitionerModal

        self.push_screen(PractitionerModal())

    def _show_caseload(self) -> None:
        from hecht.tui.screens.caseload import CaseloadScreen

        self.push_screen(CaseloadScreen())

    def open_dossier(self, code: str) -> None:
        """Show one client's dossier."""
        from hecht.tui.screens.dossier import DossierScreen

        self.push_screen(DossierScreen(code))

    def enter_scale(
        self,
        code: str,
        scale_id: str,
        who: str,
        after: Any = None,
        caution: str = "",
        **context: Any,
    ) -> None:
        """Key in a scale for a client; the draft is stored with the first answer. ``caution``
        stays above the items (a scale written for the other parent or another phase)."""
        from hecht.schema.inputs import NewAdministration
        from hecht.tui.screens.entry import EntryScreen, EntryTarget

        definition = self.backend.library.get(scale_id)
        new = NewAdministration(
            client_code=code, scale_id=definition.id, scale_version=definition.version, **context
        )
        self.push_screen(EntryScreen(EntryTarget(new=new), definition, who, caution=caution), after)

    def resume(self, draft: Any, who: str, after: Any = None) -> None:
        """Key in the rest of a stored draft."""
        from hecht.tui.screens.entry import EntryScreen, EntryTarget

        definition = self.backend.library.get(draft.scale_id, draft.scale_version)
        self.push_screen(EntryScreen(EntryTarget(draft=draft), definition, who), after)

    def run_visit(
        self,
        code: str,
        names: dict[str, str],
        episode: EpisodeRead,
        first: bool,
        roles: Mapping[str, str | None] | None = None,
    ) -> None:
        """The visit flow: its date and protocol, its battery scale by scale, then the note.

        Args:
            code: the client whose dossier is open.
            names: how each client of the episode is named on screen, by code (both partners
                in a couple's episode).
            episode: the episode the visit belongs to (its referral reasons' scales join intake
                and closing; its due and birth dates tell whether the visit is in pregnancy).
            first: whether this is the episode's first visit (the intake protocol then).
            roles: each client's place in the family, where recorded (a scale written for the
                mother or the partner is asked of that parent only).
        """
        from hecht.tui.dialogs.start_visit import StartVisitModal

        today = self.backend.clock().date()
        self.push_screen(
            StartVisitModal(today, list(names), first, episode.lineage_id),
            lambda start: self._visit_started(code, names, start, episode, roles or {}),
        )

    def _visit_started(
        self,
        code: str,
        names: dict[str, str],
        start: Any,
        episode: EpisodeRead,
        roles: Mapping[str, str | None],
    ) -> None:
        from hecht.tui.config import config_path
        from hecht.tui.screens.visit_flow import VisitFlow
        from hecht.tui.views.visit_plan import battery, left_out, moment_on

        if start is None:
            return
        moment = moment_on(start.visit.visit_date, roles, episode)
        protocols, library = self.config.protocols, self.backend.library
        steps = battery(
            protocols, start.kind, library, code, start.attendees, episode.referral_reasons,
            moment,
        )  # fmt: skip
        unknown = left_out(protocols, start.kind, library, episode.referral_reasons)
        if unknown:
            scales = ", ".join(f"{scale_id} ([protocols] {where})" for where, scale_id in unknown)
            said = self.messages("visit.unknown_scales", scales=scales, path=config_path())
            self.notify(said, severity="warning", timeout=30)
        lineage = start.visit.episode_lineage_id
        VisitFlow(self, names.get(code, code), lineage, start.visit, steps, names).next()

    def show_history(self, kind: str, lineage_id: int, label: str) -> None:
        """Read every version of a record and show them (keys typed meanwhile wait for it)."""
        self._read_history(kind, lineage_id, label)

    @holding_keys(group="history")
    def _read_history(self, kind: str, lineage_id: int, label: str) -> None:
        from hecht.tui.dialogs.history import HistoryModal

        try:
            history = self.backend.history(kind, lineage_id)
        except Exception as error:  # noqa: BLE001 - said on screen
            from hecht.tui.shell.screen_base import reason_for

            self.call_from_thread(self.notify, reason_for(error, self.messages), severity="error")
            return
        self.call_from_thread(self.push_screen, HistoryModal(label, history))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification; its text is shown as written unless markup is asked for.

        While the app is locked, it waits until the lock is lifted.
        """
        if self.idle_lock.defer(
            lambda: self.notify(
                message, title=title, severity=severity, timeout=timeout, markup=markup
            )
        ):
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        """The palette's own commands, in the user's language: the theme and quitting.

        Textual's others are left out on purpose: its key panel duplicates F1 in English only,
        and a screenshot would write a clinical screen to a file the user did not choose.
        """
        from textual.app import SystemCommand

        text = self.messages
        yield SystemCommand(
            text("palette.theme"), text("palette.theme_help"), self.action_change_theme
        )
        yield SystemCommand(text("palette.quit"), text("palette.quit_help"), self.action_quit)

    def action_command_palette(self) -> None:
        """Show the command palette, its prompt in the user's language."""
        from hecht.tui.shell.palette import HechtPalette

        # is_open takes an App[object], and App[int] is not one to a type checker (it is invariant)
        if self.use_command_palette and not HechtPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                HechtPalette(
                    self.messages("palette.no_matches"),
                    placeholder=self.messages("palette.placeholder"),
                    id="--command-palette",
                )
            )

    def search_themes(self) -> None:
        """The colour themes to choose from (Textual's picker, in the user's language)."""
        from textual.theme import ThemeProvider

        from hecht.tui.shell.palette import HechtPalette

        self.push_screen(
            HechtPalette(
                self.messages("palette.no_matches"),
                providers=[ThemeProvider],
                placeholder=self.messages("palette.theme_placeholder"),
            )
        )

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex to stop a program) says how Hecht quits, in the user's language;
        Textual's own text is English with markup, which Hecht shows as written."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    self.messages("app.quit_with", key=self.get_key_display(active.binding)),
                    title=self.messages("app.quit_title"),
                )
                return

    def action_help(self) -> None:
        """F1: help for the focused widget and the screen's keys; F1 again closes it."""
        from hecht.tui.dialogs.help import HelpModal, help_topic, key_lines

        if self.idle_lock.locked:
            return
        if isinstance(self.screen, HelpModal):
            self.screen.dismiss(None)
            return
        topic = help_topic(self.screen, self.focused)
        self.push_screen(HelpModal(topic, key_lines(self.screen, self.messages)))

    def _fatal_error(self) -> None:
        """Stop after an unexpected error: a short message in the user's language and a crash
        file, neither with client data (Textual's own report prints local variables, which may
        hold a client's name or answers). Textual has set the exit code to 1."""
        from rich.text import Text

        if not self._crash_reported:
            self._crash_reported = True
            self.bell()
            self.panic(Text(self._crash_notice()))
        else:
            self.panic()

    def _crash_notice(self) -> str:
        """Write the crash file; say what happened and where the file is (or that it is not)."""
        from hecht.tui.shell.crash import crash_folder, root_error, write_crash_file

        error = self._exception or RuntimeError()
        kind = type(root_error(error)).__name__
        try:
            path = write_crash_file(error)
        except Exception:  # noqa: BLE001 - the user is told; nothing may hide the message
            return self.messages("crash.stopped_no_file", kind=kind, folder=crash_folder())
        return self.messages("crash.stopped", kind=kind, path=path)

    def on_unmount(self) -> None:
        self.backend.close()
