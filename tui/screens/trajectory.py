"""Provides the trajectory screen: a client's scores per scale as a chart with a table beneath."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content

from hecht.scales.series import Axis
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import RedrawingScreen
from hecht.tui.views.trajectory_drawing import (
    ScaleTrajectory,
    columns,
    drawing,
    notes,
    prepare,
    rows,
)
from hecht.tui.widgets.plain import Plain, PlainTable
from hecht.tui.widgets.trajectory_chart import TrajectoryChart


class TrajectoryScreen(RedrawingScreen[None]):
    """One client's trajectories: [ ] (or ←/→) choose the scale, x the axis, u the subscales.

    Key presses only change the screen's state; one redraw follows on the next frame however
    many keys arrived, and the chart rebuilds only when what it shows or its size changed.
    """

    DEFAULT_CSS = """
    /* title, chart, what its lines mean, the table of scores */
    #trajectory-title { padding: 0 1; height: auto; }
    #trajectory-chart { height: 1fr; min-height: 12; }
    #trajectory-notes { padding: 0 1; height: auto; color: $text-muted; }
    #trajectory-table { height: 9; }
    """

    BINDINGS = [
        Binding("[", "previous_scale", "Previous scale", id="trajectory.previous_scale"),
        Binding("]", "next_scale", "Next scale", id="trajectory.next_scale"),
        Binding("left", "previous_scale", show=False),
        Binding("right", "next_scale", show=False),
        Binding("x", "cycle_axis", "Axis", id="trajectory.axis"),
        Binding("u", "toggle_subscales", "Subscales", id="trajectory.subscales"),
        Binding("escape", "back", "Back", id="trajectory.back"),
    ]  # fmt: skip

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.view: Any = None
        self.scale_ids: list[str] = []
        self.scale_index = 0
        self.axis = Axis.VISIT
        """The axis asked for; a scale whose scores cannot be placed on it shows another."""
        self.subscales = False
        self._prepared: dict[str, ScaleTrajectory] = {}
        self._table_shows: ScaleTrajectory | None = None

    def compose(self) -> ComposeResult:
        yield Plain(self.text("trajectory.loading"), id="trajectory-title")
        yield TrajectoryChart(id="trajectory-chart")
        yield Plain("", id="trajectory-notes")
        yield PlainTable(id="trajectory-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TrajectoryChart).focus()
        self._load()

    @work(thread=True, exclusive=True, group="trajectory")
    def _load(self) -> None:
        try:
            view = self.backend.trajectory(self.code)
        except Exception as error:
            if not self.said_not_read(error):
                raise
            return
        self.app.call_from_thread(self._loaded, view)

    def _loaded(self, view: Any) -> None:
        library = self.backend.library
        self.view = view
        self.scale_ids = []
        for point in view.points:
            if point.scale_id not in self.scale_ids and point.scale_id in library.ids():
                self.scale_ids.append(point.scale_id)
        self.schedule_redraw()

    @property
    def current(self) -> ScaleTrajectory | None:
        """The trajectory of the scale on screen, built on first view and kept."""
        if not self.scale_ids:
            return None
        scale_id = self.scale_ids[self.scale_index]
        if scale_id not in self._prepared:
            library = self.backend.library
            version = [p for p in self.view.points if p.scale_id == scale_id][-1].scale_version
            try:
                definition = library.get(scale_id, version)
            except KeyError:
                definition = library.get(scale_id)
            self._prepared[scale_id] = prepare(definition, self.view)
        return self._prepared[scale_id]

    def shown_axis(self, scale: ScaleTrajectory) -> Axis:
        """The axis asked for, or the first one this scale's scores can be placed on."""
        axes = scale.client.axes()
        return self.axis if self.axis in axes or not axes else axes[0]

    def redraw(self) -> None:
        scale = self.current
        title = self.query_one("#trajectory-title", Plain)
        if scale is None:
            title.update(self.text("trajectory.empty", who=self._names()[0]))
            return
        axis = self.shown_axis(scale)
        names = self._names()
        title.update(self._title(scale, names))
        self.query_one(TrajectoryChart).show(drawing(scale, axis, self.subscales, names, self.text))
        self.query_one("#trajectory-notes", Plain).update(
            Content("\n").join(notes(scale, axis, self.text))
        )
        if self._table_shows is not scale:  # the table does not change with the axis
            self._table_shows = scale
            table = self.query_one(PlainTable)
            table.clear(columns=True)
            table.add_columns(*columns(scale, self.text))
            table.add_rows(rows(scale, self.text))

    def _names(self) -> list[str]:
        """Who the lines are: names, or codes in privacy mode (or when a name is missing)."""
        private = self.hecht.privacy
        people = [self.view.client] if self.view is not None else []
        if self.view is not None and self.view.partner is not None:
            people.append(self.view.partner)
        return [person.code if private or not person.name else person.name for person in people]

    def _title(self, scale: ScaleTrajectory, names: list[str]) -> Content:
        short, name = scale.definition.short_name, scale.definition.name.get(self.text.language)
        if name.startswith(short):  # "WHO-5 WHO-5 Well-Being Index" says it twice
            name = name[len(short) :].strip()
        who = " + ".join(names[: 2 if scale.partner is not None else 1])
        return self.text.styled(
            "trajectory.title",
            scale=short,
            name=name,
            who=who,
            position=self.scale_index + 1,
            count=len(self.scale_ids),
        )

    def _step_scale(self, step: int) -> None:
        if self.scale_ids:
            self.scale_index = (self.scale_index + step) % len(self.scale_ids)
            self.schedule_redraw()

    def action_previous_scale(self) -> None:
        """Show the client's previous scale."""
        self._step_scale(-1)

    def action_next_scale(self) -> None:
        """Show the client's next scale."""
        self._step_scale(1)

    def action_cycle_axis(self) -> None:
        """Count the horizontal axis in visits, dates, or pregnancy and postpartum weeks."""
        scale = self.current
        if scale is None:
            return
        axes = scale.client.axes()
        shown = self.shown_axis(scale)
        self.axis = axes[(axes.index(shown) + 1) % len(axes)] if shown in axes else shown
        self.schedule_redraw()

    def action_toggle_subscales(self) -> None:
        """Show the subscales beside the total, or hide them again."""
        scale = self.current
        if scale is not None and not scale.definition.subscales:
            self.app.notify(self.text("trajectory.no_subscales"), timeout=3)
            return
        self.subscales = not self.subscales
        self.schedule_redraw()

    def action_back(self) -> None:
        """Back to the dossier."""
        self.dismiss(None)
