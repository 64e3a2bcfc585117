"""Provides the scale picker: every scale in the library, Enter chooses."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ScalePickerModal(ModalScreen[str | None]):
    """Choose a scale to enter; returns its id, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close")]

    def compose(self) -> ComposeResult:
        text = self.app.messages  # type: ignore[attr-defined]
        library = self.app.backend.library  # type: ignore[attr-defined]
        with Vertical(id="form"):
            yield Label(text("picker.title"), id="form-title")
            yield OptionList(
                *(
                    Option(
                        f"{e.definition.short_name:<8} {e.definition.name.get(text.language)}",
                        id=e.definition.id,
                    )
                    for e in library.latest()
                ),
                id="picker-scales",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))
