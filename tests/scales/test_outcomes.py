"""Outcomes: Student t, pre–post change with its interval, effect sizes and J&T category counts.

SciPy is imported by the tests that compare with it, not here: its import takes a second or two,
which every test worker would otherwise pay while collecting.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hecht.scales.library import load_library
from hecht.scales.model import ScaleDefinition
from hecht.scales.outcomes import paired_outcome, t_cdf, t_quantile

DFS = (1, 2, 5, 9, 30, 200)
PS = (0.0005, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.975, 0.999)


@cache
def scale(scale_id: str) -> ScaleDefinition:
    """A built-in definition, loaded once (hypothesis reruns tests many times)."""
    return load_library(None).get(scale_id)


def sample_pairs(seed: int, n: int) -> list[tuple[float, float]]:
    """Correlated pre–post totals, as a practice's data would be."""
    rng = np.random.default_rng(seed)
    pre = rng.normal(16, 4, n)
    post = pre - 4 + rng.normal(0, 3, n) * rng.uniform(0.5, 1.5)
    return [(float(a), float(b)) for a, b in zip(pre, post, strict=True)]


# --- Student t -------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "df"), itertools.product(PS, DFS))
def test_t_quantile_matches_scipy_within_1e_7(p, df):
    from scipy import stats

    assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), abs=1e-7)


@pytest.mark.parametrize("df", DFS)
def test_t_quantile_keeps_far_tails_precise(df):
    from scipy import stats

    # relative, because the far-tail quantile of df 1 is in the millions
    expected = stats.t.ppf(1e-9, df)
    assert t_quantile(1e-9, df) == pytest.approx(expected, rel=1e-9)
    assert t_quantile(1 - 1e-9, df) == pytest.approx(-expected, rel=1e-6)


@pytest.mark.parametrize(
    ("t", "df"),
    itertools.product((-300, -12, -2.5, -1, -0.2, 0, 0.7, 1.96, 4, 50), (*DFS, 2.5, 17.3)),
)
def test_t_cdf_matches_scipy(t, df):
    from scipy import stats

    assert t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), abs=1e-12)


@pytest.mark.parametrize("df", DFS)
def test_t_cdf_undoes_t_quantile(df):
    for p in PS:
        assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-13)


def test_t_with_one_df_is_the_cauchy_distribution_even_very_near_zero():
    # exact: F(t) = 1/2 + atan(t)/π
    for t in (1e-8, 0.5, 3.0):
        assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-15)


def test_t_quantile_gives_infinities_at_0_and_1_and_refuses_other_p():
    assert t_quantile(0, 5) == -math.inf
    assert t_quantile(1, 5) == math.inf
    for bad in (-0.1, 1.1, math.nan):
        with pytest.raises(ValueError, match="p must lie"):
            t_quantile(bad, 5)


@pytest.mark.parametrize("df", [0, -3, math.inf, math.nan])
def test_t_refuses_degrees_of_freedom_that_are_not_positive_and_finite(df):
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_cdf(1.0, df)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.9, df)


# --- a hand-worked example ------------------------------------------------------------------


def test_hand_worked_five_pairs_give_the_textbook_numbers():
    # pre  10 12 14 16 18  mean 14, deviations -4 -2 0 2 4, SS 40, var 40/4 = 10
    # post  4  8  9 13 11  mean 9,  deviations -5 -1 0 4 2, SS 46, var 46/4 = 11.5
    # change -6 -4 -5 -3 -7 mean -5, deviations -1 1 0 2 -2, SS 10, var 10/4 = 2.5
    # cov = (20 + 2 + 0 + 8 + 8) / 4 = 9.5, r = 9.5 / √(10 · 11.5) = 9.5 / √115
    # d_z = -5 / √2.5 = -√10;  d_av = -5 / ((√10 + √11.5) / 2)
    # J = 1 - 3 / (4 · 4 - 1) = 0.8;  g_av = 0.8 · d_av
    # CI = -5 ± t(.975, 4) · √2.5 / √5 = -5 ± 2.7764451052 · √0.5 (t from a t table)
    outcome = paired_outcome(scale("epds"), [(10, 4), (12, 8), (14, 9), (16, 13), (18, 11)])
    d_av = -5 / ((math.sqrt(10) + math.sqrt(11.5)) / 2)
    half = 2.7764451052 * math.sqrt(0.5)
    assert outcome.n == 5
    assert (outcome.mean_pre, outcome.mean_post, outcome.mean_change) == (14, 9, -5)
    assert outcome.sd_pre == pytest.approx(math.sqrt(10), abs=1e-12)
    assert outcome.sd_post == pytest.approx(math.sqrt(11.5), abs=1e-12)
    assert outcome.sd_change == pytest.approx(math.sqrt(2.5), abs=1e-12)
    assert outcome.r == pytest.approx(9.5 / math.sqrt(115), abs=1e-12)
    assert outcome.d_z == pytest.approx(-math.sqrt(10), abs=1e-12)
    assert outcome.d_av == pytest.approx(d_av, abs=1e-12)
    assert outcome.g_av == pytest.approx(0.8 * d_av, abs=1e-12)
    assert outcome.ci95 == pytest.approx((-5 - half, -5 + half), abs=1e-9)


# --- against independent computations --------------------------------------------------------


@pytest.mark.parametrize(("seed", "n"), [(1, 3), (2, 8), (3, 40), (4, 250)])
def test_mean_change_interval_is_scipys_paired_t_interval(seed, n):
    from scipy import stats

    pairs = sample_pairs(seed, n)
    pre, post = np.array(pairs).T
    expected = stats.ttest_rel(post, pre).confidence_interval(0.95)
    interval = paired_outcome(scale("epds"), pairs).ci95
    assert interval == pytest.approx((expected.low, expected.high), abs=1e-9)


@pytest.mark.parametrize(("seed", "n"), [(5, 3), (6, 12), (7, 90)])
def test_d_z_is_the_mean_change_over_the_sd_of_change(seed, n):
    from scipy import stats

    pairs = sample_pairs(seed, n)
    pre, post = np.array(pairs).T
    change = post - pre
    outcome = paired_outcome(scale("epds"), pairs)
    assert outcome.d_z == pytest.approx(change.mean() / change.std(ddof=1), abs=1e-12)
    # d_z is the paired t statistic over √n
    assert outcome.d_z == pytest.approx(stats.ttest_rel(post, pre).statistic / math.sqrt(n))


@pytest.mark.parametrize(("seed", "n"), [(8, 3), (9, 15), (10, 60)])
def test_g_av_is_d_av_with_hedges_small_sample_correction(seed, n):
    pairs = sample_pairs(seed, n)
    pre, post = np.array(pairs).T
    d_av = (post.mean() - pre.mean()) / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    correction = 1 - 3 / (4 * (n - 1) - 1)
    outcome = paired_outcome(scale("epds"), pairs)
    assert outcome.d_av == pytest.approx(d_av, abs=1e-12)
    assert outcome.g_av == pytest.approx(correction * d_av, abs=1e-12)


@pytest.mark.parametrize("n", [10, 30, 200])
def test_the_approximate_correction_is_close_to_the_exact_gamma_function_correction(n):
    from scipy import special

    df = n - 1
    exact = special.gamma(df / 2) / (math.sqrt(df / 2) * special.gamma((df - 1) / 2))
    pairs = sample_pairs(11, n)
    outcome = paired_outcome(scale("epds"), pairs)
    assert outcome.g_av / outcome.d_av == pytest.approx(exact, rel=1e-3)


@pytest.mark.parametrize(("seed", "n"), [(12, 3), (13, 20), (14, 120)])
def test_g_interval_is_borensteins_repeated_measures_variance_scaled_by_j(seed, n):
    from scipy import stats

    # Borenstein et al. 2009 eq. 4.28: V_d = (1/n + d²/(2n)) · 2(1 - r), limits J · (d ± z√V)
    pairs = sample_pairs(seed, n)
    pre, post = np.array(pairs).T
    r = np.corrcoef(pre, post)[0, 1]
    d = (post.mean() - pre.mean()) / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    variance = (1 / n + d**2 / (2 * n)) * 2 * (1 - r)
    j = 1 - 3 / (4 * (n - 1) - 1)
    z = stats.norm.ppf(0.975)
    outcome = paired_outcome(scale("epds"), pairs)
    assert outcome.r == pytest.approx(r, abs=1e-12)
    assert outcome.g_ci95 == pytest.approx(
        (j * (d - z * math.sqrt(variance)), j * (d + z * math.sqrt(variance))), abs=1e-9
    )
    low, high = outcome.g_ci95
    assert low < outcome.g_av < high


# --- direction and categories ----------------------------------------------------------------


def test_epds_pairs_are_counted_in_the_four_jacobson_truax_categories():
    # EPDS: higher is worse, reliable change 4 points, cutoff 13 (13 or more is probable depression)
    pairs = [
        (18, 8),  # reliable drop from 18 to below 13: recovered
        (25, 15),  # reliable drop, still 13 or more: improved
        (12, 5),  # reliable drop, but started below 13: improved, not recovered
        (15, 13),  # drop of 2 is not reliable: unchanged
        (8, 14),  # reliable rise: deteriorated
    ]
    outcome = paired_outcome(scale("epds"), pairs)
    assert dict(outcome.categories) == {
        "recovered": 1,
        "improved": 2,
        "unchanged": 1,
        "deteriorated": 1,
    }
    assert dict(outcome.category_shares) == pytest.approx(
        {"recovered": 0.2, "improved": 0.4, "unchanged": 0.2, "deteriorated": 0.2}
    )
    assert outcome.uncategorised == 0
    assert outcome.improvement_is_positive_change is False
    assert outcome.mean_change < 0


def test_a_scale_without_change_parameters_leaves_every_pair_uncategorised():
    # CSI-16 has a cutoff but no reliable-change parameters; higher is better
    outcome = paired_outcome(scale("csi16"), [(40, 60), (50, 52), (70, 55)])
    assert outcome.uncategorised == 3
    assert dict(outcome.categories) == dict.fromkeys(
        ("recovered", "improved", "unchanged", "deteriorated"), 0
    )
    assert set(outcome.category_shares.values()) == {None}
    assert outcome.improvement_is_positive_change is True


# --- edge cases ------------------------------------------------------------------------------


def test_no_pairs_give_no_statistics_and_zero_counts():
    outcome = paired_outcome(scale("epds"), [])
    statistics_ = (
        outcome.mean_pre,
        outcome.mean_post,
        outcome.sd_pre,
        outcome.sd_post,
        outcome.mean_change,
        outcome.sd_change,
        outcome.ci95,
        outcome.d_z,
        outcome.d_av,
        outcome.g_av,
        outcome.g_ci95,
        outcome.r,
    )
    assert outcome.n == 0
    assert statistics_ == (None,) * len(statistics_)
    assert set(outcome.categories.values()) == {0}
    assert outcome.uncategorised == 0


def test_one_pair_gives_means_and_change_but_no_spread_or_effect_size():
    outcome = paired_outcome(scale("epds"), [(18, 8)])
    assert (outcome.n, outcome.mean_pre, outcome.mean_post, outcome.mean_change) == (1, 18, 8, -10)
    spread = (outcome.sd_pre, outcome.sd_post, outcome.sd_change, outcome.ci95, outcome.r)
    effects = (outcome.d_z, outcome.d_av, outcome.g_av, outcome.g_ci95)
    assert spread + effects == (None,) * 9
    assert outcome.categories["recovered"] == 1


def test_two_pairs_give_d_but_no_hedges_g_because_its_correction_is_zero():
    outcome = paired_outcome(scale("epds"), [(18, 8), (20, 14)])
    assert outcome.d_z is not None and outcome.d_av is not None
    assert (outcome.g_av, outcome.g_ci95) == (None, None)


def test_a_change_that_never_varies_gives_no_d_z_instead_of_infinity():
    outcome = paired_outcome(scale("epds"), [(10, 7), (15, 12), (20, 17)])
    assert outcome.sd_change == 0
    assert outcome.d_z is None
    assert outcome.ci95 == (-3, -3)
    assert outcome.d_av == pytest.approx(-3 / 5)  # both SDs are 5


def test_identical_pre_totals_give_no_correlation_and_no_g_interval():
    outcome = paired_outcome(scale("epds"), [(15, 7), (15, 9), (15, 14)])
    assert (outcome.r, outcome.g_ci95) == (None, None)
    assert outcome.d_av is not None and outcome.g_av is not None


def test_identical_pre_and_post_totals_give_no_standardised_effect():
    outcome = paired_outcome(scale("epds"), [(15, 15), (15, 15), (15, 15)])
    assert outcome.mean_change == 0
    assert (outcome.d_z, outcome.d_av, outcome.g_av, outcome.g_ci95) == (None,) * 4


# --- properties ------------------------------------------------------------------------------

totals = st.floats(min_value=0, max_value=30, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(totals, totals), min_size=2, max_size=30),
    shift=st.floats(min_value=-20, max_value=20, allow_nan=False),
)
def test_shifting_every_post_total_shifts_the_change_and_its_interval_alone(pairs, shift):
    before = paired_outcome(scale("epds"), pairs)
    after = paired_outcome(scale("epds"), [(pre, post + shift) for pre, post in pairs])
    assert after.mean_change == pytest.approx(before.mean_change + shift, abs=1e-9)
    assert after.ci95 == pytest.approx(tuple(limit + shift for limit in before.ci95), abs=1e-9)
    assert after.sd_change == pytest.approx(before.sd_change, abs=1e-9)
