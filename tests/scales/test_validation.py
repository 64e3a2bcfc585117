"""Broken definition files are refused with a message naming the file, the place and the fix."""

from __future__ import annotations

import pytest

from hecht.scales.loader import load_definition
from hecht.scales.problems import DefinitionError

VALID = """
id = "tiny"
version = "1"
short_name = "TINY"
name = { nl = "Klein", en = "Tiny" }
domain = "other"
respondent = "self"
citation = "Hecht tests."
licence = { class = "ship", note = "Ours." }

[option_sets.yn]
options = [
  { code = 0, score = 0, label = { nl = "nee", en = "no" } },
  { code = 1, score = 1, label = { nl = "ja", en = "yes" } },
]

[[items]]
id = "1"
label = { nl = "een", en = "one" }
options = "yn"

[[items]]
id = "2"
label = { nl = "twee", en = "two" }
options = "yn"

[scoring]
method = "sum"
range = [0, 2]
direction = "higher_is_worse"
missing = { rule = "invalid" }

[interpretation]
bands = [
  { id = "low", min = 0, max = 0, label = { nl = "laag", en = "low" } },
  { id = "high", min = 1, max = 2, label = { nl = "hoog", en = "high" } },
]

[[interpretation.critical]]
id = "alarm"
items = ["2"]
at_least = 1
level = "urgent"
message = { nl = "let op", en = "take care" }

[[subscales]]
id = "first"
label = { nl = "eerste", en = "first" }
items = ["1"]
range = [0, 1]

[[examples]]
name = "one yes is high"
answers = "1,0"
expect = { total = 1, band = "high" }

[[examples]]
name = "item 2 alerts"
answers = "0,1"
expect = { total = 1, alerts = ["alarm"] }

[[examples]]
name = "missing is invalid, and critical item 2 is to be asked about"
answers = "1,"
expect = { valid = false, unanswered_critical = ["2"] }
"""


def refusal(tmp_path, text: str) -> str:
    path = tmp_path / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    report = caught.value.report()
    assert all(line.startswith(str(path)) for line in report.splitlines())
    return report


def test_the_valid_file_loads(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(VALID, encoding="utf-8")
    assert load_definition(path).id == "tiny"


def test_an_empty_file_is_refused(tmp_path):
    assert "the file is empty" in refusal(tmp_path, "  \n")


@pytest.mark.parametrize(
    ("broken", "reasons"),
    [
        pytest.param(
            VALID.replace('short_name = "TINY"', 'short_name = "TINY'),
            ["not valid TOML", "line 4"],
            id="bad-toml-names-the-line",
        ),
        pytest.param(
            VALID.replace('options = "yn"\n', 'options = "yn"\nrevers = true\n', 1),
            # the allowed keys are listed, "reverse" among them
            ["items #1 (id '1'): unknown key 'revers'", "reverse"],
            id="an-unknown-key-is-named-with-the-allowed-keys",
        ),
        pytest.param(
            VALID.replace('id = "2"\nlabel = { nl = "twee"', 'id = "1"\nlabel = { nl = "twee"'),
            ["items: id '1' is used twice"],
            id="a-duplicate-item-id",
        ),
        pytest.param(
            VALID.replace("{ code = 1, score = 1", "{ code = 0, score = 1"),
            ["option_sets.yn", "option code 0 is used twice"],
            id="an-option-code-used-twice",
        ),
        pytest.param(
            VALID.replace("{ code = 1, score = 1", "{ code = 1, score = 7"),
            ["scoring.range: says 0 to 2, but the item scores give 0 to 14"],
            id="a-score-outside-the-range",
        ),
        pytest.param(
            VALID.replace('items = ["1"]\nrange', 'items = ["9"]\nrange'),
            ["subscales (id 'first').items: item '9' does not exist"],
            id="a-subscale-naming-a-missing-item",
        ),
        pytest.param(
            VALID.replace('id = "high", min = 1', 'id = "high", min = 0'),
            ["bands 'low' (0–0) and 'high' (0–2) overlap", "let 'high' start at 1"],
            id="overlapping-bands-with-the-fix",
        ),
        pytest.param(
            VALID.replace("min = 1, max = 2", "min = 1, max = 1"),
            ["the highest band 'high' ends at 1, the range at 2"],
            id="bands-that-stop-short-of-the-range",
        ),
        pytest.param(
            VALID.replace("expect = { total = 1, band", "expect = { total = 2, band"),
            ["examples #1 ('one yes is high'): total is 1, expected 2"],
            id="an-example-with-a-wrong-expected-total",
        ),
        pytest.param(
            VALID.replace('items = ["2"]\nat_least', 'items = ["3"]\nat_least'),
            ["interpretation.critical (id 'alarm'): item '3' does not exist"],
            id="a-critical-rule-on-a-missing-item",
        ),
        pytest.param(
            VALID.replace('citation = "Hecht tests."\n', ""),
            ["required key 'citation' is missing"],
            id="a-missing-required-key-is-named",
        ),
        pytest.param(
            VALID.replace('domain = "other"', 'domain = "happiness"'),
            ["domain:", "'happiness'"],
            id="a-wrong-value-type-names-the-field-and-value",
        ),
    ],
)
def test_a_broken_definition_is_refused_naming_the_place_and_reason(tmp_path, broken, reasons):
    assert broken != VALID
    report = refusal(tmp_path, broken)
    for reason in reasons:
        assert reason in report


def test_gapped_bands_are_refused_naming_the_uncovered_value(tmp_path):
    text = VALID.replace('id = "low", min = 0, max = 0', 'id = "low", min = 0, max = 0')
    text = text.replace('id = "high", min = 1, max = 2', 'id = "high", min = 2, max = 2')
    report = refusal(tmp_path, text)
    assert "leave a gap: no band covers 1" in report


def test_a_mixed_direction_has_no_total_bands_or_change_rule(tmp_path):
    mixed = VALID.replace('direction = "higher_is_worse"', 'direction = "mixed"')
    report = refusal(tmp_path, mixed)
    assert "scoring.total: a mixed direction has no total to read" in report
    assert "interpretation: a mixed direction has no total to band or cut" in report
    changed = mixed + '\n[change]\nreliable_change = 1\nsource = "ours"\n'
    assert "change: a mixed direction has no healthy end to move to" in refusal(tmp_path, changed)


def test_a_scoring_only_scale_may_not_carry_item_wording(tmp_path):
    text = VALID.replace('class = "ship"', 'class = "scoring_only"')
    text = text.replace(
        'label = { nl = "een", en = "one" }',
        'label = { nl = "een", en = "one" }\ntext = { en = "Do you?" }',
    )
    report = refusal(tmp_path, text)
    assert "a scoring_only scale has no item text" in report


def test_strict_mode_requires_an_example_for_every_critical_rule(tmp_path):
    text = VALID.replace('expect = { total = 1, alerts = ["alarm"] }', "expect = { total = 1 }")
    text = text.replace('answers = "0,1"', 'answers = "1,0"')
    report = refusal(tmp_path, text)
    assert "examples: no example raises critical rule 'alarm'" in report


def test_strict_mode_requires_examples_of_the_missing_rule(tmp_path):
    text = VALID.replace(
        'answers = "1,"\nexpect = { valid = false, unanswered_critical = ["2"] }',
        'answers = "1,0"\nexpect = { total = 1 }',
    )
    report = refusal(tmp_path, text)
    assert "no example leaves an item unanswered" in report


def test_strict_mode_requires_reverse_keyed_items_to_be_shown_reversed(tmp_path):
    text = VALID.replace(
        'label = { nl = "een", en = "one" }\noptions = "yn"',
        'label = { nl = "een", en = "one" }\noptions = "yn"\nreverse = true',
    )
    text = text.replace(
        'answers = "1,0"\nexpect = { total = 1, band = "high" }',
        'answers = ",0"\nexpect = { valid = false }',
    )
    text = text.replace(
        'answers = "0,1"\nexpect = { total = 1, alerts',
        'answers = ",1"\nexpect = { valid = false, alerts',
    )
    text = text.replace('answers = "1,"', 'answers = ","')
    report = refusal(tmp_path, text)
    assert "no example shows that reverse-keyed item '1' is reversed" in report


LINE = """
[option_sets.line]
range = { min = 0, max = 100, step = 1 }
"""


def with_line(range_text: str) -> str:
    """The valid file with a numeric option set 'line' whose range is ``range_text``."""
    return VALID.replace("[[items]]", LINE.replace("min = 0, max = 100, step = 1", range_text)
                         + "\n[[items]]", 1)  # fmt: skip


def test_a_numeric_range_option_set_loads(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(with_line("min = 0, max = 100, step = 0.5"), encoding="utf-8")
    line = load_definition(path).option_sets["line"].range
    assert line is not None and (line.min, line.max, line.step) == (0, 100, 0.5)


@pytest.mark.parametrize(
    ("range_text", "reason"),
    [
        ("min = 10, max = 0", "max (0) must be greater than min (10) — swap them"),
        ("min = 5, max = 5", "max (5) must be greater than min (5)"),
        ("min = 0, max = 100, step = 0", "step (0) must be at least 0.001"),
        ("min = 0, max = 100, step = -1", "step (-1) must be at least 0.001"),
        ("min = 0, max = 100, step = 200", "step (200) is wider than the range 0 to 100"),
        ("min = 0, max = 100, step = 3", "step (3) does not divide the range 0 to 100"),
        ('min = 0, max = "100"', "max: "),
        ("min = 0, max = 100, stap = 1", "unknown key 'stap'"),
        ("max = 100", "required key 'min' is missing"),
    ],
)
def test_a_bad_numeric_range_is_refused_naming_the_field_and_reason(tmp_path, range_text, reason):
    report = refusal(tmp_path, with_line(range_text))
    assert "option_sets.line.range" in report
    assert reason in report
