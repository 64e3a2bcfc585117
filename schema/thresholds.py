"""Provides the thresholds of the caseload's signals, with their defaults (declared only here).

A module of its own without storage imports, so the settings can take their defaults from it
on the way to the TUI's first frame.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalThresholds:
    """When a client counts as not on track or overdue (the config file can change both)."""

    not_on_track_visits: int = 4
    """No reliable improvement after this many visits: not on track."""
    overdue_weeks: int = 3
    """No scale completed for this many weeks: overdue."""
