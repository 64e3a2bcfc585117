"""Provides starting the TUI: settings, backend and app together, signals handled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import TYPE_CHECKING

from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp
    from hecht.tui.config import Config


def run_tui(url: str, messages: Messages, config: Config, *, demo: bool = False) -> int:
    """Open the app on the database at ``url`` (the demo practice's with ``demo``); return the
    exit code."""
    from hecht.tui.shell.startup import pause_collection

    pause_collection()  # resumed once the caseload is shown (hecht.tui.shell.startup says why)
    app = make_app(url, messages, config, demo=demo)
    handle_signals(app)
    code = app.run()
    if app.error_message:
        print(messages("error.prefix", message=app.error_message), file=sys.stderr)
        return 2
    if app.return_code:  # 1 after a crash (HechtApp._fatal_error said what happened)
        return app.return_code
    return code or 0


def handle_signals(app: HechtApp) -> None:
    """End the app on SIGTERM and when its terminal is closed (SIGHUP) as Ctrl+Q does.

    Textual does not run its shutdown on these signals (the screens' and the app's unmount, where
    the session's end is logged and the connections are closed): the app is asked to exit.
    """
    signal.signal(signal.SIGTERM, lambda *_: exit_soon(app))
    signal.signal(signal.SIGHUP, lambda *_: terminal_closed(app))


def exit_soon(app: HechtApp) -> None:
    """Ask the app to exit, waking its event loop at once (a signal handler runs between two
    steps of the main thread, possibly while the loop waits for input).

    Keys typed but not handled yet are dropped: acted on during the shutdown, they would open
    and close screens that are being taken down. Every answer the screen showed is stored.
    """

    def stop() -> None:
        app.typeahead.drop_waiting()
        app.exit()

    try:
        asyncio.get_running_loop().call_soon_threadsafe(app.call_later, stop)
    except RuntimeError:  # the loop does not run yet: the app exits as soon as it starts
        app.call_later(stop)


def terminal_closed(app: HechtApp) -> None:
    """The terminal is gone: exit without drawing on it again.

    The kernel sends SIGCONT along with SIGHUP, on which Textual would start its screen again on
    the closed terminal; and a write to a closed terminal fails, which ends Textual's writer
    thread, after which its queue fills and the shutdown waits for it for ever. So SIGCONT gets
    its default meaning back, and what is written from now on goes to /dev/null.
    """
    signal.signal(signal.SIGCONT, signal.SIG_DFL)
    nowhere = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (sys.__stdout__, sys.__stderr__):
        if descriptor is not None:
            os.dup2(nowhere, descriptor.fileno())
    os.close(nowhere)
    exit_soon(app)


def make_app(url: str, messages: Messages, config: Config, *, demo: bool = False) -> HechtApp:
    """Build the app on a database; nothing here waits for storage, so the first frame is early.

    After the first frame the caseload is read the quick way when it can be
    (``hecht.schema.db.quick``, with the scales' cached facts); the database is opened and the
    scale library loaded by the app's workers once the caseload is shown. The benchmarks start the
    app through here too, so they measure what ships.
    """
    from hecht.schema.context import utc_now
    from hecht.tui.app import HechtApp
    from hecht.tui.backend.core import Backend
    from hecht.tui.folders import local_scales_dir
    from hecht.tui.views.scale_facts import cached_facts, load_and_remember
    from hecht.tui.workstation import access_point

    where = access_point("tui")
    scales = local_scales_dir()
    backend = Backend(
        url, lambda: load_and_remember(scales), where, utc_now, config.practitioner,
        facts=lambda: cached_facts(scales),
    )  # fmt: skip
    return HechtApp(backend, messages, config, demo=demo)


def demo_url(messages: Messages) -> str:
    """Return the demo practice's database, building it first when it does not exist yet."""
    from hecht.schema.db.engine import database_url
    from hecht.schema.demo.file import build_demo_file, demo_database_path

    path = demo_database_path()
    if not path.exists():
        print(messages("demo.building"), file=sys.stderr)
        build_demo_file(path)  # interrupted, it leaves no half-built demo to open next time
    return database_url(str(path))
