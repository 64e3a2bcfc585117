"""``hecht import --format fhir``: results entered elsewhere come in scored by Hecht, all of
them or none, and every refused resource is named with what is wrong."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import hecht.scales
from hecht.schema.exchange.fhir import terms
from tests.conftest import client_system
from tests.schema.conftest import Practice

from .conftest import frozen_actor, run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Exporting and importing are refused unless the practitioner is named."""


def totals(database: Path) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT c.code, a.scale_id, date(a.observed_at), s.total, s.valid FROM administration a"
            " JOIN client c ON c.id = a.client_id JOIN score s ON s.administration_id = a.id"
            " WHERE a.status = 'complete' ORDER BY 1, 2, 3, 4"
        ).fetchall()


@pytest.fixture
def exported(capsys, report_db, frozen_commands, tmp_path) -> Path:
    code, _, err = run(
        capsys, "--db", report_db, "export", "--format", "fhir", "--out", str(tmp_path / "fhir")
    )
    assert code == 0, err
    return tmp_path / "fhir" / "practice.json"


@pytest.fixture
def empty_practice(tmp_path) -> Path:
    """A second practice that happens to use the same client codes, and has no results yet."""
    path = tmp_path / "elsewhere.db"
    with Practice.at(f"sqlite:///{path}", frozen_actor()) as practice:
        for code in ("ZULU", "ALPHA", "MIKE"):
            practice.client(code)
    return path


def same_practice(target: Path, source: Path) -> None:
    """Make the target database the source's practice (as importing its JSON export does)."""
    with sqlite3.connect(source) as connection:
        (practice,) = connection.execute("SELECT uuid FROM practice").fetchone()
    with sqlite3.connect(target) as connection:
        connection.execute("UPDATE practice SET uuid = ?", [practice])


def test_an_export_imported_into_the_same_practices_clients_gives_the_same_scores(
    capsys, report_db, exported, empty_practice
):
    same_practice(empty_practice, Path(report_db))
    code, out, err = run(capsys, "--lang", "en", "--db", str(empty_practice), "import",
                         "--format", "fhir", str(exported))  # fmt: skip
    assert code == 0, err
    assert "9 responses imported" in out
    assert totals(empty_practice) == totals(Path(report_db))


def test_another_practices_export_is_refused_though_its_client_codes_are_the_same(
    capsys, report_db, exported, empty_practice
):
    code, out, _ = run(capsys, "--lang", "en", "--db", str(empty_practice), "import",
                       "--format", "fhir", str(exported))  # fmt: skip
    assert code == 2
    assert "no client code of this practice" in out and client_system(empty_practice) in out
    # nine responses refused for one reason: three are named, the other six counted
    assert out.count("no client code of this practice") == 3
    assert "… and 6 more responses with the same problem" in out
    assert "9 problems: nothing was imported" in out
    assert totals(empty_practice) == []


def test_importing_the_same_responses_twice_is_refused_and_adds_nothing(
    capsys, report_db, exported
):
    before = totals(Path(report_db))
    code, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "import", "--format", "fhir",
                       str(exported))  # fmt: skip
    assert code == 2 and "al" in out and "er is niets geïmporteerd" in out
    assert totals(Path(report_db)) == before


def phq9_response(system: str, **changes) -> dict:
    """A PHQ-9 of ZULU's, naming the client by code in ``system`` (the practice's own)."""
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "r1",
        "questionnaire": terms.questionnaire_url("phq9") + "|1",
        "status": "completed",
        "subject": {"identifier": {"system": system, "value": "ZULU"}},
        "authored": "2026-11-01",
        "item": [
            {"linkId": str(n), "answer": [{"valueCoding": {"code": "1"}}]} for n in range(1, 11)
        ],
    }
    response.update(changes)
    return response


def test_a_single_response_naming_its_client_by_code_is_scored_by_hecht(
    capsys, report_db, frozen_commands, tmp_path
):
    source = tmp_path / "phq9.json"
    source.write_text(json.dumps(phq9_response(client_system(report_db))))
    code, _, err = run(capsys, "--db", report_db, "import", "--format", "fhir", str(source))
    assert code == 0, err
    assert ("ZULU", "phq9", "2026-11-01", 9.0, 1) in totals(Path(report_db))


def test_every_bad_resource_is_named_and_nothing_is_written(
    capsys, report_db, frozen_commands, tmp_path
):
    bad_items = [{"linkId": "1", "answer": [{"valueCoding": {"code": "7"}}]}, {"linkId": "99"}]
    system = client_system(report_db)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": phq9_response(system, id="good")},
            {"resource": phq9_response(system, id="nobody", subject={"reference": "Patient/x"})},
            {"resource": phq9_response(system, id="stranger", subject={
                "identifier": {"system": system, "value": "NOBODY"}})},
            {"resource": phq9_response(system, id="badcodes", item=bad_items)},
            {"resource": phq9_response(system, id="nodate", authored="soon")},
            {"resource": phq9_response(system, id="other", questionnaire="http://loinc.org/q/44249-1")},
            {"resource": phq9_response(system, id="draft", status="in-progress")},
        ],
    }  # fmt: skip
    source = tmp_path / "mixed.json"
    source.write_text(json.dumps(bundle))
    before = totals(Path(report_db))
    code, out, _ = run(capsys, "--lang", "en", "--db", report_db, "import", "--format", "fhir",
                       str(source))  # fmt: skip
    assert code == 2
    lines = out.splitlines()
    expected = {
        "entry 2 (QuestionnaireResponse nobody)": "no client code",
        "entry 3 (QuestionnaireResponse stranger)": "no client with code 'NOBODY'",
        "entry 4 (QuestionnaireResponse badcodes)": "code 7 is not an option",
        "entry 5 (QuestionnaireResponse nodate)": "authored 'soon'",
        "entry 6 (QuestionnaireResponse other)": "is not a Hecht scale",
    }
    for where, what in expected.items():
        assert any(where in line and what in line for line in lines), (where, out)
    assert any("item '99' is not an item of PHQ-9" in line for line in lines)
    assert not any("entry 1 " in line or "entry 7 " in line for line in lines)
    assert "nothing was imported" in lines[-1]
    assert totals(Path(report_db)) == before


def refused_import(capsys, database: str, source: Path, response: dict, language: str):
    """Write ``response`` to ``source`` and import it in ``language``: refused with exit 2;
    return the lines said."""
    source.write_text(json.dumps(response))
    code, out, _ = run(capsys, "--lang", language, "--db", database, "import", "--format", "fhir",
                       str(source))  # fmt: skip
    assert code == 2, out
    return out.splitlines()


def first_entry(source: Path, language: str, response_id: str) -> str:
    """How a problem of the file's first entry starts: the file, the entry, the response."""
    entry = {"en": "entry", "nl": "onderdeel"}[language]
    return f"{source}: {entry} 1 (QuestionnaireResponse {response_id})"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "item 1: 150 is outside the range; allowed: 0 to 100 in steps of 0.5"),
        ("nl", "item 1: 150 valt buiten het bereik; toegestaan: 0 tot 100 in stappen van 0,5"),
    ],
)
def test_an_answer_outside_a_numeric_range_is_named_in_the_users_language(
    capsys, report_db, frozen_commands, isolated_config, tmp_path, language, words
):
    """The FOBS, as a practice's own scale measured in half millimetres: the refused answer is
    named with its file, response and item, and the range is written as the language writes it."""
    fobs = (Path(hecht.scales.__file__).parent / "definitions" / "fobs.toml").read_text()
    half_steps = fobs.replace('"fobs"', '"fobs_half"', 1).replace("step = 1 }", "step = 0.5 }")
    (isolated_config / "scales").mkdir()
    (isolated_config / "scales" / "fobs_half.toml").write_text(half_steps)
    answers = [{"valueInteger": 150}, {"valueDecimal": 49.5}]
    response = phq9_response(
        client_system(report_db), id="line",
        questionnaire=terms.questionnaire_url("fobs_half") + "|1",
        item=[{"linkId": str(n), "answer": [a]} for n, a in enumerate(answers, start=1)],
    )  # fmt: skip
    source = tmp_path / "fobs.json"
    said = refused_import(capsys, report_db, source, response, language)
    assert said[0] == f"{first_entry(source, language, 'line')}: {words}", said
    assert len(said) == 2, said  # 49.5 lies on a step: only 150 is refused


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "item 2: 2 answers were given where one is expected; allowed codes: 0, 1, 2, 3"),
        ("nl", "item 2: er zijn 2 antwoorden gegeven waar één wordt verwacht; toegestane codes: "
               "0, 1, 2, 3"),
    ],
)  # fmt: skip
def test_several_answers_to_one_item_are_named_in_the_users_language(
    capsys, report_db, frozen_commands, tmp_path, language, words
):
    one = [{"valueCoding": {"code": "1"}}]
    items = [{"linkId": str(n), "answer": one} for n in range(1, 11)]
    items[1]["answer"] = [*one, {"valueCoding": {"code": "2"}}]
    response = phq9_response(client_system(report_db), id="two", item=items)
    source = tmp_path / "two.json"
    said = refused_import(capsys, report_db, source, response, language)
    assert said[0] == f"{first_entry(source, language, 'two')}: {words}", said
    assert "[several]" not in "\n".join(said)


@pytest.mark.parametrize(
    ("text", "words"),
    [("{not json", "not a JSON file (line 1)"), ('{"resourceType": "Patient"}', "Patient")],
)
def test_a_file_that_is_no_fhir_response_exits_2(capsys, report_db, tmp_path, text, words):
    source = tmp_path / "x.json"
    source.write_text(text)
    code, out, err = run(capsys, "--lang", "en", "--db", report_db, "import", "--format", "fhir",
                         str(source))  # fmt: skip
    assert code == 2 and words in out + err and "Traceback" not in out + err


@pytest.mark.parametrize(
    ("items", "language", "words"),
    [
        ("1,1,1,1,1,1,1,1,1,1", "en",
         "'item' is not a list of the answered items (found: 1,1,1,1,1,1,1,1,1,1)"),
        ({"linkId": "1"}, "nl", "'item' is geen lijst van de beantwoorde items"),
        ([], "en", "not one item of the PHQ-9 is answered"),
        ([{"linkId": str(n)} for n in range(1, 11)], "nl",
         "geen enkel item van de PHQ-9 is beantwoord"),
    ],
)  # fmt: skip
def test_a_completed_response_without_any_answer_is_refused_not_stored_empty(
    capsys, report_db, frozen_commands, tmp_path, items, language, words
):
    """Such a response was stored as a completed PHQ-9 with every item missing."""
    response = phq9_response(client_system(report_db), id="empty", item=items)
    source = tmp_path / "empty.json"
    before = totals(Path(report_db))
    said = refused_import(capsys, report_db, source, response, language)
    assert said[0].startswith(f"{first_entry(source, language, 'empty')}: {words}"), said
    assert totals(Path(report_db)) == before


def test_a_response_leaving_items_out_is_stored_with_those_items_missing(
    capsys, report_db, frozen_commands, tmp_path
):
    """FHIR lets a response leave unanswered items out: they are stored as missing, and the
    scale's own rule decides whether the total stands (the PHQ-9 allows none missing)."""
    items = [{"linkId": str(n), "answer": [{"valueCoding": {"code": "1"}}]} for n in (1, 2)]
    response = phq9_response(client_system(report_db), id="two-of-ten", item=items)
    source = tmp_path / "partial.json"
    source.write_text(json.dumps(response))
    code, _, err = run(capsys, "--db", report_db, "import", "--format", "fhir", str(source))
    assert code == 0, err
    with sqlite3.connect(report_db) as connection:
        stored = connection.execute(
            "SELECT COUNT(r.code), COUNT(*) FROM itemresponse r JOIN administration a "
            "ON a.id = r.administration_id WHERE a.scale_id = 'phq9' AND a.observed_at LIKE "
            "'2026-11-01%'"
        ).fetchone()
    assert stored == (2, 10)


def ambiguous(system: str, first: str, second: str) -> dict:
    """A Bundle whose response names ZULU, while the Patient it points to says ALPHA."""
    response = phq9_response(
        system, id="both", subject={"identifier": {"system": system, "value": first},
                                    "reference": "Patient/p1"},
    )  # fmt: skip
    patient = {"resourceType": "Patient", "id": "p1",
               "identifier": [{"system": system, "value": second}]}  # fmt: skip
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": patient}, {"resource": response}]}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda system, r: ambiguous(system, "ZULU", "ALPHA"),
         "the subject is named with more than one client code of this practice (ZULU, ALPHA)"),
        (lambda system, r: r | {"item": [{"linkId": "1", "answer": [{"valueInteger": True}]}]},
         "item 1 is answered as valueInteger: true: Hecht reads one answer per item"),
        (lambda system, r: r | {"item": [{"linkId": "1", "answer": [{"valueString": "1"}]}]},
         "item 1 is answered as valueString: 1: Hecht reads"),
        (lambda system, r: r | {"item": [{"linkId": "1", "answer": {"valueInteger": 1}}]},
         'item 1 is answered as answer: {\\"valueInteger\\": 1}: Hecht reads'),
        (lambda system, r: r | {"item": ["1"]},
         "an item is not an object (1)"),
        (lambda system, r: r | {"item": [{"answer": [{"valueCoding": {"code": "1"}}]}]},
         "an item has no linkId"),
        (lambda system, r: r | {"subject": {"identifier": {"system": system,
                                                           "value": "ZU\u001b[2JLU"}}},
         "no client with code 'ZU\\u001b[2JLU'"),
    ],
)  # fmt: skip
def test_a_response_whose_client_or_answer_is_not_plain_is_refused_not_guessed(
    capsys, report_db, frozen_commands, tmp_path, change, words
):
    """A subject with two codes went to the first; ``true`` was stored as 1; a terminal's
    escape sequence in a code reached the screen raw."""
    before = totals(Path(report_db))
    response = change(client_system(report_db), phq9_response(client_system(report_db)))
    said = refused_import(capsys, report_db, tmp_path / "odd.json", response, "en")
    assert any(words in line for line in said), said
    assert "\u001b" not in "\n".join(said)
    assert totals(Path(report_db)) == before


def test_the_same_response_for_one_client_written_in_two_cases_is_refused_as_repeated(
    capsys, report_db, frozen_commands, tmp_path
):
    system = client_system(report_db)
    upper = phq9_response(system, id="upper")
    lower_case = {"identifier": {"system": system, "value": "zulu"}}
    lower = phq9_response(system, id="lower", subject=lower_case)
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": upper}, {"resource": lower}]}  # fmt: skip
    before = totals(Path(report_db))
    said = refused_import(capsys, report_db, tmp_path / "twice.json", bundle, "en")
    assert any("QuestionnaireResponse lower" in line and "stand in entry 1 of the file" in line
               for line in said), said  # fmt: skip
    assert totals(Path(report_db)) == before


def test_a_decimal_answer_is_read_with_every_digit(capsys, report_db, frozen_commands, tmp_path):
    """48.9999999 mm was stored as 49 on the FOBS line, across its cut-off."""
    items = [{"linkId": "1", "answer": [{"valueDecimal": 48.9999999}]},
             {"linkId": "2", "answer": [{"valueInteger": 49}]}]  # fmt: skip
    response = phq9_response(
        client_system(report_db), id="fobs", questionnaire=terms.questionnaire_url("fobs") + "|1",
        item=items,
    )  # fmt: skip
    said = refused_import(capsys, report_db, tmp_path / "fobs.json", response, "en")
    assert any("item 1: 48.9999999" in line for line in said), said


def test_a_transaction_that_deletes_a_response_is_refused_not_stored_as_a_new_form(
    capsys, report_db, frozen_commands, tmp_path
):
    """A DELETE (or GET) entry of a batch or transaction carries the response it names; it was
    read as one more completed form. The POST beside it is not stored either: all or none."""
    system = client_system(report_db)
    created = phq9_response(system, id="new")
    deleted = phq9_response(system, id="gone", authored="2026-10-01")
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": created, "request": {"method": "POST", "url": "QuestionnaireResponse"}},
        {"resource": deleted,
         "request": {"method": "DELETE", "url": "QuestionnaireResponse/gone"}},
    ]}  # fmt: skip
    before = totals(Path(report_db))
    said = refused_import(capsys, report_db, tmp_path / "transaction.json", bundle, "en")
    assert any("QuestionnaireResponse gone" in line and "request.method is DELETE" in line
               for line in said), said  # fmt: skip
    assert not any("QuestionnaireResponse new" in line for line in said), said
    assert totals(Path(report_db)) == before
    bundle["entry"].pop()  # the POST alone comes in
    source = tmp_path / "post.json"
    source.write_text(json.dumps(bundle))
    code, _, err = run(capsys, "--db", report_db, "import", "--format", "fhir", str(source))
    assert code == 0, err
    assert ("ZULU", "phq9", "2026-11-01", 9.0, 1) in totals(Path(report_db))


@pytest.mark.parametrize(
    ("request_", "words"),
    [({"url": "QuestionnaireResponse"}, "the entry's request names no method"),
     ("DELETE", "request.method is DELETE")],
    ids=["no method", "a bare word"],
)  # fmt: skip
def test_an_entry_whose_request_is_not_to_store_it_is_refused_however_it_is_written(
    capsys, report_db, frozen_commands, tmp_path, request_, words
):
    response = phq9_response(client_system(report_db), id="odd")
    bundle = {"resourceType": "Bundle", "type": "batch",
              "entry": [{"resource": response, "request": request_}]}  # fmt: skip
    before = totals(Path(report_db))
    said = refused_import(capsys, report_db, tmp_path / "batch.json", bundle, "en")
    assert any(words in line for line in said), said
    assert totals(Path(report_db)) == before


def test_two_responses_with_one_id_are_refused_naming_the_first(
    capsys, report_db, frozen_commands, tmp_path
):
    system = client_system(report_db)
    first = phq9_response(system, id="same")
    second = phq9_response(system, id="same", authored="2026-10-01")
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": first}, {"resource": second}]}  # fmt: skip
    before = totals(Path(report_db))
    said = refused_import(capsys, report_db, tmp_path / "ids.json", bundle, "nl")
    assert any(
        "onderdeel 2" in line and "onderdeel 1 bevat ook een response met deze id" in line
        for line in said
    ), said
    assert totals(Path(report_db)) == before


@pytest.mark.parametrize("kind", ["json", "fhir"])
def test_a_key_written_twice_in_one_object_is_refused_not_settled_by_the_last(
    capsys, report_db, frozen_commands, tmp_path, kind
):
    """JSON readers keep the last of two equal keys; the writer may have meant the first (here
    a second status or a second code)."""
    text = json.dumps(phq9_response(client_system(report_db)))
    text = text.replace('"status": "completed"', '"status": "completed", "status": "amended"')
    source = tmp_path / "twice.json"
    source.write_text(text)
    before = totals(Path(report_db))
    code, _, err = run(capsys, "--lang", "en", "--db", report_db, "import", "--format", kind,
                       str(source))  # fmt: skip
    assert code == 2 and "the key 'status' appears twice in one object" in err, err
    assert totals(Path(report_db)) == before
