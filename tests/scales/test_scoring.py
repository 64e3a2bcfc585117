"""Scoring: totals, reverse keys, missing-item rules, transforms, subscales, bands and alerts."""

from __future__ import annotations

import pytest

from hecht.scales.answers import AnswerError, AnswerProblem, parse_answers
from hecht.scales.library import load_library
from hecht.scales.model import AlertLevel
from hecht.scales.problems import DefinitionError
from hecht.scales.scoring import UnansweredCritical, round_half_up, score, unanswered_critical


def answers(definition, typed):
    return score(definition, parse_answers(definition, typed))


def test_total_is_the_sum_of_item_scores(demo):
    assert answers(demo, "1,2,3,3").total == 6


def test_reverse_scored_item_counts_high_answer_as_low_score(demo):
    assert answers(demo, "0,0,0,3").total == 0
    assert answers(demo, "0,0,0,0").total == 3


def test_prorating_scales_the_sum_to_all_items_and_rounds_half_up(demo):
    result = answers(demo, "1,2,,0")  # 1 + 2 + 3 = 6 over 3 items -> 8
    assert (result.total, result.prorated, result.valid) == (8, True, True)
    assert result.missing == ["3"]


def test_half_up_rounding_is_not_bankers_rounding():
    assert round_half_up(2.5) == 3
    assert round_half_up(3.5) == 4
    assert round_half_up(4.49) == 4


def test_more_missing_items_than_the_rule_allows_make_the_total_invalid(demo):
    result = answers(demo, ",,1,1")
    assert (result.valid, result.total, result.band) == (False, None, None)


def test_invalid_rule_refuses_any_missing_item(scale_data, build):
    data = scale_data()
    data["scoring"]["missing"] = {"rule": "invalid"}
    data["examples"] = [e for e in data["examples"] if "missing" not in e["name"]]
    data["examples"].append({"name": "m", "answers": "1,1,1,", "expect": {"valid": False}})
    data["examples"].append(
        {"name": "c", "answers": "1,,1,1", "expect": {"valid": False, "unanswered_critical": ["2"]}}
    )
    definition = build(data)
    assert answers(definition, "1,1,1,").valid is False


def test_minimum_answered_rule_sums_answered_items_without_scaling(scale_data, build):
    data = scale_data()
    data["scoring"]["missing"] = {"rule": "minimum_answered", "min_answered": 3}
    data["subscales"][0]["missing"] = {"rule": "invalid"}
    data["examples"] = []
    definition = build(data, strict=False)
    result = answers(definition, "1,2,,3")  # 1 + 2 + 0 (item 4 reversed)
    assert (result.total, result.valid, result.prorated) == (3, True, False)


def test_mean_method_averages_answered_items(scale_data, build):
    data = scale_data()
    data["scoring"].update(method="mean", range=[0, 3])
    data["interpretation"] = {}
    data["subscales"][0]["method"] = "sum"
    data["examples"] = []
    definition = build(data, strict=False)
    assert answers(definition, "1,2,,3").total == pytest.approx(1.0)  # (1 + 2 + 0) / 3


def test_transform_multiplies_the_raw_total(scale_data, build):
    data = scale_data()
    data["scoring"].update(range=[0, 48], transform={"multiply": 4})
    data["interpretation"] = {}
    data["examples"] = []
    definition = build(data, strict=False)
    result = answers(definition, "1,1,1,3")
    assert (result.raw_total, result.total) == (3, 12)


def test_band_is_reached_at_its_minimum(demo):
    assert answers(demo, "1,1,1,3").band == "low"  # 3
    assert answers(demo, "1,1,2,3").band == "mid"  # 4
    assert answers(demo, "3,2,3,3").band == "high"  # 8


def test_a_fractional_total_between_bands_belongs_to_the_lower_band(scale_data, build):
    data = scale_data()
    data["scoring"]["missing"]["rounding"] = "none"
    definition = build(data, strict=False)
    result = answers(definition, "1,2,,3")  # 3 * 4 / 3 = 4
    assert result.band == "mid"
    result = answers(definition, "3,2,,3")  # 5 * 4 / 3 = 6.67
    assert result.total == pytest.approx(6.666667)
    assert result.band == "mid"


def test_subscales_score_their_own_items(demo):
    result = answers(demo, "3,2,0,3")
    assert result.subscales == {"first": 5}


def test_a_subscale_inherits_the_scales_missing_rule(demo):
    result = answers(demo, ",3,1,1")  # one missing: allowed for the total and the subscale
    assert (result.total, result.subscales["first"]) == (8, 6)


def test_a_subscale_with_its_own_rule_can_be_invalid_while_the_total_is_valid(scale_data, build):
    data = scale_data()
    data["subscales"][0]["missing"] = {"rule": "invalid"}
    result = answers(build(data), ",3,1,1")
    assert result.valid is True
    assert result.subscales["first"] is None


def test_critical_item_raises_its_alert_at_the_threshold(demo):
    alerts = answers(demo, "0,3,0,3").alerts
    assert [(a.rule, a.item, a.level.value) for a in alerts] == [("alarm", "2", "urgent")]
    assert answers(demo, "0,2,0,3").alerts == []


def test_critical_item_alerts_even_when_the_total_is_invalid(demo):
    result = answers(demo, ",3,,")
    assert result.valid is False
    assert [a.rule for a in result.alerts] == ["alarm"]


def test_sum_rule_raises_one_alert_over_its_items(scale_data, build):
    data = scale_data()
    data["interpretation"]["critical"] = [
        {
            "id": "pair",
            "items": ["1", "3"],
            "when": "sum",
            "at_least": 4,
            "level": "warning",
            "message": {"nl": "x", "en": "x"},
        }
    ]
    for example in data["examples"]:
        example["expect"]["alerts"] = example["expect"]["unanswered_critical"] = []
    data["examples"][-1]["expect"]["alerts"] = ["pair"]
    data["examples"].append(
        {"name": "c", "answers": ",1,1,1", "expect": {"valid": False, "unanswered_critical": ["1"]}}
    )
    definition = build(data)
    assert [a.item for a in answers(definition, "2,0,2,3").alerts] == ["1+3"]
    assert answers(definition, "2,0,1,3").alerts == []


def test_unscored_item_is_recorded_but_neither_counted_nor_missing(scale_data, build):
    data = scale_data()
    data["items"].append(
        {"id": "5", "label": {"nl": "x", "en": "x"}, "options": "freq", "scored": False}
    )
    for example in data["examples"]:
        example["answers"] += ","
    definition = build(data)
    result = answers(definition, "1,1,1,3,")
    assert (result.total, result.missing, result.valid) == (3, [], True)
    assert answers(definition, "1,1,1,3,3").total == 3


@pytest.mark.parametrize(
    ("typed", "problem", "item"),
    [
        ("1,2,3", AnswerProblem.COUNT, ""),
        ("1,2,x,3", AnswerProblem.NOT_A_NUMBER, "3"),
        ("1,2,7,3", AnswerProblem.UNKNOWN_CODE, "3"),
        ("1,2,1.5,3", AnswerProblem.UNKNOWN_CODE, "3"),
    ],
)
def test_bad_answers_are_refused_naming_the_item_and_allowed_codes(demo, typed, problem, item):
    with pytest.raises(AnswerError) as caught:
        parse_answers(demo, typed)
    assert caught.value.problem is problem
    assert caught.value.item == item
    if problem is not AnswerProblem.COUNT:
        assert caught.value.allowed == "0, 1, 2, 3"


def test_numeric_range_items_take_any_value_on_their_steps(scale_data, build):
    data = scale_data()
    data["option_sets"]["line"] = {"range": {"min": 0, "max": 10, "step": 0.5}}
    for item in data["items"]:
        item["options"] = "line"
        item.pop("reverse", None)
    data["scoring"]["range"] = [0, 40]
    data["subscales"][0]["range"] = [0, 20]
    data["interpretation"] = {}
    data["examples"] = []
    definition = build(data, strict=False)
    assert answers(definition, "9.5,10,0,2").total == 21.5
    with pytest.raises(AnswerError) as caught:
        parse_answers(definition, "9.4,10,0,2")
    assert caught.value.problem is AnswerProblem.OUT_OF_RANGE
    assert caught.value.allowed == "0 to 10 in steps of 0.5"


def test_a_missing_critical_item_is_never_prorated_away(demo):
    result = answers(demo, "1,,1,1")  # one missing item is allowed, but item 2 is critical
    assert (result.valid, result.total, result.prorated) == (False, None, False)
    assert result.unanswered_critical == [UnansweredCritical("alarm", "2", AlertLevel.URGENT)]


def test_a_missing_ordinary_item_is_still_prorated_beside_a_critical_rule(demo):
    result = answers(demo, ",3,1,1")
    assert (result.valid, result.total, result.prorated) == (True, 8, True)
    assert result.unanswered_critical == []


def test_core10_with_item_6_missing_is_invalid_and_asks_about_item_6():
    core10 = load_library().get("core10")
    result = score(core10, parse_answers(core10, "1,2,2,1,1,,1,1,1,1"))
    assert (result.valid, result.total) == (False, None)
    assert [(gap.rule, gap.item) for gap in result.unanswered_critical] == [("risk", "6")]
    other = score(core10, parse_answers(core10, "1,2,2,1,1,0,1,1,1,"))
    assert (other.valid, other.total, other.prorated) == (
        True,
        pytest.approx(11.11, abs=0.01),
        True,
    )


def test_a_subscale_holding_a_missing_critical_item_is_invalid_under_any_rule(scale_data, build):
    data = scale_data()
    data["subscales"][0]["missing"] = {"rule": "minimum_answered", "min_answered": 1}
    result = answers(build(data), "3,,1,1")
    assert result.subscales["first"] is None


def test_unanswered_critical_items_are_found_from_a_stored_list_of_missing_items(demo):
    rules = demo.interpretation.critical
    assert unanswered_critical(rules, ["1", "2"]) == [
        UnansweredCritical("alarm", "2", AlertLevel.URGENT)
    ]
    assert unanswered_critical(rules, ["1"]) == []


def test_an_example_must_expect_the_critical_items_it_leaves_unanswered(scale_data, build):
    data = scale_data()
    data["examples"][2]["expect"]["unanswered_critical"] = []
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert "unanswered critical items are ['2'], expected none" in str(caught.value)


def test_strict_mode_requires_an_example_leaving_each_critical_rule_unanswered(scale_data, build):
    data = scale_data()
    data["examples"][2]["answers"] = "1,1,,"
    data["examples"][2]["expect"]["unanswered_critical"] = []
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert "no example leaves an item of critical rule 'alarm' unanswered" in str(caught.value)
    assert 'unanswered_critical = ["2"]' in str(caught.value)
