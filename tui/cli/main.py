"""Provides the ``hecht`` command line (click): the TUI by default, commands loaded on demand.

Plain ``hecht`` with top-level options only starts the TUI without importing click or any
command module; everything else goes through click, in the user's language, and every refusal
exits 2 with one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from hecht.schema.errors import DatabaseOpenError
from hecht.tui.cli.errors import UsageError
from hecht.tui.config import Config, ConfigError, load_config
from hecht.tui.i18n import Messages, detect_language

LANGUAGES = ("nl", "en")
TUI_FLAGS = ("--demo",)
TUI_OPTIONS = ("--db", "--lang")


def language_in(argv: Sequence[str]) -> str | None:
    """Return the ``--lang`` value from raw arguments, so help can be shown in that language."""
    for position, argument in enumerate(argv):
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
        if argument == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
    return None


def tui_options(arguments: Sequence[str]) -> dict[str, Any] | None:
    """The options of a plain start of the TUI (``hecht``, ``hecht --db F --demo``), else None.

    Those need neither click nor any command module: loading them costs a noticeable part of the
    way to the first frame. Anything else (a command, help, a typo, a bad value) goes to click,
    which knows what to say about it.
    """
    found: dict[str, Any] = {"db": None, "lang": None, "demo": False}
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        name, equals, value = argument.partition("=")
        if argument in TUI_FLAGS:
            found["demo"], position = True, position + 1
            continue
        if name in TUI_OPTIONS and equals:
            option, given, position = name[2:], value, position + 1
        elif argument in TUI_OPTIONS and position + 1 < len(arguments):
            option, given, position = argument[2:], arguments[position + 1], position + 2
        else:
            return None
        if found[option] is not None and not same(option, found[option], given):
            return None  # named twice, two ways: click refuses it (``group.given_once``)
        found[option] = found[option] or given  # one database however it is named: the first
    return found if found["lang"] in (None, *LANGUAGES) else None


def same(option: str, first: str, second: str) -> bool:
    """Whether two values of a top-level option say one thing (two paths to one database do)."""
    from hecht.schema.db.engine import same_database

    return same_database(first, second) if option == "db" else first == second


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 refused input, 1 internal error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    os.umask(0o077)  # every file and folder Hecht creates is its user's alone
    try:
        config = load_config()
    except ConfigError as error:
        words = Messages(detect_language(language_in(arguments)))
        print(words("error.prefix", message=error.describe(words)), file=sys.stderr)
        return 2
    messages = Messages(detect_language(language_in(arguments), config.language))
    try:
        options = tui_options(arguments)
        if options is not None:
            return start_tui(options, config, messages)
        from hecht.tui.cli.commands.group import run_click
        from hecht.tui.shell.launch import demo_url

        return run_click(arguments, config, messages, demo_url)
    except UsageError as error:
        print(messages("error.prefix", message=error), file=sys.stderr)
        return 2
    except DatabaseOpenError as error:  # the database: wrong place, driver, schema
        from hecht.tui.views.service_text import database_refusal_text

        print(
            messages("error.prefix", message=database_refusal_text(error, messages)),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:  # Ctrl+C: what a command had not committed is not stored
        print("\n" + messages("error.prefix", message=messages("error.interrupted")),
              file=sys.stderr)  # fmt: skip
        return 130
    except BrokenPipeError:
        # the reader went away (hecht … | head): stop quietly, as command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # noqa: BLE001 - the last guard: never show a traceback
        from hecht.tui.cli.invocation import storage_reason

        reason = storage_reason(error, messages)  # a fault no command words: not "unexpected"
        if reason is not None:
            print(messages("error.prefix", message=messages("error.storage_late", reason=reason)),
                  file=sys.stderr)  # fmt: skip
            return 2
        print(
            messages("error.prefix", message=messages("error.internal", kind=type(error).__name__)),
            file=sys.stderr,
        )
        return 1


def start_tui(options: dict[str, Any], config: Config, messages: Messages) -> int:
    """Open the TUI on the database the options name (the demo practice with ``--demo``)."""
    from hecht.tui.cli.invocation import Invocation, check_location
    from hecht.tui.shell.launch import demo_url, run_tui

    invocation = Invocation(messages, config, options["db"], options["demo"], demo_url)
    url = invocation.database_url()  # the demo practice's own file with --demo, built once
    if not invocation.demo:
        check_location(url, messages, may_create=True)
    return run_tui(url, messages, config, demo=invocation.demo)


if __name__ == "__main__":
    sys.exit(main())
