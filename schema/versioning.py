"""Provides versioned records: corrections and retractions as new rows in the same lineage."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, NotFoundError
from hecht.schema.tables import RecordStatus, VersionedRecord

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
    ).first()
    if record is None:
        raise NotFoundError(f"there is no {model.__name__.lower()} {lineage_id}")
    return record


def newest_per_lineage(model: type[V]) -> Any:
    """Return a subquery of (lineage_id, newest version), for joining to current rows."""
    return (
        select(model.lineage_id, func.max(model.version).label("newest"))
        .group_by(col(model.lineage_id))
        .subquery()
    )


def only_current(query: Any, model: type[VersionedRecord]) -> Any:
    """Restrict a query over ``model`` to the newest version of each lineage."""
    newest = newest_per_lineage(model)  # type: ignore[type-var]
    return query.join(
        newest, (model.lineage_id == newest.c.lineage_id) & (model.version == newest.c.newest)
    )


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


def supersede(
    session: Session,
    old: V,
    *,
    actor: Actor,
    reason: str,
    changes: dict[str, Any],
    status: RecordStatus | None = None,
) -> V:
    """Store a new version of ``old`` with the changes, who made them, when and why.

    Raises:
        ConflictError: ``old`` is not the current version, or no reason was given.
    """
    if not reason.strip():
        raise ConflictError("say why the record changes: a reason is required", field="reason")
    assert old.lineage_id is not None
    newest = current_version(session, type(old), old.lineage_id)
    if newest.id != old.id:  # type: ignore[attr-defined]
        raise ConflictError(
            f"version {old.version} was already replaced by version {newest.version}",
            field="version",
        )
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
