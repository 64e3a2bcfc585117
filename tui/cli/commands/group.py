"""Provides the click group of ``hecht``: commands loaded when named, options shared, exits.

Each command module offers ``commands(messages)``: its click commands, their help in the user's
language. The group imports a module only when one of its commands runs or help lists it.
"""

from __future__ import annotations

import copy
import importlib
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from hecht.schema.db.engine import same_database
from hecht.tui.cli.errors import UsageError, undecodable
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.tui.config import Config

COMMAND_MODULES = {
    "scales": "scales",
    "db": "db",
    "audit": "audit",
    "backup": "data",
    "restore": "data",
    "export": "data",
    "import": "data",
    "import-csv": "data",
    "client": "client",
    "caseload": "caseload",
    "report": "report",
    "demo": "demo",
    "enter": "enter",
    "init": "init",
}
"""Every command, and the module (``hecht.tui.cli.commands.*``) that defines it."""
OPENS_NO_DATABASE = ("scales", "init")
BASIC_TYPES = ("text", "integer", "float")
"""click's types whose English names click shows: as a metavar (TEXT) and in refusals."""


class LazyGroup(click.Group):
    """A group whose commands are imported only when they are needed."""

    def __init__(self, *args: Any, messages: Messages, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages = messages

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"hecht.tui.cli.commands.{module_name}")
        command: click.Command = module.commands(self.messages)[cmd_name]
        in_language(command, self.messages)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in OPENS_NO_DATABASE and (ctx.params.get("db") or ctx.params.get("demo")):
            raise click.UsageError(self.messages("error.db_not_used", command=name), ctx)
        return name, command, rest


SECRETS = ("study_key",)
"""Options whose value is a secret: a refusal names the option, never the value typed."""


class UnicodeText(click.types.StringParamType):
    """click's text, refusing an argument that is not UTF-8: a terminal in another encoding
    passes bytes Python keeps as stand-ins (lone surrogates), which no database, key or report
    can hold. Paths keep click's own type: a file name may be any bytes the system allows."""

    def __init__(self, messages: Messages) -> None:
        self.messages = messages

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = super().convert(value, param, ctx)
        as_typed = undecodable(text)
        if as_typed is not None and param is not None and param.name in SECRETS:
            self.fail(self.messages("error.not_utf8_secret"), param, ctx)  # never echoed
        if as_typed is not None:
            self.fail(self.messages("error.not_utf8", given=as_typed), param, ctx)
        return text


def in_language(command: click.Command, messages: Messages) -> None:
    """Word the placeholders of a command's usage line and of its options (and its
    subcommands') for the user; plain text arguments are read as ``UnicodeText``."""
    command.options_metavar = messages("click.options_metavar")
    for parameter in command.params:
        if parameter.type is click.STRING:
            parameter.type = UnicodeText(messages)
        word_type(parameter, messages)
    if isinstance(command, click.Group):
        command.subcommand_metavar = messages("click.subcommand_metavar")
        for sub in command.commands.values():
            in_language(sub, messages)


def word_type(parameter: click.Parameter, messages: Messages) -> None:
    """Word an option of one of click's basic types for the user: its metavar (``TEXT``,
    ``INTEGER``) and the type's name in a refusal ("'x' is geen geldig geheel getal").

    click derives both from the type's English name, which no gettext call translates; the
    shared type is copied, so a command built in the other language keeps its own words.
    """
    name = parameter.type.name
    if name not in BASIC_TYPES or not isinstance(parameter, click.Option) or parameter.is_flag:
        return
    if parameter.metavar is None:
        more = "..." if parameter.nargs != 1 else ""
        parameter.metavar = messages(f"metavar.{name}") + more
    worded = copy.copy(parameter.type)
    worded.name = messages(f"click.{name}")
    parameter.type = worded


def database_options(messages: Messages, *, demo: bool = True) -> Callable[[Any], Any]:
    """Add ``--db`` (and ``--demo``) to a command that opens a database."""

    def decorate(function: Any) -> Any:
        if demo:
            function = click.option("--demo", is_flag=True, help=messages("help.demo_command"))(
                function
            )
        return db_option(messages)(function)

    return decorate


def db_option(messages: Messages) -> Callable[[Any], Any]:
    """``--db``, which names one database however often it is given."""
    return click.option(
        "--db", metavar=messages("metavar.path_or_url"), help=messages("help.db_option"),
        multiple=True, callback=given_once(messages, same_database),
    )  # fmt: skip


def given_once(
    messages: Messages, same: Callable[[Any, Any], bool] = operator.eq
) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """The callback of an option that may be repeated only with the same value (click would
    take the last one without a word: ``--db A … --db B`` worked on B); ``same`` says which
    values are one (two paths to one database file are)."""

    def one_value(_context: click.Context, parameter: click.Parameter, given: Any) -> Any:
        named: list[Any] = []
        for value in given:
            if not any(same(value, earlier) for earlier in named):
                named.append(value)
        if len(named) > 1:
            option = f"--{parameter.name}"
            raise UsageError(
                messages("error.option_twice", option=option, first=named[0], second=named[1])
            )
        return named[0] if named else None

    return one_value


def json_option(messages: Messages) -> Callable[[Any], Any]:
    """Add ``--json`` (machine-readable output)."""
    return click.option("--json", "as_json", is_flag=True, help=messages("help.json"))


def plain_option(messages: Messages) -> Callable[[Any], Any]:
    """Add ``--plain``: readable output of an encrypted database's data to a file or a pipe
    (``output.guard_plain``)."""
    return click.option("--plain", is_flag=True, help=messages("help.plain"))


def invocation(
    db: str | None = None, demo: bool = False, *, demo_allowed: bool = True
) -> Invocation:
    """The invocation of the running command, with its own ``--db``/``--demo`` applied.

    Raises:
        UsageError: ``--demo`` where it makes no sense, or together with ``--db``; two
            different ``--db`` (before and after the command): which one was meant?
    """
    context = click.get_current_context()
    base = context.find_object(Invocation)
    assert base is not None
    if db is not None and base.db is not None and not same_database(db, base.db):
        raise UsageError(
            base.messages("error.option_twice", option="--db", first=base.db, second=db)
        )
    found = Invocation(base.messages, base.config, db or base.db, demo or base.demo, base.demo_url)
    if found.demo and not demo_allowed:
        raise UsageError(base.messages("error.demo_not_here", command=context.command_path))
    if found.demo and found.db:
        raise UsageError(base.messages("error.demo_and_db"))
    return found


def build_group(
    messages: Messages, config: Config, demo_url: Callable[[Messages], str]
) -> click.Group:
    """Return the ``hecht`` group, its help and options in the user's language."""

    @click.group(
        cls=LazyGroup,
        messages=messages,
        help=messages("usage.description"),
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @db_option(messages)
    @click.option("--demo", is_flag=True, help=messages("help.demo_option"))
    @click.option(
        "--lang",
        type=click.Choice(("nl", "en")),
        help=messages("help.lang"),
        multiple=True,
        callback=given_once(messages),
    )
    @click.version_option(package_name="hecht", prog_name="hecht", help=messages("help.version"))
    @click.pass_context
    def hecht(context: click.Context, db: str | None, demo: bool, lang: str | None) -> None:
        context.obj = Invocation(messages, config, db, demo, demo_url)

    in_language(hecht, messages)
    return hecht


def run_click(
    arguments: Sequence[str],
    config: Config,
    messages: Messages,
    demo_url: Callable[[Messages], str],
) -> int:
    """Run ``hecht`` with click; return the exit code. Usage errors exit 2, in one language."""
    from hecht.tui.cli.commands.click_text import speak

    speak(messages)
    group = build_group(messages, config, demo_url)
    try:
        result = group.main(list(arguments), prog_name="hecht", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return int(stop.exit_code)
    except click.exceptions.Abort:  # Ctrl+C at one of click's own prompts: said as any Ctrl+C
        raise KeyboardInterrupt from None
    except click.ClickException as error:
        error.show()
        return 2
    return int(result or 0)
