"""``hecht scales …``: every subcommand, its JSON, and one-line refusals with exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hecht.scales

from .conftest import run

DATA = Path(__file__).parents[1] / "scales" / "data"


def test_list_shows_every_scale_with_its_columns(capsys):
    code, out, _ = run(capsys, "scales", "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0
    assert rows["phq9"] == {
        "id": "phq9",
        "version": "1",
        "name": "Patient Health Questionnaire-9 (depression)",
        "short_name": "PHQ-9",
        "domain": "mood",
        "items": 10,
        "licence": "ship",
        "origin": "built-in",
    }


def test_list_in_dutch_uses_dutch_names_and_headers(capsys):
    code, out, _ = run(capsys, "--lang", "nl", "scales", "list")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["id", "versie", "naam"]
    assert "depressie" in out


def test_the_dutch_list_names_each_domain_and_origin_in_dutch_and_its_json_keeps_the_codes(
    capsys,
):
    _, out, _ = run(capsys, "--lang", "nl", "scales", "list")
    rows = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip()}
    assert "Stemming" in rows["phq9"] and "ingebouwd" in rows["phq9"]
    assert "Band met de baby" in rows["pbq"] and "Psychische klachten" in rows["core10"]
    assert not any(code in out for code in ("mood", "bonding", "distress", "built-in"))
    _, out, _ = run(capsys, "--lang", "nl", "scales", "list", "--json")
    phq9 = next(row for row in json.loads(out) if row["id"] == "phq9")
    assert (phq9["domain"], phq9["origin"]) == ("mood", "built-in")


def test_a_scale_in_the_config_folder_appears_as_local(capsys, isolated_config):
    (isolated_config / "scales").mkdir()
    shutil.copy(DATA / "practice_scale.toml", isolated_config / "scales" / "sleep3.toml")
    _, out, _ = run(capsys, "scales", "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["sleep3"]["origin"] == "local"
    code, out, _ = run(capsys, "scales", "score", "sleep3", "--answers", "2,2,0", "--json")
    assert (code, json.loads(out)["total"]) == (0, 6)


def test_show_reads_like_the_form_with_codes_scoring_and_sources(capsys):
    code, out, _ = run(capsys, "scales", "show", "phq9")
    assert code == 0
    assert "PHQ-9 — Patient Health Questionnaire-9 (depression) (version 1)" in out
    assert "0=Not at all [0]" in out
    assert "Scoring: sum of the item scores, range 0 to 27, higher is worse" in out
    assert "10–14  moderate" in out
    assert "Reliable change: ≥ 6 points" in out
    assert "Kroenke" in out


def test_show_json_is_the_definition(capsys):
    code, out, _ = run(capsys, "scales", "show", "phq9", "--json")
    data = json.loads(out)
    assert (code, data["id"], data["licence"]["class"], data["origin"]) == (
        0,
        "phq9",
        "ship",
        "built-in",
    )
    assert len(data["items"]) == 10


def test_score_json_has_the_documented_keys(capsys):
    code, out, _ = run(
        capsys, "scales", "score", "phq9", "--answers", "1,1,1,1,1,1,1,1,1,", "--json"
    )
    data = json.loads(out)
    assert code == 0
    assert {
        "scale",
        "version",
        "total",
        "subscales",
        "band",
        "valid",
        "prorated",
        "missing",
        "alerts",
    } <= set(data)
    assert (data["scale"], data["total"], data["band"], data["valid"]) == ("phq9", 9, "mild", True)
    assert data["alerts"] == [
        {
            "item": "9",
            "rule": "self_harm",
            "level": "urgent",
            "message": "Thoughts of death or self-harm: "
            "assess suicide risk and agree a safety plan.",
        }
    ]


def test_score_text_names_total_band_and_alert(capsys):
    code, out, _ = run(capsys, "scales", "score", "phq9", "--answers", "3,3,3,3,3,3,3,3,3,3")
    assert code == 0
    assert out.splitlines()[0] == "PHQ-9 1: total 27 — severe"
    assert "ALERT (urgent), item 9" in out


def test_change_json_has_the_documented_keys(capsys):
    code, out, _ = run(capsys, "scales", "change", "phq9", "--pre", "18", "--post", "8", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"rci", "reliable", "direction", "category", "cutoff", "criterion"} <= set(data)
    assert (data["reliable"], data["direction"], data["category"], data["cutoff"]) == (
        True,
        "improved",
        "recovered",
        10,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["score", "phq9", "--answers", "1,1,1,1,1,1,1,1,4,"],
            "item 9: code 4 is not an option; allowed codes: 0, 1, 2, 3",
        ),
        (["score", "phq9", "--answers", "1,1,1"], "PHQ-9 has 10 items, but 3 answers were given"),
        (
            ["score", "phq9", "--answers", "1,1,a,1,1,1,1,1,1,"],
            "item 3: 'a' is not a code; allowed codes: 0, 1, 2, 3",
        ),
        (["score", "phq10", "--answers", "1"], "unknown scale 'phq10'; known scales:"),
        (["change", "phq9", "--pre", "ten", "--post", "8"], "--pre: 'ten' is not a number"),
        (
            ["change", "phq9", "--pre", "30", "--post", "8"],
            "--pre: 30 is outside the range of PHQ-9 (0 to 27)",
        ),
        (["show", "nope"], "unknown scale 'nope'"),
        (
            ["change", "prfq", "--pre", "3", "--post", "4"],
            "PRFQ has no total (only subscales), so there is no change of a total to judge",
        ),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "scales", *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_validate_accepts_a_good_file_and_refuses_a_broken_one(capsys, tmp_path):
    good = DATA / "practice_scale.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text(good.read_text().replace("min = 3, max = 6", "min = 4, max = 6"))
    code, out, _ = run(capsys, "scales", "validate", str(good))
    assert code == 0
    assert "valid — sleep3 1, 3 items, 4 examples pass" in out
    code, out, _ = run(capsys, "scales", "validate", str(good), str(broken))
    assert code == 2
    assert f"{broken}: interpretation.bands: bands 'ok' (0–2) and 'poor' (4–6) leave a gap" in out
    assert "1 of 2 files invalid" in out


def test_validate_refuses_a_copy_of_a_scale_the_library_has_as_every_command_would(
    capsys, tmp_path, isolated_config
):
    """A copy of the WHO-5 was called valid, while every command leaves it out ("already comes
    from …"); the built-in file itself, and a copy given a higher version, stay valid."""
    builtin = Path(hecht.scales.__file__).parent / "definitions" / "who5.toml"
    copy = tmp_path / "who5.toml"
    copy.write_text(builtin.read_text())
    code, out, _ = run(capsys, "--lang", "en", "scales", "validate", str(copy))
    assert code == 2
    assert f"{copy}: version: who5 version 1 already comes from {builtin}" in out
    assert run(capsys, "scales", "validate", str(builtin))[0] == 0
    copy.write_text(builtin.read_text().replace('version = "1"', 'version = "2"', 1))
    assert run(capsys, "scales", "validate", str(copy))[0] == 0
    (isolated_config / "scales").mkdir()
    own = isolated_config / "scales" / "who5.toml"
    own.write_text(copy.read_text())  # loaded into the library from this very file
    assert run(capsys, "scales", "validate", str(own))[0] == 0


def test_validate_json_lists_each_file(capsys, tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    code, out, _ = run(capsys, "scales", "validate", "--json", str(empty))
    assert code == 2
    assert json.loads(out) == [
        {
            "path": str(empty),
            "valid": False,
            "problems": ["the file is empty — write a scale definition or remove the file"],
        }
    ]


def test_validate_of_a_missing_file_says_so(capsys, tmp_path):
    code, out, _ = run(capsys, "scales", "validate", str(tmp_path / "nope.toml"))
    assert code == 2
    assert "nope.toml: the file does not exist — check its name and its folder" in out


def test_the_installed_hecht_command_runs_without_a_traceback(tmp_path):
    hecht = shutil.which("hecht", path=str(Path(sys.executable).parent))
    assert hecht, "the console script 'hecht' is installed beside python"
    done = subprocess.run(
        [hecht, "scales", "score", "gad7", "--answers", "9"],
        capture_output=True,
        text=True,
        env={"HECHT_CONFIG": str(tmp_path), "PATH": ""},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_validate_checks_a_wording_overlay_against_its_scale(capsys, tmp_path):
    overlay = tmp_path / "epds-nl.toml"
    overlay.write_text(
        'overlay = "epds"\nversion = "1"\nsource = "licensed"\n\n'
        '[[items]]\nid = "1"\ntext = { nl = "tekst" }\n'
    )
    code, out, _ = run(capsys, "scales", "validate", str(overlay))
    assert (code, out.strip()) == (0, f"{overlay}: valid wording overlay for epds 1")
    overlay.write_text(overlay.read_text().replace('id = "1"', 'id = "12"'))
    code, out, _ = run(capsys, "scales", "validate", str(overlay))
    assert code == 2
    assert "epds has no item '12'" in out
