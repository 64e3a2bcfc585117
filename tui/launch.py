"""Provides starting the TUI: settings, backend and app together, signals handled."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from typing import Any

from hecht.tui.i18n import Messages


def run_tui(args: argparse.Namespace, messages: Messages) -> int:
    """Open the app on the chosen database (the demo practice with --demo); return the exit code."""
    from hecht.schema.context import utc_now
    from hecht.tui.app import HechtApp
    from hecht.tui.backend import Backend
    from hecht.tui.context import command_database_url
    from hecht.tui.settings import local_scales_dir

    url = demo_url(messages) if getattr(args, "demo", False) else command_database_url(args)

    def library() -> Any:
        from hecht.scales.library import load_library

        return load_library(local_scales_dir())

    backend = Backend(
        url, library, f"tui:{socket.gethostname()}", utc_now, args.config.practitioner
    )
    app = HechtApp(backend, messages, args.config)
    # Textual does not run its shutdown on SIGHUP or SIGTERM: ask the app to exit instead.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.call_later(app.exit))
    code = app.run()
    if app.error_message:
        print(messages("error.prefix", message=app.error_message), file=sys.stderr)
        return 2
    return code or 0


def demo_url(messages: Messages) -> str:
    """Return the demo practice's database, building it first when it does not exist yet."""
    from hecht.scales.library import load_library
    from hecht.schema.database import open_database
    from hecht.schema.demo import build_demo_practice
    from hecht.schema.engine import database_url
    from hecht.tui.commands.demo import demo_database_path

    path = demo_database_path()
    url = database_url(str(path))
    if not path.exists():
        print(messages("demo.building"), file=sys.stderr)
        engine = open_database(url)
        try:
            build_demo_practice(engine=engine, library=load_library(None))
        finally:
            engine.dispose()
    return url
