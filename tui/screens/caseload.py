"""Provides the caseload: every client in active care, filtered as you type, Enter opens."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Input, OptionList

from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.startup import resume_collection
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.cells import clipped
from hecht.tui.views.signal_text import direction, explain, marks
from hecht.tui.widgets.plain import Plain, PlainOptions, PlainTable, choice

COLUMNS = ("code", "signals", "name", "week", "wellbeing", "relationship", "last_visit", "visits")
"""The table's columns, most needed first: at 80 columns the last ones may fall off the edge,
never the signals."""
WELLBEING, RELATIONSHIP = "who5", "csi4"
NAME_WIDTH = 30
"""Cells the name column takes at most: a longer name is cut with an ellipsis (the dossier shows
it whole), so it never pushes the scores off the screen."""


def trend(latest: Any, score: Any) -> str:
    """A total with an arrow for its direction since the administration before."""
    if latest is None or latest.total is None:
        return "—"
    arrow = direction(latest)
    return f"{score(latest.total)} {arrow}" if arrow else score(latest.total)


class CaseloadScreen(HechtScreen[None]):
    """Home: the clients in active care with what to look at first."""

    BINDINGS = [
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("enter", "open", "Open", id="caseload.open"),
        Binding("ctrl+n", "new_client", "New client", id="caseload.new_client"),
        Binding("ctrl+o", "new_couple", "New couple", id="caseload.new_couple"),
        Binding("f8", "privacy", "Privacy", id="caseload.privacy"),
        Binding("f5", "reload", "Reload", id="caseload.reload"),
        Binding("f6", "open_supervision", "Supervision", id="caseload.supervision"),
        Binding("f7", "open_outcomes", "Outcomes", id="caseload.outcomes"),
        Binding(
            "f4",
            "open_scales",
            "Scales",
            id="caseload.scales",
            show=False,  # no room in the footer at 120 columns; F1 and the palette list it
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []
        self._waiting_for_name = False
        """The first start without a practitioner's name: the rows are read once it is given,
        so that even the first listing of the caseload is logged under it."""
        self._highlight: str | None = None
        """A client to highlight once rows holding them arrive (the one just registered)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.text("caseload.filter"), id="caseload-filter")
        yield PlainTable(id="caseload-table", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="caseload-signals")
        yield Plain(self.text("caseload.loading"), id="caseload-empty")
        yield KeyBar()  # the first-run choices are mounted only for an empty caseload

    def on_mount(self) -> None:
        table = self.query_one(PlainTable)
        table.add_columns(*(self.text(f"caseload.column.{name}") for name in COLUMNS))
        self.query_one("#caseload-filter", Input).focus()
        self.call_after_refresh(self._after_first_frame)

    def on_screen_resume(self) -> None:
        """Back from a dossier or another screen: show the stored truth again, when it may have
        changed (something was stored meanwhile, or others share the database)."""
        if self._waiting_for_name and not self.hecht.needs_practitioner:
            self._waiting_for_name = False  # the name was given: now the rows
            self.action_reload()
        elif self.shown_may_be_stale():
            self.action_reload()

    def _after_first_frame(self) -> None:
        """Read the rows only now: storage imports would otherwise delay the first frame. With
        no practitioner named yet, storage opens first and asks the name; the rows follow it."""
        if self.hecht.needs_practitioner:
            self._waiting_for_name = True
            resume_collection()
            self.hecht.open_storage_to_ask_the_name()
            return
        self.action_reload()

    def action_reload(self) -> None:
        """Read the caseload in a worker; the table fills when it arrives."""
        self._load()

    @holding_keys(group="caseload")
    def _load(self) -> None:
        """Read the rows; keys typed meanwhile wait, so Enter opens the client now shown."""
        from hecht.schema.errors import DatabaseOpenError
        from hecht.tui.backend.core import signal_thresholds

        try:
            generation = self.backend.generation
            rows = self.backend.caseload(signal_thresholds(self.config))
        except DatabaseOpenError:
            # opening storage meets the same refusal, says why and ends the app
            self.app.call_from_thread(self.hecht.open_storage)
            return
        except Exception as error:
            if not self.said_not_read(error):  # the rows shown stay; F5 reads again
                raise
            return
        self.app.call_from_thread(self._show, rows, generation)

    def _show(self, rows: list[Any], generation: int) -> None:
        self._seen_generation = generation
        self.rows = rows
        self._fill()
        self.call_after_refresh(self._after_rows_painted)

    def _after_rows_painted(self) -> None:
        """Start-up ends once the rows are painted; storage proper opens only then."""
        resume_collection()
        self.hecht.open_storage()

    @on(Input.Changed, "#caseload-filter")
    def _filter_changed(self) -> None:
        self._fill()

    def _fill(self) -> None:
        from hecht.schema.matching import finds  # the rule of `hecht client find` too

        table = self.query_one(PlainTable)
        highlighted = self._highlight or self.selected_code()
        table.clear()
        wanted = self.query_one("#caseload-filter", Input).value.strip()
        private = self.hecht.privacy
        fmt, text = self.fmt, self.text
        shown = 0
        for row in self.rows:
            name = "" if private else (row.name or "")
            if wanted and not finds(wanted, row.code, name):
                continue
            signals = marks(row.signals)
            couple = f" + {row.partner_code}" if row.partner_code else ""
            table.add_row(
                row.code + couple, signals, clipped(name, NAME_WIDTH), fmt.week(text, row.week),
                trend(row.latest.get(WELLBEING), fmt.score),
                trend(row.latest.get(RELATIONSHIP), fmt.score),
                fmt.date(row.last_visit), str(row.visits),
                key=row.code,
            )  # fmt: skip
            shown += 1
        if highlighted is not None and highlighted in table.rows:
            table.move_cursor(row=table.get_row_index(highlighted))
            if highlighted == self._highlight:
                # shown: done. Rows read before the client was registered (a reload still on its
                # way) keep it waiting, or Enter typed ahead would open the row before it.
                self._highlight = None
        empty = self.query_one("#caseload-empty", Plain)
        empty.update("" if self.rows else self.text("caseload.empty"))
        self._offer_first_steps(self.read_once and not self.rows)
        self._explain_signals()

    def _offer_first_steps(self, offer: bool) -> None:
        """With no clients at all, offer to add the first one or to open the demo practice."""
        shown = self.query("#first-run")
        if offer and not shown:
            first_run = PlainOptions(
                choice(self.text("caseload.first_client"), "first-client"),
                choice(self.text("caseload.open_demo"), "open-demo"),
                id="first-run",
            )
            self.mount(first_run, after="#caseload-empty")
            first_run.highlighted = 0
            self.call_after_refresh(first_run.focus)  # once it is laid out
        elif not offer and shown:
            shown.remove()
            self.call_after_refresh(self.query_one("#caseload-filter", Input).focus)

    @on(OptionList.OptionSelected, "#first-run")
    def _first_step(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "first-client":
            self.action_new_client()
            return
        self.query("#first-run").remove()
        self.query_one("#caseload-filter", Input).focus()
        self.query_one("#caseload-empty", Plain).update(self.text("caseload.demo_building"))
        self._open_demo()

    @holding_keys(group="caseload-demo")
    def _open_demo(self) -> None:
        """Build (the first time) and open the demo practice; the caseload then shows it."""
        try:
            self.backend.open_demo()
        except Exception as error:  # noqa: BLE001 - said on screen, never a traceback
            message = self.text("caseload.demo_failed", reason=str(error))
            self.app.call_from_thread(self.query_one("#caseload-empty", Plain).update, message)
            return
        self.app.call_from_thread(self.app.notify, self.text("caseload.demo_opened"))
        self.app.call_from_thread(self.action_reload)

    @on(DataTable.RowHighlighted, "#caseload-table")
    def _explain_signals(self) -> None:
        """Say in words what the highlighted row's signal marks mean, on one line."""
        strip = self.query_one("#caseload-signals", Plain)
        code = self.selected_code()
        row = next((row for row in self.rows if row.code == code), None)
        said = ""
        if row is not None and not row.signals:
            said = self.text("caseload.no_signals", code=row.code)
        elif row is not None:
            said = " · ".join(f"{marks([s])} {explain(s, self.text)}" for s in row.signals)
        strip.update(said)
        strip.tooltip = Content(said) if said else None  # the whole line, when it is cut

    def action_open_supervision(self) -> None:
        """Open the supervision screen: signalled clients first, codes only."""
        from hecht.tui.screens.supervision import SupervisionScreen

        self.app.push_screen(SupervisionScreen())

    def action_open_outcomes(self) -> None:
        """Open the practice's outcomes, overall and per group."""
        from hecht.tui.screens.outcomes import OutcomesScreen

        self.app.push_screen(OutcomesScreen())

    def action_open_scales(self) -> None:
        """Open the scale catalogue: every scale's facts, as ``hecht scales show`` gives them."""
        from hecht.tui.screens.scales import ScalesScreen

        self.app.push_screen(ScalesScreen())

    def action_cursor(self, step: int) -> None:
        """Move the highlighted row while the filter keeps the focus."""
        table = self.query_one(PlainTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    def selected_code(self) -> str | None:
        """The code of the highlighted client, if any."""
        table = self.query_one(PlainTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_open(self) -> None:
        """Open the highlighted client's dossier."""
        code = self.selected_code()
        if code is not None:
            self.hecht.open_dossier(code)

    def action_privacy(self) -> None:
        """Hide names (supervision, a screen others can see) or show them again."""
        self.hecht.privacy = not self.hecht.privacy
        self._fill()

    def action_new_client(self) -> None:
        """Register a client in a form; the caseload reloads after."""
        from hecht.tui.dialogs.new_client import NewClientModal

        self.app.push_screen(NewClientModal(), self._registered)

    def _registered(self, code: str | None) -> None:
        """Show the client just registered (highlighted), or nothing new after Escape."""
        if code is not None:
            self._highlight = code
            self.query_one("#caseload-filter", Input).value = ""
            self.action_reload()

    def action_new_couple(self) -> None:
        """Pair two registered clients; the highlighted one is offered as the first."""
        from hecht.tui.dialogs.couple_form import NewCoupleModal

        self.app.push_screen(
            NewCoupleModal(self.selected_code() or ""),
            lambda couple: self.action_reload() if couple is not None else None,
        )

    @on(Input.Submitted, "#caseload-filter")
    def _filter_submitted(self) -> None:
        self.action_open()
