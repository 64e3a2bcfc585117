"""The built-in library, and the practice's own scales and wording overlays in the config folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hecht.scales.answers import parse_answers
from hecht.scales.library import BUILTIN_DIR, Origin, UnknownScaleError, load_library
from hecht.scales.loader import load_definition
from hecht.scales.model import LicenceClass
from hecht.scales.scoring import score

BUILTIN_FILES = sorted(BUILTIN_DIR.glob("*.toml"))
REQUIRED = {
    "rses",
    "sris",
    "ssas",
    "who5",
    "csi4",
    "csi16",
    "ras",
    "epds",
    "phq9",
    "gad7",
    "core10",
    "ecr_rs",
    "maas",
    "paas",
    "pbq",
    "prfq",
}


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda path: path.stem)
def test_every_builtin_definition_loads_strictly_and_its_examples_pass(path: Path):
    definition = load_definition(path, strict=True)
    assert definition.id == path.stem
    assert definition.examples


def test_the_library_holds_the_instruments_the_practice_needs():
    assert REQUIRED <= set(load_library(None).ids())


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda path: path.stem)
def test_scoring_only_definitions_bundle_no_instrument_wording(path: Path):
    definition = load_definition(path)
    if definition.licence.class_ is LicenceClass.SCORING_ONLY:
        assert definition.instructions is None
        assert all(item.text is None and not item.option_text for item in definition.items)


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda path: path.stem)
def test_every_definition_explains_its_sources(path: Path):
    definition = load_definition(path)
    assert definition.notes, "say what was verified and what was left out"
    assert definition.citation


def test_a_missing_scale_is_refused_with_the_known_ids():
    library = load_library(None)
    with pytest.raises(UnknownScaleError) as caught:
        library.get("phq10")
    assert "phq9" in str(caught.value)


def test_a_missing_version_of_a_known_scale_names_the_versions_there_are():
    library = load_library(None)
    with pytest.raises(UnknownScaleError) as caught:
        library.get("who5", "9")
    assert caught.value.versions == ["1"]
    assert str(caught.value) == "scale 'who5' is known, but version '9' is not; its versions: 1"


NEW_SCALE = (Path(__file__).parent / "data" / "practice_scale.toml").read_text(encoding="utf-8")


def test_a_practice_scale_in_the_config_folder_is_listed_as_local_and_scores(tmp_path):
    (tmp_path / "practice.toml").write_text(NEW_SCALE, encoding="utf-8")
    library = load_library(tmp_path)
    entry = library.entry("sleep3")
    assert entry.origin is Origin.LOCAL
    assert score(entry.definition, parse_answers(entry.definition, "2,1,0")).total == 5
    assert not library.refused


def test_a_local_file_edited_between_two_loads_is_read_as_it_now_stands(tmp_path):
    # a file is checked once per content (a tenth of a second for the built-ins): an edit,
    # even one that keeps the file's size and time, is checked anew at the next load
    path = tmp_path / "practice.toml"
    path.write_text(NEW_SCALE, encoding="utf-8")
    stat = path.stat()
    assert load_library(tmp_path).entry("sleep3").origin is Origin.LOCAL
    broken = NEW_SCALE.replace('id = "sleep3"', 'id = "sleep!"', 1)
    assert broken != NEW_SCALE and len(broken) == len(NEW_SCALE)
    path.write_text(broken, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    library = load_library(tmp_path)
    assert "sleep3" not in library.ids()
    assert [refusal.path.name for refusal in library.refusals()] == ["practice.toml"]
    path.write_text(NEW_SCALE, encoding="utf-8")
    assert "sleep3" in load_library(tmp_path).ids()


def test_a_broken_local_file_is_reported_without_hiding_the_rest(tmp_path):
    (tmp_path / "broken.toml").write_text("id = ", encoding="utf-8")
    library = load_library(tmp_path)
    assert "phq9" in library.ids()
    assert [error.path.name for error in library.refused] == ["broken.toml"]


def test_a_local_scale_may_not_replace_a_builtin_version(tmp_path):
    text = (BUILTIN_DIR / "phq9.toml").read_text(encoding="utf-8")
    (tmp_path / "phq9.toml").write_text(text, encoding="utf-8")
    library = load_library(tmp_path)
    assert library.entry("phq9").origin is Origin.BUILTIN
    assert "already comes from" in library.refused[0].report()


def test_a_newer_local_version_becomes_the_default_and_the_old_stays_reachable(tmp_path):
    text = (BUILTIN_DIR / "phq9.toml").read_text(encoding="utf-8")
    (tmp_path / "phq9.toml").write_text(text.replace('version = "1"', 'version = "2"', 1))
    library = load_library(tmp_path)
    assert library.get("phq9").version == "2"
    assert library.get("phq9", "1").version == "1"


OVERLAY = """
overlay = "epds"
version = "1"
source = "Licensed Dutch wording (test)"
instructions = { nl = "Kruis aan wat het beste past." }

[[items]]
id = "1"
text = { nl = "Ik kon lachen (testtekst)" }
options = { 0 = { nl = "Zoveel als altijd" } }
"""


def test_a_wording_overlay_adds_licensed_text_to_a_scoring_only_scale(tmp_path):
    (tmp_path / "epds-nl.toml").write_text(OVERLAY, encoding="utf-8")
    library = load_library(tmp_path)
    entry = library.entry("epds")
    item = entry.definition.item("1")
    assert item.text is not None and item.text.get("nl") == "Ik kon lachen (testtekst)"
    assert item.option_text[0].get("nl") == "Zoveel als altijd"
    assert entry.wording_source == "Licensed Dutch wording (test)"
    builtin = load_library(None).get("epds")
    assert entry.definition.scoring == builtin.scoring
    assert entry.definition.option_sets == builtin.option_sets


def test_an_overlay_cannot_change_scoring(tmp_path):
    text = OVERLAY.replace('id = "1"\n', 'id = "1"\nreverse = false\n')
    (tmp_path / "epds-nl.toml").write_text(text, encoding="utf-8")
    library = load_library(tmp_path)
    report = library.refused[0].report()
    assert "unknown key 'reverse'" in report
    assert "an overlay carries wording only" in report
    assert library.get("epds").item("1").text is None


def test_an_overlay_naming_an_unknown_item_or_code_is_refused(tmp_path):
    text = OVERLAY.replace('id = "1"', 'id = "11"')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(OVERLAY.replace("{ 0 = {", "{ 9 = {"), encoding="utf-8")
    reports = [error.report() for error in load_library(tmp_path).refused]
    assert any("epds has no item '11'" in report for report in reports)
    assert any("code 9 is not an option" in report for report in reports)


def test_an_overlay_for_an_unknown_scale_is_refused(tmp_path):
    (tmp_path / "x.toml").write_text(OVERLAY.replace('"epds"', '"edps"'), encoding="utf-8")
    report = load_library(tmp_path).refused[0].report()
    assert "there is no scale 'edps' version 1" in report


def test_a_definition_saved_with_a_byte_order_mark_loads(tmp_path):
    """Notepad saves UTF-8 with a BOM: the file was refused as "Invalid statement" at line 1,
    column 1, where nothing can be seen."""
    text = (BUILTIN_DIR / "who5.toml").read_text().replace('id = "who5"', 'id = "who5_bom"', 1)
    (tmp_path / "who5_bom.toml").write_bytes("\ufeff".encode() + text.encode())
    library = load_library(tmp_path)
    assert not library.refused
    assert library.get("who5_bom").items == load_library(None).get("who5").items
