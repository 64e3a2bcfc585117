"""The connections of one Hecht keep their SQLite locks while others come and go.

The kernel ties SQLite's locks on a file to the process, not to the descriptor: closing any
descriptor of the file drops all of them. A worker's connection closed, or a look at whether the
file is encrypted, must not leave the screens' connection unlocked: another program would then
take the file as unused and delete the write-ahead log it still writes to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from hecht.schema.db.cipher import is_encrypted
from hecht.schema.db.claim import DatabaseInUse, claimed
from hecht.schema.db.database import open_database
from hecht.schema.exchange.files import is_sqlite_file


def sqlite_locks(path: Path) -> list[str]:
    """The byte-range (POSIX) locks this process holds on the file, as /proc/locks lists them."""
    inode = f":{path.stat().st_ino}"
    held = []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()  # 1: POSIX  ADVISORY  READ  <pid> <major>:<minor>:<inode> <from> <to>
        if fields[1] == "POSIX" and fields[4] == str(os.getpid()) and fields[5].endswith(inode):
            held.append(" ".join(fields[3:4] + fields[6:]))
    return held


@pytest.fixture
def engine(tmp_path) -> Engine:
    opened = open_database(f"sqlite:///{tmp_path / 'hecht.db'}")
    yield opened
    opened.dispose()


def screens_connection(engine: Engine):
    """A connection that has read the database and stays open, as the screens' does."""
    connection = engine.connect()
    connection.execute(text("SELECT count(*) FROM client")).one()
    connection.commit()
    return connection


def closed_worker(engine: Engine, path: Path) -> None:
    """A second connection (a worker's) that reads and is then closed for good."""
    worker = engine.connect()
    worker.execute(text("SELECT 1")).one()
    worker.commit()
    worker.invalidate()  # closed, not returned to the pool
    worker.close()


def looked_at(engine: Engine, path: Path) -> None:
    """Whether the file is encrypted, or a database at all, as commands ask before opening."""
    assert not is_encrypted(path)
    assert is_sqlite_file(path)


def claim_refused(engine: Engine, path: Path) -> None:
    """A restore started in this very Hecht: refused, the file is open."""
    with pytest.raises(DatabaseInUse):
        with claimed(path):
            pass


@pytest.mark.parametrize("meanwhile", [closed_worker, looked_at, claim_refused])
def test_the_screens_connection_keeps_its_locks(meanwhile, engine, tmp_path):
    path = tmp_path / "hecht.db"
    screens = screens_connection(engine)
    locks = sqlite_locks(path)
    assert locks, "an open connection in WAL mode holds a read lock on the file"
    meanwhile(engine, path)
    assert sqlite_locks(path) == locks
    screens.close()


def test_another_program_closing_the_file_leaves_the_write_ahead_log_in_use(engine, tmp_path):
    path = tmp_path / "hecht.db"
    screens = screens_connection(engine)
    closed_worker(engine, path)
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT count(*) FROM sqlite_master').fetchone(); c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True)
    # the last connection to close checkpoints and deletes the log: this one was not the last
    assert path.with_name("hecht.db-wal").exists()
    screens.close()
