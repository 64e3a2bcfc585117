"""Provides the base of Hecht's screens and dialogs: the backend, texts and settings, typed."""

from __future__ import annotations

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


class HechtModal(HechtAccess, ModalScreen[R], Generic[R]):
    """A dialog of Hecht."""


def conflict_text(error: StaleVersionError, text: Messages) -> str:
    """A change refused because someone else changed the record first: who, what and when."""
    return text("conflict.changed_since", changes=later_changes(error, text))


def later_changes(error: StaleVersionError, text: Messages) -> str:
    """Who changed the record, what and when, since the version the user saw."""
    from hecht.tui.views.formatting import formatter

    fmt, said = formatter(text.language), []
    for change in error.changes:
        who = change.by or text("conflict.unknown_user")
        day, at = fmt.date(change.at.astimezone().date()), f"{change.at.astimezone():%H:%M}"
        if change.retracted:
            said.append(text("conflict.retracted", who=who, date=day, time=at))
            continue
        fields = ", ".join(text.get(f"field.{name}", name) for name in change.fields)
        said.append(text("conflict.changed", who=who, fields=fields, date=day, time=at))
    return "; ".join(said)
