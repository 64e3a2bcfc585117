"""Provides ``hecht init``: who you are, your language, the database, your batteries."""

from __future__ import annotations

import click

from hecht.tui.config import Config
from hecht.tui.context import Invocation
from hecht.tui.i18n import Messages
from hecht.tui.prompts import Prompter, QuestionaryPrompter


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``init`` command."""

    @click.command(help=messages("help.init"))
    def init() -> int:
        found = click.get_current_context().find_object(Invocation)
        assert found is not None
        return run_init(found.config, messages)

    return {"init": init}


def run_init(config: Config, messages: Messages, prompter: Prompter | None = None) -> int:
    """Ask the settings in the terminal and write the config file; cancelling writes nothing."""
    from hecht.scales.library import load_library
    from hecht.schema.engine import default_database_path
    from hecht.tui.config import Protocols, save_config
    from hecht.tui.settings import local_scales_dir

    ask = prompter or QuestionaryPrompter()
    name = ask.text(messages("init.practitioner"), config.practitioner or "")
    language = ask.select(messages("init.language"), [("nl", "Nederlands"), ("en", "English")])
    database = ask.text(messages("init.database"), config.database or str(default_database_path()))
    library = load_library(local_scales_dir())
    language_now = messages.language
    scales = [
        (e.definition.id, f"{e.definition.short_name} — {e.definition.name.get(language_now)}")
        for e in library.latest()
    ]
    intake = ask.checkbox(
        messages("init.intake"), [(i, t, i in config.protocols.intake) for i, t in scales]
    )
    visit = ask.checkbox(
        messages("init.visit"), [(i, t, i in config.protocols.visit) for i, t in scales]
    )
    if None in (name, language, database, intake, visit):
        ask.say(messages("init.cancelled"))
        return 0
    updated = config.model_copy(
        update={
            "practitioner": name.strip() or None,  # type: ignore[union-attr]
            "language": language,
            "database": database.strip() or None,  # type: ignore[union-attr]
            "protocols": Protocols(intake=intake, visit=visit, closing=intake),  # type: ignore[arg-type]
        }
    )
    ask.say(messages("init.written", path=save_config(updated)))
    return 0
