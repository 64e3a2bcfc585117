"""Properties of scoring and change that must hold for every answer sheet of every built-in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hecht.scales.answers import AnswerSheet
from hecht.scales.change import ChangeDirection, compare
from hecht.scales.library import load_library
from hecht.scales.model import Direction, MissingPolicy, MissingRule, ScaleDefinition
from hecht.scales.scoring import score

LIBRARY = load_library(None)
DEFINITIONS = [entry.definition for entry in LIBRARY.latest()]


def sheets(definition: ScaleDefinition, *, allow_missing: bool) -> st.SearchStrategy[AnswerSheet]:
    """Answer sheets using only the codes each item offers (None = missing)."""
    per_item = {}
    for item in definition.items:
        option_set = definition.option_set(item)
        if option_set.range is not None:
            bounds = option_set.range
            steps = int(round((bounds.max - bounds.min) / bounds.step))
            codes = st.integers(0, steps).map(lambda n, b=bounds: b.min + n * b.step)
        else:
            codes = st.sampled_from([option.code for option in option_set.options or []])
        per_item[item.id] = st.one_of(st.none(), codes) if allow_missing else codes
    return st.fixed_dictionaries(per_item)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.id)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_totals_and_subscales_stay_in_their_range(definition, data):
    result = score(definition, data.draw(sheets(definition, allow_missing=True)))
    low, high = definition.scoring.range
    if result.total is not None:
        assert low - 1e-9 <= result.total <= high + 1e-9
    for subscale in definition.subscales:
        value = result.subscales[subscale.id]
        if value is not None:
            assert subscale.range[0] - 1e-9 <= value <= subscale.range[1] + 1e-9


def prorating(definition: ScaleDefinition) -> ScaleDefinition:
    """The same definition with a lenient prorating rule."""
    scoring = definition.scoring.model_copy(
        update={"missing": MissingPolicy(rule=MissingRule.PRORATE, max_missing=1)}
    )
    return definition.model_copy(update={"scoring": scoring, "subscales": []})


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.id)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_prorating_equals_the_full_total_when_nothing_is_missing(definition, data):
    sheet = data.draw(sheets(definition, allow_missing=False))
    assert score(prorating(definition), sheet).total == score(definition, sheet).total
    assert score(prorating(definition), sheet).prorated is False


@pytest.mark.parametrize(
    "definition", [d for d in DEFINITIONS if d.change is not None], ids=lambda d: d.id
)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_rci_sign_follows_the_difference_and_direction_follows_the_scale(definition, data):
    low, high = definition.scoring.range
    pre = data.draw(st.floats(low, high))
    post = data.draw(st.floats(low, high))
    result = compare(definition, pre, post)
    assert result.rci is not None
    if post > pre + 1e-6:
        assert result.rci > 0
    elif post < pre - 1e-6:
        assert result.rci < 0
    better_when_higher = definition.scoring.direction is Direction.HIGHER_IS_BETTER
    if result.direction is ChangeDirection.IMPROVED:
        assert (post > pre) == better_when_higher
    if result.direction is ChangeDirection.DETERIORATED:
        assert (post < pre) == better_when_higher
