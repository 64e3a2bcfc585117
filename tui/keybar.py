"""Provides the key bar: Textual's footer with every key's label in the user's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class KeyBar(Footer):
    """The footer, its labels looked up as ``keys.<action>`` in the message catalogue."""

    def compose(self) -> ComposeResult:
        texts = self.app.messages  # type: ignore[attr-defined]
        for widget in super().compose():
            action = getattr(widget, "action", None)
            if action is not None and hasattr(widget, "description"):
                widget.description = texts.get(f"keys.{action}", widget.description)
            yield widget
