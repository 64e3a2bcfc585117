"""Provides the supervision packet as one self-contained HTML page, a printed page per client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hecht.tui.reports import supervision_parts as parts
from hecht.tui.reports.html import esc, page, table
from hecht.tui.reports.labels import ReportText, cutoff, lower_is_better, scale_range
from hecht.tui.reports.svg import sparkline


def _cover(packet: Sequence[Any], text: ReportText, single: bool) -> list[str]:
    lines = [
        '<header class="cover">' if not single else "<header>",
        f'<p class="kicker">{esc(text("report.kicker"))}</p>',
        f"<h1>{esc(parts.title(text, single))}</h1>",
        f'<p class="meta">{esc(text("report.generated", date=text.date(text.generated_on)))}'
        f' · <span class="privacy">{esc(text.privacy())}</span></p>',
        f'<p class="note">{esc(text.privacy_note())}</p>',
    ]
    if not packet:
        lines.append(f"<p>{esc(text('report.supervision.none'))}</p>")
    elif not single:
        lines.append(f'<p class="meta">{esc(parts.counts(packet, text))}</p>')
        rows = [
            [
                esc(case.code),
                esc(text.week(case.week)),
                esc(case.visits),
                esc(parts.signal_marks(case) or "—"),
            ]
            for case in packet
        ]
        lines.append(table(parts.overview_headers(text), rows, numeric=(2,)))
        lines.append(f'<p class="legend">{esc(text("report.legend.marks"))}</p>')
    lines.append(f'<p class="legend">{esc(text("report.legend.svg"))}</p>')
    lines.append(f'<p class="legend">{esc(text("report.legend.week"))}</p>')
    lines.append("</header>")
    return lines


def _scores(case: Any, text: ReportText) -> str:
    rows = []
    for row in parts.score_rows(case, text):
        low, high = scale_range(text, row.scale_id, row.series)
        label = text(
            "report.trend_label",
            scale=row.scale,
            values=", ".join(text.score(value) for value in row.series),
        )
        below = not lower_is_better(text, row.scale_id)
        chart = sparkline(row.series, low, high, cutoff(text, row.scale_id), label, below)
        rows.append(
            [
                f"<strong>{esc(row.scale)}</strong>",
                esc(row.baseline),
                esc(row.latest),
                esc(row.band),
                esc(row.change),
                esc(row.category),
                chart,
            ]
        )
    if not rows:
        return f'<p class="quiet">{esc(text("report.no_scores"))}</p>'
    return table(parts.column_headers(text), rows, numeric=(1, 2, 4))


def _list(items: list[str], empty: str, css: str = "plain") -> str:
    if not items:
        return f'<p class="quiet">{esc(empty)}</p>'
    return f'<ul class="{css}">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _case(case: Any, text: ReportText, single: bool) -> list[str]:
    heading = esc(case.code)
    if case.name is not None:
        heading += f' <span class="name">— {esc(case.name)}</span>'
    if case.signals:
        heading += f' <span class="marks">{esc(parts.signal_marks(case))}</span>'
    signals = [
        f'<span class="mark">{esc(mark)}</span>{esc(line)}'
        for mark, line in parts.signal_lines(case, text)
    ]
    alerts = [
        f'<span class="open">{esc(line)}</span>' if is_open else esc(line)
        for is_open, line in parts.alert_lines(case, text)
    ]
    note = "".join(f"{esc(line)}<br>" for line in case.note_opening)
    css = "client signalled" if case.signals else "client"
    return [
        f'<section class="{css}">' if not single else '<section class="client-single">',
        f"<h2>{heading}</h2>",
        f'<p class="facts">{esc(parts.facts(case, text))}</p>',
        f"<p>{esc(parts.reasons(case, text))}</p>",
        f"<h3>{esc(text('report.heading.signals'))}</h3>",
        '<div class="signals">' + _list(signals, text("report.no_signals")) + "</div>"
        if signals
        else f'<p class="quiet">{esc(text("report.no_signals"))}</p>',
        f"<h3>{esc(text('report.heading.scores'))}</h3>",
        _scores(case, text),
        f"<h3>{esc(text('report.heading.alerts'))}</h3>",
        _list(alerts, text("report.no_alerts")),
        f"<h3>{esc(text('report.heading.note'))}</h3>",
        f"<blockquote>{note}</blockquote>"
        if note
        else f'<p class="quiet">{esc(text(parts.no_note_key(case)))}</p>',
        "</section>",
    ]


def render_html(packet: Sequence[Any], text: ReportText, single: bool = False) -> str:
    """Return the packet as a printable page: a cover with the overview, then a page per client."""
    body = _cover(packet, text, single)
    for case in packet:
        body += _case(case, text, single)
    title = parts.title(text, single)
    footer = f"{title} · {text.date(text.generated_on)} · {text.privacy()}"
    return page(title, body, text.language, footer)
