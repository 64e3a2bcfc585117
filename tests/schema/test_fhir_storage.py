"""FHIR export and import on each database: what leaves one practice comes into another
scored the same, retracted and destroyed records stay home, and a refused file writes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.db.database import unit_of_work
from hecht.schema.exchange.fhir.export import export_fhir, read_record
from hecht.schema.exchange.fhir.imports import import_responses
from hecht.schema.exchange.fhir.reading import Problems
from hecht.schema.tables import Administration, RecordStatus, Score

from .conftest import Practice

SEPT = date(2026, 9, 1)


def stored_totals(session) -> list[tuple[str, float | None]]:
    rows = session.exec(
        select(Administration.scale_id, Score.total)
        .join(Score, Score.administration_id == Administration.id)
        .where(Administration.status == RecordStatus.COMPLETE.value)
    )
    return sorted(rows, key=lambda row: (row[0], row[1] or 0))


def test_exported_responses_come_back_scored_the_same_and_never_twice(
    engine, actor: Actor, library: ScaleLibrary, tmp_path
):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client("MOM")
        practice.scale("MOM", "phq9", "1,1,1,1,1,1,1,1,1,0", SEPT, None)
        practice.scale("MOM", "ecr_rs", "1,1,1,1,1,1,1,1,1", SEPT, None)
        practice.scale("MOM", "who5", "3,3,3,3,3", SEPT, None)
        export_fhir(session=session, actor=actor, library=library, folder=tmp_path)
        before = stored_totals(session)
    document = json.loads((tmp_path / "practice.json").read_text())
    with pytest.raises(Problems) as refused, unit_of_work(engine) as session:
        import_responses(session=session, actor=actor, library=library, document=document)
    assert [problem.kind for problem in refused.value.found] == ["own_record"] * 3
    responses = [
        entry["resource"]
        for entry in document["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    for response in responses:  # the same answers, from another system: no identifier of ours
        del response["identifier"]
    with pytest.raises(Problems) as refused, unit_of_work(engine) as session:
        import_responses(session=session, actor=actor, library=library, document=document)
    assert [problem.kind for problem in refused.value.found] == ["already_stored"] * 3
    for response in responses:  # the same answers, given a month later
        response["authored"] = "2026-10-01"
    with unit_of_work(engine) as session:
        assert stored_totals(session) == before
        report = import_responses(session=session, actor=actor, library=library, document=document)
    assert report.written == 3
    with unit_of_work(engine) as session:
        assert stored_totals(session) == sorted(before * 2, key=lambda row: (row[0], row[1] or 0))


def test_a_form_this_practice_exported_never_comes_back_once_corrected_or_retracted(
    engine, actor: Actor, library: ScaleLibrary, tmp_path
):
    """The "already stored" check compares current forms: a retracted form came back, a
    corrected one stood beside its correction, an edited one became a second form. A form the
    database lacks (a backup from before it was made, restored) still comes in."""
    from hecht.schema.services.administrations import retract_administration

    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client("MOM")
        practice.scale("MOM", "who5", "3,3,3,3,3", SEPT, None)
        practice.scale("MOM", "who5", "2,2,2,2,2", SEPT, None)
        export_fhir(session=session, actor=actor, library=library, folder=tmp_path)
        [first, second] = session.exec(
            select(Administration.lineage_id).where(Administration.scale_id == "who5")
        ).all()
        retract_administration(session=session, actor=actor, lineage_id=first, reason="error")
    document = json.loads((tmp_path / "practice.json").read_text())
    for entry in document["entry"]:
        if entry["resource"]["resourceType"] == "QuestionnaireResponse":
            entry["resource"]["item"][0]["answer"] = [{"valueCoding": {"code": "0"}}]
    with pytest.raises(Problems) as refused, unit_of_work(engine) as session:
        import_responses(session=session, actor=actor, library=library, document=document)
    assert [problem.kind for problem in refused.value.found] == ["own_record"] * 2
    assert {problem.values["record"] for problem in refused.value.found} == {
        f"{first}.1",
        f"{second}.1",
    }


def test_retracted_administrations_and_destroyed_clients_are_not_exported(
    engine, actor: Actor, library: ScaleLibrary
):
    from hecht.schema.services.administrations import retract_administration
    from hecht.schema.services.destroy import destroy_client

    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.client("KEEP")
        practice.client("GONE")
        practice.scale("KEEP", "who5", "3,3,3,3,3", SEPT, None)
        practice.scale("KEEP", "who5", "2,2,2,2,2", SEPT, None)
        practice.scale("GONE", "who5", "1,1,1,1,1", SEPT, None)
        [first, _] = session.exec(
            select(Administration.lineage_id).where(Administration.scale_id == "who5")
        ).all()[:2]
        retract_administration(
            session=session, actor=actor, lineage_id=first, reason="entered twice"
        )
        destroy_client(session=session, actor=actor, code="GONE")
        record = read_record(session, library)
    assert [client.code for client in record.clients] == ["KEEP"]
    [administrations] = record.administrations.values()
    assert [a.score.total for a in administrations if a.score] == [40.0]  # 2,2,2,2,2
