"""Provides the key bar: Textual's footer with every key's label in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.widgets import Footer

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp


class KeyBar(Footer):
    """The footer, its labels looked up as ``keys.<action>`` in the message catalogue."""

    def compose(self) -> ComposeResult:
        texts = cast("HechtApp", self.app).messages
        for widget in super().compose():
            action = getattr(widget, "action", None)
            if action is not None and hasattr(widget, "description"):
                widget.description = texts.get(f"keys.{action}", widget.description)
            yield widget
