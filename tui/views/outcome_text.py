"""Provides what the practice-outcome numbers count, in words, for the screen and the reports."""

from __future__ import annotations

from typing import Any

from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import counted


def group_counts(group: Any, messages: Messages) -> str:
    """Say what a group of the outcomes holds: its episodes and how many of them are closed,
    its clients and how many of them have a pair (the ``n`` of a scale counts those)."""
    return messages(
        "outcomes.counts",
        episodes=counted(messages, "episode", group.episodes),
        closed=group.closed,
        clients=counted(messages, "client", group.clients),
        paired=group.paired,
    )
