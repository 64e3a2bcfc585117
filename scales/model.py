"""Provides the pydantic model of a scale definition, as written in TOML."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, TypeAlias

from pydantic import Field, StrictInt, model_validator

from hecht.scales import limits
from hecht.scales.perinatal import ParentRole, Phase
from hecht.scales.problems import RuleError
from hecht.scales.text import Label, Text
from hecht.scales.values import Code, CodeKey, Flag, Identifier, Number, Source, Strict, Version


class Domain(StrEnum):
    """What a scale measures; the outcome screens group scales by it."""

    SELF_AWARENESS = "self_awareness"
    SELF_ESTEEM = "self_esteem"
    WELLBEING = "wellbeing"
    RELATIONSHIP = "relationship"
    MOOD = "mood"
    ANXIETY = "anxiety"
    DISTRESS = "distress"
    ATTACHMENT = "attachment"
    BONDING = "bonding"
    BIRTH = "birth"
    ALLIANCE = "alliance"
    OTHER = "other"


class Respondent(StrEnum):
    """Who answers: the client about themself, about the relationship, or the clinician."""

    SELF = "self"
    PARTNER = "partner"
    CLINICIAN = "clinician"


class LicenceClass(StrEnum):
    """Whether item wording may be bundled (``ship``) or only the scoring (``scoring_only``)."""

    SHIP = "ship"
    SCORING_ONLY = "scoring_only"


class Direction(StrEnum):
    """Which end of the total is the healthy one; ``mixed`` when the subscales differ (the PRFQ:
    lower is better on one, the middle on another), so there is no total and no change rule."""

    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"
    MIXED = "mixed"


class Method(StrEnum):
    """How item scores combine into a total."""

    SUM = "sum"
    MEAN = "mean"


class MissingRule(StrEnum):
    """What a score does with unanswered items."""

    INVALID = "invalid"
    MINIMUM_ANSWERED = "minimum_answered"
    PRORATE = "prorate"


class Rounding(StrEnum):
    """How a prorated total is rounded."""

    NONE = "none"
    HALF_UP = "half_up"


class Licence(Strict):
    """The licence class and the note that explains it."""

    class_: LicenceClass = Field(alias="class")
    note: str = Field(min_length=1, max_length=limits.MAX_TEXT)


class Option(Strict):
    """One answer box: what is typed (code), what it counts (score), what it says (label)."""

    code: Code
    score: Number
    label: Label
    text: Text | None = None


class NumericRange(Strict):
    """A visual-analogue or number answer: any value from min to max in steps of step."""

    min: Number
    max: Number
    step: Number = 1

    @model_validator(mode="after")
    def _ordered(self) -> NumericRange:
        bounds = {"min": self.min, "max": self.max, "step": self.step}
        if self.max <= self.min:
            raise RuleError(
                f"max ({self.max:g}) must be greater than min ({self.min:g}) — "
                "swap them or correct one",
                "range_reversed",
                **bounds,
            )
        if self.step < limits.MIN_STEP:
            raise RuleError(
                f"step ({self.step:g}) must be at least {limits.MIN_STEP:g} — "
                "give the smallest difference a person can mark (1 for a 0–100 line)",
                "step_too_small",
                least=limits.MIN_STEP,
                **bounds,
            )
        width = self.max - self.min
        if self.step > width:
            raise RuleError(
                f"step ({self.step:g}) is wider than the range {self.min:g} to {self.max:g} — "
                "make the step smaller",
                "step_too_wide",
                **bounds,
            )
        steps = width / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise RuleError(
                f"step ({self.step:g}) does not divide the range {self.min:g} to {self.max:g} "
                f"into whole steps — choose a step that fits a whole number of times into "
                f"{width:g}, or move min or max",
                "step_not_whole",
                width=width,
                **bounds,
            )
        return self


class OptionSet(Strict):
    """The answers an item offers: a list of options, or a numeric range."""

    options: list[Option] | None = Field(default=None, max_length=limits.MAX_OPTIONS)
    range: NumericRange | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> OptionSet:
        if (self.options is None) == (self.range is None):
            raise RuleError(
                "give either 'options' (a list) or 'range' (min, max, step), not both",
                "options_or_range",
            )
        if self.options is not None:
            if len(self.options) < 2:
                raise RuleError("an option set needs at least two options", "too_few_options")
            codes = [option.code for option in self.options]
            duplicates = sorted({code for code in codes if codes.count(code) > 1})
            if duplicates:
                raise RuleError(
                    f"option code {duplicates[0]} is used twice: give each option its own code",
                    "code_twice",
                    code=duplicates[0],
                )
        return self

    @property
    def score_bounds(self) -> tuple[float, float]:
        """The lowest and highest score an answer can give, before reversing."""
        if self.range is not None:
            return self.range.min, self.range.max
        assert self.options is not None
        scores = [option.score for option in self.options]
        return min(scores), max(scores)


class Item(Strict):
    """One question: its id (the number on the form), label, option set, and keying."""

    id: Identifier
    label: Label
    text: Text | None = None
    options: Identifier
    reverse: Flag = False
    scored: Flag = True
    option_text: dict[CodeKey, Text] = Field(default_factory=dict, max_length=limits.MAX_OPTIONS)


class MissingPolicy(Strict):
    """The missing-item rule with its limit and rounding."""

    rule: MissingRule
    max_missing: StrictInt | None = Field(default=None, ge=0, le=limits.MAX_ITEMS)
    min_answered: StrictInt | None = Field(default=None, ge=1, le=limits.MAX_ITEMS)
    rounding: Rounding = Rounding.NONE
    source: Source | None = None
    ask_reason: Flag = False
    """Whether marking an item missing asks why (stored beside the missing answer)."""

    @model_validator(mode="after")
    def _limit_matches_rule(self) -> MissingPolicy:
        has_limit = self.max_missing is not None or self.min_answered is not None
        if self.rule is MissingRule.INVALID and has_limit:
            raise RuleError("rule 'invalid' takes no max_missing or min_answered", "invalid_limit")
        if self.rule is not MissingRule.INVALID:
            if not has_limit:
                raise RuleError(
                    f"rule '{self.rule}' needs max_missing or min_answered",
                    "no_limit",
                    rule=self.rule.value,
                )
            if self.max_missing is not None and self.min_answered is not None:
                raise RuleError("give max_missing or min_answered, not both", "both_limits")
        return self

    def allows(self, answered: int, total: int) -> bool:
        """Return whether ``answered`` of ``total`` items are enough for a valid score."""
        if answered == total:
            return answered > 0
        if self.rule is MissingRule.INVALID or answered == 0:
            return False
        if self.max_missing is not None:
            return total - answered <= self.max_missing
        assert self.min_answered is not None
        return answered >= self.min_answered


class Band(Strict):
    """A severity band: its id, the totals it covers (inclusive) and its label."""

    id: Identifier
    min: Number
    max: Number
    label: Label

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.max < self.min:
            raise RuleError(
                f"band '{self.id}': max ({self.max:g}) is below min ({self.min:g})",
                "band_reversed",
                band=self.id,
                min=self.min,
                max=self.max,
            )
        return self


class Transform(Strict):
    """A linear transform of the raw total (WHO-5: x4 gives a percentage)."""

    multiply: Number = 1
    add: Number = 0
    unit: Label | None = None


class Subscale(Strict):
    """A named subset of items, scored like the total unless it says otherwise."""

    id: Identifier
    label: Label
    items: list[Identifier] = Field(min_length=1, max_length=limits.MAX_ITEMS)
    method: Method | None = None
    range: tuple[Number, Number]
    missing: MissingPolicy | None = None
    bands: list[Band] = Field(default_factory=list, max_length=limits.MAX_BANDS)
    band_step: Number = Field(default=1, ge=limits.MIN_STEP)
    cutoff: Number | None = None


class Scoring(Strict):
    """How the total is formed and read."""

    method: Method
    range: tuple[Number, Number]
    direction: Direction
    missing: MissingPolicy
    transform: Transform | None = None
    total: Flag = True


class CriticalWhen(StrEnum):
    """Whether any one item or the sum of the items triggers a critical rule."""

    ANY_ITEM = "any_item"
    SUM = "sum"


class AlertLevel(StrEnum):
    """How urgently an alert asks for attention."""

    WARNING = "warning"
    URGENT = "urgent"


class CriticalRule(Strict):
    """An answer pattern that must raise an alert at the moment of entry."""

    id: Identifier
    items: list[Identifier] = Field(min_length=1, max_length=limits.MAX_ITEMS)
    when: CriticalWhen = CriticalWhen.ANY_ITEM
    at_least: Number
    level: AlertLevel
    message: Label


class Interpretation(Strict):
    """Severity bands, the clinical cutoff and critical items of the total."""

    bands: list[Band] = Field(default_factory=list, max_length=limits.MAX_BANDS)
    band_step: Number = Field(default=1, ge=limits.MIN_STEP)
    cutoff: Number | None = None
    cutoff_source: Source | None = None
    critical: list[CriticalRule] = Field(default_factory=list, max_length=limits.MAX_CRITICAL_RULES)


class Norm(Strict):
    """Mean and SD of a reference sample."""

    mean: Number
    sd: Number = Field(gt=0)
    n: StrictInt | None = Field(default=None, ge=1, le=1_000_000_000)
    source: Source | None = None


class Norms(Strict):
    """The functional (general population) and dysfunctional (clinical) reference samples."""

    functional: Norm | None = None
    dysfunctional: Norm | None = None


class CutoffMethod(StrEnum):
    """Jacobson–Truax cutoff: a (2 SD from the clinical mean), b (2 SD from the normal mean), c."""

    A = "a"
    B = "b"
    C = "c"


if TYPE_CHECKING:
    Criterion: TypeAlias = float
else:
    # pydantic checks float literals; the typing spec allows none, so type checkers see a float
    Criterion = Literal[1.96, 1.645]


class Change(Strict):
    """Reliable-change parameters: SD and reliability, or a published minimal reliable change."""

    sd: Number | None = Field(default=None, gt=0)
    reliability: Number | None = Field(default=None, gt=0, lt=1)
    reliable_change: Number | None = Field(default=None, gt=0)
    criterion: Criterion = 1.96
    cutoff_method: CutoffMethod | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Change:
        from_sd = self.sd is not None or self.reliability is not None
        if from_sd and (self.sd is None or self.reliability is None):
            raise RuleError(
                "sd and reliability go together: give both, or reliable_change", "sd_alone"
            )
        if from_sd and self.reliable_change is not None:
            raise RuleError(
                "give sd and reliability, or a published reliable_change, not both", "change_twice"
            )
        if not from_sd and self.reliable_change is None:
            raise RuleError(
                "give sd and reliability, or a published reliable_change", "change_missing"
            )
        return self

    @property
    def s_diff(self) -> float:
        """The standard error of the difference between two scores."""
        if self.reliable_change is not None:
            return self.reliable_change / self.criterion
        assert self.sd is not None and self.reliability is not None
        return self.sd * math.sqrt(2) * math.sqrt(1 - self.reliability)


class ExpectedScore(Strict):
    """What a golden example must score."""

    valid: Flag = True
    total: Number | None = None
    band: Identifier | None = None
    prorated: Flag | None = None
    subscales: dict[Identifier, Number] = Field(
        default_factory=dict, max_length=limits.MAX_SUBSCALES
    )
    invalid_subscales: list[Identifier] = Field(
        default_factory=list, max_length=limits.MAX_SUBSCALES
    )
    alerts: list[Identifier] = Field(default_factory=list, max_length=limits.MAX_CRITICAL_RULES)
    unanswered_critical: list[Identifier] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    """Critical items the example leaves unanswered (item ids): to be asked about."""


class Example(Strict):
    """A golden answer-set: codes as typed (empty = missing) and the expected result."""

    name: str = Field(min_length=1, max_length=limits.MAX_LABEL)
    answers: str = Field(max_length=limits.MAX_ANSWERS)
    expect: ExpectedScore


class ScaleDefinition(Strict):
    """A whole instrument: identity, items, scoring, interpretation, change and examples."""

    id: Identifier
    version: Version
    short_name: str = Field(min_length=1, max_length=20)
    name: Label
    domain: Domain
    respondent: Respondent
    parent: ParentRole | None = None
    """The parent the scale is written for (the MAAS: the pregnant mother; the PAAS: her partner);
    none: either parent. A visit's battery asks it of that parent only."""
    phase: Phase | None = None
    """When the scale applies: in pregnancy (antenatal attachment) or after the birth (a parent's
    reflective functioning about the child); none: either. A battery leaves it out otherwise."""
    timeframe: Label | None = None
    citation: str = Field(min_length=1, max_length=limits.MAX_TEXT)
    licence: Licence
    notes: str | None = Field(default=None, max_length=limits.MAX_NOTES)
    instructions: Text | None = None
    option_sets: dict[Identifier, OptionSet] = Field(
        min_length=1, max_length=limits.MAX_OPTION_SETS
    )
    items: list[Item] = Field(min_length=1, max_length=limits.MAX_ITEMS)
    scoring: Scoring
    subscales: list[Subscale] = Field(default_factory=list, max_length=limits.MAX_SUBSCALES)
    interpretation: Interpretation = Field(default_factory=Interpretation)
    norms: Norms = Field(default_factory=Norms)
    change: Change | None = None
    examples: list[Example] = Field(default_factory=list, max_length=limits.MAX_EXAMPLES)

    def item(self, item_id: str) -> Item:
        """Return the item with this id."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def option_set(self, item: Item) -> OptionSet:
        """Return the option set an item answers from."""
        return self.option_sets[item.options]

    @property
    def scored_items(self) -> list[Item]:
        """The items that count towards the total."""
        return [item for item in self.items if item.scored]

    @property
    def bundles_wording(self) -> bool:
        """Whether the licence lets this definition carry item wording."""
        return self.licence.class_ is LicenceClass.SHIP
