"""``hecht export --format fhir``: every resource a valid FHIR R4 resource, pseudonymised
unless asked otherwise, no licensed wording, and never written over the database.

Validated with fhir.resources (its R4B models: Questionnaire, QuestionnaireResponse,
Observation, Patient, Practitioner and Bundle are the same as R4's for what Hecht writes; the
package is maintained, pydantic-based like Hecht, and has no pure R4 module).
"""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.exchange.fhir import terms
from tests.schema.conftest import Practice

from .conftest import FROZEN, NAMES, run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Destroying, exporting and importing are refused unless the practitioner is named."""

OCT = date(2026, 10, 1)
EPDS_WORDING = "Ik heb kunnen lachen en de zonnige kant van dingen kunnen zien"
"""A practice's licensed EPDS item 1 wording, loaded from its local overlay."""


@pytest.fixture
def practice(report_db, frozen_commands) -> Path:
    """The report practice, plus a PHQ-9 and an ECR-RS (subscales) entered by a named
    practitioner, and a PHQ-9 draft still being answered."""
    from hecht.schema.services.clients import practitioner_named

    library = load_library(None)
    anonymous = Actor(user_id=None, access_point="cli:test", clock=lambda: FROZEN)
    with Practice.at(f"sqlite:///{report_db}", anonymous, library) as practice:
        session = practice.session
        who = practitioner_named(session=session, actor=anonymous, name="Petra Praktijk")
        actor = Actor(user_id=who, access_point="cli:test", clock=lambda: FROZEN)
        named = Practice(session, actor, library)
        named.scale("ZULU", "phq9", "2,2,1,1,1,1,1,1,0,1", OCT, None)
        named.scale("MIKE", "ecr_rs", "1,1,1,1,1,1,1,1,1", OCT, None)
        named.draft("ALPHA", "phq9", {"1": "3"}, OCT)
    return Path(report_db)


def export(capsys, practice: Path, out: Path, *extra: str) -> dict[str, dict]:
    code, _, err = run(
        capsys, "--lang", "en", "--db", str(practice), "export", "--format", "fhir",
        "--out", str(out), *extra,
    )  # fmt: skip
    assert code == 0, err
    return {path.name: json.loads(path.read_text()) for path in sorted(out.iterdir())}


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_exported_resource_is_valid_fhir_and_every_reference_resolves(
    capsys, practice, tmp_path
):
    bundles = export(capsys, practice, tmp_path / "fhir")
    assert list(bundles) == ["practice.json"]
    bundle = bundles["practice.json"]
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        again = json.loads(model.model_dump_json(by_alias=True, exclude_none=True))
        assert again == resource, f"{resource['resourceType']} does not round-trip"
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    text = json.dumps(bundle)
    for reference in {r for r in _references(bundle)}:
        assert reference in urls, f"{reference} is not in the Bundle"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Questionnaire", "QuestionnaireResponse", "Observation", "Patient", "Practitioner"
    }  # fmt: skip
    assert "urn:uuid:" in text


def _references(value) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def test_a_questionnaire_carries_id_version_items_and_the_score_of_every_answer(
    capsys, practice, tmp_path
):
    bundle = export(capsys, practice, tmp_path / "fhir")["practice.json"]
    [epds] = [q for q in resources(bundle, "Questionnaire") if q["id"] == "epds-1"]
    assert epds["url"] == terms.questionnaire_url("epds") and epds["version"] == "1"
    item3 = next(item for item in epds["item"] if item["linkId"] == "3")  # reverse keyed
    scores = [
        extension["valueDecimal"]
        for option in item3["answerOption"]
        for extension in option["valueCoding"]["extension"]
        if extension["url"] == terms.ORDINAL_VALUE
    ]
    assert scores == [3, 2, 1, 0]
    [phq9] = [q for q in resources(bundle, "Questionnaire") if q["id"] == "phq9-1"]
    assert {"system": terms.LOINC, "code": "44249-1"}.items() <= phq9["code"][0].items()


def test_responses_carry_answers_missing_items_status_author_and_time(capsys, practice, tmp_path):
    bundle = export(capsys, practice, tmp_path / "fhir")["practice.json"]
    responses = resources(bundle, "QuestionnaireResponse")
    [csi4] = [r for r in responses if r["questionnaire"].endswith("/csi4|1")]
    [missing] = [item for item in csi4["item"] if item["linkId"] == "3"]
    assert "answer" not in missing and missing["extension"][0]["valueCode"] == "asked-unknown"
    assert csi4["status"] == "completed" and csi4["authored"].startswith("2026-09-01")
    phq9 = [r for r in responses if r["questionnaire"].endswith("/phq9|1")]
    assert sorted(r["status"] for r in phq9) == ["completed", "in-progress"]
    practitioners = {f"urn:uuid:{p['id']}" for p in resources(bundle, "Practitioner")}
    assert all(r["author"]["reference"] in practitioners for r in phq9)


def test_observations_give_totals_subscales_bands_and_what_they_came_from(
    capsys, practice, tmp_path
):
    bundle = export(capsys, practice, tmp_path / "fhir")["practice.json"]
    observations = resources(bundle, "Observation")
    codes = {tuple(c["code"] for c in o["code"]["coding"]): o for o in observations}
    phq9 = codes[("44261-6", "phq9.total")]
    assert phq9["valueInteger"] == 10  # items 1-9; item 10 is recorded, not scored
    assert phq9["interpretation"][0]["coding"][0]["code"] == "phq9.moderate"
    assert codes[("ecr_rs.anxiety",)]["valueQuantity"]["value"] == 1
    assert codes[("ecr_rs.avoidance",)]["valueQuantity"]["value"] == 5
    assert not any("csi4.total" in key for key in codes)  # the invalid total: no value, none
    responses = {f"urn:uuid:{r['id']}" for r in resources(bundle, "QuestionnaireResponse")}
    assert all(o["derivedFrom"][0]["reference"] in responses for o in observations)


def test_without_names_no_name_of_a_client_or_practitioner_leaves_hecht(capsys, practice, tmp_path):
    bundles = export(capsys, practice, tmp_path / "fhir", "--per-client")
    assert sorted(bundles) == ["client-ALPHA.json", "client-MIKE.json", "client-ZULU.json"]
    written = "".join(json.dumps(bundle) for bundle in bundles.values())
    for name in (*NAMES, "Jansen", "Petra Praktijk"):
        assert name not in written
    patients = [p for b in bundles.values() for p in resources(b, "Patient")]
    assert sorted(p["identifier"][0]["value"] for p in patients) == ["ALPHA", "MIKE", "ZULU"]
    named = export(capsys, practice, tmp_path / "named", "--names")["practice.json"]
    assert {p["name"][0]["text"] for p in resources(named, "Patient")} == set(NAMES)


def test_a_scoring_only_scale_exports_no_wording_even_with_the_practices_overlay(
    capsys, practice, tmp_path, monkeypatch
):
    local = tmp_path / "local-scales"
    local.mkdir()
    (local / "epds-wording.toml").write_text(
        'overlay = "epds"\nversion = "1"\nsource = "licensed to the practice"\n'
        f'[[items]]\nid = "1"\ntext = {{ nl = "{EPDS_WORDING}" }}\n'
    )
    monkeypatch.setattr("hecht.tui.folders.local_scales_dir", lambda: local)
    assert load_library(local).get("epds", "1").item("1").text is not None  # the overlay loads
    written = json.dumps(export(capsys, practice, tmp_path / "fhir")["practice.json"])
    assert EPDS_WORDING not in written
    assert "first option (top)" not in written  # nor the option labels of a scoring_only scale


def test_the_export_is_in_the_practices_log_and_in_every_clients_own_log(
    capsys, practice, tmp_path
):
    import sqlite3

    export(capsys, practice, tmp_path / "fhir")
    with sqlite3.connect(practice) as connection:
        logged = connection.execute(
            "SELECT client_code FROM auditevent WHERE event = 'export' AND detail = ?",
            ("fhir: pseudonymised",),
        ).fetchall()
    assert sorted(code or "" for (code,) in logged) == ["", "ALPHA", "MIKE", "ZULU"]


def test_the_files_are_private(capsys, practice, tmp_path):
    export(capsys, practice, tmp_path / "fhir")
    assert stat.S_IMODE((tmp_path / "fhir").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "fhir" / "practice.json").stat().st_mode) == 0o600


def test_the_database_is_never_the_output(capsys, practice):
    before = practice.read_bytes()
    for out in (practice, practice.with_name(practice.name + "-wal")):
        code, _, err = run(
            capsys, "--lang", "en", "--db", str(practice), "export", "--format", "fhir",
            "--out", str(out), "--force",
        )  # fmt: skip
        assert code == 2 and "database" in err and "Traceback" not in err
    assert practice.read_bytes() == before


@pytest.mark.parametrize(
    ("make_out", "words"),
    [
        (lambda tmp: tmp / "missing" / "fhir", {"en": "missing", "nl": "missing"}),
        (lambda tmp: tmp / "notes.txt", {"en": "is a file", "nl": "is een bestand"}),
    ],
    ids=["parent missing", "a file"],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_bad_out_exits_2_with_a_clear_message(
    capsys, practice, tmp_path, make_out, words, language
):
    (tmp_path / "notes.txt").write_text("mine")
    out = make_out(tmp_path)
    code, stdout, err = run(
        capsys, "--lang", language, "--db", str(practice), "export", "--format", "fhir",
        "--out", str(out),
    )  # fmt: skip
    assert code == 2 and str(out) in err and words[language] in err and not stdout
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_bundle_in_the_folder_is_replaced_only_with_force(capsys, practice, tmp_path):
    out = tmp_path / "fhir"
    out.mkdir()
    (out / "practice.json").write_text("an earlier export, kept")
    code, _, err = run(
        capsys, "--lang", "en", "--db", str(practice), "export", "--format", "fhir",
        "--out", str(out),
    )  # fmt: skip
    assert code == 2 and "--force" in err
    assert (out / "practice.json").read_text() == "an earlier export, kept"
    assert "practice.json" in export(capsys, practice, out, "--force")


@pytest.mark.parametrize(
    "options",
    [["--format", "csv", "--names"], ["--format", "json", "--per-client"],
     ["--format", "fhir", "--pseudonymize", "--study-key", "k"]],
)  # fmt: skip
def test_options_of_another_format_are_refused(capsys, practice, tmp_path, options):
    code, _, err = run(
        capsys, "--lang", "en", "--db", str(practice), "export", *options,
        "--out", str(tmp_path / "x"),
    )  # fmt: skip
    assert code == 2 and ("fhir" in err or "csv" in err)
    assert not (tmp_path / "x").exists()
