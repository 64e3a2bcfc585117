"""Provides the shell of an HTML report: one self-contained page that prints cleanly on A4."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from hecht.tui.reports.svg import HATCH_DEFS

STYLE = """
@page { size: A4; margin: 15mm 15mm 18mm; }
@page { @bottom-left { content: "@FOOTER@"; font: 8pt @FONT@; color: #444; } }
@page { @bottom-right { content: counter(page) " / " counter(pages); font: 8pt @FONT@; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 180mm; padding: 8mm 0; color: #111; background: #fff;
  font: 10pt/1.45 @FONT@; }
h1 { font-size: 20pt; margin: 0 0 2mm; letter-spacing: -0.01em; }
h2 { font-size: 14pt; margin: 0 0 1mm; padding-bottom: 1.5mm; border-bottom: 1.5pt solid #111; }
h2 .name { font-weight: normal; color: #333; }
h2 .marks { float: right; font-weight: normal; font-size: 11pt; letter-spacing: .2em; }
h3 { font-size: 10.5pt; margin: 5mm 0 1.5mm; text-transform: uppercase; letter-spacing: .06em;
  color: #333; }
p { margin: 0 0 2mm; }
.kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 8pt; color: #555;
  margin-bottom: 1mm; }
.meta { color: #333; }
.privacy { display: inline-block; border: 0.8pt solid #111; padding: 0.5mm 2mm; font-size: 8.5pt;
  border-radius: 1mm; }
.cover { break-after: page; }
.cover table { margin-top: 6mm; }
section.client, section.client-single { margin-top: 12mm; }
section.client { break-before: page; break-inside: avoid; }
@media print { section.client { margin-top: 0; } }
section.group { break-before: page; }
section.group:first-of-type { break-before: auto; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; font-size: 9pt;
  font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 1.2mm 2mm; border-bottom: 0.5pt solid #bbb;
  vertical-align: middle; }
th { border-bottom: 1pt solid #111; font-weight: 600; font-size: 8.5pt; }
td.num, th.num { text-align: right; white-space: nowrap; }
td:first-child { white-space: nowrap; }
table.fixed { table-layout: fixed; }
table.fixed th, table.fixed td { padding-left: 1mm; padding-right: 1mm; }
tr { break-inside: avoid; }
.facts { font-size: 10.5pt; }
.signals { border-left: 2.5pt solid #111; padding: 1mm 0 1mm 3mm; margin: 3mm 0; }
.signals ul, ul.plain { margin: 0; padding: 0; list-style: none; }
.signals li, ul.plain li { margin: 0.6mm 0; }
.mark { display: inline-block; width: 5mm; font-weight: bold; }
.open { font-weight: bold; }
.quiet { color: #555; }
blockquote { margin: 1mm 0; padding: 1.5mm 3mm; border-left: 1pt solid #888; color: #222;
  font-style: italic; }
.legend { font-size: 8.5pt; color: #444; margin-top: 4mm; }
.howto { border: 0.6pt solid #999; padding: 1mm 4mm 2mm; margin: 4mm 0 6mm; }
.howto h3 { margin-top: 2mm; }
.howto .legend { margin-top: 1mm; }
ul.legend li { margin: 1mm 0; }
.note { font-size: 8.5pt; color: #444; }
svg { vertical-align: middle; }
@media print { body { padding: 0; max-width: none; } }
"""
FONT = '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif'


def esc(value: object) -> str:
    """Escape any value for HTML text or an attribute."""
    return escape(str(value), quote=True)


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def page(title: str, body: Iterable[str], language: str, footer: str) -> str:
    """Return a complete page: inline CSS, no external fonts, scripts or images."""
    style = STYLE.replace("@FONT@", FONT).replace("@FOOTER@", _css_string(footer))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{esc(language)}">',
            '<head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>",
            f"<style>{style}</style></head>",
            "<body>",
            HATCH_DEFS,
            *body,
            "</body></html>",
        ]
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[int] = (),
    widths: Sequence[str] = (),
) -> str:
    """Return a table; cells are HTML already (escape text first), ``numeric`` columns align right.

    ``widths`` (CSS widths, one per column) fix the layout, so tables of one shape line up.
    """

    def cell(tag: str, index: int, content: str) -> str:
        kind = ' class="num"' if index in numeric else ""
        return f"<{tag}{kind}>{content}</{tag}>"

    head = "".join(cell("th", index, esc(header)) for index, header in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", index, content) for index, content in enumerate(row)) + "</tr>"
        for row in rows
    )
    if not widths:
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    columns = "".join(f'<col style="width:{width}">' for width in widths)
    return (
        f'<table class="fixed"><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
