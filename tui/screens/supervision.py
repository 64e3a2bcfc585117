"""Provides the supervision screen: clients in care, signalled first, and one page on each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline

from hecht.scales.model import Direction
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import RedrawingScreen
from hecht.tui.views.alert_text import closed_state
from hecht.tui.views.signal_text import explain, marks
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainTable

if TYPE_CHECKING:
    from hecht.scales.model import ScaleDefinition
    from hecht.tui.i18n import Messages

COLUMNS = ("code", "week", "signals")
"""The list's columns, labelled as ``supervision.column.<name>``."""


def weeks_ago(weeks: int | None, text: Messages) -> str:
    """Say how long ago something was in weeks ("this week", "1 week ago", "3 weeks ago")."""
    if weeks is None:
        return "—"
    if weeks <= 1:
        return text(f"supervision.weeks_ago.{max(weeks, 0)}")
    return text("supervision.weeks_ago.n", weeks=weeks)


def score_text(line: Any, band: str, text: Messages) -> Content:
    """One scale's latest total, band and change since the baseline with its J&T category."""
    from hecht.tui.views.formatting import formatter

    score = formatter(text.language).score
    latest = score(line.latest)
    if line.change is None:
        change = text("supervision.score.once")
    else:
        category = (
            text(f"category.{line.category}")
            if line.category
            else text("supervision.no_reliable_change")
        )
        change = text(
            "supervision.score.change",
            change=score(line.change, signed=True),
            baseline=score(line.baseline),
            category=category,
        )
    band_part = f" {band}" if band else ""
    return Content.assemble((latest, "bold"), f"{band_part} · {change}")


def alert_text(alert: Any, scale: str, text: Messages) -> str:
    """An alert of the episode, when it was raised and what was done about it."""
    if alert.acknowledged:
        state = closed_state(alert.action, text, "supervision")
    else:
        state = text("supervision.alert.open")
    return text(
        "supervision.alert.line",
        scale=scale,
        item=alert.item,
        level=alert.level,
        when=weeks_ago(alert.weeks_ago, text),
        state=state,
    )


def _lower_is_better(definition: ScaleDefinition | None) -> bool:
    return definition is not None and definition.scoring.direction is Direction.HIGHER_IS_WORSE


class SupervisionScreen(RedrawingScreen[None]):
    """The meeting's list: codes, weeks and signal marks; the highlighted client's page beside.

    Privacy holds here whatever the app's setting: the packet carries no names, no contact data
    and no calendar dates, only codes, perinatal weeks and weeks ago.
    """

    DEFAULT_CSS = """
    /* the list (codes, weeks, marks) and the highlighted client's page beside it */
    #supervision-title { padding: 0 1; height: auto; }
    #supervision { height: 1fr; }
    #supervision-list { width: 26; height: 1fr; }
    #supervision-case { width: 1fr; height: 1fr; padding: 0 1 0 2; }
    .case-code { color: $accent; }
    .case-heading { text-style: bold; color: $accent; margin-top: 1; }
    .case-muted { color: $text-muted; }
    .case-score-row { height: auto; }
    .case-scale { width: 9; }
    .case-spark { width: 12; margin: 0 2 0 0; }
    .case-spark.up > .sparkline--max-color, .case-spark.down > .sparkline--min-color {
        color: $success;
    }
    .case-spark.up > .sparkline--min-color, .case-spark.down > .sparkline--max-color {
        color: $warning;
    }
    .case-score { width: 1fr; }
    """

    BINDINGS = [
        Binding("f5", "reload", "Reload", id="supervision.reload"),
        Binding("escape", "back", "Back", id="supervision.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Plain(self.text("supervision.loading"), id="supervision-title")
        with Horizontal(id="supervision"):
            yield PlainTable(id="supervision-list", cursor_type="row", zebra_stripes=True)
            yield VerticalScroll(id="supervision-case")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#supervision-list", PlainTable)
        table.add_columns(*(self.text(f"supervision.column.{name}") for name in COLUMNS))
        table.focus()
        self._load()

    def on_screen_resume(self) -> None:
        """Back on this screen: read the packet again when it may be out of date."""
        if self.shown_may_be_stale():
            self._load()

    def action_reload(self) -> None:
        """Read the packet again (after an alert was acknowledged elsewhere, say)."""
        self._load()

    @work(thread=True, exclusive=True, group="supervision")
    def _load(self) -> None:
        from hecht.tui.backend.core import signal_thresholds

        generation = self.backend.generation
        try:
            summaries = self.backend.supervision(signal_thresholds(self.config))
        except Exception as error:
            if not self.said_not_read(error):
                raise
            return
        self.app.call_from_thread(self._show, summaries, generation)

    def _show(self, summaries: list[Any], generation: int) -> None:
        self._seen_generation = generation
        self.summaries = {summary.code: summary for summary in summaries}
        signalled = sum(1 for summary in summaries if summary.signals)
        self.query_one("#supervision-title", Plain).update(
            self.text.styled("supervision.title", clients=len(summaries), signalled=signalled)
        )
        table = self.query_one("#supervision-list", PlainTable)
        table.clear()
        for summary in summaries:
            table.add_row(
                summary.code,
                self.fmt.week(self.text, summary.week),
                marks(summary.signals),
                key=summary.code,
            )
        self.schedule_redraw()

    @on(DataTable.RowHighlighted, "#supervision-list")
    def _highlighted(self) -> None:
        self.schedule_redraw()

    def selected(self) -> Any:
        """The highlighted client's summary, if any."""
        table = self.query_one("#supervision-list", PlainTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.summaries.get(str(key))

    def redraw(self) -> None:
        page = self.query_one("#supervision-case", VerticalScroll)
        page.remove_children()
        summary = self.selected()
        if summary is None:
            page.mount(Plain(self.text("supervision.empty"), classes="case-muted"))
            return
        page.mount_all(self._page(summary))
        page.scroll_home(animate=False)

    def _page(self, summary: Any) -> list[Widget]:
        text = self.text
        partner = f" + {summary.partner_code}" if summary.partner_code else ""
        reasons = ", ".join(text.get(f"reason.{r}", r) for r in summary.referral_reasons) or "—"
        widgets: list[Widget] = [
            Plain(Content.assemble((summary.code, "bold"), partner), classes="case-code"),
            Plain(self._episode_line(summary)),
            Plain(text("supervision.reasons", reasons=reasons)),
        ]
        widgets += self._signals(summary)
        widgets += self._scores(summary)
        alerts = [alert_text(a, self._short_name(a.scale_id), text) for a in summary.alerts]
        widgets += self._section("alerts", alerts, "no_alerts")
        notes = list(summary.note_opening)
        widgets += self._section(
            "note", notes, "note_withheld" if summary.note_withheld else "no_note"
        )
        return widgets

    def _episode_line(self, summary: Any) -> str:
        last = summary.weeks_since_last_visit
        when = weeks_ago(last, self.text)
        return self.text(
            "supervision.episode",
            week=self.fmt.week(self.text, summary.week),
            weeks="—" if summary.weeks_in_care is None else summary.weeks_in_care,
            visits=summary.visits,
            last="" if last is None else self.text("supervision.last_visit", when=when),
        )

    def _section(self, name: str, lines: list[str], empty: str) -> list[Widget]:
        heading = PlainLabel(self.text(f"supervision.heading.{name}"), classes="case-heading")
        if not lines:
            return [heading, Plain(self.text(f"supervision.{empty}"), classes="case-muted")]
        return [heading, Plain("\n".join(lines))]

    def _signals(self, summary: Any) -> list[Widget]:
        lines = [f"{marks([signal])} {explain(signal, self.text)}" for signal in summary.signals]
        return self._section("signals", lines, "no_signals")

    def _scores(self, summary: Any) -> list[Widget]:
        widgets: list[Widget] = [
            PlainLabel(self.text("supervision.heading.scores"), classes="case-heading")
        ]
        if not summary.scores:
            widgets.append(Plain(self.text("supervision.no_scores"), classes="case-muted"))
        for line in summary.scores:
            definition = self._definition(line.scale_id)
            band = self._band_label(definition, line.band)
            better = "down" if _lower_is_better(definition) else "up"
            widgets.append(
                Horizontal(
                    PlainLabel(line.short_name, classes="case-scale"),
                    (
                        Sparkline(line.series, classes=f"case-spark {better}")
                        if len(line.series) > 1
                        else PlainLabel("·", classes="case-spark")  # one score has no trend
                    ),
                    Plain(score_text(line, band, self.text), classes="case-score"),
                    classes="case-score-row",
                )
            )
        return widgets

    def _definition(self, scale_id: str) -> ScaleDefinition | None:
        try:
            return self.backend.library.get(scale_id)
        except KeyError:
            return None

    def _short_name(self, scale_id: str) -> str:
        definition = self._definition(scale_id)
        return scale_id if definition is None else definition.short_name

    def _band_label(self, definition: ScaleDefinition | None, band_id: str | None) -> str:
        """The band's label in the user's language (the packet carries its id)."""
        if definition is None or band_id is None:
            return band_id or ""
        labels = {b.id: b.label.get(self.text.language) for b in definition.interpretation.bands}
        return labels.get(band_id, band_id)

    def action_back(self) -> None:
        """Back to the caseload."""
        self.dismiss(None)
