"""Provides the details of access-log events: their forms, written and read back by kind.

A detail names what was accessed (a record kind and id, an export format, a count), never
content: no names, notes or answers. It is stored as written here, in English, for good: the
chain hashes it. ``read_detail`` gives a stored detail's kind and values back, so the log can
be said in the reader's language without changing a stored event.
"""

from __future__ import annotations

import re
from typing import Any

FORMATS: dict[str, str] = {
    "client": "client",
    "client_change": "client: {fields}",
    "clients": "clients",
    "couple": "couple {couple}",
    "episode": "episode {episode}",
    "episodes": "episodes",
    "visit": "visit {visit}",
    "visits": "visits of episode {episode}",
    "administration": "administration {administration} ({scale})",
    "answered_item": "administration {administration} ({scale}): answered item {items}",
    "answered_items": "administration {administration} ({scale}): answered items {items}",
    "answered_count": "administration {administration} ({scale}): answered {count} items",
    "draft_discarded": "administration {administration} ({scale}): draft discarded",
    "alerts": "alerts",
    "alert_acknowledged": "alert {alert} acknowledged",
    "alert_withdrawn": "alert {alert} withdrawn ({reason})",
    "trajectory": "trajectory",
    "destroyed": "dossier destroyed on the client's request",
    "caseload": "caseload",
    "caseload_shared": "caseload: shared with {role}",
    "caseload_unshared": "caseload: no longer shared with {role}",
    "outcomes": "outcomes",
    "supervision_names": "supervision, with names",
    "supervision_pseudonymised": "supervision, pseudonymised",
    "fhir_identified": "fhir: identified",
    "fhir_pseudonymised": "fhir: pseudonymised",
    "fhir_import": "fhir: {count} responses",
    "csv_identified": "csv: identified",
    "csv_pseudonymised": "csv: pseudonymised",
    "csv_import": "csv: {count} rows",
    "json_all": "json: all",
    "json_all_sealed": "json: all, seals up to {seals}",
    "json_export": "json export",
    "backup": "backup",
    "restore": "restore",
    "access_log": "access log",
    "tui_session": "tui",
}
"""Every detail Hecht writes, by kind; ``{name}`` stands for a value."""

VALUES = {
    "fields": r"[a-z_]+(?:, [a-z_]+)*",
    "items": r"[A-Za-z0-9_.-]+(?:, [A-Za-z0-9_.-]+)*",
    "reason": r"[a-z_]+",
    "scale": r"[^()]+",
    "role": r".+",
    "seals": r"[0-9]+:[0-9a-f]{64}",
}
"""What each value may be; any other is a number (an id or a count)."""

_PATTERNS = {
    kind: re.compile(
        "".join(
            re.escape(text) if number % 2 == 0 else f"(?P<{text}>{VALUES.get(text, '[0-9]+')})"
            for number, text in enumerate(re.split(r"\{(\w+)\}", form))
        )
    )
    for kind, form in FORMATS.items()
}


def detail_of(kind: str, **values: Any) -> str:
    """The detail of an event of ``kind`` (a key of ``FORMATS``) with its values filled in."""
    return FORMATS[kind].format(**values)


def read_detail(text: str) -> tuple[str, dict[str, str]] | None:
    """The kind and values of a stored detail; None for a detail of no form Hecht writes."""
    for kind, pattern in _PATTERNS.items():
        found = pattern.fullmatch(text)
        if found:
            return kind, found.groupdict()
    return None
