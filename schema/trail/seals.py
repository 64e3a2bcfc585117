"""Provides record seals: a chained hash of every stored version of a sealed row.

Whenever a unit of work writes a sealed row (client, episode, visit, administration, answer,
score, alert, couple, practitioner, sharing of a dossier), the hash of the row as stored is
appended to the seal chain before the work commits: the ORM's own writes are found after each
flush, bulk statements say what they touched (``touch``). ``hecht audit verify`` recomputes
every row's hash (``seal_findings``): a row changed, added or removed with another tool than
Hecht no longer matches its newest seal. Rebuilding the seals after such a change breaks their
chain, or moves its head away from the head kept outside the database
(``hecht.schema.trail.anchor``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from hecht.schema.db.plain import WROTE, PlainConnection, chunks
from hecht.schema.tables import (
    Administration,
    Alert,
    CaseloadMember,
    Client,
    Couple,
    Episode,
    ItemResponse,
    Practitioner,
    RecordSeal,
    Score,
    Visit,
    table_of,
)
from hecht.schema.trail.anchor import Finding, anchored_file, next_head, write_head
from hecht.schema.trail.chain import GENESIS, AuditKind, hold_chain_lock
from hecht.schema.trail.details import detail_of

SEALED: dict[str, type[SQLModel]] = {
    "client": Client,
    "episode": Episode,
    "visit": Visit,
    "administration": Administration,
    "itemresponse": ItemResponse,
    "score": Score,
    "alert": Alert,
    "couple": Couple,
    "practitioner": Practitioner,
    "caseloadmember": CaseloadMember,
}
"""The rows that are sealed, by the kind their seals name: the clinical ones, the practitioners
the access log names by number (a name changed would change who the log says did what), and
who else a dossier is shared with (PostgreSQL's caseloads)."""

SEALED_SINCE = {"practitioner": "0015", "caseloadmember": "0015"}
"""The kinds sealed only from a later revision on (the others since 0007 and 0008): a database
or an export of an earlier revision holds their rows without seals."""


def unsealed_at(revision: str) -> set[str]:
    """The kinds whose rows a database or an export of ``revision`` holds without seals."""
    return {kind for kind, since in SEALED_SINCE.items() if int(revision) < int(since)}


KIND_OF = {model: kind for kind, model in SEALED.items()}
REMOVED = "removed"
"""The digest of a seal that records Hecht removing the row (destruction on request)."""
CHANGED = "changed-outside"
"""The digest of a seal that records a row found changed outside Hecht as Hecht came to change
or remove it: the evidence stays in the chain after the row is sealed anew."""

_PENDING = "hecht_unsealed"
_HEAD = "hecht_head"


def _canonical(value: Any) -> Any:
    """A stored value in one form on SQLite and PostgreSQL: UTC times, ISO dates, floats."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return str(value)


def digest(kind: str, key: int, row: dict[str, Any]) -> str:
    """Return the SHA-256 of a row's stored content (columns without a value left out)."""
    content = {name: _canonical(value) for name, value in row.items() if value is not None}
    canonical = json.dumps(
        [kind, key, content], sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal_hash(seq: int, kind: str, record_id: int, row_digest: str, prev_hash: str) -> str:
    """Return the hash of one seal: its content and the hash of the seal before it."""
    canonical = json.dumps([seq, kind, record_id, row_digest, prev_hash], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_column(kind: str) -> Any:
    table = table_of(SEALED[kind])
    return next(iter(table.primary_key.columns))


def stored_digests(
    connection: Connection,
    kind: str,
    keys: Iterable[int] | None,
    present: Collection[str] | None = None,
) -> dict[int, str]:
    """The digest of each stored row of a kind (all rows, or those with these keys).

    ``present`` names the columns the table has when that may be fewer than the model's (a
    migration sealing rows before later revisions add columns): a column not yet there is
    read as empty, which the digest leaves out anyway.
    """
    table = table_of(SEALED[kind])
    column = _key_column(kind)
    shown = [c for c in table.columns if present is None or c.name in present]
    queries = (
        [select(*shown)]
        if keys is None
        else [select(*shown).where(column.in_(part)) for part in chunks(keys)]
    )
    found = {}
    for query in queries:
        for row in connection.execute(query):
            values = dict(row._mapping)
            key = values[column.name]
            found[key] = digest(kind, key, values)
    return found


def append_seals(connection: Connection, entries: list[tuple[str, int, str]]) -> None:
    """Append seals (kind, row key, digest) to the chain, in the connection's transaction."""
    if not entries:
        return
    hold_chain_lock(PlainConnection(connection.connection.driver_connection, _dialect(connection)))
    last = connection.execute(
        text("SELECT seq, hash FROM recordseal ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, prev = (0, GENESIS) if last is None else (last[0], last[1])
    rows = []
    for kind, key, row_digest in entries:
        seq += 1
        sealed = seal_hash(seq, kind, key, row_digest, prev)
        rows.append(
            {"seq": seq, "kind": kind, "record_id": key, "digest": row_digest,
             "prev_hash": prev, "hash": sealed}
        )  # fmt: skip
        prev = sealed
    connection.execute(insert(table_of(RecordSeal)), rows)


def _dialect(connection: Connection) -> str:
    return connection.dialect.name


def seal_keys(connection: Connection, keys: Iterable[tuple[str, int]]) -> None:
    """Seal the rows with these keys as they are stored now; a row that is gone as removed."""
    by_kind: dict[str, set[int]] = {}
    for kind, key in keys:
        by_kind.setdefault(kind, set()).add(key)
    entries = []
    for kind in SEALED:
        wanted = by_kind.get(kind)
        if not wanted:
            continue
        stored = stored_digests(connection, kind, wanted)
        entries += [(kind, key, stored.get(key, REMOVED)) for key in sorted(wanted)]
    append_seals(connection, entries)


def seal_unsealed(connection: Connection, kinds: Collection[str] | None = None) -> int:
    """Seal every stored row of ``kinds`` (every kind) that has no seal yet: a database from
    before its kind was sealed. Return how many were sealed. Never for a kind already sealed:
    a row of it without a seal was added outside Hecht, which ``hecht audit verify`` reports."""
    stored = connection.execute(text("SELECT kind, record_id FROM recordseal"))
    sealed = {(kind, key) for kind, key in stored}
    inspector = inspect(connection)
    entries = []
    for kind in SEALED if kinds is None else [kind for kind in SEALED if kind in kinds]:
        if not inspector.has_table(kind):
            continue  # a migration before the one that makes the table
        present = {found["name"] for found in inspector.get_columns(kind)}
        stored_now = stored_digests(connection, kind, None, present)
        fresh = sorted(stored_now.items())
        entries += [(kind, key, found) for key, found in fresh if (kind, key) not in sealed]
    append_seals(connection, entries)
    return len(entries)


SERVER_FILLED = "owner_role"
"""The client column PostgreSQL fills in as a client is stored (the role that stored it). Hecht
0.1 imported a practice into PostgreSQL keeping the file's seals, made without it."""


def sealed_before_filled(kind: str, key: int, row: dict[str, Any], sealed: str | None) -> bool:
    """Whether ``sealed`` is this client row's digest as it was before the server filled in its
    owning role: the role is the server's, not clinical content."""
    return (
        kind == "client"
        and row.get(SERVER_FILLED) is not None
        and sealed is not None
        and digest(kind, key, {**row, SERVER_FILLED: None}) == sealed
    )


def _came_by_import(connection: Connection) -> bool:
    """Whether the practice came in by ``hecht import`` of a JSON export (its access-log event):
    the one way Hecht left its clients' seals without the role the server filled in."""
    found = connection.execute(
        text("SELECT 1 FROM auditevent WHERE event = :event AND detail = :detail LIMIT 1"),
        {"event": AuditKind.IMPORT.value, "detail": detail_of("json_all")},
    )
    return found.first() is not None


def seal_server_filled(connection: Connection) -> int:
    """Seal again, as stored, each client whose newest seal differs from the row only by the
    owning role the server filled in, in a practice that came in by a JSON import (Hecht 0.1
    kept the file's seals, made without that role), so ``hecht audit verify`` no longer
    reports it changed; return how many were sealed. Elsewhere a role set beside such a seal
    was set by hand, and stays reported; so does a client changed in any other way."""
    present = {found["name"] for found in inspect(connection).get_columns("client")}
    if SERVER_FILLED not in present or not _came_by_import(connection):
        return 0
    newest: dict[int, str] = dict(
        connection.execute(
            text("SELECT record_id, digest FROM recordseal WHERE kind = 'client' "
                 "AND digest <> :marker ORDER BY seq"),
            {"marker": CHANGED},
        ).all()
    )  # fmt: skip
    table = table_of(Client)
    entries = []
    for row in connection.execute(select(*[c for c in table.columns if c.name in present])):
        values = dict(row._mapping)
        key, sealed = values["id"], newest.get(values["id"])
        found = digest("client", key, values)
        if found != sealed and sealed_before_filled("client", key, values, sealed):
            entries.append(("client", key, found))
    append_seals(connection, entries)
    return len(entries)


def _newest_digest(connection: Connection, kind: str, key: int) -> str | None:
    found = connection.execute(
        text("SELECT digest FROM recordseal WHERE kind = :kind AND record_id = :key "
             "AND digest <> :marker ORDER BY seq DESC LIMIT 1"),
        {"kind": kind, "key": key, "marker": CHANGED},
    ).first()  # fmt: skip
    return None if found is None else found[0]


def check_before_change(session: OrmSession, keys: Iterable[tuple[str, int]]) -> None:
    """Before Hecht changes or removes rows, seal as changed outside Hecht each one whose stored
    content no longer matches its seal, so sealing Hecht's change does not hide that.

    Rows this unit of work wrote already are Hecht's own: they are not checked again.
    """
    pending = session.info.setdefault(_PENDING, set())
    wanted = {(kind, key) for kind, key in keys if (kind, key) not in pending}
    if not wanted:
        return
    connection = session.connection()
    found = []
    for kind in SEALED:
        ids = sorted(key for each, key in wanted if each == kind)
        if not ids:
            continue
        stored = stored_digests(connection, kind, ids)
        for key in ids:
            sealed = _newest_digest(connection, kind, key)
            if key in stored and sealed not in (stored[key], REMOVED):
                found.append((kind, key, CHANGED))  # an unsealed row, or another content
    append_seals(connection, found)


def touch(
    session: Session, kind: str, keys: Iterable[int | None], *, inserted: bool = False
) -> None:
    """Have the rows with these keys sealed when the work commits (for bulk statements, which
    the ORM does not see): as they are then, or as removed. Call it before a statement that
    changes or removes rows, so one changed outside Hecht is noted first
    (``check_before_change``); after one that ``inserted`` them."""
    touched = [(kind, key) for key in keys if key is not None]
    if not inserted:
        check_before_change(session, touched)
    session.info.setdefault(_PENDING, set()).update(touched)


def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    changing = [
        *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False)),
        *session.deleted,
    ]
    keys = [
        (KIND_OF[type(obj)], getattr(obj, _key_column(KIND_OF[type(obj)]).name))
        for obj in changing
        if type(obj) in KIND_OF
    ]
    if keys:
        check_before_change(session, keys)


def _after_flush(session: OrmSession, _context: Any) -> None:
    pending: set[tuple[str, int]] = session.info.setdefault(_PENDING, set())
    changed = [
        *session.new,
        *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False)),
        *session.deleted,
    ]
    for obj in changed:
        kind = KIND_OF.get(type(obj))
        if kind is not None:
            pending.add((kind, getattr(obj, _key_column(kind).name)))


def seal_pending(session: Session) -> None:
    """Seal what this unit of work wrote so far now, not when it commits: an export reads the
    seals in the unit of work that may have registered its practitioner. Not between ``touch``
    and the statement it announces (that row would be sealed as it was before)."""
    session.flush()
    seal_keys(session.connection(), session.info.pop(_PENDING, set()))
    session.info[WROTE] = True  # the head file moves on at the commit


def _before_commit(session: OrmSession) -> None:
    """Seal what the work wrote, and note the chains' heads for the head file."""
    session.flush()  # the commit's own flush comes after this hook: what it would write, now
    if not session.info.get(_PENDING) and not session.info.get(WROTE):
        return
    pending = session.info.pop(_PENDING, set())
    connection = session.connection()
    seal_keys(connection, pending)
    path = anchored_file(str(connection.engine.url))
    if path is not None:
        plain = PlainConnection(connection.connection.driver_connection, _dialect(connection))
        head = next_head(plain, path)
        if head is not None:
            session.info[_HEAD] = (path, head)


def _after_commit(session: OrmSession) -> None:
    noted = session.info.pop(_HEAD, None)
    session.info.pop(WROTE, None)
    session.info.pop(_PENDING, None)
    if noted is not None:
        write_head(*noted)


def _forget(session: OrmSession) -> None:
    for name in (_PENDING, _HEAD, WROTE):
        session.info.pop(name, None)


def install() -> None:
    """Seal every unit of work's writes (once per process; every engine Hecht makes calls it)."""
    if event.contains(OrmSession, "after_flush", _after_flush):
        return
    event.listen(OrmSession, "before_flush", _before_flush)
    event.listen(OrmSession, "after_flush", _after_flush)
    event.listen(OrmSession, "before_commit", _before_commit)
    event.listen(OrmSession, "after_commit", _after_commit)
    event.listen(OrmSession, "after_rollback", _forget)


EARLIER_CHANGE_MARKS = ("row_changed_before",)
"""Findings that are Hecht's own record of an earlier change, kept under the seals' chain (a row
changed outside Hecht and then stored again by it): every later copy of the database carries
them (a backup, an export), and none is a change made to that copy."""


def changes_in(findings: list[Finding]) -> list[Finding]:
    """The findings that show a change outside Hecht, without Hecht's marks of earlier ones."""
    return [found for found in findings if found.key not in EARLIER_CHANGE_MARKS]


SealRow = tuple[int, str, int, str, str, str]
"""A seal as stored: seq, kind, record id, digest, previous hash, hash."""


def seal_findings(
    connection: Connection,
    rows: dict[str, dict[int, str]] | None = None,
    seals: Iterable[SealRow] | None = None,
) -> list[Finding]:
    """Recompute the seal chain and every sealed row; return what does not match.

    ``rows`` gives each kind's row digests where they are not to be read from the database: an
    import compares the rows as its file holds them, since the database may fill a column on
    its own (PostgreSQL's ``owner_role``), which the file's seals do not know. ``seals`` gives
    the chain in order where it is not the database's (an export's, once others sealed more).
    """
    findings: list[Finding] = []
    newest: dict[tuple[str, int], str] = {}
    expected, prev = 1, GENESIS
    chain: Iterable[Any] = (
        seals
        if seals is not None
        else connection.execute(
            text(
                "SELECT seq, kind, record_id, digest, prev_hash, hash FROM recordseal ORDER BY seq"
            )
        )
    )
    for seq, kind, key, row_digest, prev_hash, stored_hash in chain:
        if seq != expected:
            findings.append(Finding("seals_missing", {"first": expected, "last": seq - 1}))
        elif prev_hash != prev:
            findings.append(Finding("seal_out_of_line", {"seq": seq}))
        if seal_hash(seq, kind, key, row_digest, prev_hash) != stored_hash:
            findings.append(Finding("seal_changed", {"seq": seq}))
        if row_digest == CHANGED:
            findings.append(Finding("row_changed_before", {"kind": kind, "id": key, "seq": seq}))
        else:
            newest[(kind, key)] = row_digest
        expected, prev = seq + 1, stored_hash
    for kind in SEALED:
        stored = stored_digests(connection, kind, None) if rows is None else rows.get(kind, {})
        findings += _row_findings(kind, stored, newest)
    return _with_client_codes(connection, findings)


CLIENT_OF = {
    "client": "SELECT id, code FROM client WHERE id IN ({keys})",
    "episode": "SELECT e.id, c.code FROM episode e JOIN client c ON c.id = e.client_id "
    "WHERE e.id IN ({keys})",
    "administration": "SELECT a.id, c.code FROM administration a "
    "JOIN client c ON c.id = a.client_id WHERE a.id IN ({keys})",
    "itemresponse": "SELECT r.id, c.code FROM itemresponse r "
    "JOIN administration a ON a.id = r.administration_id JOIN client c ON c.id = a.client_id "
    "WHERE r.id IN ({keys})",
    "score": "SELECT a.id, c.code FROM administration a JOIN client c ON c.id = a.client_id "
    "WHERE a.id IN ({keys})",
    "alert": "SELECT r.id, c.code FROM alert r JOIN client c ON c.id = r.client_id "
    "WHERE r.id IN ({keys})",
    "caseloadmember": "SELECT m.id, c.code FROM caseloadmember m "
    "JOIN client c ON c.id = m.client_id WHERE m.id IN ({keys})",
    "couple": "SELECT k.id, c.code FROM couple k JOIN client c ON c.id = k.first_client_id "
    "WHERE k.id IN ({keys})",
}
"""How a sealed row leads to its client's code, so a finding says whose dossier it is in."""


def _with_client_codes(connection: Connection, findings: list[Finding]) -> list[Finding]:
    """Name the client (by code, never by name) of each finding about a row still stored."""
    codes: dict[tuple[str, int], str] = {}
    for kind, sql in CLIENT_OF.items():
        keys = [int(f.values["id"]) for f in findings if f.values.get("kind") == kind]
        for part in chunks(keys):
            query = text(sql.format(keys=", ".join(str(key) for key in part)))
            codes.update(((kind, key), code) for key, code in connection.execute(query))
    return [
        Finding(f.key, {**f.values, "client": codes[(f.values["kind"], f.values["id"])]})
        if (f.values.get("kind"), f.values.get("id")) in codes
        else f
        for f in findings
    ]


def _row_findings(
    kind: str, stored: dict[int, str], newest: dict[tuple[str, int], str]
) -> list[Finding]:
    findings = []
    for key, row_digest in sorted(stored.items()):
        sealed = newest.get((kind, key))
        if sealed is None or sealed == REMOVED:
            findings.append(Finding("row_unsealed", {"kind": kind, "id": key}))
        elif sealed != row_digest:
            findings.append(Finding("row_changed", {"kind": kind, "id": key}))
    for (sealed_kind, key), sealed in sorted(newest.items()):
        if sealed_kind == kind and sealed != REMOVED and key not in stored:
            findings.append(Finding("row_removed", {"kind": kind, "id": key}))
    return findings
