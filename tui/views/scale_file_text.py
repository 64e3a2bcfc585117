"""Provides a refused scale file's problems in words: which file, where in it, what, the fix.

The scales layer says each problem in English and names its kind with the values that fill it in
(``hecht.scales.problems.Problem``); this says it in the reader's language from the catalogue
(``scale_file.problem.<kind>``). Keys, ids and values are quoted as the file writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hecht.scales.problems import TOP_LEVEL, Problem
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import formatter, plural

if TYPE_CHECKING:
    from hecht.scales.library import Refusal

PLACES = ("byte", "column", "end", "line")
"""The values that put a problem in the text, most precise first (a column comes with its line,
the end of the file with its last line)."""
LISTS = ("actual", "expected")
"""The values of an example's alerts or unanswered items: a list, empty when there are none."""


def place_text(problem: Problem, messages: Messages) -> str:
    """Where the problem is: a place in the text (line, column, byte), or a key path as written
    in the file ("" for the file as a whole)."""
    for place in PLACES:
        if place in problem.values:
            return messages(f"scale_file.where.{place}", **problem.values)
    return messages("scale_file.where.top") if problem.where == TOP_LEVEL else problem.where


def _filled(problem: Problem, messages: Messages) -> dict[str, str]:
    """The problem's values, with what the sentence says in words: the value given, tomllib's
    reason, an allowed range, an empty list."""
    values = {"got": "", **problem.values}
    if problem.values.get("got"):
        values["got"] = messages("scale_file.got", value=problem.values["got"])
    reason = f"scale_file.toml.{values.get('toml')}"
    if reason in messages.keys():
        values["reason"] = messages(reason, detail=values.get("detail", ""))
    if "step" in values and problem.kind == "example_answer":
        number = formatter(messages.language).number
        low, high, step = (number(float(values[name]), 3) for name in ("low", "high", "step"))
        values["allowed"] = messages("answer.allowed_range", low=low, high=high, step=step)
    if problem.kind in ("example_alerts", "example_unanswered"):
        for name in LISTS:
            values[name] = values[name] or messages("scale_file.none_listed")
    return values


def problem_text(problem: Problem, messages: Messages) -> str:
    """One problem of a scale file in the reader's language: where, what, and the fix; a problem
    of no kind the catalogue knows is said as the scales layer says it."""
    key = f"scale_file.problem.{problem.kind}"
    if not problem.kind or not ({key, f"{key}.one"} & messages.keys()):
        return str(problem)
    values = _filled(problem, messages)
    try:
        if f"{key}.one" in messages.keys():
            said = plural(messages, key, int(values["limit"]), **values)
        else:
            said = messages(key, **values)
    except (KeyError, ValueError):  # a value the sentence needs is missing: said as stored
        return str(problem)
    place = place_text(problem, messages)
    return f"{place}: {said}" if place else said


def refusal_text(refusal: Refusal, messages: Messages) -> str:
    """A file kept out of the library, and why: its path, then the problem."""
    return f"{refusal.path}: {problem_text(refusal.problem, messages)}"
