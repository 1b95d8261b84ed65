"""Incremental loading and the search box, shared by the leads list and the mailbox.

:class:`PagedLoading` walks an async iterator of pages: the first pages load until
``auto_load_rows`` records are fetched, later ones as the cursor nears the end (or all at once
with ``a``); a reload cancels the walk in flight (a generation number makes a stale page land
nowhere). An error before any page leaves ``error`` set (the screen shows it instead of rows),
an error after some pages leaves ``partial_error`` (the rows stay, the toolbar says so).

:class:`SearchBox` shows and hides the screen's search input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from typing import Any

from textual.widgets import Input

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.pagination import Page
from pipedrive_tui.screens.messages import Activity

__all__ = ["PagedLoading", "SearchBox"]


class PagedLoading:
    """Page-by-page loading state and loop for a list screen (a mixin)."""

    #: Records fetched without asking; past that, pages load as the cursor nears the end.
    auto_load_rows: float = 500
    #: Records a page (``None``: the most Pipedrive gives).
    page_size: int | None = None
    #: How near the last row the cursor comes before more pages load.
    NEAR_END = 30
    #: What the list holds, for messages ("leads", "threads").
    NOUN = "records"

    def init_paging(self) -> None:
        """Set the loading state (call from ``__init__``)."""
        self.error = self.partial_error = ""
        self.fetching = False
        self.more = True
        self.fetched = 0
        self._budget = self.auto_load_rows
        self._pages: AsyncIterator[Page[Any]] | None = None
        self._generation = 0

    def _ui(self) -> Any:
        return self  # the Screen this class is mixed into

    def reset_paging(self) -> AsyncIterator[Page[Any]] | None:
        """Forget the walk (a reload): returns the old iterator, to close in the new worker."""
        self.error = self.partial_error = ""
        self.more, self.fetched, self._budget = True, 0, self.auto_load_rows
        self._generation += 1
        stale, self._pages = self._pages, None
        self.fetching = True
        return stale

    async def walk_pages(
        self,
        stale: AsyncIterator[Page[Any]] | None,
        start: Callable[[], AsyncIterator[Page[Any]]],
        arrived: Callable[[list[Any]], None],
        label: str,
    ) -> bool:
        """Fetch pages until the budget or the end; ``arrived`` gets each page's records.

        Returns ``False`` when a reload made this walk stale (the caller then draws nothing).
        """
        generation = self._generation
        with suppress(AttributeError, RuntimeError):  # none, or closing in the cancelled worker
            await stale.aclose()  # type: ignore[union-attr]
        if self._pages is None:
            self._pages = start()
        pages = self._pages
        self.fetching = True
        app = self._ui().app
        try:
            while self.more and self.fetched < self._budget:
                app.post_message(Activity(f"{label} {self.fetched:,} so far"))
                try:
                    page = await anext(pages)
                except StopAsyncIteration:
                    self.more = False
                    break
                if generation != self._generation:
                    return False
                self.fetched += len(page.items)
                self.more = page.next is not None
                self.fetching = self.more
                arrived(page.items)
        except PipedriveError as error:
            if generation != self._generation:
                return False
            self._pages = None
            if self.fetched:
                self.partial_error = str(error)
            else:
                self.error = str(error)
        finally:
            if generation == self._generation:
                self.fetching = False
        app.post_message(Activity("", refreshed=not self.error))
        return True

    def load_pages(self, stale: AsyncIterator[Page[Any]] | None = None) -> object:
        """Start the screen's loading worker (each screen defines it)."""
        raise NotImplementedError

    def more_wanted(self, rows: float) -> None:
        """Raise the budget by ``rows`` (``inf``: everything) and fetch when idle."""
        if not self.more or self.error or self.partial_error:
            return
        self._budget = max(self._budget, self.fetched + rows)
        if not self.fetching:
            self.load_pages()

    def near_end(self, row: int, total: int, more: float) -> None:
        """The cursor moved to ``row`` of ``total``: load ``more`` when it nears the end."""
        if row > 0 and row >= total - 1 - self.NEAR_END:
            self.more_wanted(more)

    def action_load_all(self) -> None:
        """Load every remaining page in the background."""
        if not self.more:
            self._ui().notify(f"Every one of the {self.NOUN} is loaded.")
            return
        self.more_wanted(float("inf"))


class SearchBox:
    """The search input of a list screen (``SEARCH_ID``), hidden until ``/``."""

    SEARCH_ID = "#search"

    def _ui(self) -> Any:
        return self

    @property
    def search_box(self) -> Input:
        """The search box."""
        box: Input = self._ui().query_one(self.SEARCH_ID, Input)
        return box

    def action_search(self) -> None:
        """Show the search box and type in it."""
        box = self.search_box
        box.display = True
        box.focus()

    def hide_search(self) -> None:
        """Empty and hide the search box."""
        box = self.search_box
        box.value = ""
        box.display = False
