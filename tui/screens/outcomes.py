"""Provides the practice-outcomes screen: pre–post change per domain and scale, per subgroup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from hecht.scales.model import Direction
from hecht.scales.outcomes import CATEGORY_KEYS
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import RedrawingScreen
from hecht.tui.views.formatting import Formatter
from hecht.tui.views.outcome_text import group_counts
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainTable

if TYPE_CHECKING:
    from rich.console import JustifyMethod

SPLITS = ("all", "referral_reason", "start", "role")
"""The order of the groups: everyone, per referral reason, by start, by role in the family."""
COLUMNS = (
    "scale", "n", "pre", "post", "change", "d_z", "g_av",
    *CATEGORY_KEYS, "baseline_only", "invalid",
)  # fmt: skip
"""The table's columns, labelled as ``outcomes.column.<name>``."""


def fixed(fmt: Formatter, value: float | None, signed: bool = False) -> str:
    """A statistic with two decimals ("—" when it cannot be computed from these pairs)."""
    if value is None:
        return "—"
    shown = fmt.number(abs(value) if signed else value, 2, fixed=True)
    return (("+" if value >= 0 else "-") + shown) if signed else shown


def with_interval(fmt: Formatter, value: float | None, interval: tuple[float, float] | None) -> str:
    """A signed statistic with its 95% interval on the line below: "+4.00\n[-77.33, 85.33]"."""
    if interval is None:
        return fixed(fmt, value, signed=True)
    low, high = (fixed(fmt, bound) for bound in interval)
    return f"{fixed(fmt, value, signed=True)}\n[{low}; {high}]"


def outcome_row(scale: Any, lower_is_better: bool, fmt: Formatter) -> list[str]:
    """One scale's cells; the arrow after its name says which direction is improvement."""
    outcome = scale.outcome
    return [
        f"{scale.short_name} {'↓' if lower_is_better else '↑'}",
        str(outcome.n),
        fixed(fmt, outcome.mean_pre),
        fixed(fmt, outcome.mean_post),
        with_interval(fmt, outcome.mean_change, outcome.ci95),
        fixed(fmt, outcome.d_z, signed=True),
        with_interval(fmt, outcome.g_av, outcome.g_ci95),
        *(fmt.percent(outcome.category_shares.get(key)) for key in CATEGORY_KEYS),
        str(scale.baseline_only),
        str(scale.invalid),
    ]


def widths(rows: list[list[str]]) -> list[int]:
    """The widest line of each column, so that every domain's table lines up with the others."""
    return [
        max(cell_len(line) for cell in column for line in cell.splitlines() or [""])
        for column in zip(*rows, strict=True)
    ]


def ordered_groups(groups: list[Any]) -> list[Any]:
    """Everyone first, then the referral reasons, prenatal/postnatal and mother/partner."""
    rank = {split: index for index, split in enumerate(SPLITS)}
    return sorted(groups, key=lambda group: rank.get(group.split, len(rank)))


def by_domain(scales: list[Any]) -> dict[str, list[Any]]:
    """The scales grouped by domain, in the report's order."""
    found: dict[str, list[Any]] = {}
    for scale in scales:
        found.setdefault(scale.domain, []).append(scale)
    return found


class OutcomesScreen(RedrawingScreen[None]):
    """The practice's outcomes for one group at a time; [ ] step through groups, g picks one."""

    DEFAULT_CSS = """
    /* one table per domain for the chosen group */
    #outcomes-title { padding: 0 1; height: auto; }
    #outcomes-note { padding: 0 1; height: auto; color: $text-muted; }
    #outcomes { height: 1fr; padding: 0 0 0 1; overflow-x: auto; }
    #outcomes DataTable { height: auto; width: auto; }
    .outcomes-domain { text-style: bold; color: $accent; margin-top: 1; }
    .outcomes-footnote { color: $text-muted; }
    .outcomes-empty { margin: 1 0; }
    """

    BINDINGS = [
        Binding("[", "previous_group", "Previous group", id="outcomes.previous_group"),
        Binding("]", "next_group", "Next group", id="outcomes.next_group"),
        Binding("g", "choose_group", "Group", id="outcomes.group"),
        Binding("f5", "reload", "Reload", id="outcomes.reload"),
        Binding("escape", "back", "Back", id="outcomes.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[Any] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Plain(self.text("outcomes.loading"), id="outcomes-title")
        yield Plain(self.text("outcomes.sign_convention"), id="outcomes-note")
        yield VerticalScroll(id="outcomes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#outcomes", VerticalScroll).focus()
        self._load()

    def action_reload(self) -> None:
        """Compute the outcomes again from the stored totals."""
        self._load()

    @work(thread=True, exclusive=True, group="outcomes")
    def _load(self) -> None:
        try:
            report = self.backend.outcomes()
        except Exception as error:
            if not self.said_not_read(error):
                raise
            return
        self.app.call_from_thread(self._loaded, report)

    def _loaded(self, report: Any) -> None:
        if report.caseload_of is not None:  # a practitioner's role: say whose clients these are
            only = self.text("report.outcomes.caseload_only", role=report.caseload_of)
            note = f"{self.text('outcomes.sign_convention')}\n{only}"
            self.query_one("#outcomes-note", Plain).update(note)
        self.groups = ordered_groups(report.groups)
        self.index = min(self.index, len(self.groups) - 1)
        self.schedule_redraw()

    def group_label(self, group: Any) -> str:
        """The group's name in the user's language."""
        if group.split == "referral_reason":
            reason = self.text.get(f"reason.{group.value}", group.value)
            return self.text("outcomes.group.reason", reason=reason)
        return self.text.get(f"outcomes.group.{group.value}", group.value)

    @property
    def group(self) -> Any:
        """The group on screen."""
        return self.groups[self.index] if self.groups else None

    def redraw(self) -> None:
        group = self.group
        if group is None:
            return
        self.query_one("#outcomes-title", Plain).update(
            self.text.styled(
                "outcomes.title",
                group=self.group_label(group),
                counts=group_counts(group, self.text),
                position=self.index + 1,
                count=len(self.groups),
            )
        )
        body = self.query_one("#outcomes", VerticalScroll)
        body.remove_children()
        body.mount_all(self._body(group))
        body.scroll_home(animate=False)

    def _body(self, group: Any) -> list[Widget]:
        widgets: list[Widget] = []
        if not any(scale.outcome.n for scale in group.scales):
            widgets.append(Plain(self.text("outcomes.no_pairs"), classes="outcomes-empty"))
        header = [self.text(f"outcomes.column.{name}") for name in COLUMNS]
        rows = {
            s.scale_id: outcome_row(s, self._lower_is_better(s.scale_id), self.fmt)
            for s in group.scales
        }
        sizes = widths([header, *rows.values()])
        parts = self._parts(sizes)
        for domain, scales in by_domain(group.scales).items():
            heading = self.text.get(f"domain.{domain}", domain)
            widgets.append(PlainLabel(heading, classes="outcomes-domain"))
            for part in parts:  # one table, or two beneath each other on a narrow screen
                widgets.append(
                    self._table(
                        [header[i] for i in part],
                        [[rows[s.scale_id][i] for i in part] for s in scales],
                        [sizes[i] for i in part],
                    )
                )
            without = [s.short_name for s in scales if s.outcome.n and s.outcome.uncategorised]
            if without:
                note = self.text("outcomes.no_reliable_change", scales=", ".join(without))
                widgets.append(Plain(note, classes="outcomes-footnote"))
        return widgets

    def _parts(self, sizes: list[int]) -> list[list[int]]:
        """The columns of each table: all in one where they fit the screen, else the statistics
        and the categories in two tables, each led by the scale's name."""
        every = list(range(len(COLUMNS)))
        if sum(size + 1 for size in sizes) <= self.size.width - 2:
            return [every]
        split = COLUMNS.index(CATEGORY_KEYS[0])
        return [every[:split], [0, *every[split:]]]

    def on_resize(self) -> None:
        self.schedule_redraw()

    @staticmethod
    def _table(header: list[str], rows: list[list[str]], sizes: list[int]) -> PlainTable:
        """A read-only table: figures right-aligned, intervals on a second line.

        One space between columns, not the usual two: fourteen columns then fit 110 terminal
        columns in both languages (the Dutch labels are the longer ones).
        """
        table = PlainTable(cursor_type="none", zebra_stripes=True, header_height=2, cell_padding=0)
        table.can_focus = False
        for index, (label, size) in enumerate(zip(header, sizes, strict=True)):
            justify: JustifyMethod = "left" if index == 0 else "right"
            table.add_column(Text(label, justify=justify), width=size + 1)  # the space before
        for row in rows:
            height = max(len(cell.splitlines()) for cell in row)
            cells: list[str | Text] = [row[0], *(Text(cell, justify="right") for cell in row[1:])]
            table.add_row(*cells, height=height)
        return table

    def _lower_is_better(self, scale_id: str) -> bool:
        try:
            definition = self.backend.library.get(scale_id)
        except KeyError:
            return False
        return definition.scoring.direction is Direction.HIGHER_IS_WORSE

    def _step(self, step: int) -> None:
        if self.groups:
            self.index = (self.index + step) % len(self.groups)
            self.schedule_redraw()

    def action_previous_group(self) -> None:
        """Show the previous group."""
        self._step(-1)

    def action_next_group(self) -> None:
        """Show the next group."""
        self._step(1)

    def action_choose_group(self) -> None:
        """Pick a group from the list of every group with its numbers of episodes and clients."""
        from hecht.tui.dialogs.choice import ChoiceModal

        if not self.groups:
            return
        label, count = self.group_label, self.fmt.count
        choices = [
            (
                str(index),
                self.text(
                    "outcomes.choice",
                    group=label(g),
                    episodes=count(self.text, "count.episode", g.episodes),
                    clients=count(self.text, "count.client", g.clients),
                ),
            )
            for index, g in enumerate(self.groups)
        ]
        self.app.push_screen(ChoiceModal(self.text("outcomes.pick_group"), choices), self._chosen)

    def _chosen(self, chosen: str | None) -> None:
        if chosen is not None:
            self.index = int(chosen)
            self.schedule_redraw()

    def action_back(self) -> None:
        """Back to the caseload."""
        self.dismiss(None)
