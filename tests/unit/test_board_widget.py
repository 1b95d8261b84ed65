"""The board widget on its own: drawing cards on the Line API, the cursor, hostile titles."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult

from pipedrive_tui.widgets.board import Board, ColumnData, ColumnHeader
from pipedrive_tui.widgets.deal_card import CARD_HEIGHT, Card, CardList, LazyCards, card_keys, fit


def _cards(prefix: str, count: int, start: int = 1) -> list[Card]:
    return [
        Card(
            key=start + i,
            title=f"{prefix} {i}",
            subtitle="Acme",
            value="$1,000",
            owner="Ava",
            note="⚠ rotting 3d" if i == 0 else "",
            tone="rotting" if i == 0 else "muted",
        )
        for i in range(count)
    ]


def _columns() -> list[ColumnData]:
    return [
        ColumnData(1, "Qualified", 3, "$3,000", "weighted $300", _cards("A", 3, 100)),
        ColumnData(2, "Contact made", 1, "$1,000", "weighted $200", _cards("B", 1, 200)),
        ColumnData(3, "Empty", 0, "$0", "weighted $0", []),
    ]


class BoardApp(App[None]):
    """A bare app holding one board."""

    CSS = """
    CardList > .card-list--card { background: $panel; }
    CardList > .card-list--cursor { background: $primary; }
    CardList > .card-list--rotting { color: $error; }
    """

    def __init__(self, columns: Sequence[ColumnData]) -> None:
        super().__init__()
        self.columns = columns
        self.highlighted: list[tuple[int | None, int | None]] = []
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield Board()

    def on_mount(self) -> None:
        board = self.query_one(Board)
        board.set_columns(self.columns)
        board.focus()

    @on(Board.CardHighlighted)
    def _highlighted(self, event: Board.CardHighlighted) -> None:
        self.highlighted.append((event.column_key, event.deal_id))

    @on(Board.CardSelected)
    def _selected(self, event: Board.CardSelected) -> None:
        self.selected.append(event.deal_id)


def _lines(card_list: CardList, count: int) -> list[str]:
    return [card_list.render_line(y).text for y in range(count)]


def test_fit_pads_and_cuts_with_an_ellipsis() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"
    assert cell_len(fit("日本語", 4)) == 4 and fit("日本語", 4).endswith("…")
    assert fit("x", 0) == ""


async def test_cards_render_four_lines_and_a_gap() -> None:
    app = BoardApp(_columns())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        card_list = app.query(CardList).first()
        width = card_list.scrollable_content_region.width
        lines = _lines(card_list, CARD_HEIGHT + 1)
        assert all(len(line) == width for line in lines)
        assert lines[0].strip() == "A 0"
        assert lines[1].strip() == "Acme"
        assert lines[2].strip() == "$1,000 · Ava"
        assert lines[3].strip() == "⚠ rotting 3d"
        assert lines[4].strip() == ""
        assert lines[5].strip() == "A 1"
        # The cursor's card is drawn with the cursor's component style, the others are not.
        cursor = card_list.get_component_rich_style("card-list--cursor")
        first = card_list.render_line(0)
        second = card_list.render_line(CARD_HEIGHT)
        assert first._segments[0].style == cursor
        assert second._segments[0].style != cursor
        rotting = card_list.get_component_rich_style("card-list--rotting", partial=True)
        assert any(
            s.text.startswith("⚠") and s.style is not None and s.style.color == rotting.color
            for s in card_list.render_line(3)._segments
        )


async def test_hostile_titles_are_drawn_as_plain_text() -> None:
    hostile = [
        Card(1, "[bold]x[/] deal", "[red]Org[/red]", "$1", "[link=x]me[/]"),
        Card(2, "\x1b]0;pwned\x07Retitled\x1b[2J deal", "\x1b[31mred\x1b[0m org\r\nnext"),
        Card(3, "", "", "", "", "\x1b[5mblink", "unknown-tone"),
    ]
    app = BoardApp([ColumnData(1, "[b]Stage[/b]\x1b[1m", 3, "[i]$3[/i]", "", hostile)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        card_list = app.query_one(CardList)
        lines = _lines(card_list, 3 * CARD_HEIGHT)
        assert lines[0].strip() == "[bold]x[/] deal"
        assert lines[1].strip() == "[red]Org[/red]"
        assert lines[2].strip() == "$1 · [link=x]me[/]"
        assert lines[CARD_HEIGHT].strip() == "Retitled deal"
        assert lines[CARD_HEIGHT + 1].strip() == "red org next"
        assert lines[2 * CARD_HEIGHT].strip() == "(untitled)"
        assert lines[2 * CARD_HEIGHT + 3].strip() == "blink"
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        header = str(app.query_one(ColumnHeader).render())
        assert "[b]Stage[/b]" in header and "[i]$3[/i]" in header and "\x1b" not in header


async def test_long_titles_are_cut_to_the_column() -> None:
    long = Card(1, "W" * 80, "日本語の組織名" * 10, "€123,456,789", "Someone With A Long Name")
    app = BoardApp([ColumnData(1, "Stage", 1, "", "", [long])])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        card_list = app.query_one(CardList)
        width = card_list.scrollable_content_region.width
        for y in range(CARD_LINES := 4):
            strip = card_list.render_line(y)
            assert strip.cell_length == width
        assert card_list.render_line(0).text.rstrip().endswith("…")
        assert CARD_LINES == 4


async def test_keys_move_the_cursor_and_post_highlights() -> None:
    app = BoardApp(_columns())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.query_one(Board)
        assert app.highlighted[-1] == (1, 100)
        await pilot.press("j", "j", "j")
        assert board.row == 2  # clamped to the last card
        await pilot.press("l")
        assert (board.column, board.row) == (1, 0)
        await pilot.press("l")
        assert board.cursor_card is None and board.cursor_column is not None
        await pilot.press("right")
        assert board.column == 2
        await pilot.press("home", "G")
        assert (board.column, board.row) == (0, 2)
        await pilot.press("g", "end", "h")
        assert (board.column, board.row) == (1, 0)
        await pilot.pause()
        # Focus came before the columns: the first highlight says "nothing yet".
        assert app.highlighted == [
            (None, None), (1, 100), (1, 101), (1, 102), (2, 200), (3, None), (1, 100),
            (1, 102), (1, 100), (3, None), (2, 200),
        ]  # fmt: skip
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [200]


async def test_the_cursor_follows_its_card_to_another_column() -> None:
    app = BoardApp(_columns())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.query_one(Board)
        await pilot.press("j")
        moved = board.columns[0].cards[1]
        first = [c for c in board.columns[0].cards if c is not moved]
        second = [*board.columns[1].cards, moved]
        board.set_columns(
            [
                ColumnData(1, "Qualified", 2, cards=first),
                ColumnData(2, "Contact made", 2, cards=second),
                ColumnData(3, "Empty", 0),
            ]
        )
        await pilot.pause()
        assert (board.column, board.row) == (1, 1)
        assert board.cursor_card is moved
        # A card that leaves the board leaves the cursor where it was (clamped).
        board.set_columns(
            [
                ColumnData(1, "Qualified", 2, cards=first),
                ColumnData(2, "Contact made", 1, cards=second[:1]),
                ColumnData(3, "Empty", 0),
            ]
        )
        await pilot.pause()
        assert (board.column, board.row) == (1, 0)


async def test_a_reload_brings_the_cursor_back_to_its_card() -> None:
    app = BoardApp(_columns())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.query_one(Board)
        await pilot.press("l")
        assert board.cursor_card is not None and board.cursor_card.key == 200
        empty = [ColumnData(c.key, c.title) for c in _columns()]
        board.set_columns(empty, empty_text="Loading…")
        await pilot.pause()
        assert board.cursor_card is None
        board.set_columns(_columns())
        await pilot.pause()
        assert board.cursor_card is not None and board.cursor_card.key == 200
        # Moving the cursor in between forgets the card it was on.
        board.set_columns(empty)
        await pilot.press("h")
        board.set_columns(_columns())
        await pilot.pause()
        assert (board.column, board.row) == (0, 0)


async def test_thousands_of_cards_render_only_what_is_visible() -> None:
    many = _cards("Deal", 5_000)
    app = BoardApp([ColumnData(1, "Big", 5_000, cards=many)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.query_one(Board)
        card_list = app.query_one(CardList)
        assert card_list.virtual_size.height == 5_000 * CARD_HEIGHT - 1
        assert len(card_list.children) == 0
        await pilot.press("G")
        await pilot.pause()
        assert board.row == 4_999
        assert card_list.scroll_y > 0
        visible = _lines(card_list, card_list.size.height)
        assert any(line.strip() == "Deal 4999" for line in visible)
        await pilot.press("pageup")
        assert board.row == 4_999 - card_list.visible_cards()


async def test_a_click_moves_the_cursor_and_a_second_click_selects() -> None:
    app = BoardApp(_columns())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.query_one(Board)
        second_list = app.query(CardList)[1]
        await pilot.click(second_list, offset=(3, 1))
        await pilot.pause()
        assert (board.column, board.row) == (1, 0)
        await pilot.click(second_list, offset=(3, 1))
        await pilot.pause()
        assert app.selected == [200]


async def test_empty_column_and_empty_board() -> None:
    app = BoardApp([ColumnData(1, "Nothing", 0)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        card_list = app.query_one(CardList)
        assert card_list.render_line(0).text.strip() == "No deals"
        board = app.query_one(Board)
        board.set_columns([])
        await pilot.pause()
        assert board.cursor_column is None and board.cursor_card is None
        await pilot.press("l", "j", "enter")
        assert app.selected == []


def test_lazy_cards_are_made_only_when_asked_for() -> None:
    made: list[int] = []

    def build(key: int) -> Card:
        made.append(key)
        return Card(key, f"Deal {key}")

    cards = LazyCards(list(range(5_000)), build)
    assert len(cards) == 5_000 and made == []
    assert cards[4_999].title == "Deal 4999"
    assert [c.key for c in cards[10:12]] == [10, 11]
    assert card_keys(cards) is cards.keys and made == [4_999, 10, 11]
    assert card_keys([Card(7, "x")]) == [7]
