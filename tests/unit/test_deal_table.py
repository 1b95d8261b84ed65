"""Unit tests of the virtualised deal table: column fitting, cells, and the lines it draws."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from pipedrive_tui.api.models import Currency, Deal
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.screens.deals_columns import money_cell
from pipedrive_tui.screens.deals_rows import DealRows, SortOrder, compact, count_text, sort_rows
from pipedrive_tui.widgets.deal_table import DealTable
from pipedrive_tui.widgets.table_columns import TableColumn, fit_cell, fit_columns

HOSTILE = "[bold]Evil[/] \x1b]0;pwned\x07deal \x1b[2Jwith a very long tail that never ends"


def _columns() -> list[TableColumn]:
    return [
        TableColumn("title", "Title", lambda d: d.title, width=10, flexible=True, priority=0),
        TableColumn(
            "value", "Value", lambda d: f"{d.value:,.0f}", width=8, align="right", priority=1
        ),
        TableColumn("status", "Status", lambda d: d.status, width=6, priority=3),
    ]


def _deals(count: int) -> list[Deal]:
    return [Deal(id=i, title=f"Deal {i}", value=i * 1000, status="open") for i in range(count)]


class TableApp(App[None]):
    """One table filling a small screen."""

    def __init__(self, rows: list[Deal]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[int] = []
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield DealTable(_columns(), self.rows)

    def on_deal_table_highlighted(self, message: DealTable.Highlighted) -> None:
        self.highlighted.append(message.deal.id)

    def on_deal_table_selected(self, message: DealTable.Selected) -> None:
        self.selected.append(message.deal.id)


def _line(table: DealTable, y: int) -> str:
    return table.render_line(y).text


# --- pure helpers --------------------------------------------------------------------------------


def test_fit_columns_drops_highest_priority_first_and_title_takes_the_rest() -> None:
    columns = _columns()
    fitted = fit_columns(columns, 40)
    assert [(c.key, w) for c, w in fitted] == [("title", 24), ("value", 8), ("status", 6)]
    fitted = fit_columns(columns, 20)
    assert [(c.key, w) for c, w in fitted] == [("title", 11), ("value", 8)]
    # Priority 0 is never dropped, even when it cannot fit.
    assert [c.key for c, _ in fit_columns(columns, 5)] == ["title"]


def test_fit_cell_pads_aligns_and_cuts_with_an_ellipsis() -> None:
    assert fit_cell("abc", 5) == "abc  "
    assert fit_cell("abc", 5, "right") == "  abc"
    assert fit_cell("abcdefgh", 5) == "abcd…"
    assert fit_cell("", 0) == ""
    wide = fit_cell("日本語のタイトル", 7)
    assert cell_len(wide) == 7 and wide.endswith("…")


def test_fit_cell_strips_escape_sequences_and_keeps_markup_literal() -> None:
    text = fit_cell(HOSTILE, 80)
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("[bold]Evil[/] deal with")
    assert cell_len(text) == 80


# --- the widget ----------------------------------------------------------------------------------


async def test_header_rows_and_blank_lines() -> None:
    app = TableApp(_deals(3))
    async with app.run_test(size=(40, 8)):
        table = app.query_one(DealTable)
        width = table.scrollable_content_region.width
        header = _line(table, 0)
        assert header.startswith("Title") and "Value" in header and header.endswith("Status")
        assert len(header) == width
        assert _line(table, 1).startswith("Deal 0 ")
        assert _line(table, 2).rstrip().endswith("1,000 open")
        assert _line(table, 4).strip() == ""  # below the last row


async def test_cursor_row_has_the_cursor_style_and_moves() -> None:
    app = TableApp(_deals(5))
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DealTable)
        table.focus()
        await pilot.pause()
        cursor = table.get_component_rich_style("deal-table--cursor", partial=True)

        def styled(y: int) -> bool:
            return all(
                segment.style is not None and segment.style.reverse == cursor.reverse
                for segment in table.render_line(y)
            )

        assert cursor.reverse
        assert styled(1) and not styled(2)
        await pilot.press("down", "j")
        await pilot.pause()
        assert table.cursor_row == 2 and table.cursor_deal is not None
        assert styled(3) and not styled(1)
        await pilot.press("G")
        assert table.cursor_row == 4
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [4]
        assert app.highlighted[-1] == 4


async def test_hostile_title_is_cut_and_drawn_as_plain_text() -> None:
    rows = [Deal(id=1, title=HOSTILE, value=5, status="open")]
    app = TableApp(rows)
    async with app.run_test(size=(40, 6)):
        table = app.query_one(DealTable)
        strip = table.render_line(1)
        text = strip.text
        assert "\x1b" not in text and "\x07" not in text
        assert text.startswith("[bold]Evil[/] deal ")
        assert "…" in text
        assert strip.cell_length == table.scrollable_content_region.width


async def test_only_visible_rows_are_drawn_at_100k() -> None:
    calls: list[int] = []

    def title(deal: Deal) -> str:
        calls.append(deal.id)
        return deal.title

    rows = _deals(100_000)
    app = TableApp(rows)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(DealTable)
        table.set_columns([TableColumn("title", "Title", title, flexible=True, priority=0)])
        await pilot.pause()
        assert 0 < len(set(calls)) <= 12
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 99_999
        assert _line(table, table.size.height - 1).startswith("Deal 99999")
        assert len(set(calls)) <= 30


async def test_set_rows_keeps_the_cursor_on_its_deal_and_marks_stale_rows() -> None:
    rows = _deals(10)
    app = TableApp(rows)
    async with app.run_test(size=(40, 14)) as pilot:
        table = app.query_one(DealTable)
        table.move_cursor(3)
        await pilot.pause()
        table.set_rows(list(reversed(rows)))
        assert table.cursor_deal is not None and table.cursor_deal.id == 3
        assert table.cursor_row == 6
        table.set_marked({5})
        stale = table.get_component_rich_style("deal-table--stale", partial=True)
        line = table.render_line(1 + table.rows.index(rows[5]))
        assert all(segment.style is not None and segment.style.dim for segment in line)
        assert stale.dim
        table.set_sort("value", reverse=True)
        assert "Value ▼" in _line(table, 0)


async def test_click_moves_then_opens() -> None:
    app = TableApp(_deals(5))
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.click(DealTable, offset=(2, 3))
        await pilot.pause()
        table = app.query_one(DealTable)
        assert table.cursor_row == 2
        await pilot.click(DealTable, offset=(2, 3))
        await pilot.pause()
        assert app.selected == [2]


# --- the rows behind the table -------------------------------------------------------------------


def _rows(query: DealQuery | None = None) -> DealRows:
    return DealRows(query or DealQuery(status="all"), lambda d: d.title)


def test_sort_is_stable_with_none_last_in_both_directions() -> None:
    deals = [
        Deal(id=1, title="b", probability=None),
        Deal(id=2, title="a", probability=50),
        Deal(id=3, title="c", probability=10),
        Deal(id=4, title="d", probability=50),
        Deal(id=5, title="e", probability=None),
    ]
    up = sort_rows(deals, SortOrder("p", lambda d: d.probability))
    down = sort_rows(deals, SortOrder("p", lambda d: d.probability, reverse=True))
    assert [d.id for d in up] == [3, 2, 4, 1, 5]
    assert [d.id for d in down] == [2, 4, 3, 1, 5]


def test_rows_search_sort_and_view_identity() -> None:
    rows = _rows()
    rows.add([Deal(id=i, title=t) for i, t in enumerate(["Acme pilot", "Beta", "acme renewal"])])
    rows.rebuild()
    assert rows.view is rows.loaded
    rows.search = "ACME"
    rows.sort = SortOrder("title", lambda d: d.title.casefold(), reverse=True)
    rows.rebuild()
    assert [d.id for d in rows.view] == [2, 0]
    assert count_text(rows, fetching=False, more=True) == (
        "2 of 3 match · sorted 3 loaded of more (a: all)"
    )


def test_rows_drop_deals_the_query_does_not_match_and_mark_changed_ones() -> None:
    rows = _rows(DealQuery(status="open", filter_id=4))
    assert rows.add([Deal(id=1, status="open"), Deal(id=2, status="won")]) == 1
    assert rows.dropped == 1
    assert rows.replace(Deal(id=1, status="won", title="now won"))
    assert rows.loaded[0].title == "now won" and rows.marked == {1}
    assert rows.replace(Deal(id=1, status="open"))
    assert not rows.marked
    assert not rows.replace(Deal(id=99))
    assert count_text(rows, fetching=True, more=True) == "1 deal · loading…"
    assert count_text(rows, fetching=False, more=True, failed=True) == "deals not loaded"
    assert count_text(rows, fetching=False, more=False, error="boom") == (
        "1 deal · stopped: boom (r retries)"
    )


def test_long_lists_keep_only_the_shown_custom_fields() -> None:
    rows = DealRows(DealQuery(status="all"), lambda d: d.title, columns=["a"], keep_all_up_to=2)
    values = {"a": 1, "b": 2}
    rows.add([Deal(id=1, custom_fields=values), Deal(id=2, custom_fields=values)])
    assert rows.kept is None and rows.loaded[0].custom_fields == values
    rows.add([Deal(id=3, custom_fields=values)])
    assert rows.kept == {"a"}
    assert [d.custom_fields for d in rows.loaded] == [{"a": 1}] * 3
    saved = Deal(id=2, title="saved", custom_fields=values)
    assert rows.replace(saved)
    assert rows.loaded[1].custom_fields == {"a": 1} and saved.custom_fields == values
    assert rows.has_values_of(["a"]) and not rows.has_values_of(["a", "b"])


def test_compact_shares_the_fields_set_and_copies_still_work() -> None:
    first = compact(Deal.model_validate({"id": 1, "title": "x", "currency": "EUR"}))
    second = compact(Deal.model_validate({"id": 2, "status": "won"}))
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    copy = first.model_copy(update={"status": "lost"})
    assert copy.status == "lost" and first.status == "open"
    assert copy.__pydantic_fields_set__ is not first.__pydantic_fields_set__
    first.title = "changed"  # assignment adds a name already in the shared set: no effect
    assert second.__pydantic_fields_set__ == set(Deal.model_fields)


def test_money_cells_drop_zero_cents() -> None:
    context = FieldContext(currencies={"USD": Currency(code="USD", symbol="$")})
    assert money_cell(13520, "USD", context) == "$13,520"
    assert money_cell(1234.5, "USD", context) == "$1,234.50"
    assert money_cell(100, "XYZ", context) == "100 XYZ"


def test_fit_pieces_never_overflows_when_the_pieces_fill_the_width_exactly() -> None:
    from pipedrive_tui.widgets.table_columns import fit_pieces

    for pieces, width in (
        ([("abcd", ""), ("ef", "")], 4),
        ([(" Warm ", "a"), (" ", ""), (" Stale ", "b")], 6),
        ([(" Follow up ", "a"), (" ", ""), (" Warm ", "b")], 16),
        ([("ab", "")], 4),
    ):
        fitted = fit_pieces(pieces, width)
        assert sum(cell_len(text) for text, _ in fitted) == width
    assert fit_pieces([("abcd", ""), ("ef", "")], 4)[:2] == [("abc", ""), ("…", "")]
