"""Provides item entry: one item at a time, one key per answer, or a whole paper string at once.

Every answer is handed to one writer thread the moment it is typed, in order, and committed
there; the screen never waits for the database.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static

from hecht.scales.model import ScaleDefinition
from hecht.schema.readmodels import AdministrationRead, AlertRead
from hecht.tui.dialogs.alert import AlertModal
from hecht.tui.dialogs.missing_reason import MissingReasonModal
from hecht.tui.entry_state import Answer, EntryState, KeyOutcome
from hecht.tui.keybar import KeyBar
from hecht.tui.screens.review import ReviewScreen


class EntryScreen(Screen[bool]):
    """Keys in one administration; the draft is stored answer by answer."""

    AUTO_FOCUS = None
    """The screen itself takes the keys; the paper field gets focus only in paper mode."""

    BINDINGS = [
        Binding("backspace,up", "back", "Back", id="entry.back", tooltip="Previous item"),
        Binding("down", "forward", "Next", id="entry.forward", tooltip="Next answered item"),
        Binding("f2", "paper", "Paper", id="entry.paper", tooltip="Type the whole paper form"),
        Binding("escape", "leave", "Leave", id="entry.leave", tooltip="Keep the draft, leave"),
    ]

    def __init__(
        self, administration: AdministrationRead, definition: ScaleDefinition, who: str
    ) -> None:
        super().__init__()
        self.administration = administration
        self.definition = definition
        self.who = who
        answers = {
            a.item_id: None if a.code is None else f"{a.code:g}" for a in administration.answers
        }
        self.state = EntryState(definition, answers)
        self.state.resume_at_first_open()
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._alerts_open = 0
        self._waiting_review: Any = None

    @property
    def text(self) -> Any:
        """The app's message catalogue."""
        return self.app.messages  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="entry"):
            yield Static(id="entry-title")
            yield Static(id="entry-position")
            yield Static(id="entry-label")
            yield Static(id="entry-options")
            yield ProgressBar(total=len(self.definition.items), show_eta=False, id="entry-progress")
            yield Input(id="paper-input", classes="hidden", disabled=True)
            yield Static(id="entry-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self._writer()
        self.refresh_item()

    def on_unmount(self) -> None:
        self._jobs.put(None)

    def refresh_item(self, hint: str = "") -> None:
        """Show the item on screen (or the end of the form) and the progress."""
        language = self.text.language
        self.query_one("#entry-title", Static).update(
            f"{self.definition.short_name} — {self.definition.name.get(language)} · {self.who}"
        )
        self.query_one("#entry-progress", ProgressBar).update(progress=self.state.answered)
        self.query_one("#entry-hint", Static).update(hint)
        if self.state.finished:
            self.query_one("#entry-position", Static).update(self.text("entry.done"))
            self.query_one("#entry-label", Static).update("")
            self.query_one("#entry-options", Static).update("")
            return
        item = self.state.item
        self.query_one("#entry-position", Static).update(
            self.text("entry.position", n=self.state.position + 1, total=len(self.definition.items))
        )
        label = item.text.get(language) if item.text else item.label.get(language)
        current = self.state.answers.get(item.id, "")
        suffix = (
            ""
            if item.id not in self.state.answers
            else self.text("entry.current", code=current or "—")
        )
        self.query_one("#entry-label", Static).update(f"{item.id}. {label}{suffix}")
        self.query_one("#entry-options", Static).update(self._options(item))

    def _options(self, item: Any) -> str:
        option_set = self.definition.option_set(item)
        language = self.text.language
        if option_set.range is not None:
            return self.text(
                "entry.range", low=f"{option_set.range.min:g}", high=f"{option_set.range.max:g}"
            )
        lines = []
        for option in option_set.options or []:
            wording = item.option_text.get(option.code) or option.text
            label = wording.get(language) if wording else option.label.get(language)
            lines.append(f"  [b]{option.code}[/b]  {label}")
        return "\n".join(lines)

    def on_key(self, event: events.Key) -> None:
        if not self.query_one("#paper-input", Input).disabled:
            return
        if event.key == "enter":
            event.stop()
            self._enter()
            return
        if event.character is None or len(event.character) != 1:
            return
        outcome, answer = self.state.press(event.character)
        if outcome is KeyOutcome.IGNORED:
            return
        event.stop()
        if outcome is KeyOutcome.ASK_REASON:
            self._ask_reason()
            return
        if outcome is KeyOutcome.REFUSED:
            self.refresh_item(
                self.text("entry.refused", key=event.character, allowed=self.state.allowed())
            )
            return
        if outcome is KeyOutcome.PENDING:
            self.query_one("#entry-hint", Static).update(
                self.text("entry.typing", typed=self.state.typed)
            )
            return
        self._store(answer)
        self.refresh_item()
        if self.state.finished:
            self._review()

    def _ask_reason(self) -> None:
        """Mark the item missing once its reason is given; Escape leaves it unanswered."""

        def given(reason: str | None) -> None:
            if reason is None:
                self.refresh_item()
                return
            self._store(self.state.mark_missing(reason))
            self.refresh_item()
            if self.state.finished:
                self._review()

        self.app.push_screen(MissingReasonModal(self.state.item.id), given)

    def _enter(self) -> None:
        if self.state.typed:
            outcome, answer = self.state.confirm_typed()
            if outcome is KeyOutcome.REFUSED:
                self.refresh_item(self.text("entry.refused", key="", allowed=self.state.allowed()))
                return
            self._store(answer)
            self.refresh_item()
        if self.state.finished:
            self._review()

    def action_back(self) -> None:
        """Go to the previous item."""
        self.state.back()
        self.refresh_item()

    def action_forward(self) -> None:
        """Go to the next item, past an answered one."""
        self.state.forward()
        self.refresh_item()

    def action_leave(self) -> None:
        """Leave the entry; the draft keeps every answer given so far."""
        self.app.notify(self.text("entry.draft_kept"))
        self.dismiss(False)

    def action_paper(self) -> None:
        """Switch to paper mode: the whole string of codes in one field."""
        paper = self.query_one("#paper-input", Input)
        paper.disabled = False
        paper.remove_class("hidden")
        paper.placeholder = self.text("entry.paper_placeholder", n=len(self.definition.items))
        paper.focus()
        self.refresh_item(self.text("entry.paper_hint"))

    @on(Input.Submitted, "#paper-input")
    def _paper_submitted(self, event: Input.Submitted) -> None:
        answers, problem = self.state.paper(event.value)
        if problem is not None:
            kind = problem.reason if problem.reason in ("too_long", "missing") else "bad"
            self.query_one("#entry-hint", Static).update(
                self.text(
                    f"entry.paper_{kind}",
                    position=problem.position,
                    item=problem.item_id,
                    value=problem.reason,
                )
            )
            event.input.cursor_position = max(0, problem.position - 1)
            return
        self._with_reasons(answers, self._store_paper)

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

        self.app.push_screen(MissingReasonModal(waiting[0].item_id), given)

    def _store_paper(self, answers: list[Answer]) -> None:
        for answer in answers:
            self.state.answers[answer.item_id] = answer.code
            self._store(answer)
        self.state.position = len(self.definition.items)
        paper = self.query_one("#paper-input", Input)
        paper.add_class("hidden")
        paper.disabled = True
        self.refresh_item()
        self._review()

    def _store(self, answer: Answer | None) -> None:
        if answer is None:
            return
        backend = self.app.backend  # type: ignore[attr-defined]
        administration_id = self.administration.id

        def job() -> None:
            raised = backend.answer(
                administration_id, answer.item_id, answer.code, answer.missing_reason
            )
            if raised:
                self.app.call_from_thread(self._show_alerts, raised)

        self._jobs.put(job)

    def _show_alerts(self, raised: list[AlertRead]) -> None:
        rules = {rule.id: rule for rule in self.definition.interpretation.critical}
        for alert in raised:
            rule = rules.get(alert.rule_id)
            message = rule.message.get(self.text.language) if rule else alert.rule_id
            self._alerts_open += 1
            self.app.push_screen(AlertModal(alert, message), self._alert_closed)

    def _alert_closed(self, _result: None) -> None:
        """After the last open alert is acknowledged, the review that waited for it opens."""
        self._alerts_open -= 1
        if self._alerts_open == 0 and self._waiting_review is not None:
            preview, self._waiting_review = self._waiting_review, None
            self._open_review(preview)

    def _review(self) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        administration_id = self.administration.id

        def job() -> None:
            preview = backend.preview(administration_id)
            change = backend.change(administration_id, preview.total)
            self.app.call_from_thread(self._open_review, (preview, change))

        self._jobs.put(job)

    def _open_review(self, preview: Any) -> None:
        if self._alerts_open:
            self._waiting_review = preview  # an alert comes first
            return

        def after(confirmed: bool | None) -> None:
            if confirmed:
                self.dismiss(True)
            else:
                self.state.back()
                self.refresh_item()

        score, change = preview
        review = ReviewScreen(
            self.administration, self.definition, self.state.answers, score, self.who, change
        )
        self.app.push_screen(review, after)

    @work(thread=True, exclusive=True, group="entry-writer")
    def _writer(self) -> None:
        """Run the stored jobs one by one, in the order the answers were typed."""
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except Exception as error:  # noqa: BLE001 - shown as a hint, never a traceback
                self.app.call_from_thread(
                    self.refresh_item, self.text("entry.save_failed", reason=str(error))
                )
