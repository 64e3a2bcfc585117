"""Clinical facts of the built-in definitions that an independent check asked for.

CORE-10's risk item is never prorated away and its unverified instruction is not shipped; the CSI
labels are ours, not the authors' anchors; the relationship and self-image scales without
verifiable reliable-change parameters say so, are never categorised and never make partners
discrepant.
"""

from __future__ import annotations

import pytest

from hecht.scales.answers import parse_answers
from hecht.scales.change import compare, reliable_difference
from hecht.scales.library import load_library
from hecht.scales.model import LicenceClass
from hecht.scales.scoring import score

LIBRARY = load_library(None)

CSI_ANCHORS = {
    # the authors' anchor words on the CSI forms (secondary transcriptions), which are wording
    "extremely unhappy",
    "fairly unhappy",
    "a little unhappy",
    "very happy",
    "extremely happy",
    "perfect",
    "not at all true",
    "a little true",
    "somewhat true",
    "mostly true",
    "almost completely true",
    "completely true",
    "all the time",
    "most of the time",
    "more often than not",
    "occasionally",
    "rarely",
    "never",
    "almost completely",
}


def test_core10_item_6_left_unanswered_makes_the_total_invalid_and_names_the_item():
    core10 = LIBRARY.get("core10")
    result = score(core10, parse_answers(core10, "1,2,2,1,1,,1,1,1,1"))
    assert result.total is None
    unanswered = [(missing.rule, missing.item) for missing in result.unanswered_critical]
    assert unanswered == [("risk", "6")]


def test_core10_another_single_missing_item_is_still_prorated():
    core10 = LIBRARY.get("core10")
    result = score(core10, parse_answers(core10, "1,2,2,1,1,0,1,1,1,"))
    assert result.total == pytest.approx(11.11, abs=0.005)
    assert result.unanswered_critical == []


def test_core10_has_a_golden_example_for_its_unanswered_risk_item():
    examples = LIBRARY.get("core10").examples
    assert any(example.expect.unanswered_critical == ["6"] for example in examples)


def test_core10_ships_no_instruction_that_could_not_be_checked_against_the_cst_form():
    core10 = LIBRARY.get("core10")
    assert core10.licence.class_ is LicenceClass.SHIP
    assert core10.instructions is None
    assert "No instruction is" in (core10.notes or "")


@pytest.mark.parametrize("scale_id", ["csi4", "csi16"])
def test_csi_option_labels_are_our_box_positions_not_the_authors_anchors(scale_id: str):
    definition = LIBRARY.get(scale_id)
    assert definition.licence.class_ is LicenceClass.SCORING_ONLY
    for option_set in definition.option_sets.values():
        for option in option_set.options or []:
            english = option.label.en.lower()
            assert english.startswith("box "), english
            assert not any(anchor in english for anchor in CSI_ANCHORS), english


@pytest.mark.parametrize("scale_id", ["csi4", "csi16", "ras", "rses"])
def test_a_scale_without_verifiable_change_parameters_says_so_in_its_notes(scale_id: str):
    definition = LIBRARY.get(scale_id)
    assert definition.change is None
    assert "because none could be verified" in (definition.notes or "")


@pytest.mark.parametrize(("scale_id", "pre", "post"), [("csi4", 5, 20), ("rses", 5, 28)])
def test_without_change_parameters_a_large_change_is_shown_but_not_categorised(
    scale_id: str, pre: float, post: float
):
    result = compare(LIBRARY.get(scale_id), pre, post)
    assert result.difference == post - pre
    assert (result.rci, result.reliable, result.category) == (None, None, None)


@pytest.mark.parametrize("scale_id", ["csi4", "csi16", "ras"])
def test_partners_are_never_called_discrepant_on_a_relationship_scale_without_parameters(
    scale_id: str,
):
    assert reliable_difference(LIBRARY.get(scale_id)) is None
