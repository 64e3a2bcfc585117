"""Provides what a command needs to reach the dossiers: the database and the acting user.

Storage is imported only to open the database, so the TUI can pick its database on the way to
the first frame without waiting for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hecht.schema.db.engine import (
    SQLITE_PREFIX,
    database_url,
    default_database_path,
    sqlite_file,
)
from hecht.tui.cli.errors import UsageError, undecodable
from hecht.tui.i18n import Messages
from hecht.tui.workstation import access_point

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from hecht.schema.context import Actor
    from hecht.tui.cli.output import Progress
    from hecht.tui.cli.prompts import Prompter
    from hecht.tui.config import Config


def command_actor() -> Actor:
    """Return the actor for a command-line access, identified by this workstation."""
    from hecht.schema.context import Actor

    return Actor(user_id=None, access_point=access_point("cli"))


@dataclass
class Invocation:
    """One run of ``hecht``: the language, the settings and the database options given.

    ``demo_url`` returns the demo practice's database (built on first use); it is handed in by
    whoever starts the command, so this module never imports the demo builder.
    """

    messages: Messages
    config: Config
    db: str | None = None
    demo: bool = False
    demo_url: Callable[[Messages], str] | None = field(default=None, repr=False)

    def database_url(self) -> str:
        """The database to work on: the demo's with --demo, else --db, HECHT_DB, the config
        file, the default. In demo mode the real database is never named, so never touched."""
        if self.demo:
            if self.demo_url is None:
                raise UsageError(self.messages("error.demo_not_here"))
            return self.demo_url(self.messages)
        if self.db is not None and password_in(self.db):
            raise UsageError(self.messages("db.error.password_on_command_line"))
        url = database_url(self.db, self.config.database)
        as_typed = undecodable(url)
        if as_typed is not None:  # SQLite and PostgreSQL take UTF-8 names only
            shown = as_typed.removeprefix(SQLITE_PREFIX)
            raise UsageError(self.messages("error.db_not_utf8", given=shown))
        return url

    def database_file(self) -> Path | None:
        """The SQLite file worked on, or None for a PostgreSQL database."""
        return sqlite_file(self.database_url())

    def practitioner(self) -> str:
        """The practitioner the settings name ("" when none)."""
        return (self.config.practitioner or "").strip()

    def actor(self, session: Any = None) -> Actor:
        """Who acts, as the audit log records it: the configured practitioner (registered in
        this database the first time, as the TUI does) at ``cli:user@host``.

        Raises:
            UsageError: with a session, when no practitioner is named outside the demo: nothing
                is logged under the workstation's user alone (``require_practitioner`` asks
                before the database is opened; this is the backstop, and the unit of work
                rolls back).
        """
        from dataclasses import replace

        actor = command_actor()
        name = self.practitioner()
        if session is None or (self.demo and not name):
            return actor
        if not name:
            raise self.who_acts()
        from hecht.schema.services.clients import practitioner_named

        return replace(actor, user_id=practitioner_named(session=session, actor=actor, name=name))

    def require_practitioner(
        self, ask: Prompter | None = None, *, may_create: bool = False
    ) -> None:
        """Make sure the access log can name the practitioner, before the database is opened:
        in a terminal the name is asked once and kept in the settings, as the TUI's first start
        asks it; elsewhere (a script, a pipe) the command is refused, saying where to add it.
        A database that cannot be there (``refuse_bad_location``) is refused first: nobody
        types their name only to hear the file is missing.

        Raises:
            UsageError: the database named cannot be used, no name given (or too short), the
                settings could not be written, or no terminal to ask in.
        """
        if self.demo or self.practitioner():
            return
        refuse_bad_location(self.database_url(), self.messages, may_create=may_create)
        if ask is None:
            from hecht.tui.cli.prompts import QuestionaryPrompter, interactive
            from hecht.tui.cli.yes_no import prompt_words

            if not interactive():
                raise self.who_acts()

            ask = QuestionaryPrompter(prompt_words(self.messages))
        self.config = asked_practitioner(self.config, self.messages, ask)

    def who_acts(self) -> UsageError:
        from hecht.tui.config import config_path

        return UsageError(self.messages("error.who_acts", path=config_path()))


def asked_practitioner(config: Config, messages: Messages, ask: Prompter) -> Config:
    """The settings with the practitioner's name asked and saved.

    Raises:
        UsageError: no name given (or too short), or the settings could not be written.
    """
    from hecht.tui.config import PRACTITIONER_MAX_LENGTH, PRACTITIONER_MIN_LENGTH, save_config

    ask.say(messages("practitioner.why"))
    name = " ".join((ask.text(messages("init.practitioner")) or "").split())
    if len(name) < PRACTITIONER_MIN_LENGTH:
        raise UsageError(messages("practitioner.needed"))
    updated = config.model_copy(update={"practitioner": name[:PRACTITIONER_MAX_LENGTH]})
    try:
        save_config(updated)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(messages("practitioner.not_saved", reason=reason)) from None
    return updated


def password_in(url: str) -> bool:
    """Whether a database URL carries a password (``postgresql://user:secret@host/db``)."""
    from urllib.parse import urlsplit

    if "://" not in url:
        return False  # a path to an SQLite file
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False  # a malformed URL is refused where it is opened


def check_location(url: str, messages: Messages, *, may_create: bool) -> None:
    """Refuse an SQLite database that cannot be there (``refuse_bad_location``); unlock an
    encrypted one (``hecht.tui.cli.unlock``).

    Every command and the TUI pass here before opening their database, so the passphrase is
    asked here, once per process, before any screen starts.

    Raises:
        UsageError: naming the path, what is wrong and how to go on.
    """
    refuse_bad_location(url, messages, may_create=may_create)
    path = sqlite_file(url)
    if path is None:
        return
    from hecht.tui.cli.unlock import unlock

    unlock(path, messages)


USABLE_BACKENDS = ("sqlite", "postgresql")
"""The databases Hecht stores in; any other URL is refused before a driver is looked for."""


def refuse_unusable_backend(url: str, messages: Messages) -> None:
    """Refuse the URL of a database Hecht does not store in (only SQLite files and PostgreSQL;
    not SQLite in memory).

    Raises:
        UsageError: naming the URL (without its password) and what to give instead.
    """
    backend = url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else "sqlite"
    if backend == "sqlite" and "://" in url and sqlite_file(url) is None:
        # SQLite in memory: what a command stores there is gone when it ends
        raise UsageError(messages("db.error.in_memory", url=url))
    if backend not in USABLE_BACKENDS:
        from sqlalchemy.exc import ArgumentError

        try:
            shown = shown_database(url)
        except ArgumentError:  # not even a URL: its scheme is what is wrong
            shown = f"{backend}://…"
        raise UsageError(messages("db.error.bad_url", url=shown))


def refuse_bad_location(url: str, messages: Messages, *, may_create: bool) -> None:
    """Refuse an SQLite database that is a folder, lies in a missing folder, or is missing.

    Hecht's own data folder may be missing (a first start creates it); a folder the user named
    must exist. Only commands that create a database (``may_create``) accept a missing (or
    empty) file.

    Raises:
        UsageError: naming the path, what is wrong and how to go on; or the URL of a database
            Hecht does not store in (``refuse_unusable_backend``).
    """
    refuse_unusable_backend(url, messages)
    path = sqlite_file(url)
    if path is None:
        return
    if path.is_dir():
        raise UsageError(messages("db.error.is_folder", path=path))
    own_folder = path.parent == default_database_path().parent
    if not path.parent.is_dir() and not own_folder:
        raise UsageError(messages("db.error.no_folder", path=path, folder=path.parent))
    if not may_create and (not path.exists() or path.stat().st_size == 0):
        raise UsageError(messages("db.error.missing", path=path))


@contextmanager
def opened_database(
    invocation: Invocation, *, may_create: bool = False, url: str | None = None
) -> Iterator[Engine]:
    """Open the command's database (or ``url``, where the command chose another: the demo's)
    for the length of the block, and close it after.

    The one place a command reaches its database: checked where it lies, opened (schema
    upgraded after a verified backup when older), refused with the reason. An encrypted
    database is unlocked on the way (``check_location``).

    Raises:
        UsageError: the database cannot be used; the message says why and what to do.
    """
    url = url or invocation.database_url()
    check_location(url, invocation.messages, may_create=may_create)
    engine = open_engine(url, invocation.messages)
    try:
        with storage_faults_refused(url, invocation.messages):
            yield engine
    finally:
        engine.dispose()


@contextmanager
def storing_forms(invocation: Invocation) -> Iterator[tuple[Any, Progress]]:
    """An import's one unit of work on the command's database, with a progress line on a
    terminal (``output.progress_line``): the session and what counts the forms stored."""
    from hecht.schema.db.database import unit_of_work
    from hecht.tui.cli.output import progress_line

    with (
        progress_line(invocation.messages) as progress,
        opened_database(invocation) as engine,
        unit_of_work(engine) as session,
    ):
        yield session, progress


@contextmanager
def storage_faults_refused(url: str, messages: Messages) -> Iterator[None]:
    """Turn a storage fault met in the block (``storage_refusal``) into a refusal naming the
    database, the reason and the fix; every other error goes on as it is."""
    try:
        yield
    except Exception as error:
        refusal = storage_refusal(error, url, messages)
        if refusal is None:
            raise
        raise refusal from None


def shown_database(url: str) -> str:
    """The database as a message names it: the file's path, or the URL without its password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    from hecht.schema.db.engine import describe_url

    return describe_url(url)


def storage_reason(error: BaseException, messages: Messages) -> str | None:
    """Why the database or its disk refused (held by another program, read-only, full), in the
    user's words; None for any other error (never the driver's text: it may hold client data)."""
    from hecht.schema.db.failures import storage_fault

    failure = storage_fault(error)
    return None if failure is None else messages(f"storage.{failure.value}")


def storage_refusal(error: BaseException, url: str, messages: Messages) -> UsageError | None:
    """A command's unit of work that the database or its disk refused, as a refusal naming the
    database, the reason and the fix; None for any other error. The unit of work was rolled
    back: nothing of it was stored."""
    reason = storage_reason(error, messages)
    if reason is None:
        return None
    said = messages("error.storage", database=shown_database(url), reason=reason)
    return UsageError(said, reason=reason)


def open_engine(url: str, messages: Messages) -> Engine:
    """Open a database (``open_database``), turning every reason it cannot into a refusal."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from hecht.schema.db.database import DatabaseOpenError, open_database

    try:
        return open_database(url)
    except DatabaseOpenError as error:
        from hecht.tui.views.service_text import database_refusal_text

        failure = error.values.get("failure")
        reason = None if failure is None else messages(f"storage.{failure}")
        raise UsageError(database_refusal_text(error, messages), reason=reason) from None
    except (ArgumentError, NoSuchModuleError):
        raise UsageError(messages("db.error.bad_url", url=url)) from None
