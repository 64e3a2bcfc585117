"""Provides the supervision packet as Markdown and as plain text (unicode block sparklines)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hecht.tui.reports import supervision_parts as parts
from hecht.tui.reports.labels import ReportText, block_sparkline, scale_range
from hecht.tui.views.columns import aligned, printable

_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<|])")
_LINE_START = re.compile(r"^(\s*)([#>+-])")


def md(value: object) -> str:
    """Escape text so Markdown shows it as written (notes and codes are the user's own text).

    Underscores inside words (d_z) stay as they are: CommonMark never reads them as emphasis.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def md_line(value: object) -> str:
    """Escape a line of the user's own text that starts a block (a heading, quote or list mark)."""
    return _LINE_START.sub(r"\1\\\2", md(value))


def _overview(packet: Sequence[Any], text: ReportText) -> list[list[str]]:
    return [
        [case.code, text.week(case.week), str(case.visits), parts.signal_marks(case) or "—"]
        for case in packet
    ]


def _score_cells(case: Any, text: ReportText) -> list[list[str]]:
    rows = []
    for row in parts.score_rows(case, text):
        low, high = scale_range(text, row.scale_id, row.series)
        trend = block_sparkline(row.series, low, high)
        rows.append(
            [row.scale, row.baseline, row.latest, row.band, row.change, row.category, trend]
        )
    return rows


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def _md_case(case: Any, text: ReportText) -> list[str]:
    lines = [f"## {md(parts.heading(case))}", "", md(parts.facts(case, text)), ""]
    lines += [md(parts.reasons(case, text)), "", f"### {text('report.heading.signals')}", ""]
    signals = parts.signal_lines(case, text)
    lines += [f"- {mark} {md(line)}" for mark, line in signals] or [text("report.no_signals")]
    lines += ["", f"### {text('report.heading.scores')}", ""]
    scores = _score_cells(case, text)
    lines += _md_table(parts.column_headers(text), scores) if scores else [text("report.no_scores")]
    lines += ["", f"### {text('report.heading.alerts')}", ""]
    alerts = parts.alert_lines(case, text)
    lines += [f"- **{md(line)}**" if is_open else f"- {md(line)}" for is_open, line in alerts] or [
        text("report.no_alerts")
    ]
    lines += ["", f"### {text('report.heading.note')}", ""]
    lines += [f"> {md_line(line)}" for line in case.note_opening] or [text(parts.no_note_key(case))]
    return [*lines, ""]


def render_markdown(packet: Sequence[Any], text: ReportText, single: bool = False) -> str:
    """Return the packet as Markdown: a title block, an overview, then one section per client."""
    lines = [f"# {parts.title(text, single)}", "", md(parts.title_line(text)), ""]
    if not packet:
        return "\n".join([*lines, text("report.supervision.none"), ""])
    if not single:
        lines += [md(parts.counts(packet, text)), ""]
        lines += [*_md_table(parts.overview_headers(text), _overview(packet, text)), ""]
        lines += [md(text("report.legend.marks")), ""]
    lines += [md(text("report.legend.blocks")), "", md(text("report.legend.week")), ""]
    for case in packet:
        lines += ["---", "", *_md_case(case, text)]
    return "\n".join(lines)


def _underline(title: str, rule: str) -> list[str]:
    return [title, rule * len(title)]


def _text_case(case: Any, text: ReportText) -> list[str]:
    lines = [*_underline(printable(parts.heading(case)), "="), parts.facts(case, text)]
    lines += [parts.reasons(case, text), "", text("report.heading.signals")]
    signals = parts.signal_lines(case, text)
    lines += [f"  {mark} {line}" for mark, line in signals] or [f"  {text('report.no_signals')}"]
    lines += ["", text("report.heading.scores")]
    scores = _score_cells(case, text)
    if scores:
        lines += aligned(parts.column_headers(text), scores, "  ")
    else:
        lines.append(f"  {text('report.no_scores')}")
    lines += ["", text("report.heading.alerts")]
    alerts = parts.alert_lines(case, text)
    lines += [f"  {'!' if is_open else '-'} {line}" for is_open, line in alerts] or [
        f"  {text('report.no_alerts')}"
    ]
    lines += ["", text("report.heading.note")]
    lines += [f"  | {line}" for line in case.note_opening] or [f"  {text(parts.no_note_key(case))}"]
    return [*lines, ""]


def render_text(packet: Sequence[Any], text: ReportText, single: bool = False) -> str:
    """Return the packet as plain text for a terminal or a mail: one ruled block per client."""
    lines = [*_underline(parts.title(text, single).upper(), "#"), parts.title_line(text), ""]
    if not packet:
        return "\n".join([*lines, text("report.supervision.none"), ""])
    if not single:
        lines += [parts.counts(packet, text), ""]
        lines += [*aligned(parts.overview_headers(text), _overview(packet, text), ""), ""]
        lines += [text("report.legend.marks"), ""]
    lines += [text("report.legend.blocks"), text("report.legend.week"), ""]
    for case in packet:
        lines += ["", *_text_case(case, text)]
    return "\n".join(lines)
