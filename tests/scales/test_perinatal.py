"""The perinatal time axis: where a date falls, from an episode's due and birth dates."""

from __future__ import annotations

from datetime import date

from hecht.scales.perinatal import (
    PerinatalWeek,
    Phase,
    birth_not_recorded,
    perinatal_week,
    phase_on,
)

DUE = date(2027, 3, 1)  # the end of week 40


def test_before_the_birth_is_pregnancy_and_after_it_postpartum():
    assert phase_on(date(2026, 12, 4), due_date=DUE, birth_date=None) is Phase.PREGNANT
    birth = date(2027, 3, 8)
    assert phase_on(date(2027, 3, 10), due_date=DUE, birth_date=birth) is Phase.POSTPARTUM


def test_a_pregnancy_long_past_its_term_means_a_birth_not_recorded_so_the_phase_is_open():
    assert phase_on(date(2027, 4, 4), due_date=DUE, birth_date=None) is Phase.PREGNANT  # week 44
    assert phase_on(date(2027, 4, 5), due_date=DUE, birth_date=None) is None  # week 45


def weeks(found: PerinatalWeek | None) -> tuple[str, int] | None:
    """A week as its phase and number, or None."""
    return None if found is None else (found.phase, found.week)


def test_past_week_44_there_is_no_week_to_show_but_a_birth_date_to_fill_in():
    week44, week45 = date(2027, 4, 4), date(2027, 4, 5)
    assert weeks(perinatal_week(week44, due_date=DUE, birth_date=None)) == ("pregnant", 44)
    assert not birth_not_recorded(week44, due_date=DUE, birth_date=None)
    assert perinatal_week(week45, due_date=DUE, birth_date=None) is None
    assert birth_not_recorded(week45, due_date=DUE, birth_date=None)
    born = date(2027, 3, 8)
    assert not birth_not_recorded(week45, due_date=DUE, birth_date=born)
    assert weeks(perinatal_week(week45, due_date=DUE, birth_date=born)) == ("postpartum", 4)
    late = date(2027, 4, 10)  # a birth recorded in week 45: the pregnancy was real until then
    assert weeks(perinatal_week(week45, due_date=DUE, birth_date=late)) == ("pregnant", 45)
    assert not birth_not_recorded(week45, due_date=DUE, birth_date=late)


def test_without_dates_the_phase_is_open():
    assert phase_on(date(2026, 12, 4), due_date=None, birth_date=None) is None


def test_the_week_of_a_date_follows_from_the_due_date_and_then_the_birth():
    assert weeks(perinatal_week(date(2026, 11, 24), due_date=DUE, birth_date=None)) == (
        "pregnant", 26,
    )  # fmt: skip
    born = date(2027, 2, 20)
    assert weeks(perinatal_week(date(2027, 4, 3), due_date=DUE, birth_date=born)) == (
        "postpartum", 6,
    )  # fmt: skip
    on_the_eve = perinatal_week(date(2027, 2, 19), due_date=DUE, birth_date=born)
    assert weeks(on_the_eve) == ("pregnant", 38)  # 38 weeks 4 days
