"""Provides the lock screen: shown after idle time, it holds no client data and covers all.

A whole screen rather than a ModalScreen: a modal lets the screen beneath show through, and a
terminal capture would still hold its characters. Keys typed here stay here (the app delivers
each key to the focused widget of the top screen). Unlocking takes the database's passphrase
or, for a database that is not encrypted, the practitioner's Enter on "Unlock".
"""

from __future__ import annotations

import hmac
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input

from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.widgets.plain import Plain


class LockScreen(HechtScreen[None]):
    """Covers the app until the practitioner unlocks it; the screens beneath stay as they were."""

    DEFAULT_CSS = """
    /* opaque, centred, nothing of the screens beneath */
    LockScreen { align: center middle; background: $background; }
    #lock-box {
        width: 64; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    #lock-title { text-style: bold; margin-bottom: 1; }
    #lock-problem { color: $error; height: auto; }
    """

    AUTO_FOCUS = "#lock-passphrase, #lock-unlock"

    def __init__(self, passphrase: str | None, practitioner: str | None) -> None:
        super().__init__(id="lock")
        self._passphrase = passphrase
        """The database's passphrase (None: not encrypted, Enter on Unlock suffices)."""
        self._practitioner = practitioner

    def compose(self) -> ComposeResult:
        words = self.text
        with Vertical(id="lock-box"):
            yield Plain(words("lock.title"), id="lock-title")
            if self._passphrase is not None:
                yield Plain(words("lock.hint_passphrase"))
                yield Input(
                    password=True, placeholder=words("lock.passphrase"), id="lock-passphrase"
                )
                yield Plain("", id="lock-problem")
            else:
                yield Plain(words("lock.hint_confirm"))
                label = words("lock.unlock")
                if self._practitioner:
                    label = f"{label} — {self._practitioner}"
                yield Button(Content(label), id="lock-unlock", variant="primary")  # as written

    @on(Input.Submitted, "#lock-passphrase")
    def _passphrase_given(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value
        event.input.value = ""
        expected = self._passphrase or ""
        if hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8")):
            self.hecht.idle_lock.unlock()
            return
        problem = self.query_one("#lock-problem", Plain)
        problem.update(self.text("lock.wrong"))

    @on(Button.Pressed, "#lock-unlock")
    def _confirmed(self, event: Button.Pressed) -> None:
        event.stop()
        self.hecht.idle_lock.unlock()

    def key_escape(self, event: Any) -> None:
        """Escape does not leave the lock (it would close a screen beneath otherwise)."""
        event.stop()
