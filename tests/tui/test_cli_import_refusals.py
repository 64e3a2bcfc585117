"""`hecht import` refuses a file it cannot store as it is, with exit 2 and the problem named
(which table, row and column, or which dossier's record changed), in the reader's language,
and leaves no database behind where it made one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import run

pytestmark = pytest.mark.usefixtures("named_practitioner")


@pytest.fixture
def export(capsys, report_db, tmp_path) -> dict[str, Any]:
    """The practice's JSON export, as read from its file."""
    out = tmp_path / "all.json"
    assert run(capsys, "--db", report_db, "export", "--out", str(out))[0] == 0
    return json.loads(out.read_text())


def importing(capsys, tmp_path: Path, document: Any, *options: str) -> tuple[int, str]:
    """Import ``document`` (written as JSON) into a new database; return the exit code and what
    was said on stderr, after checking that no database was left behind."""
    source = tmp_path / "changed.json"
    source.write_text(document if isinstance(document, str) else json.dumps(document))
    fresh = tmp_path / "fresh.db"
    code, _, err = run(capsys, *options, "--db", str(fresh), "import", str(source))
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("fresh")] == []
    return code, err


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "the export no longer matches what Hecht wrote: client 1 was changed outside "
               "Hecht: it no longer matches its seal (in the dossier of {code})."),
        ("nl", "de export klopt niet meer met wat Hecht schreef: cliënt 1 is buiten Hecht "
               "gewijzigd: het past niet meer bij zijn zegel (in het dossier van {code})."),
    ],
)  # fmt: skip
def test_an_export_edited_by_hand_is_refused_naming_the_dossier(
    capsys, tmp_path, export, language, said
):
    first = export["tables"]["client"][0]
    first["name"] = "Someone Else"
    code, err = importing(capsys, tmp_path, export, "--lang", language)
    assert code == 2
    assert said.format(code=first["code"]) in err, err
    assert "Someone Else" not in err  # a name is never said, only the dossier's code


def test_an_export_with_a_table_emptied_says_how_many_records_are_missing(capsys, tmp_path, export):
    scores = len(export["tables"]["score"])
    export["tables"]["score"] = []
    code, err = importing(capsys, tmp_path, export, "--lang", "en")
    assert code == 2
    assert "was removed outside Hecht" in err and f"and {scores - 1} more" in err, err
    assert err.rstrip().endswith("nothing was imported"), err


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda t: t["client"].append(dict(t["client"][0])),
         "row 4 of the export's table 'client' has the same key as row 1"),
        (lambda t: t["episode"][0].update(client_id=999),
         "row 1 of the export's table 'episode': column 'client_id' points to client 999, "
         "which the export does not hold"),
        (lambda t: t["episode"][0].update(started_on="1-10-2026"),
         "row 1 of the export's table 'episode': column 'started_on' holds \"1-10-2026\"; "
         "expected an ISO date (2026-03-01)"),
        (lambda t: t["client"][0].pop("code"),
         "row 1 of the export's table 'client' has no column 'code'"),
        (lambda t: t["episode"][1].pop("birth_date"),
         "row 2 of the export's table 'episode' has no column 'birth_date'"),
    ],
)  # fmt: skip
def test_a_row_that_is_not_as_stored_is_named_before_a_database_is_made(
    capsys, tmp_path, export, change, said
):
    """These were 'an unexpected error (IntegrityError)', exit 1."""
    change(export["tables"])
    code, err = importing(capsys, tmp_path, export, "--lang", "en")
    assert code == 2 and said in err, err


def test_a_value_of_the_wrong_kind_is_worded_in_dutch(capsys, tmp_path, export):
    export["tables"]["score"][0]["valid"] = "ja"
    code, err = importing(capsys, tmp_path, export, "--lang", "nl")
    assert code == 2
    assert "kolom 'valid' bevat \"ja\"; verwacht: true of false; er is niets geïmporteerd" in err


@pytest.mark.parametrize("kind", ["json", "fhir"])
def test_json_nested_beyond_any_export_is_refused_not_a_crash(capsys, tmp_path, report_db, kind):
    """A file of 100,000 nested arrays ended in 'an unexpected error (RecursionError)'."""
    for depth in (100_000, 200):
        source = tmp_path / f"deep-{depth}.json"
        source.write_text("[" * depth + "]" * depth)
        database = report_db if kind == "fhir" else str(tmp_path / "fresh.db")
        code, _, err = run(
            capsys, "--lang", "en", "--db", database, "import", "--format", kind, str(source)
        )
        assert code == 2, err
        assert "nest more than 100 levels deep" in err, err


def test_a_fhir_bundle_given_as_an_export_is_told_to_use_the_fhir_format(capsys, tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": []}
    code, err = importing(capsys, tmp_path, bundle, "--lang", "en")
    assert code == 2
    assert "this file is FHIR (Bundle), not a Hecht JSON export: import it with " in err
    assert "`hecht import --format fhir FILE`" in err
