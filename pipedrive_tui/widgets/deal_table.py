"""``DealTable``: a virtualised table of deals on Textual's Line API.

Textual's ``DataTable`` measures every cell before its first paint, which takes seconds at
10,000 rows. This table draws only the lines on screen: column widths come from the width of
the widget (see :func:`~pipedrive_tui.widgets.table_columns.fit_columns`), line 0 is the
header, and each row is turned into a :class:`~textual.strip.Strip` the first time it is
shown, then cached until its deal, the columns, the width or the styles change.

The table never fetches anything: the screen hands it ``columns`` and ``rows`` (any
``Sequence`` of deals, so a list that grows page by page is shown as it grows), and it posts
:class:`DealTable.Highlighted` and :class:`DealTable.Selected`. Colours come from the
component classes, styled in tcss with theme variables.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipedrive_tui.api.models import Deal
from pipedrive_tui.widgets.table_columns import GAP, TableColumn, fit_cell, fit_columns

__all__ = ["DealTable"]

#: Rows kept drawn in the cache; a screenful is ~50, so this covers scrolling back and forth.
_CACHE_ROWS = 400


class DealTable(ScrollView, can_focus=True):
    """A table of deals that draws only the rows on screen, whatever their number."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", id="deal_table.up", show=False, tooltip="Row above"),
        Binding(
            "down,j", "cursor(1)", "Down", id="deal_table.down", show=False, tooltip="Row below"
        ),
        Binding(
            "pageup", "page(-1)", "Page up", id="deal_table.page_up", show=False,
            tooltip="One screen up",
        ),
        Binding(
            "pagedown", "page(1)", "Page down", id="deal_table.page_down", show=False,
            tooltip="One screen down",
        ),
        Binding(
            "home,g", "first", "Top", id="deal_table.top", show=False, tooltip="First row"
        ),
        Binding(
            "end,G", "last", "Bottom", id="deal_table.bottom", show=False,
            tooltip="Last row loaded (loads more when more exist)",
        ),
        Binding(
            "enter", "select", "Open", id="deal_table.open", tooltip="Open the deal's details"
        ),
    ]  # fmt: skip

    COMPONENT_CLASSES = {
        "deal-table--header",
        "deal-table--cursor",
        "deal-table--stale",
    }

    # Intrinsic layout only; colours live in the screen's tcss. "reverse" keeps the cursor
    # visible where no stylesheet styles it (a widget test, another screen).
    DEFAULT_CSS = """
    DealTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    DealTable > .deal-table--header { text-style: bold; }
    DealTable > .deal-table--cursor { text-style: reverse; }
    DealTable > .deal-table--stale { text-style: dim; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another deal (or the deal under it changed)."""

        table: DealTable
        deal: Deal

        @property
        def control(self) -> DealTable:
            """The table the cursor moved in."""
            return self.table

    @dataclass
    class Selected(Message):
        """Enter (or a click on the cursor's row) chose a deal."""

        table: DealTable
        deal: Deal

        @property
        def control(self) -> DealTable:
            """The table the deal was chosen in."""
            return self.table

    def __init__(
        self,
        columns: Sequence[TableColumn] = (),
        rows: Sequence[Deal] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: list[TableColumn] = list(columns)
        self._rows: Sequence[Deal] = rows
        self._marked: Collection[int] = frozenset()
        self._sort: tuple[str, bool] | None = None
        self._fitted: list[tuple[TableColumn, int]] = []
        self._fitted_width = -1
        self._cache: dict[int, Strip] = {}
        self._highlighted_id: int | None = None
        self._base_style: Style | None = None
        self.virtual_size = Size(0, len(rows) + 1)

    # --- what the screen gives ------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Deal]:
        """The rows shown, in order."""
        return self._rows

    @property
    def columns(self) -> list[TableColumn]:
        """Every column the screen gave (some may be hidden on a narrow terminal)."""
        return list(self._columns)

    @property
    def shown_columns(self) -> list[TableColumn]:
        """The columns that fit the current width, left to right."""
        return [column for column, _ in self._layout(self._line_width())]

    @property
    def cursor_deal(self) -> Deal | None:
        """The deal under the cursor, or ``None`` when the table is empty."""
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row]
        return None

    def set_columns(self, columns: Sequence[TableColumn]) -> None:
        """Show these columns (cells are redrawn)."""
        self._columns = list(columns)
        self._fitted_width = -1
        self.refresh_cells()

    def set_rows(self, rows: Sequence[Deal]) -> None:
        """Show these rows; the cursor stays on the same deal when it is still there.

        Pass the same list again after appending to it (a page arrived) or changing it.
        """
        keep = self._highlighted_id
        self._rows = rows
        self._cache.clear()
        self.virtual_size = Size(0, len(rows) + 1)
        index = min(self.cursor_row, max(len(rows) - 1, 0))
        if keep is not None and not (index < len(rows) and rows[index].id == keep):
            found = next((i for i, deal in enumerate(rows) if deal.id == keep), None)
            if found is not None:
                index = found
        self._set_cursor(index)
        self.refresh()

    def set_marked(self, deal_ids: Collection[int]) -> None:
        """Draw these deals dimmed (changed so that they no longer belong to the list)."""
        self._marked = deal_ids
        self.refresh_cells()

    def set_sort(self, key: str | None, reverse: bool = False) -> None:
        """Show which column the rows are sorted by (the sorting itself is the screen's)."""
        self._sort = None if key is None else (key, reverse)
        self.refresh()

    def refresh_cells(self) -> None:
        """Redraw every row (names arrived, a deal changed, the columns changed)."""
        self._cache.clear()
        self.refresh()

    def refresh_deal(self, deal_id: int) -> None:
        """Redraw the row of one deal if it is on screen."""
        top = round(self.scroll_y)
        for index in range(top, min(top + self._page_rows() + 1, len(self._rows))):
            if self._rows[index].id == deal_id:
                self._cache.pop(index, None)
                self._refresh_row(index)
        if self.cursor_deal is not None and self.cursor_deal.id == deal_id:
            self.post_message(self.Highlighted(self, self.cursor_deal))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped to the rows) and scroll it into view."""
        self._set_cursor(row)

    # --- cursor ----------------------------------------------------------------------------

    def _set_cursor(self, row: int) -> None:
        row = max(0, min(row, len(self._rows) - 1))
        if row != self.cursor_row:
            self.cursor_row = row
        else:
            self._after_move()

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._cache.pop(old, None)
        self._refresh_row(old)
        self._refresh_row(new)
        self._after_move()

    def _after_move(self) -> None:
        self._scroll_to_cursor()
        deal = self.cursor_deal
        deal_id = deal.id if deal is not None else None
        if deal is not None and deal_id != self._highlighted_id:
            self.post_message(self.Highlighted(self, deal))
        self._highlighted_id = deal_id

    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        if not self.is_mounted:
            return
        row, top, page = self.cursor_row, round(self.scroll_y), self._page_rows()
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + page:
            self.scroll_to(y=row - page + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        """Move the cursor ``delta`` rows."""
        self._set_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful up (-1) or down (1)."""
        self._set_cursor(self.cursor_row + direction * self._page_rows())

    def action_first(self) -> None:
        """Go to the first row."""
        self._set_cursor(0)

    def action_last(self) -> None:
        """Go to the last row."""
        self._set_cursor(len(self._rows) - 1)

    def action_select(self) -> None:
        """Choose the deal under the cursor."""
        deal = self.cursor_deal
        if deal is not None:
            self.post_message(self.Selected(self, deal))

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if not 0 <= row < len(self._rows):
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self._set_cursor(row)

    # --- drawing ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._base_style = None

    def _on_resize(self, _event: events.Resize) -> None:
        self._cache.clear()
        self._scroll_to_cursor()

    def _line_width(self) -> int:
        return self.scrollable_content_region.width

    def _layout(self, width: int) -> list[tuple[TableColumn, int]]:
        if width != self._fitted_width:
            self._fitted = fit_columns(self._columns, width)
            self._fitted_width = width
            self._cache.clear()
        return self._fitted

    def _refresh_row(self, index: int) -> None:
        y = index + 1 - round(self.scroll_y)
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, a row, or blank below the last row."""
        width = self._line_width()
        layout = self._layout(width)
        base = self._base_style
        if base is None:  # computing it walks the ancestors: once per style change, not per line
            base = self._base_style = self.rich_style
        if y == 0:
            return self._header(layout, width, base)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        if index == self.cursor_row:
            cursor = self.get_component_rich_style("deal-table--cursor", partial=True)
            return self._row(self._rows[index], layout, width, base, cursor)
        strip = self._cache.get(index)
        if strip is None:
            if len(self._cache) >= _CACHE_ROWS:
                self._cache.clear()
            strip = self._row(self._rows[index], layout, width, base, None)
            self._cache[index] = strip
        return strip

    def _header(self, layout: list[tuple[TableColumn, int]], width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("deal-table--header", partial=True)
        cells = []
        for column, size in layout:
            label = column.label
            if self._sort is not None and self._sort[0] == column.key:
                label = f"{label} {'▼' if self._sort[1] else '▲'}"
            cells.append(fit_cell(label, size, column.align))
        return self._strip(cells, width, style)

    def _row(
        self,
        deal: Deal,
        layout: list[tuple[TableColumn, int]],
        width: int,
        base: Style,
        cursor: Style | None,
    ) -> Strip:
        style = base
        if deal.id in self._marked:
            style += self.get_component_rich_style("deal-table--stale", partial=True)
        if cursor is not None:
            style += cursor
        cells = [fit_cell(column.cell(deal), size, column.align) for column, size in layout]
        return self._strip(cells, width, style)

    @staticmethod
    def _strip(cells: list[str], width: int, style: Style) -> Strip:
        text = (" " * GAP).join(cells)
        strip = Strip([Segment(text, style)])
        return strip.crop_extend(0, width, style)
