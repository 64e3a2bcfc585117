"""The widgets that show text as written: a table's columns fit a row as soon as it is added."""

from __future__ import annotations

from textual.app import App, ComposeResult

from hecht.tui.widgets.plain import PlainTable


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PlainTable()


async def test_a_row_widens_its_columns_before_the_table_is_next_idle():
    app = OneTable()
    async with app.run_test(size=(60, 8)):
        table = app.query_one(PlainTable)
        table.add_columns("Code", "Name")
        table.add_row("DAD-1 + MOM-1", "[/b] Sam de Vries")  # no await: the table is not idle
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        padding = 2 * table.cell_padding
        assert widths == [len("DAD-1 + MOM-1") + padding, len("[/b] Sam de Vries") + padding]
