"""The scale facts cache: used only while every definition file is as it was when written."""

from __future__ import annotations

import json
import os

from hecht.scales.facts import library_facts
from hecht.tui.folders import local_scales_dir
from hecht.tui.views.scale_facts import cached_facts, facts_file, load_and_remember

LOCAL_SCALE = """overlay = "epds"
version = "1"
source = "test"
"""


def test_nothing_is_cached_before_the_library_was_loaded_once():
    assert cached_facts(local_scales_dir()) is None


def test_loading_the_library_leaves_its_facts_for_the_next_start():
    library = load_and_remember(local_scales_dir())
    assert cached_facts(local_scales_dir()) == library_facts(library)


def test_a_new_or_changed_local_file_makes_the_cache_miss():
    folder = local_scales_dir()
    load_and_remember(folder)
    folder.mkdir(parents=True)
    (folder / "wording.toml").write_text(LOCAL_SCALE, encoding="utf-8")
    assert cached_facts(folder) is None
    load_and_remember(folder)
    assert cached_facts(folder) is not None
    stat = (folder / "wording.toml").stat()
    os.utime(folder / "wording.toml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cached_facts(folder) is None


def test_a_damaged_or_older_cache_is_ignored():
    load_and_remember(local_scales_dir())
    stored = json.loads(facts_file().read_text(encoding="utf-8"))
    facts_file().write_text(json.dumps({**stored, "format": 0}), encoding="utf-8")
    assert cached_facts(local_scales_dir()) is None
    facts_file().write_text('{"format": 1, "files": [], "facts": [{"id": ', encoding="utf-8")
    assert cached_facts(local_scales_dir()) is None


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_speed(monkeypatch, tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("HECHT_CACHE", str(blocked / "cache"))
    library = load_and_remember(local_scales_dir())
    assert library.get("who5").id == "who5"
    assert cached_facts(local_scales_dir()) is None
