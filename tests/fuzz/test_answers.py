"""Fuzzing typed answers: answer strings, single codes, paper strings and keys in item entry.

Whatever is typed, it is accepted as codes the item offers (written in ASCII digits) or refused
naming the item; nothing else is raised. Cases mix valid answer strings, small edits of them
(Unicode digits, exponents, separators, huge runs) and arbitrary text.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import strategies as st

from hecht.scales.answers import AnswerError, check_code, parse_answers
from hecht.scales.library import load_library
from hecht.scales.model import Item, ScaleDefinition
from hecht.scales.scoring import score
from hecht.tui.views.entry_state import EntryState, KeyOutcome

pytestmark = pytest.mark.fuzz

DEFINITIONS = [entry.definition for entry in load_library(None).latest()]
BY_ID = {definition.id: definition for definition in DEFINITIONS}

STRING_CASES = 2_000
CODE_CASES = 1_000
PAPER_CASES = 2_000
KEY_CASES = 500

NOISE = [
    "\u0663",
    "\uff13",
    "\u09e9",
    "\u00b3",
    "1e0",
    "1_0",
    "+1",
    "-",
    " ",
    ",",
    ".",
    ",,",
    "nan",
    "inf",
    "\x00",
    "\u200b",
    "9" * 5_000,
    "0" * 20,
    "1,5",
    "\n",
    "-1",
    "99",
    "100",
]


def valid_codes(definition: ScaleDefinition, item: Item) -> list[str]:
    """Codes the item accepts, as typed."""
    option_set = definition.option_set(item)
    if option_set.options is not None:
        return [str(option.code) for option in option_set.options]
    bounds = option_set.range
    assert bounds is not None
    return [f"{bounds.min:g}", f"{bounds.max:g}"]


@st.composite
def typed_strings(draw: st.DrawFn, separator: str) -> tuple[str, str]:
    """A scale id and a string typed for it: a valid one, edited, or arbitrary text."""
    definition = draw(st.sampled_from(DEFINITIONS))
    places = [draw(st.sampled_from(valid_codes(definition, item))) for item in definition.items]
    text = separator.join(places)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = (
            text[:at]
            + draw(st.one_of(st.sampled_from(NOISE), st.text(max_size=4)))
            + text[at + cut :]
        )
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.text(max_size=60))
    return definition.id, text


ASCII_NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def is_ascii_number(text: str) -> bool:
    """Written with the digits 0-9 (a leading minus, one decimal point or comma), nothing else."""
    return ASCII_NUMBER.fullmatch(text.strip()) is not None


def accepted_code_fits(definition: ScaleDefinition, item: Item, code: float) -> None:
    """An accepted code is one the item offers, or a value on its range's steps."""
    assert math.isfinite(code)
    option_set = definition.option_set(item)
    if option_set.options is not None:
        assert code in {option.code for option in option_set.options}
    else:
        assert option_set.range is not None
        assert option_set.range.min <= code <= option_set.range.max


def answer_string(case: tuple[str, str]) -> None:
    scale_id, text = case
    definition = BY_ID[scale_id]
    try:
        sheet = parse_answers(definition, text)
    except AnswerError as error:
        assert str(error)
        if error.item:
            definition.item(error.item)  # the item it names exists
        return
    for item, place in zip(definition.items, text.split(","), strict=True):
        code = sheet[item.id]
        if code is None:
            assert not place.strip()
        else:
            assert is_ascii_number(place), f"accepted {place!r} for item {item.id}"
            accepted_code_fits(definition, item, code)
    score(definition, sheet)


def single_code(case: tuple[str, int, str]) -> None:
    scale_id, index, typed = case
    definition = BY_ID[scale_id]
    item = definition.items[index % len(definition.items)]
    try:
        code = check_code(definition, item, typed)
    except AnswerError as error:
        assert error.item == item.id
        assert len(str(error)) < 1_000
        return
    assert is_ascii_number(typed), f"accepted {typed!r}"
    accepted_code_fits(definition, item, code)


def paper_string(case: tuple[str, str]) -> None:
    scale_id, text = case
    definition = BY_ID[scale_id]
    state = EntryState(definition)
    answers, problem = state.paper(text)
    assert [answer.item_id for answer in answers] == [
        item.id for item in definition.items[: len(answers)]
    ]
    for answer in answers:
        if answer.code is not None:
            assert is_ascii_number(answer.code), f"paper accepted {answer.code!r}"
            accepted_code_fits(definition, definition.item(answer.item_id), float(answer.code))
    if problem is not None:
        assert 1 <= problem.position <= len(definition.items) + 1
    else:
        assert len(answers) == len(definition.items)
        assert not any(c.isdigit() and not c.isascii() for c in text), f"accepted {text!r}"


def keys_in_entry(case: tuple[str, list[str]]) -> None:
    scale_id, keys = case
    state = EntryState(BY_ID[scale_id])
    typed = ""  # the keys that make up the answer being typed
    for key in keys:
        if key == "\r":
            outcome, answer = state.confirm_typed()
        elif key == "\b":
            state.back()
            typed = ""
            continue
        else:
            outcome, answer = state.press(key)
            if outcome is KeyOutcome.IGNORED:
                continue  # a key the entry does not take leaves what was typed as it was
            typed += key
        if outcome is KeyOutcome.ANSWERED:
            assert answer is not None and answer.code is not None
            assert is_ascii_number(typed), f"entry accepted {typed!r} as {answer.code!r}"
        if outcome is not KeyOutcome.PENDING:
            typed = ""
    for item_id, code in state.answers.items():
        assert code is None or is_ascii_number(code)
        state.definition.item(item_id)


def test_typed_answer_strings_are_read_as_ascii_codes_or_refused_naming_the_item(fuzz):
    fuzz(typed_strings(","), answer_string, STRING_CASES)


def test_a_single_typed_code_is_an_offered_code_or_refused_naming_the_item(fuzz):
    cases = st.tuples(
        st.sampled_from(sorted(BY_ID)),
        st.integers(0, 100),
        st.one_of(
            st.sampled_from(NOISE),
            st.text(max_size=8),
            st.from_regex(r"-?[0-9]{1,4}([.,][0-9]{0,3})?", fullmatch=True),
        ),
    )
    fuzz(cases, single_code, CODE_CASES)


def test_paper_strings_are_checked_to_the_first_problem_and_never_crash(fuzz):
    fuzz(
        st.one_of(typed_strings(""), typed_strings(","), typed_strings(" ")),
        paper_string,
        PAPER_CASES,
    )


def test_keys_in_item_entry_store_only_ascii_codes(fuzz):
    keys = st.lists(
        st.one_of(
            st.sampled_from(list("0123456789.,-\r\b")), st.sampled_from(NOISE), st.characters()
        ),
        max_size=40,
    )
    fuzz(st.tuples(st.sampled_from(sorted(BY_ID)), keys), keys_in_entry, KEY_CASES)


@pytest.mark.long
def test_long_run_of_typed_answer_strings(fuzz, long_examples):
    fuzz(typed_strings(","), answer_string, long_examples)


@pytest.mark.long
def test_long_run_of_paper_strings(fuzz, long_examples):
    fuzz(st.one_of(typed_strings(""), typed_strings(",")), paper_string, long_examples)
