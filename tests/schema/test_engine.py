"""The engine: where the database lives, and the SQLite settings that keep answers safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from hecht.schema.db.engine import database_url, default_database_path, make_engine


def test_without_configuration_the_database_is_a_file_in_the_user_data_folder(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("HECHT_DB", raising=False)
    monkeypatch.setattr("platformdirs.user_data_path", lambda app: tmp_path / app)
    assert default_database_path() == tmp_path / "hecht" / "hecht.db"
    assert database_url(None) == f"sqlite:///{tmp_path / 'hecht' / 'hecht.db'}"


def test_db_option_beats_hecht_db_and_accepts_paths_and_urls(monkeypatch):
    monkeypatch.setenv("HECHT_DB", "/data/from-env.db")
    assert database_url(None) == "sqlite:////data/from-env.db"
    assert database_url("/data/option.db") == "sqlite:////data/option.db"
    assert database_url("postgresql://u@host/practice") == "postgresql+psycopg://u@host/practice"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("foreign_keys", 1), ("journal_mode", "wal"), ("synchronous", 2), ("busy_timeout", 10000)],
)
def test_sqlite_connections_have_the_safety_settings(tmp_path: Path, pragma, expected):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text(f"PRAGMA {pragma}")).scalar() == expected
    engine.dispose()


def test_hechts_own_data_folder_is_created_but_a_folder_the_user_named_is_not(
    tmp_path: Path, monkeypatch
):
    own = tmp_path / "data" / "hecht"
    monkeypatch.setattr("hecht.schema.db.engine.default_database_path", lambda: own / "hecht.db")
    engine = make_engine(f"sqlite:///{own / 'hecht.db'}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert (own / "hecht.db").exists() and own.stat().st_mode & 0o077 == 0
    named = make_engine(f"sqlite:///{tmp_path / 'typo' / 'hecht.db'}")
    with pytest.raises(OperationalError):
        named.connect()
    assert not (tmp_path / "typo").exists()
