"""Provides the sentences and table rows of a supervision summary, shared by every format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hecht.tui.reports.labels import ReportText
from hecht.tui.views.alert_text import closed_state
from hecht.tui.views.signal_text import MARKS, explain

PRINT_MARKS = {**MARKS, "overdue": "◷"}
"""The signal marks on paper: ⏲ is missing from the common fonts, so overdue prints as ◷."""


@dataclass(frozen=True)
class ScoreRow:
    """One scale of a summary in words: what every format shows in its score table."""

    scale_id: str
    scale: str
    baseline: str
    latest: str
    band: str
    change: str
    category: str
    series: list[float]


def title(text: ReportText, single: bool) -> str:
    """Return the report's title: the whole packet, or one client's summary."""
    return text("report.title.client" if single else "report.title.supervision")


def heading(summary: Any) -> str:
    """Return the client's heading: the code, and the name only when the packet carries one."""
    return summary.code if summary.name is None else f"{summary.code} — {summary.name}"


def facts(summary: Any, text: ReportText) -> str:
    """Return the line with partner, week, time in care and visits (weeks, never dates)."""
    parts = []
    if summary.partner_code is not None:
        parts.append(text("report.case.partner", code=summary.partner_code))
    if summary.week is not None:
        parts.append(text("report.case.week", week=text.week(summary.week)))
    if summary.weeks_in_care is None:
        parts.append(text("report.case.no_episode"))
    else:
        parts.append(
            text("report.case.weeks_in_care", weeks=text.count("week", summary.weeks_in_care))
        )
    if summary.weeks_since_last_visit is None:
        parts.append(text("report.case.no_visits"))
    else:
        when = text.weeks_ago(summary.weeks_since_last_visit)
        parts.append(
            text.plural("report.case.visits", summary.visits, visits=summary.visits, when=when)
        )
    return " · ".join(parts)


def reasons(summary: Any, text: ReportText) -> str:
    """Return the referral reasons in words."""
    if not summary.referral_reasons:
        return text("report.case.no_reasons")
    labels = ", ".join(text.reason(reason) for reason in summary.referral_reasons)
    return text("report.case.reasons", reasons=labels)


def signal_lines(summary: Any, text: ReportText) -> list[tuple[str, str]]:
    """Return each signal as its mark and its one-line explanation."""
    return [
        (PRINT_MARKS.get(str(signal.kind), "•"), explain(signal, text.messages))
        for signal in summary.signals
    ]


def score_rows(summary: Any, text: ReportText) -> list[ScoreRow]:
    """Return the score table: baseline, latest, band, change and its category per scale."""
    rows = []
    for line in summary.scores:
        if len(line.series) < 2:
            category = text("report.one_administration")
        elif line.category is None:
            category = text("report.no_change_parameters")
        else:
            category = text.category(line.category)
        rows.append(
            ScoreRow(
                scale_id=line.scale_id,
                scale=line.short_name,
                baseline=text.score(line.baseline),
                latest=text.score(line.latest),
                band=text.band(line.scale_id, line.band),
                change=text.score(line.change, signed=True),
                category=category,
                series=list(line.series),
            )
        )
    return rows


def no_note_key(summary: Any) -> str:
    """What stands under the note's heading without its lines: none written, or left out."""
    return "report.note_withheld" if summary.note_withheld else "report.no_note"


def alert_lines(summary: Any, text: ReportText) -> list[tuple[bool, str]]:
    """Return each alert in words and whether it is still open."""
    found = []
    for alert in summary.alerts:
        if alert.acknowledged:
            status = closed_state(alert.action, text.messages, "report")
            if alert.note:  # in a report with names only: free text may name people
                status += text("report.alert.note", note=" ".join(alert.note.split()))
        else:
            status = text("report.alert.open")
        scale = text.definition(alert.scale_id)
        found.append(
            (
                not alert.acknowledged,
                text(
                    "report.alert.line",
                    scale=alert.scale_id.upper() if scale is None else scale.short_name,
                    item=alert.item,
                    level=text.messages.get(f"report.level.{alert.level}", alert.level),
                    when=text.weeks_ago(alert.weeks_ago),
                    status=status,
                ),
            )
        )
    return found


def column_headers(text: ReportText) -> list[str]:
    """Return the score table's column headings (the trend column last)."""
    keys = ("scale", "baseline", "latest", "band", "change", "category", "trend")
    return [text(f"report.column.{key}") for key in keys]


def overview_headers(text: ReportText) -> list[str]:
    """Return the headings of the packet's overview table."""
    return [text(f"report.column.{key}") for key in ("code", "week", "visits", "signals")]


def title_line(text: ReportText) -> str:
    """Return the line under the title: a practice report, the day it was made, its privacy."""
    privacy = f"{text.privacy()} ({text.privacy_note()})"
    return text("report.title_line", date=text.date(text.generated_on), privacy=privacy)


def counts(packet: Any, text: ReportText) -> str:
    """Return how many clients the packet holds and how many of them have signals."""
    signalled = sum(1 for case in packet if case.signals)
    clients = text.count("client", len(packet))
    return text("report.supervision.counts", clients=clients, signalled=signalled)


def signal_marks(case: Any) -> str:
    """Return the marks of a client's signals, one per kind, in order."""
    found: list[str] = []
    for signal in case.signals:
        mark = PRINT_MARKS.get(str(signal.kind), "•")
        if mark not in found:
            found.append(mark)
    return "".join(found)
