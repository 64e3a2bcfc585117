"""Provides the start of a visit: the date (today by default), which protocol, who attends.

↑↓ choose the protocol wherever the focus is (the chosen one is marked ●), Enter starts. The
visit is checked here but stored only with its first answer or its note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, OptionList

from hecht.tui.dialogs.form import FormField, FormModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.visit_plan import VisitKind
from hecht.tui.widgets.plain import Plain, PlainLabel, PlainOptions, choice

if TYPE_CHECKING:
    from hecht.schema.inputs import NewVisit


@dataclass(frozen=True)
class VisitStart:
    """What the psychologist chose: the visit (checked, not yet stored) and its protocol."""

    visit: NewVisit
    kind: VisitKind

    @property
    def attendees(self) -> list[str]:
        """The codes of those who attend."""
        return list(self.visit.attendee_codes)


class StartVisitModal(FormModal[VisitStart | None]):
    """Start a visit; returns the choices, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="visit.cancel"),
        Binding("ctrl+s", "start", "Start", id="visit.start"),
        Binding("up", "kind(-1)", show=False),
        Binding("down", "kind(1)", show=False),
    ]

    def __init__(
        self, today: date, members: list[str], first_visit: bool, episode_lineage_id: int
    ) -> None:
        super().__init__()
        self.today = today
        self.members = members
        self.episode_lineage_id = episode_lineage_id
        self.kind = VisitKind.INTAKE if first_visit else VisitKind.VISIT
        self._starting = False

    def compose(self) -> ComposeResult:
        text = self.text
        with VerticalScroll(id="form", classes="field-form", can_focus=False):
            yield PlainLabel(text("visit_form.title"), id="form-title")
            with FormField():
                yield PlainLabel(text("visit_form.date"))
                yield Input(self.fmt.date_field(self.today), id="visit-date")
                yield Plain("", id="error-visit-date", classes="field-error")
            yield PlainLabel(text("visit_form.kind"))
            kinds = PlainOptions(
                *(choice(self._kind_label(kind), kind.value) for kind in VisitKind),
                id="visit-kind",
            )
            kinds.highlighted = list(VisitKind).index(self.kind)  # what the list first reports
            yield kinds
            yield PlainLabel(text("visit_form.attendees"))
            for code in self.members:
                yield Checkbox(code, value=True, id=f"attendee-{code}")
            yield Plain(text("visit_form.hint"), id="form-hint")

    def _kind_label(self, kind: VisitKind) -> str:
        mark = "●" if kind is self.kind else "○"
        return f"{mark} {self.text(f'visit_form.kind.{kind.value}')}"

    def on_mount(self) -> None:
        self.query_one("#visit-date", Input).focus()

    def _mark_kind(self) -> None:
        """Mark the chosen protocol ● and the others ○."""
        kinds = self.query_one("#visit-kind", PlainOptions)
        for kind in VisitKind:
            kinds.replace_option_prompt(kind.value, self._kind_label(kind))

    def action_kind(self, step: int) -> None:
        """Choose the previous or next protocol."""
        order = list(VisitKind)
        self.kind = order[(order.index(self.kind) + step) % len(order)]
        self._mark_kind()
        kinds = self.query_one("#visit-kind", PlainOptions)
        with self.prevent(OptionList.OptionHighlighted):  # chosen already: not to be reported
            kinds.highlighted = order.index(self.kind)

    @on(OptionList.OptionHighlighted, "#visit-kind")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The list's own cursor (or a click) chose a protocol: it is marked, and the highlight
        is left where it is (moving it here would be reported again, and so on without end)."""
        if event.option_index != event.option_list.highlighted:
            return  # a report overtaken by a later move, which is reported (or chosen) itself
        chosen = VisitKind(str(event.option.id))
        if chosen is not self.kind:
            self.kind = chosen
            self._mark_kind()

    @on(OptionList.OptionSelected, "#visit-kind")
    @on(Input.Submitted, "#visit-date")
    def _enter(self) -> None:
        self.action_start()

    def action_cancel(self) -> None:
        """Close without starting a visit."""
        self.dismiss(None)

    def action_start(self) -> None:
        """Check the date and attendees, then start."""
        from hecht.schema.inputs import NewVisit

        typed = self.query_one("#visit-date", Input).value
        chosen, refusal = self.fmt.past_day(typed, self.today, self.text, "visit_form")
        if chosen is None:
            self.show_refusal("#error-visit-date", refusal, "#visit-date")
            return
        attendees = [
            code for code in self.members if self.query_one(f"#attendee-{code}", Checkbox).value
        ]
        if not attendees:
            self.show_refusal("#error-visit-date", self.text("visit_form.nobody"))
            return
        if not self._starting:
            self._starting = True
            visit = NewVisit(
                episode_lineage_id=self.episode_lineage_id,
                visit_date=chosen,
                attendee_codes=attendees,
            )
            self._check(visit, self.kind)

    @holding_keys(group="visit-check")
    def _check(self, visit: NewVisit, kind: VisitKind) -> None:
        self.dismiss_after(
            lambda: self.backend.check_visit(visit), lambda _checked: VisitStart(visit, kind)
        )

    def refused(self, error: BaseException) -> None:
        self._starting = False
        self.show_refusal("#error-visit-date", self.reason_for(error))

    def on_checkbox_changed(self, _event: Any) -> None:
        self.query_one("#error-visit-date", Plain).update("")
