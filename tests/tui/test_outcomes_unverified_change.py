"""The outcomes report states, for each relationship and self-image scale whose reliable-change
parameters could not be verified, that its pairs are not categorised and where to read why."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hecht.scales.outcomes import paired_outcome
from hecht.tui.i18n import Messages
from hecht.tui.reports.labels import ReportText
from hecht.tui.reports.outcomes_parts import DomainBlock, scale_notes

from .conftest import LIBRARY

NOTES = {
    "en": "no verified reliable-change parameters (see the scale's notes: hecht scales show)",
    "nl": "geen geverifieerde gegevens voor betrouwbare verandering (zie de toelichting",
}
PAIRS = {
    "csi4": [(8.0, 18.0), (12.0, 13.0), (15.0, 9.0)],
    "csi16": [(40.0, 60.0), (50.0, 52.0), (70.0, 55.0)],
    "ras": [(2.0, 4.0), (3.0, 3.14), (4.0, 2.5)],
    "rses": [(10.0, 25.0), (20.0, 21.0), (28.0, 12.0)],
}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("scale_id", sorted(PAIRS))
def test_a_scale_without_verified_parameters_is_named_in_the_notes_and_not_categorised(
    scale_id: str, language: str
):
    definition = LIBRARY.get(scale_id)
    outcome = paired_outcome(definition, PAIRS[scale_id])
    assert (outcome.n, outcome.uncategorised) == (3, 3)
    assert sum(outcome.categories.values()) == 0
    scale = SimpleNamespace(short_name=definition.short_name, outcome=outcome)
    text = ReportText(Messages(language), LIBRARY)  # type: ignore[arg-type]
    notes = scale_notes(DomainBlock(definition.domain.value, "", [scale]), text)
    assert any(
        note.startswith(f"{definition.short_name}: ") and NOTES[language] in note for note in notes
    )


def test_a_scale_with_parameters_gets_no_such_note():
    who5 = LIBRARY.get("who5")
    outcome = paired_outcome(who5, [(40.0, 72.0), (48.0, 60.0), (72.0, 40.0)])
    scale = SimpleNamespace(short_name=who5.short_name, outcome=outcome)
    notes = scale_notes(DomainBlock("wellbeing", "", [scale]), ReportText(Messages("en"), LIBRARY))
    assert not any("reliable-change" in note for note in notes)
