"""Provides the scale catalogue: every scale of the practice with what ``hecht scales show`` says.

A psychologist choosing or explaining an instrument wants its facts at hand without leaving the
screens: domain, who answers, licence, items, scoring, missing rule, bands, change parameters and
sources. The text is the command line's (``hecht.tui.views.scale_view``), so the two never differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList

from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.scale_view import describe_definition
from hecht.tui.widgets.plain import Plain, PlainOptions, choice

if TYPE_CHECKING:
    from hecht.scales.library import LibraryEntry


class ScalesScreen(HechtScreen[None]):
    """The scales on the left (short name and name), the highlighted one's facts on the right."""

    DEFAULT_CSS = """
    #scales-title { padding: 0 1; height: auto; }
    #scales { height: 1fr; }
    #scales-list {
        width: 34; max-width: 40%; height: 1fr; text-wrap: nowrap; text-overflow: ellipsis;
    }
    #scales-facts { width: 1fr; height: 1fr; padding: 0 1 0 2; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="scales.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, LibraryEntry] = {}

    def compose(self) -> ComposeResult:
        yield Plain(self.text("scales.title"), id="scales-title")
        with Horizontal(id="scales"):
            yield PlainOptions(id="scales-list")
            with VerticalScroll(id="scales-facts"):
                yield Plain(self.text("scales.loading"), id="scales-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#scales-list", PlainOptions).focus()
        self._load()

    @holding_keys(group="scales")
    def _load(self) -> None:
        """Read the library; keys typed meanwhile (↓ right after F4) wait for the list."""
        entries = self.backend.library.latest()  # loads and checks the definitions once
        self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[LibraryEntry]) -> None:
        self.entries = {entry.definition.id: entry for entry in entries}
        width = max((len(entry.definition.short_name) for entry in entries), default=0)
        listed = self.query_one("#scales-list", PlainOptions)
        listed.clear_options()
        listed.add_options(
            choice(f"{entry.definition.short_name:<{width}}  {self._domain(entry)}", key)
            for key, entry in self.entries.items()
        )
        if self.entries:
            listed.highlighted = 0

    def _domain(self, entry: LibraryEntry) -> str:
        domain = entry.definition.domain.value
        return self.text.get(f"domain.{domain}", domain)

    @on(OptionList.OptionHighlighted, "#scales-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = self.entries.get(event.option.id or "")
        if entry is None:
            return
        self.query_one("#scales-text", Plain).update(
            "\n".join(describe_definition(entry, self.text))
        )
        self.query_one("#scales-facts", VerticalScroll).scroll_home(animate=False)

    def action_back(self) -> None:
        """Back to the caseload."""
        self.dismiss(None)
