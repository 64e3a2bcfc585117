"""Provides ``hecht init``: who you are, your language, the database, your batteries, and
encryption of the database (offered, and recommended)."""

from __future__ import annotations

import click

from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.cli.prompts import NoTerminal, Prompter, QuestionaryPrompter
from hecht.tui.cli.yes_no import prompt_words
from hecht.tui.config import Config
from hecht.tui.i18n import Messages


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``init`` command."""

    @click.command(help=messages("help.init"))
    def init() -> int:
        found = click.get_current_context().find_object(Invocation)
        assert found is not None
        try:
            return run_init(found.config, messages)
        except NoTerminal:  # at the first question: nothing was written
            from hecht.tui.config import config_path

            raise UsageError(messages("init.error.needs_terminal", path=config_path())) from None

    return {"init": init}


def run_init(config: Config, messages: Messages, prompter: Prompter | None = None) -> int:
    """Ask the settings in the terminal and write the config file; cancelling writes nothing."""
    from hecht.schema.db.engine import default_database_path
    from hecht.tui.config import Protocols, config_path, save_config
    from hecht.tui.folders import practice_library

    ask = prompter or QuestionaryPrompter(prompt_words(messages))
    name = ask.text(messages("init.practitioner"), config.practitioner or "")
    language = ask.select(messages("init.language"), [("nl", "Nederlands"), ("en", "English")])
    if language in ("nl", "en") and language != messages.language:  # the rest in that language
        messages = Messages("nl" if language == "nl" else "en")
        if isinstance(ask, QuestionaryPrompter):
            ask.words = prompt_words(messages)
    database = ask_database(config.database or str(default_database_path()), messages, ask)
    library = practice_library()
    scales = [
        (e.definition.id, f"{e.definition.short_name} — {e.definition.name.get(messages.language)}")
        for e in library.latest()
    ]
    intake = ask.checkbox(
        messages("init.intake"), [(i, t, i in config.protocols.intake) for i, t in scales]
    )
    visit = ask.checkbox(
        messages("init.visit"), [(i, t, i in config.protocols.visit) for i, t in scales]
    )
    if name is None or language is None or database is None or intake is None or visit is None:
        ask.say(messages("init.cancelled"))
        return 0
    # the closing battery measures what the intake measured, unless the practice set its own
    own_closing = config.protocols.closing != config.protocols.intake
    closing = config.protocols.closing if own_closing else intake
    updated = config.model_copy(
        update={
            "practitioner": name.strip() or None,
            "language": language,
            "database": database.strip() or None,
            "protocols": Protocols(intake=intake, visit=visit, closing=closing),
        }
    )
    if not folder_ready(updated.database, messages, ask):
        ask.say(messages("init.cancelled"))
        return 0
    passphrase = ask_encryption(updated.database, messages, ask)
    if passphrase is not None:  # before the settings: a failure leaves no plain database later
        encrypt(updated.database, passphrase, messages, ask)
    short = {e.definition.id: e.definition.short_name for e in library.latest()}
    said = "init.closing_kept" if own_closing else "init.closing_same"
    named = ", ".join(short.get(scale, scale) for scale in closing) or "—"
    ask.say(messages(said, scales=named, path=config_path()))
    ask.say(messages("init.written", path=save_config(updated)))
    return 0


def ask_database(default: str, messages: Messages, ask: Prompter) -> str | None:
    """Ask where the database is until it is one Hecht can store in (an SQLite file or a
    PostgreSQL URL); None when cancelled. A refused answer is said and offered again to edit."""
    from hecht.schema.db.engine import database_url
    from hecht.tui.cli.invocation import refuse_unusable_backend

    while True:
        database = ask.text(messages("init.database"), default)
        if database is None:
            return None
        try:
            refuse_unusable_backend(database_url(database.strip() or None), messages)
        except UsageError as refused:
            ask.say(str(refused))
            default = database
            continue
        return database


def folder_ready(database: str | None, messages: Messages, ask: Prompter) -> bool:
    """Make the folder of a new SQLite database: Hecht's own data folder as it does on a first
    start, a folder the user named only when they agree (a mistyped path makes no folder)."""
    from hecht.schema.db.engine import database_url, default_database_path, sqlite_file
    from hecht.schema.exchange.files import PRIVATE_FOLDER, private_folder

    path = sqlite_file(database_url(database))
    if path is None or path.parent.is_dir():
        return True
    if path.parent == default_database_path().parent:
        private_folder(path.parent)
        return True
    if not ask.confirm(messages("init.create_folder", folder=path.parent), default=True):
        return False
    try:
        path.parent.mkdir(parents=True, mode=PRIVATE_FOLDER)
    except OSError as error:  # not allowed there, or a file where a folder should be
        reason = error.strerror or type(error).__name__
        raise UsageError(messages("error.cannot_write", path=path.parent, reason=reason)) from None
    return True


def ask_encryption(database: str | None, messages: Messages, ask: Prompter) -> str | None:
    """Offer to encrypt an SQLite database (recommended); return the new passphrase, if chosen.

    Raises:
        UsageError: the passphrase was refused (too short, typed differently); nothing written.
    """
    from hecht.schema.db.cipher import is_encrypted
    from hecht.schema.db.engine import database_url, sqlite_file
    from hecht.tui.cli.unlock import new_passphrase

    path = sqlite_file(database_url(database))
    if path is None:
        ask.say(messages("init.postgresql_not_encrypted"))
        return None
    if is_encrypted(path):
        ask.say(messages("init.already_encrypted", path=path))
        return None
    if not ask.confirm(messages("init.encrypt"), default=True):
        ask.say(messages("init.not_encrypted"))
        return None
    return new_passphrase(messages, ask=lambda prompt: ask.password(prompt) or "", say=ask.say)


def encrypt(database: str | None, passphrase: str, messages: Messages, ask: Prompter) -> None:
    """Encrypt the existing database, or create the new one encrypted, with its schema.

    Raises:
        UsageError: the database could not be encrypted or created; the message says why.
    """
    from hecht.schema.db.cipher import remember_key
    from hecht.schema.db.engine import database_url, sqlite_file
    from hecht.tui.cli.invocation import open_engine
    from hecht.tui.cli.unlock import encrypt_file

    url = database_url(database)
    path = sqlite_file(url)
    assert path is not None  # ask_encryption offers encryption for SQLite files only
    if path.exists() and path.stat().st_size > 0:
        ask.say(messages("init.encrypt_existing", path=path))
        encrypt_file(path, passphrase, messages)
        return
    remember_key(path, passphrase)
    open_engine(url, messages).dispose()  # creates the file, encrypted, with the schema
    ask.say(messages("init.encrypted_new", path=path))
