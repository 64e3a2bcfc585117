"""Provides the golden examples check: every example scores as it says, and covers the rules."""

from __future__ import annotations

import math
from collections.abc import Sequence

from hecht.scales.answers import AnswerError, AnswerProblem, AnswerSheet, item_score, parse_answers
from hecht.scales.model import Band, Example, MissingRule, ScaleDefinition
from hecht.scales.problems import Problem, problem_of
from hecht.scales.scoring import ScoreResult, score
from hecht.scales.validation import fmt

TOLERANCE = 0.005
"""Examples may write totals to two decimals (11.11 for 100/9)."""


def _same(expected: float | None, actual: float | None) -> bool:
    if expected is None or actual is None:
        return expected is actual
    return math.isclose(expected, actual, abs_tol=TOLERANCE)


def _show(value: float | None) -> str:
    return "none (not valid)" if value is None else fmt(value)


Difference = tuple[str, str, dict[str, object]]
"""How a result differs from an example: the problem's kind, the English, the values."""


def _listed(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _scored(kind: str, actual: float | None, **values: object) -> tuple[str, dict[str, object]]:
    """A kind for a score that came out (``kind``) or came out not valid (``kind_invalid``)."""
    if actual is None:
        return f"{kind}_invalid", values
    return kind, {"actual": actual, **values}


def compare_example(example: Example, result: ScoreResult) -> list[Difference]:
    """Return how the result differs from what the example expects."""
    expect = example.expect
    differences: list[Difference] = []
    if expect.valid != result.valid:
        kind = "example_valid" if result.valid else "example_not_valid"
        differences.append((kind, f"valid is {result.valid}, expected {expect.valid}", {}))
    if expect.total is not None and not _same(expect.total, result.total):
        kind, values = _scored("example_total", result.total, expected=expect.total)
        text = f"total is {_show(result.total)}, expected {fmt(expect.total)}"
        differences.append((kind, text, values))
    if expect.band is not None and expect.band != result.band:
        text = f"band is '{result.band}', expected '{expect.band}'"
        kind = "example_band" if result.band is not None else "example_band_none"
        differences.append((kind, text, {"actual": result.band, "expected": expect.band}))
    if expect.prorated is not None and expect.prorated != result.prorated:
        kind = "example_prorated" if result.prorated else "example_not_prorated"
        text = f"prorated is {result.prorated}, expected {expect.prorated}"
        differences.append((kind, text, {}))
    for subscale, value in expect.subscales.items():
        actual = result.subscales.get(subscale)
        if not _same(value, actual):
            kind, values = _scored("example_subscale", actual, subscale=subscale, expected=value)
            text = f"subscale '{subscale}' is {_show(actual)}, expected {fmt(value)}"
            differences.append((kind, text, values))
    for subscale in expect.invalid_subscales:
        actual = result.subscales.get(subscale)
        if actual is not None:
            text = f"subscale '{subscale}' is {fmt(actual)}, expected not valid"
            values = {"subscale": subscale, "actual": actual}
            differences.append(("example_subscale_valid", text, values))
    raised = sorted({alert.rule for alert in result.alerts})
    if raised != sorted(set(expect.alerts)):
        text = f"alerts are {raised or 'none'}, expected {expect.alerts or 'none'}"
        values = {"actual": _listed(raised), "expected": _listed(expect.alerts)}
        differences.append(("example_alerts", text, values))
    unasked = sorted({gap.item for gap in result.unanswered_critical})
    if unasked != sorted(set(expect.unanswered_critical)):
        text = (
            f"unanswered critical items are {unasked or 'none'}, "
            f"expected {expect.unanswered_critical or 'none'}"
        )
        values = {"actual": _listed(unasked), "expected": _listed(expect.unanswered_critical)}
        differences.append(("example_unanswered", text, values))
    return differences


def check_example_names(definition: ScaleDefinition, example: Example, where: str) -> list[Problem]:
    """An example may only expect bands, subscales and alerts the definition has."""
    bands = {band.id for band in definition.interpretation.bands}
    subscales = {subscale.id for subscale in definition.subscales}
    rules = {rule.id for rule in definition.interpretation.critical}
    problems: list[Problem] = []
    expect = example.expect
    if expect.band is not None and expect.band not in bands:
        problems.append(
            problem_of(
                "example_no_band",
                where,
                f"band '{expect.band}' does not exist",
                "use a band id",
                band=expect.band,
            )
        )
    for name in [*expect.subscales, *expect.invalid_subscales]:
        if name not in subscales:
            problems.append(
                problem_of(
                    "example_no_subscale",
                    where,
                    f"subscale '{name}' does not exist",
                    "use a subscale id",
                    subscale=name,
                )
            )
    for name in expect.alerts:
        if name not in rules:
            problems.append(
                problem_of(
                    "example_no_rule",
                    where,
                    f"critical rule '{name}' does not exist",
                    "use a rule id",
                    rule=name,
                )
            )
    critical_items = {item for rule in definition.interpretation.critical for item in rule.items}
    for name in expect.unanswered_critical:
        if name not in critical_items:
            problems.append(
                problem_of(
                    "example_not_critical",
                    where,
                    f"item '{name}' is not named by any critical rule",
                    "list only items of interpretation.critical in unanswered_critical",
                    item=name,
                )
            )
    return problems


def _answers_problem(definition: ScaleDefinition, error: AnswerError, where: str) -> Problem:
    """An example's answers refused: too many or few, or a code its item does not offer (a
    numeric item's range as its bounds and step, for the reader's language to write)."""
    fix = "correct the answers"
    if error.problem is AnswerProblem.COUNT:
        counts = {"expected": error.expected_count, "given": error.given}
        return problem_of("example_answer_count", where, str(error), fix, **counts)
    values: dict[str, object] = {"item": error.item, "given": error.given}
    bounds = definition.option_set(definition.item(error.item)).range
    if bounds is None:
        return problem_of("example_answer", where, str(error), fix, allowed=error.allowed, **values)
    values |= {"low": bounds.min, "high": bounds.max, "step": bounds.step}
    return problem_of("example_answer", where, str(error), fix, **values)


def run_examples(
    definition: ScaleDefinition,
) -> tuple[list[Problem], list[tuple[AnswerSheet, ScoreResult]]]:
    """Score every example; return the problems and the scored sheets (for the coverage check)."""
    problems: list[Problem] = []
    scored: list[tuple[AnswerSheet, ScoreResult]] = []
    for number, example in enumerate(definition.examples, start=1):
        where = f"examples #{number} ('{example.name}')"
        naming = check_example_names(definition, example, where)
        if naming:
            problems += naming
            continue
        try:
            sheet = parse_answers(definition, example.answers)
        except AnswerError as error:
            problems.append(_answers_problem(definition, error, f"{where}.answers"))
            continue
        result = score(definition, sheet)
        scored.append((sheet, result))
        fix = "correct the expected value or the definition"
        for kind, text, values in compare_example(example, result):
            problems.append(problem_of(kind, where, text, fix, **values))
    return problems, scored


def _covers_reverse_items(definition: ScaleDefinition, sheets: list[AnswerSheet]) -> list[Problem]:
    problems: list[Problem] = []
    for item in definition.items:
        if not item.reverse:
            continue
        unreversed = item.model_copy(update={"reverse": False})
        shows_reversal = any(
            (code := sheet.get(item.id)) is not None
            and item_score(definition, item, code) != item_score(definition, unreversed, code)
            for sheet in sheets
        )
        if not shows_reversal:
            problems.append(
                problem_of(
                    "reverse_not_shown",
                    "examples",
                    f"no example shows that reverse-keyed item '{item.id}' is reversed",
                    "answer it with a code whose score changes when reversed",
                    item=item.id,
                )
            )
    return problems


def _covers_missing_rule(definition: ScaleDefinition, results: list[ScoreResult]) -> list[Problem]:
    rule = definition.scoring.missing.rule
    with_missing = [result for result in results if result.missing]
    if rule is MissingRule.INVALID:
        if not any(not result.valid for result in with_missing):
            return [
                problem_of(
                    "invalid_not_shown",
                    "examples",
                    "no example leaves an item unanswered to show the score becomes invalid",
                    "add an example with an empty answer and expect valid = false",
                )
            ]
        return []
    problems: list[Problem] = []
    if not any(result.valid for result in with_missing):
        problems.append(
            problem_of(
                "missing_allowed_not_shown",
                "examples",
                f"no example shows a valid score under missing rule '{rule}'",
                "add an example with as many unanswered items as the rule allows",
                rule=rule.value,
            )
        )
    if not any(not result.valid for result in with_missing):
        problems.append(
            problem_of(
                "missing_refused_not_shown",
                "examples",
                f"no example shows missing rule '{rule}' refusing too many unanswered items",
                "add an example with one unanswered item more than allowed, valid = false",
                rule=rule.value,
            )
        )
    return problems


def _touches_a_boundary(bands: Sequence[Band], values: list[float | None]) -> bool:
    ordered = sorted(bands, key=lambda band: band.min)
    edges = {band.min for band in ordered[1:]} | {band.max for band in ordered[:-1]}
    return any(
        math.isclose(value, edge, abs_tol=1e-9)
        for value in values
        if value is not None
        for edge in edges
    )


def _covers_band_boundary(definition: ScaleDefinition, results: list[ScoreResult]) -> list[Problem]:
    parts = [("", "the total", definition.interpretation.bands, [r.total for r in results])]
    parts += [
        (sub.id, f"subscale '{sub.id}'", sub.bands, [r.subscales.get(sub.id) for r in results])
        for sub in definition.subscales
    ]
    return [
        problem_of(
            "boundary_not_shown_subscale" if subscale else "boundary_not_shown",
            "examples",
            f"no example puts {name} exactly on a boundary between two of its bands",
            "add an example whose score is the first or last value of a band",
            subscale=subscale,
        )
        for subscale, name, bands, values in parts
        if len(bands) >= 2 and not _touches_a_boundary(bands, values)
    ]


def _covers_critical_rules(
    definition: ScaleDefinition, results: list[ScoreResult]
) -> list[Problem]:
    raised = {alert.rule for result in results for alert in result.alerts}
    unasked = {gap.rule for result in results for gap in result.unanswered_critical}
    problems = [
        problem_of(
            "alert_not_shown",
            "examples",
            f"no example raises critical rule '{rule.id}'",
            "add an example whose answers trigger it",
            rule=rule.id,
        )
        for rule in definition.interpretation.critical
        if rule.id not in raised
    ]
    return problems + [
        problem_of(
            "critical_gap_not_shown",
            "examples",
            f"no example leaves an item of critical rule '{rule.id}' unanswered",
            f"add an example with item '{rule.items[0]}' empty, expecting "
            f'valid = false and unanswered_critical = ["{rule.items[0]}"]',
            rule=rule.id,
            item=rule.items[0],
        )
        for rule in definition.interpretation.critical
        if rule.id not in unasked
    ]


def check_coverage(
    definition: ScaleDefinition, scored: list[tuple[AnswerSheet, ScoreResult]]
) -> list[Problem]:
    """Strict mode: examples must show reverse keys, the missing rule, a band edge, each alert."""
    sheets = [sheet for sheet, _ in scored]
    results = [result for _, result in scored]
    if not definition.examples:
        return [
            problem_of(
                "no_examples", "examples", "the definition has no examples", "add [[examples]]"
            )
        ]
    return (
        _covers_reverse_items(definition, sheets)
        + _covers_missing_rule(definition, results)
        + _covers_band_boundary(definition, results)
        + _covers_critical_rules(definition, results)
    )
