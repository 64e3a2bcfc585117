"""Provides the auto-lock: after idle time the lock screen covers the app, nothing beneath it shows.

Idle means no key, paste or mouse click for ``lock_after_minutes`` (the config; 0 never locks;
HECHT_LOCK_AFTER_SECONDS overrides it, for tests). While locked, screens that work in progress
asks for (a read finishing, the next scale of a visit) and notifications wait until the lock is
lifted, so nothing with client data can appear on top of the lock screen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp
    from hecht.tui.config import Config

OVERRIDE = "HECHT_LOCK_AFTER_SECONDS"
ACTIVITY = (events.Key, events.Paste, events.MouseDown, events.MouseScrollUp,
            events.MouseScrollDown)  # fmt: skip
"""What counts as the practitioner at work; a mouse merely moved over the screen does not."""


def idle_clock() -> float:
    """The clock idle time is measured on (the tests move a clock of their own in its place)."""
    return time.monotonic()


def lock_after_seconds(config: Config) -> float | None:
    """The idle time before the lock, in seconds; None when the app never locks."""
    override = os.environ.get(OVERRIDE, "").strip()
    if override:
        try:
            seconds = float(override)
        except ValueError:
            seconds = -1.0
        if seconds > 0:
            return seconds
    minutes = config.lock_after_minutes
    return minutes * 60.0 if minutes > 0 else None


class IdleLock:
    """Watches for idle time, shows the lock screen, and holds back what would show beneath it."""

    def __init__(self, app: HechtApp) -> None:
        self._app = app
        self._last = self._clock()
        self._after = lock_after_seconds(app.config)
        self.locked = False
        self._waiting: list[Callable[[], Any]] = []
        self._palette = True

    @staticmethod
    def _clock() -> float:
        return idle_clock()

    def start(self) -> None:
        """Check for idle time a few times per lock period (at least once a second)."""
        if self._after is not None:
            self._app.set_interval(min(1.0, self._after / 4), self.check)

    def touch(self, event: events.Event) -> None:
        """Note the practitioner's activity."""
        if isinstance(event, ACTIVITY):
            self._last = self._clock()

    def check(self) -> None:
        """Lock when the idle time has passed."""
        if not self.locked and self._after is not None:
            if self._clock() - self._last >= self._after:
                self.lock()

    def lock(self) -> None:
        """Cover the app with the lock screen; toasts already shown are taken away."""
        from hecht.schema.db.cipher import key_for
        from hecht.schema.db.engine import sqlite_file
        from hecht.tui.screens.lock import LockScreen

        if self.locked:
            return
        app = self._app
        app.clear_notifications()
        self._palette, app.use_command_palette = app.use_command_palette, False
        passphrase = key_for(sqlite_file(app.backend.url))
        practitioner = app.backend.practitioner or app.config.practitioner
        app.push_screen(LockScreen(passphrase, practitioner))
        self.locked = True  # from now on other screens wait (the lock itself did not)

    def unlock(self) -> None:
        """Lift the lock: the screen beneath is as it was; what waited is shown now, in order."""
        if not self.locked:
            return
        self.locked = False
        self._last = self._clock()
        app = self._app
        app.use_command_palette = self._palette
        app.pop_screen()
        waiting, self._waiting = self._waiting, []
        for show in waiting:
            show()

    def defer(self, show: Callable[[], Any]) -> bool:
        """Keep something to show until the lock is lifted; False when not locked."""
        if not self.locked:
            return False
        self._waiting.append(show)
        return True
