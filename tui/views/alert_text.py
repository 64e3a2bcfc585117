"""Provides what was done about an alert, in words: the actions taken, or why it was withdrawn."""

from __future__ import annotations

from hecht.schema.readmodels import split_actions, was_acknowledged
from hecht.tui.i18n import Messages


def closed_state(action: str | None, messages: Messages, context: str) -> str:
    """How a closed alert ended, e.g. "acknowledged: GP informed, Referred".

    ``context`` names the catalogue family (``dossier``, ``supervision``, ``report``) whose
    ``.acknowledged`` and ``.withdrawn`` texts frame the actions.
    """
    actions = split_actions(action)
    words = ", ".join(messages.get(f"alert.action.{a}", a) for a in actions) or "—"
    ending = "acknowledged" if was_acknowledged(action) else "withdrawn"
    return messages(f"{context}.alert.{ending}", actions=words)
