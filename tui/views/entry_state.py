"""Provides the state of keyboard item entry: where we are, what each key means, paper strings.

Kept free of Textual so that one key press costs a dictionary lookup, and so that every rule of
entry is tested without a screen. A key only proposes an answer; the answer counts (and the entry
moves on) once it is stored, with ``accept``: the screen never shows an answer it has not saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hecht.scales.answers import (
    AnswerError,
    allowed_codes,
    check_code,
    code_as_typed,
    is_code_character,
)
from hecht.scales.model import Item, ScaleDefinition

MISSING_KEY = "-"


class KeyOutcome(StrEnum):
    """What a key did."""

    ANSWERED = "answered"
    PENDING = "pending"
    MISSING = "missing"
    ASK_REASON = "ask_reason"
    REFUSED = "refused"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Answer:
    """An answer to store: the item and the typed code (None for missing, perhaps with why)."""

    item_id: str
    code: str | None
    missing_reason: str | None = None


@dataclass(frozen=True)
class PaperProblem:
    """Where a paper string goes wrong: the 1-based position, the item and why."""

    position: int
    item_id: str
    reason: str


@dataclass
class EntryState:
    """One administration being keyed in, one item at a time.

    Codes of one digit answer with one key; a scale with codes of two digits (or a number range)
    collects digits until Enter.
    """

    definition: ScaleDefinition
    answers: dict[str, str | None] = field(default_factory=dict)
    position: int = 0
    typed: str = ""

    @property
    def items(self) -> list[Item]:
        """The scale's items in form order."""
        return self.definition.items

    @property
    def item(self) -> Item:
        """The item on screen."""
        return self.items[min(self.position, len(self.items) - 1)]

    @property
    def finished(self) -> bool:
        """Whether every item has been passed (the review comes next)."""
        return self.position >= len(self.items)

    @property
    def answered(self) -> int:
        """How many items have an answer or were marked missing."""
        return len(self.answers)

    def single_key(self, item: Item) -> bool:
        """Whether one key answers this item (every code is a single digit)."""
        option_set = self.definition.option_set(item)
        if option_set.options is None:
            return False
        return all(0 <= option.code <= 9 for option in option_set.options)

    @property
    def asks_reason(self) -> bool:
        """Whether the scale wants to know why an item is left missing."""
        return self.definition.scoring.missing.ask_reason

    def allowed(self) -> str:
        """The codes the item on screen accepts, as the hint shows them."""
        return allowed_codes(self.definition, self.item)

    def press(self, key: str) -> tuple[KeyOutcome, Answer | None]:
        """Handle one typed character on the item on screen; an answer is proposed, not kept."""
        if self.finished:
            return KeyOutcome.IGNORED, None
        if key == MISSING_KEY:
            self.typed = ""  # a number half typed is given up: the item is missing
            if self.asks_reason:
                return KeyOutcome.ASK_REASON, None  # marked once the reason is given
            return KeyOutcome.MISSING, Answer(self.item.id, None)
        if not is_code_character(key):
            return KeyOutcome.IGNORED, None
        if not self.single_key(self.item):
            self.typed += key
            return KeyOutcome.PENDING, None
        return self._try(key)

    def confirm_typed(self) -> tuple[KeyOutcome, Answer | None]:
        """Enter after multi-digit typing: store the collected code, or refuse it."""
        if not self.typed:
            return KeyOutcome.IGNORED, None
        typed, self.typed = self.typed, ""
        return self._try(typed)

    def _try(self, typed: str) -> tuple[KeyOutcome, Answer | None]:
        self.typed = ""
        try:
            code = check_code(self.definition, self.item, typed)
        except AnswerError:
            return KeyOutcome.REFUSED, None
        return KeyOutcome.ANSWERED, Answer(self.item.id, code_as_typed(code))

    def missing(self, reason: str | None) -> Answer:
        """The answer that marks the item on screen missing, with the reason given for it."""
        return Answer(self.item.id, None, reason)

    def accept(self, answer: Answer) -> None:
        """Count an answer that was stored: it is kept, and the entry moves past its item."""
        self.answers[answer.item_id] = answer.code
        self.typed = ""
        self.position = [item.id for item in self.items].index(answer.item_id) + 1

    def accept_all(self, answers: list[Answer]) -> None:
        """Count a whole paper form that was stored: every item answered, the entry finished."""
        for answer in answers:
            self.answers[answer.item_id] = answer.code
        self.typed = ""
        self.position = len(self.items)

    def back(self) -> None:
        """Go to the previous item (its answer stays until replaced)."""
        self.typed = ""
        self.position = max(0, self.position - 1)

    def forward(self) -> None:
        """Go to the next item without answering (only past answered items)."""
        if self.item.id in self.answers and not self.finished:
            self.position += 1

    def resume_at_first_open(self) -> None:
        """Put the cursor on the first item without an answer (resuming a draft)."""
        open_items = [i for i, item in enumerate(self.items) if item.id not in self.answers]
        self.position = open_items[0] if open_items else len(self.items)

    def paper(self, text: str) -> tuple[list[Answer], PaperProblem | None]:
        """Check a whole paper string; return every answer, or the first problem's position.

        One character per item when every code is one digit (``-`` or a space marks a missing
        answer); otherwise codes separated by commas or spaces.
        """
        if all(self.single_key(item) for item in self.items) and "," not in text:
            places = list(text.replace(" ", "-")) if " " in text.strip() else list(text.strip())
        else:
            places = [place.strip() for place in text.replace(" ", ",").split(",")]
        answers: list[Answer] = []
        for index, item in enumerate(self.items):
            if index >= len(places):
                return answers, PaperProblem(index + 1, item.id, "missing")
            place = places[index]
            if place in ("", MISSING_KEY):
                answers.append(Answer(item.id, None))
                continue
            try:
                code = check_code(self.definition, item, place)
            except AnswerError:
                return answers, PaperProblem(index + 1, item.id, place)
            answers.append(Answer(item.id, code_as_typed(code)))
        if len(places) > len(self.items):
            return answers, PaperProblem(len(self.items) + 1, "", "too_long")
        return answers, None
