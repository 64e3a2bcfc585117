"""Provides the terminology of the FHIR export: Hecht's own URIs and the LOINC codes verified.

Every URI Hecht mints starts with ``BASE``, so the project can move them to a domain it controls
by changing one line. LOINC codes are used only where LOINC's own published pages were read
(loinc.org / cdn.loinc.org, December 2026); everything else is coded in Hecht's local code
system, which always travels beside any LOINC coding.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

BASE = "https://hecht.example/fhir"
"""Root of every canonical URL and code system Hecht mints (``.example`` is reserved, RFC 2606:
replace it with a domain the project owns before real exchange)."""

SCALES_SYSTEM = f"{BASE}/CodeSystem/scales"
"""Local codes: ``<scale>`` for a questionnaire, ``<scale>.total``, ``<scale>.<subscale>``."""
BANDS_SYSTEM = f"{BASE}/CodeSystem/bands"
"""Local codes of severity bands: ``<scale>.<band>`` (``<scale>.<subscale>.<band>``)."""
PRORATED = f"{BASE}/StructureDefinition/prorated"
"""On an Observation: the total was prorated for missing items, as the definition allows."""
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
"""R4 core extension on a Coding: the score an answer counts for."""
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
"""Its R5 successor, given too so that R5 and SDC readers find the score."""
DATA_ABSENT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


@dataclass(frozen=True)
class PracticeUris:
    """The URIs of what one practice numbers itself, scoped by the practice's UUID
    (``hecht.schema.identity``): two practices' client C001, practitioner 1 or record 7 never
    share an identifier system or a resource URN, so one is never taken for the other."""

    practice: uuid.UUID

    def system(self, kind: str) -> str:
        """The identifier system of the practice's numbers of one kind."""
        return f"urn:uuid:{uuid.uuid5(self.practice, kind)}"

    @property
    def client_system(self) -> str:
        """The practice's client codes: the only identifier a pseudonymised Patient carries."""
        return self.system("client-code")

    @property
    def practitioner_system(self) -> str:
        """The practice's numbers of its practitioners."""
        return self.system("practitioner")

    @property
    def administration_system(self) -> str:
        """The practice's records of administrations (lineage.version)."""
        return self.system("administration")

    def full_url(self, kind: str, key: object) -> str:
        """A stable ``urn:uuid`` for a resource, so exporting twice gives the same references."""
        return f"urn:uuid:{uuid.uuid5(self.practice, f'{kind}:{key}')}"


@dataclass(frozen=True)
class LoincCode:
    """One LOINC code and its display name, as LOINC publishes them."""

    code: str
    display: str

    def coding(self) -> dict[str, str]:
        """The code as a FHIR Coding."""
        return {"system": LOINC, "code": self.code, "display": self.display}


@dataclass(frozen=True)
class LoincCodes:
    """The LOINC codes of one scale: its panel (the questionnaire) and its total score."""

    panel: LoincCode | None
    total: LoincCode | None


LOINC_CODES: dict[str, LoincCodes] = {
    # cdn.loinc.org/44261-6: the total, member of panel 44249-1 "PHQ-9 quick depression
    # assessment panel [Reported.PHQ]".
    "phq9": LoincCodes(
        LoincCode("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
        LoincCode("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    ),
    # loinc.org/69729-2 (the PHQ-SADS panel) lists 70274-6. The GAD-7 panel code 69737-5 was
    # found only in encyclopaedia mirrors, never on a LOINC page: not used.
    "gad7": LoincCodes(
        None,
        LoincCode(
            "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
        ),
    ),
    # cdn.loinc.org/55757-9: the panel and, in its hierarchy, the total 55758-7. Applies once a
    # PHQ-2 definition with the id "phq2" is in the library.
    "phq2": LoincCodes(
        LoincCode("55757-9", "Patient Health Questionnaire 2 item (PHQ-2) [Reported]"),
        LoincCode("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
    ),
    # EPDS: panel 71354-5 was seen only on a third-party code site and the total 99046-5 nowhere
    # authoritative, so the EPDS keeps its local codes. No LOINC code was found for WHO-5,
    # CORE-10, PBQ, MAAS, PAAS, PRFQ, CSI, RAS, RSES, ECR-RS, SSAS or SRIS.
}
"""LOINC codes by scale id, each read on LOINC's own published pages."""


def loinc_for(scale_id: str) -> LoincCodes | None:
    """Return the verified LOINC codes of a scale, or None."""
    return LOINC_CODES.get(scale_id)


def questionnaire_url(scale_id: str) -> str:
    """Return the canonical URL of a scale's Questionnaire (its version travels apart)."""
    return f"{BASE}/Questionnaire/{scale_id}"


def answer_system(scale_id: str, option_set: str) -> str:
    """Return the code system of one option set's answer codes."""
    return f"{BASE}/CodeSystem/{scale_id}/{option_set}"


def resource_id(text: str) -> str:
    """Turn a Hecht id into a FHIR id (letters, digits, '-' and '.', at most 64 characters)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-.") else "-" for c in text)
    return cleaned[:64] or "x"
