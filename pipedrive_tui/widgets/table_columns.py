"""Columns of the deal table: what a column shows, and how columns share the terminal's width.

Pure functions, no widgets: the screen builds :class:`TableColumn`\\ s (it knows the names of
stages, users and organizations), :func:`fit_columns` picks the ones that fit a width, and
:func:`fit_cell` turns one cell into exactly ``width`` cells of plain, safe text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len, set_cell_size

from pipedrive_tui.fields.text import clean_line, clean_text

__all__ = [
    "ELLIPSIS",
    "GAP",
    "Align",
    "Pieces",
    "TableColumn",
    "fit_cell",
    "fit_columns",
    "fit_pieces",
    "title_cell",
]

Align = Literal["left", "right"]
#: A cell drawn in parts: ``(text, component class)``, ``""`` for the row's own style.
Pieces = list[tuple[str, str]]
_WHITESPACE = re.compile(r"\s+")
#: Cells between two columns.
GAP = 1
#: Marks a cell cut short.
ELLIPSIS = "…"
#: The title cell of a record whose title holds nothing readable.
UNTITLED = "(untitled)"


@dataclass(frozen=True, eq=False)
class TableColumn:
    """One column: its key and header, how to draw a row's cell, and how much room it needs.

    Attributes:
        key: a stable name (``"title"``, ``"value"``, a custom field's key).
        label: the header text.
        cell: the cell's text for a row (plain text; it is cleaned and cut to fit).
        width: the column's width; for a ``flexible`` column, its least width.
        align: ``"right"`` for amounts.
        flexible: takes the width the fixed columns leave over (the title).
        priority: 0 is never dropped; on a narrow terminal the highest number goes first.
        sort_key: the value rows are sorted by (``None`` sorts last), or ``None`` for the text.
        ideal: for a flexible column, the width worth dropping optional columns (priority 2
            and up) for.
        pieces: draws the cell in styled parts instead (labels as coloured chips); ``cell``
            still gives its text for sorting and searching.
    """

    key: str
    label: str
    cell: Callable[[Any], str]
    width: int = 12
    align: Align = "left"
    flexible: bool = False
    priority: int = 1
    sort_key: Callable[[Any], Any] | None = None
    ideal: int = 0
    pieces: Callable[[Any], Pieces] | None = None


def _needed(columns: Sequence[TableColumn]) -> int:
    return sum(column.width for column in columns) + GAP * max(len(columns) - 1, 0)


def fit_columns(columns: Sequence[TableColumn], width: int) -> list[tuple[TableColumn, int]]:
    """The columns that fit ``width`` cells, with the width each gets.

    Columns are dropped from the highest ``priority`` number down (the rightmost first among
    equals) until the rest fit, then optional ones (priority 2 and up) while a flexible column
    is narrower than its ``ideal``; the flexible columns share what is left over. Columns of
    priority 0 are kept even when they overflow (the line is cut at the edge instead).
    """
    chosen = list(columns)

    def cramped() -> bool:
        flexible = [c for c in chosen if c.flexible]
        spare = (width - _needed(chosen)) // max(len(flexible), 1)
        return any(c.width + spare < c.ideal for c in flexible)

    while _needed(chosen) > width or cramped():
        least = 1 if _needed(chosen) > width else 2
        droppable = [(c.priority, i) for i, c in enumerate(chosen) if c.priority >= least]
        if not droppable:
            break
        _, index = max(droppable)
        del chosen[index]
    spare = max(width - _needed(chosen), 0)
    flexible = [i for i, c in enumerate(chosen) if c.flexible]
    widths = [c.width for c in chosen]
    for rank, index in enumerate(flexible):
        share, extra = divmod(spare, len(flexible))
        widths[index] += share + (1 if rank < extra else 0)
    return list(zip(chosen, widths, strict=True))


def title_cell(title: str) -> str:
    """A record's title for its cell: cleaned, or :data:`UNTITLED` when nothing is left to read
    (an empty title, or one made of escape sequences and invisible characters)."""
    return clean_line(title) or UNTITLED


def fit_cell(text: str, width: int, align: Align = "left") -> str:
    """``text`` on one line, without control or escape sequences, in exactly ``width`` cells.

    Text too long is cut and ends with an ellipsis; wide characters are never split.
    """
    if width <= 0:
        return ""
    text = clean_line(text)
    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, width - 1).rstrip() + ELLIPSIS
        length = cell_len(text)
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


def fit_pieces(pieces: Pieces, width: int, align: Align = "left") -> Pieces:
    """Styled parts of a cell cut and padded to exactly ``width`` cells (see :func:`fit_cell`)."""
    if width <= 0:
        return []
    out: Pieces = []
    used = 0
    for raw, name in pieces:
        # Cleaned like a cell, but the spaces around a chip's name are part of the chip.
        text = _WHITESPACE.sub(" ", clean_text(raw))
        size = cell_len(text)
        if used + size > width:
            if used >= width and out:  # full already: the last piece gives a cell to the "…"
                last, last_name = out.pop()
                used -= cell_len(last)
                text, name, size = last, last_name, cell_len(last)
            room = width - used - 1
            cut = set_cell_size(text, room).rstrip() if room > 0 else ""
            out.append((cut, name))
            out.append((ELLIPSIS, ""))
            used += cell_len(cut) + 1
            break
        out.append((text, name))
        used += size
    pad = (" " * (width - used), "")
    return [pad, *out] if align == "right" else [*out, pad]
