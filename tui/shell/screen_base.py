"""Provides the base of Hecht's screens and dialogs: the backend, texts and settings, typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual.app import App

    from hecht.schema.errors import StaleVersionError
    from hecht.tui.app import HechtApp
    from hecht.tui.backend.core import Backend
    from hecht.tui.config import Config
    from hecht.tui.i18n import Messages
    from hecht.tui.shell.typeahead import TypeAhead
    from hecht.tui.views.formatting import Formatter

R = TypeVar("R")
T = TypeVar("T")


class HechtAccess:
    """Typed access to what every screen of Hecht uses, instead of ``self.app`` as ``App``."""

    if TYPE_CHECKING:
        app: App[object]
        """The running app, as Textual's screens have it."""

    @property
    def hecht(self) -> HechtApp:
        """The running Hecht app."""
        return cast("HechtApp", self.app)

    @property
    def backend(self) -> Backend:
        """The one door to storage (call it from workers only)."""
        return self.hecht.backend

    @property
    def text(self) -> Messages:
        """The user-facing texts in the user's language."""
        return self.hecht.messages

    @property
    def config(self) -> Config:
        """The user's settings."""
        return self.hecht.config

    @property
    def typeahead(self) -> TypeAhead:
        """The app's keyboard queue (hold keys while a step is under way)."""
        return self.hecht.typeahead

    @property
    def fmt(self) -> Formatter:
        """Numbers, dates and counts as the user's language writes them."""
        from hecht.tui.views.formatting import formatter

        return formatter(self.text.language)

    def reason_for(self, error: BaseException) -> str:
        """What went wrong, as the user reads it (see ``reason_for``)."""
        return reason_for(error, self.text)

    def show_refusal(self, where: str, message: str, field: str | None = None) -> None:
        """Say why beside its field, put the cursor in the field and bring both into view.

        ``where`` and ``field`` are selectors. A form taller than the terminal (80x24) scrolls:
        a refusal out of sight would make Ctrl+S look as if it did nothing.
        """
        from hecht.tui.widgets.plain import Plain

        screen = cast("Screen[object]", self)
        shown = screen.query_one(where, Plain)
        shown.update(message)
        if field is not None:
            screen.query_one(field).focus(scroll_visible=False)
        screen.call_after_refresh(shown.scroll_visible, animate=False)

    def stored(self, work: Callable[[], object], saved: str) -> bool:
        """From a worker: make a change, then say ``saved``; or say why nothing was stored
        (never a traceback). True when the change was stored."""
        try:
            work()
        except Exception as error:  # noqa: BLE001 - said on screen; nothing was stored
            self.hecht.call_from_thread(self.hecht.notify, self.reason_for(error), severity="error")
            return False
        self.hecht.call_from_thread(self.hecht.notify, saved)
        return True

    def said_not_read(self, error: BaseException) -> bool:
        """From a worker: say that a read met a storage fault (a database held by another
        program, a full or read-only disk: every read is logged, so it writes) and keep what
        the screen shows; False for any other error, which the worker raises as it is."""
        from hecht.schema.db.failures import storage_fault

        if storage_fault(error) is None:
            return False
        said = self.text("storage.not_read", reason=self.reason_for(error))
        self.hecht.call_from_thread(self.hecht.notify, said, severity="error")
        return True


def reason_for(error: BaseException, text: Messages) -> str:
    """What went wrong, as the user reads it: a refusal in its own words, or why the database
    could not store (never the driver's text, which may hold names or answers)."""
    from hecht.schema.db.failures import storage_failure
    from hecht.schema.errors import ServiceError, StaleVersionError
    from hecht.tui.views.service_text import service_error_text

    if isinstance(error, StaleVersionError):
        return conflict_text(error, text)
    if isinstance(error, ServiceError):
        return service_error_text(error, text)
    return text(f"storage.{storage_failure(error).value}")


class HechtScreen(HechtAccess, Screen[R], Generic[R]):
    """A full screen of Hecht."""

    _seen_generation = -1
    """The backend's generation when the screen last read what it shows (-1: not read yet)."""

    @property
    def read_once(self) -> bool:
        """Whether the screen has read what it shows (at least once)."""
        return self._seen_generation >= 0

    def shown_may_be_stale(self) -> bool:
        """Whether what the screen shows may be out of date: it was read, and something was
        stored since (here, or by others sharing the database)."""
        return self.read_once and self.backend.may_have_changed(self._seen_generation)


class RedrawingScreen(HechtScreen[R], Generic[R]):
    """A screen that redraws once after the next refresh, however many keys asked for it
    before then (a held key, a burst of arrows): only the last position is drawn."""

    _redraw_pending = False

    def schedule_redraw(self) -> None:
        """Ask for a redraw after the next refresh (one, however often this is called)."""
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_after_refresh(self._redraw_now)

    def _redraw_now(self) -> None:
        self._redraw_pending = False
        self.redraw()

    def redraw(self) -> None:
        """Draw what the screen shows now."""
        raise NotImplementedError


class HechtModal(HechtAccess, ModalScreen[R], Generic[R]):
    """A dialog of Hecht."""

    DEFAULT_CSS = """
    HechtModal { align: center middle; }
    #alert-box, #form {
        width: 72; height: auto; padding: 1 2; border: thick $error; background: $surface;
    }
    #form { border: round $accent; }
    .field-error { color: $error; }
    """

    def dismiss_after(self, work: Callable[[], T], result: Callable[[T], R]) -> None:
        """From a worker: store or check, then close with the result; a refusal is said in the
        dialog, which stays open to try again (``refused``)."""
        try:
            done = work()
        except Exception as error:  # noqa: BLE001 - said in the dialog; nothing was stored
            self.app.call_from_thread(self.refused, error)
            return
        self.app.call_from_thread(self.dismiss, result(done))

    def refused(self, error: BaseException) -> None:
        """Say in the dialog why its work was refused, and let it be tried again."""
        raise NotImplementedError


def conflict_text(error: StaleVersionError, text: Messages) -> str:
    """A change refused because someone else changed the record first: who, what and when."""
    return text("conflict.changed_since", changes=later_changes(error, text))


def later_changes(error: StaleVersionError, text: Messages) -> str:
    """Who changed the record, what and when, since the version the user saw."""
    from hecht.tui.views.formatting import formatter

    fmt, said = formatter(text.language), []
    for change in error.changes:
        who = change.by or text("history.unknown_user")
        day, at = fmt.date(change.at.astimezone().date()), f"{change.at.astimezone():%H:%M}"
        if change.retracted:
            said.append(text("conflict.retracted", who=who, date=day, time=at))
            continue
        fields = ", ".join(text.get(f"field.{name}", name) for name in change.fields)
        said.append(text("conflict.changed", who=who, fields=fields, date=day, time=at))
    return "; ".join(said)
