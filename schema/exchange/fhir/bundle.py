"""Provides the FHIR Bundles of an export: one for the practice, or one per client.

Pure: a ``Record`` of read models in, JSON-ready Bundles out. Each Bundle is complete in
itself: the Questionnaires its responses answer and the Practitioners who entered them travel
with it, every reference resolving inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hecht.scales.model import ScaleDefinition
from hecht.scales.text import Language
from hecht.schema.exchange.fhir.questionnaire import Resource, build_questionnaire
from hecht.schema.exchange.fhir.resources import (
    build_observations,
    build_patient,
    build_practitioner,
    build_response,
    instant,
    resource_key,
)
from hecht.schema.exchange.fhir.terms import PracticeUris
from hecht.schema.readmodels import AdministrationRead, ClientRead

PRACTICE_FILE = "practice.json"


def client_file(code: str) -> str:
    """The file name of one client's Bundle (client codes are letters, digits, - and _)."""
    return f"client-{code}.json"


@dataclass
class Record:
    """What an export holds: clients, their administrations, definitions and practitioners."""

    clients: list[ClientRead]
    administrations: dict[int, list[AdministrationRead]]
    """By client id, oldest first."""
    definitions: dict[tuple[str, str], ScaleDefinition]
    """By (scale id, version): every definition an administration uses."""
    practitioners: dict[int, str] = field(default_factory=dict)
    """Names by id."""


@dataclass
class Options:
    """How to export: with names or pseudonymised, in which language, stamped when, and the
    exporting practice's URIs."""

    names: bool
    language: Language
    now: datetime
    uris: PracticeUris


class BundleBuilder:
    """Collects resources into one Bundle, each once, in a readable order."""

    def __init__(self, record: Record, options: Options) -> None:
        self.record, self.options = record, options
        self.entries: dict[str, Resource] = {}
        self.questionnaires: dict[str, Resource] = {}
        self.practitioners: dict[str, Resource] = {}

    def practitioner(self, practitioner_id: int | None) -> str | None:
        """Add the practitioner who entered a record (once); return their full URL."""
        if practitioner_id is None:
            return None
        url = self.options.uris.full_url("practitioner", practitioner_id)
        if url not in self.practitioners:
            name = self.record.practitioners.get(practitioner_id)
            self.practitioners[url] = build_practitioner(
                practitioner_id, name, names=self.options.names, uris=self.options.uris
            )
        return url

    def definition(self, administration: AdministrationRead) -> ScaleDefinition | None:
        """Add the administration's Questionnaire (once); return its definition."""
        key = (administration.scale_id, administration.scale_version)
        definition = self.record.definitions.get(key)
        if definition is None:
            return None
        url = self.options.uris.full_url("questionnaire", f"{key[0]}|{key[1]}")
        if url not in self.questionnaires:
            self.questionnaires[url] = build_questionnaire(definition, self.options.language)
        return definition

    def client(self, client: ClientRead) -> None:
        """Add a client's Patient, responses and observations."""
        uris = self.options.uris
        patient_url = uris.full_url("patient", client.code)
        self.entries[patient_url] = build_patient(client, names=self.options.names, uris=uris)
        for administration in self.record.administrations.get(client.id, []):
            definition = self.definition(administration)
            if definition is None:
                continue  # a scale no longer in the library: its answers cannot be coded
            author = self.practitioner(administration.entered_by_id)
            response_url = uris.full_url("response", administration.id)
            self.entries[response_url] = build_response(
                definition, administration, patient_url=patient_url,
                practitioner_url=author, language=self.options.language, uris=uris,
            )  # fmt: skip
            refs = {"patient": patient_url, "response": response_url, "practitioner": author}
            for observation in build_observations(
                definition, administration, refs, self.options.language
            ):
                self.entries[f"urn:uuid:{observation['id']}"] = observation

    def bundle(self, key: str) -> Resource:
        """Return the Bundle: questionnaires, practitioners, then the clients' records."""
        ordered = {**self.questionnaires, **self.practitioners, **self.entries}
        return {
            "resourceType": "Bundle",
            "id": resource_key(self.options.uris.full_url("bundle", key)),
            "type": "collection",
            "timestamp": instant(self.options.now),
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in ordered.items()],
        }


def build_bundles(record: Record, options: Options, *, per_client: bool) -> dict[str, Resource]:
    """Return the Bundles by file name: ``practice.json``, or ``client-CODE.json`` each."""
    if not per_client:
        builder = BundleBuilder(record, options)
        for client in record.clients:
            builder.client(client)
        return {PRACTICE_FILE: builder.bundle("practice")}
    bundles: dict[str, Resource] = {}
    for client in record.clients:
        builder = BundleBuilder(record, options)
        builder.client(client)
        bundles[client_file(client.code)] = builder.bundle(f"client:{client.code}")
    return bundles
