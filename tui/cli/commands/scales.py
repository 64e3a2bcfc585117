"""Provides the ``hecht scales`` command group; the work lives in ``scales_run``.

Building the group must stay cheap: the scale modules with pydantic are imported only when a
command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hecht.tui.cli.commands.group import json_option
from hecht.tui.i18n import Messages


def _run(messages: Messages, name: str, **arguments: Any) -> int:
    from hecht.tui.cli.commands import scales_run

    return int(getattr(scales_run, name)(messages, **arguments))


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``scales`` group: list, show, validate, score, change."""
    version = click.option("--scale-version", help=messages("help.scale_version"))

    @click.group(help=messages("help.scales"))
    def scales() -> None:
        """The scale library."""

    @scales.command("list", help=messages("help.scales.list"))
    @json_option(messages)
    def listing(as_json: bool) -> int:
        return _run(messages, "run_list", as_json=as_json)

    @scales.command(help=messages("help.scales.show"))
    @click.argument("scale", metavar=messages("metavar.id"))
    @version
    @json_option(messages)
    def show(scale: str, scale_version: str | None, as_json: bool) -> int:
        return _run(messages, "run_show", scale=scale, scale_version=scale_version, as_json=as_json)

    @scales.command(help=messages("help.scales.validate"))
    @click.argument("paths", metavar=messages("metavar.path"), nargs=-1, required=True, type=Path)
    @click.option("--lenient", is_flag=True, help=messages("help.lenient"))
    @json_option(messages)
    def validate(paths: tuple[Path, ...], lenient: bool, as_json: bool) -> int:
        return _run(messages, "run_validate", paths=list(paths), lenient=lenient, as_json=as_json)

    @scales.command(help=messages("help.scales.score"))
    @click.argument("scale", metavar=messages("metavar.id"))
    @click.option("--answers", required=True, help=messages("help.answers"))
    @version
    @json_option(messages)
    def score(scale: str, answers: str, scale_version: str | None, as_json: bool) -> int:
        return _run(
            messages,
            "run_score",
            scale=scale,
            answers=answers,
            scale_version=scale_version,
            as_json=as_json,
        )

    @scales.command(help=messages("help.scales.change"))
    @click.argument("scale", metavar=messages("metavar.id"))
    @click.option("--pre", required=True, help=messages("help.pre"))
    @click.option("--post", required=True, help=messages("help.post"))
    @version
    @json_option(messages)
    def change(scale: str, pre: str, post: str, scale_version: str | None, as_json: bool) -> int:
        return _run(
            messages, "run_change", scale=scale, pre=pre, post=post, scale_version=scale_version,
            as_json=as_json,
        )  # fmt: skip

    return {"scales": scales}
