"""Series: a trajectory on the visit, date and perinatal-week axes, its change since baseline,
band boundaries, the cutoff line, and the partners' discrepancy, against hand-worked numbers."""

from __future__ import annotations

from datetime import date

import pytest

from hecht.scales.change import ChangeCategory, reliable_difference
from hecht.scales.library import load_library
from hecht.scales.perinatal import PerinatalWeek
from hecht.scales.series import (
    TOTAL,
    Axis,
    Event,
    Observation,
    Timeline,
    band_thresholds,
    build_trajectory,
    compares_partners,
    discrepancies,
    guides,
    thin,
)

LIBRARY = load_library(None)
DUE = date(2027, 2, 10)  # pregnancy began 280 days earlier, on 2026-05-06
BIRTH = date(2027, 2, 3)  # a week early


def obs(on: date, total: float | None, visit: int | None = None, **subscales: float) -> Observation:
    return Observation(on, total, subscales, visit)


# --- the axes -------------------------------------------------------------------------------


def test_before_the_birth_the_week_axis_counts_negative_weeks_to_the_due_date():
    # 2026-10-08 to 2027-02-10 is 125 days: -17.857 weeks, gestational day 280 - 125 = 155 (Z22)
    step = build_trajectory(LIBRARY.get("who5"), [obs(date(2026, 10, 8), 48)], Timeline(DUE)).steps[
        0
    ]
    assert step.positions[Axis.WEEK] == pytest.approx(-125 / 7)
    assert weeks(step.week) == ("pregnant", 22)


def test_a_score_long_past_the_due_date_without_a_birth_keeps_its_place_but_no_week_label():
    # 2027-03-17 lies 35 days after the due date: gestational week 45, so the birth must have been
    # missed; the score stays on the axis at +5 weeks, its week label open
    step = build_trajectory(LIBRARY.get("who5"), [obs(date(2027, 3, 17), 48)], Timeline(DUE)).steps[
        0
    ]
    assert step.positions[Axis.WEEK] == 5.0
    assert step.week is None


def test_once_born_the_week_axis_counts_from_the_birth_and_postpartum_weeks_are_positive():
    # 2027-02-03 to 2027-03-17 is 42 days (PP6); 2026-10-08 lies 118 days before the birth
    timeline = Timeline(DUE, BIRTH)
    trajectory = build_trajectory(
        LIBRARY.get("who5"), [obs(date(2026, 10, 8), 40), obs(date(2027, 3, 17), 60)], timeline
    )
    before, after = trajectory.steps
    assert before.positions[Axis.WEEK] == pytest.approx(-118 / 7)
    assert after.positions[Axis.WEEK] == 6.0
    assert (weeks(before.week), weeks(after.week)) == (("pregnant", 22), ("postpartum", 6))
    assert trajectory.event_position(Axis.WEEK) == 0.0
    assert timeline.event is Event.BIRTH


def test_week_axis_positions_read_back_as_gestational_or_postpartum_weeks():
    timeline = Timeline(DUE, BIRTH)
    assert weeks(timeline.week_at(6.0)) == ("postpartum", 6)
    assert weeks(timeline.week_at(-118 / 7)) == ("pregnant", 22)
    assert timeline.week_at(-60.0) is None  # 420 days before the birth: before the pregnancy


def weeks(found: PerinatalWeek | None) -> tuple[str, int] | None:
    """A week as its phase and number, or None."""
    return None if found is None else (found.phase, found.week)


def test_without_a_birth_the_due_date_marks_week_zero():
    timeline = Timeline(due_date=DUE)
    assert timeline.event is Event.DUE
    assert build_trajectory(LIBRARY.get("who5"), [], timeline).event_position(Axis.WEEK) == 0.0


def test_a_date_before_the_pregnancy_is_left_off_the_week_axis_but_not_the_date_axis():
    (step,) = build_trajectory(
        LIBRARY.get("who5"), [obs(date(2026, 4, 1), 52)], Timeline(DUE)
    ).steps
    assert step.positions[Axis.WEEK] is None and step.week is None
    assert step.positions[Axis.DATE] == date(2026, 4, 1).toordinal()


def test_without_episode_dates_or_visits_only_the_date_axis_is_offered():
    trajectory = build_trajectory(LIBRARY.get("who5"), [obs(date(2026, 10, 8), 48)])
    assert trajectory.axes() == [Axis.DATE]
    assert trajectory.event_position(Axis.WEEK) is None


def test_the_visit_axis_places_each_score_at_its_visit_number():
    trajectory = build_trajectory(
        LIBRARY.get("who5"),
        [obs(date(2026, 10, 8), 32, 1), obs(date(2026, 10, 9), 36), obs(date(2026, 11, 5), 48, 3)],
        Timeline(DUE),
    )
    assert trajectory.axes() == [Axis.VISIT, Axis.DATE, Axis.WEEK]
    line = trajectory.line(Axis.VISIT)
    assert (line.xs, line.ys) == ((1.0, 3.0), (32, 48))  # the score without a visit is left off


# --- change since baseline ------------------------------------------------------------------


def test_change_is_judged_against_the_first_valid_total(demo):
    # demo: higher is worse, cutoff 8, Sdiff = 5 * sqrt(2) * sqrt(.2) = 3.1623, so a change of
    # at least 1.96 * 3.1623 = 6.198 points is reliable
    trajectory = visits(demo, [None, 11, 9, 4])
    invalid, baseline, small, big = trajectory.steps
    assert trajectory.baseline is baseline
    assert (invalid.change, baseline.change) == (None, None)
    assert small.change is not None and small.change.rci == pytest.approx(-2 / 3.16228, abs=1e-4)
    assert small.change.category is ChangeCategory.UNCHANGED and small.reliable_category is None
    assert big.change is not None and big.change.difference == -7
    assert big.reliable_category is ChangeCategory.RECOVERED  # 11 is above the cutoff, 4 below


def visits(definition, totals):
    return build_trajectory(
        definition, [obs(date(2026, 10, n), total, n) for n, total in enumerate(totals, start=1)]
    )


def test_reliable_improvement_is_marked_where_the_drop_reaches_the_criterion(demo):
    # 7 -> 6 is -1 (unchanged); 7 -> 0 is -7, beyond 6.198: improved (7 already below cutoff 8)
    trajectory = visits(demo, [7, 6, 0])
    improved = trajectory.reliable(Axis.VISIT, ChangeCategory.IMPROVED)
    assert (improved.xs, improved.ys) == ((3.0,), (0,))
    assert trajectory.steps[-1].reliable_category is ChangeCategory.IMPROVED
    assert trajectory.reliable(Axis.VISIT, ChangeCategory.DETERIORATED).xs == ()


def test_reliable_deterioration_is_marked_where_the_rise_reaches_the_criterion(demo):
    # 5 -> 12 is +7, beyond 6.198; 5 -> 4 is -1
    trajectory = visits(demo, [5, 12, 4])
    deteriorated = trajectory.reliable(Axis.VISIT, ChangeCategory.DETERIORATED)
    assert (deteriorated.xs, deteriorated.ys) == ((2.0,), (12,))
    assert trajectory.reliable(Axis.VISIT, ChangeCategory.IMPROVED).xs == ()


def test_a_single_administration_has_no_change():
    (only,) = build_trajectory(LIBRARY.get("epds"), [obs(date(2026, 10, 8), 14, 1)]).steps
    assert only.change is None and only.reliable_category is None


def test_a_scale_without_change_parameters_shows_the_difference_but_no_category():
    # CSI-4 has no change parameters: 8 -> 20 is +12 of 21 points, yet never called reliable
    trajectory = build_trajectory(
        LIBRARY.get("csi4"), [obs(date(2026, 10, 8), 8, 1), obs(date(2026, 11, 5), 20, 2)]
    )
    last = trajectory.steps[-1]
    assert last.change is not None and last.change.difference == 12
    assert last.change.category is None and last.reliable_category is None
    assert trajectory.reliable(Axis.VISIT, ChangeCategory.IMPROVED).xs == ()


def test_epds_drop_of_four_reaches_the_published_reliable_change():
    trajectory = build_trajectory(
        LIBRARY.get("epds"), [obs(date(2026, 10, 8), 15, 1), obs(date(2026, 11, 5), 11, 2)]
    )
    assert trajectory.steps[-1].reliable_category is ChangeCategory.RECOVERED  # 15 >= 13 > 11


# --- lines ----------------------------------------------------------------------------------


def test_subscales_join_the_total_only_when_asked(demo):
    trajectory = build_trajectory(demo, [obs(date(2026, 10, 8), 9, 1, first=6)])
    assert [line.key for line in trajectory.lines(Axis.VISIT)] == [TOTAL]
    assert [line.key for line in trajectory.lines(Axis.VISIT, subscales=True)] == [TOTAL, "first"]
    assert trajectory.line(Axis.VISIT, "first").ys == (6,)


def test_a_scale_without_a_total_always_shows_its_subscales():
    ecr = LIBRARY.get("ecr_rs")
    trajectory = build_trajectory(ecr, [obs(date(2026, 10, 8), None, 1, avoidance=3, anxiety=5)])
    assert [line.key for line in trajectory.lines(Axis.VISIT)] == ["avoidance", "anxiety"]


# --- guides: band boundaries and the cutoff -------------------------------------------------


def test_band_boundaries_are_the_upper_bands_minimums(demo):
    assert band_thresholds(demo) == [4, 8]  # low 0-3, mid 4-7, high 8-12
    assert band_thresholds(LIBRARY.get("phq9")) == [5, 10, 15, 20]


def test_the_cutoff_replaces_the_band_boundary_it_falls_on(demo):
    found = guides(demo)
    assert found.cutoff is not None and (found.cutoff.value, found.cutoff.method) == (
        8,
        "published",
    )
    assert found.bands == (4,)
    phq9 = guides(LIBRARY.get("phq9"))
    assert (phq9.cutoff.value, phq9.bands) == (10, (5, 15, 20))  # type: ignore[union-attr]


def test_a_cutoff_half_a_step_from_the_boundary_is_still_the_same_line():
    csi4 = guides(LIBRARY.get("csi4"))  # dissatisfied 0-13, cutoff 13.5
    assert (csi4.cutoff.value, csi4.bands) == (13.5, ())  # type: ignore[union-attr]
    who5 = guides(LIBRARY.get("who5"))  # poor 0-48, not poor 52-100 (step 4), cutoff 52
    assert (who5.cutoff.value, who5.bands) == (52, ())  # type: ignore[union-attr]


def test_a_scale_without_a_cutoff_gets_no_cutoff_line():
    assert guides(LIBRARY.get("rses")).cutoff is None


# --- partners -------------------------------------------------------------------------------


def test_the_reliable_difference_is_criterion_times_sem_times_root_two(demo):
    # SEM = 5 * sqrt(1 - .8) = 2.23607; x sqrt(2) = 3.16228; x 1.96 = 6.19806
    assert reliable_difference(demo) == pytest.approx(6.19806, abs=1e-5)
    sem = 5 * (1 - 0.8) ** 0.5
    assert reliable_difference(demo) == pytest.approx(1.96 * sem * 2**0.5)


def test_partners_are_paired_at_shared_visits_and_flagged_beyond_the_reliable_difference(
    scale_data, build
):
    couple_scale = build(scale_data(domain="relationship", respondent="partner"))
    assert compares_partners(couple_scale)
    first = [
        obs(date(2026, 10, 1), 10, 1),
        obs(date(2026, 10, 8), 11, 2),
        obs(date(2026, 10, 9), 3),
    ]
    first.append(obs(date(2026, 10, 15), 3, 3))
    second = [
        obs(date(2026, 10, 1), 9, 1),
        obs(date(2026, 10, 8), 4, 2),
        obs(date(2026, 10, 9), 12),
    ]
    second.append(obs(date(2026, 10, 22), 12, 4))
    found = discrepancies(couple_scale, first, second)
    assert [(d.visit, d.first, d.second, d.difference, d.flagged) for d in found] == [
        (1, 10, 9, 1, False),
        (2, 11, 4, 7, True),  # 7 > 6.198
    ]


def test_a_difference_equal_to_the_reliable_difference_is_flagged_as_a_reliable_change_is():
    epds = LIBRARY.get("epds")  # reliable difference 4: "a change of 4 or more" is reliable
    found = discrepancies(
        epds,
        [obs(date(2026, 10, 1), 13, 1), obs(date(2026, 10, 8), 14, 2)],
        [obs(date(2026, 10, 1), 10, 1), obs(date(2026, 10, 8), 10, 2)],
    )
    assert [d.flagged for d in found] == [False, True]


def test_without_change_parameters_a_discrepancy_is_shown_but_never_flagged():
    csi4 = LIBRARY.get("csi4")
    (found,) = discrepancies(csi4, [obs(date(2026, 10, 1), 20, 1)], [obs(date(2026, 10, 1), 2, 1)])
    assert (found.difference, found.flagged) == (18, None)


def test_only_relationship_scales_compare_partners():
    assert compares_partners(LIBRARY.get("csi4"))
    assert not compares_partners(LIBRARY.get("who5"))


# --- ticks ----------------------------------------------------------------------------------


def test_thinning_keeps_first_and_last_and_spreads_the_rest():
    # indices 0, 9.75, 19.5, 29.25, 39 round to 0, 10, 20, 29, 39
    assert thin([float(n) for n in range(1, 41)], 5) == [1, 11, 21, 30, 40]
    assert thin([3.0, 1.0, 3.0], 5) == [1, 3]
    assert thin([1.0, 2.0, 3.0], 1) == [1]
