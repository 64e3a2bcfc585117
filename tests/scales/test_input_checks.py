"""Every input a file or a person gives the scales layer is checked: refused with where and why."""

from __future__ import annotations

import pytest

from hecht.scales import limits
from hecht.scales.answers import AnswerError, AnswerProblem, check_code, parse_answers
from hecht.scales.library import load_library
from hecht.scales.loader import load_definition, overlay_from_data
from hecht.scales.problems import DefinitionError

ARABIC_INDIC_THREE = "\u0663"
FULL_WIDTH_THREE = "\uff13"


def refusal(tmp_path, text: str, name: str = "bad.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return caught.value.report()


@pytest.mark.parametrize(
    "typed",
    [ARABIC_INDIC_THREE, FULL_WIDTH_THREE, "\u09e9", "1e0", "1_0", "+1", "0x1", "³"],
)
def test_an_answer_code_must_be_ascii_digits(demo, typed):
    with pytest.raises(AnswerError) as caught:
        check_code(demo, demo.item("1"), typed)
    assert caught.value.problem is AnswerProblem.NOT_A_NUMBER


def test_a_long_refused_answer_is_quoted_cut_with_a_mark_where_it_was_cut(demo):
    pasted = "1" * 40
    with pytest.raises(AnswerError) as caught:
        check_code(demo, demo.item("1"), pasted)
    assert caught.value.given == "1" * (limits.MAX_CODE_CHARACTERS - 1) + "…"
    with pytest.raises(AnswerError) as caught:
        check_code(demo, demo.item("1"), "x" * limits.MAX_CODE_CHARACTERS)
    assert caught.value.given == "x" * limits.MAX_CODE_CHARACTERS  # whole: nothing was cut


def test_an_answer_string_with_a_unicode_digit_names_the_item(demo):
    with pytest.raises(AnswerError) as caught:
        parse_answers(demo, f"1,{FULL_WIDTH_THREE},1,1")
    assert caught.value.item == "2"


def test_ascii_codes_with_spaces_or_a_decimal_comma_are_still_read(scale_data, build):
    data = scale_data()
    data["option_sets"]["vas"] = {"range": {"min": 0, "max": 10, "step": 0.5}}
    data["items"].append(
        {"id": "5", "label": {"nl": "x", "en": "x"}, "options": "vas", "scored": False}
    )
    data["examples"] = []
    definition = build(data, strict=False)
    assert check_code(definition, definition.item("1"), " 3 ") == 3
    assert check_code(definition, definition.item("5"), "7,5") == 7.5


def test_a_huge_typed_code_is_refused_without_being_echoed_whole(demo):
    with pytest.raises(AnswerError) as caught:
        check_code(demo, demo.item("1"), "9" * 100_000)
    assert len(str(caught.value)) < 200


def test_a_version_written_with_unicode_digits_is_refused(scale_data, build):
    with pytest.raises(DefinitionError) as caught:
        build(scale_data(version=ARABIC_INDIC_THREE))
    assert "version: this is not a valid id or version" in caught.value.report()
    assert "digits 0-9" in caught.value.report()


def test_an_overlay_code_key_must_be_ascii_digits(tmp_path):
    data = {
        "overlay": "epds",
        "version": "1",
        "source": "licensed",
        "items": [{"id": "1", "options": {FULL_WIDTH_THREE: {"nl": "x"}, "3_0": {"nl": "y"}}}],
    }
    with pytest.raises(DefinitionError) as caught:
        overlay_from_data(tmp_path / "o.toml", data)
    report = caught.value.report()
    assert f"items #1 (id '1').options.{FULL_WIDTH_THREE}: '{FULL_WIDTH_THREE}' is not" in report
    assert "items #1 (id '1').options.3_0: '3_0' is not an option code" in report


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "whole number"),
        (1.0, "whole number"),
        ("1", "whole number"),
        (100, "above 99"),
    ],
)
def test_an_option_code_is_a_whole_number_from_0_to_99(scale_data, build, value, reason):
    data = scale_data()
    data["option_sets"]["freq"]["options"][0]["code"] = value
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert "option_sets.freq.options #1.code" in caught.value.report()
    assert reason in caught.value.report()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "1", True, 1e7])
def test_a_score_is_a_finite_number_of_sensible_size(scale_data, build, value):
    data = scale_data()
    data["option_sets"]["freq"]["options"][1]["score"] = value
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert "option_sets.freq.options #2.score" in caught.value.report()


def test_a_flag_written_as_text_is_refused(scale_data, build):
    data = scale_data()
    data["items"][3]["reverse"] = "yes"
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert "items #4 (id '4').reverse: should be true or false" in str(caught.value)


def test_an_item_listed_twice_in_a_subscale_or_rule_is_refused(scale_data, build):
    data = scale_data()
    data["subscales"][0]["items"] = ["1", "2", "1"]
    data["interpretation"]["critical"][0]["items"] = ["2", "2"]
    with pytest.raises(DefinitionError) as caught:
        build(data)
    report = caught.value.report()
    assert "subscales (id 'first').items: item '1' is listed twice" in report
    assert "interpretation.critical (id 'alarm').items: item '2' is listed twice" in report


def test_a_huge_value_is_refused_and_shown_shortened(scale_data, build):
    with pytest.raises(DefinitionError) as caught:
        build(scale_data(citation="x" * 200_000))
    report = caught.value.report()
    assert f"citation: String should have at most {limits.MAX_TEXT} characters" in report
    assert len(report) < 400


def test_too_many_items_are_refused_with_the_limit(scale_data, build):
    data = scale_data()
    data["items"] = [
        {"id": str(n), "label": {"nl": "x", "en": "x"}, "options": "freq"}
        for n in range(limits.MAX_ITEMS + 1)
    ]
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert f"items: List should have at most {limits.MAX_ITEMS} items" in caught.value.report()


def test_data_of_too_many_values_is_refused_as_a_whole(scale_data, build):
    data = scale_data()
    data["examples"] = [dict(example) for example in data.get("examples", [])] * 60_000
    with pytest.raises(DefinitionError) as caught:
        build(data)
    assert f"the file is too large: more than {limits.MAX_DATA_VALUES}" in caught.value.report()


def test_deeply_nested_arrays_are_refused_naming_the_line(tmp_path):
    text = 'id = "x"\n\nnotes = ' + "[" * 100_000 + "]" * 100_000 + "\n"
    report = refusal(tmp_path, text)
    assert f"line 3: tables or arrays are nested more than {limits.MAX_BRACKET_DEPTH}" in report


def test_deeply_nested_inline_tables_are_refused(tmp_path):
    text = "x = " + "{ a = " * 5_000 + "1" + " }" * 5_000
    assert "line 1: tables or arrays are nested more than" in refusal(tmp_path, text)


def test_a_dotted_key_of_thousands_of_parts_is_refused_before_it_is_read(tmp_path):
    text = 'id = "x"\nscoring' + ".deeper" * 50_000 + " = 1\n"
    assert "line 2: tables or arrays are nested more than" in refusal(tmp_path, text)


def test_dotted_keys_nesting_too_deeply_once_read_are_refused_naming_the_key(tmp_path):
    text = "scoring" + ".deeper" * 20 + " = 1\n"
    report = refusal(tmp_path, text)
    assert "scoring.deeper.deeper.deeper…: tables or arrays are nested more than" in report
    assert f"more than {limits.MAX_DATA_DEPTH} levels" in report


def test_brackets_inside_strings_and_comments_do_not_count_as_nesting():
    text = 'a = "' + "[" * 100 + '"\n# ' + "{" * 100 + "\nb = '''\n" + "[" * 100 + "'''\n"
    assert limits.too_deep_line(text) is None
    assert limits.too_deep_line("a = " + "[" * 40 + "]" * 40) == 1


def test_a_number_too_long_to_read_is_refused(tmp_path):
    assert "a number is too long to read" in refusal(tmp_path, "x = " + "9" * 5_000)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    text = "notes = '" + "x" * limits.MAX_FILE_BYTES + "'\n"
    assert "the file is larger than 1024 KB" in refusal(tmp_path, text)


def test_a_local_file_that_breaks_the_reader_leaves_the_builtins_loading(tmp_path):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 100_000, encoding="utf-8")
    (tmp_path / "digits.toml").write_text(
        f'overlay = "epds"\nversion = "1"\nsource = "s"\n[[items]]\nid = "1"\n'
        f'options = {{ "{ARABIC_INDIC_THREE}" = {{ nl = "x" }} }}\n',
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    assert {"core10", "epds", "phq9", "who5"} <= set(library.ids())
    refusals = {refusal.path.name: refusal for refusal in library.refusals()}
    assert refusals["deep.toml"].where == "line 1"
    assert "nested more than" in refusals["deep.toml"].what
    assert refusals["digits.toml"].where == f"items #1 (id '1').options.{ARABIC_INDIC_THREE}"
    assert "is not an option code" in refusals["digits.toml"].what


def test_a_check_that_fails_unexpectedly_refuses_only_that_file(tmp_path, monkeypatch):
    from hecht.scales import library as library_module

    (tmp_path / "odd.toml").write_text('id = "odd"\n', encoding="utf-8")
    real = library_module.definition_from_data

    def failing(path, data, *, strict=True):
        if path.name == "odd.toml":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, data, strict=strict)

    monkeypatch.setattr(library_module, "definition_from_data", failing)
    library = load_library(tmp_path)
    assert "core10" in library.ids()
    (refused,) = library.refusals()
    assert refused.path.name == "odd.toml"
    assert refused.what == "the file could not be checked (RecursionError)"
    assert "hecht scales validate" in refused.fix
