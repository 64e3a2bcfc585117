"""Provides the audit log's anchor outside the database: the head file and the kept head.

The head of the audit chain (its last event's number and hash) and of the seal chain
(``hecht.schema.trail.seals``) are written to a file beside an SQLite database after every unit of
work that commits (``practice.db.audit-head``), carried beside each backup, and printed by
``hecht audit verify`` for the practice to keep. A head that shows more events than the database
holds, or another hash at its count, means the log was cut short or rebuilt. Plain Python: the
TUI's first caseload read (``hecht.schema.db.quick``) writes the head before SQLAlchemy is loaded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hecht.schema.db.engine import sqlite_file
from hecht.schema.db.plain import PlainConnection
from hecht.schema.exchange.files import HEAD_SUFFIX, write_private
from hecht.schema.trail.chain import GENESIS

FORMAT = "hecht-audit-head"
APPEND_ONLY_TRIGGERS = {
    "sqlite": (
        "auditevent_no_update", "auditevent_no_delete",
        "recordseal_no_update", "recordseal_no_delete",
    ),
    "postgresql": (
        "auditevent_no_change", "auditevent_no_truncate",
        "recordseal_no_change", "recordseal_no_truncate",
    ),
}  # fmt: skip
"""The triggers that keep the audit log and the seals append-only, per dialect."""
_TOKEN = re.compile(r"^(\d+):([0-9a-f]{64})(?:/(\d+):([0-9a-f]{64}))?$")


@dataclass(frozen=True)
class Head:
    """Where the two chains end: the audit log's last event and the last seal, with hashes."""

    events: int
    hash: str
    seals: int = 0
    seal_hash: str = GENESIS

    def token(self) -> str:
        """The head as the practice keeps it: ``EVENTS:HASH/SEALS:HASH``."""
        return f"{self.events}:{self.hash}/{self.seals}:{self.seal_hash}"


@dataclass(frozen=True)
class Finding:
    """One thing ``hecht audit verify`` found wrong: a message key and what it names."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


class HeadFileError(ValueError):
    """A head file or a kept head that cannot be read as one."""


def parse_head(token: str) -> Head:
    """Read a head as ``hecht audit verify`` prints it (``EVENTS:HASH`` alone is accepted).

    Raises:
        HeadFileError: not a head.
    """
    found = _TOKEN.match(token.strip().lower())
    if found is None:
        raise HeadFileError(token)
    events, hashed, seals, seal_hash = found.groups()
    if seals is None:
        return Head(int(events), hashed)
    return Head(int(events), hashed, int(seals), seal_hash)


def head_file(database: Path) -> Path:
    """The head file beside an SQLite database or backup."""
    return database.with_name(database.name + HEAD_SUFFIX)


def anchored_file(url: str) -> Path | None:
    """The head file of a database URL: beside an SQLite file; None for PostgreSQL or memory."""
    path = sqlite_file(url)
    return None if path is None else head_file(path)


def current_head(plain: PlainConnection) -> Head:
    """Read both chains' heads, in the caller's transaction."""
    events = plain.rows("SELECT seq, hash FROM auditevent ORDER BY seq DESC LIMIT 1")
    seals = plain.rows("SELECT seq, hash FROM recordseal ORDER BY seq DESC LIMIT 1")
    event, seal = events[0] if events else (0, GENESIS), seals[0] if seals else (0, GENESIS)
    return Head(event[0], event[1], seal[0], seal[1])


def read_head_file(path: Path) -> Head | None:
    """Read a head file; None when there is none.

    Raises:
        HeadFileError: the file is there but is not a head file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise HeadFileError(str(path))
        return Head(int(data["events"]), data["hash"], int(data["seals"]), data["seal_hash"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise HeadFileError(str(path)) from None


def _hash_at(plain: PlainConnection, table: str, seq: int) -> str | None:
    if seq <= 0:
        return GENESIS
    found = plain.rows(f"SELECT hash FROM {table} WHERE seq = ?", [seq])
    return found[0][0] if found else None


def next_head(plain: PlainConnection, path: Path) -> Head | None:
    """The head to record once this unit of work commits; None to leave the file as it is.

    The file is left alone when the database no longer holds the head it shows (events or seals
    removed or rebuilt): that is what ``hecht audit verify`` reports, so it must stay. A missing
    or unreadable file is written anew.
    """
    head = current_head(plain)
    try:
        known = read_head_file(path)
    except HeadFileError:
        return head
    if known is None:
        return head
    if known.events > head.events or known.seals > head.seals or known == head:
        return None
    if _hash_at(plain, "auditevent", known.events) != known.hash:
        return None
    if _hash_at(plain, "recordseal", known.seals) != known.seal_hash:
        return None
    return head


def _document(head: Head) -> str:
    return json.dumps(
        {"format": FORMAT, "events": head.events, "hash": head.hash,
         "seals": head.seals, "seal_hash": head.seal_hash}, indent=1,
    ) + "\n"  # fmt: skip


def write_head(path: Path, head: Head) -> None:
    """Record a committed head (``next_head``; 0600, whole or not at all), unless the file shows
    one as far along by now: several processes may commit at once; a head never moves back.

    A head that cannot be written is left to the next commit; the database is what counts.
    """
    try:
        try:
            known = read_head_file(path)
        except HeadFileError:
            known = None
        if known is not None and known.events >= head.events and known.seals >= head.seals:
            return
        write_private(path, _document(head), sync=False)  # cheap: a lagging head is a prefix
    except OSError:
        return


def replace_head(path: Path, head: Head) -> None:
    """Record a head whatever the file showed: a new database, or one restored from a backup.

    Raises:
        OSError: the file could not be written.
    """
    write_private(path, _document(head))


def head_findings(plain: PlainConnection, head: Head, source: str) -> list[Finding]:
    """Compare a head recorded outside the database with the chains inside it."""
    findings = []
    for table, count, hashed, prefix in (
        ("auditevent", head.events, head.hash, "events"),
        ("recordseal", head.seals, head.seal_hash, "seals"),
    ):
        if count <= 0:
            continue  # a kept head without seals; or nothing recorded yet
        last = plain.rows(f"SELECT MAX(seq) FROM {table}")[0][0] or 0
        values = {"source": source, "kept": count, "found": last}
        if last < count:
            findings.append(Finding(f"{prefix}_truncated", values))
        elif _hash_at(plain, table, count) != hashed:
            findings.append(Finding(f"{prefix}_rebuilt", values))
    return findings


def trigger_findings(plain: PlainConnection) -> list[Finding]:
    """Report each append-only trigger that is missing (or, on PostgreSQL, disabled)."""
    if plain.dialect == "postgresql":
        rows = plain.rows(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
            "(to_regclass('auditevent'), to_regclass('recordseal'))"
        )
        present = {name: enabled != "D" for name, enabled in rows}
    else:
        rows = plain.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name: True for (name,) in rows}
    findings = []
    for name in APPEND_ONLY_TRIGGERS.get(plain.dialect, ()):
        if name not in present:
            findings.append(Finding("trigger_missing", {"trigger": name}))
        elif not present[name]:
            findings.append(Finding("trigger_disabled", {"trigger": name}))
    return findings
