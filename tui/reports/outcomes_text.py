"""Provides the practice outcomes as Markdown: per group and domain, change and category tables."""

from __future__ import annotations

from typing import Any

from hecht.tui.reports import outcomes_parts as parts
from hecht.tui.reports.labels import ReportText
from hecht.tui.reports.supervision_text import md


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(md(header) for header in headers) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def _group(group: Any, text: ReportText) -> list[str]:
    lines = [
        f"## {md(parts.group_heading(group, text))}",
        "",
        md(parts.group_counts(group, text)),
        "",
    ]
    if not group.scales:
        return [*lines, text("report.outcomes.no_scales"), ""]
    for block in parts.domains(group, text):
        lines += [f"### {md(block.heading)}", ""]
        rows = [parts.statistics_row(scale, text) for scale in block.scales]
        lines += [*_table(parts.statistics_headers(text), rows), ""]
        rows = [parts.category_row(scale, text) for scale in block.scales]
        lines += [*_table(parts.category_headers(text), rows), ""]
        lines += [f"- {md(note)}" for note in parts.scale_notes(block, text)]
        lines.append("")
    return lines


def render_markdown(report: Any, text: ReportText) -> str:
    """Return the outcomes report: a legend, then every group (all episodes first)."""
    lines = [f"# {text('report.title.outcomes')}", "", md(parts.title_line(report, text)), ""]
    lines += [f"- {md(line)}" for line in parts.legend(text)]
    lines.append("")
    for group in report.groups:
        lines += _group(group, text)
    return "\n".join(lines)
