"""Provides the ``hecht`` command line: parses arguments and turns every refusal into exit 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from hecht.tui.config import ConfigError, load_config
from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages, detect_language


def language_in(argv: Sequence[str]) -> str | None:
    """Return the ``--lang`` value from raw arguments, so help can be shown in that language."""
    for position, argument in enumerate(argv):
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
        if argument == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
    return None


def parser_class(messages: Messages) -> type[argparse.ArgumentParser]:
    """Return a parser class whose every (sub)command takes ``--db``, before or after its name."""

    class HechtParser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.add_argument(
                "--db",
                metavar="PATH_OR_URL",
                default=argparse.SUPPRESS,
                help=messages("help.db_option"),
            )

    return HechtParser


def top_level_parser(messages: Messages) -> argparse.ArgumentParser:
    """Return the parser of the options that stand before any command."""
    parser = parser_class(messages)(prog="hecht", description=messages("usage.description"))
    parser.add_argument("--lang", choices=("nl", "en"), help=messages("help.lang"))
    parser.add_argument("--demo", action="store_true", help=messages("help.demo_option"))
    return parser


TUI_FLAGS = ("--demo",)
TUI_OPTIONS = ("--db", "--lang")


def starts_the_tui(arguments: Sequence[str]) -> bool:
    """Whether the arguments are top-level options only (``hecht``, ``hecht --db F --demo``).

    Those start the TUI, and need none of the commands' parsers: building them all costs a
    noticeable part of the way to the first frame. Anything else (a command, help, a typo)
    goes to the full parser, which knows what to say about it.
    """
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        if argument in TUI_FLAGS or argument.split("=", 1)[0] in TUI_OPTIONS and "=" in argument:
            position += 1
        elif argument in TUI_OPTIONS and position + 1 < len(arguments):
            position += 2
        else:
            return False
    return True


def build_parser(messages: Messages) -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered, its help in the chosen language."""
    from hecht.tui.commands import (
        audit,
        caseload,
        client,
        data,
        db,
        demo,
        enter,
        init,
        report,
        scales,
    )

    parser = top_level_parser(messages)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (scales, db, audit, data, client, caseload, report, demo, enter, init):
        group.register(commands, messages)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 refused input, 1 internal error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    os.umask(0o077)  # every file and folder Hecht creates is its user's alone
    try:
        config = load_config()
    except ConfigError as error:
        print(f"hecht: {error}", file=sys.stderr)
        return 2
    messages = Messages(detect_language(language_in(arguments), config.language))
    only_tui = starts_the_tui(arguments)
    parser = top_level_parser(messages) if only_tui else build_parser(messages)
    args = parser.parse_args(arguments)
    args.config = config
    try:
        if not getattr(args, "run", None):
            from hecht.tui.context import check_location, command_database_url
            from hecht.tui.launch import run_tui

            if not args.demo:
                check_location(command_database_url(args), messages, may_create=True)
            return run_tui(args, messages)
        return int(args.run(args, messages))
    except UsageError as error:
        print(messages("error.prefix", message=error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (hecht … | head): stop quietly, as command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # noqa: BLE001 - the last guard: never show a traceback
        print(
            messages("error.prefix", message=messages("error.internal", kind=type(error).__name__)),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
