"""The perinatal time axis: where a date falls, from an episode's due and birth dates."""

from __future__ import annotations

from datetime import date

from hecht.scales.perinatal import Phase, phase_on

DUE = date(2027, 3, 1)  # the end of week 40


def test_before_the_birth_is_pregnancy_and_after_it_postpartum():
    assert phase_on(date(2026, 12, 4), due_date=DUE, birth_date=None) is Phase.PREGNANT
    birth = date(2027, 3, 8)
    assert phase_on(date(2027, 3, 10), due_date=DUE, birth_date=birth) is Phase.POSTPARTUM


def test_a_pregnancy_long_past_its_term_means_a_birth_not_recorded_so_the_phase_is_open():
    assert phase_on(date(2027, 4, 4), due_date=DUE, birth_date=None) is Phase.PREGNANT  # week 44
    assert phase_on(date(2027, 4, 5), due_date=DUE, birth_date=None) is None  # week 45


def test_without_dates_the_phase_is_open():
    assert phase_on(date(2026, 12, 4), due_date=None, birth_date=None) is None
