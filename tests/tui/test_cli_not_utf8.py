"""A terminal set to another encoding than UTF-8 passes bytes that are no character (Python
keeps them as lone surrogates): every text argument and the database's name are refused with
exit 2, saying so, before anything is looked up, made or stored. They ended in "an unexpected
error (UnicodeEncodeError)", exit 1, and the study-key export left an empty folder behind; the
TUI crashed after making an empty database file."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest

from hecht.tui.cli.commands.group import UnicodeText, build_group
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.launch import demo_url

from .conftest import run
from .test_cli_click import every_command

pytestmark = pytest.mark.usefixtures("named_practitioner")

LATIN_1_CODE = os.fsdecode(b"C\xe91")
"""A client code typed as ``Cé1`` in a Latin-1 terminal, as Python receives it."""


def test_every_text_argument_of_every_command_is_read_as_utf8_text():
    group = build_group(Messages("en"), Config(), demo_url)
    context = click.Context(group)
    texts = [
        (command.name, parameter.name)
        for command in [group, *every_command(group, context)]
        for parameter in command.params
        if parameter.type.name == "text"
    ]
    assert len(texts) > 15
    for command in [group, *every_command(group, context)]:
        for parameter in command.params:
            assert parameter.type is not click.STRING, (command.name, parameter.name)
            if parameter.type.name == "text":
                assert isinstance(parameter.type, UnicodeText), (command.name, parameter.name)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "“C\\xe91” is not UTF-8 text"),
        ("nl", "“C\\xe91” is geen UTF-8-tekst"),
    ],
)
def test_a_client_code_that_is_not_utf8_is_refused_as_typed(capsys, report_db, language, said):
    code, _, err = run(
        capsys, "--lang", language, "--db", report_db, "report", "client", LATIN_1_CODE
    )
    assert code == 2 and said in err, err


def test_a_study_key_that_is_not_utf8_is_refused_before_the_folder_is_made(
    capsys, report_db, tmp_path
):
    out = tmp_path / "study"
    key = os.fsdecode(b"geheim\xff")
    code, _, err = run(
        capsys, "--db", report_db, "export", "--format", "csv", "--pseudonymize",
        "--study-key", key, "--out", str(out),
    )  # fmt: skip
    assert code == 2 and "'--study-key': it is not UTF-8 text (it is not shown" in err, err
    assert "geheim" not in err  # a secret is never echoed
    assert not out.exists()


@pytest.mark.parametrize("where", ["--db", "HECHT_DB"])
def test_a_database_named_outside_utf8_is_refused_and_not_made(
    capsys, monkeypatch, tmp_path, where
):
    """The TUI's own start (no click) and a command alike."""
    database = tmp_path / os.fsdecode(b"praktijk-\xe9.db")
    given = ["--db", str(database)] if where == "--db" else []
    if where == "HECHT_DB":
        monkeypatch.setenv("HECHT_DB", str(database))
    for command in ([], ["caseload"]):
        code, _, err = run(capsys, "--lang", "en", *given, *command)
        assert code == 2, err
        assert "praktijk-\\xe9.db" in err and "UTF-8" in err, err
    assert list(Path(tmp_path).iterdir()) == []
