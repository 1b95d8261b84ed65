"""The rows of the deals list: every deal loaded, and the view (searched, then sorted).

No widgets and no I/O: :class:`DealRows` is what :class:`~pipedrive_tui.screens.deals.DealsScreen`
holds between pages, and what its tests check directly.

Memory, measured at 100,000 demo deals (19 custom fields each): parsed deals cost ~5 kB each,
and the process's resident size grows ~5.5 kB a deal (1 GB at 100k). Two things bring it down:

* a parsed :class:`~pipedrive_tui.api.models.Deal` carries its own ``__pydantic_fields_set__``,
  a set of ~26 names that costs 2.2 kB. :func:`compact` gives every loaded deal one shared set
  holding every field name (adding a name to it is a no-op; ``model_copy`` copies it) and
  interns the short repeated strings: ~2.5 kB a deal;
* custom-field values are most of the rest. Up to :data:`KEEP_ALL_CUSTOM` rows a list keeps
  them all; past that it keeps only the keys shown as columns (``columns``), and adding another
  column reloads the list (:meth:`DealRows.has_values_of` says when). At 100k deals the process
  stays near 250 MB instead of 1 GB.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from pipedrive_tui.api.models import Deal
from pipedrive_tui.data.deals import DealQuery

__all__ = [
    "KEEP_ALL_CUSTOM",
    "DealRows",
    "SortOrder",
    "compact",
    "count_text",
    "empty_text",
    "sort_rows",
]

#: Rows up to which a list keeps every custom-field value (past it, only the shown columns').
KEEP_ALL_CUSTOM = 20_000

#: Every field name of a deal: the one ``__pydantic_fields_set__`` all loaded deals share.
_ALL_FIELDS: set[str] = set(Deal.model_fields)
_INTERNED = ("currency", "status", "origin")


def compact(deal: Deal) -> Deal:
    """The same deal, holding less memory (see the module docstring); returns ``deal``."""
    object.__setattr__(deal, "__pydantic_fields_set__", _ALL_FIELDS)
    values = deal.__dict__
    for name in _INTERNED:
        text = values.get(name)
        if type(text) is str:
            values[name] = sys.intern(text)
    return deal


@dataclass(frozen=True)
class SortOrder:
    """Sort rows by ``key`` (``None`` values last, whatever the direction); stable."""

    column: str
    key: Callable[[Deal], Any]
    reverse: bool = False


class DealRows:
    """The deals of one query: ``loaded`` in the order they came, ``view`` as shown.

    ``view`` is ``loaded`` itself while there is no search and no sort, so that a page appended
    to ``loaded`` is in the view at once; otherwise :meth:`rebuild` makes it again.
    ``marked`` holds the ids of deals changed here so that they no longer match the query: they
    stay in the list, drawn dimmed, until the next refresh.
    """

    def __init__(
        self,
        query: DealQuery,
        text: Callable[[Deal], str],
        *,
        columns: Iterable[str] = (),
        keep_all_up_to: int = KEEP_ALL_CUSTOM,
    ) -> None:
        self.query = query
        #: The custom-field keys shown as columns: their values are always kept.
        self.columns = set(columns)
        #: The custom-field keys kept on each row (``None``: all of them).
        self.kept: set[str] | None = None
        self._keep_all_up_to = keep_all_up_to
        self.loaded: list[Deal] = []
        self.view: list[Deal] = self.loaded
        self.search = ""
        self.sort: SortOrder | None = None
        self.marked: set[int] = set()
        self.dropped = 0
        self._text = text
        self._haystacks: dict[int, str] = {}
        self._last: tuple[str, int, list[Deal]] | None = None
        #: Deals an auto-refresh added before their page came: the page must not list them twice.
        self._merged: set[int] = set()

    @property
    def narrowed(self) -> bool:
        """Whether a search hides some loaded rows."""
        return bool(self.search.strip())

    def add(self, deals: Iterable[Deal]) -> int:
        """Append the deals that match the query (a saved filter ignores the other criteria)."""
        before = len(self.loaded)
        merged = self._merged
        for deal in deals:
            if not self.query.matches(deal):
                self.dropped += 1
            elif merged and deal.id in merged:
                merged.discard(deal.id)
                self.replace(compact(deal))
            else:
                self.loaded.append(self._slim(compact(deal)))
        if self.kept is None and len(self.loaded) > self._keep_all_up_to:
            self.kept = set(self.columns)
            for deal in self.loaded:
                self._slim(deal)
        return len(self.loaded) - before

    def _slim(self, deal: Deal) -> Deal:
        """Drop the custom values no column shows (once the list is past the limit)."""
        kept = self.kept
        if kept is not None and deal.custom_fields.keys() - kept:
            deal.custom_fields = {k: v for k, v in deal.custom_fields.items() if k in kept}
        return deal

    def has_values_of(self, keys: Iterable[str]) -> bool:
        """Whether the rows hold these custom fields' values (else the list must reload)."""
        self.columns = set(keys)
        return self.kept is None or self.columns <= self.kept

    def replace(self, deal: Deal) -> bool:
        """Put this version of a deal where the old one was; ``False`` when it is not here."""
        # A slimmed copy when values are being dropped: the caller's deal stays whole.
        stored = deal if self.kept is None else self._slim(deal.model_copy())
        found = False
        for rows in (self.loaded, self.view) if self.view is not self.loaded else (self.loaded,):
            index = next((i for i, old in enumerate(rows) if old.id == deal.id), None)
            if index is not None:
                rows[index] = stored
                found = True
        if not found:
            return False
        self._haystacks.pop(deal.id, None)
        self._last = None
        if self.query.matches(deal):
            self.marked.discard(deal.id)
        else:
            self.marked.add(deal.id)
        return True

    def merge(self, deals: Iterable[Deal], leave: Collection[int]) -> bool:
        """Put changed deals in and drop those that left the list; ``True`` when rows changed.

        New versions take the place of the old ones, new deals go last (Pipedrive's order is by
        id); marks of rows changed here are cleared. Call :meth:`rebuild` afterwards.
        """
        index = {deal.id: i for i, deal in enumerate(self.loaded)}
        touched = False
        for deal in deals:
            stored = self._slim(compact(deal))
            found = index.get(deal.id)
            if found is None:
                index[deal.id] = len(self.loaded)
                self.loaded.append(stored)
                self._merged.add(deal.id)
            else:
                self.loaded[found] = stored
            self.marked.discard(deal.id)
            self._haystacks.pop(deal.id, None)
            touched = True
        gone = set(leave) & index.keys()
        if gone:
            self.loaded[:] = [deal for deal in self.loaded if deal.id not in gone]
            self.marked -= gone
            touched = True
        if touched:
            self._last = None
        return touched

    def find(self, deal_id: int) -> Deal | None:
        """The loaded deal with this id."""
        return next((deal for deal in self.loaded if deal.id == deal_id), None)

    def forget_text(self) -> None:
        """Names changed: search again with the new names."""
        self._haystacks.clear()
        self._last = None

    def _found(self) -> list[Deal]:
        """The loaded rows holding every word of the search (unsorted)."""
        text = self.search.casefold()
        if not text.strip():
            return self.loaded
        last = self._last
        if last is not None and last[1] == len(self.loaded) and text.startswith(last[0]):
            rows = last[2]  # typing on: narrow what the shorter search found
        else:
            rows = self.loaded
        haystacks, make = self._haystacks, self._text
        if len(haystacks) < len(self.loaded):
            for deal in self.loaded:
                if deal.id not in haystacks:
                    haystacks[deal.id] = make(deal).casefold()
        for term in text.split():  # every word, anywhere
            rows = [deal for deal in rows if term in haystacks[deal.id]]
        self._last = (text, len(self.loaded), rows)
        return rows

    def rebuild(self) -> None:
        """Make the view again from ``loaded``: search, then a stable sort."""
        if not self.narrowed and self.sort is None:
            self.view = self.loaded
            return
        rows: list[Deal] = self._found()
        if self.sort is not None:
            rows = sort_rows(rows, self.sort)
        self.view = rows if rows is not self.loaded else list(rows)


def sort_rows(rows: list[Deal], order: SortOrder) -> list[Deal]:
    """``rows`` sorted by ``order``: stable, ``None`` keys last in either direction.

    Keys should be numbers, strings or dates: the sort orders row numbers by a list of keys
    and builds no object per row, so that sorting 100,000 rows does not set off a full
    garbage collection (a ``(key, deal)`` tuple a row did: +0.4 s a sort).
    """
    keys = [order.key(deal) for deal in rows]
    present = [i for i, key in enumerate(keys) if key is not None]
    try:
        present.sort(key=keys.__getitem__, reverse=order.reverse)
    except TypeError:  # a column of mixed kinds (a custom field that changed type)
        present.sort(key=lambda i: str(keys[i]), reverse=order.reverse)
    return [rows[i] for i in present] + [rows[i] for i, key in enumerate(keys) if key is None]


def count_text(
    rows: DealRows, *, fetching: bool, more: bool, error: str = "", failed: bool = False
) -> str:
    """The toolbar's count: how many rows, whether more exist, and what the sort covers.

    ``error`` stopped the loading after some pages; ``failed`` means no page came at all.
    """
    if failed:
        return "deals not loaded"
    loaded = len(rows.loaded)
    if rows.narrowed:
        text = f"{len(rows.view):,} of {loaded:,} match"
    else:
        text = f"{loaded:,} deal{'' if loaded == 1 else 's'}"
    if rows.marked:
        text += f" · {len(rows.marked)} changed"
    if error:
        return f"{text} · stopped: {error} (r retries)"
    if fetching:
        return f"{text} · loading…"
    if more:
        note = f"sorted {loaded:,} loaded of more" if rows.sort else "+ more"
        return f"{text} · {note} (a: all)"
    return f"{text} · all loaded"


def empty_text(rows: DealRows, error: str, more: bool, fetched: int) -> str:
    """What the list says instead of rows: the error, or why nothing shows and what to press."""
    if error:
        return f"{error}\nPress r to try again."
    if rows.narrowed:
        return f"No loaded deal matches “{rows.search.strip()}”. Escape clears the search."
    if more:
        return f"None of the first {fetched:,} deals match. Press a to load them all."
    return "No deals match: press t to change the status tab, f for filters."
