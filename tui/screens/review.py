"""Provides the review of an administration: the stored answers, total, band, subscales, change.

What it shows is read back from the database (the draft's stored answers and their score), never
what the screen believes was typed; Enter completes it, and only a completion that was stored
closes the review. Another screen may answer the same draft meanwhile: the completion is refused
then (it completes only what the review showed), and the review shows the draft as it is now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from hecht.scales.model import ScaleDefinition
from hecht.schema.readmodels import AdministrationRead
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.wording import unasked_lines
from hecht.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from hecht.tui.backend.entry import ReviewRead


def answers_line(
    definition: ScaleDefinition, administration: AdministrationRead, score: Any
) -> str:
    """Every item's stored code in form order (``—`` for a missing one), as ``1:2  2:0 …``."""
    stored = {answer.item_id: answer.code for answer in administration.answers}
    cells = []
    for item in definition.items:
        code = stored.get(item.id)
        cells.append(f"{item.id}:{score(code)}")
    return "  ".join(cells)


class ReviewScreen(HechtScreen[bool]):
    """The filled-in scale before it is completed: Enter confirms, Escape goes back to fix."""

    DEFAULT_CSS = """
    #review { padding: 1 2; height: 1fr; }
    #review-title { text-style: bold; color: $accent; }
    #review-answers, #review-score { margin: 1 0; }
    """

    BINDINGS = [
        Binding("enter", "confirm", "Confirm", id="review.confirm"),
        Binding("escape", "fix", "Fix", id="review.fix"),
    ]

    def __init__(self, review: ReviewRead, definition: ScaleDefinition, who: str) -> None:
        super().__init__()
        self.administration = review.draft
        self.definition = definition
        self.preview = review.preview
        self.who = who
        self.change = review.change
        self._completing = False

    def compose(self) -> ComposeResult:
        text = self.text
        with Vertical(id="review"):
            day = self.fmt.date(self.administration.observed_at.astimezone().date())
            title = text("review.title", scale=self.definition.short_name, who=self.who)
            yield Plain(f"{title} · {text('entry.filled_in', day=day)}", id="review-title")
            yield Plain(
                answers_line(self.definition, self.administration, self.fmt.score),
                id="review-answers",
            )
            yield Plain(self._score(), id="review-score")
            yield Plain(text("review.confirm_hint"), id="review-hint")
        yield KeyBar()

    def _score(self) -> str:
        text, preview = self.text, self.preview
        asks = unasked_lines(self.definition, preview.missing_items, text)
        if not preview.valid:
            missing = ", ".join(preview.missing_items) or "—"
            return "\n".join([text("review.invalid", missing=missing), *asks])
        bands = {
            band.id: band.label.get(text.language) for band in self.definition.interpretation.bands
        }
        band = f" — {bands[preview.band]}" if preview.band in bands else ""
        lines = []
        if preview.total is not None:  # some scales are read by their subscales alone
            lines.append(text("review.total", total=self.fmt.score(preview.total), band=band))
        labels = {sub.id: sub.label.get(text.language) for sub in self.definition.subscales}
        for name, value in preview.subscales.items():
            shown = self.fmt.score(value)
            lines.append(f"  {labels.get(name, name)}: {shown}")
        if preview.prorated:
            lines.append(text("review.prorated"))
        lines += self._change_lines()
        return "\n".join([*lines, *asks])

    def _change_lines(self) -> list[str]:
        text, change = self.text, self.change
        if change.since_last is None:
            return [text("review.first_time")]
        lines = [
            text(
                "review.change",
                last=self.fmt.score(change.last_total),
                since_last=self.fmt.score(change.since_last, signed=True),
                first=self.fmt.score(change.first_total),
                since_first=self.fmt.score(change.since_first, signed=True),
            )
        ]
        if change.category:
            lines.append(
                text("review.category", category=text(f"change.category.{change.category}"))
            )
        return lines

    def action_fix(self) -> None:
        """Go back to change an answer."""
        if not self._completing:
            self.dismiss(False)

    def action_confirm(self) -> None:
        """Complete the administration: its score is stored and it joins the trajectory."""
        if self._completing:
            return
        self._completing = True
        self.query_one("#review-hint", Plain).update(self.text("review.saving"))
        self._complete()

    @holding_keys(group="review-complete")
    def _complete(self) -> None:
        shown = self.administration.typed_answers()
        try:
            self.backend.complete(self.administration.id, shown)
        except Exception as error:  # noqa: BLE001 - said on screen: the draft stays a draft
            if getattr(error, "reason", None) == "answers_changed_elsewhere":
                self._read_again(error)
                return
            self.app.call_from_thread(self._not_completed, error)
            return
        self.app.call_from_thread(self.app.notify, self.text("review.saved"))
        self.app.call_from_thread(self.dismiss, True)

    def _not_completed(self, error: BaseException) -> None:
        self._completing = False
        self.query_one("#review-hint", Plain).update(
            self.text("review.not_completed", reason=self.reason_for(error))
        )

    def _read_again(self, refusal: BaseException) -> None:
        """Completion refused, the answers changed elsewhere: show the draft as it is now (in the
        review's worker, keys still held), with why; Enter then completes what is shown."""
        try:
            review = self.backend.review(self.administration.id)
        except Exception as error:  # noqa: BLE001 - said on screen: the draft stays a draft
            self.app.call_from_thread(self._not_completed, error)
            return
        self.app.call_from_thread(self._show_again, review, self.reason_for(refusal))

    def _show_again(self, review: ReviewRead, why: str) -> None:
        self.administration, self.preview, self.change = review.draft, review.preview, review.change
        self._completing = False
        self.query_one("#review-answers", Plain).update(
            answers_line(self.definition, self.administration, self.fmt.score)
        )
        self.query_one("#review-score", Plain).update(self._score())
        self.query_one("#review-hint", Plain).update(self.text("review.not_completed", reason=why))
