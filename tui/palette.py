"""Provides the command palette's view of every action: the current screen's keys, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenActions(Provider):
    """Offers each action the screen (and app) has a key for, labelled in the user's language."""

    def _actions(self) -> list[tuple[str, object, str]]:
        texts = self.app.messages  # type: ignore[attr-defined]
        found = []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not enabled or not binding.show:
                continue
            label = texts.get(f"keys.{binding.action}", binding.description)
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
