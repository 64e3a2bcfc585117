"""Provides the widgets that show text: what they are given is shown as written, never as markup.

A client's name, a note, a theme, a local scale's label or an error message may hold square
brackets (``[/b]``, ``[B2]``, ``[@click=app.quit]``). Textual reads a plain string given to
``Static``, ``Label``, a ``DataTable`` cell or an option as markup: such text then vanishes, turns
into an action, or stops the screen with an error. Every screen of Hecht shows text through these
widgets, which never parse it; styled text is built as ``Content`` (see ``Messages.styled``).
A test checks that no screen or dialog uses Textual's own text widgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option


class Plain(Static):
    """A block of text shown as written (a ``Content`` keeps its own styles)."""

    def __init__(self, content: str | Content = "", **options: Any) -> None:
        super().__init__(content, markup=False, **options)


class PlainLabel(Label):
    """A one-line label shown as written."""

    def __init__(self, content: str | Content = "", **options: Any) -> None:
        super().__init__(content, markup=False, **options)


def cell(value: object) -> object:
    """A table cell shown as written: text is never read as markup."""
    return Text(value) if isinstance(value, str) else value


class PlainTable(DataTable[Any]):
    """A table whose cells and headings are shown as written."""

    def add_columns(self, *labels: Any) -> list[Any]:
        """Add columns whose headings are shown as written."""
        # a heading is a str or a Text to Textual; ``cell`` turns a str into Text, keeps the rest
        return super().add_columns(*(cell(label) for label in labels))  # type: ignore[arg-type]

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> Any:
        """Add a row whose cells are shown as written."""
        return super().add_row(
            *(cell(value) for value in cells), height=height, key=key, label=label
        )

    def add_rows(self, rows: Iterable[Iterable[Any]]) -> list[Any]:
        """Add rows whose cells are shown as written."""
        return [self.add_row(*row) for row in rows]


class PlainOptions(OptionList):
    """A list of options whose prompts are shown as written."""

    def __init__(self, *options: Option, **settings: Any) -> None:
        super().__init__(*options, markup=False, **settings)


def choice(label: str | Content, choice_id: str | None = None) -> Option:
    """An option of a ``PlainOptions`` list."""
    return Option(label, id=choice_id)
