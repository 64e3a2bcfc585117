"""Provides the small inline SVG charts of the HTML reports, legible in black and white."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

INK, GREY, PALE = "#1a1a1a", "#6b6b6b", "#d4d4d4"
CATEGORY_FILLS = {
    "recovered": INK,
    "improved": GREY,
    "unchanged": PALE,
    "deteriorated": "url(#hecht-hatch)",
}
"""Greys that stay apart on a black-and-white printer; deterioration is hatched."""

HATCH_DEFS = (
    '<svg width="0" height="0" aria-hidden="true" style="position:absolute">'
    '<defs><pattern id="hecht-hatch" width="4" height="4" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
    f'<line x1="0" y1="0" x2="0" y2="4" stroke="{INK}" stroke-width="2"/></pattern></defs></svg>'
)
"""The hatch pattern, defined once per page and used by every category bar."""


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _cutoff_marks(level: float, clinical_below: bool | None, width: int, height: int) -> str:
    """The dashed cutoff line at ``level`` (pixels), the clinical side shaded when known."""
    shade = ""
    if clinical_below is not None:
        top, bottom = (level, height - 1.0) if clinical_below else (1.0, level)
        shade = (
            f'<rect x="1" y="{_number(top)}" width="{width - 2}"'
            f' height="{_number(max(0.0, bottom - top))}" fill="#efefef"/>'
        )
    return shade + (
        f'<line x1="1" x2="{width - 1}" y1="{_number(level)}" y2="{_number(level)}"'
        f' stroke="{GREY}" stroke-dasharray="3 2" stroke-width="0.8"/>'
    )


def _trend_marks(points: Sequence[tuple[float, float]]) -> str:
    """The line through the totals, open dots for the earlier ones, a filled dot for the latest."""
    parts = []
    if len(points) > 1:
        line = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="1.4"'
            ' stroke-linejoin="round"/>'
        )
    for index, (x, y) in enumerate(points):
        fill, radius = (INK, 2.6) if index == len(points) - 1 else ("#fff", 1.8)
        parts.append(
            f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{radius}" fill="{fill}"'
            f' stroke="{INK}" stroke-width="1"/>'
        )
    return "".join(parts)


def sparkline(
    series: Sequence[float],
    low: float,
    high: float,
    cutoff: float | None = None,
    label: str = "",
    clinical_below: bool | None = None,
    width: int = 150,
    height: int = 40,
) -> str:
    """Return a trend line of totals drawn against the scale's range, with its clinical cutoff.

    The cutoff is a dashed line (only when the scale has one) and the clinical side of it is
    shaded when ``clinical_below`` says which side that is; the latest total is the solid dot.
    """
    pad = 4
    span = high - low or 1.0
    step = (width - 2 * pad) / max(1, len(series) - 1)

    def y(value: float) -> float:
        return pad + (high - value) / span * (height - 2 * pad)

    points = [(pad + index * step, y(value)) for index, value in enumerate(series)]
    if len(points) == 1:
        points = [(width / 2, points[0][1])]
    parts = [
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none"'
        f' stroke="{PALE}"/>',
    ]
    if cutoff is not None and low <= cutoff <= high:
        parts.append(_cutoff_marks(y(cutoff), clinical_below, width, height))
    parts += [_trend_marks(points), "</svg>"]
    return "".join(parts)


def category_bar(counts: Mapping[str, int], label: str = "", width: int = 120) -> str:
    """Return a stacked bar of the Jacobson–Truax categories (empty when none was categorised)."""
    total = sum(counts.values())
    if total == 0:
        return ""
    height, x = 12, 0.0
    parts = [
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
    ]
    for key, fill in CATEGORY_FILLS.items():
        share = counts.get(key, 0) / total * width
        if share > 0:
            parts.append(
                f'<rect x="{_number(x)}" y="0" width="{_number(share)}" height="{height}"'
                f' fill="{fill}" stroke="{INK}" stroke-width="0.6"/>'
            )
        x += share
    parts.append("</svg>")
    return "".join(parts)


def interval(
    estimate: float | None,
    bounds: tuple[float, float] | None,
    label: str = "",
    limit: float = 1.5,
    width: int = 84,
) -> str:
    """Return a forest-plot mark of an effect size and its interval on a -limit … +limit axis.

    Values beyond the axis are clipped to its ends; the zero line marks no effect.
    """
    if estimate is None:
        return ""
    height, pad = 16, 5

    def x(value: float) -> str:
        clipped = max(-limit, min(limit, value))
        return _number(pad + (clipped + limit) / (2 * limit) * (width - 2 * pad))

    parts = [
        f'<svg class="ci" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
        f'<line x1="{pad}" x2="{width - pad}" y1="8" y2="8" stroke="{PALE}"/>',
        f'<line x1="{x(0)}" x2="{x(0)}" y1="1" y2="15" stroke="{GREY}" stroke-dasharray="2 1"/>',
    ]
    if bounds is not None:
        low, high = x(bounds[0]), x(bounds[1])
        parts.append(
            f'<line x1="{low}" x2="{high}" y1="8" y2="8" stroke="{INK}" stroke-width="1.4"/>'
        )
        for end in (low, high):
            parts.append(f'<line x1="{end}" x2="{end}" y1="5" y2="11" stroke="{INK}"/>')
    parts.append(
        f'<rect x="{float(x(estimate)) - 3:.1f}" y="5" width="6" height="6" fill="{INK}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
