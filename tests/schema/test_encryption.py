"""Encryption at rest: an SQLCipher file holds no readable client data, and converts losslessly."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.cipher import forget_keys, is_encrypted, key_for, key_opens, remember_key
from hecht.schema.db.claim import DatabaseInUse
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.db.encryption import encrypt_database
from hecht.schema.errors import DatabaseOpenError
from hecht.schema.exchange.backup import (
    BackupError,
    BackupProblem,
    backup_sqlite,
    restore_sqlite,
    verify_copy,
)
from hecht.schema.services import clients
from tests.schema.conftest import Practice

CANARY = "Zwaantje Canarisvogel"
PASSPHRASE = "correct horse 'battery' staple"
ACTOR = Actor(user_id=None, access_point="test:ws", clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))


@pytest.fixture(autouse=True)
def no_keys():
    forget_keys()
    yield
    forget_keys()


def fill(path: Path, count: int = 3) -> None:
    with Practice.at(f"sqlite:///{path}", ACTOR) as practice:
        for number in range(count):
            practice.client(f"C{number}", name=f"{CANARY} {number}")


def holds_canary(path: Path) -> bool:
    data = path.read_bytes()
    return CANARY.encode("utf-8") in data or CANARY.encode("utf-16-le") in data


def table_rows(path: Path, passphrase: str | None) -> dict[str, list[tuple]]:
    from hecht.schema.db.cipher import connect

    with closing(connect(path, passphrase)) as connection:
        names = [
            n
            for (n,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {n: sorted(map(tuple, connection.execute(f'SELECT * FROM "{n}"'))) for n in names}


def test_a_database_created_with_a_passphrase_is_encrypted_on_disk(tmp_path):
    path = tmp_path / "hecht.db"
    remember_key(path, PASSPHRASE)
    fill(path)
    assert is_encrypted(path)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    for file in tmp_path.iterdir():
        assert not holds_canary(file), file.name
    with closing(sqlite3.connect(path)) as plain, pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_an_encrypted_database_is_not_opened_without_its_passphrase(tmp_path):
    path = tmp_path / "hecht.db"
    remember_key(path, PASSPHRASE)
    fill(path, 1)
    forget_keys()
    with pytest.raises(DatabaseOpenError, match="encrypted and no passphrase was given"):
        open_database(f"sqlite:///{path}")
    assert key_opens(path, PASSPHRASE)
    assert not key_opens(path, "wrong")


def test_encrypting_keeps_every_row_and_leaves_no_plain_file(tmp_path):
    path = tmp_path / "hecht.db"
    fill(path, 5)
    before = table_rows(path, None)
    report = encrypt_database(path, PASSPHRASE)
    assert is_encrypted(path)
    assert table_rows(path, PASSPHRASE) == before
    assert report.row_counts["client"] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hecht.db", "hecht.db.audit-head"]
    assert not holds_canary(path)
    remember_key(path, PASSPHRASE)
    engine = open_database(f"sqlite:///{path}")  # the app opens it with the key
    with unit_of_work(engine) as session:
        assert len(clients.find_clients(session=session, actor=ACTOR)) == 5
    engine.dispose()


def test_encrypting_a_database_in_use_elsewhere_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "hecht.db"
    fill(path, 2)
    engine = open_database(f"sqlite:///{path}")
    with engine.connect():
        with pytest.raises(DatabaseInUse):
            encrypt_database(path, PASSPHRASE)
    engine.dispose()
    assert not is_encrypted(path)
    assert len(table_rows(path, None)["client"]) == 2


def test_a_backup_of_an_encrypted_database_is_encrypted_with_its_key(tmp_path):
    path = tmp_path / "hecht.db"
    remember_key(path, PASSPHRASE)
    fill(path, 2)
    target = tmp_path / "backup.db"
    backup_sqlite(path, target, source_key=PASSPHRASE, target_key=PASSPHRASE)
    assert is_encrypted(target) and not holds_canary(target)
    assert verify_copy(target, PASSPHRASE)["client"] == 2
    with pytest.raises(BackupError):
        verify_copy(target)


def test_restoring_into_an_encrypted_database_keeps_it_encrypted(tmp_path):
    path = tmp_path / "hecht.db"
    plain_backup = tmp_path / "plain.db"
    fill(plain_backup, 4)
    remember_key(path, PASSPHRASE)
    fill(path, 1)
    restore_sqlite(plain_backup, path)
    assert is_encrypted(path) and key_for(path) == PASSPHRASE
    assert len(table_rows(path, PASSPHRASE)["client"]) == 4


def test_an_encrypted_backup_of_another_passphrase_is_refused_before_anything_changes(tmp_path):
    other = tmp_path / "other.db"
    remember_key(other, "another passphrase")
    fill(other, 2)
    path = tmp_path / "hecht.db"
    remember_key(path, PASSPHRASE)
    fill(path, 1)
    with pytest.raises(BackupError) as refused:
        restore_sqlite(other, path)
    assert refused.value.problem is BackupProblem.OTHER_KEY
    assert len(table_rows(path, PASSPHRASE)["client"]) == 1
