"""The catalogues travel to translators' tools as PO files and come back unchanged or better."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from babel.messages.pofile import read_po, write_po

from hecht.tui import i18n
from hecht.tui.cli import catalogue_po
from hecht.tui.i18n import Messages, flat_entries


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """A copy of the catalogues that the exporter, the importer and Messages all read."""
    folder = tmp_path / "messages"
    shutil.copytree(i18n.CATALOGUE_DIR, folder)
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", folder)
    monkeypatch.setattr(catalogue_po, "CATALOGUE_DIR", folder)
    i18n.catalogue.cache_clear()
    yield folder
    i18n.catalogue.cache_clear()  # the next test reads the real catalogues again


def edit(po, key: str, text: str) -> None:
    with po.open("rb") as stream:
        read = read_po(stream)
    (message,) = [m for m in read if m.context == key]
    message.string = text
    with po.open("wb") as stream:
        write_po(stream, read, width=0)


def test_a_catalogue_exported_and_taken_back_untranslated_is_unchanged(catalogues, tmp_path):
    before = (catalogues / "nl.toml").read_bytes()
    po = tmp_path / "nl.po"
    assert catalogue_po.main(["export", "nl", str(po)]) == 0
    assert catalogue_po.main(["import", str(po)]) == 0
    assert (catalogues / "nl.toml").read_bytes() == before


def test_a_translation_comes_back_into_the_catalogue_and_is_read_quickly(catalogues, tmp_path):
    po = tmp_path / "nl.po"
    catalogue_po.export_po("nl", po)
    edit(po, "lock.title", "Hecht is op slot")
    assert catalogue_po.import_po(po) == ("nl", 1)
    i18n.catalogue.cache_clear()
    assert Messages("nl")("lock.title") == "Hecht is op slot"
    assert flat_entries((catalogues / "nl.toml").read_text("utf-8")) is not None
    assert "# Gebruikerstekst" in (catalogues / "nl.toml").read_text("utf-8")  # comments kept


def test_a_translation_that_drops_a_placeholder_refuses_the_whole_file(catalogues, tmp_path):
    before = (catalogues / "nl.toml").read_bytes()
    po = tmp_path / "nl.po"
    catalogue_po.export_po("nl", po)
    edit(po, "lock.title", "Hecht is op slot")
    edit(po, "error.prefix", "hecht: fout")  # {message} is gone
    with pytest.raises(catalogue_po.CatalogueError, match=r"error.prefix.*\['message'\]"):
        catalogue_po.import_po(po)
    assert (catalogues / "nl.toml").read_bytes() == before
    assert catalogue_po.main(["import", str(po)]) == 2


def test_exporting_over_a_database_is_refused_and_leaves_it_whole(catalogues, tmp_path):
    database = tmp_path / "practice.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE client (code TEXT)")
    before = database.read_bytes()
    assert catalogue_po.main(["export", "nl", str(database)]) == 2
    assert database.read_bytes() == before


@pytest.mark.parametrize(
    ("key", "text", "said"),
    [
        ("click.no_such_command", "Onbekende opdracht.", r"\['name'\], not none"),
        ("error.prefix", "hecht: {message", r"\['message'\], not a stray \{ or \}"),
    ],
    ids=["a converted placeholder dropped", "a stray brace"],
)
def test_placeholders_are_read_as_str_format_reads_them(catalogues, tmp_path, key, text, said):
    # {name!r} and {id:<9} are placeholders too: dropping one, or a brace that str.format
    # cannot read, would fail on screen, not here
    before = (catalogues / "nl.toml").read_bytes()
    po = tmp_path / "nl.po"
    catalogue_po.export_po("nl", po)
    edit(po, key, text)
    with pytest.raises(catalogue_po.CatalogueError, match=said):
        catalogue_po.import_po(po)
    assert (catalogues / "nl.toml").read_bytes() == before
