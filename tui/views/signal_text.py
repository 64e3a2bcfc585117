"""Provides a caseload signal's one-line explanation and short mark, in the user's language."""

from __future__ import annotations

from typing import Any

from hecht.tui.i18n import Messages

COUNTED = {"not_on_track": ("visits", "visit"), "overdue": ("weeks", "week")}
"""The signals that say a number of visits or weeks: which detail, and of what."""
MARKS = {
    "open_alert": "⚠",
    "deteriorated": "↓",
    "not_on_track": "→",
    "overdue": "⏲",
    "partner_discrepancy": "⇄",
    "draft": "✎",
}
"""One character per signal kind, for narrow columns (the explanation says it in words)."""


def direction(latest: Any) -> str:
    """The arrow a caseload puts after a latest total: up, down or level since the total before
    it (the screen and ``hecht caseload`` alike); none for a first total."""
    if latest is None or latest.total is None or latest.previous is None:
        return ""
    if latest.total == latest.previous:
        return "→"
    return "↑" if latest.total > latest.previous else "↓"


def explain(signal: Any, messages: Messages) -> str:
    """Return the signal's explanation, e.g. "EPDS reliably worse since baseline: 9 → 16"."""
    from hecht.tui.views.formatting import counted, formatter

    number = formatter(messages.language).score
    kind = str(signal.kind)
    values = {
        key: number(value) if isinstance(value, float) else str(value)
        for key, value in signal.detail.items()
        if value is not None
    }
    if signal.scale_id is not None:
        values["scale"] = str(signal.detail.get("scale_name") or signal.scale_id.upper())
    if kind in COUNTED:
        name, noun = COUNTED[kind]
        values[name] = counted(messages, noun, int(signal.detail[name]))
    if kind == "overdue" and signal.detail.get("never"):
        kind = "overdue_never"
    return messages(f"signal.{kind}", **values)


def marks(signals: list[Any]) -> str:
    """Return the signals' marks in order, one per kind."""
    seen: list[str] = []
    for signal in signals:
        mark = MARKS.get(str(signal.kind), "?")
        if mark not in seen:
            seen.append(mark)
    return "".join(seen)
