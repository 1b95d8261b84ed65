"""``RecordTable``: a virtualised table of records (deals, leads…) on Textual's Line API.

Textual's ``DataTable`` measures every cell before its first paint, which takes seconds at
10,000 rows. This table draws only the lines on screen: column widths come from the width of
the widget (see :func:`~pipedrive_tui.widgets.table_columns.fit_columns`), line 0 is the
header, and each row is turned into a :class:`~textual.strip.Strip` the first time it is
shown, then cached until its record, the columns, the width or the styles change.

The table never fetches anything: the screen hands it ``columns`` and ``rows`` (any
``Sequence`` of records with an ``id``, so a list that grows page by page is shown as it
grows), and it posts :class:`RecordTable.Highlighted` and :class:`RecordTable.Selected`.
Colours come from component classes (``<prefix>--header``, ``--cursor``, ``--stale`` and any
a subclass adds for its cells or rows), styled in tcss with theme variables.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipedrive_tui.widgets.table_columns import GAP, TableColumn, fit_cell, fit_columns, fit_pieces

__all__ = ["HasId", "RecordTable"]

#: Rows kept drawn in the cache; a screenful is ~50, so this covers scrolling back and forth.
_CACHE_ROWS = 400


class HasId(Protocol):
    """A record the table can show: anything with an ``id``."""

    @property
    def id(self) -> Any: ...


R = TypeVar("R", bound=HasId)


class RecordTable(ScrollView, Generic[R], can_focus=True):
    """A table of records that draws only the rows on screen, whatever their number."""

    #: The component classes' prefix (``deal-table`` gives ``deal-table--cursor``…).
    PREFIX: ClassVar[str] = "record-table"
    #: What a row is, for the bindings' help ("Open the deal's details").
    NOUN: ClassVar[str] = "record"

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", id="table.up", show=False, tooltip="Row above"),
        Binding("down,j", "cursor(1)", "Down", id="table.down", show=False, tooltip="Row below"),
        Binding(
            "pageup", "page(-1)", "Page up", id="table.page_up", show=False,
            tooltip="One screen up",
        ),
        Binding(
            "pagedown", "page(1)", "Page down", id="table.page_down", show=False,
            tooltip="One screen down",
        ),
        Binding("home,g", "first", "Top", id="table.top", show=False, tooltip="First row"),
        Binding(
            "end,G", "last", "Bottom", id="table.bottom", show=False,
            tooltip="Last row loaded (loads more when more exist)",
        ),
        Binding("enter", "select", "Open", id="table.open", tooltip="Open the row's details"),
    ]  # fmt: skip

    COMPONENT_CLASSES = {
        "record-table--header",
        "record-table--cursor",
        "record-table--stale",
    }

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another record (or the record under it changed)."""

        table: RecordTable[Any]
        record: Any

        @property
        def control(self) -> RecordTable[Any]:
            """The table the cursor moved in."""
            return self.table

    @dataclass
    class Selected(Message):
        """Enter (or a click on the cursor's row) chose a record."""

        table: RecordTable[Any]
        record: Any

        @property
        def control(self) -> RecordTable[Any]:
            """The table the record was chosen in."""
            return self.table

    def __init__(
        self,
        columns: Sequence[TableColumn] = (),
        rows: Sequence[R] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: list[TableColumn] = list(columns)
        self._rows: Sequence[R] = rows
        self._marked: Collection[Hashable] = frozenset()
        self._sort: tuple[str, bool] | None = None
        self._fitted: list[tuple[TableColumn, int]] = []
        self._fitted_width = -1
        self._cache: dict[int, Strip] = {}
        self._highlighted_id: Hashable | None = None
        self._base_style: Style | None = None
        self._styles: dict[str, Style] = {}
        self.virtual_size = Size(0, len(rows) + 1)

    # --- what a subclass may change -------------------------------------------------------

    def row_class(self, record: R) -> str:
        """A component class (without the prefix) that styles a whole row, or ``""``."""
        return ""

    def _component(self, name: str) -> Style:
        """The style of a component class (``--cursor``, a chip…), cached until styles change."""
        style = self._styles.get(name)
        if style is None:
            full = name if "--" in name and not name.startswith("--") else f"{self.PREFIX}{name}"
            style = self._styles[name] = self.get_component_rich_style(full, partial=True)
        return style

    # --- what the screen gives ------------------------------------------------------------

    @property
    def rows(self) -> Sequence[R]:
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
    def cursor_record(self) -> R | None:
        """The record under the cursor, or ``None`` when the table is empty."""
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row]
        return None

    def set_columns(self, columns: Sequence[TableColumn]) -> None:
        """Show these columns (cells are redrawn)."""
        self._columns = list(columns)
        self._fitted_width = -1
        self.refresh_cells()

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show these rows; the cursor stays on the same record when it is still there.

        Pass the same list again after appending to it (a page arrived) or changing it.
        """
        keep = self._highlighted_id
        self._rows = rows
        self._cache.clear()
        self.virtual_size = Size(0, len(rows) + 1)
        index = min(self.cursor_row, max(len(rows) - 1, 0))
        if keep is not None and not (index < len(rows) and rows[index].id == keep):
            found = next((i for i, row in enumerate(rows) if row.id == keep), None)
            if found is not None:
                index = found
        self._set_cursor(index)
        self.refresh()

    def set_marked(self, record_ids: Collection[Hashable]) -> None:
        """Draw these records dimmed (changed so that they no longer belong to the list)."""
        self._marked = record_ids
        self.refresh_cells()

    def set_sort(self, key: str | None, reverse: bool = False) -> None:
        """Show which column the rows are sorted by (the sorting itself is the screen's)."""
        self._sort = None if key is None else (key, reverse)
        self.refresh()

    def refresh_cells(self) -> None:
        """Redraw every row (names arrived, a record changed, the columns changed)."""
        self._cache.clear()
        self.refresh()

    def refresh_record(self, record_id: Hashable) -> None:
        """Redraw the row of one record if it is on screen."""
        top = round(self.scroll_y)
        for index in range(top, min(top + self._page_rows() + 1, len(self._rows))):
            if self._rows[index].id == record_id:
                self._cache.pop(index, None)
                self._refresh_row(index)
        current = self.cursor_record
        if current is not None and current.id == record_id:
            self.post_message(self.Highlighted(self, current))

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
        record = self.cursor_record
        record_id = record.id if record is not None else None
        if record is not None and record_id != self._highlighted_id:
            self.post_message(self.Highlighted(self, record))
        self._highlighted_id = record_id

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
        """Choose the record under the cursor."""
        record = self.cursor_record
        if record is not None:
            self.post_message(self.Selected(self, record))

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
        self._styles.clear()
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
            return self._row(self._rows[index], layout, width, base, self._component("--cursor"))
        strip = self._cache.get(index)
        if strip is None:
            if len(self._cache) >= _CACHE_ROWS:
                self._cache.clear()
            strip = self._row(self._rows[index], layout, width, base, None)
            self._cache[index] = strip
        return strip

    def _header(self, layout: list[tuple[TableColumn, int]], width: int, base: Style) -> Strip:
        style = base + self._component("--header")
        cells = []
        for column, size in layout:
            label = column.label
            if self._sort is not None and self._sort[0] == column.key:
                label = f"{label} {'▼' if self._sort[1] else '▲'}"
            cells.append(fit_cell(label, size, column.align))
        return self._strip([[Segment(cell)] for cell in cells], width, style)

    def _row(
        self,
        record: R,
        layout: list[tuple[TableColumn, int]],
        width: int,
        base: Style,
        cursor: Style | None,
    ) -> Strip:
        style = base
        if record.id in self._marked:
            style += self._component("--stale")
        extra = self.row_class(record)
        if extra:
            style += self._component(f"--{extra}")
        if cursor is not None:
            style += cursor
        cells: list[list[Segment]] = []
        for column, size in layout:
            if column.pieces is None:
                cells.append([Segment(fit_cell(column.cell(record), size, column.align))])
                continue
            cell = []
            for text, name in fit_pieces(column.pieces(record), size, column.align):
                # The cursor's colours win over a chip's, so the cursor row reads as one.
                piece = None if not name or cursor is not None else self._component(name)
                cell.append(Segment(text, piece))
            cells.append(cell)
        return self._strip(cells, width, style)

    @staticmethod
    def _strip(cells: list[list[Segment]], width: int, style: Style) -> Strip:
        """Join the cells with the gap, all over ``style`` (a piece's own style on top)."""
        gap = Segment(" " * GAP, style)
        segments: list[Segment] = []
        for index, cell in enumerate(cells):
            if index:
                segments.append(gap)
            for piece in cell:
                segments.append(Segment(piece.text, style + piece.style if piece.style else style))
        strip = Strip(segments)
        return strip.crop_extend(0, width, style)
