"""Provides the command palette's view of every action: the current screen's keys, by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
