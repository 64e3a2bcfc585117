"""Provides the FHIR Questionnaire of a scale definition: items, answer codes and their scores.

A ``scoring_only`` scale travels without its instrument's wording: its items carry Hecht's own
short labels, its answers codes and scores only, even when the practice's licensed wording
overlay is loaded (that licence covers the practice, not whoever receives the export).
"""

from __future__ import annotations

from typing import Any

from hecht.scales.answers import item_score
from hecht.scales.model import Item, ScaleDefinition
from hecht.scales.text import Language
from hecht.schema.exchange.fhir import terms

Resource = dict[str, Any]


def number(value: float) -> int | float:
    """A score as FHIR JSON writes it: 3 rather than 3.0."""
    return int(value) if float(value).is_integer() else value


def score_extensions(value: float) -> list[dict[str, Any]]:
    """The extensions that carry what an answer scores (R4 ordinalValue, R5 itemWeight)."""
    return [
        {"url": terms.ORDINAL_VALUE, "valueDecimal": number(value)},
        {"url": terms.ITEM_WEIGHT, "valueDecimal": number(value)},
    ]


def answer_coding(
    definition: ScaleDefinition, item: Item, code: float, language: Language
) -> dict[str, Any]:
    """The Coding of one answer: its code, our label (shipped scales only) and its score."""
    option_set = definition.option_set(item)
    coding: dict[str, Any] = {
        "system": terms.answer_system(definition.id, item.options),
        "code": f"{code:g}",
    }
    option = next((o for o in option_set.options or [] if o.code == code), None)
    if option is not None and definition.bundles_wording:
        coding["display"] = (option.text or option.label).get(language)
    if item.scored:
        coding["extension"] = score_extensions(item_score(definition, item, code))
    return coding


def item_text(definition: ScaleDefinition, item: Item, language: Language) -> str:
    """The instrument's wording where its licence allows, else our own short label."""
    if definition.bundles_wording and item.text is not None:
        return item.text.get(language)
    return item.label.get(language)


def questionnaire_item(definition: ScaleDefinition, item: Item, language: Language) -> Resource:
    """One question: a choice of coded, scored options, or a number within a range."""
    entry: Resource = {"linkId": item.id, "text": item_text(definition, item, language)}
    option_set = definition.option_set(item)
    if option_set.range is not None:
        whole = all(float(v).is_integer() for v in (option_set.range.min, option_set.range.step))
        kind = "integer" if whole else "decimal"
        entry["type"] = kind
        value_key = "valueInteger" if whole else "valueDecimal"
        entry["extension"] = [
            {"url": terms.MIN_VALUE, value_key: number(option_set.range.min)},
            {"url": terms.MAX_VALUE, value_key: number(option_set.range.max)},
        ]
        return entry
    entry["type"] = "choice"
    entry["answerOption"] = [
        {"valueCoding": answer_coding(definition, item, option.code, language)}
        for option in option_set.options or []
    ]
    return entry


def scale_coding(definition: ScaleDefinition) -> list[dict[str, Any]]:
    """The codes of the scale itself: LOINC's panel where verified, and always our own."""
    codings = [
        {"system": terms.SCALES_SYSTEM, "code": definition.id, "display": definition.short_name}
    ]
    loinc = terms.loinc_for(definition.id)
    if loinc is not None and loinc.panel is not None:
        codings.insert(0, loinc.panel.coding())
    return codings


def questionnaire_id(definition: ScaleDefinition) -> str:
    """The resource id of a definition's Questionnaire: its scale id and version."""
    return terms.resource_id(f"{definition.id}-{definition.version}")


def build_questionnaire(definition: ScaleDefinition, language: Language) -> Resource:
    """Return the Questionnaire of one scale definition (id and version as stored with answers)."""
    items = [questionnaire_item(definition, item, language) for item in definition.items]
    if definition.bundles_wording and definition.instructions is not None:
        instructions = definition.instructions.get(language)
        items.insert(0, {"linkId": "instructions", "type": "display", "text": instructions})
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(definition),
        "url": terms.questionnaire_url(definition.id),
        "version": definition.version,
        "name": terms.resource_id(definition.id).replace("-", "_").replace(".", "_").upper(),
        "title": definition.name.get(language),
        "status": "active",
        "subjectType": ["Patient"],
        "description": definition.citation,
        "copyright": definition.licence.note,
        "code": scale_coding(definition),
        "item": items,
    }


def canonical(definition_id: str, version: str) -> str:
    """The versioned canonical reference a QuestionnaireResponse gives to its Questionnaire."""
    return f"{terms.questionnaire_url(definition_id)}|{version}"
