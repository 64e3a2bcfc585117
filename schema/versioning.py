"""Provides versioned records: corrections and retractions as new rows in the same lineage.

A change names the version it was built on; it is refused when the lineage has a newer one,
saying who changed what and when (``hecht.schema.conflicts``). Two changes of one lineage never
interleave: ``for_change`` takes the practice-wide write lock before the current version is read
(PostgreSQL's chain lock, which every auditing unit of work takes; SQLite's writers queue
anyway), and the unique index on (lineage_id, version) keeps two versions N+1 from both being
stored, whatever path wrote them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session, col, select

from hecht.schema.conflicts import stale_version
from hecht.schema.context import Actor
from hecht.schema.db.plain import IS_CURRENT, of_session
from hecht.schema.errors import ConflictError, InvalidInputError, no_record
from hecht.schema.tables import RecordStatus, VersionedRecord, table_of
from hecht.schema.trail.chain import hold_chain_lock

V = TypeVar("V", bound=VersionedRecord)


def start_lineage(session: Session, record: V) -> V:
    """Store the first version of a record; its own id becomes the lineage id."""
    session.add(record)
    session.flush()
    record.lineage_id = record.id  # type: ignore[attr-defined]
    session.add(record)
    session.flush()
    return record


def current_version(session: Session, model: type[V], lineage_id: int) -> V:
    """Return the newest version in a lineage.

    Raises:
        NotFoundError: the lineage does not exist.
    """
    record = session.exec(
        select(model)
        .where(model.lineage_id == lineage_id)
        .order_by(col(model.version).desc())
        .limit(1)
        .execution_options(populate_existing=True)  # a draft may have changed in place
    ).first()
    if record is None:
        raise no_record(model.__name__.lower(), lineage_id)
    return record


def hold_write_lock(session: Session) -> None:
    """Keep every other unit of work that changes records (or audits) out until this one ends."""
    hold_chain_lock(of_session(session))


def for_change(session: Session, model: type[V], lineage_id: int) -> V:
    """Return the current version of a lineage, to build a change on: read under the write lock,
    so it stays current until this unit of work ends.

    Raises:
        NotFoundError: the lineage does not exist.
    """
    hold_write_lock(session)
    return current_version(session, model, lineage_id)


def only_current(query: Any, model: type[VersionedRecord]) -> Any:
    """Restrict a query over ``model`` to the newest version of each lineage: the same SQL the
    plain reads use (``plain.IS_CURRENT``)."""
    table = table_of(model).name
    return query.where(text(IS_CURRENT.format(table=table, row=table)))


def current_rows(session: Session, model: type[V], *conditions: Any) -> list[V]:
    """Return the current version of every lineage matching the conditions, retracted ones out."""
    query = only_current(select(model), model).where(
        col(model.status) != RecordStatus.RETRACTED, *conditions
    )
    return list(session.exec(query))


def history(session: Session, model: type[V], lineage_id: int) -> list[V]:
    """Return every version of a lineage, oldest first (retracted ones included)."""
    return list(
        session.exec(
            select(model).where(model.lineage_id == lineage_id).order_by(col(model.version))
        )
    )


def versions_of(session: Session, model: type[V], lineage_id: int) -> list[V]:
    """Return every version of a record that must exist, oldest first.

    Raises:
        NotFoundError: there is no such record.
    """
    versions = history(session, model, lineage_id)
    if not versions:
        raise no_record(model.__name__.lower(), lineage_id)
    return versions


def refuse_unchangeable(changes: dict[str, Any], changeable: Collection[str]) -> None:
    """Refuse a correction naming a field that may not be changed, naming the first one.

    Raises:
        InvalidInputError: with that field.
    """
    unknown = sorted(set(changes) - set(changeable))
    if unknown:
        raise InvalidInputError(f"{unknown[0]}: cannot be changed", field=unknown[0])


def supersede(
    session: Session,
    old: V,
    *,
    actor: Actor,
    reason: str,
    changes: dict[str, Any],
    status: RecordStatus | None = None,
    expected_version: int | None = None,
) -> V:
    """Store a new version of ``old`` with the changes, who made them, when and why.

    ``expected_version`` is the version the user saw (None: ``old``'s own). The check and the
    new row happen under the write lock, so no other change can slip in between.

    Raises:
        StaleVersionError: the lineage has a version newer than the one the change is built on;
            it says who changed what and when.
        ConflictError: no reason was given, the record was retracted, or there is no such
            version.
    """
    if not reason.strip():
        raise ConflictError("say why the record changes: a reason is required", field="reason")
    assert old.lineage_id is not None
    model = type(old)
    seen = old.version if expected_version is None else expected_version
    newest = for_change(session, model, old.lineage_id)
    if seen > newest.version:
        raise ConflictError(
            f"{model.__name__.lower()} {old.lineage_id} has no version {seen} "
            f"(its newest is {newest.version})",
            field="version",
        )
    if newest.version != seen:
        raise stale_version(session, model, old.lineage_id, seen)
    if newest.id != old.id:  # type: ignore[attr-defined]  # ``old`` was read before the lock
        raise stale_version(session, model, old.lineage_id, old.version)
    if old.status == RecordStatus.RETRACTED:
        raise ConflictError("a retracted record cannot be changed", field="status")
    data = old.model_dump(exclude={"id"})
    data.update(changes)
    data.update(
        version=old.version + 1,
        supersedes_id=old.id,  # type: ignore[attr-defined]
        recorded_at=actor.now(),
        recorded_by_id=actor.user_id,
        change_reason=reason.strip(),
        status=str(status or old.status),
    )
    record = type(old)(**data)
    session.add(record)
    session.flush()
    return record
