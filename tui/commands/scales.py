"""Provides the ``hecht scales`` command group; the work lives in ``scales_run``.

Registering must stay cheap: every start of ``hecht`` (the TUI too) builds the parser, and the
scale modules with pydantic cost more than the first frame may.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hecht.tui.i18n import Messages


def runner(name: str) -> Callable[[argparse.Namespace, Messages], int]:
    """Return a command that imports its implementation only when it runs."""

    def run(args: argparse.Namespace, messages: Messages) -> int:
        from hecht.tui.commands import scales_run

        return int(getattr(scales_run, name)(args, messages))

    return run


def register(commands: Any, messages: Messages) -> None:
    """Add the ``scales`` command group to the top-level parser."""
    group = commands.add_parser("scales", help=messages("help.scales"))
    sub = group.add_subparsers(dest="scales_command", metavar="SUBCOMMAND", required=True)

    listing = sub.add_parser("list", help=messages("help.scales.list"))
    listing.set_defaults(run=runner("run_list"))

    show = sub.add_parser("show", help=messages("help.scales.show"))
    show.add_argument("scale", metavar="ID")
    show.add_argument("--version", dest="scale_version")
    show.set_defaults(run=runner("run_show"))

    validate = sub.add_parser("validate", help=messages("help.scales.validate"))
    validate.add_argument("paths", metavar="PATH", nargs="+", type=Path)
    validate.add_argument("--lenient", action="store_true", help=messages("help.lenient"))
    validate.set_defaults(run=runner("run_validate"))

    scoring = sub.add_parser("score", help=messages("help.scales.score"))
    scoring.add_argument("scale", metavar="ID")
    scoring.add_argument("--answers", required=True, help=messages("help.answers"))
    scoring.add_argument("--version", dest="scale_version")
    scoring.set_defaults(run=runner("run_score"))

    change = sub.add_parser("change", help=messages("help.scales.change"))
    change.add_argument("scale", metavar="ID")
    change.add_argument("--pre", required=True)
    change.add_argument("--post", required=True)
    change.add_argument("--version", dest="scale_version")
    change.set_defaults(run=runner("run_change"))

    for parser in (listing, show, validate, scoring, change):
        parser.add_argument("--json", action="store_true", help=messages("help.json"))
