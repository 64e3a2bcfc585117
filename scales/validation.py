"""Provides the checks a definition must pass beyond its field types: ids, ranges, bands, rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hecht.scales.model import (
    Band,
    CutoffMethod,
    Direction,
    Item,
    Method,
    MissingPolicy,
    MissingRule,
    ScaleDefinition,
    Transform,
)
from hecht.scales.problems import Problem, problem_of
from hecht.scales.scoring import apply_transform


def fmt(value: float) -> str:
    """Format a number the way an author wrote it: 3 not 3.0."""
    return f"{value:g}"


def duplicates(ids: Iterable[str]) -> list[str]:
    """Return the ids that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for identifier in ids:
        if identifier in seen and identifier not in repeated:
            repeated.append(identifier)
        seen.add(identifier)
    return repeated


def check_unique_ids(definition: ScaleDefinition) -> list[Problem]:
    """Items, subscales, bands and critical rules each need their own id."""
    groups = {
        "items": [item.id for item in definition.items],
        "subscales": [subscale.id for subscale in definition.subscales],
        "interpretation.bands": [band.id for band in definition.interpretation.bands],
        "interpretation.critical": [rule.id for rule in definition.interpretation.critical],
    }
    return [
        problem_of(
            "id_twice",
            where,
            f"id '{repeated}' is used twice",
            "give each one its own id",
            id=repeated,
        )
        for where, ids in groups.items()
        for repeated in duplicates(ids)
    ]


def check_repeated_items(definition: ScaleDefinition) -> list[Problem]:
    """A subscale or critical rule names each item once: twice would count it twice."""
    lists = [(f"subscales (id '{sub.id}').items", sub.items) for sub in definition.subscales]
    lists += [
        (f"interpretation.critical (id '{rule.id}').items", rule.items)
        for rule in definition.interpretation.critical
    ]
    return [
        problem_of(
            "item_twice",
            where,
            f"item '{repeated}' is listed twice",
            "name each item once",
            item=repeated,
        )
        for where, items in lists
        for repeated in duplicates(items)
    ]


def check_item_references(definition: ScaleDefinition) -> list[Problem]:
    """Every item names an existing option set; option wording names existing codes."""
    problems: list[Problem] = []
    known_sets = ", ".join(sorted(definition.option_sets))
    for item in definition.items:
        where = f"items (id '{item.id}')"
        option_set = definition.option_sets.get(item.options)
        if option_set is None:
            problems.append(
                problem_of(
                    "no_option_set",
                    f"{where}.options",
                    f"there is no option set '{item.options}'",
                    f"use one of: {known_sets}",
                    set=item.options,
                    known=known_sets,
                )
            )
            continue
        codes = {option.code for option in option_set.options or []}
        for code in item.option_text:
            if code not in codes:
                problems.append(
                    problem_of(
                        "not_an_option",
                        f"{where}.option_text",
                        f"code {code} is not an option of set '{item.options}'",
                        f"use one of: {', '.join(str(c) for c in sorted(codes))}",
                        code=code,
                        set=item.options,
                        codes=", ".join(str(c) for c in sorted(codes)),
                    )
                )
    if not definition.scored_items:
        problems.append(
            problem_of(
                "none_scored", "items", "no item is scored", "set scored = true on the items"
            )
        )
    return problems


def check_wording_licence(definition: ScaleDefinition) -> list[Problem]:
    """A scoring_only definition carries no instrument wording: that belongs in an overlay."""
    if definition.bundles_wording:
        return []
    fix = "remove it: licensed wording goes in a wording overlay in the config folder"
    problems: list[Problem] = []
    if definition.instructions is not None:
        what = "a scoring_only scale cannot carry wording"
        problems.append(problem_of("wording_not_licensed", "instructions", what, fix))
    for item in definition.items:
        if item.text is not None or item.option_text:
            what = "a scoring_only scale has no item text"
            problems.append(
                problem_of("item_text_not_licensed", f"items (id '{item.id}')", what, fix)
            )
    for name, option_set in definition.option_sets.items():
        if any(option.text is not None for option in option_set.options or []):
            what = "a scoring_only scale has no option text"
            problems.append(
                problem_of("option_text_not_licensed", f"option_sets.{name}", what, fix)
            )
    return problems


def possible_range(
    definition: ScaleDefinition, items: Sequence[Item], method: Method, transform: Transform | None
) -> tuple[float, float]:
    """Return the lowest and highest total these items can give."""
    bounds = [definition.option_set(item).score_bounds for item in items]
    low, high = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    if method is Method.MEAN:
        low, high = low / len(items), high / len(items)
    return apply_transform(low, transform), apply_transform(high, transform)


def check_range(
    where: str, declared: tuple[float, float], possible: tuple[float, float]
) -> list[Problem]:
    """The declared range must be exactly what the item scores can give."""
    if abs(declared[0] - possible[0]) < 1e-6 and abs(declared[1] - possible[1]) < 1e-6:
        return []
    return [
        problem_of(
            "range_mismatch",
            where,
            f"says {fmt(declared[0])} to {fmt(declared[1])}, but the item scores give "
            f"{fmt(possible[0])} to {fmt(possible[1])}",
            "correct the range, or the option scores that fall outside it",
            low=declared[0],
            high=declared[1],
            possible_low=possible[0],
            possible_high=possible[1],
        )
    ]


def check_missing_limit(where: str, policy: MissingPolicy, count: int) -> list[Problem]:
    """A missing-item limit must leave at least one item and fit the number of items."""
    if policy.rule is MissingRule.INVALID:
        return []
    if policy.max_missing is not None and policy.max_missing >= count:
        return [
            problem_of(
                "all_may_miss",
                where,
                f"max_missing {policy.max_missing} allows all {count} items to be missing",
                f"use at most {count - 1}",
                limit=policy.max_missing,
                count=count,
                most=count - 1,
            )
        ]
    if policy.min_answered is not None and policy.min_answered > count:
        return [
            problem_of(
                "more_answered_than_items",
                where,
                f"min_answered {policy.min_answered} is more than the {count} items",
                f"use at most {count}",
                limit=policy.min_answered,
                count=count,
            )
        ]
    return []


def check_bands(
    where: str, bands: Sequence[Band], declared: tuple[float, float], step: float
) -> list[Problem]:
    """Bands must cover the range from its first to its last value without gaps or overlaps."""
    if not bands:
        return []
    ordered = sorted(bands, key=lambda band: band.min)
    problems: list[Problem] = []
    first, last = ordered[0], ordered[-1]
    if abs(first.min - declared[0]) > 1e-9:
        problems.append(
            problem_of(
                "lowest_band",
                where,
                f"the lowest band '{first.id}' starts at {fmt(first.min)}, the range at "
                f"{fmt(declared[0])}",
                f"let '{first.id}' start at {fmt(declared[0])}",
                band=first.id,
                at=first.min,
                range=declared[0],
            )
        )
    if abs(max(band.max for band in ordered) - declared[1]) > 1e-9:
        problems.append(
            problem_of(
                "highest_band",
                where,
                f"the highest band '{last.id}' ends at {fmt(last.max)}, the range at "
                f"{fmt(declared[1])}",
                f"let '{last.id}' end at {fmt(declared[1])}",
                band=last.id,
                at=last.max,
                range=declared[1],
            )
        )
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        expected = round(lower.max + step, 9)
        pair = f"bands '{lower.id}' ({fmt(lower.min)}–{fmt(lower.max)}) and '{upper.id}' "
        pair += f"({fmt(upper.min)}–{fmt(upper.max)})"
        facts = {
            "lower": lower.id,
            "lower_min": lower.min,
            "lower_max": lower.max,
            "upper": upper.id,
            "upper_min": upper.min,
            "upper_max": upper.max,
            "expected": expected,
            "step": step,
        }
        if upper.min <= lower.max:
            fix = f"let '{upper.id}' start at {fmt(expected)}"
            problems.append(problem_of("bands_overlap", where, f"{pair} overlap", fix, **facts))
        elif upper.min > expected + 1e-9:
            problems.append(
                problem_of(
                    "bands_gap",
                    where,
                    f"{pair} leave a gap: no band covers {fmt(expected)}",
                    f"let '{upper.id}' start at {fmt(expected)} (band_step is {fmt(step)})",
                    **facts,
                )
            )
    return problems


def check_scoring(definition: ScaleDefinition) -> list[Problem]:
    """Ranges, missing rules and bands of the total and of every subscale."""
    scoring = definition.scoring
    interpretation = definition.interpretation
    problems: list[Problem] = []
    if not scoring.total and not definition.subscales:
        problems.append(
            problem_of(
                "nothing_scored",
                "scoring.total",
                "there is no total and no subscale",
                "add subscales",
            )
        )
    items = definition.scored_items
    if scoring.total and items:
        possible = possible_range(definition, items, scoring.method, scoring.transform)
        problems += check_range("scoring.range", scoring.range, possible)
        problems += check_bands(
            "interpretation.bands", interpretation.bands, scoring.range, interpretation.band_step
        )
    problems += check_missing_limit("scoring.missing", scoring.missing, len(items))
    if interpretation.cutoff is not None and not (
        scoring.range[0] <= interpretation.cutoff <= scoring.range[1]
    ):
        problems.append(
            problem_of(
                "cutoff_outside",
                "interpretation.cutoff",
                "lies outside scoring.range",
                "correct the cutoff",
            )
        )
    if interpretation.cutoff_source and interpretation.cutoff is None:
        problems.append(
            problem_of(
                "source_without_cutoff",
                "interpretation.cutoff_source",
                "there is no cutoff for this source to explain",
                "give interpretation.cutoff, or move the text to notes",
            )
        )
    known = {item.id for item in definition.items}
    for subscale in definition.subscales:
        where = f"subscales (id '{subscale.id}')"
        unknown = [item for item in subscale.items if item not in known]
        if unknown:
            problems.append(
                problem_of(
                    "unknown_item",
                    f"{where}.items",
                    f"item '{unknown[0]}' does not exist",
                    "name items by their id in [[items]]",
                    item=unknown[0],
                )
            )
            continue
        sub_items = [definition.item(item_id) for item_id in subscale.items]
        method = subscale.method or scoring.method
        problems += check_range(
            f"{where}.range", subscale.range, possible_range(definition, sub_items, method, None)
        )
        problems += check_missing_limit(
            f"{where}.missing", subscale.missing or scoring.missing, len(sub_items)
        )
        problems += check_bands(
            f"{where}.bands", subscale.bands, subscale.range, subscale.band_step
        )
    return problems


def check_critical_rules(definition: ScaleDefinition) -> list[Problem]:
    """Critical rules must name existing items."""
    known = {item.id for item in definition.items}
    return [
        problem_of(
            "unknown_item",
            f"interpretation.critical (id '{rule.id}')",
            f"item '{item}' does not exist",
            "name items by their id in [[items]]",
            item=item,
        )
        for rule in definition.interpretation.critical
        for item in rule.items
        if item not in known
    ]


def check_change(definition: ScaleDefinition) -> list[Problem]:
    """A computed cutoff needs the norms its method uses."""
    change = definition.change
    if change is None or change.cutoff_method is None:
        return []
    norms = definition.norms
    needs = {
        CutoffMethod.A: ("dysfunctional",),
        CutoffMethod.B: ("functional",),
        CutoffMethod.C: ("functional", "dysfunctional"),
    }[change.cutoff_method]
    missing = [name for name in needs if getattr(norms, name) is None]
    if not missing:
        return []
    return [
        problem_of(
            "norms_missing",
            "change.cutoff_method",
            f"method {change.cutoff_method.value} needs norms.{missing[0]}",
            f"add [norms.{missing[0]}] with mean and sd, or give interpretation.cutoff",
            method=change.cutoff_method.value,
            norms=missing[0],
        )
    ]


def check_direction(definition: ScaleDefinition) -> list[Problem]:
    """A scale without one healthy end can have neither a total nor a rule for its change."""
    if definition.scoring.direction is not Direction.MIXED:
        return []
    fix = "give the scale's direction, or leave the total and change out"
    problems = []
    if definition.scoring.total:
        what = "a mixed direction has no total to read"
        problems.append(problem_of("mixed_total", "scoring.total", what, fix))
    if definition.change is not None:
        what = "a mixed direction has no healthy end to move to"
        problems.append(problem_of("mixed_change", "change", what, fix))
    interpretation = definition.interpretation
    if interpretation.cutoff is not None or interpretation.bands:
        problems.append(
            problem_of(
                "mixed_bands",
                "interpretation",
                "a mixed direction has no total to band or cut",
                fix,
            )
        )
    return problems


def check_definition(definition: ScaleDefinition) -> list[Problem]:
    """Return every structural problem of a definition that its field types cannot catch."""
    problems = (
        check_unique_ids(definition)
        + check_repeated_items(definition)
        + check_item_references(definition)
    )
    if problems:
        return problems
    return (
        check_wording_licence(definition)
        + check_scoring(definition)
        + check_critical_rules(definition)
        + check_change(definition)
        + check_direction(definition)
    )
