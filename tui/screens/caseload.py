"""Provides the caseload: every client in active care, filtered as you type, Enter opens."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from hecht.tui.keybar import KeyBar
from hecht.tui.signal_text import explain, marks
from hecht.tui.startup import resume_collection

COLUMNS = ("code", "name", "week", "last_visit", "visits", "wellbeing", "relationship", "signals")
WELLBEING, RELATIONSHIP = "who5", "csi4"


def trend(latest: Any) -> str:
    """A total with an arrow for its direction since the administration before."""
    if latest is None or latest.total is None:
        return "—"
    arrow = ""
    if latest.previous is not None:
        arrow = (
            " ↑"
            if latest.total > latest.previous
            else " ↓"
            if latest.total < latest.previous
            else " →"
        )
    return f"{latest.total:g}{arrow}"


class CaseloadScreen(Screen[None]):
    """Home: the clients in active care with what to look at first."""

    BINDINGS = [
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("enter", "open", "Open", id="caseload.open", tooltip="Open the dossier"),
        Binding(
            "ctrl+n",
            "new_client",
            "New client",
            id="caseload.new_client",
            tooltip="Register a client",
        ),
        Binding(
            "ctrl+o",
            "new_couple",
            "New couple",
            id="caseload.new_couple",
            tooltip="Pair two clients",
        ),
        Binding("f8", "privacy", "Privacy", id="caseload.privacy", tooltip="Hide or show names"),
        Binding("f5", "reload", "Reload", id="caseload.reload", tooltip="Read the caseload again"),
        Binding(
            "f6",
            "open_supervision",
            "Supervision",
            id="caseload.supervision",
            tooltip="Every client for the supervision meeting, codes only",
        ),
        Binding(
            "f7",
            "open_outcomes",
            "Outcomes",
            id="caseload.outcomes",
            tooltip="The practice's pre–post outcomes",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []

    @property
    def text(self) -> Any:
        """The app's message catalogue."""
        return self.app.messages  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.text("caseload.filter"), id="caseload-filter")
        yield DataTable(id="caseload-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="caseload-signals")
        yield Static(self.text("caseload.loading"), id="caseload-empty")
        yield KeyBar()  # the first-run choices are mounted only for an empty caseload

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(self.text(f"caseload.column.{name}") for name in COLUMNS))
        self.query_one("#caseload-filter", Input).focus()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Read the rows only now: storage imports would otherwise delay the first frame."""
        self.action_reload()

    def action_reload(self) -> None:
        """Read the caseload in a worker; the table fills when it arrives."""
        self._load()

    @work(thread=True, exclusive=True, group="caseload")
    def _load(self) -> None:
        from hecht.schema.errors import DatabaseOpenError
        from hecht.tui.backend import signal_thresholds

        try:
            thresholds = signal_thresholds(self.app.config)  # type: ignore[attr-defined]
            rows = self.app.backend.caseload(thresholds)  # type: ignore[attr-defined]
        except DatabaseOpenError:
            # opening storage meets the same refusal, says why and ends the app
            self.app.call_from_thread(self.app.open_storage)  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[Any]) -> None:
        first_time = not self.rows
        self.rows = rows
        self._fill()
        self.call_after_refresh(self._after_rows_painted)
        drafts = [row.code for row in rows if row.drafts]
        if first_time and drafts:
            self.app.notify(
                self.text("caseload.drafts_waiting", codes=", ".join(drafts[:8])), timeout=12
            )

    def _after_rows_painted(self) -> None:
        """Start-up ends once the rows are painted; storage proper opens only then."""
        resume_collection()
        self.app.open_storage()  # type: ignore[attr-defined]

    @on(Input.Changed, "#caseload-filter")
    def _filter_changed(self) -> None:
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        wanted = self.query_one("#caseload-filter", Input).value.strip().lower()
        private = self.app.privacy  # type: ignore[attr-defined]
        shown = 0
        for row in self.rows:
            name = "" if private else (row.name or "")
            if wanted and wanted not in row.code.lower() and wanted not in name.lower():
                continue
            signals = marks(row.signals)
            couple = f" + {row.partner_code}" if row.partner_code else ""
            table.add_row(
                row.code + couple, name, row.week or "—",
                row.last_visit.isoformat() if row.last_visit else "—", str(row.visits),
                trend(row.latest.get(WELLBEING)), trend(row.latest.get(RELATIONSHIP)), signals,
                key=row.code,
            )  # fmt: skip
            shown += 1
        empty = self.query_one("#caseload-empty", Static)
        empty.update("" if self.rows else self.text("caseload.empty"))
        self._offer_first_steps(not self.rows)
        self._explain_signals()

    def _offer_first_steps(self, offer: bool) -> None:
        """With no clients at all, offer to add the first one or to open the demo practice."""
        shown = self.query("#first-run")
        if offer and not shown:
            first_run = OptionList(
                Option(self.text("caseload.first_client"), id="first-client"),
                Option(self.text("caseload.open_demo"), id="open-demo"),
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
        self.query_one("#caseload-empty", Static).update(self.text("caseload.demo_building"))
        self._open_demo()

    @work(thread=True, exclusive=True, group="caseload-demo")
    def _open_demo(self) -> None:
        """Build (the first time) and open the demo practice; the caseload then shows it."""
        try:
            self.app.backend.open_demo()  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - said on screen, never a traceback
            message = self.text("caseload.demo_failed", reason=str(error))
            self.app.call_from_thread(self.query_one("#caseload-empty", Static).update, message)
            return
        self.app.call_from_thread(self.app.notify, self.text("caseload.demo_opened"))
        self.app.call_from_thread(self.action_reload)

    @on(DataTable.RowHighlighted, "#caseload-table")
    def _explain_signals(self) -> None:
        """Say in words what the highlighted row's signal marks mean, on one line."""
        strip = self.query_one("#caseload-signals", Static)
        code = self.selected_code()
        row = next((row for row in self.rows if row.code == code), None)
        said = ""
        if row is not None and not row.signals:
            said = self.text("caseload.no_signals", code=row.code)
        elif row is not None:
            said = " · ".join(f"{marks([s])} {explain(s, self.text)}" for s in row.signals)
        strip.update(escape(said))
        strip.tooltip = said or None  # the whole line, when the strip is too narrow for it

    def action_open_supervision(self) -> None:
        """Open the supervision screen: signalled clients first, codes only."""
        from hecht.tui.screens.supervision import SupervisionScreen

        self.app.push_screen(SupervisionScreen())

    def action_open_outcomes(self) -> None:
        """Open the practice's outcomes, overall and per group."""
        from hecht.tui.screens.outcomes import OutcomesScreen

        self.app.push_screen(OutcomesScreen())

    def action_cursor(self, step: int) -> None:
        """Move the highlighted row while the filter keeps the focus."""
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    def selected_code(self) -> str | None:
        """The code of the highlighted client, if any."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_open(self) -> None:
        """Open the highlighted client's dossier."""
        code = self.selected_code()
        if code is not None:
            self.app.open_dossier(code)  # type: ignore[attr-defined]

    def action_privacy(self) -> None:
        """Hide names (supervision, a screen others can see) or show them again."""
        self.app.privacy = not self.app.privacy  # type: ignore[attr-defined]
        self._fill()

    def action_new_client(self) -> None:
        """Register a client in a form; the caseload reloads after."""
        from hecht.tui.dialogs.new_client import NewClientModal

        self.app.push_screen(NewClientModal(), lambda _code: self.action_reload())

    def action_new_couple(self) -> None:
        """Pair two registered clients; the highlighted one is offered as the first."""
        from hecht.tui.dialogs.couple_form import NewCoupleModal

        self.app.push_screen(
            NewCoupleModal(self.selected_code() or ""), lambda _id: self.action_reload()
        )

    @on(Input.Submitted, "#caseload-filter")
    def _filter_submitted(self) -> None:
        self.action_open()
