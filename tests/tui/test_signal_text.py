"""Signals explain themselves in one line, in both languages."""

from __future__ import annotations

import pytest

from hecht.schema.services.signals import Signal, SignalKind
from hecht.tui.i18n import Messages
from hecht.tui.views.signal_text import explain, marks

EXAMPLES = [
    Signal(SignalKind.OPEN_ALERT, None, {"count": 2}),
    Signal(SignalKind.DETERIORATED, "epds", {"baseline": 9.0, "latest": 16.0, "rci": 3.4299}),
    Signal(SignalKind.NOT_ON_TRACK, None, {"visits": 5, "threshold": 4}),
    Signal(SignalKind.OVERDUE, None, {"weeks": 5, "threshold": 3, "never": False}),
    Signal(SignalKind.OVERDUE, None, {"weeks": 7, "threshold": 3, "never": True}),
    Signal(
        SignalKind.PARTNER_DISCREPANCY,
        "csi4",
        {
            "partner": "C002",
            "own": 17.0,
            "partner_total": 10.0,
            "difference": 7.0,
            "reliable_difference": 5.0,
        },
    ),
    Signal(SignalKind.DRAFT, None, {"count": 1}),
]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("signal", EXAMPLES, ids=lambda s: s.kind.value)
def test_every_signal_explains_itself_in_one_line(signal, language):
    text = explain(signal, Messages(language))
    assert text and "\n" not in text and "{" not in text


def test_deterioration_names_the_scale_and_its_numbers():
    text = explain(EXAMPLES[1], Messages("en"))
    assert text == "EPDS reliably worse since baseline: 9 → 16 (RCI 3.43)"


@pytest.mark.parametrize(
    ("language", "signal", "said"),
    [
        (
            "en",
            Signal(SignalKind.NOT_ON_TRACK, None, {"visits": 1, "threshold": 1}),
            "after 1 visit ",
        ),
        (
            "nl",
            Signal(SignalKind.NOT_ON_TRACK, None, {"visits": 1, "threshold": 1}),
            "na 1 bezoek ",
        ),
        ("en", Signal(SignalKind.OVERDUE, None, {"weeks": 1, "threshold": 1}), "for 1 week "),
        ("nl", Signal(SignalKind.OVERDUE, None, {"weeks": 1, "threshold": 1}), ": 1 week geen"),
        ("nl", Signal(SignalKind.OVERDUE, None, {"weeks": 2, "threshold": 1}), ": 2 weken geen"),
    ],
)
def test_a_threshold_of_one_visit_or_week_is_said_in_the_singular(language, signal, said):
    assert said in explain(signal, Messages(language))


def test_marks_show_each_kind_once_in_order():
    assert marks([EXAMPLES[0], EXAMPLES[3], EXAMPLES[4], EXAMPLES[6]]) == "⚠⏲✎"


def test_the_caseload_arrow_is_one_rule_for_the_screen_and_the_command_line():
    """The screen drew → for a total equal to the one before, ``hecht caseload`` nothing."""
    from types import SimpleNamespace

    from hecht.tui.cli.commands.caseload import _trend
    from hecht.tui.screens.caseload import trend
    from hecht.tui.views.formatting import formatter
    from hecht.tui.views.signal_text import direction

    shown = formatter("en")
    for total, previous, arrow in ((12, 10, "↑"), (8, 10, "↓"), (10, 10, "→"), (10, None, "")):
        latest = SimpleNamespace(total=total, previous=previous)
        assert direction(latest) == arrow
        assert _trend(latest, shown) == f"{total}{arrow}"
        assert trend(latest, str) == f"{total} {arrow}".rstrip()
