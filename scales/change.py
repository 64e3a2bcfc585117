"""Provides change between two totals: Jacobson–Truax reliable change and clinical significance."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hecht.scales.facts import reliable_step
from hecht.scales.model import CutoffMethod, Direction, Norms, ScaleDefinition


class ChangeDirection(StrEnum):
    """Which way a score moved, in clinical terms."""

    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NONE = "none"


class ChangeCategory(StrEnum):
    """Jacobson–Truax classification of a pre–post change."""

    RECOVERED = "recovered"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class Cutoff:
    """A clinical cutoff and where it came from (published, or J&T method a, b or c)."""

    value: float
    method: str


@dataclass(frozen=True)
class ChangeResult:
    """The change from a pre to a post total, with the parameters that judged it."""

    pre: float
    post: float
    difference: float
    direction: ChangeDirection
    rci: float | None
    reliable: bool | None
    category: ChangeCategory | None
    cutoff: Cutoff | None
    criterion: float | None
    s_diff: float | None
    started_functional: bool | None


def jacobson_truax_cutoff(norms: Norms, method: CutoffMethod, direction: Direction) -> float:
    """Return cutoff a, b or c from the norms (Jacobson & Truax 1991, §8.2 of the catalog).

    Raises:
        ValueError: the norms that the method needs are missing.
    """
    sign = 1 if direction is Direction.HIGHER_IS_BETTER else -1
    functional, dysfunctional = norms.functional, norms.dysfunctional
    if method is CutoffMethod.A:
        if dysfunctional is None:
            raise ValueError("cutoff method a needs dysfunctional norms")
        return dysfunctional.mean + sign * 2 * dysfunctional.sd
    if method is CutoffMethod.B:
        if functional is None:
            raise ValueError("cutoff method b needs functional norms")
        return functional.mean - sign * 2 * functional.sd
    if functional is None or dysfunctional is None:
        raise ValueError("cutoff method c needs functional and dysfunctional norms")
    return (dysfunctional.sd * functional.mean + functional.sd * dysfunctional.mean) / (
        dysfunctional.sd + functional.sd
    )


def clinical_cutoff(definition: ScaleDefinition) -> Cutoff | None:
    """Return the definition's clinical cutoff: the published one, else one computed from norms."""
    published = definition.interpretation.cutoff
    if published is not None:
        return Cutoff(published, "published")
    change = definition.change
    if change is None or change.cutoff_method is None:
        return None
    value = jacobson_truax_cutoff(
        definition.norms, change.cutoff_method, definition.scoring.direction
    )
    return Cutoff(round(value, 4), change.cutoff_method.value)


def is_functional(value: float, cutoff: float, direction: Direction) -> bool:
    """Return whether a total is on the healthy side; the cutoff itself counts as the upper side."""
    upper = value >= cutoff
    return upper if direction is Direction.HIGHER_IS_BETTER else not upper


def compare(definition: ScaleDefinition, pre: float, post: float) -> ChangeResult:
    """Judge the change from ``pre`` to ``post`` for this scale.

    Reliable when |RC| reaches the definition's criterion, RC = (post - pre) / Sdiff, that is
    when |post - pre| reaches ``reliable_step`` (the one rule the stored courses follow too).
    Without change parameters, rci, reliable and category are None.
    """
    direction = definition.scoring.direction
    difference = round(post - pre, 6)
    better = difference if direction is Direction.HIGHER_IS_BETTER else -difference
    moved = (
        ChangeDirection.IMPROVED
        if better > 0
        else ChangeDirection.DETERIORATED
        if better < 0
        else ChangeDirection.NONE
    )
    cutoff = clinical_cutoff(definition)
    started_functional = None if cutoff is None else is_functional(pre, cutoff.value, direction)
    params = definition.change
    if params is None:
        return ChangeResult(
            pre, post, difference, moved, None, None, None, cutoff, None, None, started_functional
        )
    s_diff = params.s_diff
    rci = difference / s_diff
    reliable = abs(post - pre) >= reliable_step(s_diff, params.criterion)
    category = ChangeCategory.UNCHANGED
    if reliable and moved is ChangeDirection.DETERIORATED:
        category = ChangeCategory.DETERIORATED
    elif reliable and moved is ChangeDirection.IMPROVED:
        recovered = (
            cutoff is not None
            and not started_functional
            and is_functional(post, cutoff.value, direction)
        )
        category = ChangeCategory.RECOVERED if recovered else ChangeCategory.IMPROVED
    return ChangeResult(
        pre,
        post,
        difference,
        moved,
        rci,
        reliable,
        category,
        cutoff,
        params.criterion,
        s_diff,
        started_functional,
    )


def reliable_difference(definition: ScaleDefinition) -> float | None:
    """Return the smallest difference between two totals that is beyond measurement error.

    The same criterion as reliable change, criterion × Sdiff with Sdiff = SEM × √2, applied to
    two people's totals at one time (e.g. partners on a relationship scale). None without change
    parameters: then no difference can be called reliable.
    """
    params = definition.change
    if params is None:
        return None
    return params.criterion * params.s_diff
