"""Dates as a person types them into a form field; perinatal weeks as they are shown."""

from __future__ import annotations

from datetime import date

import pytest

from hecht.scales.perinatal import PerinatalWeek, Phase
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import formatter

MARCH_15 = date(2027, 3, 15)


@pytest.mark.parametrize(
    "typed",
    ["2027-03-15", "15-03-2027", "15-3-2027", "15.03.2027", "15/03/2027", "2027/03/15",
     "15032027", "20270315", " 15032027 "],
)  # fmt: skip
def test_a_date_is_read_however_it_is_commonly_typed(typed):
    assert formatter("nl").typed_date(typed) == MARCH_15
    assert formatter("en").typed_date(typed) == MARCH_15


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("20122026", date(2026, 12, 20)), ("01022026", date(2026, 2, 1)),
     ("20100101", date(2010, 1, 1))],
)  # fmt: skip
def test_eight_digits_are_a_year_first_only_when_they_can_be(typed, meant):
    assert formatter("nl").typed_date(typed) == meant


@pytest.mark.parametrize(
    "typed", ["31022027", "15-03/2027", "1503207", "15 03 2027", "2027-3", "morgen", ""]
)
def test_what_is_not_a_date_is_refused(typed):
    assert formatter("nl").typed_date(typed) is None


def test_a_date_in_a_dates_form_whose_day_does_not_exist_is_said_so_not_told_how_to_write():
    dutch = Messages("nl")
    said = formatter("nl").date_refusal(" 31-02-2027 ", dutch, "episode_form.bad_date")
    assert said == "31-02-2027 is geen dag van de kalender: controleer de dag en de maand"
    wrong_form = formatter("nl").date_refusal("morgen", dutch, "episode_form.bad_date")
    assert wrong_form == dutch("episode_form.bad_date")


PREGNANT_26 = PerinatalWeek(Phase.PREGNANT, 26, 185)
POSTPARTUM_6 = PerinatalWeek(Phase.POSTPARTUM, 6, 44)


@pytest.mark.parametrize(
    ("language", "pregnant", "postpartum"), [("en", "P26", "PP6"), ("nl", "Z26", "PP6")]
)
def test_a_perinatal_week_is_written_short_in_the_users_language(language, pregnant, postpartum):
    shown, messages = formatter(language), Messages(language)
    assert shown.week(messages, PREGNANT_26) == pregnant  # Z is zwanger: Dutch only
    assert shown.week(messages, POSTPARTUM_6) == postpartum
    assert shown.week(messages, None) == "—"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_legends_and_help_explain_the_letters_the_weeks_are_written_with(language):
    messages = Messages(language)
    pregnant = formatter(language).week(messages, PREGNANT_26)
    postpartum = formatter(language).week(messages, POSTPARTUM_6)
    letter, after = pregnant.removesuffix("26"), postpartum.removesuffix("6")
    for key in ("trajectory.axis.week", "report.legend.week", "f1.supervision"):
        assert f"{letter} = " in messages(key) and f"{after} = " in messages(key), key
    assert f"({pregnant})" in messages("f1.caseload")
    assert f"({postpartum})" in messages("f1.caseload")
