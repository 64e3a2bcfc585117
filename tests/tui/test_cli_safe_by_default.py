"""Safe by default: no command writes over the database or its backups, restores nonsense,
leaves clinical data readable by others, or answers bad input with anything but exit 2."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from hecht.tui.cli.main import main

from .conftest import run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Destroying, exporting and importing are refused unless the practitioner is named."""


def clients_in(path: Path | str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM client").fetchone()[0]


def audit_events(path: Path | str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM auditevent").fetchone()[0]


def fingerprint(path: Path) -> tuple[int, bytes]:
    return path.stat().st_ino, path.read_bytes()


@pytest.fixture
def practice(report_db) -> Path:
    return Path(report_db)


WRITERS = {
    "export json": ["export", "--out"],
    "report supervision": ["report", "supervision", "--out"],
    "report outcomes": ["report", "outcomes", "--out"],
    "backup": ["backup"],
}


def spellings_of_the_database(database: Path) -> dict[str, Path]:
    """The database named in ways a string comparison would miss."""
    folder = database.parent
    (folder / "sub").mkdir(exist_ok=True)
    link = folder / "link.db"
    link.symlink_to(database)
    hard = folder / "hard.db"
    os.link(database, hard)
    return {
        "itself": database,
        "through another folder": folder / "sub" / ".." / database.name,
        "a symbolic link": link,
        "a hard link": hard,
        "its write-ahead log": database.with_name(database.name + "-wal"),
        "its journal (absent)": database.with_name(database.name + "-journal"),
    }


@pytest.mark.parametrize("writer", WRITERS)
def test_no_output_ever_replaces_the_database_however_it_is_named(capsys, practice, writer):
    for how, path in spellings_of_the_database(practice).items():
        before = fingerprint(practice)
        for force in ([], ["--force"]) if writer != "backup" else ([],):
            code, _, err = run(capsys, "--db", str(practice), *WRITERS[writer], str(path), *force)
            assert code == 2, (how, err)
            assert "database" in err, how
            assert fingerprint(practice) == before, how
    assert clients_in(practice) == 3


@pytest.mark.parametrize("writer", ["export json", "report supervision", "report outcomes"])
def test_no_output_replaces_a_backup_even_with_force(capsys, practice, tmp_path, writer):
    backup = tmp_path / "elsewhere" / "monday.db"
    backup.parent.mkdir()
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    kept = practice.with_name("practice-replaced-20261124T100000Z.db")
    kept.write_bytes(b"kept by an earlier restore")
    for target in (backup, kept):
        before = target.read_bytes()
        code, _, err = run(capsys, "--db", str(practice), *WRITERS[writer], str(target), "--force")
        assert code == 2 and "never" in err or "copy of the database" in err
        assert target.read_bytes() == before


@pytest.mark.parametrize("writer", ["export json", "report supervision", "report outcomes"])
def test_no_output_replaces_hechts_settings_or_an_audit_head_even_with_force(
    capsys, practice, tmp_path, isolated_config, monkeypatch, writer
):
    """--force let a report replace the settings file (every command then stopped) and the
    audit head beside a backup (a restore then went on without its anchor)."""
    settings = isolated_config / "config.toml"
    settings.write_text('practitioner = "Anna de Vries"\n')
    passphrase = isolated_config / "passphrase"
    passphrase.write_text("a long practice passphrase\n")
    monkeypatch.setenv("HECHT_PASSPHRASE_FILE", str(passphrase))
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    head = backup.with_name(backup.name + ".audit-head")
    for target, said in (
        (settings, "config file"),
        (passphrase, "passphrase file"),
        (head, "audit head"),
    ):
        before = target.read_bytes()
        code, _, err = run(capsys, "--db", str(practice), *WRITERS[writer], str(target), "--force")
        assert code == 2 and said in err and "not even with --force" in err, err
        assert target.read_bytes() == before


def test_an_existing_file_is_replaced_only_with_force(capsys, practice, tmp_path):
    target = tmp_path / "all.json"
    target.write_text("my notes")
    code, _, err = run(capsys, "--db", str(practice), "export", "--out", str(target))
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_text() == "my notes"
    code, _, _ = run(capsys, "--db", str(practice), "export", "--out", str(target), "--force")
    assert code == 0 and target.read_text().startswith("{")


def test_a_csv_export_does_not_replace_files_in_its_folder_without_force(
    capsys, practice, tmp_path
):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "wide.csv").write_text("the statistician's own edits")
    code, _, err = run(
        capsys, "--db", str(practice), "export", "--format", "csv", "--out", str(folder)
    )
    assert code == 2 and "wide.csv" in err and "--force" in err
    assert sorted(p.name for p in folder.iterdir()) == ["wide.csv"]
    code, _, _ = run(
        capsys, "--db", str(practice), "export", "--format", "csv", "--out", str(folder), "--force"
    )
    assert code == 0 and (folder / "wide.csv").read_text().startswith("client")


def hecht_database_without_dossiers(path: Path) -> Path:
    from hecht.schema.db.database import open_database

    open_database(f"sqlite:///{path}").dispose()
    return path


def foreign_database(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text)")
        connection.execute("INSERT INTO notes VALUES ('x')")
    return path


def newer_hecht_database(path: Path, practice: Path) -> Path:
    path.write_bytes(practice.read_bytes())
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'fffffffffff9'")
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda folder, practice: (folder / "empty.db").touch() or folder / "empty.db", "empty"),
        (lambda folder, practice: practice, "the database itself"),
        (lambda folder, practice: foreign_database(folder / "notes.db"), "not one of Hecht's"),
        (
            lambda folder, practice: hecht_database_without_dossiers(folder / "new.db"),
            "without any dossiers",
        ),
        (
            lambda folder, practice: newer_hecht_database(folder / "newer.db", practice),
            "newer version of Hecht",
        ),
        (lambda folder, practice: folder, "is a folder: give the backup file itself"),
    ],
    ids=["empty file", "the database", "not Hecht's", "no dossiers", "newer", "a folder"],
)
def test_restore_refuses_what_is_not_a_backup_before_replacing_anything(
    capsys, practice, tmp_path, make, said
):
    folder = tmp_path / "given"
    folder.mkdir()
    source = make(folder, practice)
    before = fingerprint(practice)
    code, _, err = run(capsys, "--db", str(practice), "restore", str(source), "--yes")
    assert code == 2 and said in err
    assert fingerprint(practice) == before
    assert not list(practice.parent.glob("*-replaced-*"))


CHANGES_OUTSIDE_HECHT = {
    "a client's name": ["UPDATE client SET name = 'Someone Else' WHERE id = 1"],
    "a score": ["UPDATE score SET total = total + 1"],
    "a practitioner's name": ["UPDATE practitioner SET name = 'Someone Else'"],
    "the last events of the access log": [
        "DROP TRIGGER auditevent_no_delete",
        "DELETE FROM auditevent WHERE seq > (SELECT max(seq) - 3 FROM auditevent)",
    ],
}


@pytest.mark.parametrize("change", CHANGES_OUTSIDE_HECHT, ids=list(CHANGES_OUTSIDE_HECHT))
def test_restore_refuses_a_backup_changed_outside_hecht_and_says_what_changed(
    capsys, practice, tmp_path, change
):
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(tmp_path / "sunday.db"))[0] == 0
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0  # its user in it
    with sqlite3.connect(backup) as connection:
        for statement in CHANGES_OUTSIDE_HECHT[change]:
            connection.execute(statement)
    connection.close()
    before, backed_up = fingerprint(practice), fingerprint(backup)
    code, _, err = run(capsys, "--db", str(practice), "restore", str(backup), "--yes")
    assert code == 2 and "does not verify as Hecht wrote it" in err, err
    assert "nothing was restored" in err
    assert fingerprint(practice) == before and fingerprint(backup) == backed_up  # read only
    assert not list(practice.parent.glob("*-replaced-*"))


def test_a_practice_that_once_had_a_row_changed_outside_hecht_still_restores_its_backups(
    capsys, practice, tmp_path
):
    # Hecht stores a row changed by hand again with a mark of that change, which every later
    # backup carries: the mark is Hecht's own record, not a change to the backup
    from hecht.schema.context import Actor
    from hecht.schema.inputs import ClientChanges
    from hecht.schema.services import clients
    from tests.conftest import in_practice_file

    with sqlite3.connect(practice) as connection:
        (code,) = connection.execute("SELECT code FROM client LIMIT 1").fetchone()
        connection.execute("UPDATE client SET name = 'Someone Else' WHERE code = ?", (code,))
    connection.close()
    actor = Actor(user_id=None, access_point="test")
    changes = ClientChanges(language="nl")
    in_practice_file(
        practice,
        lambda s: clients.change_client(session=s, actor=actor, code=code, changes=changes),
    )
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    code_, out, err = run(capsys, "--db", str(practice), "restore", str(backup), "--yes")
    assert code_ == 0 and "restored" in out, err


def test_a_backup_changed_outside_hecht_is_refused_in_dutch_naming_the_change(
    capsys, practice, tmp_path
):
    backup = tmp_path / "maandag.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE client SET name = 'Iemand Anders' WHERE id = 1")
    connection.close()
    code, _, err = run(capsys, "--lang", "nl", "--db", str(practice), "restore", str(backup))
    assert code == 2 and "klopt niet meer met wat Hecht schreef" in err, err
    assert "in het dossier van" in err and "er is niets teruggezet" in err


@pytest.mark.parametrize("change", CHANGES_OUTSIDE_HECHT, ids=list(CHANGES_OUTSIDE_HECHT))
def test_a_backup_and_an_export_of_a_practice_changed_outside_hecht_say_they_will_be_refused(
    capsys, practice, tmp_path, change
):
    """The copy is made and kept (it may be all there is), but the person learns now, not on
    the day they need it, that restore or import refuses it and what was found first: exit 2,
    as `hecht audit verify` exits on what it finds, so a scheduled backup notices."""
    assert run(capsys, "--db", str(practice), "backup", str(tmp_path / "sunday.db"))[0] == 0
    with sqlite3.connect(practice) as connection:
        for statement in CHANGES_OUTSIDE_HECHT[change]:
            connection.execute(statement)
    connection.close()
    backup, export = tmp_path / "monday.db", tmp_path / "monday.json"
    code, out, err = run(capsys, "--db", str(practice), "backup", str(backup))
    assert code == 2 and backup.exists() and "backup written and verified" in out, err
    assert "the backup was written, but `hecht restore` will refuse it" in err
    assert "Keep your earlier backups that do verify" in err
    code, _, refused = run(capsys, "--db", str(practice), "restore", str(backup), "--yes")
    assert code == 2 and "does not verify as Hecht wrote it" in refused
    code, out, err = run(capsys, "--lang", "nl", "--db", str(practice), "export", "--out",
                         str(export))  # fmt: skip
    assert export.exists() and "geëxporteerd" in out, err
    code_, _, refused = run(capsys, "--db", str(tmp_path / "new.db"), "import", str(export))
    if change == "the last events of the access log":  # the file's own log is whole
        assert code == 0 and err == "" and code_ == 0, err
        return
    assert code == 2 and "de export is geschreven, maar `hecht import` zal hem weigeren" in err
    if change != "a practitioner's name":  # no dossier's row
        assert "in het dossier van" in err
    assert code_ == 2 and "no longer matches what Hecht wrote" in refused


def test_an_export_whose_access_log_was_edited_is_said_to_be_refused_by_import(
    capsys, practice, tmp_path
):
    """Import checks the file's access log too: an entry edited in the practice's log (its
    trigger dropped) makes an export that import refuses, said when it is written."""
    with sqlite3.connect(practice) as connection:
        connection.execute("DROP TRIGGER auditevent_no_update")
        connection.execute("UPDATE auditevent SET access_point = 'elsewhere' WHERE seq = 2")
    connection.close()
    export = tmp_path / "monday.json"
    code, _, err = run(capsys, "--db", str(practice), "export", "--out", str(export))
    assert code == 2 and export.exists(), err
    assert "the export was written, but `hecht import` will refuse it" in err
    code, _, refused = run(capsys, "--db", str(tmp_path / "new.db"), "import", str(export))
    assert code == 2, refused


def test_a_backup_and_an_export_of_a_practice_that_verifies_warn_of_nothing(
    capsys, practice, tmp_path
):
    backup = ["backup", str(tmp_path / "b.db")]
    export = ["export", "--out", str(tmp_path / "e.json")]
    for command in (backup, export):
        code, _, err = run(capsys, "--db", str(practice), *command)
        assert code == 0 and err == "", err


def test_restore_asks_for_a_typed_yes_in_the_users_language(
    capsys, practice, tmp_path, monkeypatch
):
    backup = tmp_path / "monday.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    code, _, err = run(capsys, "--db", str(practice), "restore", str(backup))
    assert code == 2 and "--yes" in err  # no terminal to ask in
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    typed: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: typed.append(prompt) or "yes")
    code, _, err = run(capsys, "--lang", "nl", "--db", str(practice), "restore", str(backup))
    assert code == 2 and "u typte geen ja" in err
    assert "Typ ja" in typed[-1] and "3 cliënten" in typed[-1]
    assert not list(practice.parent.glob("*-replaced-*"))
    monkeypatch.setattr("builtins.input", lambda prompt: "ja")
    code, out, _ = run(capsys, "--lang", "nl", "--db", str(practice), "restore", str(backup))
    assert code == 0 and "hersteld" in out
    assert len(list(practice.parent.glob("practice-replaced-*.db"))) == 1
    assert clients_in(practice) == 3


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@pytest.fixture
def loose_umask():
    """The umask many systems start with, so each file's own mode is what is tested."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_every_kind_of_file_hecht_writes_is_private_even_under_a_loose_umask(
    loose_umask, tmp_path, isolated_config
):
    from hecht.schema.exchange.backup import backup_sqlite
    from hecht.schema.exchange.files import private_folder
    from hecht.schema.exchange.transfer import write_export
    from hecht.tui.cli.output import deliver
    from hecht.tui.config import Config, save_config
    from hecht.tui.i18n import Messages
    from hecht.tui.views.scale_facts import facts_file, load_and_remember
    from tests.schema.conftest import Practice
    from tests.tui.conftest import frozen_actor

    database = tmp_path / "practice.db"
    with Practice.at(f"sqlite:///{database}", frozen_actor()) as practice:
        practice.client("A1")
        wal = database.with_name("practice.db-wal")
        shm = database.with_name("practice.db-shm")
        assert private(wal) and private(shm)  # SQLite removes them when the last connection closes
        backup_sqlite(database, tmp_path / "copy.db")
    write_export({"tables": {}}, tmp_path / "all.json")
    deliver("a report", tmp_path / "report.md", Messages("en"))
    save_config(Config(practitioner="Mira"))
    load_and_remember(None)
    folder = private_folder(tmp_path / "new-folder")
    written = [database, tmp_path / "copy.db", tmp_path / "all.json"]
    written += [tmp_path / "report.md", isolated_config / "config.toml", facts_file()]
    assert [path.name for path in written if not private(path)] == []
    assert private(folder) and private(facts_file().parent)


def test_a_csv_export_folder_and_its_files_are_private(loose_umask, capsys, practice, tmp_path):
    folder = tmp_path / "study"
    assert (
        run(capsys, "--db", str(practice), "export", "--format", "csv", "--out", str(folder))[0]
        == 0
    )
    assert private(folder)
    assert [path.name for path in folder.iterdir() if not private(path)] == []


def test_hechts_own_data_folder_is_tightened_when_others_may_read_it(
    loose_umask, tmp_path, monkeypatch
):
    from hecht.schema.db.engine import make_engine

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    monkeypatch.setattr("hecht.schema.db.engine.default_database_path", lambda: data / "hecht.db")
    make_engine(f"sqlite:///{data / 'hecht.db'}").dispose()
    assert private(data) and private(data / "hecht.db")


def test_the_command_line_sets_a_private_umask(capsys, tmp_path):
    old = os.umask(0o022)
    try:
        main(["scales", "list"])
        capsys.readouterr()
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(old)


def test_a_mistyped_database_folder_is_refused_and_nothing_is_created(capsys, tmp_path):
    missing = tmp_path / "no" / "such" / "x.db"
    for command in (["caseload"], ["db", "status"], ["report", "outcomes"]):
        code, _, err = run(capsys, "--db", str(missing), *command)
        assert code == 2 and f"the folder {missing.parent} does not exist" in err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "command", [["caseload"], ["db", "status"], ["db", "rescore"], ["audit", "verify"]]
)
def test_a_command_on_a_database_that_does_not_exist_says_how_to_create_one(
    capsys, tmp_path, command
):
    missing = tmp_path / "typo.db"
    code, _, err = run(capsys, "--db", str(missing), *command)
    assert code == 2 and f"there is no database at {missing}" in err
    assert f"hecht --db {missing}" in err
    assert not missing.exists()


def test_import_may_create_the_new_database_it_fills(capsys, practice, tmp_path):
    export = tmp_path / "all.json"
    assert run(capsys, "--db", str(practice), "export", "--out", str(export))[0] == 0
    fresh = tmp_path / "fresh.db"
    code, _, err = run(capsys, "--db", str(fresh), "import", str(export))
    assert code == 0 and clients_in(fresh) == 3
    # the new file holds names and notes in the clear: said, with the way to encrypt it
    assert f"{fresh} is not encrypted at rest" in err
    assert f"hecht db encrypt --db {fresh}" in err


def test_an_import_refused_leaves_no_new_database_behind(capsys, practice, tmp_path):
    """A file that is no export, or an export refused once the database was made (a broken
    audit chain), left an empty new database in its place."""
    not_export = tmp_path / "list.json"
    not_export.write_text("[1, 2]")
    export = tmp_path / "all.json"
    assert run(capsys, "--db", str(practice), "export", "--out", str(export))[0] == 0
    document = json.loads(export.read_text())
    document["audit_log"][0]["hash"] = "0" * 64
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    for source, said in ((not_export, "not a Hecht JSON export"), (broken, "")):
        fresh = tmp_path / "fresh.db"
        code, _, err = run(capsys, "--db", str(fresh), "import", str(source))
        assert code == 2 and said in err, err
        assert sorted(path.name for path in tmp_path.iterdir() if "fresh" in path.name) == []


@pytest.mark.parametrize("damage", ["truncated", "not a database"])
def test_db_status_on_a_damaged_file_exits_2_with_what_is_wrong(capsys, practice, tmp_path, damage):
    broken = tmp_path / "broken.db"
    if damage == "truncated":
        broken.write_bytes(practice.read_bytes()[:5000])
    else:
        broken.write_text("these are my notes, not a database")
    code, _, err = run(capsys, "--db", str(broken), "db", "status")
    assert code == 2 and "cannot be read" in err and "hecht restore" in err


@pytest.mark.parametrize("url", ["bogus://somewhere", "mysql://x/y", "oracle+cx://h/db", "://x"])
@pytest.mark.parametrize("command", [["caseload"], ["db", "status"], ["audit", "verify"]])
def test_a_database_url_hecht_cannot_use_is_refused_with_exit_2(capsys, url, command):
    code, _, err = run(capsys, "--lang", "en", "--db", url, *command)
    assert code == 2 and "not a database Hecht can use" in err and "unexpected" not in err


@pytest.mark.parametrize("command", [["caseload"], ["db", "status"], ["audit", "verify"]])
def test_a_password_in_db_on_the_command_line_is_refused_before_anything_connects(capsys, command):
    url = "postgresql://hecht:s3cret@127.0.0.1:1/practice"  # nothing listens on port 1
    code, out, err = run(capsys, "--lang", "en", "--db", url, *command)
    assert code == 2 and "holds a password" in err and "~/.pgpass" in err
    assert "s3cret" not in out + err and "cannot reach" not in err


@pytest.mark.parametrize("command", [["caseload"], ["db", "status"]])
def test_a_postgresql_server_that_cannot_be_reached_is_said_so_not_called_damaged(capsys, command):
    url = "postgresql://hecht@127.0.0.1:1/practice"
    code, _, err = run(capsys, "--lang", "nl", "--db", url, *command)
    assert code == 2 and "is niet bereikbaar" in err and "~/.pgpass" in err
    assert "beschadigd" not in err and "restore" not in err


@pytest.mark.parametrize(
    ("language", "said"),
    [("nl", "door een nieuwere versie van Hecht"), ("en", "by a newer version of Hecht")],
)
def test_a_database_hecht_will_not_open_is_refused_in_the_users_language(
    capsys, practice, language, said
):
    with sqlite3.connect(practice) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for command in (["caseload"], ["audit", "verify"]):
        code, _, err = run(capsys, "--lang", language, "--db", str(practice), *command)
        assert code == 2 and said in err and "9999" in err


def test_a_refused_backup_logs_no_export(capsys, practice, tmp_path):
    before = audit_events(practice)
    taken = tmp_path / "taken.db"
    taken.write_bytes(practice.read_bytes())
    code, _, _ = run(capsys, "--db", str(practice), "backup", str(taken))
    assert code == 2
    assert audit_events(practice) == before
    assert run(capsys, "--db", str(practice), "backup", str(tmp_path / "new.db"))[0] == 0
    assert audit_events(practice) == before + 1


def test_an_internal_error_does_not_promise_that_nothing_changed(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("hecht.tui.cli.commands.scales_run.run_list", broken)
    code, _, err = run(capsys, "scales", "list")
    assert code == 1
    assert "nothing was changed" not in err and "hecht audit verify" in err


def test_on_a_fresh_machine_a_command_says_how_to_make_the_database(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HECHT_DB", raising=False)
    code, _, err = run(capsys, "caseload")
    assert code == 2 and "there is no database at" in err and "hecht --db" in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite+pysqlite://",
        "sqlite:///:memory:?cache=shared",
        "sqlite:///file:x?mode=memory&uri=true",
    ],
)
@pytest.mark.parametrize(
    "command", [[], ["demo"], ["import-csv", "paper.csv"], ["caseload"]], ids=lambda c: c or "tui"
)
def test_a_database_in_memory_is_refused_before_anything_is_stored_in_it(
    capsys, tmp_path, monkeypatch, url, command
):
    # an import into memory "succeeded", then was gone; it left a head file in the folder
    monkeypatch.chdir(tmp_path)
    (tmp_path / "paper.csv").write_text("client_code,scale,observed_on,answers\n")
    code, out, err = run(capsys, "--db", url, *command)
    gone = "is a database in memory: what is stored in it is gone when Hecht ends"
    assert code == 2 and err.startswith(f"hecht: {url} {gone}") and err.count("\n") == 1
    assert out == "" and sorted(p.name for p in tmp_path.iterdir()) == ["paper.csv"]


@pytest.mark.parametrize(
    "command",
    [
        ["caseload"],
        ["audit", "verify"],
        ["export", "--out", "out.json"],
        ["db", "status"],
        ["db", "upgrade"],
    ],
)
def test_another_programs_database_is_refused_and_left_as_it_was(
    capsys, tmp_path, monkeypatch, command
):
    # opening it as Hecht opens its own turned it to WAL and made it private, then refused it
    monkeypatch.chdir(tmp_path)
    other = foreign_database(tmp_path / "notes.db")
    other.chmod(0o644)
    before = fingerprint(other)
    code, _, err = run(capsys, "--db", str(other), *command)
    assert code == 2 and "holds tables that are not Hecht's" in err
    assert fingerprint(other) == before and stat.S_IMODE(other.stat().st_mode) == 0o644
    with sqlite3.connect(f"file:{other}?mode=ro", uri=True) as reading:
        assert reading.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_backup_in_a_folder_whose_name_holds_uri_characters_is_made_and_restored(
    capsys, practice, tmp_path
):
    # the backup is read through an SQLite URI: an unquoted "%25" or "#" in its folder's name
    # would name another file, or none
    folder = tmp_path / "back-ups 100%25 #1"
    folder.mkdir()
    backup = folder / "maandag.db"
    assert run(capsys, "--db", str(practice), "backup", str(backup))[0] == 0
    code, out, err = run(capsys, "--db", str(practice), "restore", str(backup), "--yes")
    assert code == 0 and "restored" in out, err


@pytest.mark.parametrize(
    "name", ["notes?2026/praktijk.db", "100%41/praktijk.db", "praktijk-Zoë.db"]
)
def test_a_database_whose_name_a_url_would_read_otherwise_is_used_whole_with_its_head_beside_it(
    capsys, practice, tmp_path, name
):
    """A ``?`` in the database's path cut it there ("no database at …/notes"), a ``%41`` was
    read as ``A``; and any character beyond ASCII put the head of the audit log in a file of
    another name (``praktijk-Zo%C3%AB.db.audit-head``), where restore and verify do not look."""
    database = tmp_path / "odd" / name
    database.parent.mkdir(parents=True)
    database.write_bytes(practice.read_bytes())
    code, out, err = run(capsys, "--db", str(database), "caseload")  # read, and logged
    assert code == 0 and "ZULU" in out, err
    assert sorted(path.name for path in database.parent.iterdir()) == [
        database.name,
        f"{database.name}.audit-head",
    ]
    code, out, err = run(capsys, "--db", str(database), "audit", "verify")
    assert code == 0 and f"{database}.audit-head" in out, out + err
    backup = database.parent / "copy?1.db"
    assert run(capsys, "--db", str(database), "backup", str(backup))[0] == 0
    assert (backup.parent / "copy?1.db.audit-head").is_file()  # the backup carries its head
