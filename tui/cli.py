"""Provides the ``hecht`` command line: parses arguments and turns every refusal into exit 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from hecht.tui.config import ConfigError, load_config
from hecht.tui.i18n import Messages, detect_language


class UsageError(Exception):
    """Bad input on the command line, already phrased for the user."""


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

    parser = parser_class(messages)(prog="hecht", description=messages("usage.description"))
    parser.add_argument("--lang", choices=("nl", "en"), help=messages("help.lang"))
    parser.add_argument("--demo", action="store_true", help=messages("help.demo_option"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (scales, db, audit, data, client, caseload, report, demo, enter, init):
        group.register(commands, messages)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 refused input, 1 internal error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config()
    except ConfigError as error:
        print(f"hecht: {error}", file=sys.stderr)
        return 2
    messages = Messages(detect_language(language_in(arguments), config.language))
    parser = build_parser(messages)
    args = parser.parse_args(arguments)
    args.config = config
    try:
        if not getattr(args, "run", None):
            from hecht.tui.launch import run_tui

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
