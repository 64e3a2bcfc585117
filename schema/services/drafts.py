"""Provides the life of a draft: born with its first answer, filled, or discarded with a reason.

A draft exists only once something was answered: starting a scale and leaving it untouched
stores nothing. A visit started for a battery is stored with the first answer given in it (or
with its note), so a visit abandoned before anything was typed leaves nothing behind either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    refuse_unseen_answers,
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
    shown: Mapping[str, str | None] | None = None,
) -> StoredAnswers:
    """Store answers in one transaction: all of them, or none.

    Give ``administration_id`` to add to a draft, or ``new`` to start the draft with these
    answers (and ``new_visit`` to store the visit it belongs to along with it). ``mode`` records
    how the answers were taken (a paper form typed in at once). ``shown``: the draft's answers
    as the screen shows them; an item answered meanwhile elsewhere is not written over.

    Raises:
        InvalidInputError: no answers, an unknown item or code, or neither draft nor ``new``.
        ConflictError: the administration is not a draft, or an item to answer was answered
            meanwhile by another screen (``refuse_unseen_answers``).
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
        if shown is not None and row.status == RecordStatus.DRAFT:
            items = [answer.item_id for answer in answers]
            refuse_unseen_answers(session, administration_id, shown, items)
        if mode is not None and row.status == RecordStatus.DRAFT:
            row.mode = mode.value
            session.add(row)
        # who added to a draft is logged (a colleague resuming it, too); its start is the
        # draft's creation, logged with it; no code or answer goes into the log
        detail, values = answered_items(answers)
        audit_administration(session, actor, row, AuditKind.CHANGE, detail, **values)
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


ITEMS_NAMED = 105
"""The longest list of item ids the log names; a longer one is counted (the detail is short)."""


def answered_items(answers: Sequence[GivenAnswer]) -> tuple[str, dict[str, object]]:
    """What the log says of answers stored in a draft, as a kind of ``hecht.schema.trail.details``
    and its values: which items, never what was answered."""
    items = ", ".join(answer.item_id for answer in answers)
    if len(items) > ITEMS_NAMED:
        return "answered_count", {"count": len(answers)}
    return ("answered_item" if len(answers) == 1 else "answered_items"), {"items": items}


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
    audit_administration(session, actor, row, AuditKind.CHANGE, "draft_discarded")
