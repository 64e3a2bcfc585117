"""Provides the few facts of each scale that the caseload and its signals need, as plain data.

The signals judge change with a scale's direction and reliable-change step, and the caseload
watches wellbeing and relationship totals. Those facts are drawn from the validated library, and
are small enough to cache as JSON: the TUI's first caseload then needs no definition loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.scales.model import ScaleDefinition

TOLERANCE = 1e-9
"""Slack for float noise when a change lands exactly on the criterion (as in ``change``)."""


def reliable_step(s_diff: float, criterion: float) -> float:
    """The smallest change in either direction that counts as reliable: criterion x Sdiff, less
    a hair for float noise. Every judgement of reliable change compares a difference with this
    one number: ``change.compare`` (reports, trajectories) and the stored courses and their SQL
    (signals), so they cannot disagree on a pair."""
    return (criterion - TOLERANCE) * s_diff


def discrepant(difference: float, s_diff: float, criterion: float) -> bool:
    """Whether two people's totals at one time lie further apart than measurement error
    explains: the line reliable change draws (``reliable_step``: at the criterion counts),
    drawn between partners. The chart and the caseload's signal both ask this."""
    return abs(round(difference, 6)) >= reliable_step(s_diff, criterion)  # totals' float noise


WATCHED_DOMAINS = ("wellbeing", "relationship")
"""The domains whose latest totals the caseload shows beside each client."""


@dataclass(frozen=True)
class ScaleFacts:
    """What the caseload and its signals know of one scale (its newest version).

    Attributes:
        id: the scale id.
        short_name: the name shown in a signal's explanation.
        domain: what the scale measures (a ``Domain`` value).
        total: whether the scale has a total at all.
        higher_is_better: which end of the total is the healthy one.
        s_diff: the standard error of the difference; None without change parameters.
        criterion: the reliable-change criterion (1.96 or 1.645); None without parameters.
    """

    id: str
    short_name: str
    domain: str
    total: bool
    higher_is_better: bool
    s_diff: float | None = None
    criterion: float | None = None

    @property
    def judged(self) -> bool:
        """Whether change on this scale can be called reliable (it has a total and parameters)."""
        return self.total and self.s_diff is not None

    @property
    def reliable_step(self) -> float | None:
        """The smallest change in either direction that counts as reliable (criterion × Sdiff)."""
        if self.s_diff is None or self.criterion is None:
            return None
        return reliable_step(self.s_diff, self.criterion)

    @property
    def reliable_difference(self) -> float | None:
        """The smallest difference between two people's totals beyond measurement error."""
        if self.s_diff is None or self.criterion is None:
            return None
        return self.criterion * self.s_diff


def facts_of(definition: ScaleDefinition) -> ScaleFacts:
    """The facts of one definition."""
    change = definition.change
    return ScaleFacts(
        id=definition.id,
        short_name=definition.short_name,
        domain=str(definition.domain.value),
        total=definition.scoring.total,
        higher_is_better=definition.scoring.direction.value == "higher_is_better",
        s_diff=None if change is None else change.s_diff,
        criterion=None if change is None else float(change.criterion),
    )


def library_facts(library: ScaleLibrary) -> dict[str, ScaleFacts]:
    """The facts of the newest version of every scale in the library, by id."""
    return {entry.definition.id: facts_of(entry.definition) for entry in library.latest()}


def facts_to_data(facts: Mapping[str, ScaleFacts]) -> list[dict[str, Any]]:
    """Facts as JSON-ready data."""
    return [asdict(fact) for fact in facts.values()]


def facts_from_data(data: list[dict[str, Any]]) -> dict[str, ScaleFacts]:
    """Facts back from ``facts_to_data``.

    Raises:
        TypeError, KeyError: the data is not what ``facts_to_data`` wrote.
    """
    facts = [ScaleFacts(**entry) for entry in data]
    return {fact.id: fact for fact in facts}
