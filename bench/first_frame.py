"""Provides one measured start: run as a child process, exit at the first full frame, print nothing.

``minimal`` starts a minimal Textual app; ``hecht DB`` starts Hecht through its command line (the
config read, the parser built, the app made as ``hecht`` makes it, headless) as a practitioner
whose name is in the settings (the folder HECHT_CONFIG names), and exits at the
caseload's first frame; ``hecht-filled DB`` exits once its rows are shown; ``app DB`` exits at
the first frame too, but starts where the command line hands over to the app; ``hecht-demo``
starts ``hecht --demo`` with a data folder of its own, so the demo practice is built first, and
exits once the caseload's rows are shown.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path


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


def demo() -> None:
    """Start ``hecht --demo`` as a new user does: no demo file yet, so it is built, then shown."""
    with tempfile.TemporaryDirectory() as data:
        os.environ["XDG_DATA_HOME"] = data  # where platformdirs puts Hecht's files on Linux
        hecht(None, filled=True)
        built = list(Path(data).rglob("hecht-demo.db"))
    if not built:
        raise SystemExit("the demo was not built in the data folder given: nothing measured")


def hecht(url: str | None, filled: bool, command_line: bool = True) -> None:
    """Start Hecht the way the ``hecht`` command does, on ``url`` (None: ``--demo``); report at
    the frame wanted.

    Without ``command_line`` the app starts as the command starts it after reading its
    arguments and config file: what the app itself costs, apart from the command line.
    """
    from hecht.tui.shell import launch

    build = launch.make_app

    def measured_app(*args, **kwargs):  # type: ignore[no-untyped-def]
        app = build(*args, **kwargs)
        watch(app, filled)
        app.run = partial(app.run, headless=True)  # type: ignore[method-assign]
        return app

    launch.make_app = measured_app  # type: ignore[assignment]
    if url is not None:
        named()
    if command_line:
        from hecht.tui.cli.main import main

        main(["--demo"] if url is None else ["--db", url])
    else:
        from hecht.schema.db.engine import database_url
        from hecht.tui.config import load_config
        from hecht.tui.i18n import Messages

        config = load_config()
        launch.run_tui(database_url(url, config.database), Messages("en"), config)


PRACTITIONER = 'practitioner = "Bench Practitioner"\n'


def named() -> None:
    """A practitioner's everyday start: their name is in the settings (HECHT_CONFIG's folder),
    so the caseload is read at once; a first start would ask the name before any row."""
    folder = Path(os.environ["HECHT_CONFIG"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(PRACTITIONER, encoding="utf-8")


def watch(app, filled: bool) -> None:  # type: ignore[no-untyped-def]
    """Report and exit at the caseload's first frame, or once its rows are shown."""
    from hecht.tui.screens.caseload import CaseloadScreen

    def done() -> None:
        report()
        app.exit()

    if filled:
        original = CaseloadScreen._show

        def shown(self, *rows):  # type: ignore[no-untyped-def]
            original(self, *rows)  # the rows, and whatever the screen passes with them
            self.app.call_after_refresh(done)

        CaseloadScreen._show = shown  # type: ignore[method-assign]
    else:
        mounted = CaseloadScreen.on_mount

        def first_frame(self):  # type: ignore[no-untyped-def]
            mounted(self)
            self.app.call_after_refresh(done)

        CaseloadScreen.on_mount = first_frame  # type: ignore[method-assign]


if __name__ == "__main__":
    if sys.argv[1] == "minimal":
        minimal()
    elif sys.argv[1] == "hecht-demo":
        demo()
    else:
        hecht(sys.argv[2], filled=sys.argv[1] == "hecht-filled", command_line=sys.argv[1] != "app")
