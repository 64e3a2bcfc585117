"""Provides a scale's trajectory as chart series: axes, change, guide lines, partner discrepancy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from hecht.scales.change import (
    ChangeCategory,
    ChangeResult,
    Cutoff,
    clinical_cutoff,
)
from hecht.scales.change import compare as compare_totals
from hecht.scales.facts import TOLERANCE, discrepant
from hecht.scales.model import Domain, ScaleDefinition
from hecht.scales.perinatal import PerinatalWeek, birth_not_recorded, perinatal_week

TOTAL = "total"
"""The key of the total's line; subscale lines are keyed by the subscale's id."""


class Axis(StrEnum):
    """What the horizontal axis counts."""

    VISIT = "visit"
    DATE = "date"
    WEEK = "week"


class Event(StrEnum):
    """The moment the week axis is counted from: the birth, or the due date while pregnant."""

    BIRTH = "birth"
    DUE = "due"


@dataclass(frozen=True)
class Observation:
    """One completed score as a chart receives it: plain numbers, no storage."""

    observed_on: date
    total: float | None
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    visit: int | None = None
    band: str | None = None


@dataclass(frozen=True)
class Timeline:
    """The episode dates that place a date on the perinatal week axis.

    Weeks are counted from the birth when it is known, else from the due date (the expected
    birth), so pregnancy weeks are negative and postpartum weeks positive on one continuous axis.
    """

    due_date: date | None = None
    birth_date: date | None = None

    @property
    def anchor(self) -> date | None:
        """The date at week 0: the birth, else the due date."""
        return self.birth_date or self.due_date

    @property
    def event(self) -> Event | None:
        """Which moment week 0 marks."""
        if self.birth_date is not None:
            return Event.BIRTH
        return None if self.due_date is None else Event.DUE

    def week(self, on: date) -> PerinatalWeek | None:
        """Return the gestational or postpartum week of a date (None before the pregnancy)."""
        return perinatal_week(on, due_date=self.due_date, birth_date=self.birth_date)

    def weeks_from_anchor(self, on: date) -> float | None:
        """Return the date's position on the week axis, or None when it has none: no dates, or
        before the pregnancy. A date long past the due date without a recorded birth keeps its
        place; only its week label is open (``birth_not_recorded``)."""
        anchor = self.anchor
        if anchor is None:
            return None
        dates = {"due_date": self.due_date, "birth_date": self.birth_date}
        if self.week(on) is None and not birth_not_recorded(on, **dates):
            return None
        return (on - anchor).days / 7

    def week_at(self, position: float) -> PerinatalWeek | None:
        """Return the week of a week-axis position (None before the pregnancy, or no dates)."""
        if self.anchor is None:
            return None
        return self.week(self.anchor + timedelta(days=round(position * 7)))


@dataclass(frozen=True)
class Step:
    """An observation placed on every axis, with its change since the baseline."""

    observation: Observation
    week: PerinatalWeek | None
    positions: Mapping[Axis, float | None]
    change: ChangeResult | None
    """None for the baseline itself, for an invalid total and before any baseline."""

    @property
    def reliable_category(self) -> ChangeCategory | None:
        """The Jacobson–Truax category when the change since baseline is reliable, else None."""
        if self.change is None or not self.change.reliable:
            return None
        return self.change.category


@dataclass(frozen=True)
class Line:
    """One plotted series: the total or a subscale, at the steps that have both x and y."""

    key: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


@dataclass(frozen=True)
class Trajectory:
    """A client's scores on one scale, ready to be drawn on any axis."""

    definition: ScaleDefinition
    steps: tuple[Step, ...]
    timeline: Timeline

    @property
    def baseline(self) -> Step | None:
        """The first step with a valid total: every change is measured from it."""
        return next((step for step in self.steps if step.observation.total is not None), None)

    def axes(self) -> list[Axis]:
        """Return the axes on which at least one step can be placed, in cycling order."""
        return [axis for axis in Axis if any(s.positions[axis] is not None for s in self.steps)]

    def line(self, axis: Axis, key: str = TOTAL) -> Line:
        """Return the total's (or a subscale's) values against the axis."""
        pairs = [
            (x, y)
            for step in self.steps
            if (x := step.positions[axis]) is not None
            and (y := _value(step.observation, key)) is not None
        ]
        return Line(key, tuple(x for x, _ in pairs), tuple(y for _, y in pairs))

    def lines(self, axis: Axis, *, subscales: bool = False) -> list[Line]:
        """Return the total's line (when the scale has a total), then each subscale's if asked.

        A scale without a total (ECR-RS, SRIS, SSAS) always shows its subscales.
        """
        keys = [TOTAL] if self.definition.scoring.total else []
        if subscales or not keys:
            keys += [subscale.id for subscale in self.definition.subscales]
        return [self.line(axis, key) for key in keys]

    def reliable(self, axis: Axis, category: ChangeCategory) -> Line:
        """Return the totals whose change since baseline is reliable and of this category.

        Recovered counts as improved: both are a reliable improvement on the chart.
        """
        wanted = {category}
        if category is ChangeCategory.IMPROVED:
            wanted.add(ChangeCategory.RECOVERED)
        # a step with a reliable category has a total; the check says so to the type checker
        pairs = [
            (x, y)
            for step in self.steps
            if step.reliable_category in wanted
            and (x := step.positions[axis]) is not None
            and (y := step.observation.total) is not None
        ]
        return Line(TOTAL, tuple(x for x, _ in pairs), tuple(y for _, y in pairs))

    def event_position(self, axis: Axis) -> float | None:
        """Where the birth (or the due date) lies on the axis: 0 on the week axis, else None."""
        return 0.0 if axis is Axis.WEEK and self.timeline.event is not None else None


def _value(observation: Observation, key: str) -> float | None:
    if key == TOTAL:
        return observation.total
    return observation.subscales.get(key)


def build_trajectory(
    definition: ScaleDefinition,
    observations: Sequence[Observation],
    timeline: Timeline | None = None,
) -> Trajectory:
    """Place each observation on every axis and judge its change since the first valid total.

    Args:
        definition: the scale the totals belong to (its change parameters judge reliability).
        observations: the client's completed scores of this scale, oldest first.
        timeline: the episode's due and birth dates for the week axis.
    """
    timeline = timeline or Timeline()
    steps: list[Step] = []
    baseline: float | None = None
    for observation in observations:
        change = None
        if observation.total is not None:
            if baseline is None:
                baseline = observation.total
            else:
                change = compare_totals(definition, baseline, observation.total)
        on = observation.observed_on
        positions = {
            Axis.VISIT: None if observation.visit is None else float(observation.visit),
            Axis.DATE: float(on.toordinal()),
            Axis.WEEK: timeline.weeks_from_anchor(on),
        }
        steps.append(Step(observation, timeline.week(on), positions, change))
    return Trajectory(definition, tuple(steps), timeline)


def band_thresholds(definition: ScaleDefinition) -> list[float]:
    """Return the boundaries between the total's severity bands, lowest first.

    A boundary is the upper band's minimum: a total at or above it falls in that band, as
    scoring's ``find_band`` decides. Validation already makes bands contiguous (no gaps).
    """
    bands = sorted(definition.interpretation.bands, key=lambda band: band.min)
    return [band.min for band in bands[1:]]


@dataclass(frozen=True)
class Guides:
    """The horizontal lines a chart draws: the clinical cutoff and the other band boundaries."""

    cutoff: Cutoff | None
    bands: tuple[float, ...]


def guides(definition: ScaleDefinition) -> Guides:
    """Return the cutoff (None when the scale has none: never invented) and band boundaries.

    A band boundary within one band step of the cutoff is the same boundary drawn twice
    (WHO-5: bands meet at 52, the cutoff is 52; CSI-4: 14 and 13.5), so only the cutoff stays.
    """
    cutoff = clinical_cutoff(definition)
    step = definition.interpretation.band_step
    bands = tuple(
        value
        for value in band_thresholds(definition)
        if cutoff is None or abs(value - cutoff.value) >= step - TOLERANCE
    )
    return Guides(cutoff, bands)


def thin(positions: Sequence[float], most: int) -> list[float]:
    """Return at most ``most`` of the distinct positions, evenly spread, first and last kept.

    Tick labels drawn at every one of 40 positions would overprint each other.
    """
    distinct = sorted(set(positions))
    if len(distinct) <= most or most < 2:
        return distinct[: max(most, 0)]
    last = len(distinct) - 1
    picks = sorted({round(index * last / (most - 1)) for index in range(most)})
    return [distinct[index] for index in picks]


def compares_partners(definition: ScaleDefinition) -> bool:
    """Whether the partners' difference on this scale means something: relationship scales."""
    return definition.domain is Domain.RELATIONSHIP


@dataclass(frozen=True)
class Discrepancy:
    """Two partners' totals at the same visit and how far apart they are."""

    visit: int
    observed_on: date
    first: float
    second: float
    difference: float
    """The first partner's total minus the second's."""
    flagged: bool | None
    """Beyond the scale's reliable difference; None when the scale has no change parameters."""


def _by_visit(observations: Sequence[Observation]) -> dict[int, Observation]:
    """The last valid total of each visit (a later one at the same visit replaces the earlier)."""
    return {
        obs.visit: obs for obs in observations if obs.visit is not None and obs.total is not None
    }


def discrepancies(
    definition: ScaleDefinition, first: Sequence[Observation], second: Sequence[Observation]
) -> list[Discrepancy]:
    """Pair both partners' totals at each visit they both answered, oldest visit first.

    Flagged when |first − second| reaches the scale's reliable difference (``discrepant``, the
    line reliable change draws), criterion × SEM × √2:
    each total has a standard error of measurement SEM, so the difference of two independent
    totals has SEM × √2. SEM = S_diff / √2 from the change parameters (S_diff from SD and
    reliability, or a published reliable change / criterion), so the limit is criterion × S_diff.
    Totals without a visit number are never paired.
    """
    params = definition.change
    mine, theirs = _by_visit(first), _by_visit(second)
    found = []
    for visit in sorted(mine.keys() & theirs.keys()):
        one, other = mine[visit].total, theirs[visit].total
        assert one is not None and other is not None
        difference = round(one - other, 6)
        flagged = (
            None if params is None else discrepant(difference, params.s_diff, params.criterion)
        )
        found.append(Discrepancy(visit, mine[visit].observed_on, one, other, difference, flagged))
    return found
