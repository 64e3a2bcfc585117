"""Provides the review of an administration: answers, total, band, subscales; one key confirms."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from hecht.scales.model import ScaleDefinition
from hecht.schema.readmodels import AdministrationRead, ScoreRead
from hecht.tui.keybar import KeyBar


class ReviewScreen(Screen[bool]):
    """The filled-in scale before it is completed: Enter confirms, Escape goes back to fix."""

    BINDINGS = [
        Binding("enter", "confirm", "Confirm", id="review.confirm", tooltip="Complete and score"),
        Binding("escape", "fix", "Fix", id="review.fix", tooltip="Back to the last item"),
    ]

    def __init__(
        self,
        administration: AdministrationRead,
        definition: ScaleDefinition,
        answers: dict[str, str | None],
        preview: ScoreRead,
        who: str,
        change: Any = None,
    ) -> None:
        super().__init__()
        self.administration = administration
        self.definition = definition
        self.answers = answers
        self.preview = preview
        self.who = who
        self.change = change

    def compose(self) -> ComposeResult:
        text: Any = self.app.messages  # type: ignore[attr-defined]
        with Vertical(id="review"):
            yield Static(
                text("review.title", scale=self.definition.short_name, who=self.who),
                id="review-title",
            )
            yield Static(self._answers(), id="review-answers")
            yield Static(self._score(text), id="review-score")
            yield Static(text("review.confirm_hint"), id="review-hint")
        yield KeyBar()

    def _answers(self) -> str:
        cells = [f"{item.id}:{self.answers.get(item.id) or '—'}" for item in self.definition.items]
        return "  ".join(cells)

    def _score(self, text: Any) -> str:
        preview = self.preview
        if not preview.valid:
            return text("review.invalid", missing=", ".join(preview.missing_items) or "—")
        bands = {
            band.id: band.label.get(text.language) for band in self.definition.interpretation.bands
        }
        band = f" — {bands[preview.band]}" if preview.band in bands else ""
        lines = [text("review.total", total=f"{preview.total:g}", band=band)]
        labels = {sub.id: sub.label.get(text.language) for sub in self.definition.subscales}
        for name, value in preview.subscales.items():
            shown = "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
            lines.append(f"  {labels.get(name, name)}: {shown}")
        if preview.prorated:
            lines.append(text("review.prorated"))
        change = self.change
        if change is not None and change.since_last is not None:
            lines.append(
                text(
                    "review.change",
                    last=f"{change.last_total:g}",
                    since_last=f"{change.since_last:+g}",
                    first=f"{change.first_total:g}",
                    since_first=f"{change.since_first:+g}",
                )
            )
            if change.category:
                lines.append(
                    text("review.category", category=text(f"change.category.{change.category}"))
                )
        elif change is not None:
            lines.append(text("review.first_time"))
        return "\n".join(lines)

    def action_fix(self) -> None:
        """Go back to change an answer."""
        self.dismiss(False)

    def action_confirm(self) -> None:
        """Complete the administration: its score is stored and it joins the trajectory."""
        self.query_one("#review-hint", Static).update(self.app.messages("review.saving"))  # type: ignore[attr-defined]
        self._complete()

    @work(thread=True, exclusive=True, group="review-complete")
    def _complete(self) -> None:
        self.app.backend.complete(self.administration.id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.app.notify, self.app.messages("review.saved"))  # type: ignore[attr-defined]
        self.app.call_from_thread(self.dismiss, True)
