"""Provides the refusal of a change built on an outdated version: who changed what, and when."""

from __future__ import annotations

from sqlmodel import Session, col, select

from hecht.schema.errors import LaterChange, StaleVersionError
from hecht.schema.tables import (
    Administration,
    AuditEvent,
    Client,
    ItemResponse,
    Practitioner,
    RecordStatus,
    VersionedRecord,
)
from hecht.schema.trail.chain import AuditKind
from hecht.schema.trail.details import FORMATS, detail_of

BOOKKEEPING = frozenset(
    {"id", "lineage_id", "version", "supersedes_id", "status", "recorded_at", "recorded_by_id",
     "change_reason"}
)  # fmt: skip
"""Columns every version sets anew: not what a correction changed."""

CLIENT_CHANGE = FORMATS["client_change"].removesuffix("{fields}")
"""How the audit event of a client's change begins; the changed fields follow, comma-separated."""


def client_change_detail(fields: list[str]) -> str:
    """Return the audit detail of a change to a client's details: which fields, never values."""
    return detail_of("client_change", fields=", ".join(sorted(fields)))


def names_by_id(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Return the names of these practitioners (None, no practitioner recorded, is left out)."""
    wanted = sorted(practitioner for practitioner in ids if practitioner is not None)
    if not wanted:
        return {}
    rows = session.exec(
        select(Practitioner.id, Practitioner.name).where(col(Practitioner.id).in_(wanted))
    )
    return {practitioner: name for practitioner, name in rows if practitioner is not None}


def _answers(session: Session, administration_id: int | None) -> dict[str, float | None]:
    rows = session.exec(
        select(ItemResponse.item_id, ItemResponse.code).where(
            ItemResponse.administration_id == administration_id
        )
    )
    return dict(rows.all())


def changed_fields(
    session: Session, before: VersionedRecord, after: VersionedRecord
) -> tuple[str, ...]:
    """Return what a version changed from the one before it: its fields, and answers by item."""
    fields = [
        name
        for name in type(after).model_fields
        if name not in BOOKKEEPING and getattr(before, name) != getattr(after, name)
    ]
    if isinstance(before, Administration) and isinstance(after, Administration):
        old, new = _answers(session, before.id), _answers(session, after.id)
        fields += [f"item {item}" for item in new if old.get(item) != new[item]]
    return tuple(fields)


def describe(record: str, changes: tuple[LaterChange, ...], seen_version: int | None) -> str:
    """Return the refusal as a sentence: the record, who changed what and when, what to do."""
    said = []
    for change in changes:
        who = change.by or "a user whose name was not recorded"
        if change.retracted:
            what = "retracted it"
        elif change.fields:
            what = "changed " + ", ".join(field.replace("_", " ") for field in change.fields)
        else:
            what = "stored a new version"
        said.append(f"{who} {what} on {change.at.astimezone():%Y-%m-%d at %H:%M}")
    seen = "" if seen_version is None else f" (you saw version {seen_version})"
    return (
        f"{record} was changed after you opened it{seen}: {'; '.join(said)}. "
        "Reload it, then make your change again."
    )


def stale_version(
    session: Session, model: type[VersionedRecord], lineage_id: int, seen_version: int
) -> StaleVersionError:
    """Return the refusal of a change to ``seen_version`` of a lineage that has newer versions."""
    rows = list(
        session.exec(
            select(model)
            .where(model.lineage_id == lineage_id, col(model.version) >= seen_version)
            .order_by(col(model.version))
        )
    )
    names = names_by_id(session, {row.recorded_by_id for row in rows})
    changes = tuple(
        LaterChange(
            version=after.version,
            by=names.get(after.recorded_by_id),  # type: ignore[arg-type]
            at=after.recorded_at,
            fields=changed_fields(session, before, after),
            retracted=after.status == RecordStatus.RETRACTED
            and before.status != RecordStatus.RETRACTED,
        )
        for before, after in zip(rows, rows[1:], strict=False)
    )
    record = f"{model.__name__.lower()} {lineage_id}"
    return StaleVersionError(
        describe(record, changes, seen_version),
        record=record,
        seen_version=seen_version,
        changes=changes,
    )


def client_changed(session: Session, client: Client, seen_version: int) -> StaleVersionError:
    """Return the refusal of a change to a client's details that someone changed since.

    Who changed which fields and when is read from the audit log, where each change to a
    client's details is recorded (``client_change_detail``) and nowhere else.
    """
    events = list(
        session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.client_id == client.id,
                AuditEvent.event == AuditKind.CHANGE.value,
                col(AuditEvent.detail).startswith(CLIENT_CHANGE),
            )
            .order_by(col(AuditEvent.seq).desc())
            .limit(max(client.version - seen_version, 0))
        )
    )[::-1]
    names = names_by_id(session, {event.user_id for event in events})
    first = client.version - len(events) + 1
    changes = tuple(
        LaterChange(
            version=first + number,
            by=names.get(event.user_id),  # type: ignore[arg-type]
            at=event.at,
            fields=tuple((event.detail or "")[len(CLIENT_CHANGE) :].split(", ")),
        )
        for number, event in enumerate(events)
    )
    record = f"client '{client.code}'"
    return StaleVersionError(
        describe(record, changes, None), record=record, seen_version=seen_version, changes=changes
    )
