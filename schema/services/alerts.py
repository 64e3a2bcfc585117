"""Provides alerts: open ones for the caseload and dossier, and their acknowledgement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError, no_record
from hecht.schema.readmodels import ACTION_SEPARATOR, NOTE_MIN_WORDS, AlertRead, was_acknowledged
from hecht.schema.services.administrations import alert_read, audit_alert
from hecht.schema.services.clients import client_row
from hecht.schema.tables import Administration, Alert, AlertAction
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import hold_write_lock


def open_alerts(*, session: Session, actor: Actor, code: str | None = None) -> list[AlertRead]:
    """Return alerts not yet acknowledged, oldest first, for one client or all."""
    query = _with_lineage(select(Alert, Administration.lineage_id)).where(
        col(Alert.acknowledged_at).is_(None)
    )
    client = None
    if code is not None:
        client = client_row(session, code)
        query = query.where(Alert.client_id == client.id)
    alerts = [alert_read(*found) for found in session.exec(query.order_by(*OLDEST_FIRST))]
    if client is not None:
        audit.record_client(session, actor, AuditKind.READ, client, detail_of("alerts"))
    return alerts


def client_alerts(*, session: Session, actor: Actor, code: str) -> list[AlertRead]:
    """Return every alert of one client, open and acknowledged, oldest first (an audited read)."""
    client = client_row(session, code)
    query = _with_lineage(select(Alert, Administration.lineage_id)).where(
        Alert.client_id == client.id
    )
    alerts = [alert_read(*found) for found in session.exec(query.order_by(*OLDEST_FIRST))]
    audit.record_client(session, actor, AuditKind.READ, client, detail_of("alerts"))
    return alerts


OLDEST_FIRST = (col(Alert.raised_at), col(Alert.id))
"""Alerts in the order they were raised (two in one unit of work share the time)."""


def _with_lineage(query: Any) -> Any:
    """The query joined to the administration version that raised each alert."""
    return query.join(Administration, col(Administration.id) == Alert.administration_id)


def acknowledge_alert(
    *,
    session: Session,
    actor: Actor,
    alert_id: int,
    action: AlertAction | Sequence[AlertAction],
    note: str,
) -> AlertRead:
    """Acknowledge an alert with the action (or actions) taken and a note of what was done.

    Raises:
        InvalidInputError: no action, or a note of fewer than ``NOTE_MIN_WORDS`` words.
        ConflictError: the alert was already acknowledged.
    """
    hold_write_lock(session)  # two practitioners acknowledging at once: the second is refused
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise no_record("alert", alert_id, "alert_id")
    if alert.acknowledged_at is not None and not was_acknowledged(alert.action):
        raise ConflictError(
            f"alert {alert_id} was withdrawn: the answer that raised it no longer stands",
            field="alert_id", reason="alert_withdrawn",
        )  # fmt: skip
    if alert.acknowledged_at is not None:
        raise ConflictError(
            f"alert {alert_id} was already acknowledged", field="alert_id", reason="alert_done"
        )
    actions = [action] if isinstance(action, str) else list(action)
    if not actions:
        raise InvalidInputError("action: choose what was done about the alert", field="action")
    if len(note.split()) < NOTE_MIN_WORDS:
        raise InvalidInputError(
            f"note: say in a few words (at least {NOTE_MIN_WORDS}) what was done", field="note"
        )
    alert.acknowledged_at = actor.now()
    alert.acknowledged_by_id = actor.user_id
    alert.action = ACTION_SEPARATOR.join(dict.fromkeys(AlertAction(a).value for a in actions))
    alert.action_note = note.strip()
    session.add(alert)
    session.flush()
    audit_alert(session, actor, alert, "alert_acknowledged")
    raised_in = session.get(Administration, alert.administration_id)
    assert raised_in is not None and raised_in.lineage_id is not None
    return alert_read(alert, raised_in.lineage_id)
