"""The kanban board: stage columns side by side, each a Line API list of deal cards.

The board only displays what it is given (:class:`ColumnData` with :class:`Card`\\ s) and keeps a
cursor (a column and a card). It posts :class:`Board.CardHighlighted` when the cursor lands on
another card or column and :class:`Board.CardSelected` on Enter; the screen does the rest.
Columns have a fixed width; the board scrolls sideways to keep the cursor's column in view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.widgets.deal_card import Card, CardList, card_keys, fit

__all__ = ["Board", "BoardColumn", "ColumnData", "ColumnHeader"]


@dataclass(frozen=True, slots=True)
class ColumnData:
    """One column: a stage's name, its counts and totals as plain strings, and its cards."""

    key: int
    title: str
    count: int = 0
    totals: str = ""
    weighted: str = ""
    cards: Sequence[Card] = ()


class ColumnHeader(Widget):
    """Three lines over a column: the stage and its count, the value, the weighted value."""

    COMPONENT_CLASSES = {"column-header--title", "column-header--count", "column-header--muted"}
    DEFAULT_CSS = "ColumnHeader { height: 3; padding: 0 1; }"

    data: reactive[ColumnData | None] = reactive(None, always_update=True)

    def render(self) -> Text:
        data = self.data
        if data is None:
            return Text("")
        width = self.content_size.width
        count = f"{data.count:,}"
        title_room = max(width - cell_len(count) - 1, 1)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        title = fit(clean_line(data.title), title_room)
        text.append(title, self.get_component_rich_style("column-header--title", partial=True))
        text.append(" " * max(width - cell_len(title) - cell_len(count), 1))
        text.append(count, self.get_component_rich_style("column-header--count", partial=True))
        text.append("\n")
        text.append(fit(clean_line(data.totals), width).rstrip())
        text.append("\n")
        muted = self.get_component_rich_style("column-header--muted", partial=True)
        text.append(fit(clean_line(data.weighted), width).rstrip(), muted)
        return text


class BoardColumn(Vertical):
    """A stage column: its header over its list of cards (which scrolls on its own)."""

    DEFAULT_CSS = """
    BoardColumn { width: 28; height: 1fr; }
    """

    def __init__(self, data: ColumnData, *, empty_text: str = "No deals") -> None:
        super().__init__()
        self.data = data
        self.empty_text = empty_text

    def compose(self) -> ComposeResult:
        header = ColumnHeader()
        header.data = self.data
        yield header
        yield CardList(self.data.cards, empty_text=self.empty_text)

    @property
    def card_list(self) -> CardList:
        """The list of cards under the header."""
        return self.query_one(CardList)

    def update(self, data: ColumnData, *, empty_text: str | None = None) -> None:
        """Show a new version of this column (same stage: its cards or totals changed).

        Before the column is mounted the version is only kept: :meth:`on_mount` draws it.
        """
        self.data = data
        if empty_text is not None:
            self.empty_text = empty_text
        if not self.is_mounted or not self.children:
            return
        self._draw()

    def _draw(self) -> None:
        self.query_one(ColumnHeader).data = self.data
        cards = self.card_list
        cards.empty_text = self.empty_text
        cards.set_cards(self.data.cards)

    def on_mount(self) -> None:
        if self._ready():
            self._mounted()
        else:  # its header and cards are still on their way
            self.call_after_refresh(self._mounted)

    def _ready(self) -> bool:
        return self.is_attached and bool(self.query(ColumnHeader)) and bool(self.query(CardList))

    def _mounted(self) -> None:
        """Now that the header and the cards are up: draw the latest version handed in while
        they were mounting, and let the board put its cursor on them."""
        if not self._ready():
            return
        self._draw()
        board = self.parent
        if isinstance(board, Board):
            board.column_mounted(self)


class Board(HorizontalScroll):
    """Stage columns with a cursor on a card; arrow keys and ``h j k l`` move it."""

    BINDINGS = [
        Binding("h,left", "cursor_left", "◀ Column", id="board.left", show=False,
                tooltip="Go to the previous stage's column"),
        Binding("l,right", "cursor_right", "Column ▶", id="board.right", show=False,
                tooltip="Go to the next stage's column"),
        Binding("k,up", "cursor_up", "Up", id="board.up", show=False,
                tooltip="Go to the card above"),
        Binding("j,down", "cursor_down", "Down", id="board.down", show=False,
                tooltip="Go to the card below"),
        Binding("g", "first_card", "First card", id="board.first_card", show=False,
                tooltip="Go to the first card of the column"),
        Binding("G", "last_card", "Last card", id="board.last_card", show=False,
                tooltip="Go to the last card of the column"),
        Binding("home", "first_column", "First column", id="board.first_column", show=False,
                tooltip="Go to the first stage"),
        Binding("end", "last_column", "Last column", id="board.last_column", show=False,
                tooltip="Go to the last stage"),
        Binding("pageup", "page_up", "Page up", id="board.page_up", show=False,
                tooltip="Go up one screenful of cards"),
        Binding("pagedown", "page_down", "Page down", id="board.page_down", show=False,
                tooltip="Go down one screenful of cards"),
        Binding("enter", "select", "Open", id="board.open",
                tooltip="Open the deal under the cursor"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    Board { height: 1fr; scrollbar-size-horizontal: 1; }
    """

    class CardHighlighted(Message):
        """The cursor moved: to the card of ``deal_id`` (``None``: an empty column)."""

        def __init__(self, board: Board, column_key: int | None, deal_id: int | None) -> None:
            super().__init__()
            self.board = board
            self.column_key = column_key
            self.deal_id = deal_id

        @property
        def control(self) -> Board:
            """The board that sent it."""
            return self.board

    class CardSelected(Message):
        """Enter (or a click on the cursor's card) chose the card of ``deal_id``."""

        def __init__(self, board: Board, column_key: int, deal_id: int) -> None:
            super().__init__()
            self.board = board
            self.column_key = column_key
            self.deal_id = deal_id

        @property
        def control(self) -> Board:
            """The board that sent it."""
            return self.board

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data: list[ColumnData] = []
        self._columns: list[BoardColumn] = []
        self.empty_text = "No deals"
        self.column = 0
        self.row = 0
        self._posted: tuple[int | None, int | None] | None = None
        self._wanted: int | None = None

    # --- data -------------------------------------------------------------------------------

    @property
    def columns(self) -> Sequence[ColumnData]:
        """The columns shown, left to right."""
        return self._data

    @property
    def cursor_column(self) -> ColumnData | None:
        """The column under the cursor."""
        return self._data[self.column] if 0 <= self.column < len(self._data) else None

    @property
    def cursor_card(self) -> Card | None:
        """The card under the cursor, or ``None`` in an empty column."""
        column = self.cursor_column
        if column is None or not 0 <= self.row < len(column.cards):
            return None
        return column.cards[self.row]

    def set_columns(self, columns: Sequence[ColumnData], *, empty_text: str = "No deals") -> None:
        """Show these columns; the cursor follows its card wherever it now is.

        The same stages in the same order update the mounted columns in place; other stages
        (another pipeline) replace them and put the cursor on the first card. When the cursor's
        card is gone (a reload emptied the columns) the board remembers it, and goes back to it
        when it shows up again, unless the cursor was moved meanwhile.
        """
        column = self.cursor_column
        keys = card_keys(column.cards) if column is not None else ()
        followed = keys[self.row] if 0 <= self.row < len(keys) else self._wanted
        before = (self.column, self.row)
        same = [c.key for c in columns] == [c.key for c in self._data] and bool(self._columns)
        self._data = list(columns)
        self.empty_text = empty_text
        if same:
            for widget, data in zip(self._columns, self._data, strict=True):
                widget.update(data, empty_text=empty_text)
        else:
            self.remove_children()
            self._columns = [BoardColumn(data, empty_text=empty_text) for data in self._data]
            self.column = self.row = 0
            followed = None
            if self._columns:
                self.mount_all(self._columns)
        position = self.card_position(followed) if followed is not None else None
        if position is not None:
            self.column, self.row = position
        self._wanted = followed if position is None else None
        moved = not same or (self.column, self.row) != before
        self.call_after_refresh(self._sync_cursor, scroll=moved)

    def card_position(self, deal_id: int) -> tuple[int, int] | None:
        """The (column, row) of a deal's card, if it is on the board."""
        for column_index, data in enumerate(self._data):
            keys = card_keys(data.cards)
            if deal_id in keys:
                return column_index, list(keys).index(deal_id)
        return None

    # --- cursor -----------------------------------------------------------------------------

    def move_cursor(self, column: int | None = None, row: int | None = None) -> None:
        """Put the cursor on a column and card (clamped to what exists) and scroll to it."""
        self._wanted = None
        if column is not None:
            self.column = column
        if row is not None:
            self.row = row
        self._sync_cursor()

    def column_mounted(self, column: BoardColumn) -> None:
        """A column finished mounting: its card list can take the cursor now (and the board
        scrolls to it when it is the cursor's column)."""
        here = self.column < len(self._columns) and self._columns[self.column] is column
        self._sync_cursor(scroll=here)

    def _sync_cursor(self, scroll: bool = True) -> None:
        if not self._data:
            self.column = self.row = 0
            self._post_highlight()
            return
        self.column = min(max(self.column, 0), len(self._data) - 1)
        cards = self._data[self.column].cards
        self.row = min(max(self.row, 0), max(len(cards) - 1, 0))
        active = self.has_focus
        for index, widget in enumerate(self._columns):
            widget.set_class(index == self.column, "-cursor")
            if widget.is_mounted and widget.children:
                here = index == self.column and bool(widget.data.cards)
                widget.card_list.set_cursor(self.row if here else None, active=active)
        current = self._columns[self.column] if self.column < len(self._columns) else None
        if scroll and current is not None and current.is_mounted and current.children:
            self.scroll_to_widget(current, animate=False, immediate=True)
            if cards:
                current.card_list.scroll_to_card(self.row)
        self._post_highlight()

    def _post_highlight(self) -> None:
        column = self.cursor_column
        card = self.cursor_card
        posted = (column.key if column else None, card.key if card else None)
        if posted != self._posted:
            self._posted = posted
            self.post_message(self.CardHighlighted(self, *posted))

    def on_focus(self) -> None:
        """Show the cursor as active."""
        self._sync_cursor(scroll=False)

    def on_blur(self) -> None:
        """Show the cursor as inactive."""
        self._sync_cursor(scroll=False)

    @on(CardList.Clicked)
    def _clicked(self, event: CardList.Clicked) -> None:
        event.stop()
        column = next(
            (
                i
                for i, w in enumerate(self._columns)
                if w.is_mounted and w.card_list is event.card_list
            ),
            None,
        )
        if column is None:
            return
        self.focus()
        if (column, event.index) == (self.column, self.row):
            self.action_select()
        else:
            self.move_cursor(column, event.index)

    # --- actions ----------------------------------------------------------------------------

    def action_cursor_left(self) -> None:
        """Go to the previous column."""
        self.move_cursor(column=max(self.column - 1, 0))

    def action_cursor_right(self) -> None:
        """Go to the next column."""
        self.move_cursor(column=self.column + 1)

    def action_cursor_up(self) -> None:
        """Go to the card above."""
        self.move_cursor(row=max(self.row - 1, 0))

    def action_cursor_down(self) -> None:
        """Go to the card below."""
        self.move_cursor(row=self.row + 1)

    def action_first_card(self) -> None:
        """Go to the first card of the column."""
        self.move_cursor(row=0)

    def action_last_card(self) -> None:
        """Go to the last card of the column."""
        column = self.cursor_column
        self.move_cursor(row=len(column.cards) - 1 if column else 0)

    def action_first_column(self) -> None:
        """Go to the first column."""
        self.move_cursor(column=0)

    def action_last_column(self) -> None:
        """Go to the last column."""
        self.move_cursor(column=len(self._data) - 1)

    def _page(self) -> int:
        if 0 <= self.column < len(self._columns) and self._columns[self.column].children:
            return self._columns[self.column].card_list.visible_cards()
        return 1

    def action_page_up(self) -> None:
        """Go up by as many cards as the column shows."""
        self.move_cursor(row=max(self.row - self._page(), 0))

    def action_page_down(self) -> None:
        """Go down by as many cards as the column shows."""
        self.move_cursor(row=self.row + self._page())

    def action_select(self) -> None:
        """Choose the card under the cursor."""
        column = self.cursor_column
        card = self.cursor_card
        if column is not None and card is not None:
            self.post_message(self.CardSelected(self, column.key, card.key))
