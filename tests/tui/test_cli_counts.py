"""What the command line counts reads as people write it: one row, two rows; een rij, twee rijen;
the verb agreeing with the number (Babel's plural rule of the language)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hecht.tui.cli.main import main

from .conftest import one_client

WHO5_ROW = '"3,3,3,3,3"'
DATA = Path(__file__).parents[1] / "scales" / "data"


@pytest.fixture
def db(tmp_path, practice_copy) -> str:
    return str(practice_copy(tmp_path, one_client))


def paper(tmp_path, *answers: str) -> str:
    """A paper-record CSV with one WHO-5 row per answer string, on successive days."""
    rows = [f"A1,who5,2026-11-{day:02d},{given}" for day, given in enumerate(answers, 1)]
    path = tmp_path / f"paper-{len(answers)}.csv"
    path.write_text("\n".join(["client_code,scale,observed_on,answers", *rows]) + "\n")
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("language", "rows", "said"),
    [
        ("en", 1, "1 row is valid; 1 administration written"),
        ("en", 2, "all 2 rows are valid; 2 administrations written"),
        ("nl", 1, "1 rij is geldig; 1 afname geschreven"),
        ("nl", 2, "alle 2 rijen zijn geldig; 2 afnames geschreven"),
    ],
)
def test_a_paper_import_says_how_many_rows_and_administrations_in_agreeing_words(
    capsys, db, tmp_path, named_practitioner, language, rows, said
):
    source = paper(tmp_path, *[WHO5_ROW] * rows)
    code, out = run(capsys, "--lang", language, "--db", db, "import-csv", source)
    assert code == 0, out
    assert said in out


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "1 of 2 rows has problems"), ("nl", "1 van 2 rijen bevat fouten")],
)
def test_a_refused_paper_import_says_how_many_rows_have_problems_in_agreeing_words(
    capsys, db, tmp_path, language, said
):
    source = paper(tmp_path, WHO5_ROW, '"3,3"')
    code, out = run(capsys, "--lang", language, "--db", db, "import-csv", source, "--dry-run")
    assert code == 2
    assert said in out


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "WHO-5 has 5 items, but 1 answer was given;"),
        ("nl", "WHO-5 heeft 5 items, maar er is 1 antwoord gegeven;"),
    ],
)
def test_too_few_answers_are_counted_in_agreeing_words(capsys, language, said):
    code, out = run(capsys, "--lang", language, "scales", "score", "who5", "--answers", "3")
    assert code == 2
    assert said in out


@pytest.mark.parametrize(
    ("language", "said"), [("en", "1 of 1 file invalid"), ("nl", "1 van 1 bestand ongeldig")]
)
def test_validating_one_bad_file_says_one_file(capsys, tmp_path, language, said):
    code, out = run(capsys, "--lang", language, "scales", "validate", str(tmp_path / "nope.toml"))
    assert code == 2
    assert said in out


def test_a_practice_scale_with_one_golden_example_says_that_it_passes(capsys, tmp_path):
    written = (DATA / "practice_scale.toml").read_text(encoding="utf-8")
    one_example = written[: written.index("[[examples]]", written.index("[[examples]]") + 1)]
    path = tmp_path / "sleep3.toml"
    path.write_text(one_example, encoding="utf-8")
    code, out = run(capsys, "scales", "validate", "--lenient", str(path))
    assert code == 0, out
    assert "3 items, 1 example passes" in out
    code, out = run(capsys, "--lang", "nl", "scales", "validate", "--lenient", str(path))
    assert code == 0, out
    assert "3 items, 1 voorbeeld klopt" in out


def test_a_row_with_several_problems_is_counted_once(capsys, db, tmp_path):
    """Each row has a code and a scale too long: four problems, two rows (it said "4 of 2 rows
    have problems")."""
    path = tmp_path / "two-bad-rows.csv"
    long = "X" * 45
    rows = [f'{long},{long},2026-11-01,"3"', f'{long},{long},2026-11-02,"3"']
    path.write_text("\n".join(["client_code,scale,observed_on,answers", *rows]) + "\n")
    code, out = run(capsys, "--lang", "en", "--db", db, "import-csv", str(path), "--dry-run")
    assert out.count("45 characters; at most 40") == 4
    assert code == 2 and "2 of 2 rows have problems" in out, out
