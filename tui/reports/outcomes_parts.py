"""Provides the rows and notes of the outcomes report, shared by its Markdown and HTML forms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hecht.scales.outcomes import CATEGORY_KEYS
from hecht.tui.reports.labels import ReportText
from hecht.tui.views import outcome_text


@dataclass(frozen=True)
class DomainBlock:
    """The scales of one domain within one group, in the report's order."""

    domain: str
    heading: str
    scales: list[Any]


def domains(group: Any, text: ReportText) -> Iterator[DomainBlock]:
    """Yield the group's scales per domain, keeping the order the service gave them."""
    blocks: dict[str, list[Any]] = {}
    for scale in group.scales:
        blocks.setdefault(scale.domain, []).append(scale)
    for domain, scales in blocks.items():
        yield DomainBlock(domain, text.domain(domain), scales)


def group_heading(group: Any, text: ReportText) -> str:
    """Return the group's heading: its name."""
    return text.group(group.split, group.value)


def group_counts(group: Any, text: ReportText) -> str:
    """Return the line under a group's heading: what its episodes and clients number."""
    return outcome_text.group_counts(group, text.messages)


def statistics_headers(text: ReportText) -> list[str]:
    """Return the headings of the change table."""
    keys = ("scale", "n", "pre", "post", "mean_change", "ci95", "d_z", "g_av", "g_ci95")
    return [text(f"report.outcomes.column.{key}") for key in keys]


def statistics_row(scale: Any, text: ReportText) -> list[str]:
    """Return one scale's n, means, change with its interval and the effect sizes, rounded."""
    outcome = scale.outcome
    return [
        scale.short_name,
        str(outcome.n),
        text.decimal(outcome.mean_pre),
        text.decimal(outcome.mean_post),
        text.decimal(outcome.mean_change, signed=True),
        text.interval(outcome.ci95),
        text.decimal(outcome.d_z, signed=True),
        text.decimal(outcome.g_av, signed=True),
        text.interval(outcome.g_ci95),
    ]


def category_headers(text: ReportText) -> list[str]:
    """Return the headings of the category and missing-data table."""
    keys = (*CATEGORY_KEYS, "baseline_only", "invalid")
    return [text("report.outcomes.column.scale")] + [
        text(f"report.outcomes.column.{key}") for key in keys
    ]


def category_row(scale: Any, text: ReportText) -> list[str]:
    """Return one scale's category shares (of the categorised pairs) and its missing data."""
    outcome = scale.outcome
    shares = [
        text.share(outcome.categories[key], outcome.category_shares[key]) for key in CATEGORY_KEYS
    ]
    return [scale.short_name, *shares, str(scale.baseline_only), str(scale.invalid)]


def scale_notes(block: DomainBlock, text: ReportText) -> list[str]:
    """Return what a reader must know to read the numbers: direction and missing categories."""
    notes = []
    for scale in block.scales:
        outcome = scale.outcome
        if not outcome.improvement_is_positive_change:
            notes.append(text("report.outcomes.note.lower_is_better", scale=scale.short_name))
        if outcome.uncategorised and outcome.uncategorised == outcome.n:
            notes.append(text("report.outcomes.note.no_rc", scale=scale.short_name))
        elif outcome.uncategorised:
            count = outcome.uncategorised
            key = "report.outcomes.note.some_uncategorised"
            notes.append(text.plural(key, count, scale=scale.short_name, count=count))
        if 0 < outcome.n < 3:
            notes.append(text("report.outcomes.note.few_pairs", scale=scale.short_name))
    return notes


def legend(text: ReportText) -> list[str]:
    """Return the lines that explain how the report's numbers were made and how to read them."""
    return [text(f"report.outcomes.legend.{key}") for key in ("pairs", "sign", "effects", "jt")]


def title_line(report: Any, text: ReportText) -> str:
    """Return the line under the title: the day, that no client is named, and whose caseload
    alone it covers when a practitioner's role sees only its own (each group says its counts)."""
    line = text("report.outcomes.title_line", date=text.date(report.generated_on))
    if report.caseload_of is None:
        return line
    return f"{line} · {text('report.outcomes.caseload_only', role=report.caseload_of)}"
