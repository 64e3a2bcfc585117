"""Encryption at rest from the command line: init, db encrypt, the passphrase, refused output."""

from __future__ import annotations

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.cipher import connect, forget_keys, is_encrypted
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.main import main
from hecht.tui.cli.unlock import unlock
from hecht.tui.i18n import Messages
from tests.schema.conftest import Practice

NAMED = pytest.mark.usefixtures("named_practitioner")
"""Reading, backing up and exporting name who did it in the access log."""

CANARY = "Kanarie Geelvink"
PASSPHRASE = "zeven zotte zebra's"


@pytest.fixture
def practice(tmp_path) -> Path:
    path = tmp_path / "practice.db"
    with Practice.at(f"sqlite:///{path}", Actor(user_id=None, access_point="test")) as practice:
        for number in range(4):
            practice.client(f"K{number}", name=f"{CANARY} {number}")
    return path


@pytest.fixture
def passphrase_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "secret" / "passphrase"
    path.parent.mkdir(mode=0o700)
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    monkeypatch.setenv("HECHT_PASSPHRASE_FILE", str(path))
    return path


def run(capsys, *argv):
    forget_keys()  # each command is a new process
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path, passphrase: str | None) -> dict[str, list]:
    with closing(connect(path, passphrase)) as connection:
        names = [
            n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {n: sorted(connection.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names}


def holds_canary(folder: Path) -> list[str]:
    found = []
    for file in folder.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            if CANARY.encode() in data or CANARY.encode("utf-16-le") in data:
                found.append(file.name)
    return found


def test_db_encrypt_keeps_every_record_and_leaves_no_plain_file(capsys, practice, passphrase_file):
    before = rows(practice, None)
    code, out, err = run(capsys, "--db", str(practice), "db", "encrypt")
    assert code == 0, err
    assert "now encrypted" in out and PASSPHRASE not in out + err
    assert practice.read_bytes()[:15] != b"SQLite format 3"
    assert rows(practice, PASSPHRASE) == before
    assert holds_canary(practice.parent) == []
    with closing(sqlite3.connect(practice)) as plain, pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM client").fetchall()
    code, out, _ = run(capsys, "--db", str(practice), "db", "status", "--json")
    assert code == 0 and json.loads(out)["encrypted"] is True


def test_db_status_says_whether_the_database_is_encrypted(capsys, practice):
    code, out, _ = run(capsys, "--db", str(practice), "db", "status")
    assert code == 0 and "encrypted at rest: no" in out


@NAMED
def test_every_command_opens_an_encrypted_database_with_the_passphrase_file(
    capsys, practice, passphrase_file
):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    code, out, err = run(capsys, "--db", str(practice), "caseload", "--json", "--plain")
    assert code == 0, err
    assert {row["code"] for row in json.loads(out)} >= {"K0", "K3"}


@NAMED
def test_a_passphrase_file_others_may_read_is_refused(capsys, practice, passphrase_file):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    passphrase_file.chmod(0o644)
    code, out, err = run(capsys, "--db", str(practice), "caseload", "--plain")
    assert code == 2
    assert "may be read by others (mode 0644)" in err and "chmod 600" in err
    assert "Traceback" not in err and PASSPHRASE not in out + err


@NAMED
@pytest.mark.parametrize(
    ("named", "said"),
    [
        ("folder", "(HECHT_PASSPHRASE_FILE) is a folder: name the file that holds the passphrase"),
        ("missing", "(HECHT_PASSPHRASE_FILE) does not exist: check the path"),
    ],
)
def test_a_passphrase_file_that_is_a_folder_or_missing_is_named_as_such(
    capsys, practice, passphrase_file, monkeypatch, tmp_path, named, said
):
    """A folder was refused as "may be read by others (mode 0755)", with `chmod 600` to do."""
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    given = tmp_path / named
    if named == "folder":
        given.mkdir()
    monkeypatch.setenv("HECHT_PASSPHRASE_FILE", str(given))
    code, _, err = run(capsys, "--lang", "en", "--db", str(practice), "caseload", "--plain")
    assert code == 2 and f"{given} {said}" in err, err
    assert "chmod" not in err


@NAMED
def test_a_wrong_passphrase_in_the_file_is_refused_with_exit_2(capsys, practice, passphrase_file):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    passphrase_file.write_text("not the passphrase\n")
    code, _, err = run(capsys, "--db", str(practice), "caseload", "--plain")
    assert code == 2 and "does not open" in err and "Traceback" not in err


@NAMED
def test_three_wrong_passphrases_refuse_the_database(capsys, practice, passphrase_file):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    forget_keys()
    passphrase_file.unlink()
    typed = iter(["wrong one", "", "still wrong", PASSPHRASE])
    with pytest.raises(UsageError, match="wrong 3 times"):
        import os

        os.environ.pop("HECHT_PASSPHRASE_FILE")
        unlock(practice, Messages("en"), ask=lambda _prompt: next(typed))
    assert next(typed) == PASSPHRASE  # a fourth try was never asked
    _, err = capsys.readouterr()
    assert err.count("does not open the database") == 2


@NAMED
def test_without_a_terminal_or_file_the_refusal_says_how_to_give_the_passphrase(
    capsys, practice, passphrase_file, monkeypatch
):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    monkeypatch.delenv("HECHT_PASSPHRASE_FILE")
    code, _, err = run(capsys, "--db", str(practice), "caseload", "--plain")
    assert code == 2 and "HECHT_PASSPHRASE_FILE" in err


@NAMED
def test_backups_of_an_encrypted_database_are_encrypted(
    capsys, practice, passphrase_file, tmp_path
):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    target = tmp_path / "backup.db"
    code, out, err = run(capsys, "--db", str(practice), "backup", str(target))
    assert code == 0, err
    assert is_encrypted(target) and holds_canary(tmp_path) == []
    assert rows(target, PASSPHRASE)["client"] == rows(practice, PASSPHRASE)["client"]


@NAMED
@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "{out}/all.json"],
        ["export", "--format", "csv", "--out", "{out}/csv"],
        ["report", "supervision", "--out", "{out}/packet.md"],
        ["report", "outcomes", "--out", "{out}/outcomes.md"],
    ],
)
def test_plain_output_of_an_encrypted_database_needs_plain(
    capsys, practice, passphrase_file, tmp_path, command
):
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    argv = [part.format(out=out) for part in command]
    code, _, err = run(capsys, "--db", str(practice), *argv)
    assert code == 2 and "--plain" in err
    assert list(out.iterdir()) == []
    code, _, err = run(capsys, "--db", str(practice), *argv, "--plain")
    assert code == 0, err
    assert list(out.iterdir()) != []


@pytest.mark.parametrize(
    "command",
    [
        ["caseload", "--names"],
        ["caseload", "--json"],
        ["client", "find", "--names"],
        ["audit", "log", "K0", "--json"],
    ],
)
@pytest.mark.usefixtures("named_practitioner")
def test_a_listing_of_an_encrypted_database_into_a_pipe_needs_plain(
    capsys, practice, passphrase_file, command
):
    """Standard output here is no terminal (a file or a pipe would keep it): the caseload and
    the search are a readable copy of the data there, as a report is."""
    assert run(capsys, "--db", str(practice), "db", "encrypt")[0] == 0
    code, out, err = run(capsys, "--db", str(practice), *command)
    assert (code, out) == (2, "") and "--plain" in err and "standard output is not the" in err
    code, out, err = run(capsys, "--db", str(practice), *command, "--plain")
    assert code == 0, err
    assert "K0" in out or out.strip() in ("[]", "No clients in care.")


def test_db_encrypt_of_a_postgresql_database_says_encryption_is_for_sqlite(capsys):
    code, _, err = run(capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "db", "encrypt")
    assert code == 2 and "for SQLite files" in err


class Scripted:
    """Answers init's prompts from a script; records what was shown."""

    def __init__(self, answers):
        self.answers, self.shown = list(answers), []

    def _next(self, message, *_, **__):
        self.shown.append(message)
        return self.answers.pop(0)

    select = checkbox = text = confirm = password = _next

    def say(self, message):
        self.shown.append(message)


def test_init_refuses_passphrases_that_differ_three_times_and_writes_nothing(tmp_path):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import Config, config_path

    database = tmp_path / "praktijk.db"
    answers = ["Mira", "en", str(database), ["who5"], ["who5"], True]
    answers += [PASSPHRASE, "typo" + PASSPHRASE] * 3
    with pytest.raises(UsageError, match="differ"):
        run_init(Config(), Messages("en"), Scripted(answers))
    assert not config_path().exists() and not database.exists()


def test_init_asks_a_passphrase_again_when_too_short_or_typed_differently_keeping_the_rest(
    tmp_path,
):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import Config, load_config

    database = tmp_path / "praktijk.db"
    english = Messages("en")
    answers = ["Mira", "en", str(database), ["who5"], ["who5"], True]
    answers += ["kort", PASSPHRASE, "typo" + PASSPHRASE, PASSPHRASE, PASSPHRASE]
    prompts = Scripted(answers)
    assert run_init(Config(), english, prompts) == 0
    assert english("passphrase.too_short_again", minimum=8) in prompts.shown
    assert english("passphrase.mismatch_again") in prompts.shown
    assert load_config().practitioner == "Mira" and is_encrypted(database)


def test_init_makes_the_named_folder_when_agreed_then_the_encrypted_database_in_it(tmp_path):
    """The folder was missing: init wrote its settings, refused the database, and the next start
    made it unencrypted."""
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import Config, config_path

    database = tmp_path / "new folder" / "praktijk.db"
    answers = ["Mira", "en", str(database), ["who5"], ["who5"], True, True, PASSPHRASE, PASSPHRASE]
    prompts = Scripted(answers)
    assert run_init(Config(), Messages("en"), prompts) == 0
    assert any("does not exist yet" in shown for shown in prompts.shown)
    assert is_encrypted(database) and config_path().exists()
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    declined = tmp_path / "typo" / "praktijk.db"
    answers = ["Mira", "en", str(declined), ["who5"], ["who5"], False]
    assert run_init(Config(), Messages("en"), Scripted(answers)) == 0
    assert not declined.parent.exists()


def test_init_creates_an_encrypted_database_when_asked(tmp_path):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import Config

    database = tmp_path / "praktijk.db"
    answers = ["Mira", "en", str(database), ["who5"], ["who5"], True, PASSPHRASE, PASSPHRASE]
    prompts = Scripted(answers)
    assert run_init(Config(), Messages("en"), prompts) == 0
    assert any("recommended" in shown for shown in prompts.shown)
    assert is_encrypted(database)
    assert "alembic_version" in rows(database, PASSPHRASE)
