"""Provides one completed scale read back item by item, and its correction or retraction.

Each item shows its label, the code typed, the option it stands for and the score it counts for;
above them the total, band and subscales, who entered it when, and how (in the session, from a
paper form). ``c`` corrects answers (a new version, with the reason), ``x`` retracts it (entered
in error, with the reason), ``h`` shows every version and what changed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content

from hecht.scales.model import ScaleDefinition
from hecht.scales.text import Language
from hecht.tui.backend.records import RecordHistory
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.wording import item_wording, option_wording, unasked_lines
from hecht.tui.widgets.plain import Plain, PlainOptions, choice


def item_lines(
    definition: ScaleDefinition, administration: Any, language: Language, score: Any
) -> list[str]:
    """Every item: its label, the code typed, the option's label and the score it counts for."""
    stored = {answer.item_id: answer for answer in administration.answers}
    lines = []
    for item in definition.items:
        label = item_wording(item, language)
        answer = stored.get(item.id)
        if answer is None or answer.code is None:
            why = "" if answer is None or not answer.missing_reason else answer.missing_reason
            lines.append(f"{item.id:>3}. {label}: — {why}".rstrip())
            continue
        option = next(
            (o for o in definition.option_set(item).options or [] if o.code == answer.code), None
        )
        meaning = "" if option is None else f" {option_wording(item, option, language)}"
        counts = "" if answer.score is None else f" → {score(answer.score)}"
        lines.append(f"{item.id:>3}. {label}: {score(answer.code)}{meaning}{counts}")
    return lines


class AdministrationScreen(HechtScreen[None]):
    """One administration as it stands: every answer, the score, who entered it, when and how."""

    DEFAULT_CSS = """
    #administration { padding: 1 2 0 2; height: 1fr; }
    #administration-items { height: 1fr; border: none; padding: 0; }
    #administration-items:focus { border: none; }
    #administration-score { margin: 1 0; }
    """

    BINDINGS = [
        Binding("c", "correct", "Correct", id="administration.correct"),
        Binding("x", "retract", "Retract", id="administration.retract"),
        Binding("h", "history", "History", id="administration.history"),
        Binding("escape", "back", "Back", id="administration.back"),
    ]

    def __init__(self, lineage_id: int, who: str) -> None:
        super().__init__()
        self.lineage_id = lineage_id
        self.who = who
        self.history: RecordHistory | None = None
        self.definition: ScaleDefinition | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="administration"):
            yield Plain(self.text("dossier.loading"), id="administration-head")
            yield Plain("", id="administration-score")
            yield PlainOptions(id="administration-items")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#administration-items", PlainOptions).focus()
        self._load()

    @holding_keys(group="administration")
    def _load(self) -> None:
        try:
            history = self.backend.history("administration", self.lineage_id)
            current = history.current
            definition = self.backend.library.get(current.scale_id, current.scale_version)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self.query_one("#administration-head", Plain).update, self.reason_for(error)
            )
            return
        self.app.call_from_thread(self._show, history, definition)

    def _show(self, history: RecordHistory, definition: ScaleDefinition) -> None:
        self.history, self.definition = history, definition
        current, text = history.current, self.text
        title = f"{definition.short_name} — {definition.name.get(text.language)} · {self.who}"
        entered_by = history.names.get(current.entered_by_id or -1) or text("history.unknown_user")
        meta = text(
            "administration.meta",
            observed=self.fmt.date(current.observed_at.astimezone().date()),
            entered=self.fmt.moment(current.entered_at),
            who=entered_by,
            mode=text(f"administration.mode.{current.mode}"),
            version=current.version,
        )
        if current.status == "retracted":
            meta += "\n" + text("administration.retracted", reason=current.change_reason or "—")
        elif current.version > 1:
            meta += "\n" + text("administration.corrected", reason=current.change_reason or "—")
        head = self.query_one("#administration-head", Plain)
        head.update(Content.assemble((title, "bold"), "\n", meta))
        self.query_one("#administration-score", Plain).update(self._score(current, definition))
        items = self.query_one("#administration-items", PlainOptions)
        items.clear_options()
        lines = item_lines(definition, current, text.language, self.fmt.score)
        items.add_options([choice(line) for line in lines])

    def _score(self, current: Any, definition: ScaleDefinition) -> str:
        from hecht.tui.views.dossier_text import band_label

        text, score = self.text, current.score
        if score is None:
            return text("administration.no_score")
        asks = unasked_lines(definition, score.missing_items, text)
        if not score.valid:
            missing = ", ".join(score.missing_items) or "—"
            return "\n".join([text("review.invalid", missing=missing), *asks])
        band = band_label(definition, score.band, text.language)
        lines = []
        if score.total is not None:  # some scales are read by their subscales alone
            shown = self.fmt.score(score.total)
            lines.append(text("review.total", total=shown, band=f" — {band}" if band else ""))
        labels = {sub.id: sub.label.get(text.language) for sub in definition.subscales}
        for name, value in score.subscales.items():
            shown = self.fmt.score(value)
            lines.append(f"  {labels.get(name, name)}: {shown}")
        if score.prorated:
            lines.append(text("review.prorated"))
        for alert in current.alerts:
            lines.append(text("administration.alert", item=alert.item, level=alert.level))
        return "\n".join([*lines, *asks])

    def _changeable(self) -> bool:
        if self.history is None:
            return False
        if self.history.current.status != "complete":
            self.app.notify(self.text("administration.not_changeable"), severity="warning")
            return False
        return True

    def action_correct(self) -> None:
        """Correct one or more answers: a new version, scored again, with the reason."""
        from hecht.tui.dialogs.correction import CorrectionModal

        if not self._changeable():
            return
        assert self.history is not None and self.definition is not None
        current = self.history.current
        self.app.push_screen(
            CorrectionModal(self.definition, current.typed_answers()), self._corrected
        )

    def _corrected(self, changes: dict[str, str | None] | None) -> None:
        from hecht.tui.dialogs.reason import ReasonModal, with_reason

        if not changes:
            return
        self.app.push_screen(
            ReasonModal(self.text("administration.why_correct")),
            with_reason(lambda reason: self._save_correction(changes, reason)),
        )

    @holding_keys(group="administration-save")
    def _save_correction(self, changes: dict[str, str | None], reason: str) -> None:
        if self.stored(
            lambda: self.backend.correct_administration(
                self.lineage_id, changes, reason, expected_version=self._seen_version()
            ),
            self.text("administration.corrected_saved"),
        ):
            self.app.call_from_thread(self._load)

    def action_retract(self) -> None:
        """Retract an administration entered in error (the wrong client, the wrong scale)."""
        from hecht.tui.dialogs.reason import ReasonModal, with_reason

        if self._changeable():
            self.app.push_screen(
                ReasonModal(self.text("administration.why_retract")),
                with_reason(self._retract),
            )

    @holding_keys(group="administration-save")
    def _retract(self, reason: str) -> None:
        if self.stored(
            lambda: self.backend.retract_administration(
                self.lineage_id, reason, expected_version=self._seen_version()
            ),
            self.text("administration.retracted_saved"),
        ):
            self.app.call_from_thread(self.dismiss, None)

    def _seen_version(self) -> int | None:
        """The version on screen, which a change builds on (None: build on the newest)."""
        return None if self.history is None else self.history.current.version

    def action_history(self) -> None:
        """Every version of this administration and what changed."""
        if self.definition is not None:
            self.hecht.show_history("administration", self.lineage_id, self.definition.short_name)

    def action_back(self) -> None:
        """Back to the dossier."""
        self.dismiss(None)
