"""A database file replaced whole (restore, encrypt) only while no other Hecht has it open, and
no Hecht opening it while it is being replaced: its writes would go into a file let go of."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.claim import DatabaseInUse, claimed, share_file
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.db.quick import quick_caseload
from hecht.schema.errors import DatabaseOpenError
from hecht.schema.exchange.backup import backup_sqlite, restore_sqlite
from tests.schema.conftest import Practice

ACTOR = Actor(user_id=None, access_point="test:ws", clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))


def practice(path: Path, *codes: str) -> Path:
    with Practice.at(f"sqlite:///{path}", ACTOR) as built:
        for code in codes:
            built.client(code)
    return path


def codes_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [code for (code,) in connection.execute("SELECT code FROM client ORDER BY code")]


def fingerprint(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file in the folder: its inode and its bytes."""
    return {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def restorable(tmp_path) -> tuple[Path, Path]:
    """A practice (A1, B2) and a backup of it made before C3 was added."""
    (tmp_path / "practice").mkdir()
    path = practice(tmp_path / "practice" / "hecht.db", "A1", "B2")
    backup = tmp_path / "monday.db"
    backup_sqlite(path, backup)
    practice(path, "C3")
    return path, backup


def test_a_restore_while_an_engine_has_the_database_open_is_refused_and_changes_nothing(
    restorable,
):
    path, backup = restorable
    engine = open_database(f"sqlite:///{path}")
    with engine.connect():  # the screens, idle between two units of work
        before = fingerprint(path.parent)
        with pytest.raises(DatabaseInUse):
            restore_sqlite(backup, path)
        assert fingerprint(path.parent) == before
    with unit_of_work(engine) as session:  # stored afterwards: in the database, not elsewhere
        Practice(session, ACTOR).client("D4")
    engine.dispose()
    assert codes_in(path) == ["A1", "B2", "C3", "D4"]
    assert not list(path.parent.glob("*-replaced-*"))


def test_a_restore_while_another_program_reads_the_database_is_refused(restorable):
    path, backup = restorable
    with closing(sqlite3.connect(path)) as shell:  # an sqlite3 shell: no lock of Hecht's
        shell.execute("BEGIN")
        shell.execute("SELECT count(*) FROM client").fetchone()
        with pytest.raises(DatabaseInUse):
            restore_sqlite(backup, path)
        shell.execute("COMMIT")
    assert codes_in(path) == ["A1", "B2", "C3"]
    assert not list(path.parent.glob("*-replaced-*"))


def test_once_every_other_hecht_has_let_go_the_restore_goes_ahead(restorable):
    path, backup = restorable
    open_database(f"sqlite:///{path}").dispose()
    kept = restore_sqlite(backup, path)
    assert codes_in(path) == ["A1", "B2"]
    assert kept is not None and codes_in(kept) == ["A1", "B2", "C3"]
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["hecht.db", "hecht.db.audit-head", kept.name, kept.name + ".audit-head"]
    )


def test_a_hecht_opened_while_the_database_is_being_replaced_is_refused_and_touches_nothing(
    restorable,
):
    path, _ = restorable
    with claimed(path):  # as a restore or an encryption holds it
        before = fingerprint(path.parent)
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(f"sqlite:///{path}")
        assert refused.value.problem == "being_replaced"
        first = quick_caseload(
            f"sqlite:///{path}", facts={}, access_point="tui:test", clock=ACTOR.clock
        )
        assert first is None  # the screens' first read leaves it to the normal open, refused
        assert fingerprint(path.parent) == before


def test_the_shared_lock_is_on_the_file_the_name_names_now(tmp_path):
    path = practice(tmp_path / "hecht.db", "A1")
    guard = share_file(path)
    assert guard is not None
    try:
        with pytest.raises(DatabaseInUse):
            with claimed(path):
                pass
    finally:
        guard.close()
    with claimed(path):
        pass


def test_a_damaged_database_is_replaced_by_a_restore_and_kept_aside_with_its_log(restorable):
    path, backup = restorable
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 20
    path.write_bytes(damaged)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"what the damaged file's log held")
    kept = restore_sqlite(backup, path)
    assert codes_in(path) == ["A1", "B2"]
    assert kept is not None and kept.read_bytes() == damaged
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"what the damaged file's log held"
    assert not wal.exists()  # never replayed into the restored database
