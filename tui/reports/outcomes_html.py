"""Provides the practice outcomes as one self-contained HTML page that prints on A4."""

from __future__ import annotations

from typing import Any

from hecht.scales.outcomes import CATEGORY_KEYS
from hecht.tui.reports import outcomes_parts as parts
from hecht.tui.reports.html import esc, page, table
from hecht.tui.reports.labels import ReportText
from hecht.tui.reports.svg import category_bar, interval

STATISTICS_WIDTHS = ("10%", "5%", "9%", "9%", "9%", "16%", "7%", "7%", "15%", "13%")
CATEGORY_WIDTHS = ("10%", "20%", "12%", "12%", "12%", "12%", "11%", "11%")
"""Column widths, so every domain's tables line up down the page."""


def _statistics(block: parts.DomainBlock, text: ReportText) -> str:
    rows = []
    for scale in block.scales:
        cells = [esc(cell) for cell in parts.statistics_row(scale, text)]
        cells[0] = f"<strong>{cells[0]}</strong>"
        outcome = scale.outcome
        label = text("report.outcomes.column.g_av") + " " + text.interval(outcome.g_ci95)
        cells.append(interval(outcome.g_av, outcome.g_ci95, label))
        rows.append(cells)
    headers = [*parts.statistics_headers(text), text("report.outcomes.column.g_chart")]
    return table(headers, rows, numeric=(1, 2, 3, 4, 5, 6, 7, 8), widths=STATISTICS_WIDTHS)


def _categories(block: parts.DomainBlock, text: ReportText) -> str:
    rows = []
    for scale in block.scales:
        cells = [esc(cell) for cell in parts.category_row(scale, text)]
        cells[0] = f"<strong>{cells[0]}</strong>"
        counts = {key: scale.outcome.categories[key] for key in CATEGORY_KEYS}
        bar = category_bar(counts, text("report.outcomes.column.categories"))
        rows.append([cells[0], bar, *cells[1:]])
    headers = parts.category_headers(text)
    headers.insert(1, text("report.outcomes.column.categories"))
    return table(headers, rows, numeric=(2, 3, 4, 5, 6, 7), widths=CATEGORY_WIDTHS)


def _group(group: Any, text: ReportText) -> list[str]:
    lines = [
        '<section class="group">',
        f"<h2>{esc(parts.group_heading(group, text))}</h2>",
        f'<p class="meta">{esc(parts.group_counts(group, text))}</p>',
    ]
    if not group.scales:
        return [
            *lines,
            f'<p class="quiet">{esc(text("report.outcomes.no_scales"))}</p>',
            "</section>",
        ]
    for block in parts.domains(group, text):
        lines += [
            f"<h3>{esc(block.heading)}</h3>",
            _statistics(block, text),
            _categories(block, text),
        ]
        notes = parts.scale_notes(block, text)
        if notes:
            lines.append(
                '<ul class="plain note">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>"
            )
    lines.append("</section>")
    return lines


def render_html(report: Any, text: ReportText) -> str:
    """Return the outcomes report as a printable page: a legend, then a page per group."""
    title = text("report.title.outcomes")
    legend = "".join(f"<li>{esc(line)}</li>" for line in parts.legend(text))
    body = [
        "<header>",
        f'<p class="kicker">{esc(text("report.kicker"))}</p>',
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(parts.title_line(report, text))}</p>',
        '<div class="howto">',
        f"<h3>{esc(text('report.outcomes.how_to_read'))}</h3>",
        f'<ul class="plain legend">{legend}</ul>',
        f'<p class="legend">{esc(text("report.outcomes.legend.key"))}</p>',
        "</div>",
        "</header>",
    ]
    for group in report.groups:
        body += _group(group, text)
    footer = f"{title} · {text.date(report.generated_on)}"
    return page(title, body, text.language, footer)
