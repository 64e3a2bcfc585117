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
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.content import Content
from textual.render import measure
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.widgets.data_table import ColumnKey, RowKey


class Plain(Static):
    """A block of text shown as written (a ``Content`` keeps its own styles)."""

    def __init__(self, content: str | Content = "", **options: Any) -> None:
        super().__init__(content, markup=False, **options)


class PlainLabel(Label):
    """A one-line label shown as written."""

    def __init__(self, content: str | Content = "", **options: Any) -> None:
        super().__init__(content, markup=False, **options)


def cell(value: str | Text) -> Text:
    """A table cell or heading shown as written: text is never read as markup."""
    return Text(value) if isinstance(value, str) else value


class PlainTable(DataTable[Any]):
    """A table whose cells and headings are shown as written."""

    def add_columns(self, *columns: str | Text | tuple[str | Text, str]) -> list[ColumnKey]:
        """Add columns whose headings are shown as written; a (heading, key) pair names its key."""
        return super().add_columns(
            *((cell(c[0]), c[1]) if isinstance(c, tuple) else cell(c) for c in columns)
        )

    def add_row(
        self,
        *cells: str | Text,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        """Add a row whose cells are shown as written, its columns widened to it at once.

        A DataTable widens its columns to new rows only when it is next idle; a frame painted
        before that (a busy machine, a screenshot) would show a code cut to "MOM-".
        """
        shown = [cell(value) for value in cells]
        added = super().add_row(*shown, height=height, key=key, label=label)
        if height == 1:  # a row of one line: the cell's width is all its column needs
            console = self.app.console
            for column, value in zip(self.ordered_columns, shown, strict=False):
                width = measure(console, value, 1)
                column.content_width = max(column.content_width, width)
        return added

    def add_rows(self, rows: Iterable[Iterable[str | Text]]) -> list[RowKey]:
        """Add rows whose cells are shown as written."""
        return [self.add_row(*row) for row in rows]


class PlainOptions(OptionList):
    """A list of options whose prompts are shown as written."""

    def __init__(self, *options: Option, **settings: Any) -> None:
        super().__init__(*options, markup=False, **settings)


def choice(label: str | Content, choice_id: str | None = None) -> Option:
    """An option of a ``PlainOptions`` list."""
    return Option(label, id=choice_id)
