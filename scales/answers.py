"""Provides the parsing of typed answer codes into a checked answer sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from hecht.scales.limits import MAX_CODE_CHARACTERS, cut
from hecht.scales.model import Item, ScaleDefinition

AnswerSheet = dict[str, float | None]
"""Item id -> the code typed for it, or None when the item was left unanswered."""


class AnswerProblem(StrEnum):
    """The ways a typed answer can be wrong."""

    COUNT = "count"
    NOT_A_NUMBER = "not_a_number"
    UNKNOWN_CODE = "unknown_code"
    OUT_OF_RANGE = "out_of_range"
    SEVERAL = "several"
    """Several answers to one item where one is expected (a file from another program)."""
    NOTHING = "nothing"
    """Not one item answered: a form brought in from a file that records no answer at all."""


@dataclass
class AnswerError(ValueError):
    """A typed answer the scale cannot accept, with what would have been accepted."""

    problem: AnswerProblem
    item: str = ""
    given: str = ""
    allowed: str = ""
    expected_count: int = 0

    def __str__(self) -> str:
        if self.problem is AnswerProblem.COUNT:
            return f"expected {self.expected_count} answers, got {self.given}"
        if self.problem is AnswerProblem.NOTHING:
            return "not one item is answered"
        if self.problem is AnswerProblem.SEVERAL:
            return f"item {self.item}: {self.given} answers, one expected; allowed: {self.allowed}"
        return f"item {self.item}: '{self.given}' is not an answer; allowed: {self.allowed}"


def allowed_codes(definition: ScaleDefinition, item: Item) -> str:
    """Describe the codes an item accepts, as shown to the person typing."""
    option_set = definition.option_set(item)
    if option_set.range is not None:
        bounds = option_set.range
        return f"{bounds.min:g} to {bounds.max:g} in steps of {bounds.step:g}"
    assert option_set.options is not None
    return ", ".join(str(option.code) for option in option_set.options)


CODE_CHARACTERS = frozenset("0123456789.,")
"""The characters a code or a numeric answer is typed with (a minus sign only leads)."""

_NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
"""ASCII digits only: Python's float() and int() also read Arabic-Indic, full-width and other
Unicode digits, underscores and exponents, none of which a person means as an answer code."""


def is_code_character(key: str) -> bool:
    """Return whether one typed character can be part of a code (ASCII digits, '.' and ',')."""
    return key in CODE_CHARACTERS


def read_number(typed: str) -> float | None:
    """Read a typed code or value written with ASCII digits, an optional leading minus and one
    decimal point or comma; return None for anything else (other digits, exponents, text).
    """
    text = typed.strip()
    if len(text) > MAX_CODE_CHARACTERS or not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", "."))


def check_code(definition: ScaleDefinition, item: Item, typed: str) -> float:
    """Return the code typed for ``item`` as a number, or raise AnswerError naming the item."""
    text = typed.strip()
    code = read_number(text)
    if code is None:
        raise AnswerError(
            AnswerProblem.NOT_A_NUMBER, item.id, cut(text, MAX_CODE_CHARACTERS),
            allowed_codes(definition, item),
        )  # fmt: skip
    option_set = definition.option_set(item)
    if option_set.range is not None:
        bounds = option_set.range
        on_a_step = False
        if bounds.min <= code <= bounds.max:
            steps = (code - bounds.min) / bounds.step
            on_a_step = abs(steps - round(steps)) <= 1e-9
        if not on_a_step:
            raise AnswerError(
                AnswerProblem.OUT_OF_RANGE, item.id, text, allowed_codes(definition, item)
            )
        return code
    assert option_set.options is not None
    if code not in {option.code for option in option_set.options}:
        raise AnswerError(
            AnswerProblem.UNKNOWN_CODE, item.id, text, allowed_codes(definition, item)
        )
    return code


def code_as_typed(code: float | None) -> str | None:
    """A code as it is typed (``2.0`` is typed ``2``); None for an item marked missing."""
    return None if code is None else f"{code:g}"


def parse_answers(definition: ScaleDefinition, typed: str) -> AnswerSheet:
    """Parse comma-separated codes in item order (an empty place is a missing answer).

    Raises:
        AnswerError: the count is wrong or a code is not one the item offers.
    """
    places = typed.split(",")
    if len(places) != len(definition.items):
        raise AnswerError(
            AnswerProblem.COUNT, given=str(len(places)), expected_count=len(definition.items)
        )
    return {
        item.id: None if not place.strip() else check_code(definition, item, place)
        for item, place in zip(definition.items, places, strict=True)
    }


def require_an_answer(sheet: AnswerSheet) -> AnswerSheet:
    """Refuse a completed form brought in from a file (CSV, FHIR) that answers no item at all:
    it holds no measurement, while every item marked missing would be stored and scored as a
    form that was filled in. (On screen, a form whose every item is marked missing is the
    psychologist's deliberate record.)

    Raises:
        AnswerError: with ``NOTHING``.
    """
    if all(code is None for code in sheet.values()):
        raise AnswerError(AnswerProblem.NOTHING)
    return sheet


def item_score(definition: ScaleDefinition, item: Item, code: float) -> float:
    """Return what a checked code counts for this item, reverse keying applied."""
    option_set = definition.option_set(item)
    if option_set.options is None:
        score = code
    else:
        score = next(option.score for option in option_set.options if option.code == code)
    if item.reverse:
        low, high = option_set.score_bounds
        score = low + high - score
    return score
