"""Provides the key bar: Textual's footer with every key's label in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:
    from hecht.tui.app import HechtApp

ALWAYS_SHOWN = "help"
"""The key the bar never leaves out: F1 lists every key of the screen, also those left out."""
PALETTE_EDGE = 2
"""Cells the command palette's key takes beyond its own text: the line left of it and the
padding right of it (``FooterKey.-command-palette`` in Textual's footer)."""


def key_width(key: Any) -> int:
    """Cells a footer key takes: `` key `` then ``description `` (Textual's ``FooterKey``)."""
    described = cell_len(key.description) + 1 if key.description else 0
    return cell_len(key.key_display) + 2 + described


def fitting(widths: Sequence[int], room: int, keep: Sequence[bool]) -> list[bool]:
    """Which keys to show so that they fit in ``room`` cells: the last ones are left out first,
    never one marked in ``keep``."""
    shown = [True] * len(widths)
    for index in reversed(range(len(widths))):
        if sum(width for width, on in zip(widths, shown, strict=True) if on) <= room:
            break
        shown[index] = keep[index]
    return shown


class KeyBar(Footer):
    """The footer, its labels looked up as ``keys.<action>`` in the message catalogue.

    A key that does not fit whole is left out rather than cut mid-word: the last keys go first,
    F1 (help, which lists every key) stays.
    """

    def compose(self) -> ComposeResult:
        texts = cast("HechtApp", self.app).messages
        widgets = list(super().compose())
        for widget in widgets:
            action = getattr(widget, "action", None)
            if action is not None and hasattr(widget, "description"):
                widget.description = texts.get(f"keys.{action}", widget.description)
        self._fit(widgets)
        yield from widgets

    def on_resize(self) -> None:
        self._fit(list(self.children))

    def _fit(self, widgets: Sequence[Widget]) -> None:
        """Show the keys that fit the bar's width beside the command palette's key."""
        if not self.size.width:
            return  # not laid out yet: fitted when it is (on_resize)
        keys = [w for w in widgets if hasattr(w, "key_display")]  # Textual's FooterKey
        palette = [key for key in keys if key.has_class("-command-palette")]
        keys = [key for key in keys if key not in palette]
        room = self.size.width - sum(key_width(key) + PALETTE_EDGE for key in palette)
        kept = [getattr(key, "action", "") == ALWAYS_SHOWN for key in keys]
        shown = fitting([key_width(key) for key in keys], room, kept)
        for key, on in zip(keys, shown, strict=True):
            key.display = on
