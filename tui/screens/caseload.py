"""Provides the caseload: every client in active care, filtered as you type, Enter opens."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from hecht.tui.keybar import KeyBar

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
        yield Static(self.text("caseload.loading"), id="caseload-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(self.text(f"caseload.column.{name}") for name in COLUMNS))
        self.query_one("#caseload-filter", Input).focus()
        self.call_after_refresh(self.action_reload)

    def action_reload(self) -> None:
        """Read the caseload in a worker; the table fills when it arrives."""
        self._load()

    @work(thread=True, exclusive=True, group="caseload")
    def _load(self) -> None:
        from hecht.schema.database import DatabaseOpenError

        try:
            rows = self.app.backend.caseload()  # type: ignore[attr-defined]
        except DatabaseOpenError:
            return  # the app reports it and exits
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[Any]) -> None:
        first_time = not self.rows
        self.rows = rows
        self._fill()
        drafts = [row.code for row in rows if row.drafts]
        if first_time and drafts:
            self.app.notify(
                self.text("caseload.drafts_waiting", codes=", ".join(drafts[:8])), timeout=12
            )

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
            signals = ("⚠" * min(row.open_alerts, 3)) + (" ✎" if row.drafts else "")
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
