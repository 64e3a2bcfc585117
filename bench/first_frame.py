"""Provides one measured start: run as a child process, exit at the first full frame, print nothing.

``minimal`` starts a minimal Textual app; ``hecht DB`` starts Hecht and exits at the caseload's
first frame; ``hecht-filled DB`` exits once its rows are shown.
"""

from __future__ import annotations

import os
import sys
import time


def report() -> None:
    """Print the seconds since the parent started this process: the moment measured."""
    print(time.time() - float(os.environ["BENCH_STARTED"]), flush=True)


def minimal() -> None:
    from textual.app import App
    from textual.widgets import Label

    class Minimal(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Label("ready")

        def on_mount(self) -> None:
            self.call_after_refresh(self._done)

        def _done(self) -> None:
            report()
            self.exit()

    Minimal().run(headless=True)


def hecht(url: str, filled: bool) -> None:
    from datetime import UTC, datetime

    from hecht.tui.app import HechtApp
    from hecht.tui.backend import Backend
    from hecht.tui.config import Config
    from hecht.tui.i18n import Messages
    from hecht.tui.screens.caseload import CaseloadScreen

    class Measured(HechtApp):
        def on_screen_resume(self) -> None:
            pass

    if filled:
        original = CaseloadScreen._show

        def shown(self, rows):  # type: ignore[no-untyped-def]
            original(self, rows)
            self.app.call_after_refresh(lambda: (report(), self.app.exit()))

        CaseloadScreen._show = shown  # type: ignore[method-assign]
    else:
        mounted = CaseloadScreen.on_mount

        def first_frame(self):  # type: ignore[no-untyped-def]
            mounted(self)
            self.app.call_after_refresh(lambda: (report(), self.app.exit()))

        CaseloadScreen.on_mount = first_frame  # type: ignore[method-assign]

    def load_library(local):  # type: ignore[no-untyped-def]
        from hecht.scales.library import load_library as load

        return load(local)

    backend = Backend(url, lambda: load_library(None), "bench", lambda: datetime.now(UTC))
    Measured(backend, Messages("en"), Config()).run(headless=True)


if __name__ == "__main__":
    if sys.argv[1] == "minimal":
        minimal()
    else:
        hecht(sys.argv[2], filled=sys.argv[1] == "hecht-filled")
