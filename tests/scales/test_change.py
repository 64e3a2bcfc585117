"""Change: Jacobson–Truax reliable change, cutoffs a/b/c and the four categories."""

from __future__ import annotations

import math

import pytest

from hecht.scales.change import ChangeCategory, ChangeDirection, compare, jacobson_truax_cutoff
from hecht.scales.model import Change, CutoffMethod, Direction, Norm, Norms


def test_sdiff_from_sd_and_reliability_matches_the_published_unit_vector():
    # pedscience/clinicalsignificance: sd 5, reliability .80 -> Sdiff 3.1623
    assert Change(sd=5, reliability=0.8).s_diff == pytest.approx(3.16228, abs=1e-5)


def test_core10_parameters_give_the_published_reliable_change_of_six_at_90_percent():
    # Barkham 2013: clinical SD 7.7, alpha .90 -> Sdiff 3.4435; 1.645 * Sdiff = 5.665 -> 6
    s_diff = Change(sd=7.7, reliability=0.9, criterion=1.645).s_diff
    assert s_diff == pytest.approx(3.4435, abs=1e-4)
    assert 1.645 * s_diff == pytest.approx(5.665, abs=1e-3)
    assert math.ceil(1.645 * s_diff) == 6


def test_a_published_reliable_change_is_the_criterion_times_sdiff():
    change = Change(reliable_change=6, criterion=1.645)
    assert change.s_diff * 1.645 == pytest.approx(6)


@pytest.mark.parametrize(
    ("pre", "post", "rci"),
    [(10, 2, -2.530), (10, 6, -1.265), (10, 10, 0), (10, 14, 1.265), (10, 18, 2.530)],
)
def test_rci_is_the_difference_over_sdiff(demo, pre, post, rci):
    # the demo scale has sd 5 and reliability .80, the unit vector above
    assert compare(demo, pre, post).rci == pytest.approx(rci, abs=1e-3)


def test_cutoff_c_from_core10_norms_is_the_documented_formula_check():
    norms = Norms(functional=Norm(mean=4.7, sd=4.8), dysfunctional=Norm(mean=19.7, sd=7.7))
    value = jacobson_truax_cutoff(norms, CutoffMethod.C, Direction.HIGHER_IS_WORSE)
    assert value == pytest.approx(10.46, abs=0.01)


def test_cutoffs_a_and_b_lie_two_sds_towards_health_and_illness():
    norms = Norms(functional=Norm(mean=4.7, sd=4.8), dysfunctional=Norm(mean=19.7, sd=7.7))
    worse = Direction.HIGHER_IS_WORSE
    assert jacobson_truax_cutoff(norms, CutoffMethod.A, worse) == pytest.approx(19.7 - 15.4)
    assert jacobson_truax_cutoff(norms, CutoffMethod.B, worse) == pytest.approx(4.7 + 9.6)
    better = Direction.HIGHER_IS_BETTER
    assert jacobson_truax_cutoff(norms, CutoffMethod.A, better) == pytest.approx(19.7 + 15.4)
    assert jacobson_truax_cutoff(norms, CutoffMethod.B, better) == pytest.approx(4.7 - 9.6)


@pytest.mark.parametrize(
    ("before", "after", "reliable", "direction", "category"),
    [
        # higher is worse, cutoff 8, Sdiff 3.16 -> a drop of 7 is reliable (|RC| 2.21)
        pytest.param(
            11, 4, True, ChangeDirection.IMPROVED, ChangeCategory.RECOVERED,
            id="reliable-improvement-across-the-cutoff-is-recovery",
        ),
        pytest.param(
            2, 10, True, ChangeDirection.DETERIORATED, ChangeCategory.DETERIORATED,
            id="reliable-worsening-is-deterioration",
        ),
        pytest.param(
            6, 4, False, ChangeDirection.IMPROVED, ChangeCategory.UNCHANGED,
            id="change-below-the-criterion-is-unchanged-but-keeps-its-direction",
        ),
    ],
)  # fmt: skip
def test_a_change_is_categorised_by_its_reliability_and_direction(
    demo, before, after, reliable, direction, category
):
    result = compare(demo, before, after)
    assert (result.reliable, result.direction, result.category) == (reliable, direction, category)


def test_reliable_improvement_that_stays_clinical_is_improvement(scale_data, build):
    definition = build(scale_data(change={"sd": 2, "reliability": 0.8}))  # Sdiff 1.26
    result = compare(definition, 12, 9)  # RC -2.37, still at or above the cutoff of 8
    assert (result.reliable, result.category) == (True, ChangeCategory.IMPROVED)


def test_improvement_from_an_already_healthy_start_is_never_recovery(demo):
    result = compare(demo, 7, 0)
    assert result.started_functional is True
    assert result.category is ChangeCategory.IMPROVED


def test_a_change_exactly_at_the_published_reliable_change_counts(scale_data, build):
    data = scale_data(change={"reliable_change": 6, "criterion": 1.645})
    result = compare(build(data), 12, 6)
    assert result.reliable is True


def test_without_change_parameters_nothing_is_called_reliable(scale_data, build):
    data = scale_data()
    del data["change"]
    result = compare(build(data), 12, 0)
    assert (result.rci, result.reliable, result.category) == (None, None, None)
    assert result.direction is ChangeDirection.IMPROVED


def test_computed_cutoff_is_used_when_none_is_published(scale_data, build):
    data = scale_data(
        norms={"functional": {"mean": 2, "sd": 1}, "dysfunctional": {"mean": 9, "sd": 2}}
    )
    data["interpretation"].pop("cutoff")
    data["change"]["cutoff_method"] = "c"
    result = compare(build(data), 10, 1)
    assert result.cutoff is not None
    assert result.cutoff.method == "c"
    assert result.cutoff.value == pytest.approx((2 * 2 + 1 * 9) / 3, abs=1e-3)


def test_reliable_difference_is_the_published_reliable_change_for_two_totals() -> None:
    from hecht.scales.change import reliable_difference
    from hecht.scales.library import load_library

    library = load_library(None)
    assert reliable_difference(library.get("who5")) == pytest.approx(23.6)
    core10 = library.get("core10")  # 90% criterion: 1.645 x (6 / 1.645)
    assert reliable_difference(core10) == pytest.approx(6.0)


def test_a_scale_without_change_parameters_has_no_reliable_difference() -> None:
    from hecht.scales.change import reliable_difference
    from hecht.scales.library import load_library

    assert reliable_difference(load_library(None).get("csi4")) is None
