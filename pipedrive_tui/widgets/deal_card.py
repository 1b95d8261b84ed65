"""Deal cards drawn on the Line API: a column of thousands of cards renders only what is visible.

A :class:`Card` is a handful of plain strings the screen prepared; :class:`CardList` draws them
four lines a card (title; organization or person; value and owner; a note such as the rotting
marker), with a blank line between cards, and never mounts a widget per card. Every string is
cleaned of control and escape sequences when drawn and is never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import overload

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipedrive_tui.fields.text import clean_line

__all__ = ["CARD_HEIGHT", "CARD_LINES", "Card", "CardList", "LazyCards", "card_keys", "fit"]

#: Lines of text on a card.
CARD_LINES = 4
#: Lines a card takes in its column, with the blank line under it.
CARD_HEIGHT = CARD_LINES + 1

#: The tones a card's note can take (each has a component class ``card-list--<tone>``).
TONES = frozenset({"rotting", "won", "lost", "muted"})


@dataclass(frozen=True, slots=True)
class Card:
    """One deal card as plain strings.

    Attributes:
        key: the deal's id.
        title: the deal's title.
        subtitle: its organization or person.
        value: its value with currency, already formatted.
        owner: its owner's name.
        note: the fourth line: a rotting marker, a won/lost marker or the next activity.
        tone: how the note is styled: ``"rotting"``, ``"won"``, ``"lost"`` or ``"muted"``.
    """

    key: int
    title: str
    subtitle: str = ""
    value: str = ""
    owner: str = ""
    note: str = ""
    tone: str = "muted"


class LazyCards(Sequence[Card]):
    """Cards made on first use from their keys: a column of thousands formats only what it draws.

    ``build`` turns a key into its card (and should cache it: it is called on every draw).
    """

    __slots__ = ("_build", "keys")

    def __init__(self, keys: Sequence[int], build: Callable[[int], Card]) -> None:
        self.keys = keys
        self._build = build

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Card: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Card]: ...
    def __getitem__(self, index: int | slice) -> Card | Sequence[Card]:
        if isinstance(index, slice):
            return [self._build(key) for key in self.keys[index]]
        return self._build(self.keys[index])


def card_keys(cards: Sequence[Card]) -> Sequence[int]:
    """The keys of some cards, without making lazy cards."""
    return cards.keys if isinstance(cards, LazyCards) else [card.key for card in cards]


def fit(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` cells, with "…" where it was cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class CardList(ScrollView, can_focus=False):
    """The cards of one column; the board moves its cursor, the mouse wheel scrolls it."""

    COMPONENT_CLASSES = {
        "card-list--card",
        "card-list--cursor",
        "card-list--cursor-blurred",
        "card-list--title",
        "card-list--muted",
        "card-list--value",
        "card-list--rotting",
        "card-list--won",
        "card-list--lost",
        "card-list--empty",
    }
    DEFAULT_CSS = """
    CardList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    class Clicked(Message):
        """A card was clicked (``index`` in this list)."""

        def __init__(self, card_list: CardList, index: int) -> None:
            super().__init__()
            self.card_list = card_list
            self.index = index

    def __init__(
        self,
        cards: Sequence[Card] = (),
        *,
        empty_text: str = "No deals",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cards: Sequence[Card] = ()
        self.empty_text = empty_text
        self.cursor: int | None = None
        self.active = False
        self.set_cards(cards)

    @property
    def cards(self) -> Sequence[Card]:
        """The cards shown, top to bottom."""
        return self._cards

    def set_cards(self, cards: Sequence[Card]) -> None:
        """Show these cards (the cursor index is kept; the board clamps it)."""
        self._cards = cards
        height = len(cards) * CARD_HEIGHT - 1 if cards else 1
        self.virtual_size = Size(0, height)
        self.refresh()

    def set_cursor(self, index: int | None, *, active: bool) -> None:
        """Highlight the card at ``index`` (``None``: none); ``active`` when the board has focus."""
        if index != self.cursor or active != self.active:
            self.cursor = index
            self.active = active
            self.refresh()

    def scroll_to_card(self, index: int) -> None:
        """Scroll so that the card at ``index`` is fully visible."""
        region = Region(0, index * CARD_HEIGHT, 1, CARD_LINES)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def visible_cards(self) -> int:
        """How many whole cards fit in the visible height (at least one)."""
        return max(1, (self.scrollable_content_region.height + 1) // CARD_HEIGHT)

    def card_at(self, y: int) -> int | None:
        """The index of the card drawn at content line ``y`` (scrolling included), if any."""
        index, row = divmod(y, CARD_HEIGHT)
        if row == CARD_LINES or not 0 <= index < len(self._cards):
            return None
        return index

    def on_click(self, event: events.Click) -> None:
        """Tell the board which card was clicked."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.card_at(offset.y + round(self.scroll_y))
        if index is not None:
            self.post_message(self.Clicked(self, index))

    # --- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a card's line, the gap under a card, or the empty text."""
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        if not self._cards:
            if line == 0:
                style = self.get_component_rich_style("card-list--empty")
                return Strip([Segment(fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, self.rich_style)
        index, row = divmod(line, CARD_HEIGHT)
        if row == CARD_LINES or index >= len(self._cards):
            return Strip.blank(width, self.rich_style)
        return self._card_line(self._cards[index], row, index == self.cursor, width)

    def _card_line(self, card: Card, row: int, cursor: bool, width: int) -> Strip:
        if cursor:
            box_name = "card-list--cursor" if self.active else "card-list--cursor-blurred"
        else:
            box_name = "card-list--card"
        box = self.get_component_rich_style(box_name)
        inner = max(width - 2, 0)
        parts: list[tuple[str, Style]]
        if row == 0:
            parts = [(clean_line(card.title) or "(untitled)", self._part("title"))]
        elif row == 1:
            parts = [(clean_line(card.subtitle), self._part("muted"))]
        elif row == 2:
            value = clean_line(card.value)
            owner = clean_line(card.owner)
            parts = [(value, self._part("value"))]
            if owner:
                parts.append((" · " + owner if value else owner, self._part("muted")))
        else:
            tone = card.tone if card.tone in TONES else "muted"
            parts = [(clean_line(card.note), self._part(tone))]
        segments = [Segment(" ", box)]
        used = 0
        for text, style in parts:
            room = inner - used
            if room <= 0 or not text:
                continue
            drawn = fit(text, room) if cell_len(text) > room else text
            segments.append(Segment(drawn, box + style))
            used += cell_len(drawn)
        return Strip(segments).adjust_cell_length(width, box)

    def _part(self, name: str) -> Style:
        return self.get_component_rich_style(f"card-list--{name}", partial=True)
