"""Provides the command palette in the user's language, and its view of every action: the current
screen's keys, by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp


class ScreenActions(Provider):
    """Offers each action the screen (and app) has a key for, labelled in the user's language."""

    def _actions(self) -> list[tuple[str, object, str]]:
        texts = cast("HechtApp", self.app).messages
        found: list[tuple[str, object, str]] = []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            label = texts.get(f"keys.{binding.action}", "")
            # every action with a name, also those the footer leaves out for room (c, p, h, d)
            if not enabled or not (binding.show or label):
                continue
            label = label or binding.description
            found.append((f"{label} ({self.app.get_key_display(binding)})", node, binding.action))
        return found

    def _run(self, node: object, action: str) -> None:
        self.app.call_later(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for label, node, action in self._actions():
            yield DiscoveryHit(label, partial(self._run, node, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, node, action in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._run, node, action))


class HechtPalette(CommandPalette):
    """Textual's command palette, saying "no matches" in the user's language.

    Textual writes that line in English inside a private countdown; this is the one place that
    replaces it (``tests/tui/test_textual_strings.py`` fails when Textual's names for it change).
    """

    def __init__(self, no_matches: str, **options: Any) -> None:
        super().__init__(**options)
        self._no_matches_text = no_matches

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            # as Textual's: "no matches" only for a search; an empty one is discovery mode
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self._no_matches_text, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
