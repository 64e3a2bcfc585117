"""Provides administrations: answers committed one by one as a draft, then completed and scored.

Every answer is committed the moment it is entered, so a killed process loses nothing; an
answer that triggers a critical rule raises its alert in the same transaction. A completed
administration is never changed: a correction or retraction is a new version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from hecht.scales.answers import AnswerError, AnswerSheet, check_code, code_as_typed, item_score
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import ScaleDefinition
from hecht.scales.scoring import ScoreResult, item_scores, score, triggered_alerts
from hecht.schema.conflicts import stale_version
from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError, no_record
from hecht.schema.inputs import GivenAnswer, NewAdministration
from hecht.schema.readmodels import (
    ACTION_SEPARATOR,
    AdministrationRead,
    AlertRead,
    AlertWithdrawal,
    AnswerRead,
    ScoreRead,
    read_of,
    split_actions,
    stands,
)
from hecht.schema.services.clients import client_row
from hecht.schema.services.episodes import check_day_in_care, episode_running_on
from hecht.schema.summaries import refresh_summary
from hecht.schema.tables import (
    Administration,
    Alert,
    Client,
    ItemResponse,
    RecordStatus,
    Score,
    stored_id,
)
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import (
    for_change,
    history,
    hold_write_lock,
    start_lineage,
    supersede,
    versions_of,
)

NOT_ANSWERED = "not answered"
"""Why an item is missing that was left empty when its form was completed or corrected."""
ANSWER_FIELDS = {"code", "score", "missing_reason", "entered_at"}
"""What typing an item again replaces in its stored answer."""


def definition_for(library: ScaleLibrary, scale_id: str, version: str | None) -> ScaleDefinition:
    """Return the definition an administration uses, refusing an unknown id or version."""
    try:
        return library.get(scale_id, version)
    except UnknownScaleError as error:
        raise InvalidInputError(str(error), field="scale_id") from None


def alert_read(alert: Alert, lineage_id: int) -> AlertRead:
    """Return the read model of an alert row raised in the administration ``lineage_id``."""
    assert alert.id is not None
    return read_of(AlertRead, alert, lineage_id=lineage_id)


def administration_read(session: Session, row: Administration) -> AdministrationRead:
    """Return an administration with its answers, score and alerts."""
    assert row.id is not None and row.lineage_id is not None
    responses = session.exec(
        select(ItemResponse)
        .where(ItemResponse.administration_id == row.id)
        .order_by(col(ItemResponse.position))
    )
    stored = session.get(Score, row.id)
    alerts = session.exec(select(Alert).where(Alert.administration_id == row.id))
    return read_of(
        AdministrationRead,
        row,
        answers=[AnswerRead(r.item_id, r.code, r.score, r.missing_reason) for r in responses],
        score=None if stored is None else score_read(stored),
        alerts=[alert_read(alert, row.lineage_id) for alert in alerts],
    )


def score_read(stored: Score) -> ScoreRead:
    """Return the read model of a stored score."""
    return read_of(
        ScoreRead,
        stored,
        missing_items=list(stored.missing_items),
        subscales=dict(stored.subscales),
    )


def audit_administration(
    session: Session,
    actor: Actor,
    row: Administration,
    kind: AuditKind,
    detail: str = "administration",
    **values: object,
) -> None:
    """Append an audit event about an administration; ``detail`` (a kind of
    ``hecht.schema.trail.details``) and its ``values`` say more, e.g. a discard."""
    client = session.get(Client, row.client_id)
    audit.record(
        session=session,
        actor=actor,
        event=kind,
        client_id=row.client_id,
        client_code=None if client is None else client.code,
        detail=detail_of(detail, administration=row.lineage_id, scale=row.scale_id, **values),
    )


def new_draft_row(
    new: NewAdministration,
    definition: ScaleDefinition,
    client_id: int,
    episode_lineage_id: int | None,
    *,
    actor: Actor,
    observed_at: datetime,
    now: datetime,
) -> Administration:
    """The unsaved first version of a draft: the one place its columns come from the input.

    ``now`` is when it is entered (the actor's time, read once by the caller). The demo's bulk
    build (``hecht.schema.demo.bulk``) stores the same row without a session.
    """
    return Administration(
        client_id=client_id,
        episode_lineage_id=episode_lineage_id,
        visit_lineage_id=new.visit_lineage_id,
        scale_id=definition.id,
        scale_version=definition.version,
        respondent=definition.respondent.value,
        observed_at=observed_at,
        entered_at=now,
        entered_by_id=actor.user_id,
        mode=new.mode.value,
        status=RecordStatus.DRAFT.value,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )


def check_observed_day(
    *, session: Session, actor: Actor, day: date, episode_lineage_id: int | None
) -> None:
    """Check the day a form was filled in before anything is stored for it: the rule of a
    visit's day (``check_day_in_care``), within the episode it is entered in, if any.

    Raises:
        InvalidInputError: the day is before 1950, in the future, or outside the episode.
    """
    today = actor.now().date()
    check_day_in_care(session, day, today, episode_lineage_id, "observed_on")


def start_administration(
    *, session: Session, actor: Actor, library: ScaleLibrary, new: NewAdministration
) -> AdministrationRead:
    """Start a draft administration of a scale for one respondent, observed now, or at noon of
    ``new.observed_on`` when that is another day (a paper form filled in earlier)."""
    definition = definition_for(library, new.scale_id, new.scale_version)
    client = client_row(session, new.client_code)
    now = actor.now()
    observed = now
    if new.observed_on is not None:
        check_observed_day(
            session=session, actor=actor, day=new.observed_on,
            episode_lineage_id=new.episode_lineage_id,
        )  # fmt: skip
        if new.observed_on != now.date():
            observed = datetime.combine(new.observed_on, time(12), tzinfo=now.tzinfo)
    episode = new.episode_lineage_id
    if episode is None:  # an answer belongs to the episode it was given in, if one was running
        episode = episode_running_on(session, stored_id(client), observed.date())
    row = new_draft_row(
        new, definition, stored_id(client), episode, actor=actor, observed_at=observed, now=now
    )
    start_lineage(session, row)
    audit_administration(session, actor, row, AuditKind.CREATE)
    return administration_read(session, row)


def _row(session: Session, administration_id: int) -> Administration:
    row = session.get(Administration, administration_id)
    if row is None:
        raise no_record("administration", administration_id, "administration_id")
    return row


def row_for_change(session: Session, administration_id: int) -> Administration:
    """Return an administration's row as stored now, read under the write lock: a draft is
    answered, completed and discarded in place, so two workstations doing that to one draft take
    turns, and each sees what the other did (an answer never lands in a completed one).

    Raises:
        NotFoundError: there is no such administration.
    """
    hold_write_lock(session)
    row = session.exec(
        select(Administration)
        .where(Administration.id == administration_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise no_record("administration", administration_id, "administration_id")
    return row


def draft_row(session: Session, administration_id: int) -> Administration:
    """Return a draft administration's row, locked to be changed (``row_for_change``).

    Raises:
        NotFoundError: there is no such administration.
        ConflictError: it is not a draft (completed, retracted or discarded).
    """
    row = row_for_change(session, administration_id)
    if row.status != RecordStatus.DRAFT:
        raise ConflictError(
            f"administration {administration_id} is {row.status}, not a draft", field="status"
        )
    return row


def _sheet(session: Session, administration_id: int) -> AnswerSheet:
    responses = session.exec(
        select(ItemResponse).where(ItemResponse.administration_id == administration_id)
    )
    return {response.item_id: response.code for response in responses}


def typed_sheet(session: Session, administration_id: int) -> dict[str, str | None]:
    """A draft's answers as a screen shows them: each code as typed, None for an item marked
    missing; an item not answered is not there."""
    return {item: code_as_typed(code) for item, code in _sheet(session, administration_id).items()}


_NOT_ANSWERED = object()


def refuse_unseen_answers(
    session: Session,
    administration_id: int,
    shown: Mapping[str, str | None],
    items: Sequence[str],
    *,
    completing: bool = False,
) -> None:
    """Refuse to write over answers the screen did not show (read under the write lock).

    Two screens (or workstations) may have one draft open: an answer one of them stored is
    replaced, or completed, only by a screen that showed it. ``shown`` is the draft as the
    screen shows it (``typed_sheet``'s form), ``items`` the items about to be written, in form
    order (every item when ``completing``).

    Raises:
        ConflictError: an item's stored answer differs from the one shown
            (``answered_elsewhere``; ``answers_changed_elsewhere`` when completing), with the
            items (``items``) and the draft as stored now (``answers``) in its details.
    """
    stored = typed_sheet(session, administration_id)
    changed = [
        item for item in items if stored.get(item, _NOT_ANSWERED) != shown.get(item, _NOT_ANSWERED)
    ]
    if not changed:
        return
    reason = "answers_changed_elsewhere" if completing else "answered_elsewhere"
    raise ConflictError(
        f"administration {administration_id}: item {', '.join(changed)} was answered "
        "meanwhile by another screen; nothing was stored",
        field="answers",
        reason=reason,
        details={"items": ", ".join(changed), "answers": stored},
    )


def _lineage_alerts(session: Session, row: Administration) -> list[Alert]:
    """Every alert raised by any version of the row's administration."""
    lineage_ids = [version.id for version in history(session, Administration, row.lineage_id)]  # type: ignore[arg-type]
    return list(session.exec(select(Alert).where(col(Alert.administration_id).in_(lineage_ids))))


def _settle_alerts(
    session: Session,
    actor: Actor,
    row: Administration,
    definition: ScaleDefinition,
    reason: str | None = None,
) -> list[AlertRead]:
    """Raise the alerts the stored answers trigger, once per rule and item while its answer
    stands in a lineage, and withdraw those they no longer trigger (an answer typed or
    corrected away): an open one is closed, an acknowledged one keeps what was done; the
    answer given again raises a new one."""
    scores = item_scores(definition, _sheet(session, stored_id(row)))
    triggered = triggered_alerts(definition.interpretation.critical, scores)
    standing = {(found.rule, found.item) for found in triggered}
    alerts = _lineage_alerts(session, row)
    _withdraw(
        session,
        actor,
        [alert for alert in alerts if (alert.rule_id, alert.item) not in standing],
        AlertWithdrawal.ANSWER_CHANGED,
        reason,
        acknowledged_too=True,
    )
    raised = {(a.rule_id, a.item) for a in alerts if stands(a.action)}
    new_alerts: list[AlertRead] = []
    for found in triggered:
        if (found.rule, found.item) in raised:
            continue
        alert = Alert(
            administration_id=stored_id(row),
            client_id=row.client_id,
            rule_id=found.rule,
            item=found.item,
            level=found.level.value,
            raised_at=actor.now(),
        )
        session.add(alert)
        session.flush()
        new_alerts.append(alert_read(alert, row.lineage_id))  # type: ignore[arg-type]
    return new_alerts


def _withdraw(
    session: Session,
    actor: Actor,
    alerts: list[Alert],
    why: AlertWithdrawal,
    reason: str | None,
    acknowledged_too: bool = False,
) -> None:
    """Say in Hecht's name that what raised ``alerts`` no longer stands: an open one is closed
    with ``why`` and the reason; an acknowledged one (``acknowledged_too``) keeps what the
    psychologist did and note, and gains ``why`` after it."""
    for alert in alerts:
        if not stands(alert.action):
            continue
        if alert.acknowledged_at is None:
            alert.acknowledged_at = actor.now()
            alert.acknowledged_by_id = actor.user_id
            alert.action = why.value
            alert.action_note = reason.strip() if reason and reason.strip() else None
        elif acknowledged_too:
            alert.action = ACTION_SEPARATOR.join([*split_actions(alert.action), why.value])
        else:
            continue
        session.add(alert)
        audit_alert(session, actor, alert, "alert_withdrawn", reason=why.value)
    session.flush()


def audit_alert(session: Session, actor: Actor, alert: Alert, what: str, **values: object) -> None:
    """Append the audit event of a change to an alert: ``what`` happened to it (a kind of
    ``hecht.schema.trail.details``, with its ``values``)."""
    client = session.get(Client, alert.client_id)
    audit.record(
        session=session,
        actor=actor,
        event=AuditKind.CHANGE,
        client_id=alert.client_id,
        client_code=None if client is None else client.code,
        detail=detail_of(what, alert=alert.id, **values),
    )


def record_answer(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    administration_id: int,
    item_id: str,
    code: str | None,
    missing_reason: str | None = None,
) -> list[AlertRead]:
    """Store (or replace) one answer of a draft; return any alert it raised.

    ``code`` is what was typed; None marks the item missing, with an optional reason.

    Raises:
        InvalidInputError: the item does not exist or the code is not one it offers.
        ConflictError: the administration is not a draft.
    """
    return record_answers(
        session=session, actor=actor, library=library, administration_id=administration_id,
        answers=[GivenAnswer(item_id, code, missing_reason)],
    )  # fmt: skip


def record_answers(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    administration_id: int,
    answers: Sequence[GivenAnswer],
) -> list[AlertRead]:
    """Store (or replace) answers of a draft at once (a form read from a file); return the
    alerts raised by the answers as they then stand. Every answer is checked before one is
    stored: a refused one leaves the draft as it was. An item given twice keeps the last.

    Raises:
        InvalidInputError: an item does not exist or a code is not one it offers.
        ConflictError: the administration is not a draft.
    """
    row = row_for_change(session, administration_id)
    if row.status != RecordStatus.DRAFT:
        raise ConflictError(
            f"administration {administration_id} is {row.status}: correct it instead",
            field="status",
        )
    definition = definition_for(library, row.scale_id, row.scale_version)
    checked: dict[str, dict[str, Any]] = {}
    for given in answers:
        try:
            item = definition.item(given.item_id)
        except KeyError:
            raise InvalidInputError(
                f"{definition.short_name} has no item '{given.item_id}'"
            ) from None
        value: float | None = None
        if given.code is not None and given.code.strip():
            try:
                value = check_code(definition, item, given.code)
            except AnswerError as error:
                raise InvalidInputError(str(error), field=given.item_id) from None
        position = definition.items.index(item)
        checked[item.id] = response_values(
            administration_id, definition, position, value, given.missing_reason, actor.now()
        )
    stored = {
        answer.item_id: answer
        for answer in session.exec(
            select(ItemResponse).where(
                ItemResponse.administration_id == administration_id,
                col(ItemResponse.item_id).in_(list(checked)),
            )
        )
    }
    for item_id, values in checked.items():
        answer = ItemResponse(**values)
        if item_id in stored:  # typed again: the answer replaces the one stored
            stored[item_id].sqlmodel_update(answer.model_dump(include=ANSWER_FIELDS))
            answer = stored[item_id]
        session.add(answer)
    session.flush()
    critical = {item for rule in definition.interpretation.critical for item in rule.items}
    if critical.isdisjoint(checked):
        return []
    return _settle_alerts(session, actor, row, definition)


def result_read(result: ScoreResult) -> ScoreRead:
    """What a scoring result stores and shows: the one place its fields become a score's (the
    ``Score`` row takes the same fields, ``asdict`` of this)."""
    return ScoreRead(
        total=result.total,
        raw_total=result.raw_total,
        band=result.band,
        valid=result.valid,
        prorated=result.prorated,
        missing_items=list(result.missing),
        subscales=dict(result.subscales),
    )


def response_values(
    administration_id: int,
    definition: ScaleDefinition,
    position: int,
    code: float | None,
    missing_reason: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The values of an answer to the item at ``position``, scored; or, without a code, why it
    is missing. The one place an answer's row is made: the services store it as an
    ``ItemResponse``, the demo's bulk build inserts the values as they are
    (thirteen thousand model objects were a fifth of its time)."""
    item = definition.items[position]
    return {
        "administration_id": administration_id,
        "item_id": item.id,
        "position": position,
        "code": code,
        "score": None if code is None else item_score(definition, item, code),
        "missing_reason": None if code is not None else missing_reason,
        "entered_at": now,
    }


def store_score(
    session: Session, row: Administration, definition: ScaleDefinition, now: datetime
) -> Score:
    """Score an administration's answers and store (or replace) its derived Score row."""
    values = asdict(result_read(score(definition, _sheet(session, stored_id(row)))))
    stored = session.get(Score, row.id)
    if stored is None:
        stored = Score(administration_id=stored_id(row), computed_at=now, **values)
    else:  # scored again (a rescore): the new result replaces the stored one
        stored.sqlmodel_update({**values, "computed_at": now})
    session.add(stored)
    session.flush()
    if row.status == RecordStatus.COMPLETE:
        refresh_summary(session, row.client_id, row.episode_lineage_id, row.scale_id)
    return stored


def draft_read(*, session: Session, administration_id: int) -> AdministrationRead:
    """A draft as stored now, every answer in it (the review shows what it completes)."""
    return administration_read(session, _row(session, administration_id))


def draft_score(*, session: Session, library: ScaleLibrary, administration_id: int) -> ScoreRead:
    """Score an administration's answers as they stand, without storing anything (the review)."""
    row = _row(session, administration_id)
    definition = definition_for(library, row.scale_id, row.scale_version)
    return result_read(score(definition, _sheet(session, administration_id)))


def complete_administration(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    administration_id: int,
    shown: Mapping[str, str | None] | None = None,
) -> AdministrationRead:
    """Complete a draft: unanswered items are stored as missing, and the score is stored.

    ``shown``: the answers the review showed (``typed_sheet``'s form); a draft whose answers
    changed since is refused (``refuse_unseen_answers``).
    """
    row = row_for_change(session, administration_id)
    if row.status != RecordStatus.DRAFT:
        raise ConflictError(f"administration {administration_id} is not a draft", field="status")
    definition = definition_for(library, row.scale_id, row.scale_version)
    if shown is not None:
        items = [item.id for item in definition.items]
        refuse_unseen_answers(session, administration_id, shown, items, completing=True)
    answered = _sheet(session, administration_id)
    for position, item in enumerate(definition.items):
        if item.id not in answered:
            missing = ItemResponse(
                **response_values(
                    administration_id, definition, position, None, NOT_ANSWERED, actor.now()
                )
            )
            session.add(missing)
    session.flush()
    row.status = RecordStatus.COMPLETE.value
    row.recorded_at = actor.now()
    session.add(row)
    store_score(session, row, definition, actor.now())
    audit_administration(session, actor, row, AuditKind.CHANGE)
    return administration_read(session, row)


def correct_administration(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    lineage_id: int,
    answers: dict[str, str | None],
    reason: str,
    expected_version: int | None = None,
) -> AdministrationRead:
    """Store a corrected version: the old answers with these replaced, rescored, with the reason.

    ``expected_version`` is the version the user saw (``AdministrationRead.version``); None
    builds on whatever is current.

    Raises:
        StaleVersionError: the administration has a newer version than ``expected_version``; it
            says who changed what and when.
        InvalidInputError: an unknown item or code.
        ConflictError: it is not completed (a draft, or retracted), or no reason was given.
    """
    old = for_change(session, Administration, lineage_id)
    if expected_version is not None and old.version != expected_version:
        raise stale_version(session, Administration, lineage_id, expected_version)
    if old.status != RecordStatus.COMPLETE:
        raise ConflictError("only a completed administration can be corrected", field="status")
    definition = definition_for(library, old.scale_id, old.scale_version)
    sheet = _sheet(session, stored_id(old))
    for item_id, typed in answers.items():
        try:
            item = definition.item(item_id)
        except KeyError:
            raise InvalidInputError(f"{definition.short_name} has no item '{item_id}'") from None
        try:
            sheet[item_id] = (
                None if typed is None or not typed.strip() else check_code(definition, item, typed)
            )
        except AnswerError as error:
            raise InvalidInputError(str(error), field=item_id) from None
    new = supersede(
        session, old, actor=actor, reason=reason, changes={}, expected_version=expected_version
    )
    for position, item in enumerate(definition.items):
        code = sheet.get(item.id)
        session.add(
            ItemResponse(
                **response_values(
                    stored_id(new), definition, position, code, NOT_ANSWERED, actor.now()
                )
            )
        )
    session.flush()
    store_score(session, new, definition, actor.now())
    _settle_alerts(session, actor, new, definition, reason)
    audit_administration(session, actor, new, AuditKind.CHANGE)
    return administration_read(session, new)


def retract_administration(
    *,
    session: Session,
    actor: Actor,
    lineage_id: int,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """Retract an administration entered in error: it leaves lists; its history stays.

    Raises:
        StaleVersionError: the administration has a newer version than ``expected_version``.
        ConflictError: no reason was given, or it was retracted already.
    """
    old = for_change(session, Administration, lineage_id)
    new = supersede(
        session, old, actor=actor, reason=reason, changes={}, status=RecordStatus.RETRACTED,
        expected_version=expected_version,
    )  # fmt: skip
    _withdraw(session, actor, _lineage_alerts(session, new), AlertWithdrawal.FORM_RETRACTED, reason)
    refresh_summary(session, new.client_id, new.episode_lineage_id, new.scale_id)
    audit_administration(session, actor, new, AuditKind.CHANGE)


def administration_history(
    *, session: Session, actor: Actor, lineage_id: int
) -> list[AdministrationRead]:
    """Return every version of an administration, oldest first (an audited read)."""
    versions = versions_of(session, Administration, lineage_id)
    audit_administration(session, actor, versions[-1], AuditKind.READ)
    return [administration_read(session, version) for version in versions]


def open_drafts(
    *, session: Session, actor: Actor, code: str | None = None
) -> list[AdministrationRead]:
    """Return unfinished drafts, for one client or all, to offer for resumption."""
    query = select(Administration).where(Administration.status == RecordStatus.DRAFT.value)
    if code is not None:
        query = query.where(Administration.client_id == client_row(session, code).id)
    rows = list(session.exec(query.order_by(col(Administration.entered_at))))
    for row in rows:
        audit_administration(session, actor, row, AuditKind.READ)
    return [administration_read(session, row) for row in rows]
