"""The demo practice's own file: built beside its place and moved there, never half a demo."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import Session

from hecht.schema.db.database import open_database
from hecht.schema.demo.bulk import BulkStore
from hecht.schema.demo.content import EPISODES
from hecht.schema.demo.file import build_demo_file
from hecht.schema.trail.audit import verify_all


def episodes_in(path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(DISTINCT lineage_id) FROM episode").fetchone()[0]


def test_the_demo_file_is_the_whole_practice_its_log_intact_and_no_side_file_left(tmp_path):
    path = tmp_path / "data" / "hecht-demo.db"
    build_demo_file(path)
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "hecht-demo.db",
        "hecht-demo.db.audit-head",
    ]
    assert episodes_in(path) == EPISODES
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    engine = open_database(f"sqlite:///{path}")
    with Session(engine) as session:
        report = verify_all(session=session)
    assert report.intact, report.findings  # its head moved with it; every row sealed
    engine.dispose()


def test_an_interrupted_build_leaves_no_demo_and_the_next_one_starts_over(tmp_path, monkeypatch):
    path = tmp_path / "hecht-demo.db"
    written = BulkStore.write

    def write_then_interrupted(self: BulkStore) -> None:  # Ctrl+C just before the commit
        written(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(BulkStore, "write", write_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_demo_file(path)
    assert not path.exists()
    monkeypatch.setattr(BulkStore, "write", written)
    build_demo_file(path)
    assert episodes_in(path) == EPISODES
    assert not path.with_name("hecht-demo.db.building").exists()
