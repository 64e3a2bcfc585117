"""Keyboard entry rules: one key answers and moves on, refusals, going back, paper strings."""

from __future__ import annotations

import pytest

from hecht.tui.views.entry_state import Answer, EntryState, KeyOutcome

from .conftest import LIBRARY


def state(scale_id: str) -> EntryState:
    return EntryState(LIBRARY.get(scale_id))


def answer(entry: EntryState, key: str) -> None:
    """Press a key and count its answer as stored (the screen does so once it is saved)."""
    outcome, given = entry.press(key)
    assert given is not None, outcome
    entry.accept(given)


def test_one_key_proposes_the_answer_and_moves_on_once_it_is_stored():
    entry = state("epds")
    assert entry.press("2") == (KeyOutcome.ANSWERED, Answer("1", "2"))
    assert (entry.position, entry.answers) == (0, {})  # nothing counts before it is stored
    entry.accept(Answer("1", "2"))
    assert (entry.position, entry.item.id, entry.answers) == (1, "2", {"1": "2"})


def test_digits_from_other_scripts_are_not_codes():
    entry = state("epds")
    for key in ("٢", "２", "²"):
        assert entry.press(key)[0] is KeyOutcome.IGNORED
    assert entry.position == 0


def test_a_code_the_item_does_not_have_is_refused_and_nothing_moves():
    entry = state("epds")
    assert entry.press("7") == (KeyOutcome.REFUSED, None)
    assert (entry.position, entry.answers) == (0, {})
    assert entry.allowed() == "0, 1, 2, 3"


def test_letters_and_other_keys_are_ignored():
    entry = state("epds")
    assert entry.press("x")[0] is KeyOutcome.IGNORED
    assert entry.position == 0


def test_minus_marks_the_item_missing_and_moves_on():
    entry = state("who5")
    assert entry.press("-") == (KeyOutcome.MISSING, Answer("1", None))
    entry.accept(Answer("1", None))
    assert entry.answers == {"1": None}


def test_going_back_keeps_the_answer_until_it_is_replaced():
    entry = state("gad7")
    answer(entry, "1")
    answer(entry, "2")
    entry.back()
    assert entry.item.id == "2"
    assert entry.press("0") == (KeyOutcome.ANSWERED, Answer("2", "0"))
    entry.accept(Answer("2", "0"))
    assert entry.answers == {"1": "1", "2": "0"}


def test_after_the_last_item_the_entry_is_finished():
    entry = state("who5")
    for key in "54321":
        answer(entry, key)
    assert entry.finished
    assert entry.press("3")[0] is KeyOutcome.IGNORED


def test_resuming_a_draft_starts_at_the_first_open_item():
    entry = EntryState(LIBRARY.get("who5"), answers={"1": "3", "2": "3", "4": "1"})
    entry.resume_at_first_open()
    assert entry.item.id == "3"


def test_a_paper_string_answers_every_item_in_one_go():
    entry = state("epds")
    answers, problem = entry.paper("0123012301")
    assert problem is None
    assert [a.code for a in answers] == ["0", "1", "2", "3", "0", "1", "2", "3", "0", "1"]


def test_a_dash_in_a_paper_string_is_a_missing_answer():
    answers, problem = state("who5").paper("54-21")
    assert problem is None
    assert answers[2] == Answer("3", None)


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [("0123", 5, "missing"), ("01230123019", 11, "too_long"), ("0129012301", 4, "9")],
)
def test_a_bad_paper_string_points_at_the_position(text, position, reason):
    _, problem = state("epds").paper(text)
    assert problem is not None
    assert (problem.position, problem.reason) == (position, reason)


def test_a_key_the_entry_does_not_take_keeps_the_number_being_typed():
    entry = state("fobs")  # a 0-100 line: digits, then Enter
    assert entry.press("4")[0] is KeyOutcome.PENDING
    assert entry.press("٣")[0] is KeyOutcome.IGNORED
    assert entry.press("2")[0] is KeyOutcome.PENDING
    assert entry.confirm_typed() == (KeyOutcome.ANSWERED, Answer("1", "42"))


def test_minus_gives_up_a_number_half_typed():
    entry = state("fobs")
    entry.press("4")
    assert entry.press("-") == (KeyOutcome.MISSING, Answer("1", None))
    assert entry.typed == ""
