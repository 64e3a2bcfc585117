"""Provides the complete JSON export of a database and its import into an empty one.

The file holds every row of every table, keys included, in a fixed order, so that exporting,
importing and exporting again gives the same dossier data. The audit log travels with it in its
own section, chain intact, and keeps growing in the new database.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, delete, func, insert, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session, SQLModel, col

from hecht.schema.context import Actor
from hecht.schema.db.migrate import head_revision
from hecht.schema.db.plain import of_session
from hecht.schema.errors import ConflictError, InvalidInputError
from hecht.schema.exchange.export_checks import (
    check_export_events,
    check_rows,
    check_tables,
    refused,
    safe_name,
    seal_head,
    shown,
)
from hecht.schema.exchange.files import write_private
from hecht.schema.services.clients import practitioner_named
from hecht.schema.summaries import rebuild_summaries
from hecht.schema.tables import (
    FOLDED_CODE_INDEX,
    LATER_CODE_TWINS,
    AuditEvent,
    Client,
    CoupleMember,
    CourseRule,
    EpisodeCourse,
    Practice,
    RecordSeal,
    ScoreSummary,
    table_of,
)
from hecht.schema.trail import audit
from hecht.schema.trail.anchor import Finding
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.chain import COLUMNS, chain_hash, hold_chain_lock
from hecht.schema.trail.details import detail_of
from hecht.schema.trail.seals import (
    CHANGED,
    SEALED,
    changes_in,
    digest,
    seal_findings,
    seal_keys,
    seal_pending,
    seal_unsealed,
    sealed_before_filled,
    stored_digests,
    unsealed_at,
)

FORMAT = "hecht-export"
FORMAT_VERSION = 1
AUDIT_TABLE = table_of(AuditEvent).name
SUMMARY_TABLE = table_of(ScoreSummary).name
PRACTICE_TABLE = table_of(Practice).name
"""The practice's own row (its UUID): a new database has one, which the imported practice's
replaces, since the practice moves with its records (``hecht.schema.identity``)."""
CLIENT_TABLE = table_of(Client).name
SEAL_TABLE = table_of(RecordSeal).name
DERIVED_TABLES = {
    SUMMARY_TABLE,
    table_of(CourseRule).name,
    table_of(EpisodeCourse).name,
    table_of(CoupleMember).name,
}
"""Recomputed from the dossiers after an import (the couples' members by the database's own
trigger as the couples go in), so never exported."""


def data_tables() -> list[Table]:
    """Return the dossier tables in foreign-key order, without the audit log and derived ones."""
    apart = {AUDIT_TABLE, *DERIVED_TABLES}
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in apart]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, table: Table) -> list[dict[str, Any]]:
    key = list(table.primary_key.columns)
    result = session.execute(select(table).order_by(*key))
    return [{name: _plain(value) for name, value in row._mapping.items()} for row in result]


def export_document(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Return the whole database as one JSON-ready document (an audited export).

    The export is logged once for the practice and once in every client's own log, so a client
    asking for their log sees it.
    """
    # PostgreSQL reads each statement as of its start: holding the chain's lock, which every
    # unit of work takes to log and seal before it commits, keeps the tables read below as
    # of one moment (SQLite's transaction reads one snapshot anyway)
    hold_chain_lock(of_session(session))
    seal_pending(session)  # the practitioner registered as the export began is in the file
    seals = sealed_up_to(session)
    audit.record(
        session=session, actor=actor, event=AuditKind.EXPORT,
        detail=detail_of("json_all_sealed", seals=seals),
    )  # fmt: skip
    for client in session.execute(select(Client).order_by(col(Client.id))).scalars():
        audit.record(
            session=session, actor=actor, event=AuditKind.EXPORT, client_id=client.id,
            client_code=client.code, detail=detail_of("json_export"),
        )  # fmt: skip
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "tables": {table.name: _rows(session, table) for table in data_tables()},
        "audit_log": _rows(session, table_of(AuditEvent)),
    }


def sealed_up_to(session: Session) -> str:
    """The seal chain's head (``seq:hash``) that the export's own access-log event records: the
    log's chain then covers the seals, so seals cut off the file's end are seen on import."""
    last = session.execute(
        select(col(RecordSeal.seq), col(RecordSeal.hash))
        .order_by(col(RecordSeal.seq).desc())
        .limit(1)
    ).first()
    return seal_head(0, audit.GENESIS) if last is None else seal_head(last[0], last[1])


def write_export(document: dict[str, Any], path: Path) -> None:
    """Write an export document as UTF-8 JSON with sorted keys, whole or not at all, private."""
    write_private(path, json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Turn ISO strings back into dates and datetimes for the columns that hold them."""
    typed = dict(row)
    for column in table.columns:
        value = typed.get(column.name)
        if not isinstance(value, str):
            continue
        if isinstance(column.type, DateTime) or "DateTime" in type(column.type).__name__:
            typed[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            typed[column.name] = date.fromisoformat(value)
    return typed


SAME_TABLES_SINCE = "0013"
"""The oldest revision whose exports hold this version's tables and columns as they are: the
revisions since then only sealed more (``SEALED_SINCE``), which the import does for them."""


def importable_revisions() -> set[str]:
    """The schema revisions whose exports this version imports."""
    return {str(n).zfill(4) for n in range(int(SAME_TABLES_SINCE), int(head_revision()) + 1)}


def check_document(document: Any) -> None:
    """Refuse a file that is not a Hecht export this version can read, or whose rows would not
    go in as they are (``hecht.schema.exchange.export_checks``); nothing is stored yet."""
    if isinstance(document, dict) and "resourceType" in document:
        raise refused(
            "export_is_fhir", "this file is FHIR, not a Hecht JSON export",
            given=safe_name(document["resourceType"], 40),
        )  # fmt: skip
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise refused("export_not_hecht", "this file is not a Hecht JSON export")
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:  # true and 1.0 equal 1, too
        given = shown(document.get("format_version"))
        raise refused(
            "export_format",
            f"export format version {given} is not supported (this Hecht reads version "
            f"{FORMAT_VERSION})", given=given, limit=FORMAT_VERSION,
        )  # fmt: skip
    if document.get("schema_revision") not in importable_revisions():
        given = shown(document.get("schema_revision"))
        raise refused(
            "export_schema",
            f"the export comes from schema {given}, this Hecht has {head_revision()}: import it "
            "with the matching version of Hecht, then upgrade", given=given, limit=head_revision(),
        )  # fmt: skip
    found = document.get("tables")
    if isinstance(found, dict):
        known = {table.name for table in data_tables()}
        unknown = sorted({str(name) for name in found} - known)
        if unknown:
            raise refused(
                "export_unknown_table", f"the export has an unknown table '{unknown[0]}'",
                table=safe_name(unknown[0]),
            )  # fmt: skip
        missing = sorted(known - set(found))
        if missing:
            raise refused(
                "export_missing_table", f"the export has no table '{missing[0]}'",
                table=missing[0],
            )  # fmt: skip
        _check_practice(found.get(PRACTICE_TABLE))
    tables = check_tables(found, data_tables())
    log = check_rows(table_of(AuditEvent), document.get("audit_log"), called="audit_log")
    _check_chain(log)
    check_export_events(log, clients=len(tables[CLIENT_TABLE]), seals=tables[SEAL_TABLE])


def _check_practice(rows: Any) -> None:
    """Refuse an export that does not name exactly one practice by a UUID: it moves with the
    practice's records and scopes their identifiers (``hecht.schema.identity``)."""
    found = rows if isinstance(rows, list) else []
    practice = found[0].get("uuid") if len(found) == 1 and isinstance(found[0], dict) else None
    try:
        uuid.UUID(str(practice))
    except ValueError:
        given = shown(rows)
        raise refused(
            "export_practice",
            f"the export's table '{PRACTICE_TABLE}' must hold one row with the practice's UUID "
            f"(found {given}): export the practice again with this Hecht",
            given=given,
        ) from None


def _check_chain(rows: list[dict[str, Any]]) -> None:
    """Refuse an access log whose chain does not hold (its rows checked by ``check_rows``)."""
    previous, table = audit.GENESIS, table_of(AuditEvent)
    for number, row in enumerate(rows, start=1):
        typed = _typed(table, row)
        content = chain_hash(*(typed[column] for column in COLUMNS))
        if row["seq"] != number or row["prev_hash"] != previous or content != row["hash"]:
            raise refused(
                "export_chain_broken",
                f"the export's audit log is broken at event {number}: nothing imported",
                given=number,
            )  # fmt: skip
        previous = row["hash"]


def _require_empty(session: Session) -> None:
    for table in [*data_tables(), table_of(AuditEvent)]:
        if table.name == PRACTICE_TABLE:
            continue  # made with the database: replaced by the import
        if session.execute(select(func.count()).select_from(table)).scalar():
            raise ConflictError(
                f"the database is not empty (table {table.name} has rows): import into a new "
                "database (--db NEW.db)", reason="export_target_not_empty",
                details={"table": table.name},
            )  # fmt: skip


class ChangedExport(InvalidInputError):
    """An export whose rows no longer match their seals: changed or removed after Hecht wrote
    them (``findings`` as ``hecht audit verify`` finds them); nothing was imported."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(
            f"the export was changed outside Hecht ({len(findings)} findings, the first "
            f"{findings[0].key} {findings[0].values}): nothing imported", reason="export_changed",
        )  # fmt: skip
        self.findings = findings


def changes_in_export(connection: Connection, document: dict[str, Any]) -> list[Finding]:
    """What ``hecht import`` finds changed outside Hecht in an export: its rows against its own
    seals (a row edited in the file, a table emptied); ``connection`` names the clients."""
    seals = sorted(
        (seal["seq"], seal["kind"], seal["record_id"], seal["digest"], seal["prev_hash"],
         seal["hash"])
        for seal in document["tables"][SEAL_TABLE]
    )  # fmt: skip
    return changes_in(seal_findings(connection, _digests_in_file(document), seals))


def _digests_in_file(document: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Each sealed row's digest as the file holds it, by kind and key; the kinds its revision
    did not seal yet are left out (``unsealed_at``)."""
    unsealed = unsealed_at(document["schema_revision"])
    sealed = {
        (seal["kind"], seal["record_id"]): seal["digest"]
        for seal in document["tables"][SEAL_TABLE]
        if seal["digest"] != CHANGED
    }
    return {
        kind: {
            int(row[key]): _digest_as_sealed(kind, int(row[key]), _typed(table, row), sealed)
            for row in document["tables"][table.name]
        }
        for kind, model in SEALED.items()
        if kind not in unsealed
        for table in [table_of(model)]
        for key in [next(iter(table.primary_key.columns)).name]
    }


def _check_seals(session: Session, document: dict[str, Any]) -> None:
    """Refuse the rows just inserted when the file's rows do not verify against the file's
    seals (``changes_in_export``). Rows the database then stored otherwise than the file holds
    them (PostgreSQL fills in ``client.owner_role`` with the importing role) are sealed again
    as stored, as any change Hecht makes is, and the kinds an export of an earlier revision
    holds unsealed are sealed, as upgrading its database would: the new practice verifies."""
    in_file = _digests_in_file(document)
    connection = session.connection()
    changed = changes_in(seal_findings(connection, in_file))
    if changed:
        raise ChangedExport(changed)
    filled_in = [
        (kind, key)
        for kind in in_file
        for key, stored in stored_digests(connection, kind, None).items()
        if stored != in_file[kind].get(key)
    ]
    seal_keys(connection, filled_in)
    seal_unsealed(connection, unsealed_at(document["schema_revision"]))  # as the upgrade does


def _digest_as_sealed(
    kind: str, key: int, row: dict[str, Any], sealed: dict[tuple[str, int], str]
) -> str:
    """The row's digest; for a client whose seal was made before the server filled in its
    owning role, the digest that was sealed (the import seals the row again as stored)."""
    found = digest(kind, key, row)
    known = sealed.get((kind, key))
    if known is not None and found != known and sealed_before_filled(kind, key, row, known):
        return known
    return found


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert one table's rows; a rule only the database checks (a code used twice) refuses
    the export, naming the table and the database's own words."""
    try:
        if table.name == CLIENT_TABLE:
            _insert_clients(session, table, rows)
        else:
            session.execute(insert(table), rows)
    except (IntegrityError, DataError) as error:
        detail = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
        raise refused(
            "export_refused_by_database",
            f"the export's table '{table.name}' breaks a rule of the database ({detail}): "
            "nothing imported",
            table=table.name,
            detail=detail,
        ) from None


def reset_sequences(session: Session) -> None:
    """Move PostgreSQL's id sequences past the ids inserted with their rows (SQLite needs none)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in data_tables():
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].autoincrement is not False and key[0].name == "id":
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _insert_clients(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert the clients. Codes that differ only in case, stored before such codes were
    refused, are kept as the upgrade kept them (migration 0013): the first of each in the
    unique index on the lowered code, the later ones left out of it by its condition, found by
    the database's own lowering, as the index lowers them."""
    session.execute(text(f"DROP INDEX {FOLDED_CODE_INDEX}"))
    session.execute(insert(table), rows)
    later = [int(found) for found in session.execute(text(LATER_CODE_TWINS)).scalars()]
    kept_out = f" WHERE id NOT IN ({', '.join(map(str, later))})" if later else ""
    session.execute(
        text(f"CREATE UNIQUE INDEX {FOLDED_CODE_INDEX} ON {CLIENT_TABLE} (lower(code)){kept_out}")
    )


def import_document(
    *, session: Session, actor: Actor, document: Any, practitioner: str | None = None
) -> dict[str, int]:
    """Load an export into an empty database, keys kept; return the rows per table.

    The import is logged as the named ``practitioner``'s (registered after the rows are in,
    since the database must be empty before), or as ``actor``'s when no name is given.

    Raises:
        InvalidInputError: not an export, another format or schema, a row that is not as this
            schema stores it, a broken audit chain, or rows changed or removed after Hecht
            wrote them (``ChangedExport``); nothing is stored.
        ConflictError: the database already holds data.
    """
    check_document(document)
    _require_empty(session)
    counts: dict[str, int] = {}
    for table in data_tables():
        rows = [_typed(table, row) for row in document["tables"].get(table.name, [])]
        if rows and table.name == PRACTICE_TABLE:
            session.execute(delete(table))
        if rows:
            _insert(session, table, rows)
        counts[table.name] = len(rows)
    audit_rows = [_typed(table_of(AuditEvent), row) for row in document.get("audit_log", [])]
    if audit_rows:
        _insert(session, table_of(AuditEvent), audit_rows)
    _check_seals(session, document)
    reset_sequences(session)
    rebuild_summaries(session)
    if practitioner and practitioner.strip():
        user_id = practitioner_named(session=session, actor=actor, name=practitioner)
        actor = replace(actor, user_id=user_id)
    audit.record(session=session, actor=actor, event=AuditKind.IMPORT, detail=detail_of("json_all"))
    return counts
