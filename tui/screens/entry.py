"""Provides item entry: one item at a time, one key per answer, or a whole paper string at once.

An answer counts once it is stored: the key goes to one writer thread, which commits it, and only
then does the screen move on. Keys typed meanwhile wait (``hecht.tui.shell.typeahead``), so a fast
typist loses nothing and the screen never shows an answer that is not saved. When storing fails
(a full disk, a database held by another program) the item stays on screen with the reason, and
the keys typed after it are not used: they were meant for items that were never reached.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, ProgressBar

from hecht.scales.model import ScaleDefinition
from hecht.schema.errors import ConflictError
from hecht.schema.inputs import NewAdministration, NewVisit
from hecht.schema.readmodels import AdministrationRead, AlertRead
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.views.entry_state import Answer, EntryState, KeyOutcome
from hecht.tui.views.wording import (
    item_wording,
    option_wording,
    other_language_option_wording,
    other_language_wording,
)
from hecht.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from hecht.tui.backend.entry import ReviewRead

SAYS_SAVING_AFTER = 0.3
"""Seconds a save may take before the screen says it is still saving (a busy database)."""


@dataclass(frozen=True)
class EntryTarget:
    """Where the answers go: a draft being resumed, or a scale to start with the first answer
    (and, in a visit, the visit to store along with it)."""

    draft: AdministrationRead | None = None
    new: NewAdministration | None = None
    new_visit: NewVisit | None = None


class EntryScreen(HechtScreen[bool]):
    """Keys in one administration; returns True when it was completed, False when left."""

    DEFAULT_CSS = """
    #entry-position { color: $text-muted; margin-bottom: 1; }
    #entry-label { text-style: bold; margin-bottom: 1; }
    #entry-options { margin-bottom: 1; }
    #entry-alert { color: $error; text-style: bold; margin-bottom: 1; }
    #entry-caution { color: $warning; margin-bottom: 1; }
    """

    AUTO_FOCUS = None
    """The screen itself takes the keys; the paper field gets focus only in paper mode."""

    BINDINGS = [
        Binding("backspace,up", "back", "Back", id="entry.back"),
        Binding("down", "forward", "Next", id="entry.forward"),
        Binding("f2", "paper", "Paper", id="entry.paper"),
        Binding("escape", "leave", "Leave", id="entry.leave"),
    ]

    def __init__(
        self,
        target: EntryTarget,
        definition: ScaleDefinition,
        who: str,
        visit_stored: Callable[[int], None] | None = None,
        caution: str = "",
    ) -> None:
        super().__init__()
        self.caution = caution
        """Said above the items for the whole entry: the scale may not be for this person now."""
        self.target = target
        self.definition = definition
        self.who = who
        self.visit_stored = visit_stored
        """Told the visit's lineage when the first answer stored the visit along with it."""
        draft = target.draft
        answers = {} if draft is None else draft.typed_answers()
        self.state = EntryState(definition, answers)
        self.state.resume_at_first_open()
        self.raised: list[AlertRead] = [] if draft is None else list(draft.alerts)
        """Alerts raised by this administration's answers; acknowledged before the review."""
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._saving = False
        self._problem = ""

    @property
    def draft(self) -> AdministrationRead | None:
        """The stored draft, once it exists (it is stored with the first answer)."""
        return self.target.draft

    def compose(self) -> ComposeResult:
        with Vertical(id="entry"):
            yield Plain(id="entry-title")
            yield Plain(self.caution, id="entry-caution", classes="" if self.caution else "hidden")
            yield Plain(id="entry-position")
            yield Plain(id="entry-label")
            yield Plain(id="entry-options")
            yield ProgressBar(total=len(self.definition.items), show_eta=False, id="entry-progress")
            yield Input(id="paper-input", classes="hidden", disabled=True)
            yield Plain(id="entry-alert", classes="hidden")
            yield Plain(id="entry-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self._writer()
        self.refresh_item()
        self._show_alerts_banner()
        if self.state.finished and self.draft is not None:
            self._finish()  # a resumed draft with every item answered: on to the review

    def on_unmount(self) -> None:
        self._jobs.put(None)

    def refresh_item(self, hint: str = "") -> None:
        """Show the item on screen (or the end of the form), the progress and a hint."""
        language = self.text.language
        filled_in = self.text("entry.filled_in", day=self.fmt.date(self._filled_in()))
        self.query_one("#entry-title", Plain).update(
            f"{self.definition.short_name} — {self.definition.name.get(language)} · {self.who}"
            f" · {filled_in}"
        )
        self.query_one("#entry-progress", ProgressBar).update(progress=self.state.answered)
        self.query_one("#entry-hint", Plain).update(self._problem or hint)
        if self.state.finished:
            self.query_one("#entry-position", Plain).update(self.text("entry.done"))
            self.query_one("#entry-label", Plain).update("")
            self.query_one("#entry-options", Plain).update("")
            return
        item = self.state.item
        self.query_one("#entry-position", Plain).update(
            self.text("entry.position", n=self.state.position + 1, total=len(self.definition.items))
        )
        label = item_wording(item, language)
        suffix = ""
        if item.id in self.state.answers:
            suffix = self.text("entry.current", code=self.state.answers[item.id] or "—")
        original = other_language_wording(item, language)
        self.query_one("#entry-label", Plain).update(
            Content.assemble(
                (f"{item.id}. ", "bold"),
                (label, "bold"),
                suffix,
                *([("\n" + original, "dim italic")] if original else []),
            )
        )
        self.query_one("#entry-options", Plain).update(self._options(item))

    def _filled_in(self) -> date:
        """The day the form was filled in: the one chosen for it, its draft's, or today."""
        new, draft = self.target.new, self.target.draft
        if new is not None and new.observed_on is not None:
            return new.observed_on
        if draft is not None:
            return draft.observed_at.astimezone().date()
        return self.backend.clock().date()

    def _options(self, item: Any) -> Content:
        option_set = self.definition.option_set(item)
        language = self.text.language
        if option_set.range is not None:
            return Content(
                self.text(
                    "entry.range",
                    low=f"{option_set.range.min:g}",
                    high=f"{option_set.range.max:g}",
                )
            )
        lines = []
        for option in option_set.options or []:
            label = option_wording(item, option, language)
            original = other_language_option_wording(item, option, language)
            beside = () if original is None else ("  ", (f"“{original}”", "dim italic"))
            lines.append(Content.assemble("  ", (str(option.code), "bold"), "  ", label, *beside))
        return Content("\n").join(lines)

    def on_key(self, event: events.Key) -> None:
        if not self.query_one("#paper-input", Input).disabled or self._saving:
            return
        if event.key == "enter":
            event.stop()
            self._enter()
            return
        if event.key == "backspace" and self.state.typed:
            event.stop()  # a digit typed too many, before Enter: take it back
            self.state.typed = self.state.typed[:-1]
            self.query_one("#entry-hint", Plain).update(
                self.text("entry.typing", typed=self.state.typed) if self.state.typed else ""
            )
            return
        if event.character is None or len(event.character) != 1:
            return
        outcome, answer = self.state.press(event.character)
        if outcome is KeyOutcome.IGNORED:
            return
        event.stop()
        if outcome is KeyOutcome.ASK_REASON:
            self._ask_reason()
        elif outcome is KeyOutcome.REFUSED:
            self.refresh_item(
                self.text("entry.refused", key=event.character, allowed=self._allowed())
            )
        elif outcome is KeyOutcome.PENDING:
            self.query_one("#entry-hint", Plain).update(
                self.text("entry.typing", typed=self.state.typed)
            )
        elif answer is not None:
            self._save([answer])

    def _ask_reason(self) -> None:
        """Mark the item missing once its reason is given; Escape leaves it unanswered."""

        def given(reason: str | None) -> None:
            if reason is None:
                self.refresh_item()
            else:
                self._save([self.state.missing(reason)])

        self.app.push_screen(self._missing_reason(self.state.item.id), given)

    def _missing_reason(self, item_id: str) -> Any:
        """The question why an item is missing."""
        from hecht.tui.dialogs.reason import ReasonModal

        return ReasonModal(
            self.text("missing.title", item=item_id), self.text("missing.placeholder")
        )

    def _enter(self) -> None:
        if self.state.typed:
            typed = self.state.typed
            outcome, answer = self.state.confirm_typed()
            if outcome is KeyOutcome.REFUSED or answer is None:
                self.refresh_item(self.text("entry.refused", key=typed, allowed=self._allowed()))
                return
            self._save([answer])
        elif self.state.finished:
            self._finish()

    def action_back(self) -> None:
        """Go to the previous item."""
        if not self._saving:
            self.state.back()
            self.refresh_item()

    def action_forward(self) -> None:
        """Go to the next item, past an answered one; past the last, the review opens."""
        if not self._saving:
            self.state.forward()
            self.refresh_item()
            if self.state.finished:
                self._finish()

    def action_leave(self) -> None:
        """Leave the entry: a draft keeps every stored answer; nothing typed, nothing stored."""
        if self.draft is None:
            self.app.notify(self.text("entry.nothing_stored"))
        else:
            answered = self.state.answered
            kept = self.fmt.plural(self.text, "entry.draft_kept_with", answered, count=answered)
            self.app.notify(kept)
        self.dismiss(False)

    def action_paper(self) -> None:
        """Switch to paper mode: the whole string of codes in one field."""
        paper = self.query_one("#paper-input", Input)
        paper.disabled = False
        paper.remove_class("hidden")
        items = len(self.definition.items)
        paper.placeholder = self.fmt.plural(self.text, "entry.paper_placeholder", items, n=items)
        paper.focus()
        self.refresh_item(self.text("entry.paper_hint"))

    @on(Input.Submitted, "#paper-input")
    def _paper_submitted(self, event: Input.Submitted) -> None:
        answers, problem = self.state.paper(event.value)
        if problem is not None:
            kind = problem.reason if problem.reason in ("too_long", "missing") else "bad"
            self.query_one("#entry-hint", Plain).update(
                self.text(
                    f"entry.paper_{kind}",
                    position=problem.position,
                    item=problem.item_id,
                    value=problem.reason,
                )
            )
            event.input.cursor_position = max(0, problem.position - 1)
            return
        self._with_reasons(answers, lambda given: self._save(given, paper=True))

    def _with_reasons(self, answers: list[Answer], then: Callable[[list[Answer]], None]) -> None:
        """Ask why each missing item is missing, where the scale wants to know, then go on.

        Escape at any question stores nothing: the paper string stays in its field.
        """
        waiting = [a for a in answers if a.code is None and a.missing_reason is None]
        if not self.state.asks_reason or not waiting:
            then(answers)
            return

        def given(reason: str | None) -> None:
            if reason is not None:
                reasoned = Answer(waiting[0].item_id, None, reason)
                self._with_reasons([reasoned if a is waiting[0] else a for a in answers], then)

        self.app.push_screen(self._missing_reason(waiting[0].item_id), given)

    def _save(self, answers: list[Answer], paper: bool = False) -> None:
        """Store answers; keys wait until they are stored (or refused), then the screen moves on."""
        from hecht.schema.inputs import GivenAnswer

        self._saving = True
        self.typeahead.hold()
        slow = self.set_timer(SAYS_SAVING_AFTER, self._say_saving)
        backend, target = self.backend, self.target
        given = [GivenAnswer(a.item_id, a.code, a.missing_reason) for a in answers]
        shown = None if target.draft is None else dict(self.state.answers)

        def job() -> None:
            try:
                stored = backend.store_answers(
                    given,
                    administration_id=None if target.draft is None else target.draft.id,
                    new=target.new if target.draft is None else None,
                    new_visit=target.new_visit if target.draft is None else None,
                    paper=paper,
                    shown=shown,
                )
            except Exception as error:  # noqa: BLE001 - said on screen, the draft stays as it was
                self.app.call_from_thread(self._not_stored, error, slow)
                return
            self.app.call_from_thread(self._stored, stored, answers, slow)

        self._jobs.put(job)

    def _say_saving(self) -> None:
        if self._saving:
            self.query_one("#entry-hint", Plain).update(self.text("entry.saving"))

    def _stored(self, stored: Any, answers: list[Answer], slow: Any) -> None:
        slow.stop()
        self.target = replace(self.target, draft=stored.draft, new_visit=None)
        if stored.visit is not None and self.visit_stored is not None:
            self.visit_stored(stored.visit.lineage_id)
        if len(answers) > 1:
            self._close_paper()
            self.state.accept_all(answers)
        else:
            self.state.accept(answers[0])
        self.raised = list(stored.draft.alerts)  # as stored: an answer typed over withdraws one
        self._problem, self._saving = "", False
        self.refresh_item()
        self._show_alerts_banner()
        if self.state.finished:
            self._finish()
        self.typeahead.release()

    def _not_stored(self, error: BaseException, slow: Any) -> None:
        slow.stop()
        self._saving = False
        if isinstance(error, ConflictError) and error.reason == "answered_elsewhere":
            stored = error.details["answers"]  # the draft as stored: show what was stored there
            assert isinstance(stored, dict)
            self.state.answers = dict(stored)
        dropped = self.typeahead.drop_waiting()
        self._problem = self.text("entry.save_failed", reason=self.reason_for(error))
        if dropped:
            dropped_text = self.fmt.plural(self.text, "entry.keys_dropped", dropped, count=dropped)
            self._problem += " " + dropped_text
        self.refresh_item()
        self.typeahead.release()

    def _close_paper(self) -> None:
        paper = self.query_one("#paper-input", Input)
        paper.add_class("hidden")
        paper.disabled = True

    def _allowed(self) -> str:
        """The answers the item on screen takes, as the user's language writes numbers."""
        from hecht.tui.views.answer_text import allowed_text

        return allowed_text(self.definition, self.state.item.id, self.text)

    def _open_alerts(self) -> list[AlertRead]:
        return [alert for alert in self.raised if alert.acknowledged_at is None]

    def _show_alerts_banner(self) -> None:
        """Say at once that an answer raised an alert; it is acknowledged before the review."""
        banner = self.query_one("#entry-alert", Plain)
        waiting = self._open_alerts()
        banner.set_class(not waiting, "hidden")
        if waiting:
            rules = {rule.id: rule for rule in self.definition.interpretation.critical}
            lines = []
            for alert in waiting:
                rule = rules.get(alert.rule_id)
                message = rule.message.get(self.text.language) if rule else alert.rule_id
                lines.append(self.text("entry.alert_banner", item=alert.item, message=message))
            banner.update("\n".join(lines))

    def _finish(self) -> None:
        """Every item passed: acknowledge the alerts this entry raised, then the review."""
        from hecht.tui.dialogs.alert import AlertModal

        waiting = self._open_alerts()
        if not waiting:
            self._review()
            return
        alert = waiting[0]
        rules = {rule.id: rule for rule in self.definition.interpretation.critical}
        rule = rules.get(alert.rule_id)
        message = rule.message.get(self.text.language) if rule else alert.rule_id
        self.app.push_screen(
            AlertModal(alert, message, self.definition.short_name),
            lambda done: self._alert_closed(alert, done),
        )

    def _alert_closed(self, alert: AlertRead, acknowledged: AlertRead | None) -> None:
        """The alert was acknowledged, or found closed meanwhile (withdrawn, or acknowledged
        elsewhere): either way it no longer waits."""
        if acknowledged is None:
            self.raised = [a for a in self.raised if a.id != alert.id]
        else:
            self.raised = [acknowledged if a.id == alert.id else a for a in self.raised]
        self._show_alerts_banner()
        self._finish()

    def _review(self) -> None:
        """Score the stored draft as it stands and show it for confirmation."""
        draft = self.draft
        if draft is None:  # every item passed without a single answer stored: nothing to review
            self.dismiss(False)
            return
        self.typeahead.hold()
        backend = self.backend

        def job() -> None:
            try:
                review = backend.review(draft.id)
            except Exception as error:  # noqa: BLE001 - said on screen
                self.app.call_from_thread(self._review_failed, error)
                return
            self.app.call_from_thread(self._open_review, review)

        self._jobs.put(job)

    def _review_failed(self, error: BaseException) -> None:
        self._problem = self.text("entry.review_failed", reason=self.reason_for(error))
        self.refresh_item()
        self.typeahead.release()

    def _open_review(self, review: ReviewRead) -> None:
        from hecht.tui.screens.review import ReviewScreen

        def after(confirmed: bool | None) -> None:
            if not self.is_attached or self.app.return_code is not None:  # closing: a signal
                return
            if confirmed:
                self.dismiss(True)
            else:
                self.state.back()
                self.refresh_item()

        self.target = replace(self.target, draft=review.draft)
        self.app.push_screen(ReviewScreen(review, self.definition, self.who), after)
        self.typeahead.release()

    @work(thread=True, exclusive=True, group="entry-writer")
    def _writer(self) -> None:
        """Run the stored jobs one by one, in the order the answers were typed."""
        while (job := self._jobs.get()) is not None:
            job()
