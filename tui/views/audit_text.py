"""Provides the access log in words: each event's kind, outcome and detail in the reader's language.

The stored event stays as it was written (the chain hashes it); only what is shown is worded. A
detail of no form Hecht writes (``hecht.schema.trail.details``) is shown as stored.
"""

from __future__ import annotations

from hecht.schema.trail.chain import AuditKind, Outcome
from hecht.schema.trail.details import read_detail
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import plural
from hecht.tui.views.service_text import field_label

COUNTED = ("answered_count", "fhir_import", "csv_import")
"""The details that count something: their sentence agrees with the number."""


def event_text(event: str, messages: Messages) -> str:
    """What was done (read, changed, exported …), padded to the widest of the language."""
    width = max(len(messages(f"audit.event.{kind.value}")) for kind in AuditKind)
    return messages.get(f"audit.event.{event}", event).ljust(width)


def outcome_text(outcome: str, messages: Messages) -> str:
    """Whether it succeeded or was refused, padded to the wider of the two."""
    width = max(len(messages(f"audit.outcome.{kind.value}")) for kind in Outcome)
    return messages.get(f"audit.outcome.{outcome}", outcome).ljust(width)


ACCESS_KINDS = ("cli", "tui", "demo")
"""The parts of Hecht an access is recorded from (``kind:user@host``, ``demo:generator``)."""


def access_text(access_point: str, messages: Messages) -> str:
    """Where an access came from: the part of Hecht in the reader's words, then the user and
    host as stored (``cli:anna@laptop``: command line (anna@laptop)); another form as stored."""
    kind, _, who = access_point.partition(":")
    if not who or kind not in ACCESS_KINDS:
        return access_point
    return messages(f"audit.access.{kind}", who=who)


def detail_text(detail: str | None, messages: Messages) -> str:
    """What was accessed, in the reader's language: record kinds, fields and reasons named as
    the rest of Hecht names them; ids, scale ids and role names as stored."""
    read = None if not detail else read_detail(detail)
    if read is None:
        return detail or ""
    kind, values = read
    key = f"audit.detail.{kind}"
    if "fields" in values:
        fields = values["fields"].split(", ")
        values["fields"] = ", ".join(field_label(field, messages) for field in fields)
    if "reason" in values:
        values["reason"] = messages.get(f"alert.action.{values['reason']}", values["reason"])
    if kind in COUNTED:
        return plural(messages, key, int(values["count"]), **values)
    return messages(key, **values)
