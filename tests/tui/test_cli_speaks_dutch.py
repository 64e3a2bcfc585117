"""What the command line says about a bad paper-record file, a bad scale file or a refused answer
is said in the user's language, and so are the licence and alert level of a scale.

Each case gives the English and the Dutch sentence; under ``--lang nl`` the English one must not
appear. The sentences come from the catalogues: the lower layers report a kind and its values.
A problem of a definition's content (its TOML syntax, its keys and values) is said in the user's
language too, with the keys, ids and values quoted as the file writes them. Left in English on
purpose: the ``--json`` output, which programs read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hecht.scales.library import LibraryEntry, Origin, load_library
from hecht.scales.limits import MAX_FILE_BYTES
from hecht.schema.exchange.csv_import import RowProblem
from hecht.tui.cli.commands.csv_problems import problem_text
from hecht.tui.cli.main import main
from hecht.tui.i18n import Messages
from hecht.tui.views.scale_view import describe_definition
from tests.scales.conftest import build_definition, fresh_data
from tests.tui.test_cli_counts import one_client

DATA = Path(__file__).parents[1] / "scales" / "data"
HEADER = "client_code,scale,observed_on,answers,mode,scale_version"
ROW = 'A1,who5,2026-10-01,"3,3,2,2,1",paper,'
"""A sound row: each case below spoils one thing of it."""
LANGUAGES = {"en": 0, "nl": 1}


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def said_in(language: str, sentences: tuple[str, str], out: str) -> None:
    """The sentence of ``language`` is in ``out``; under Dutch, the English one is not."""
    assert sentences[LANGUAGES[language]] in out, out
    if language == "nl":
        assert sentences[0] not in out, out


def refused_naming(path: Path, language: str, sentences: list[str], code: int, out: str) -> None:
    """The command ended with exit code 2, saying what is wrong with the file at ``path`` in
    ``language`` (sentences: English, Dutch)."""
    assert code == 2
    said_in(language, (f"{path}: {sentences[0]}", f"{path}: {sentences[1]}"), out)


@pytest.fixture
def db(tmp_path, practice_copy) -> str:
    return str(practice_copy(tmp_path, one_client))


# hecht import-csv: each problem of a row, at its line and column

ANSWERS = "line 2, column answers (4): ", "regel 2, kolom answers (4): "
ROW_PROBLEMS = {
    "too few answers": (
        ROW.replace('"3,3,2,2,1"', '"3,3,2"'),
        ANSWERS[0] + "WHO-5 has 5 items, but 3 answers were given; separate answers with commas",
        ANSWERS[1] + "WHO-5 heeft 5 items, maar er zijn 3 antwoorden gegeven; scheid antwoorden",
    ),
    "a code the item does not offer": (
        ROW.replace('"3,3,2,2,1"', '"3,9,2,2,1"'),
        ANSWERS[0] + "item 2: code 9 is not an option; allowed codes: 5, 4, 3, 2, 1, 0",
        ANSWERS[1] + "item 2: code 9 is geen antwoordmogelijkheid; toegestane codes: 5, 4, 3, 2, 1",
    ),
    "text for a code": (
        ROW.replace('"3,3,2,2,1"', '"3,x,2,2,1"'),
        ANSWERS[0] + "item 2: 'x' is not a code; allowed codes: 5, 4, 3, 2, 1, 0",
        ANSWERS[1] + "item 2: 'x' is geen code; toegestane codes: 5, 4, 3, 2, 1, 0",
    ),
    "a value off a numeric line": (
        ROW.replace('who5,2026-10-01,"3,3,2,2,1"', 'fobs,2026-10-01,"40,7.5"'),
        ANSWERS[0] + "item 2: 7.5 is outside the range; allowed: 0 to 100 in steps of 1",
        ANSWERS[1] + "item 2: 7.5 valt buiten het bereik; toegestaan: 0 tot 100 in stappen van 1",
    ),
    "an unknown client": (
        ROW.replace("A1,", "ZZ,", 1),
        "line 2, column client_code (1): there is no client with code “ZZ”; "
        "`hecht caseload` lists the clients in care",
        "regel 2, kolom client_code (1): er is geen cliënt met code „ZZ”; "
        "`hecht caseload` toont de cliënten in zorg",
    ),
    "an unknown scale": (
        ROW.replace("who5", "whoX"),
        "line 2, column scale (2): unknown scale 'whoX'; known scales: core10, ",
        "regel 2, kolom scale (2): onbekende vragenlijst 'whoX'; bekend zijn: core10, ",
    ),
    "an unknown version": (
        ROW + "9",
        "line 2, column scale_version (6): scale 'who5' is known, but version 9 is not; "
        "its versions: 1",
        "regel 2, kolom scale_version (6): vragenlijst 'who5' is bekend, maar versie 9 niet; "
        "de versies die er zijn: 1",
    ),
    "no date": (
        ROW.replace("2026-10-01", "2026-02-30"),
        "line 2, column observed_on (3): '2026-02-30' is not a date (YYYY-MM-DD)",
        "regel 2, kolom observed_on (3): '2026-02-30' is geen datum (JJJJ-MM-DD)",
    ),
    "a day in the future": (
        ROW.replace("2026-10-01", "2099-01-01"),
        "line 2, column observed_on (3): 2099-01-01 lies in the future; allowed: 1950-01-01 to ",
        "regel 2, kolom observed_on (3): 2099-01-01 ligt in de toekomst; "
        "toegestaan: 1950-01-01 tot en met ",
    ),
    "a day too early": (
        ROW.replace("2026-10-01", "1800-06-01"),
        "line 2, column observed_on (3): 1800-06-01 is too early; allowed: 1950-01-01 to ",
        "regel 2, kolom observed_on (3): 1800-06-01 is te vroeg; "
        "toegestaan: 1950-01-01 tot en met ",
    ),
    "an unknown mode": (
        ROW.replace("paper", "fax"),
        "line 2, column mode (5): 'fax' is not interview, paper or self",
        "regel 2, kolom mode (5): 'fax' is geen interview, paper of self",
    ),
    "a field too long": (
        ROW.replace("A1,", "A" * 41 + ",", 1),
        "line 2, column client_code (1): 41 characters; at most 40",
        "regel 2, kolom client_code (1): 41 tekens; hoogstens 40",
    ),
    "a control character": (
        ROW.replace("A1,", "A1\x01,", 1),
        "line 2, column client_code (1): contains a control character "
        "(such as a NUL byte or a tab): remove it",
        "regel 2, kolom client_code (1): bevat een stuurteken (zoals een NUL-byte of een tab): "
        "haal het weg",
    ),
    "a value too many": (
        ROW + ",x",
        "line 2: 7 values, but the header has 6 columns",
        "regel 2: 7 waarden, maar de kopregel heeft 6 kolommen",
    ),
    "one value only": (
        "A1",
        "line 2: 1 value, but the header has 6 columns",
        "regel 2: 1 waarde, maar de kopregel heeft 6 kolommen",
    ),
}


HEADER_PROBLEMS = {
    "an unknown column and a missing one": (
        "client_code,scale,notes,answers",
        "line 1, column notes (3): unknown column 'notes'; the columns are client_code, scale, "
        "observed_on, answers, scale_version, mode; line 1: the header lacks observed_on; "
        "expected columns: client_code, scale, observed_on, answers "
        "(optional: scale_version, mode)",
        "regel 1, kolom notes (3): onbekende kolom 'notes'; de kolommen zijn client_code, scale, "
        "observed_on, answers, scale_version, mode; regel 1: de kopregel mist observed_on; "
        "verwachte kolommen: client_code, scale, observed_on, answers "
        "(optioneel: scale_version, mode)",
    ),
    "a column twice": (
        "client_code,scale,observed_on,answers,scale",
        "line 1, column scale (5): 'scale' appears twice (also column 2): keep one",
        "regel 1, kolom scale (5): 'scale' staat er twee keer in (ook kolom 2): houd er één over",
    ),
    "a column without a name": (
        "client_code,,scale,observed_on,answers",
        "line 1, column (no name) (2): unknown column ''",
        "regel 1, kolom (geen naam) (2): onbekende kolom ''",
    ),
}


PAPER_PROBLEMS = {
    **{case: (f"{HEADER}\n{row}\n", *said) for case, (row, *said) in ROW_PROBLEMS.items()},
    **{
        case: (f"{header}\nA1,who5,2026-10-01,x\n", *said)
        for case, (header, *said) in HEADER_PROBLEMS.items()
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", PAPER_PROBLEMS)
def test_each_problem_of_a_paper_record_file_is_said_in_the_users_language(
    capsys, db, tmp_path, case, language
):
    text, *sentences = PAPER_PROBLEMS[case]
    source = tmp_path / "paper.csv"
    source.write_text(text)
    code, out = run(capsys, "--lang", language, "--db", db, "import-csv", str(source), "--dry-run")
    refused_naming(source, language, sentences, code, out)


@pytest.mark.parametrize(
    ("problem", "sentences"),
    [
        (
            RowProblem(4, "not_csv", {"reason": "new-line character seen in unquoted field"}),
            (
                "line 4: not readable as CSV (new-line character seen in unquoted field): "
                "fix the quotes",
                "regel 4: niet te lezen als CSV (new-line character seen in unquoted field): "
                "verbeter de aanhalingstekens",
            ),
        ),
        (
            RowProblem(2, "destroyed", {"given": "A1"}, "client_code", 1),
            (
                "line 2, column client_code (1): the dossier of client “A1” was destroyed "
                "on the client's request",
                "regel 2, kolom client_code (1): het dossier van cliënt „A1” is op verzoek van "
                "de cliënt vernietigd",
            ),
        ),
    ],
    ids=["text the csv reader cannot read", "a destroyed dossier"],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_problems_a_typed_file_rarely_shows_are_worded_too(problem, sentences, language):
    said = problem_text(problem, load_library(None), Messages(language))
    assert said == sentences[LANGUAGES[language]]


# hecht scales validate|list|show|score: the file as a whole, licences, alert levels, ranges


SCALE_FILE_PROBLEMS = {
    "a missing file": (
        None,
        "the file does not exist — check its name and its folder",
        "het bestand bestaat niet — controleer de naam en de map",
    ),
    "an empty file": (
        b"",
        "the file is empty — write a scale definition or remove the file",
        "het bestand is leeg — schrijf er een definitie van een vragenlijst in of verwijder het",
    ),
    "a file that is no text": (
        b'id = "x"\n\xff\xfe',
        "byte 10: the file is not UTF-8 text — save it as UTF-8",
        "byte 10: het bestand is geen UTF-8-tekst — sla het op als UTF-8",
    ),
    "a file too large": (
        b"#" * (MAX_FILE_BYTES + 1),
        "the file is larger than 1024 KB — a scale definition is a few KB: check that this is "
        "the right file",
        "het bestand is groter dan 1024 KB — een definitie van een vragenlijst is een paar KB: "
        "controleer of dit het goede bestand is",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", SCALE_FILE_PROBLEMS)
def test_validate_says_what_is_wrong_with_a_file_as_a_whole_in_the_users_language(
    capsys, tmp_path, case, language
):
    content, *sentences = SCALE_FILE_PROBLEMS[case]
    path = tmp_path / "sleep.toml"
    if content is not None:
        path.write_bytes(content)
    code, out = run(capsys, "--lang", language, "scales", "validate", str(path))
    refused_naming(path, language, sentences, code, out)


def test_a_local_scale_file_not_loaded_is_named_in_dutch(capsys, isolated_config):
    (isolated_config / "scales").mkdir()
    empty = isolated_config / "scales" / "empty.toml"
    empty.write_text("")
    code, out = run(capsys, "--lang", "nl", "scales", "show", "who5")
    assert code == 0
    assert f"niet geladen: {empty}: het bestand is leeg — schrijf er een definitie" in out
    assert "the file is empty" not in out


CONTENT_PROBLEMS = {
    "a gap between bands": (
        ("min = 3, max = 6", "min = 4, max = 6"),
        "interpretation.bands: bands 'ok' (0–2) and 'poor' (4–6) leave a gap: no band covers 3 "
        "— let 'poor' start at 3 (band_step is 1)",
        "interpretation.bands: tussen categorieën 'ok' (0–2) en 'poor' (4–6) zit een gat: geen "
        "categorie dekt 3 — laat 'poor' bij 3 beginnen (band_step is 1)",
    ),
    "a TOML syntax error": (
        ('short_name = "SLAAP-3"', 'short_name = "SLAAP-3'),
        "line 4, column 22: not valid TOML: a string is not closed before the end of the line "
        "— fix the TOML syntax there",
        "regel 4, kolom 22: geen geldige TOML: een tekst is niet afgesloten vóór het einde van de "
        "regel — herstel de TOML-schrijfwijze daar",
    ),
    "an unknown key": (
        ("\nreverse = true", "\nreversed = true"),
        "items #3 (id '3'): unknown key 'reversed' — remove it or correct its spelling",
        "items #3 (id '3'): onbekende sleutel 'reversed' — verwijder hem of verbeter de spelling",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CONTENT_PROBLEMS)
def test_a_problem_in_a_definitions_content_is_said_in_the_users_language(
    capsys, tmp_path, case, language
):
    (old, new), *sentences = CONTENT_PROBLEMS[case]
    broken = tmp_path / "broken.toml"
    good = (DATA / "practice_scale.toml").read_text()
    assert old in good
    broken.write_text(good.replace(old, new, 1))
    code, out = run(capsys, "--lang", language, "scales", "validate", str(broken))
    refused_naming(broken, language, sentences, code, out)


def test_validate_json_says_the_same_in_every_language(capsys, tmp_path):
    missing = str(tmp_path / "nope.toml")
    _, english = run(capsys, "--lang", "en", "scales", "validate", "--json", missing)
    _, dutch = run(capsys, "--lang", "nl", "scales", "validate", "--json", missing)
    assert json.loads(dutch) == json.loads(english)


@pytest.mark.parametrize(
    ("language", "ship", "scoring_only"),
    [("en", "wording included", "scoring only"), ("nl", "tekst meegeleverd", "alleen scoring")],
)
def test_the_list_names_each_licence_in_words_and_its_json_keeps_the_codes(
    capsys, language, ship, scoring_only
):
    _, out = run(capsys, "--lang", language, "scales", "list")
    rows = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip()}
    assert ship in rows["phq9"] and scoring_only in rows["epds"]
    assert "scoring_only" not in out and " ship " not in out
    _, out = run(capsys, "--lang", language, "scales", "list", "--json")
    licences = {row["id"]: row["licence"] for row in json.loads(out)}
    assert (licences["phq9"], licences["epds"]) == ("ship", "scoring_only")


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "Licence (wording included): Free to use",
                "≥ 13 → warning: High rejection and anger",
            ],
        ),
        (
            "nl",
            [
                "Licentie (tekst meegeleverd): Free to use",
                "≥ 13 → waarschuwing: Hoge score op afwijzing en boosheid",
            ],
        ),
    ],
)
def test_show_names_the_licence_and_the_alert_level_in_words(capsys, language, lines):
    _, out = run(capsys, "--lang", language, "scales", "show", "pbq")
    assert all(line in out for line in lines), out


def test_show_writes_numbers_as_the_language_does(capsys):
    _, dutch = run(capsys, "--lang", "nl", "scales", "show", "csi4")
    _, english = run(capsys, "--lang", "en", "scales", "show", "core10")
    assert "Klinisch afkappunt: 13,5 (" in dutch
    assert "Reliable change: ≥ 6 points (1.645 criterion)" in english
    _, dutch = run(capsys, "--lang", "nl", "scales", "show", "core10")
    assert "Betrouwbare verandering: ≥ 6 punten (criterium 1,645)" in dutch


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "Clinical cutoff: 5.21 (scores at or above it are on the clinical side) "
                "[Jacobson–Truax method c]",
                "Reliable change: SD 5, reliability 0.85 → Sdiff 2.74, ≥ 5.37 points "
                "(1.96 criterion)",
                "Norm (general population): mean 2, SD 1.5",
            ],
        ),
        (
            "nl",
            [
                "Klinisch afkappunt: 5,21 (scores vanaf het afkappunt liggen aan de klinische "
                "kant) [Jacobson–Truax methode c]",
                "Betrouwbare verandering: SD 5, betrouwbaarheid 0,85 → Sdiff 2,74, ≥ 5,37 punten "
                "(criterium 1,96)",
                "Norm (algemene bevolking): gemiddelde 2, SD 1,5",
            ],
        ),
    ],
)
def test_a_computed_cutoff_and_change_are_shown_in_the_users_language(language, lines):
    data = fresh_data(
        norms={"functional": {"mean": 2, "sd": 1.5}, "dysfunctional": {"mean": 9.5, "sd": 2}}
    )
    data["interpretation"].pop("cutoff")
    data["change"] = {"sd": 5, "reliability": 0.85, "cutoff_method": "c"}
    entry = LibraryEntry(build_definition(data), Origin.LOCAL, Path("demo4.toml"))
    shown = describe_definition(entry, Messages(language))
    assert all(line in shown for line in lines), shown


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "item 2: 101 is outside the range; allowed: 0 to 100 in steps of 1"),
        ("nl", "item 2: 101 valt buiten het bereik; toegestaan: 0 tot 100 in stappen van 1"),
    ],
)
def test_score_names_the_range_of_a_numeric_item_in_the_users_language(capsys, language, sentence):
    code, out = run(capsys, "--lang", language, "scales", "score", "fobs", "--answers", "40,101")
    assert code == 2
    assert sentence in out


@pytest.mark.parametrize(
    ("language", "level"), [("en", "ALERT (warning)"), ("nl", "SIGNAAL (waarschuwing)")]
)
def test_score_names_the_alert_level_in_the_users_language(capsys, language, level):
    answers = "0,0,3,3,3" + ",0" * 20  # rejection and anger 14 (item 11 reverse-keyed): a warning
    code, out = run(capsys, "--lang", language, "scales", "score", "pbq", "--answers", answers)
    assert code == 0
    assert f"  {level}, item 3+4+5+11+14+21+23: " in out
