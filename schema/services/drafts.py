"""Provides the life of a draft: born with its first answer, filled, or discarded with a reason.

A draft exists only once something was answered: starting a scale and leaving it untouched
stores nothing. A visit started for a battery is stored with the first answer given in it (or
with its note), so a visit abandoned before anything was typed leaves nothing behind either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError
from hecht.schema.inputs import GivenAnswer, NewAdministration, NewVisit
from hecht.schema.readmodels import AdministrationRead, AlertRead, VisitRead
from hecht.schema.services.administrations import (
    administration_read,
    audit_administration,
    draft_row,
    record_answer,
    row_for_change,
    start_administration,
)
from hecht.schema.services.visits import record_visit
from hecht.schema.tables import Administration, EntryMode, RecordStatus
from hecht.schema.trail.audit import AuditKind


@dataclass(frozen=True)
class StoredAnswers:
    """A draft after answers were stored, the alerts they raised and the visit it belongs to."""

    draft: AdministrationRead
    alerts: list[AlertRead]
    visit: VisitRead | None = None


def store_answers(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    answers: Sequence[GivenAnswer],
    administration_id: int | None = None,
    new: NewAdministration | None = None,
    new_visit: NewVisit | None = None,
    mode: EntryMode | None = None,
) -> StoredAnswers:
    """Store answers in one transaction: all of them, or none.

    Give ``administration_id`` to add to a draft, or ``new`` to start the draft with these
    answers (and ``new_visit`` to store the visit it belongs to along with it). ``mode`` records
    how the answers were taken (a paper form typed in at once).

    Raises:
        InvalidInputError: no answers, an unknown item or code, or neither draft nor ``new``.
        ConflictError: the administration is not a draft.
    """
    if not answers:
        raise InvalidInputError("answers: give at least one answer", field="answers")
    visit = None
    if administration_id is None:
        if new is None:
            raise InvalidInputError("administration: name a draft or a scale to start")
        if new_visit is not None:
            visit = record_visit(session=session, actor=actor, new=new_visit)
            new = new.model_copy(update={"visit_lineage_id": visit.lineage_id})
        if mode is not None:
            new = new.model_copy(update={"mode": mode})
        administration_id = start_administration(
            session=session, actor=actor, library=library, new=new
        ).id
    else:
        row = row_for_change(session, administration_id)
        if mode is not None and row.status == RecordStatus.DRAFT:
            row.mode = mode.value
            session.add(row)
        # who added to a draft is logged (a colleague resuming it, too); its start is the
        # draft's creation, logged with it; no code or answer goes into the log
        audit_administration(session, actor, row, AuditKind.CHANGE, answered_items(answers))
    raised: list[AlertRead] = []
    for answer in answers:
        raised += record_answer(
            session=session, actor=actor, library=library,
            administration_id=administration_id, item_id=answer.item_id, code=answer.code,
            missing_reason=answer.missing_reason,
        )  # fmt: skip
    stored = session.get(Administration, administration_id)
    assert stored is not None
    return StoredAnswers(administration_read(session, stored), raised, visit)


def answered_items(answers: Sequence[GivenAnswer]) -> str:
    """What the log says of answers stored in a draft: which items, never what was answered."""
    items = ", ".join(answer.item_id for answer in answers)
    said = f"answered item {items}" if len(answers) == 1 else f"answered items {items}"
    return said if len(said) <= 120 else f"answered {len(answers)} items"


def discard_draft(*, session: Session, actor: Actor, administration_id: int, reason: str) -> None:
    """Discard an unfinished draft, saying why: it leaves the lists, its answers stay readable.

    A draft is not yet a record of care (completing it, too, changes it in place): discarding
    marks it retracted with who, when and why, keeping every answer given.

    Raises:
        ConflictError: the administration is not a draft, or no reason was given.
    """
    row = draft_row(session, administration_id)
    if not reason.strip():
        raise ConflictError("say why the draft is discarded: a reason is required", field="reason")
    row.status = RecordStatus.RETRACTED.value
    row.change_reason = reason.strip()
    row.recorded_at = actor.now()
    row.recorded_by_id = actor.user_id
    session.add(row)
    session.flush()
    audit_administration(session, actor, row, AuditKind.CHANGE, "draft discarded")
