"""Provides the first start's question: the practitioner's name, for every record and log entry."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from hecht.tui.config import PRACTITIONER_MIN_LENGTH
from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.widgets.plain import Plain, PlainLabel


class PractitionerModal(HechtModal[str | None]):
    """Ask the practitioner's name once, keep it in the config file, act as them from now on.

    The access log the law asks for (NEN 7513) names who read or changed each dossier: without a
    name every entry would say "(name not recorded)", so the question cannot be waved away.
    """

    BINDINGS = [Binding("escape", "refuse_escape", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield PlainLabel(self.text("practitioner.title"), id="form-title")
            yield Plain(self.text("practitioner.why"))
            yield Input(id="practitioner-name", placeholder=self.text("practitioner.placeholder"))
            yield Plain("", id="practitioner-error", classes="field-error")
            yield Plain(self.text("practitioner.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#practitioner-name", Input).focus()

    def action_refuse_escape(self) -> None:
        """The name cannot be skipped: say why."""
        self.query_one("#practitioner-error", Plain).update(self.text("practitioner.needed"))

    @on(Input.Submitted, "#practitioner-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if len(name) < PRACTITIONER_MIN_LENGTH:
            self.query_one("#practitioner-error", Plain).update(self.text("practitioner.needed"))
            return
        if not self._saving:
            self._saving = True
            self._save(name)

    @holding_keys(group="practitioner")
    def _save(self, name: str) -> None:
        from hecht.tui.config import save_config

        def act_as() -> None:
            chosen = self.config.model_copy(update={"practitioner": name})
            self.backend.act_as(name)
            save_config(chosen)
            self.hecht.config = chosen

        self.dismiss_after(act_as, lambda _saved: name)

    def refused(self, error: BaseException) -> None:
        self._saving = False
        reason = self.reason_for(error) if not isinstance(error, OSError) else str(error.strerror)
        self.query_one("#practitioner-error", Plain).update(
            self.text("practitioner.not_saved", reason=reason)
        )
