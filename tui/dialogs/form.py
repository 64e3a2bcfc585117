"""Provides the frame of a dialog with fields: in any terminal, the field in focus is in sight.

Its ``#form`` is a ``VerticalScroll`` of class ``field-form`` (``app.tcss``): the title and the
keys are docked at its top and bottom and stay in sight; the fields scroll between them. Below
``TALL`` rows inputs and boxes are one line high, so that every field of the client form fits
80x24.
"""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Vertical
from textual.widget import Widget

from hecht.tui.shell.screen_base import HechtModal

R = TypeVar("R")

TALL = 36
"""Rows from which fields have their full borders (the client form takes 36 with them)."""


class FormField(Vertical):
    """One field: its label, where it is typed and why it was refused, brought into view whole."""

    DEFAULT_CSS = """
    FormField { height: auto; }
    """


class FormModal(HechtModal[R]):
    """A dialog with fields, drawn compact on a short terminal (``-short``)."""

    DEFAULT_CSS = """
    /* the title and the keys stay in sight, the fields scroll between them; on a short terminal
       (-short) inputs and boxes are one line high */
    .field-form { max-height: 100%; }
    /* docked, they cover their rows whole: the fields scroll beneath them */
    .field-form > #form-title { dock: top; width: 100%; }
    .field-form > #form-hint { dock: bottom; width: 100%; }
    FormModal.-short #form.field-form { padding: 0 2; }
    FormModal.-short .field-form Input, FormModal.-short .field-form Checkbox,
    FormModal.-short .field-form OptionList {
        border: none; padding: 0 1;
    }
    FormModal.-short .field-form Input { height: 1; background: $panel; }
    FormModal.-short .field-form Input:focus { background: $panel; background-tint: $accent 25%; }
    FormModal.-short .field-form Checkbox:focus > .toggle--label {
        color: $block-cursor-foreground; background: $block-cursor-background;
    }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL, "-tall")]

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        """Focus ``widget`` and bring it (its whole field) into view between the title and keys.

        Textual's own scrolling counts a widget under the docked title or keys as in view.
        """
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if scroll_visible and widget is not None:
            self.call_after_refresh(self._bring_into_view, widget)

    def _bring_into_view(self, widget: Widget) -> None:
        field = widget.parent if isinstance(widget.parent, FormField) else widget
        if self.focused is widget:
            self.scroll_to_widget(field, animate=False)
