"""The demo practice exported as FHIR: every resource of every client's Bundle validates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.demo.build import build_demo_practice
from hecht.schema.exchange.fhir.export import export_fhir

TODAY = date(2026, 11, 24)


@pytest.mark.long
def test_the_demo_practice_exports_as_valid_fhir_resource_by_resource(
    tmp_path, library: ScaleLibrary
):
    engine = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    build_demo_practice(engine=engine, library=library, seed=3, today=TODAY)
    actor = Actor(None, "test", clock=lambda: datetime(2026, 11, 24, 12, tzinfo=UTC))
    folder = tmp_path / "fhir"
    folder.mkdir()
    with unit_of_work(engine) as session:
        report = export_fhir(
            session=session, actor=actor, library=library, folder=folder, per_client=True
        )
    engine.dispose()
    assert len(report.files) > 10
    kinds: set[str] = set()
    for path in sorted(folder.iterdir()):
        bundle = json.loads(path.read_text(encoding="utf-8"))
        Bundle.model_validate(bundle)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            kinds.add(resource["resourceType"])
    assert {"Questionnaire", "QuestionnaireResponse", "Observation", "Patient"} <= kinds
