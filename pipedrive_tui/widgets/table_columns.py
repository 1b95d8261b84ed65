"""Columns of the deal table: what a column shows, and how columns share the terminal's width.

Pure functions, no widgets: the screen builds :class:`TableColumn`\\ s (it knows the names of
stages, users and organizations), :func:`fit_columns` picks the ones that fit a width, and
:func:`fit_cell` turns one cell into exactly ``width`` cells of plain, safe text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len, set_cell_size

from pipedrive_tui.api.models import Deal
from pipedrive_tui.fields.text import clean_line

__all__ = ["ELLIPSIS", "GAP", "Align", "TableColumn", "fit_cell", "fit_columns"]

Align = Literal["left", "right"]
#: Cells between two columns.
GAP = 1
#: Marks a cell cut short.
ELLIPSIS = "…"


@dataclass(frozen=True, eq=False)
class TableColumn:
    """One column: its key and header, how to draw a deal's cell, and how much room it needs.

    Attributes:
        key: a stable name (``"title"``, ``"value"``, a custom field's key).
        label: the header text.
        cell: the cell's text for a deal (plain text; it is cleaned and cut to fit).
        width: the column's width; for a ``flexible`` column, its least width.
        align: ``"right"`` for amounts.
        flexible: takes the width the fixed columns leave over (the title).
        priority: 0 is never dropped; on a narrow terminal the highest number goes first.
        sort_key: the value rows are sorted by (``None`` sorts last), or ``None`` for the text.
        ideal: for a flexible column, the width worth dropping optional columns (priority 2
            and up) for.
    """

    key: str
    label: str
    cell: Callable[[Deal], str]
    width: int = 12
    align: Align = "left"
    flexible: bool = False
    priority: int = 1
    sort_key: Callable[[Deal], Any] | None = None
    ideal: int = 0


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
