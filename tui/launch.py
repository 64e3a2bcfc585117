"""Provides starting the TUI: settings, backend and app together, signals handled."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp
    from hecht.tui.config import Config
    from hecht.tui.context import Invocation


def run_tui(invocation: Invocation) -> int:
    """Open the app on the chosen database (the demo practice with --demo); return the exit code."""
    from hecht.tui.startup import pause_collection

    messages = invocation.messages
    invocation.demo_url = demo_url
    url = invocation.database_url()  # the demo practice's own file with --demo
    pause_collection()  # resumed once the caseload is shown (hecht.tui.startup says why)
    app = make_app(url, messages, invocation.config, demo=invocation.demo)
    # Textual does not run its shutdown on SIGHUP or SIGTERM: ask the app to exit instead.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.call_later(app.exit))
    code = app.run()
    if app.error_message:
        print(messages("error.prefix", message=app.error_message), file=sys.stderr)
        return 2
    return code or 0


def make_app(url: str, messages: Messages, config: Config, *, demo: bool = False) -> HechtApp:
    """Build the app on a database; nothing here waits for storage, so the first frame is early.

    After the first frame the caseload is read the quick way when it can be (``hecht.schema.quick``,
    with the scales' cached facts); the database is opened and the scale library loaded by the
    app's workers once the caseload is shown. The benchmarks start the app through here too, so
    they measure what ships.
    """
    from hecht.schema.context import utc_now
    from hecht.tui.app import HechtApp
    from hecht.tui.backend import Backend
    from hecht.tui.context import access_point
    from hecht.tui.scale_facts import cached_facts, load_and_remember
    from hecht.tui.settings import local_scales_dir

    where = access_point("tui")
    scales = local_scales_dir()
    backend = Backend(
        url, lambda: load_and_remember(scales), where, utc_now, config.practitioner,
        facts=lambda: cached_facts(scales),
    )  # fmt: skip
    return HechtApp(backend, messages, config, demo=demo)


def demo_url(messages: Messages) -> str:
    """Return the demo practice's database, building it first when it does not exist yet."""
    from hecht.schema.demo_file import build_demo_file, demo_database_path
    from hecht.schema.engine import database_url

    path = demo_database_path()
    if not path.exists():
        print(messages("demo.building"), file=sys.stderr)
        build_demo_file(path)  # interrupted, it leaves no half-built demo to open next time
    return database_url(str(path))
