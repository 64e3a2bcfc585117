"""Provides what the trajectory screen shows of one scale: the chart's drawing, notes and rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from hecht.scales.change import ChangeCategory, reliable_difference
from hecht.scales.model import ScaleDefinition
from hecht.scales.series import (
    TOTAL,
    Axis,
    Discrepancy,
    Event,
    Guides,
    Observation,
    Step,
    Timeline,
    Trajectory,
    build_trajectory,
    compares_partners,
    discrepancies,
    guides,
)
from hecht.tui.views.formatting import formatter
from hecht.tui.widgets.trajectory_chart import Bars, Drawing, Series

if TYPE_CHECKING:
    from hecht.schema.services.trajectories import TrajectoryPoint, TrajectoryView
    from hecht.tui.i18n import Messages

# Colours are ANSI numbers, so the chart (plotext), the notes (Textual's "ansi_…" names) and
# the table (Rich's "color(n)") show the same colour in every theme.
CLIENT, PARTNER = 14, 11  # bright cyan, bright yellow
SUBSCALE_COLORS = (12, 2, 15, 7)  # bright blue, green, white, light grey
CUTOFF, BAND, EVENT = 1, 8, 12  # red, dark grey, bright blue
IMPROVED, DETERIORATED, DISCREPANCY = 10, 9, 15  # bright green, bright red, white
LINE_MARKER, POINT_MARKER = "hd", "●"
IMPROVED_MARKER, DETERIORATED_MARKER, DISCREPANCY_MARKER = "▲", "✖", "┃"
STYLES = {
    ChangeCategory.RECOVERED: f"bold color({IMPROVED})",
    ChangeCategory.IMPROVED: f"color({IMPROVED})",
    ChangeCategory.DETERIORATED: f"bold color({DETERIORATED})",
}


ANSI_NAMES = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def swatch(color: int, symbol: str) -> Content:
    """A symbol in a chart colour (ANSI 0-15), for the notes beneath the chart."""
    name = ANSI_NAMES[color % 8] if color < 8 else f"bright_{ANSI_NAMES[color % 8]}"
    return Content.styled(symbol, f"ansi_{name}")


@dataclass(frozen=True)
class ScaleTrajectory:
    """One scale's trajectory for the client, with the partner's and their differences."""

    definition: ScaleDefinition
    client: Trajectory
    partner: Trajectory | None
    pairs: tuple[Discrepancy, ...]
    guides: Guides


def local_date(moment: datetime) -> date:
    """The calendar day of a stored moment (UTC in storage) in the user's time zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone().date()


def observations(
    points: Sequence[TrajectoryPoint], visit_numbers: dict[int, int]
) -> list[Observation]:
    """Turn stored trajectory points into the plain observations ``hecht.scales`` charts."""
    return [
        Observation(
            observed_on=local_date(point.observed_at),
            total=point.total if point.valid else None,
            subscales=point.subscales,
            visit=visit_numbers.get(point.visit_lineage_id or -1),
            band=point.band,
        )
        for point in points
    ]


def prepare(definition: ScaleDefinition, view: TrajectoryView) -> ScaleTrajectory:
    """Build the client's (and partner's) trajectory of a scale from a ``TrajectoryView``."""
    timeline = Timeline(view.due_date, view.birth_date)
    mine = observations([p for p in view.points if p.scale_id == definition.id], view.visit_numbers)
    theirs = observations(
        [p for p in view.partner_points if p.scale_id == definition.id], view.visit_numbers
    )
    partner = build_trajectory(definition, theirs, timeline) if theirs else None
    pairs = discrepancies(definition, mine, theirs) if compares_partners(definition) else []
    return ScaleTrajectory(
        definition, build_trajectory(definition, mine, timeline), partner, tuple(pairs),
        guides(definition),
    )  # fmt: skip


def tick_label(scale: ScaleTrajectory, axis: Axis, position: float, text: Messages) -> str:
    """How a position on the axis reads: a visit number, a date, or a week of pregnancy or
    after the birth (P26 or Z26, PP6), in the user's language; nothing before the pregnancy."""
    shown = formatter(text.language)
    if axis is Axis.VISIT:
        return f"{position:g}"
    if axis is Axis.DATE:
        return shown.date(date.fromordinal(round(position)))
    week = scale.client.timeline.week_at(position)
    return "" if week is None else shown.week(text, week)


def _range(values: Sequence[float], pad_at_least: float) -> tuple[float, float]:
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = max((high - low) * 0.04, pad_at_least)
    return low - pad, high + pad


def nice_ticks(low: float, high: float, most: int = 7) -> tuple[float, ...]:
    """Round values from low to high for the vertical axis: 0, 5, 10 … rather than 3.5, 7.0."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500):
        first = math.ceil(low / step) * step
        if (high - first) // step + 1 <= most:
            return tuple(float(first + n * step) for n in range(int((high - first) // step) + 1))
    return (low, high)


def _ylim(scale: ScaleTrajectory, subscales: bool) -> tuple[float, float]:
    ranges = [scale.definition.scoring.range]
    if subscales or not scale.definition.scoring.total:
        ranges += [subscale.range for subscale in scale.definition.subscales]
    return min(low for low, _ in ranges), max(high for _, high in ranges)


def _lines(
    scale: ScaleTrajectory, axis: Axis, subscales: bool, who: Sequence[str], text: Messages
) -> list[Series]:
    names = {sub.id: sub.label.get(text.language) for sub in scale.definition.subscales}
    found = []
    for n, line in enumerate(scale.client.lines(axis, subscales=subscales)):
        total = line.key == TOTAL
        color = CLIENT if total else SUBSCALE_COLORS[n % len(SUBSCALE_COLORS)]
        label = who[0] if total else names[line.key]
        found.append(Series(line.xs, line.ys, color, LINE_MARKER, label))
    if scale.partner is not None and scale.definition.scoring.total:
        line = scale.partner.line(axis)
        partner = who[1] if len(who) > 1 else None
        found.append(Series(line.xs, line.ys, PARTNER, LINE_MARKER, partner))
    return [series for series in found if series.xs]  # no valid total yet: no line to draw


def _markers(scale: ScaleTrajectory, axis: Axis, text: Messages) -> list[Series]:
    found = []
    for category, color, marker in (
        (ChangeCategory.IMPROVED, IMPROVED, IMPROVED_MARKER),
        (ChangeCategory.DETERIORATED, DETERIORATED, DETERIORATED_MARKER),
    ):
        line = scale.client.reliable(axis, category)
        label = text(f"trajectory.legend.{category.value}")
        found.append(Series(line.xs, line.ys, color, marker, label, joined=False))
    return [series for series in found if series.xs]


def _discrepancy(scale: ScaleTrajectory, axis: Axis, label: str) -> tuple[Bars, ...]:
    """Bars joining the partners' totals at the visits where they differ reliably (if any)."""
    at_visit = {s.observation.visit: s.positions[axis] for s in scale.client.steps}
    found = [
        (x, *sorted((pair.first, pair.second)))
        for pair in scale.pairs
        if pair.flagged and (x := at_visit.get(pair.visit)) is not None
    ]
    if not found:
        return ()
    xs, lows, highs = zip(*found, strict=True)
    return (Bars(xs, lows, highs, DISCREPANCY, DISCREPANCY_MARKER, label),)


def drawing(
    scale: ScaleTrajectory, axis: Axis, subscales: bool, who: Sequence[str], text: Messages
) -> Drawing:
    """The chart of a scale on an axis: lines, guides, markers and ticks."""
    lines = _lines(scale, axis, subscales, who, text)
    event = scale.client.event_position(axis)
    xs = [x for series in lines for x in series.xs] + ([] if event is None else [event])
    shown = formatter(text.language)
    ticks = sorted(set(xs))
    cutoff = scale.guides.cutoff
    low, high = _ylim(scale, subscales)
    return Drawing(
        series=tuple(lines),
        points=tuple(
            Series(line.xs, line.ys, line.color, POINT_MARKER, joined=False) for line in lines
        ),
        bars=_discrepancy(scale, axis, text("trajectory.legend.discrepancy")),
        extra=tuple(_markers(scale, axis, text)),
        hlines=tuple((value, BAND) for value in scale.guides.bands)
        + (() if cutoff is None else ((cutoff.value, CUTOFF),)),
        vlines=() if event is None else ((event, EVENT),),
        xlim=_range(xs, 0.5 if axis is Axis.VISIT else 1.0),
        ylim=(low, high),
        yticks=tuple((value, shown.score(value)) for value in nice_ticks(low, high)),
        xticks=tuple((x, tick_label(scale, axis, x, text)) for x in ticks),
        xlabel=text(f"trajectory.axis.{axis.value}"),
    )


def notes(scale: ScaleTrajectory, axis: Axis, text: Messages) -> list[Content]:
    """The lines beneath the chart that say what its guides and markers mean."""
    found = [_cutoff_note(scale, text), _change_note(scale, text)]
    timeline, event = scale.client.timeline, scale.client.timeline.event
    if event is None:
        found.append(Content(text("trajectory.note.no_week_axis")))
    elif axis is Axis.WEEK:
        when = timeline.birth_date if event is Event.BIRTH else timeline.due_date
        shown = formatter(text.language).date(when)
        found.append(swatch(EVENT, "│") + " " + text(f"trajectory.note.{event.value}", date=shown))
    off = sum(1 for step in scale.client.steps if step.positions[axis] is None)
    if off:
        fmt = formatter(text.language)
        scores = fmt.count(text, "count.score", off)
        key = f"trajectory.note.off_axis.{axis.value}"
        found.append(Content(fmt.plural(text, key, off, count=scores)))
    if scale.pairs:
        found.append(_partner_note(scale, text))
    return found


def _cutoff_note(scale: ScaleTrajectory, text: Messages) -> Content:
    cutoff = scale.guides.cutoff
    if cutoff is None:
        return Content(text("trajectory.note.no_cutoff"))
    source = (
        text("trajectory.cutoff.published")
        if cutoff.method == "published"
        else text("trajectory.cutoff.computed", method=cutoff.method)
    )
    line = (
        swatch(CUTOFF, "──")
        + " "
        + text("trajectory.note.cutoff", value=_score(cutoff.value, text), source=source)
    )
    if scale.guides.bands:
        values = ", ".join(_score(value, text) for value in scale.guides.bands)
        line += Content.assemble(
            " · ", swatch(BAND, "──"), " ", text("trajectory.note.bands", values=values)
        )
    return line


def _change_note(scale: ScaleTrajectory, text: Messages) -> Content:
    params = scale.definition.change
    if params is None:
        return Content(text("trajectory.note.no_change_parameters"))
    limit = params.criterion * params.s_diff  # the smallest reliable change, in points
    return Content.assemble(
        swatch(IMPROVED, IMPROVED_MARKER),
        f" {text('trajectory.legend.improved')} · ",
        swatch(DETERIORATED, DETERIORATED_MARKER),
        f" {text('trajectory.legend.deteriorated')} · ",
        text("trajectory.note.reliable_change", value=_score(limit, text)),
    )


def _partner_note(scale: ScaleTrajectory, text: Messages) -> Content:
    limit = reliable_difference(scale.definition)
    if limit is None:
        return Content(text("trajectory.note.no_reliable_difference"))
    flagged = [f"{pair.visit}" for pair in scale.pairs if pair.flagged]
    visits = ", ".join(flagged) if flagged else text("trajectory.note.none")
    return (
        swatch(DISCREPANCY, DISCREPANCY_MARKER)
        + " "
        + text("trajectory.note.reliable_difference", value=_score(limit, text), visits=visits)
    )


COLUMNS = ("date", "week", "score", "band", "change", "category")


def columns(scale: ScaleTrajectory, text: Messages) -> list[str]:
    """The table's headings: the partner's score and the difference only for a couple."""
    names = list(COLUMNS)
    if scale.partner is not None:
        names.append("partner")
    if scale.pairs:
        names.append("difference")
    return [text(f"trajectory.column.{name}") for name in names]


def rows(scale: ScaleTrajectory, text: Messages) -> list[list[str | Text]]:
    """One row per administration of the client, oldest first."""
    language = text.language
    bands = {b.id: b.label.get(language) for b in scale.definition.interpretation.bands}
    theirs = () if scale.partner is None else scale.partner.steps
    partner = {step.observation.visit: step.observation.total for step in theirs}
    pairs = {pair.visit: pair for pair in scale.pairs}
    valid = sum(1 for step in scale.client.steps if step.observation.total is not None)
    shown = formatter(language)
    found: list[list[str | Text]] = []
    for step in scale.client.steps:
        seen = step.observation
        row: list[str | Text] = [
            shown.date(seen.observed_on),
            shown.week(text, step.week),
            _score_cell(scale, seen, text),
            bands.get(seen.band or "", seen.band or "—"),
            _change_cell(scale, step, valid, text),
            _category_cell(step, text),
        ]
        if scale.partner is not None:
            total = partner.get(seen.visit) if seen.visit is not None else None
            row.append(_score(total, text))
        if scale.pairs:
            row.append(_difference_cell(pairs.get(seen.visit or -1), text))
        found.append(row)
    return found


def _score_cell(scale: ScaleTrajectory, seen: Observation, text: Messages) -> str:
    """The total, or for a scale without one (ECR-RS, SRIS, SSAS) its subscales."""
    if scale.definition.scoring.total:
        return text("trajectory.invalid") if seen.total is None else _score(seen.total, text)
    shown = formatter(text.language).subscales(scale.definition, seen.subscales)
    return shown or text("trajectory.invalid")


def _change_cell(scale: ScaleTrajectory, step: Step, valid: int, text: Messages) -> str:
    if step.observation.total is None:
        return "—"
    if step is scale.client.baseline:
        return text("trajectory.no_change_yet" if valid == 1 else "trajectory.baseline")
    assert step.change is not None
    return _score(step.change.difference, text, signed=True)


def _category_cell(step: Step, text: Messages) -> Text:
    if step.change is None:
        return Text("")
    category = step.change.category
    if category is None:
        return Text("—")
    marker = ""
    if step.reliable_category is ChangeCategory.DETERIORATED:
        marker = f"{DETERIORATED_MARKER} "
    elif step.reliable_category is not None:  # improved or recovered
        marker = f"{IMPROVED_MARKER} "
    label = marker + text(f"category.{category.value}")
    return Text(label, style=STYLES.get(category, ""))


def _difference_cell(pair: Discrepancy | None, text: Messages) -> Text:
    if pair is None:
        return Text("—")
    if pair.flagged:
        flagged = f"{_score(pair.difference, text, signed=True)} {DISCREPANCY_MARKER}"
        return Text(flagged, style=f"bold color({DISCREPANCY})")
    return Text(_score(pair.difference, text, signed=True))


def _score(value: float | None, text: Messages, *, signed: bool = False) -> str:
    """A score, change or limit as the user's language writes it (23,6 in Dutch)."""
    return formatter(text.language).score(value, signed=signed)
