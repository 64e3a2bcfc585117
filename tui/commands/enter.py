"""Provides ``hecht enter CODE [SCALE]``: the same item entry as line prompts, no full screen."""

from __future__ import annotations

import argparse
from typing import Any

from hecht.tui.errors import UsageError
from hecht.tui.i18n import Messages
from hecht.tui.prompts import Prompter, QuestionaryPrompter


def register(commands: Any, messages: Messages) -> None:
    """Add the ``enter`` command."""
    enter = commands.add_parser("enter", help=messages("help.enter"))
    enter.add_argument("code", metavar="CODE")
    enter.add_argument("scale", metavar="SCALE", nargs="?")
    enter.set_defaults(run=run_enter)


def open_backend(args: argparse.Namespace, messages: Messages) -> Any:
    """The backend on the command's database, opened; refuse with the reason."""
    from hecht.scales.library import load_library
    from hecht.schema.context import utc_now
    from hecht.schema.database import DatabaseOpenError
    from hecht.tui.backend import Backend
    from hecht.tui.context import Invocation, access_point, check_location
    from hecht.tui.settings import local_scales_dir

    invocation = Invocation.from_args(args, messages)
    check_location(invocation.database_url(), messages, may_create=False)
    library = load_library(local_scales_dir())
    backend = Backend(
        invocation.database_url(),
        library,
        access_point("cli"),
        utc_now,
        getattr(args, "config", None) and args.config.practitioner,
    )
    try:
        backend.open()
    except DatabaseOpenError as error:
        raise UsageError(str(error)) from None
    return backend


def run_enter(
    args: argparse.Namespace, messages: Messages, prompter: Prompter | None = None
) -> int:
    """Key in one scale for a client with line prompts; each answer is stored as it is given."""
    from hecht.schema.errors import ServiceError

    prompter = prompter or QuestionaryPrompter()
    backend = open_backend(args, messages)
    try:
        return EntryFlow(backend, messages, prompter).run(args.code, args.scale)
    except ServiceError as error:
        raise UsageError(str(error)) from None
    finally:
        backend.close()


class EntryFlow:
    """Item by item in the terminal: resume a draft or start one, answer, acknowledge, confirm."""

    def __init__(self, backend: Any, messages: Messages, prompter: Prompter) -> None:
        self.backend, self.text, self.ask = backend, messages, prompter

    def run(self, code: str, scale_id: str | None) -> int:
        """Return 0 when completed or kept as a draft."""
        draft = self._draft(code, scale_id)
        if draft is None:
            return 0
        definition = self.backend.library.get(draft.scale_id, draft.scale_version)
        answered = {answer.item_id for answer in draft.answers}
        for number, item in enumerate(definition.items, start=1):
            if item.id in answered:
                continue
            given = self._ask(definition, item, number)
            if given is None:
                self.ask.say(self.text("entry.draft_kept"))
                return 0
            raised = self.backend.answer(draft.id, item.id, *given)
            for alert in raised:
                self._acknowledge(alert, definition)
        return self._finish(draft, definition)

    def _ask(self, definition: Any, item: Any, number: int) -> tuple[str | None, str | None] | None:
        """One item: (code, None), (None, reason) when missing, or None when the user stops.

        Where the scale asks why an item is missing, a cancelled or empty reason asks the item
        again: it is not marked missing without one.
        """
        while True:
            typed = self.ask.select(
                self._question(definition, item, number), self._choices(definition, item)
            )
            if typed is None:
                return None
            if typed != "-":
                return typed, None
            if not definition.scoring.missing.ask_reason:
                return None, None
            reason = (self.ask.text(self.text("missing.title", item=item.id)) or "").strip()
            if reason:
                return None, reason

    def _draft(self, code: str, scale_id: str | None) -> Any:
        mine = [d for d in self.backend.drafts(code) if scale_id in (None, d.scale_id)]
        resume = (
            self.text("enter.resume", scale=mine[0].scale_id, n=len(mine[0].answers))
            if mine
            else ""
        )
        if mine and self.ask.confirm(resume):
            return mine[0]
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
        episode = self.backend.current_episode(code)
        return self.backend.start(code, scale_id, episode_lineage_id=episode, mode="interview")

    def _question(self, definition: Any, item: Any, number: int) -> str:
        label = (
            item.text.get(self.text.language) if item.text else item.label.get(self.text.language)
        )
        return f"{definition.short_name} {number}/{len(definition.items)} · {label}"

    def _choices(self, definition: Any, item: Any) -> list[tuple[str, str]]:
        option_set = definition.option_set(item)
        choices = []
        for option in option_set.options or []:
            wording = item.option_text.get(option.code) or option.text
            label = (
                wording.get(self.text.language) if wording else option.label.get(self.text.language)
            )
            choices.append((str(option.code), f"{option.code}  {label}"))
        return [*choices, ("-", self.text("enter.missing"))]

    def _acknowledge(self, alert: Any, definition: Any) -> None:
        from hecht.schema.tables import AlertAction

        rules = {rule.id: rule for rule in definition.interpretation.critical}
        message = (
            rules[alert.rule_id].message.get(self.text.language)
            if alert.rule_id in rules
            else alert.rule_id
        )
        self.ask.say(self.text("alert.title", level=alert.level.upper()) + " — " + message)
        action: str | None = None
        while action is None:
            choices = [(a.value, self.text(f"alert.action.{a.value}")) for a in AlertAction]
            action = self.ask.select(self.text("alert.choose_action"), choices)
        note = ""
        while not note.strip():
            note = self.ask.text(self.text("alert.what_was_done")) or ""
        self.backend.acknowledge(alert.id, action, note.strip())

    def _finish(self, draft: Any, definition: Any) -> int:
        preview = self.backend.preview(draft.id)
        if preview.valid:
            bands = {
                band.id: band.label.get(self.text.language)
                for band in definition.interpretation.bands
            }
            band = f" — {bands[preview.band]}" if preview.band in bands else ""
            self.ask.say(self.text("review.total", total=f"{preview.total:g}", band=band))
        else:
            self.ask.say(self.text("review.invalid", missing=", ".join(preview.missing_items)))
        if self.ask.confirm(self.text("enter.confirm")):
            self.backend.complete(draft.id)
            self.ask.say(self.text("review.saved"))
        else:
            self.ask.say(self.text("entry.draft_kept"))
        return 0
