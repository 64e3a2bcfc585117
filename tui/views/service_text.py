"""Provides the services' refusals in the user's language: the field by its name, the fix.

The storage layer says which field is wrong and why as codes (``ServiceError.field``,
``reason``, ``details``); this words them for the command line and the forms alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import formatter

FIELD_REASONS = ("pattern", "one_of", "invalid")
"""The reasons whose wording is followed by what the field expects."""


def field_label(field: str, messages: Messages) -> str:
    """A field's name as people say it ("birth year", "geboortejaar"), else the field itself."""
    return messages.get(f"field.{field}", field)


def service_error_text(error: Any, messages: Messages) -> str:
    """The refusal of a service for people: worded from its reason, or its own text."""
    reason = getattr(error, "reason", None)
    if reason is None or f"input.{reason}" not in messages.keys():
        return str(error)
    day = formatter(messages.language).date
    given = {
        name: day(value) if isinstance(value, date) else value
        for name, value in error.details.items()
    }
    details = {"given": "", "limit": "", "choices": "", **given}
    expected = messages.get(f"input.expect.{error.field}", "")
    text = messages(f"input.{reason}", field=field_label(error.field or "", messages), **details)
    return f"{text}; {expected}" if expected and reason in FIELD_REASONS else text


def database_refusal_text(error: Any, messages: Messages) -> str:
    """Why a database cannot be used, in the user's language (``db.error.<problem>``); the
    storage layer's English text where the catalogue has no words for the problem."""
    key = f"db.error.{getattr(error, 'problem', 'other')}"
    if key not in messages.keys():
        return str(error)
    values = dict(getattr(error, "values", {}))
    if "failure" in values:  # held, read-only, full (hecht.schema.db.failures): said, not quoted
        values["reason"] = messages(f"storage.{values['failure']}")
    return messages(key, **values)
