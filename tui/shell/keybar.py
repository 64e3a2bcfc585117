"""Provides the key bar: Textual's footer with every key's label in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

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

    _composed: tuple[object, ...] | None = None
    """What the keys were last built from (``_shown``); None before the first build."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild the keys after the next frame, as Textual's footer does, but only if they
        changed (``_rebuild_if_changed``)."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        """Textual's footer rebuilds its keys whenever the bindings may have changed: at every
        focus change, each answer on the entry screen, each highlighted row. Building and
        styling a dozen key widgets is most of what such a key press costs; the keys are
        rebuilt only when what they show differs. The frame may come after the screen closed:
        then there is nothing to rebuild."""
        if self.is_attached and self._shown() != self._composed:
            await self.recompose()

    def _shown(self) -> tuple[object, ...]:
        """What ``Footer.compose`` builds the keys from: each shown binding with whether it is
        enabled and its tooltip, in order, then the command palette's."""
        active = self.screen.active_bindings
        shown: list[object] = [(b, on, tip) for (_, b, on, tip) in active.values() if b.show]
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            shown.append(palette and palette[1:])
        return tuple(shown)

    def compose(self) -> ComposeResult:
        self._composed = self._shown() if self._bindings_ready else None
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
