"""A file that is not what a command needs is refused for what it is: the message names the
file (and line), says what is wrong and how to fix it, exit 2, and nothing is changed.

Restore given text is told it is no backup (not that it is encrypted); an import given a binary
file is told it is no export (not to save it as CSV); a row of an unknown version is told the
versions there are; a file that cannot be written says the system's reason (only a full disk
talks about space), and never blames the database.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest

from hecht.schema.exchange.fhir import terms
from tests.conftest import client_system

from .conftest import run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Restoring, exporting and importing are refused unless the practitioner is named."""


def fingerprint(path: Path) -> tuple[int, bytes]:
    return path.stat().st_ino, path.read_bytes()


def audit_events(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM auditevent").fetchone()[0]


@pytest.fixture
def practice(report_db) -> Path:
    return Path(report_db)


# restore


def restore_refused(capsys, practice: Path, source: Path, *language: str) -> str:
    before = fingerprint(practice)
    code, _, err = run(capsys, *language, "--db", str(practice), "restore", str(source), "--yes")
    assert code == 2, err
    assert fingerprint(practice) == before
    assert not list(practice.parent.glob("*-replaced-*"))
    return err


@pytest.mark.parametrize(
    "content",
    [b"Monday's notes\n", b"x" * 4096, b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 100 + b"!"],
    ids=["a text file", "text a whole number of pages long", "a picture"],
)
def test_restore_of_a_text_file_says_it_is_not_a_backup(capsys, practice, tmp_path, content):
    source = tmp_path / "notes.txt"
    source.write_bytes(content)
    err = restore_refused(capsys, practice, source)
    assert f"{source} is not a Hecht backup" in err
    assert "`hecht backup FILE` makes" in err
    assert "passphrase" not in err and "encrypted with" not in err


def test_restore_of_a_text_file_says_so_in_dutch_too(capsys, practice, tmp_path):
    source = tmp_path / "notities.txt"
    source.write_text("notities van maandag\n")
    err = restore_refused(capsys, practice, source, "--lang", "nl")
    assert f"{source} is geen back-up van Hecht" in err and "hecht backup BESTAND" in err


def test_restore_of_what_could_be_an_encrypted_backup_still_names_the_passphrase(
    capsys, practice, tmp_path
):
    source = tmp_path / "locked.db"
    source.write_bytes(os.urandom(4096))  # as SQLCipher writes: whole pages, a random salt
    err = restore_refused(capsys, practice, source)
    assert "encrypted with a passphrase other than the database's" in err


def test_restore_of_a_backup_cut_short_says_it_is_damaged_not_that_it_is_no_database(
    capsys, practice, tmp_path
):
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    cut = tmp_path / "cut.db"
    cut.write_bytes(backup.read_bytes()[:5000])
    err = restore_refused(capsys, practice, cut)
    assert f"{cut} starts as a database file does" in err and "damaged or cut short" in err


def test_restore_of_a_backup_the_user_may_not_read_says_so_not_that_it_is_no_database(
    capsys, practice, tmp_path, monkeypatch
):
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    opened = Path.open

    def closed(path, *arguments, **options):
        if path == backup:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return opened(path, *arguments, **options)

    monkeypatch.setattr(Path, "open", closed)  # as a file of another user is, even to root
    err = restore_refused(capsys, practice, backup)
    assert f"{backup} cannot be read (Permission denied)" in err and "readable for you" in err


# import: a Hecht export, FHIR JSON, paper records


IMPORTS = {
    "json": (["import"], "is not a Hecht export"),
    "fhir": (["import", "--format", "fhir"], "is not FHIR JSON"),
    "csv": (["import-csv", "--dry-run"], "is not UTF-8 text"),
}


def import_refused(capsys, practice: Path, kind: str, source: Path) -> str:
    command, _ = IMPORTS[kind]
    target = practice if kind != "json" else practice.with_name("new.db")  # JSON: a new one
    before = fingerprint(practice)
    code, out, err = run(capsys, "--db", str(target), *command, str(source))
    assert code == 2 and out == "", out
    assert fingerprint(practice) == before
    assert not practice.with_name("new.db").exists()
    assert str(source) in err
    return err


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_binary_file_to_import_is_named_as_not_text_never_as_the_wrong_format(
    capsys, practice, tmp_path, kind
):
    source = tmp_path / "scan.json"
    source.write_bytes(b'{"format":\n"hecht",\n' + b"\xff\xfe\x00\x89" * 50)
    err = import_refused(capsys, practice, kind, source)
    assert IMPORTS[kind][1] in err and "line 3" in err
    assert ("CSV" in err) == (kind == "csv")


def test_a_binary_export_names_what_an_export_is_and_how_one_is_made(capsys, practice, tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    err = import_refused(capsys, practice, "json", source)
    assert "not UTF-8 text" in err and "hecht export --out FILE" in err


@pytest.mark.parametrize("kind", IMPORTS)
def test_an_empty_file_to_import_is_called_empty(capsys, practice, tmp_path, kind):
    source = tmp_path / "nothing"
    source.write_text(" \n")
    err = import_refused(capsys, practice, kind, source)
    assert f"{source} is empty" in err


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_database_file_to_import_is_called_one_and_restore_is_named(
    capsys, practice, tmp_path, kind
):
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    err = import_refused(capsys, practice, kind, backup)
    assert f"{backup} is a database file" in err and f"hecht restore {backup}" in err


def test_a_paper_record_of_a_version_that_does_not_exist_names_the_versions_that_do(
    capsys, practice, tmp_path
):
    source = tmp_path / "paper.csv"
    source.write_text(
        "client_code,scale,scale_version,observed_on,answers\n"
        'ZULU,who5,9,2026-10-01,"3,3,2,2,1"\n'
        'ZULU,whoX,1,2026-10-01,"3,3,2,2,1"\n'
    )
    code, out, _ = run(capsys, "--db", str(practice), "import-csv", str(source), "--dry-run")
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == (
        f"{source}: line 2, column scale_version (3): "
        "scale 'who5' is known, but version 9 is not; its versions: 1"
    )
    assert lines[1].startswith(
        f"{source}: line 3, column scale (2): unknown scale 'whoX'; known scales:"
    )


def test_a_fhir_response_of_a_version_that_does_not_exist_names_the_versions_that_do(
    capsys, practice, tmp_path
):
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "r9",
        "questionnaire": terms.questionnaire_url("who5") + "|9",
        "status": "completed",
        "subject": {"identifier": {"system": client_system(str(practice)), "value": "ZULU"}},
        "authored": "2026-11-01",
        "item": [{"linkId": str(n), "answer": [{"valueInteger": 3}]} for n in range(1, 6)],
    }
    source = tmp_path / "who5.json"
    source.write_text(json.dumps(response))
    code, out, _ = run(capsys, "--db", str(practice), "import", "--format", "fhir", str(source))
    assert code == 2
    assert "the scale is known, but not this version; its versions: 1" in out


@pytest.mark.parametrize(("language", "said"), [("en", "is known, but"), ("nl", "is bekend, maar")])
def test_a_scale_version_that_does_not_exist_is_named_with_the_versions_that_do(
    capsys, language, said
):
    code, _, err = run(capsys, "--lang", language, "scales", "show", "who5", "--scale-version", "9")
    assert code == 2 and said in err and "who5" in err and ": 1" in err


# output that cannot be written


WRITERS = {
    "export json": ("export --out {out}/export.json", "transfer.write_private"),
    "export csv": ("export --format csv --out {out}/csv", "csv_export.open_private_text"),
    "export fhir": ("export --format fhir --out {out}/fhir", "fhir.export.write_private"),
    "report": ("report supervision --out {out}/packet.md", "files.write_private"),
    "backup": ("backup {out}/monday.db", "backup.create_private"),
}
"""Each command that writes a file the user names, and where (in ``hecht.schema.exchange``)."""

REASONS = {
    errno.ENOSPC: "the disk (or your quota) there is full",
    errno.EACCES: "you may not write in the folder",
    errno.EROFS: "is on a disk mounted read-only",
    errno.ENOENT: "is a folder the system provides (such as /proc), in which no files can be made",
    errno.EIO: "the disk reported an error",
}
"""What the system said, and what the user is told."""


def write_refused(capsys, practice, tmp_path, monkeypatch, writer: str, number: int) -> str:
    out = tmp_path / "out"
    out.mkdir()
    command, seam = WRITERS[writer]
    argv = command.format(out=out).split()

    def refuse(path, *_, **__):
        raise OSError(number, os.strerror(number), str(path))

    monkeypatch.setattr(f"hecht.schema.exchange.{seam}", refuse)
    before = audit_events(practice)
    code, _, err = run(capsys, "--db", str(practice), *argv)
    assert code == 2, err
    assert err.startswith(f"hecht: cannot write to {argv[-1]}: ")
    assert str(practice) not in err and "could not store" not in err  # not the database's fault
    assert audit_events(practice) == before
    assert [path for path in out.rglob("*") if path.is_file()] == []
    return err


@pytest.mark.parametrize("number", REASONS, ids=errno.errorcode.get)
def test_an_export_that_cannot_be_written_says_why_and_only_a_full_disk_speaks_of_space(
    capsys, practice, tmp_path, monkeypatch, number
):
    err = write_refused(capsys, practice, tmp_path, monkeypatch, "export json", number)
    assert REASONS[number] in err
    assert ("space" in err) == (number == errno.ENOSPC)


@pytest.mark.parametrize("number", [errno.EACCES, errno.ENOENT], ids=errno.errorcode.get)
@pytest.mark.parametrize("writer", WRITERS)
def test_every_file_a_command_cannot_write_is_refused_with_the_systems_reason(
    capsys, practice, tmp_path, monkeypatch, writer, number
):
    err = write_refused(capsys, practice, tmp_path, monkeypatch, writer, number)
    assert REASONS[number] in err and "space" not in err


@pytest.mark.parametrize("command", ["export --out {pipe} --force", "backup {pipe}",
                                     "report supervision --out {pipe} --force"])  # fmt: skip
def test_a_device_or_pipe_given_as_output_is_never_replaced_even_with_force(
    capsys, practice, tmp_path, command
):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, _, err = run(capsys, "--db", str(practice), *command.format(pipe=pipe).split())
    assert code == 2 and f"cannot write to {pipe}: it is no ordinary file" in err
    assert pipe.is_fifo()


def test_an_output_folder_on_a_read_only_disk_is_refused_before_anything_is_read(
    capsys, practice, tmp_path, monkeypatch
):
    folder = tmp_path / "stick"
    folder.mkdir()
    statvfs = os.statvfs

    class ReadOnly:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr("os.statvfs", lambda p: ReadOnly() if Path(p) == folder else statvfs(p))
    before = audit_events(practice)
    code, _, err = run(capsys, "--db", str(practice), "export", "--out", str(folder / "x.json"))
    assert code == 2 and f"the folder {folder} is on a disk mounted read-only" in err
    assert "you may not write" not in err and audit_events(practice) == before


def test_every_refusal_worded_from_a_code_has_its_sentence_in_both_languages():
    from typing import get_args

    from hecht.schema.exchange.backup import BackupProblem
    from hecht.schema.exchange.files import OutputProblem
    from hecht.tui.cli.commands.source import SourceKind
    from hecht.tui.i18n import catalogue

    keys = {f"output.refused.{problem.value}" for problem in OutputProblem}
    keys |= {f"backup.error.{problem.value}" for problem in BackupProblem}
    for kind in get_args(SourceKind):
        keys |= {f"source.{what}.{kind}" for what in ("empty", "database", "not_text")}
    for language in ("en", "nl"):
        assert sorted(keys - set(catalogue(language))) == [], language


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "{path} does not exist: check its name and its folder ({folder})"),
        ("nl", "{path} bestaat niet: controleer de naam en de map ({folder})"),
    ],
)
@pytest.mark.parametrize("command", [["import"], ["import", "--format", "fhir"], ["import-csv"]])
def test_a_file_to_import_that_does_not_exist_is_said_in_the_users_language(
    capsys, report_db, tmp_path, language, said, command
):
    """The system's own words ("No such file or directory") were quoted in English."""
    missing = tmp_path / "verslag.json"
    database = str(tmp_path / "new.db") if command == ["import"] else report_db
    code, _, err = run(capsys, "--lang", language, "--db", database, *command, str(missing))
    assert code == 2
    assert said.format(path=missing, folder=tmp_path) in err, err
    assert "No such file" not in err
