"""Provides the trajectory chart's redraw benchmark (issue 5), as ratios to baselines of one run.

    python bench/chart_redraw.py [--points 40] [--runs 41]

A headless 120×40 app shows the trajectory screen of a synthetic client with 40 EPDS scores, then
a couple with 40 relationship scores each (a CSI-4 given a reliable change of 5 points here, so
discrepancies are flagged and drawn; two independent random walks differ at most visits, a worst
case for the number of bars drawn). Measured, as the median of repeated redraws that alternate
between two drawings (so each one really builds):
- the chart's redraw: plotext's build and its conversion to Rich text (``TrajectoryChart.render``);
- the screen's redraw: title, notes, table and the chart's redraw (what one key press costs);
- for comparison, the same drawing the way textual-plotext renders it (build + ``Text.from_ansi``).
Baselines from the same run: an empty plotext figure of the chart's size rendered the way
textual-plotext does, and a ``Static`` updated and rendered. Goal: chart redraw <= 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual_plotext.plot import Plot

from hecht.scales.library import ScaleLibrary, load_library
from hecht.scales.model import Change
from hecht.scales.series import Axis
from hecht.schema.services.trajectories import TrajectoryPoint
from hecht.tui.app import HechtApp
from hecht.tui.i18n import Messages
from hecht.tui.screens.trajectory import TrajectoryScreen
from hecht.tui.widgets.plotext_build import theme_name
from hecht.tui.widgets.trajectory_chart import TrajectoryChart

SIZE = (120, 40)
START, DUE, BIRTH = date(2026, 1, 5), date(2026, 6, 1), date(2026, 5, 28)


def points(client_id: int, scale_id: str, totals: list[float]) -> list[TrajectoryPoint]:
    """Weekly completed scores, each at its own visit (visit lineage n is visit number n)."""
    return [
        TrajectoryPoint(
            administration_id=client_id * 1000 + n, lineage_id=client_id * 1000 + n,
            client_id=client_id, scale_id=scale_id, scale_version="1",
            observed_at=datetime.combine(START + timedelta(weeks=n), datetime.min.time(), UTC),
            episode_lineage_id=1, total=total, band=None, valid=True, subscales={},
            visit_lineage_id=n + 1,
        )
        for n, total in enumerate(totals)
    ]  # fmt: skip


def walk(rng: random.Random, count: int, low: int, high: int) -> list[float]:
    """A bounded random walk of whole scores."""
    value, found = (low + high) // 2, []
    for _ in range(count):
        value = min(high, max(low, value + rng.randint(-3, 3)))
        found.append(float(value))
    return found


def view(count: int, couple: bool) -> Any:
    """A ``TrajectoryView``-shaped client (and partner) with ``count`` scores each."""
    rng = random.Random(5)
    client = SimpleNamespace(code="MOM-1", name="Mira de Vries")
    partner = SimpleNamespace(code="DAD-1", name="Sam de Vries") if couple else None
    scale, high = ("csi4", 21) if couple else ("epds", 30)
    return SimpleNamespace(
        client=client, partner=partner,
        points=points(1, scale, walk(rng, count, 0, high)),
        partner_points=points(2, scale, walk(rng, count, 0, high)) if couple else [],
        visit_numbers={n + 1: n + 1 for n in range(count)}, due_date=DUE, birth_date=BIRTH,
    )  # fmt: skip


def library_with_relationship_change() -> ScaleLibrary:
    """The shipped library, its CSI-4 given a reliable change so partner flags are drawn."""
    library = load_library(None)
    entry = library.entries[("csi4", "1")]
    changed = entry.definition.model_copy(update={"change": Change(reliable_change=5)})
    library.entries[("csi4", "1")] = replace(entry, definition=changed)
    return library


class Bench(App[None]):
    """Just enough of Hecht's app for the trajectory screen: its stylesheet (which sizes the
    chart), messages, privacy and a backend."""

    CSS_PATH = HechtApp.CSS_PATH

    def __init__(self, data: Any, library: ScaleLibrary) -> None:
        super().__init__()
        self.messages = Messages("en")
        self.privacy = False
        self.backend = SimpleNamespace(library=library, trajectory=lambda _code: data)

    def compose(self) -> ComposeResult:
        yield Static("", id="baseline")

    def on_mount(self) -> None:
        self.push_screen(TrajectoryScreen("MOM-1"))


def interleaved_medians(works: dict[str, Callable[[int], None]], runs: int) -> dict[str, float]:
    """The median time of each ``work(i)`` in milliseconds, measured in turn within each run.

    Taking turns spreads any load from other processes over every measurement alike, so the
    ratios stay meaningful on a busy machine.
    """
    for work in works.values():
        work(0)  # warm caches (styles, imports) outside the measurement
    times: dict[str, list[float]] = {name: [] for name in works}
    for index in range(1, runs + 1):
        for name, work in works.items():
            began = time.perf_counter()
            work(index)
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(found) * 1000 for name, found in times.items()}


async def measure(data: Any, library: ScaleLibrary, runs: int) -> dict[str, float]:
    """Time the chart's and the screen's redraws and the baselines, in one app run."""
    app = Bench(data, library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        gc.collect()
        gc.freeze()  # as Hecht does after start-up: what exists now is never walked again
        screen = app.screen
        assert isinstance(screen, TrajectoryScreen)
        chart = screen.query_one(TrajectoryChart)
        width, height = chart.size
        assert height > 20, f"the chart should fill most of the screen, not {width}x{height}"
        theme = theme_name(chart, app.theme)
        screen.axis = screen.shown_axis(screen.current)  # type: ignore[arg-type]
        screen.redraw()
        low, high = chart.drawing.ylim  # two drawings unlike any the screen draws itself
        first = replace(chart.drawing, ylim=(low - 1, high))
        second = replace(chart.drawing, ylim=(low - 2, high))

        def chart_redraw(index: int) -> None:
            chart.show(first if index % 2 else second)
            chart.render()

        def screen_redraw(index: int) -> None:
            screen.axis = Axis.VISIT if index % 2 else Axis.DATE  # a new drawing each time
            screen.redraw()
            chart.render()

        def plotext_ansi(index: int) -> None:
            chart.show(first if index % 2 else second)
            chart.set_up(width, height, theme)
            Text.from_ansi(chart.plt.build())

        empty = Plot()
        empty.plotsize(width, height)
        empty._set_size(width, height)

        def empty_plot(_index: int) -> None:
            Text.from_ansi(empty.build())

        static = app.query_one("#baseline", Static)

        def static_update(index: int) -> None:
            static.update(f"update {index}")
            static.render()

        before = chart.builds
        found = interleaved_medians(
            {
                "chart redraw": chart_redraw,
                "screen redraw (key press)": screen_redraw,
                "same drawing via plotext ANSI": plotext_ansi,
                "baseline: empty PlotextPlot": empty_plot,
                "baseline: Static update": static_update,
            },
            runs,
        )
        # every measured chart and screen redraw really built (the ANSI path builds apart)
        assert chart.builds - before == 2 * (runs + 1)
        gc.unfreeze()
        return found


def describe(data: Any, library: ScaleLibrary) -> str:
    """What the chart holds: how many reliable changes and flagged partner differences."""
    from hecht.tui.views.trajectory_drawing import prepare

    scale_id = data.points[0].scale_id
    scale = prepare(library.get(scale_id), data)
    reliable = sum(1 for step in scale.client.steps if step.reliable_category is not None)
    flagged = sum(1 for pair in scale.pairs if pair.flagged)
    return f"{reliable} reliable changes marked, partners flagged at {flagged} visits"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    library = library_with_relationship_change()
    asyncio.run(measure(view(args.points, True), library, 5))  # warm up: imports, first app
    print(f"trajectory screen at {SIZE[0]}x{SIZE[1]}, {args.points} points, {args.runs} runs")
    print(f"{'benchmark':<44} {'median':>9} {'/empty':>7} {'/static':>8}  goal")
    for label, couple in (("one client (EPDS)", False), ("couple (CSI-4, flags)", True)):
        data = view(args.points, couple)
        found = asyncio.run(measure(data, library, args.runs))
        empty, static = found["baseline: empty PlotextPlot"], found["baseline: Static update"]
        print(f"-- {label}: {describe(data, library)}")
        for name, value in found.items():
            goal = "<= 16 ms" if name == "chart redraw" else ""
            print(
                f"{name:<44} {value:>7.2f}ms {value / empty:>6.2f}x {value / static:>7.1f}x  {goal}"
            )


if __name__ == "__main__":
    main()
