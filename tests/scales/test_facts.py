"""Scale facts: the few numbers per scale that the caseload and its signals judge with."""

from __future__ import annotations

import pytest

from hecht.scales.facts import facts_from_data, facts_to_data, library_facts
from hecht.scales.library import load_library


@pytest.fixture(scope="module")
def facts():
    return library_facts(load_library(None))


def test_every_scale_of_the_library_has_its_facts(facts):
    assert set(facts) == set(load_library(None).ids())


def test_who5_judges_change_by_its_published_reliable_change(facts):
    who5 = facts["who5"]
    assert (who5.domain, who5.higher_is_better, who5.judged) == ("wellbeing", True, True)
    assert who5.reliable_difference == pytest.approx(23.6)
    assert who5.reliable_step == pytest.approx(23.6)
    assert who5.reliable_step < 23.6  # a change of exactly 23.6 counts as reliable


def test_a_scale_where_lower_is_better_turns_its_change_around(facts):
    assert facts["epds"].higher_is_better is False


def test_a_scale_without_change_parameters_is_never_judged(facts):
    csi4 = facts["csi4"]
    assert (csi4.judged, csi4.reliable_step, csi4.reliable_difference) == (False, None, None)


def test_facts_survive_the_way_to_json_and_back_unchanged(facts):
    import json

    assert facts_from_data(json.loads(json.dumps(facts_to_data(facts)))) == facts
