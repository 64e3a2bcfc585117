"""Provides practice-outcome statistics of pre–post pairs: change, effect sizes, J&T counts."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from hecht.scales.change import ChangeCategory, compare
from hecht.scales.model import Direction, ScaleDefinition

CATEGORY_KEYS = tuple(category.value for category in ChangeCategory)
"""The keys of ``PairedOutcome.categories``: recovered, improved, unchanged, deteriorated."""

_EPS = 1e-15
_TINY = 1e-300
_MAX_TERMS = 10_000


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Evaluate the continued fraction of the incomplete beta (modified Lentz, NR ``betacf``)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > _TINY else _TINY)
            c = 1 + aa / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1) < _EPS:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float, y: float) -> float:
    """Return the regularized incomplete beta I_x(a, b), given x and y = 1 - x separately.

    Passing y keeps precision when x is close to 1 (a t near zero), where 1 - x would cancel.
    """
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(log_front + a * math.log(x) + b * math.log(y))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, y) / b


def _check_df(df: float) -> None:
    if not df > 0 or math.isinf(df):
        raise ValueError(f"degrees of freedom must be positive and finite, not {df}")


def _upper_tail(t: float, df: float) -> float:
    """Return P(T > t) for t >= 0, computed directly so small tails keep their precision."""
    t2 = t * t
    return 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2))


def t_pdf(t: float, df: float) -> float:
    """Return the density of Student's t with ``df`` degrees of freedom at ``t``."""
    _check_df(df)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


def t_cdf(t: float, df: float) -> float:
    """Return P(T <= t) for Student's t with ``df`` (> 0, may be fractional) degrees of freedom.

    Raises:
        ValueError: df is not a positive finite number.
    """
    _check_df(df)
    if math.isnan(t):
        return math.nan
    tail = _upper_tail(abs(t), df)
    return tail if t < 0 else 1 - tail


def t_quantile(p: float, df: float) -> float:
    """Return t with P(T <= t) = p: the inverse of ``t_cdf``, to about 1e-12 relative.

    Solves the upper tail for the smaller of p and 1 - p by safeguarded Newton steps, so an
    extreme p (0.0005) is found as precisely as a central one; the sign comes from symmetry.

    Raises:
        ValueError: p is outside [0, 1] or df is not a positive finite number.
    """
    _check_df(df)
    if not 0 <= p <= 1:
        raise ValueError(f"p must lie between 0 and 1, not {p}")
    if p in (0, 1):
        return math.inf if p == 1 else -math.inf
    if p == 0.5:
        return 0.0
    tail, sign = (p, -1) if p < 0.5 else (1 - p, 1)
    low, high = 0.0, 1.0
    while _upper_tail(high, df) > tail:
        low, high = high, 2 * high
    t = (low + high) / 2
    for _ in range(200):
        excess = _upper_tail(t, df) - tail
        if excess > 0:
            low = t
        else:
            high = t
        step = excess / t_pdf(t, df)
        candidate = t + step
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - t) <= 1e-14 * max(1.0, t):
            t = candidate
            break
        t = candidate
    return sign * t


@dataclass(frozen=True)
class PairedOutcome:
    """Pre–post statistics of one scale over a group of episodes (one pair each).

    Sign convention: every change and effect size is raw post - pre, so d_z, d_av, g_av and
    their intervals carry the sign of ``mean_change``. Whether that sign is good news depends on
    the scale: ``improvement_is_positive_change`` is True for higher-is-better scales; for
    higher-is-worse scales (EPDS, PHQ-9) a negative change is improvement.

    None means "not computable from these pairs" (too few pairs, no variance), never zero.
    """

    n: int
    mean_pre: float | None
    mean_post: float | None
    sd_pre: float | None
    sd_post: float | None
    mean_change: float | None
    sd_change: float | None
    ci95: tuple[float, float] | None
    d_z: float | None
    d_av: float | None
    g_av: float | None
    g_ci95: tuple[float, float] | None
    r: float | None
    improvement_is_positive_change: bool
    categories: Mapping[str, int]
    category_shares: Mapping[str, float | None]
    uncategorised: int


@dataclass(frozen=True)
class _EffectSizes:
    d_z: float | None = None
    d_av: float | None = None
    g_av: float | None = None
    g_ci95: tuple[float, float] | None = None
    r: float | None = None


def hedges_correction(n: int) -> float:
    """Return Hedges' small-sample correction J = 1 - 3 / (4 df - 1), df = n - 1 (n >= 3)."""
    return 1 - 3 / (4 * (n - 1) - 1)


def _mean_change_ci(mean: float, sd: float, n: int) -> tuple[float, float]:
    """The paired t interval: mean ± t(.975, n - 1) · sd / √n."""
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def _sd(values: Sequence[float]) -> float:
    """Sample standard deviation in floating point (two passes, fsum): fast for 10,000 pairs.

    ``statistics.stdev`` is exact but works in fractions, a hundred times slower here.
    """
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1))


def _pearson(pre: Sequence[float], post: Sequence[float]) -> float | None:
    """Return the pre–post correlation, or None when either side does not vary."""
    try:
        return max(-1.0, min(1.0, statistics.correlation(pre, post)))
    except statistics.StatisticsError:
        return None


def _effect_sizes(
    pre: Sequence[float], post: Sequence[float], mean_change: float, sd_change: float
) -> _EffectSizes:
    """Compute d_z, d_av, g_av and its interval; needs n >= 2, and n >= 3 for Hedges' g.

    The interval of g_av uses the large-sample variance of a repeated-measures d (Borenstein,
    Hedges, Higgins & Rothstein 2009, Introduction to Meta-Analysis, eq. 4.28), with d_av as
    the d: V = (1/n + d²/(2n)) · 2(1 - r); limits (d ± z.975 · √V) · J. It assumes roughly
    equal pre and post SDs and is an approximation for small n.
    """
    n = len(pre)
    sd_average = (_sd(pre) + _sd(post)) / 2
    r = _pearson(pre, post)
    d_z = mean_change / sd_change if sd_change > 0 else None
    if sd_average == 0:
        return _EffectSizes(d_z=d_z, r=r)
    d_av = mean_change / sd_average
    if n < 3:
        # J is 0 at n = 2 (exactly and approximately): g would be a meaningless zero.
        return _EffectSizes(d_z=d_z, d_av=d_av, r=r)
    j = hedges_correction(n)
    g_ci95 = None
    if r is not None:
        half = statistics.NormalDist().inv_cdf(0.975) * math.sqrt(
            (1 / n + d_av**2 / (2 * n)) * 2 * (1 - r)
        )
        g_ci95 = (j * (d_av - half), j * (d_av + half))
    return _EffectSizes(d_z=d_z, d_av=d_av, g_av=j * d_av, g_ci95=g_ci95, r=r)


def _categorise(
    definition: ScaleDefinition, pairs: Sequence[tuple[float, float]]
) -> tuple[dict[str, int], dict[str, float | None], int]:
    """Count the Jacobson–Truax categories that ``compare`` gives each pair."""
    counts = dict.fromkeys(CATEGORY_KEYS, 0)
    uncategorised = 0
    for (pre, post), times in Counter(pairs).items():  # totals repeat: judge each pair once
        category = compare(definition, pre, post).category
        if category is None:
            uncategorised += times
        else:
            counts[category.value] += times
    categorised = len(pairs) - uncategorised
    shares = {key: (count / categorised if categorised else None) for key, count in counts.items()}
    return counts, shares, uncategorised


def paired_outcome(
    definition: ScaleDefinition, pairs: Sequence[tuple[float, float]]
) -> PairedOutcome:
    """Summarise the change of one scale over (pre, post) totals, one pair per episode.

    Never raises on small groups: with no pairs every statistic is None; one pair gives means
    and its change only; a change that never varies gives no d_z. Category shares are
    proportions of the pairs that could be categorised (None when none could be).
    """
    n = len(pairs)
    pre = [float(first) for first, _ in pairs]
    post = [float(second) for _, second in pairs]
    changes = [after - before for before, after in zip(pre, post, strict=True)]
    counts, shares, uncategorised = _categorise(definition, pairs)
    positive = definition.scoring.direction is Direction.HIGHER_IS_BETTER
    mean_pre = statistics.fmean(pre) if n else None
    mean_post = statistics.fmean(post) if n else None
    mean_change = statistics.fmean(changes) if n else None
    sd_pre = sd_post = sd_change = None
    ci95 = None
    effects = _EffectSizes()
    if n >= 2:
        assert mean_change is not None
        sd_pre, sd_post = _sd(pre), _sd(post)
        sd_change = _sd(changes)
        ci95 = _mean_change_ci(mean_change, sd_change, n)
        effects = _effect_sizes(pre, post, mean_change, sd_change)
    return PairedOutcome(
        n=n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        sd_pre=sd_pre,
        sd_post=sd_post,
        mean_change=mean_change,
        sd_change=sd_change,
        ci95=ci95,
        d_z=effects.d_z,
        d_av=effects.d_av,
        g_av=effects.g_av,
        g_ci95=effects.g_ci95,
        r=effects.r,
        improvement_is_positive_change=positive,
        categories=MappingProxyType(counts),
        category_shares=MappingProxyType(shares),
        uncategorised=uncategorised,
    )
