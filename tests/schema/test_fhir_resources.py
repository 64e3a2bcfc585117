"""The FHIR builders on their own: pure functions of definitions and read models, whose
resources the R4 models accept, coded with LOINC only where a code was verified."""

from __future__ import annotations

import ast
import copy
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from hecht.scales.library import ScaleLibrary
from hecht.scales.model import ScaleDefinition
from hecht.schema.exchange.fhir import terms
from hecht.schema.exchange.fhir.questionnaire import build_questionnaire
from hecht.schema.exchange.fhir.resources import build_observations, build_response
from hecht.schema.readmodels import AdministrationRead, AnswerRead, ScoreRead

URIS = terms.PracticeUris(uuid.UUID("6f0c8a5e-2c1b-4d7e-9a61-3b2f5e8d9c10"))
PATIENT, RESPONSE = URIS.full_url("patient", "A1"), URIS.full_url("response", 1)

FHIR = Path(__file__).parents[2] / "schema" / "exchange" / "fhir"
PURE = ("terms.py", "questionnaire.py", "resources.py", "bundle.py", "reading.py")
WHEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
LABEL = {"nl": "ons label", "en": "our label"}
VAS: dict[str, Any] = {
    "id": "vas2",
    "version": "1",
    "short_name": "VAS-2",
    "name": {"nl": "Twee schalen", "en": "Two scales"},
    "domain": "birth",
    "respondent": "self",
    "citation": "Written for Hecht's tests.",
    "licence": {"class": "scoring_only", "note": "Not ours to ship."},
    "option_sets": {"vas": {"range": {"min": 0, "max": 100, "step": 1}}},
    "items": [
        {"id": "fear", "label": LABEL, "options": "vas"},
        {"id": "worry", "label": LABEL, "options": "vas"},
    ],
    "scoring": {
        "method": "mean",
        "range": [0, 100],
        "direction": "higher_is_worse",
        "missing": {"rule": "invalid"},
    },
}


def test_the_builders_never_touch_storage():
    for name in PURE:
        tree = ast.parse((FHIR / name).read_text(encoding="utf-8"))
        modules = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        touching = {m for m in modules if m and m.split(".")[0] in ("sqlmodel", "sqlalchemy")}
        assert not touching, f"{name} imports {touching}"


def administration(
    definition: ScaleDefinition,
    codes: list[float | None],
    total: float | None,
    *,
    valid: bool = True,
    prorated: bool = False,
) -> Any:
    answers = [
        AnswerRead(item.id, code, code, None if code is not None else "not answered")
        for item, code in zip(definition.items, codes, strict=True)
    ]
    score = ScoreRead(total, total, None, valid, prorated, [], {})
    return AdministrationRead(
        id=1, lineage_id=1, version=1, supersedes_id=None, client_id=1,
        episode_lineage_id=None, visit_lineage_id=None, scale_id=definition.id,
        scale_version=definition.version, respondent="self", mode="paper", status="complete",
        observed_at=WHEN, entered_at=WHEN, recorded_at=WHEN, recorded_by_id=None,
        change_reason=None, answers=answers, score=score,
    )  # fmt: skip


def test_a_numeric_item_is_a_number_within_its_range_and_answered_as_one():
    definition = ScaleDefinition.model_validate(copy.deepcopy(VAS))
    questionnaire = build_questionnaire(definition, "en")
    Questionnaire.model_validate(questionnaire)
    fear = questionnaire["item"][0]
    assert fear["type"] == "integer" and "answerOption" not in fear
    assert [e["valueInteger"] for e in fear["extension"]] == [0, 100]
    response = build_response(
        definition, administration(definition, [70, None], 70),
        patient_url=URIS.full_url("patient", "A1"), practitioner_url=None, language="nl",
        uris=URIS,
    )  # fmt: skip
    QuestionnaireResponse.model_validate(response)
    assert response["item"][0]["answer"] == [{"valueInteger": 70}]
    assert "answer" not in response["item"][1]
    refs = {"patient": PATIENT, "response": RESPONSE, "practitioner": None}
    [total] = build_observations(definition, administration(definition, [70, 30], 50), refs, "en")
    Observation.model_validate(total)
    assert total["valueQuantity"] == {
        "value": 50, "unit": "{score}", "system": terms.UCUM, "code": "{score}"
    }  # fmt: skip


def test_a_scoring_only_scale_carries_our_labels_and_scores_never_option_wording(
    library: ScaleLibrary,
):
    questionnaire = build_questionnaire(library.get("csi4", "1"), "en")
    for item in questionnaire["item"]:
        assert item["text"] == library.get("csi4", "1").item(item["linkId"]).label.en
        assert all("display" not in option["valueCoding"] for option in item["answerOption"])
    shipped = build_questionnaire(library.get("phq9", "1"), "en")
    assert shipped["item"][1]["text"] == "Little interest or pleasure in doing things"
    assert shipped["item"][1]["answerOption"][0]["valueCoding"]["display"] == "Not at all"


@pytest.mark.parametrize(
    ("scale", "panel", "total"),
    [("phq9", "44249-1", "44261-6"), ("gad7", None, "70274-6"), ("epds", None, None),
     ("who5", None, None), ("core10", None, None)],
)  # fmt: skip
def test_loinc_codes_only_where_verified_and_our_own_code_always(
    library: ScaleLibrary, scale, panel, total
):
    definition = library.get(scale)
    codes = build_questionnaire(definition, "en")["code"]
    assert [c["code"] for c in codes if c["system"] == terms.LOINC] == ([panel] if panel else [])
    assert {"system": terms.SCALES_SYSTEM, "code": scale}.items() <= codes[-1].items()
    codes_given = [0.0 if definition.option_set(i).options else None for i in definition.items]
    refs = {"patient": PATIENT, "response": RESPONSE, "practitioner": None}
    observations = build_observations(
        definition, administration(definition, codes_given, 1), refs, "en"
    )
    loinc = [
        c["code"] for o in observations for c in o["code"]["coding"] if c["system"] == terms.LOINC
    ]
    assert loinc == ([total] if total else [])


def test_a_prorated_total_says_so_and_an_unscorable_one_gives_no_observation(
    library: ScaleLibrary,
):
    definition = library.get("phq9", "1")
    refs = {"patient": PATIENT, "response": RESPONSE, "practitioner": None}
    prorated = administration(definition, [1.0] * 9 + [None], 9, prorated=True)
    [total] = build_observations(definition, prorated, refs, "en")
    assert total["extension"] == [{"url": terms.PRORATED, "valueBoolean": True}]
    Observation.model_validate(total)
    invalid = administration(definition, [None] * 10, None, valid=False)
    assert build_observations(definition, invalid, refs, "en") == []


def test_two_practices_never_share_an_identifier_system_or_a_resource_urn():
    other = terms.PracticeUris(uuid.UUID("0b9d7c3a-5e4f-4a2b-8c1d-2f3e4a5b6c7d"))
    kinds = ("client_system", "practitioner_system", "administration_system")
    ours = [getattr(URIS, kind) for kind in kinds]
    theirs = [getattr(other, kind) for kind in kinds]
    assert len(set(ours)) == 3 and not set(ours) & set(theirs)
    assert all(system.startswith("urn:uuid:") for system in ours + theirs)
    assert URIS.full_url("patient", "C001") != other.full_url("patient", "C001")
    again = terms.PracticeUris(URIS.practice)  # the same practice exporting again
    assert again.full_url("patient", "C001") == URIS.full_url("patient", "C001")
    assert again.client_system == URIS.client_system
