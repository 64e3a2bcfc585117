"""A refusal suggests ``--force`` only to a command that has it: ``hecht backup`` has none (a
backup never replaces a file), so its refusal of an existing file says so instead."""

from __future__ import annotations

import click
import pytest

from hecht.tui.cli.commands.group import build_group
from hecht.tui.cli.main import main
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.launch import demo_url

pytestmark = pytest.mark.usefixtures("named_practitioner")

WRITERS = {
    "backup": ["backup"],
    "export json": ["export", "--out"],
    "report supervision": ["report", "supervision", "--out"],
}
NOTES = "the practitioner's own notes, in a file named by mistake\n"


def options_of(language: str, words: list[str]) -> set[str]:
    """Every option the command named by ``words`` takes, as typed (``--force``)."""
    command: click.Command = build_group(Messages(language), Config(), demo_url)
    for word in (word for word in words if not word.startswith("--")):
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), word)
        assert found is not None, word
        command = found
    return {option for parameter in command.params for option in parameter.opts}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_is_refused_naming_force_only_where_the_command_has_it(
    capsys, report_db, tmp_path, writer, language
):
    target = tmp_path / "notes.txt"
    target.write_text(NOTES)
    code = main(["--lang", language, "--db", report_db, *WRITERS[writer], str(target)])
    said = capsys.readouterr().err
    assert code == 2 and str(target) in said
    assert target.read_text() == NOTES
    assert ("--force" in said) == ("--force" in options_of(language, WRITERS[writer])), said


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "already exists: a backup never replaces a file; choose a new file name"),
        ("nl", "bestaat al: een back-up vervangt nooit een bestand; kies een nieuwe bestandsnaam"),
    ],
)
def test_a_backup_onto_an_existing_file_says_a_backup_never_replaces_one(
    capsys, report_db, tmp_path, language, said
):
    target = tmp_path / "notes.txt"
    target.write_text(NOTES)
    assert main(["--lang", language, "--db", report_db, "backup", str(target)]) == 2
    assert said in capsys.readouterr().err
    assert target.read_text() == NOTES
    assert not target.with_name("notes.txt.audit-head").exists()
