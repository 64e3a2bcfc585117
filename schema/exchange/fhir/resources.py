"""Provides the FHIR resources of a client's record: Patient, Practitioner, the
QuestionnaireResponse of an administration and the Observations of its scores.

Pure: read models and definitions in, JSON-ready dicts out. Without ``names`` a Patient is its
client code only, and a Practitioner its number: no name, birth year or contact leaves Hecht.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hecht.scales.model import Band, ScaleDefinition, Subscale, Transform
from hecht.scales.scoring import find_band
from hecht.scales.text import Language
from hecht.schema.exchange.fhir import terms
from hecht.schema.exchange.fhir.questionnaire import (
    Resource,
    answer_coding,
    canonical,
    item_text,
    number,
)
from hecht.schema.readmodels import AdministrationRead, AnswerRead, ClientRead, ScoreRead


def resource_key(url: str) -> str:
    """The resource id that goes with a ``urn:uuid`` full URL (its uuid)."""
    return url.rsplit(":", 1)[1]


def derived_url(parent: str, key: str) -> str:
    """A stable ``urn:uuid`` for a resource made from another (an Observation of a response)."""
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(resource_key(parent)), key)}"


def instant(moment: datetime) -> str:
    """An ISO 8601 time in UTC with its zone, as FHIR's dateTime and instant require."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_patient(client: ClientRead, *, names: bool, uris: terms.PracticeUris) -> Resource:
    """Return a client's Patient: the code only, or with ``names`` also name and birth year."""
    patient: Resource = {
        "resourceType": "Patient",
        "id": resource_key(uris.full_url("patient", client.code)),
        "identifier": [{"system": uris.client_system, "value": client.code}],
    }
    if names and client.name:
        patient["name"] = [{"text": client.name}]
    if names and client.birth_year:
        patient["birthDate"] = str(client.birth_year)
    if client.language:
        coding = {"system": "urn:ietf:bcp:47", "code": client.language}
        patient["communication"] = [{"language": {"coding": [coding]}}]
    return patient


def build_practitioner(
    practitioner_id: int, name: str | None, *, names: bool, uris: terms.PracticeUris
) -> Resource:
    """Return a Practitioner: a number within the practice, and the name only with ``names``."""
    practitioner: Resource = {
        "resourceType": "Practitioner",
        "id": resource_key(uris.full_url("practitioner", practitioner_id)),
        "identifier": [{"system": uris.practitioner_system, "value": str(practitioner_id)}],
    }
    if names and name:
        practitioner["name"] = [{"text": name}]
    return practitioner


def _answer_item(
    definition: ScaleDefinition, answer: AnswerRead, language: Language
) -> dict[str, Any] | None:
    try:
        item = definition.item(answer.item_id)
    except KeyError:
        return None
    entry: dict[str, Any] = {"linkId": item.id, "text": item_text(definition, item, language)}
    if answer.code is None:
        absent = {"url": terms.DATA_ABSENT_EXTENSION, "valueCode": "asked-unknown"}
        entry["extension"] = [absent]
        return entry
    option_set = definition.option_set(item)
    value: dict[str, Any]
    if option_set.range is None:
        value = {"valueCoding": answer_coding(definition, item, answer.code, language)}
    elif float(answer.code).is_integer():
        value = {"valueInteger": int(answer.code)}
    else:
        value = {"valueDecimal": answer.code}
    entry["answer"] = [value]
    return entry


def build_response(
    definition: ScaleDefinition,
    administration: AdministrationRead,
    *,
    patient_url: str,
    practitioner_url: str | None,
    language: Language,
    uris: terms.PracticeUris,
) -> Resource:
    """Return an administration's QuestionnaireResponse: every answer, missing ones marked.

    A completed administration is ``completed``; a draft still being answered ``in-progress``.
    """
    items = [_answer_item(definition, answer, language) for answer in administration.answers]
    response: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_key(uris.full_url("response", administration.id)),
        "identifier": {
            "system": uris.administration_system,
            "value": f"{administration.lineage_id}.{administration.version}",
        },
        "questionnaire": canonical(definition.id, definition.version),
        "status": "completed" if administration.status == "complete" else "in-progress",
        "subject": {"reference": patient_url},
        "authored": instant(administration.observed_at),
        "item": [item for item in items if item is not None],
    }
    if practitioner_url is not None:
        response["author"] = {"reference": practitioner_url}
    if administration.respondent != "clinician":
        response["source"] = {"reference": patient_url}
    return response


def _band(
    scale_id: str, bands: list[Band], band_id: str | None, language: Language
) -> list[dict[str, Any]]:
    band = next((b for b in bands if b.id == band_id), None)
    if band is None:
        return []
    label = band.label.get(language)
    coding = {"system": terms.BANDS_SYSTEM, "code": f"{scale_id}.{band.id}", "display": label}
    return [{"coding": [coding], "text": label}]


def _value(value: float, transform: Transform | None, summed: bool) -> Resource:
    """valueInteger for a whole sum score, else valueQuantity in {score} (or %)."""
    if transform is None and float(value).is_integer() and summed:
        return {"valueInteger": int(value)}
    unit = "%" if transform and transform.unit and transform.unit.en == "percent" else "{score}"
    quantity = {"value": number(value), "unit": unit, "system": terms.UCUM, "code": unit}
    return {"valueQuantity": quantity}


def _observation(
    key: str,
    code: list[dict[str, Any]],
    value: Resource,
    interpretation: list[dict[str, Any]],
    administration: AdministrationRead,
    refs: dict[str, str | None],
) -> Resource:
    survey = {"system": terms.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
    observation: Resource = {
        "resourceType": "Observation",
        "id": resource_key(derived_url(str(refs["response"]), key)),
        "status": "final",
        "category": [{"coding": [survey]}],
        "code": {"coding": code, "text": code[-1]["display"]},
        "subject": {"reference": refs["patient"]},
        "effectiveDateTime": instant(administration.observed_at),
        "issued": instant(administration.recorded_at),
        **value,
        "derivedFrom": [{"reference": refs["response"]}],
    }
    if interpretation:
        observation["interpretation"] = interpretation
    if refs.get("practitioner"):
        observation["performer"] = [{"reference": refs["practitioner"]}]
    return observation


def _subscale_observation(
    definition: ScaleDefinition,
    subscale: Subscale,
    value: float,
    administration: AdministrationRead,
    refs: dict[str, str | None],
    language: Language,
) -> Resource:
    code = f"{definition.id}.{subscale.id}"
    display = f"{definition.short_name} {subscale.label.get(language)}"
    coding = [{"system": terms.SCALES_SYSTEM, "code": code, "display": display}]
    band_id = find_band(subscale.bands, value)
    bands = _band(f"{definition.id}.{subscale.id}", subscale.bands, band_id, language)
    summed = (subscale.method or definition.scoring.method) == "sum"
    quantity = _value(value, None, summed)
    return _observation(subscale.id, coding, quantity, bands, administration, refs)


def _total_observation(
    definition: ScaleDefinition,
    administration: AdministrationRead,
    score: ScoreRead,
    refs: dict[str, str | None],
    language: Language,
) -> Resource:
    total = score.total
    assert total is not None
    code = f"{definition.id}.total"
    coding = [
        {"system": terms.SCALES_SYSTEM, "code": code, "display": f"{definition.short_name} total"}
    ]
    loinc = terms.loinc_for(definition.id)
    if loinc is not None and loinc.total is not None:
        coding.insert(0, loinc.total.coding())
    summed = definition.scoring.method == "sum"
    value = _value(total, definition.scoring.transform, summed)
    if score.prorated:  # missing items were made up for by the definition's rule
        value["extension"] = [{"url": terms.PRORATED, "valueBoolean": True}]
    bands = _band(definition.id, definition.interpretation.bands, score.band, language)
    return _observation("total", coding, value, bands, administration, refs)


def build_observations(
    definition: ScaleDefinition,
    administration: AdministrationRead,
    refs: dict[str, str | None],
    language: Language,
) -> list[Resource]:
    """Return an Observation for the total and each subscale that could be scored.

    ``refs`` holds the full URLs of the ``patient``, the ``response`` and the ``practitioner``
    (or None). A draft, and a total or subscale too incomplete to score, gives none; a prorated
    total says so in an extension (``terms.PRORATED``).
    """
    score = administration.score
    if administration.status != "complete" or score is None:
        return []
    found: list[Resource] = []
    if definition.scoring.total and score.valid and score.total is not None:
        found.append(_total_observation(definition, administration, score, refs, language))
    for subscale in definition.subscales:
        value = score.subscales.get(subscale.id)
        if value is not None:
            found.append(
                _subscale_observation(definition, subscale, value, administration, refs, language)
            )
    return found
