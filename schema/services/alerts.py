"""Provides alerts: open ones for the caseload and dossier, and their acknowledgement."""

from __future__ import annotations

from sqlmodel import Session, col, select

from hecht.schema import audit
from hecht.schema.audit import AuditKind
from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError, NotFoundError
from hecht.schema.readmodels import AlertRead
from hecht.schema.services.administrations import alert_read
from hecht.schema.services.clients import client_row
from hecht.schema.tables import Alert, AlertAction, Client


def open_alerts(*, session: Session, actor: Actor, code: str | None = None) -> list[AlertRead]:
    """Return alerts not yet acknowledged, oldest first, for one client or all."""
    query = select(Alert).where(col(Alert.acknowledged_at).is_(None))
    client = None
    if code is not None:
        client = client_row(session, code)
        query = query.where(Alert.client_id == client.id)
    alerts = [alert_read(alert) for alert in session.exec(query.order_by(col(Alert.raised_at)))]
    if client is not None:
        audit.record_client(session, actor, AuditKind.READ, client, "alerts")
    return alerts


def acknowledge_alert(
    *, session: Session, actor: Actor, alert_id: int, action: AlertAction, note: str
) -> AlertRead:
    """Acknowledge an alert with the action taken and what was done; it then leaves the lists.

    Raises:
        InvalidInputError: no description of what was done.
        ConflictError: the alert was already acknowledged.
    """
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"there is no alert {alert_id}", field="alert_id")
    if alert.acknowledged_at is not None:
        raise ConflictError(f"alert {alert_id} was already acknowledged", field="alert_id")
    if not note.strip():
        raise InvalidInputError("note: say what was done about the alert", field="note")
    alert.acknowledged_at = actor.now()
    alert.acknowledged_by_id = actor.user_id
    alert.action = AlertAction(action).value
    alert.action_note = note.strip()
    session.add(alert)
    session.flush()
    client = session.get(Client, alert.client_id)
    audit.record(
        session=session,
        actor=actor,
        event=AuditKind.CHANGE,
        client_id=alert.client_id,
        client_code=None if client is None else client.code,
        detail=f"alert {alert_id} acknowledged",
    )
    return alert_read(alert)
