"""Every command that replaces the database file whole (restore, db encrypt, demo) is refused
while another Hecht has it open, in one message: the file, what to do, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hecht.schema.db.database import open_database
from hecht.tui.cli.main import main

pytestmark = pytest.mark.usefixtures("named_practitioner")


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """Hecht's own data folder (where the demo practice lives), empty."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HECHT_DB", raising=False)
    folder = tmp_path / "data" / "hecht"
    folder.mkdir(parents=True)
    return folder


def restore(database: Path, tmp_path: Path) -> list[str]:
    backup = tmp_path / "monday.db"
    assert main(["--db", str(database), "backup", str(backup)]) == 0
    return ["--db", str(database), "restore", str(backup), "--yes"]


def encrypt(database: Path, tmp_path: Path) -> list[str]:
    return ["--db", str(database), "db", "encrypt"]


def demo(database: Path, tmp_path: Path) -> list[str]:
    return ["demo"]


@pytest.mark.parametrize(
    ("arguments", "command"),
    [(restore, "hecht restore"), (encrypt, "hecht db encrypt"), (demo, "hecht demo")],
    ids=["restore", "db encrypt", "demo"],
)
@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ["is open in another Hecht", "close it, then run", "nothing was changed"]),
        ("nl", ["is geopend in een andere Hecht", "opnieuw uit", "er is niets veranderd"]),
    ],
)
def test_replacing_the_database_while_another_hecht_has_it_open_is_refused(
    capsys, report_db, tmp_path, monkeypatch, data_home, arguments, command, language, said
):
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("a long practice passphrase\n")
    passphrase.chmod(0o600)
    monkeypatch.setenv("HECHT_PASSPHRASE_FILE", str(passphrase))
    database = Path(report_db) if arguments is not demo else data_home / "hecht-demo.db"
    if arguments is demo:
        database.write_bytes(Path(report_db).read_bytes())
    argv = arguments(database, tmp_path)
    capsys.readouterr()
    engine = open_database(f"sqlite:///{database}")  # the screens, or another command
    try:
        with engine.connect():
            before = database.stat().st_ino, database.read_bytes()
            code = main(["--lang", language, *argv])
            refused = capsys.readouterr().err
            assert (database.stat().st_ino, database.read_bytes()) == before
    finally:
        engine.dispose()
    assert code == 2, refused
    assert str(database) in refused and f"`{command}`" in refused, refused
    assert all(text in refused for text in said), refused
    assert not list(database.parent.glob("*-replaced-*"))
    assert main(argv) == 0  # with the other Hecht closed, the same command goes ahead
