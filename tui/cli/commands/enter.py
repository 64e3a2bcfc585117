"""Provides ``hecht enter CODE [SCALE]``: the same item entry as line prompts, no full screen.

No draft exists until the first answer is given; from then on every answer is stored as it is
typed, so stopping (Ctrl+C, Escape, a closed terminal) leaves a draft to resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from hecht.tui.cli.commands.group import database_options, invocation
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation, storage_faults_refused
from hecht.tui.cli.prompts import MISSING, NoTerminal, Prompter, QuestionaryPrompter
from hecht.tui.cli.yes_no import prompt_words
from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.scales.model import Item, ScaleDefinition
    from hecht.tui.backend.core import Backend


def commands(messages: Messages) -> dict[str, click.Command]:
    """The ``enter`` command."""

    @click.command(help=messages("help.enter"))
    @click.argument("code", metavar=messages("metavar.code"))
    @click.argument("scale", metavar=f"[{messages('metavar.scale')}]", required=False)
    @click.option(
        "--date", "filled_in", metavar=messages("metavar.date"), help=messages("help.enter.date")
    )
    @database_options(messages)
    def enter(
        code: str, scale: str | None, filled_in: str | None, db: str | None, demo: bool
    ) -> int:
        return run_enter(invocation(db, demo), code, scale, filled_in=filled_in)

    return {"enter": enter}


def open_backend(invocation: Invocation) -> Backend:
    """The backend on the command's database, opened; refuse with the reason."""
    from hecht.schema.context import utc_now
    from hecht.schema.db.database import DatabaseOpenError
    from hecht.tui.backend.core import Backend
    from hecht.tui.cli.invocation import check_location
    from hecht.tui.folders import practice_library
    from hecht.tui.workstation import access_point

    messages = invocation.messages
    check_location(invocation.database_url(), messages, may_create=False)
    backend = Backend(
        invocation.database_url(),
        practice_library(),
        access_point("cli"),
        utc_now,
        invocation.config.practitioner,
    )
    try:
        # registering the practitioner is the first write: a read-only or full database
        with storage_faults_refused(invocation.database_url(), messages):
            backend.open()
    except DatabaseOpenError as error:
        from hecht.tui.views.service_text import database_refusal_text

        raise UsageError(database_refusal_text(error, messages)) from None
    return backend


def filled_in_day(typed: str, messages: Messages) -> date:
    """The day ``--date`` names, checked as a visit's day is typed (``past_day``): a bad one is
    refused before anything is asked or opened."""
    from hecht.schema.context import utc_now
    from hecht.tui.views.formatting import formatter

    today = utc_now().date()  # the backend's clock
    day, refusal = formatter(messages.language).past_day(typed, today, messages, "enter")
    if day is None:
        raise UsageError(messages("enter.date_refused", typed=typed.strip(), reason=refusal))
    return day


def run_enter(
    invocation: Invocation,
    code: str,
    scale: str | None,
    prompter: Prompter | None = None,
    filled_in: str | None = None,
) -> int:
    """Key in one scale for a client with line prompts; each answer is stored as it is given.
    ``filled_in`` is the day the form was filled in as typed after ``--date`` (None: today).

    Returns 0 when completed or kept as a draft, 130 when stopped with Ctrl+C.
    """
    from hecht.scales.library import UnknownScaleError
    from hecht.schema.errors import ServiceError
    from hecht.tui.views.service_text import service_error_text

    messages = invocation.messages
    day = None if filled_in is None else filled_in_day(filled_in, messages)
    ask = prompter or QuestionaryPrompter(prompt_words(messages))
    try:
        invocation.require_practitioner(ask)
        backend = open_backend(invocation)
    except NoTerminal:  # the name was to be asked
        raise UsageError(messages("enter.error.needs_terminal")) from None
    try:
        # reading the client or the drafts, before any answer, may meet a storage fault
        with storage_faults_refused(invocation.database_url(), messages):
            return EntryFlow(backend, messages, ask, day).run(code, scale)
    except NoTerminal:  # at the first question: nothing was stored
        raise UsageError(messages("enter.error.needs_terminal")) from None
    except ServiceError as error:
        raise UsageError(service_error_text(error, messages)) from None
    except UnknownScaleError as error:
        raise UsageError(
            messages("error.unknown_scale", scale=scale, known=", ".join(error.known))
        ) from None
    finally:
        backend.close()


@dataclass
class Entry:
    """A scale being keyed in: the draft once the first answer made it, else what to start."""

    code: str
    scale_id: str
    episode: int | None
    draft: Any = None
    day: date | None = None
    """The day the form was filled in, when it was not today (``--date``)."""


class EntryFlow:
    """Item by item in the terminal: resume a draft or start one, answer, acknowledge, confirm."""

    def __init__(
        self, backend: Backend, messages: Messages, prompter: Prompter, day: date | None = None
    ) -> None:
        self.backend, self.text, self.ask = backend, messages, prompter
        self.day = day
        """The day the form was filled in, as ``--date`` gave it (None: today)."""

    def run(self, code: str, scale_id: str | None) -> int:
        """Return 0 when completed or kept as a draft, 130 when stopped with Ctrl+C."""
        try:
            entry = self._entry(code, scale_id)
        except KeyboardInterrupt:
            self.ask.say(self.text("enter.nothing_stored"))
            return 130
        if entry is None:
            return 0
        try:
            return self._items(entry)
        except KeyboardInterrupt:
            self._stopped(entry)
            return 130
        except Exception as error:
            refusal = self._not_stored(entry, error)
            if refusal is None:
                raise
            raise refusal from None

    def _not_stored(self, entry: Entry, error: BaseException) -> UsageError | None:
        """An answer, an acknowledgement or the completion the database refused (held by another
        program, read-only, a full disk): what was stored, and how to go on; None for any other
        error. What was stored before stays stored: each answer is its own unit of work."""
        from hecht.tui.cli.invocation import storage_reason

        reason = storage_reason(error, self.text)
        if reason is None:
            return None
        key = "enter.not_stored_nothing" if entry.draft is None else "enter.not_stored_draft"
        return UsageError(self.text(key, reason=reason, code=entry.code, scale=entry.scale_id))

    def _items(self, entry: Entry) -> int:
        draft = entry.draft
        version = None if draft is None else draft.scale_version
        definition = self.backend.library.get(entry.scale_id, version)
        for number, item in enumerate(definition.items, start=1):
            if entry.draft is not None and item.id in entry.draft.typed_answers():
                continue  # answered before, or meanwhile on another screen
            given = self._ask(definition, item, number)
            if given is None:
                self._stopped(entry)
                return 0
            for alert in self._store(entry, item.id, given):
                self._acknowledge(alert, definition)
        return self._finish(entry.draft, definition)

    def _store(self, entry: Entry, item_id: str, given: tuple[str | None, str | None]) -> list[Any]:
        """Store one answer; the first one starts the draft along with it (never an empty one).

        An item answered meanwhile elsewhere (another screen, a colleague) keeps that answer:
        this one is not stored over it, and the user is told so.
        """
        from hecht.schema.errors import ConflictError
        from hecht.schema.inputs import GivenAnswer, NewAdministration
        from hecht.schema.tables import EntryMode

        if entry.draft is not None:
            try:
                stored = self.backend.store_answers(
                    [GivenAnswer(item_id, *given)], administration_id=entry.draft.id,
                    shown=entry.draft.typed_answers(),
                )  # fmt: skip
            except ConflictError as refused:
                if refused.reason != "answered_elsewhere":
                    raise
                self.ask.say(self.text("enter.kept_elsewhere", item=item_id))
                entry.draft = self.backend.draft(entry.draft.id)
                return []
            entry.draft = stored.draft
            return list(stored.alerts)

        new = NewAdministration(
            client_code=entry.code,
            scale_id=entry.scale_id,
            episode_lineage_id=entry.episode,
            mode=EntryMode.INTERVIEW,
            observed_on=entry.day,
        )
        stored = self.backend.store_answers([GivenAnswer(item_id, *given)], new=new)
        entry.draft = stored.draft
        return list(stored.alerts)

    def _stopped(self, entry: Entry) -> None:
        if entry.draft is None:
            self.ask.say(self.text("enter.nothing_stored"))
        else:
            self.ask.say(self.text("entry.draft_kept"))
            self.ask.say(self.text("enter.resume_later", code=entry.code, scale=entry.scale_id))

    def _ask(
        self, definition: ScaleDefinition, item: Item, number: int
    ) -> tuple[str | None, str | None] | None:
        """One item: (code, None), (None, reason) when missing, or None when the user stops.

        Where the scale asks why an item is missing, a cancelled or empty reason asks the item
        again: it is not marked missing without one.
        """
        while True:
            typed = self._typed(definition, item, number)
            if typed is None:
                return None
            if typed != MISSING:
                return typed, None
            if not definition.scoring.missing.ask_reason:
                return None, None
            reason = (self.ask.text(self.text("missing.title", item=item.id)) or "").strip()
            if reason:
                return None, reason

    def _typed(self, definition: ScaleDefinition, item: Item, number: int) -> str | None:
        """An option chosen from the list, or a number typed for a numeric (range) item.

        A number is checked where it is typed: one outside the range or between its steps is
        refused with the allowed values and asked again; '-' marks the item missing.
        """
        from hecht.scales.answers import AnswerError, check_code  # pydantic: not at CLI start
        from hecht.tui.views.answer_text import allowed_text
        from hecht.tui.views.formatting import formatter

        question = self._question(definition, item, number)
        bounds = definition.option_set(item).range
        if bounds is None:
            return self.ask.select(question, self._choices(definition, item))
        written = formatter(self.text.language).number
        hint = self.text("enter.number", low=written(bounds.min, 3), high=written(bounds.max, 3))
        while True:
            typed = self.ask.text(f"{question}\n{hint}")
            if typed is None:
                return None
            typed = typed.strip()
            if typed == MISSING:
                return MISSING
            try:
                check_code(definition, item, typed)
            except AnswerError:
                allowed = allowed_text(definition, item.id, self.text)
                self.ask.say(self.text("entry.refused", key=typed[:16], allowed=allowed))
                continue
            return typed

    def _entry(self, code: str, scale_id: str | None) -> Entry | None:
        """Resume the client's draft of the scale, or say what to start at the first answer."""
        if scale_id is not None:
            self.backend.library.get(scale_id)  # an unknown scale is refused before any question
        role, care = self.backend.current_care(code)  # an unknown client is refused here
        episode = None if care is None else care.lineage_id
        if self.day is not None:  # a day outside the episode is refused before any question
            self.backend.check_observed_day(self.day, episode)
        mine = [d for d in self.backend.drafts(code) if scale_id in (None, d.scale_id)]
        if mine:
            from hecht.tui.views.formatting import formatter

            scale = self.backend.library.get(mine[0].scale_id, mine[0].scale_version).short_name
            answers = formatter(self.text.language).count(
                self.text, "count.answer", len(mine[0].answers)
            )
            resume = self.text("enter.resume", scale=scale, answers=answers)
            if self.ask.confirm(resume):
                self._keeps_its_day(mine[0])
                return Entry(code, mine[0].scale_id, episode, mine[0])
        if scale_id is None:
            language = self.text.language
            scales = [
                (
                    entry.definition.id,
                    f"{entry.definition.short_name:<8} {entry.definition.name.get(language)}",
                )
                for entry in self.backend.library.latest()
            ]
            scale_id = self.ask.select(self.text("picker.title"), scales)
            if scale_id is None:
                return None
        if self.day is not None:
            self.ask.say(self.text("enter.filled_in", day=self._day_text(self.day)))
        self._caution(code, role, care, scale_id)
        return Entry(code, scale_id, episode, day=self.day)

    def _keeps_its_day(self, draft: Any) -> None:
        """Say so when a draft resumed was filled in on another day than ``--date`` names: it
        keeps its own."""
        kept = draft.observed_at.astimezone().date()
        if self.day is not None and kept != self.day:
            self.ask.say(self.text("enter.draft_keeps_day", day=self._day_text(kept)))

    def _day_text(self, day: date) -> str:
        from hecht.tui.views.formatting import formatter

        return formatter(self.text.language).date(day)

    def _caution(self, code: str, role: str | None, care: Any, scale_id: str) -> None:
        """Say so before the first item when the scale is not written for this client on the
        day it was filled in."""
        from hecht.tui.views.visit_plan import moment_on

        moment = moment_on(self.day or self.backend.clock().date(), {code: role}, care)
        caution = moment.caution(self.backend.library.get(scale_id), code, code, self.text)
        if caution:
            self.ask.say(caution)

    def _question(self, definition: ScaleDefinition, item: Item, number: int) -> str:
        from hecht.tui.views.wording import item_wording, other_language_wording

        language = self.text.language
        label = item_wording(item, language)
        original = other_language_wording(item, language)
        shown = f"{label} ({original})" if original else label
        return f"{definition.short_name} {number}/{len(definition.items)} · {shown}"

    def _choices(self, definition: ScaleDefinition, item: Item) -> list[tuple[str, str]]:
        from hecht.tui.views.wording import option_wording, other_language_option_wording

        option_set = definition.option_set(item)
        choices = []
        for option in option_set.options or []:
            label = option_wording(item, option, self.text.language)
            original = other_language_option_wording(item, option, self.text.language)
            shown = f"{label} ({original})" if original else label
            choices.append((str(option.code), f"{option.code}  {shown}"))
        return [*choices, (MISSING, self.text("enter.missing"))]

    def _acknowledge(self, alert: Any, definition: ScaleDefinition) -> None:
        """Say what was done about an alert: every action taken, and a note of a few words."""
        from hecht.schema.readmodels import NOTE_MIN_WORDS, AlertAction

        rules = {rule.id: rule for rule in definition.interpretation.critical}
        message = (
            rules[alert.rule_id].message.get(self.text.language)
            if alert.rule_id in rules
            else alert.rule_id
        )
        self.ask.say(self.text("alert.title", level=alert.level.upper()) + " — " + message)
        actions: list[str] = []
        while not actions:
            choices = [(a.value, self.text(f"alert.action.{a.value}"), False) for a in AlertAction]
            actions = self.ask.checkbox(self.text("enter.choose_actions"), choices) or []
        note = self.ask.text(self.text("alert.what_was_done")) or ""
        while len(note.split()) < NOTE_MIN_WORDS:
            self.ask.say(self.text("alert.need_note", words=NOTE_MIN_WORDS))
            note = self.ask.text(self.text("alert.what_was_done")) or ""
        self.backend.acknowledge(alert.id, actions, note.strip())

    def _finish(self, draft: Any, definition: ScaleDefinition) -> int:
        """Show the total of the draft as stored and complete it on confirmation; answers
        changed meanwhile elsewhere are said, and the new total is asked again."""
        from hecht.schema.errors import ConflictError
        from hecht.tui.views.service_text import service_error_text

        while True:
            review = self.backend.review(draft.id)
            self._say_total(review.preview, definition)
            if not self.ask.confirm(self.text("enter.confirm")):
                self.ask.say(self.text("entry.draft_kept"))
                return 0
            try:
                self.backend.complete(draft.id, review.draft.typed_answers())
            except ConflictError as refused:
                if refused.reason != "answers_changed_elsewhere":
                    raise
                self.ask.say(service_error_text(refused, self.text))
                continue
            self.ask.say(self.text("review.saved"))
            return 0

    def _say_total(self, preview: Any, definition: ScaleDefinition) -> None:
        from hecht.tui.views.formatting import formatter

        if preview.valid:
            bands = {
                band.id: band.label.get(self.text.language)
                for band in definition.interpretation.bands
            }
            band = f" — {bands[preview.band]}" if preview.band in bands else ""
            total = formatter(self.text.language).score(preview.total)
            self.ask.say(self.text("review.total", total=total, band=band))
        else:
            self.ask.say(self.text("review.invalid", missing=", ".join(preview.missing_items)))
