"""Provides fixtures for a small, valid scale definition as plain data, for tests to vary."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hecht.scales.loader import definition_from_data
from hecht.scales.model import ScaleDefinition

LABEL = {"nl": "label", "en": "label"}

BASE: dict[str, Any] = {
    "id": "demo4",
    "version": "1",
    "short_name": "DEMO-4",
    "name": {"nl": "Demonstratieschaal", "en": "Demonstration scale"},
    "domain": "wellbeing",
    "respondent": "self",
    "citation": "Written for Hecht's tests.",
    "licence": {"class": "ship", "note": "Ours."},
    "option_sets": {
        "freq": {"options": [{"code": code, "score": code, "label": LABEL} for code in range(4)]}
    },
    "items": [
        {"id": "1", "label": LABEL, "options": "freq"},
        {"id": "2", "label": LABEL, "options": "freq"},
        {"id": "3", "label": LABEL, "options": "freq"},
        {"id": "4", "label": LABEL, "options": "freq", "reverse": True},
    ],
    "scoring": {
        "method": "sum",
        "range": [0, 12],
        "direction": "higher_is_worse",
        "missing": {"rule": "prorate", "max_missing": 1, "rounding": "half_up"},
    },
    "subscales": [
        {"id": "first", "label": LABEL, "items": ["1", "2"], "range": [0, 6]},
    ],
    "interpretation": {
        "cutoff": 8,
        "bands": [
            {"id": "low", "min": 0, "max": 3, "label": LABEL},
            {"id": "mid", "min": 4, "max": 7, "label": LABEL},
            {"id": "high", "min": 8, "max": 12, "label": LABEL},
        ],
        "critical": [
            {"id": "alarm", "items": ["2"], "at_least": 3, "level": "urgent", "message": LABEL}
        ],
    },
    "change": {"sd": 5, "reliability": 0.8},
    "examples": [
        {
            "name": "reverse item 4 counts code 0 as 3",
            "answers": "0,0,0,0",
            "expect": {"total": 3, "band": "low"},
        },
        {
            "name": "one missing item is prorated",
            "answers": "1,1,1,",
            "expect": {"total": 4, "prorated": True, "band": "mid"},
        },
        {
            "name": "two missing items are too many; critical item 2 is to be asked about",
            "answers": "1,,1,",
            "expect": {"valid": False, "unanswered_critical": ["2"]},
        },
        {
            "name": "item 2 at 3 raises the alarm",
            "answers": "3,3,3,3",
            "expect": {"total": 9, "band": "high", "alerts": ["alarm"], "subscales": {"first": 6}},
        },
    ],
}


def fresh_data(**changes: Any) -> dict[str, Any]:
    """Return a fresh copy of the demo definition with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def build_definition(data: dict[str, Any] | None = None, *, strict: bool = True) -> ScaleDefinition:
    """Validate data as a definition (raises DefinitionError like a file would)."""
    return definition_from_data(Path("demo4.toml"), data or fresh_data(), strict=strict)


@pytest.fixture
def scale_data() -> Callable[..., dict[str, Any]]:
    """A function returning fresh demo data, top-level keys replaced by its arguments."""
    return fresh_data


@pytest.fixture
def build() -> Callable[..., ScaleDefinition]:
    """A function validating data as a definition, like loading a file."""
    return build_definition


@pytest.fixture
def demo() -> ScaleDefinition:
    """The demo definition, validated."""
    return build_definition()
