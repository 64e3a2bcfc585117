"""Provides the scoring of an answer sheet: totals, subscales, bands and critical-item alerts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hecht.scales.answers import AnswerSheet, item_score
from hecht.scales.model import (
    AlertLevel,
    Band,
    CriticalRule,
    CriticalWhen,
    Method,
    MissingPolicy,
    MissingRule,
    Rounding,
    ScaleDefinition,
    Transform,
)
from hecht.scales.text import Label

PRECISION = 6
"""Decimals kept in every score, so float noise never decides a band or a test."""


@dataclass(frozen=True)
class Alert:
    """A critical-item rule that the answers triggered."""

    rule: str
    item: str
    level: AlertLevel
    message: Label


@dataclass(frozen=True)
class UnansweredCritical:
    """A critical item left unanswered: nothing is known about it, so it must be asked about."""

    rule: str
    item: str
    level: AlertLevel


@dataclass(frozen=True)
class PartScore:
    """The score of a set of items under a missing-item rule."""

    value: float | None
    prorated: bool


@dataclass(frozen=True)
class ScoreResult:
    """Everything one administration scores to."""

    scale: str
    version: str
    total: float | None
    raw_total: float | None
    band: str | None
    valid: bool
    prorated: bool
    missing: list[str]
    subscales: dict[str, float | None] = field(default_factory=dict)
    subscale_bands: dict[str, str | None] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    unanswered_critical: list[UnansweredCritical] = field(default_factory=list)
    """Critical items without an answer; every total or subscale holding one is invalid."""


def round_half_up(value: float) -> float:
    """Round to the nearest whole number, halves upwards (not Python's banker's rounding)."""
    return float(math.floor(value + 0.5))


def score_part(
    scores: Sequence[float | None],
    method: Method,
    missing: MissingPolicy,
    *,
    lacks_critical: bool = False,
) -> PartScore:
    """Combine item scores (None = missing) into one value under a missing-item rule.

    ``lacks_critical``: a critical item of these is unanswered. Critical items are never
    prorated (or averaged, or summed) away: the part is then invalid, whatever the rule allows.
    """
    answered = [score for score in scores if score is not None]
    if lacks_critical or not missing.allows(len(answered), len(scores)):
        return PartScore(None, False)
    incomplete = len(answered) < len(scores)
    if method is Method.MEAN:
        return PartScore(round(sum(answered) / len(answered), PRECISION), incomplete)
    value = sum(answered)
    if incomplete and missing.rule is MissingRule.PRORATE:
        value = value * len(scores) / len(answered)
        if missing.rounding is Rounding.HALF_UP:
            value = round_half_up(value)
    prorated = incomplete and missing.rule is MissingRule.PRORATE
    return PartScore(round(value, PRECISION), prorated)


def apply_transform(value: float, transform: Transform | None) -> float:
    """Apply the definition's linear transform (WHO-5: raw x4 = percentage)."""
    if transform is None:
        return value
    return round(value * transform.multiply + transform.add, PRECISION)


def find_band(bands: Sequence[Band], value: float | None) -> str | None:
    """Return the id of the band a value falls in: the last band whose minimum it reaches."""
    if value is None:
        return None
    reached = [band for band in sorted(bands, key=lambda band: band.min) if value >= band.min]
    return reached[-1].id if reached else None


def item_scores(definition: ScaleDefinition, answers: AnswerSheet) -> dict[str, float | None]:
    """Return each item's score (None when unanswered), reverse keying applied."""
    scores: dict[str, float | None] = {}
    for item in definition.items:
        code = answers.get(item.id)
        scores[item.id] = None if code is None else item_score(definition, item, code)
    return scores


def triggered_alerts(rules: Sequence[CriticalRule], scores: dict[str, float | None]) -> list[Alert]:
    """Return the alerts raised by answered items; missing items never raise or block one."""
    alerts: list[Alert] = []
    for rule in rules:
        answered = {item: value for item in rule.items if (value := scores.get(item)) is not None}
        if rule.when is CriticalWhen.SUM:
            if answered and sum(answered.values()) >= rule.at_least:
                alerts.append(Alert(rule.id, "+".join(rule.items), rule.level, rule.message))
            continue
        for item, value in answered.items():
            if value >= rule.at_least:
                alerts.append(Alert(rule.id, item, rule.level, rule.message))
    return alerts


def unanswered_critical(
    rules: Sequence[CriticalRule], missing: Iterable[str]
) -> list[UnansweredCritical]:
    """Return, per critical rule, its items among ``missing`` (item ids without an answer).

    Works on a stored administration's list of missing items as well as on a fresh score.
    """
    unanswered = set(missing)
    return [
        UnansweredCritical(rule.id, item, rule.level)
        for rule in rules
        for item in rule.items
        if item in unanswered
    ]


def score(definition: ScaleDefinition, answers: AnswerSheet) -> ScoreResult:
    """Score one answer sheet (codes already checked by ``parse_answers`` or ``check_code``).

    Args:
        definition: the scale.
        answers: item id -> typed code, None or absent when unanswered.

    Returns:
        The total (transformed), raw total, band, subscales, validity, prorating and alerts.
    """
    scores = item_scores(definition, answers)
    scoring = definition.scoring
    missing = [item.id for item in definition.scored_items if scores[item.id] is None]
    critical = definition.interpretation.critical
    gaps = unanswered_critical(critical, [i for i, value in scores.items() if value is None])
    lacking = {gap.item for gap in gaps}
    subscales: dict[str, float | None] = {}
    subscale_bands: dict[str, str | None] = {}
    any_prorated = False
    for subscale in definition.subscales:
        part = score_part(
            [scores[item_id] for item_id in subscale.items],
            subscale.method or scoring.method,
            subscale.missing or scoring.missing,
            lacks_critical=not lacking.isdisjoint(subscale.items),
        )
        subscales[subscale.id] = part.value
        subscale_bands[subscale.id] = find_band(subscale.bands, part.value)
        any_prorated = any_prorated or part.prorated
    if scoring.total:
        part = score_part(
            [scores[item.id] for item in definition.scored_items],
            scoring.method,
            scoring.missing,
            lacks_critical=not lacking.isdisjoint(missing),
        )
        raw_total = part.value
        total = None if raw_total is None else apply_transform(raw_total, scoring.transform)
        valid, prorated = total is not None, part.prorated
    else:
        raw_total = total = None
        valid = all(value is not None for value in subscales.values())
        prorated = valid and any_prorated
    return ScoreResult(
        scale=definition.id,
        version=definition.version,
        total=total,
        raw_total=raw_total,
        band=find_band(definition.interpretation.bands, total),
        valid=valid,
        prorated=prorated,
        missing=missing,
        subscales=subscales,
        subscale_bands=subscale_bands,
        alerts=triggered_alerts(critical, scores),
        unanswered_critical=gaps,
    )
