"""What the deals list's toolbar keys do: status tabs, sort, search, saved filter, columns.

A mixin of :class:`~pipedrive_tui.screens.deals.DealsScreen`, kept apart so that each module
reads in one sitting; it only rearranges the loaded rows or changes the query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Deal, Filter
from pipedrive_tui.data.deals import DealQuery, StatusChoice
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.screens.deals_columns import ListLookups, custom_fields
from pipedrive_tui.screens.deals_rows import DealRows, SortOrder
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker
from pipedrive_tui.widgets.column_picker import ColumnPicker
from pipedrive_tui.widgets.deal_table import DealTable
from pipedrive_tui.widgets.table_columns import TableColumn

__all__ = ["DealListActions"]


def _text_key(column: TableColumn) -> Callable[[Deal], str | None]:
    """Sort by a column's text when it has no sort key of its own."""
    return lambda deal: column.cell(deal).casefold() or None


class DealListActions:
    """Toolbar actions of the deals list (mixed into the screen, which provides the rest)."""

    session: AccountSession
    deal_query: DealQuery
    rows: DealRows
    lookups: ListLookups
    custom_keys: list[str]
    statuses: tuple[StatusChoice, ...]

    if TYPE_CHECKING:  # provided by the screen

        @property
        def table(self) -> DealTable: ...
        @property
        def search_box(self) -> Input: ...
        def set_query(self, query: DealQuery) -> None: ...
        def reload(self) -> None: ...
        def _set_columns(self) -> None: ...
        def _rebuild(self) -> None: ...
        def _show(self) -> None: ...
        async def _load_filters(self) -> list[Filter]: ...

    def _screen(self) -> Any:
        return self  # the Screen this class is mixed into (notify, app)

    # --- status tabs ------------------------------------------------------------------------

    def action_status(self, delta: int) -> None:
        """Show the next (1) or previous (-1) status tab."""
        statuses = self.statuses
        index = statuses.index(self.deal_query.status)
        self.set_query(replace(self.deal_query, status=statuses[(index + delta) % len(statuses)]))

    # --- sort -------------------------------------------------------------------------------

    def action_sort(self) -> None:
        """Sort by the next column shown (after the last, back to Pipedrive's order)."""
        shown = self.table.shown_columns
        keys = [column.key for column in shown]
        current = self.rows.sort.column if self.rows.sort else None
        index = keys.index(current) + 1 if current in keys else 0
        self.sort_by(shown[index] if index < len(shown) else None)

    def action_sort_reverse(self) -> None:
        """Reverse the sort (the first column's, when there is none)."""
        sort = self.rows.sort
        column = next((c for c in self.table.columns if sort and c.key == sort.column), None)
        column = column or next(iter(self.table.shown_columns), None)
        self.sort_by(column, not (sort.reverse if sort else False))

    def sort_by(
        self, column: TableColumn | None, reverse: bool = False, *, keep_cursor: bool = False
    ) -> None:
        """Sort the loaded rows by ``column`` (``None``: the order Pipedrive sent them in)."""
        if column is None:
            self.rows.sort = None
        else:
            key = column.sort_key or _text_key(column)
            self.rows.sort = SortOrder(column.key, key, reverse)
        self._rebuild()
        self.table.set_sort(column.key if column else None, reverse)
        if not keep_cursor:
            self.table.move_cursor(0)
        self._show()

    # --- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        """Show the search box (it narrows the loaded rows as you type)."""
        box = self.search_box
        box.display = True
        box.focus()

    def action_clear_search(self) -> None:
        """Clear and hide the search box."""
        box = self.search_box
        box.value = ""
        box.display = False
        self.search("")
        self.table.focus()

    def searching(self) -> bool:
        """Whether the search box is open or a search narrows the rows (Escape clears it)."""
        return bool(self.search_box.display) or self.rows.narrowed

    # A plain mixin gets no @on handlers (Textual collects those per Screen class): these are
    # found by name instead.
    def on_input_changed(self, event: Input.Changed) -> None:
        """Search as the user types."""
        if event.input.id == "deals-search":
            self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box goes back to the table, keeping the search."""
        if event.input.id == "deals-search":
            self.table.focus()

    def search(self, text: str) -> None:
        """Show only the loaded rows whose title, organization or person holds every word."""
        if text == self.rows.search:
            return
        self.rows.search = text
        self._rebuild()
        self.table.move_cursor(0)
        self._show()

    # --- saved filter -----------------------------------------------------------------------

    def action_clear_filter(self) -> None:
        """Drop the saved filter (back to the open deals)."""
        if self.deal_query.filter_id is None:
            self._screen().notify("No saved filter is applied.")
            return
        self.set_query(replace(self.deal_query, filter_id=None, status="open"))

    def action_pick_filter(self) -> None:
        """Choose a saved deals filter (or none)."""
        self.pick_filter()

    @work(exclusive=True, group="deals-filter-picker", exit_on_error=False)
    async def pick_filter(self) -> None:
        """Fetch the saved deals filters, then offer them."""
        try:
            filters = await self._load_filters()
        except PipedriveError as error:
            self._screen().notify(
                f"Could not load the saved filters. {error}", severity="error", markup=False
            )
            return
        choices = [Choice(None, "No filter"), *(Choice(f.id, f.name) for f in filters)]
        picker = ChoicePicker("Saved deals filters", choices, self.deal_query.filter_id)
        self._screen().app.push_screen(picker, self._filter_chosen)

    def _filter_chosen(self, choice: Choice | None) -> None:
        if choice is None or choice.key == self.deal_query.filter_id:
            return
        # A saved filter says which statuses it wants: show them all (the tabs still narrow).
        status = "all" if choice.key is not None else self.deal_query.status
        self.set_query(replace(self.deal_query, filter_id=choice.key, status=status))

    # --- custom-field columns ---------------------------------------------------------------

    def action_pick_columns(self) -> None:
        """Choose custom fields to show as columns."""
        self.pick_columns()

    @work(exclusive=True, group="deals-column-picker", exit_on_error=False)
    async def pick_columns(self) -> None:
        """Load the deal fields when needed, then offer the custom ones."""
        if not self.lookups.deal_fields:
            try:
                self.lookups.deal_fields = await self.session.lookups.fields("deal")
            except PipedriveError as error:
                self._screen().notify(
                    f"Could not load the deal fields. {error}", severity="error", markup=False
                )
                return
        choices = custom_fields(self.lookups)
        picker = ColumnPicker("Custom fields as columns", choices, self.custom_keys)
        self._screen().app.push_screen(picker, self._columns_chosen)

    def _columns_chosen(self, keys: list[str] | None) -> None:
        if keys is None:
            return
        self.custom_keys = keys
        self._set_columns()
        if not self.rows.has_values_of(keys):  # a long list dropped the values of the others
            self._screen().notify("Loading the deals again for the new columns' values.")
            self.reload()
        shown = {column.key for column in self.table.shown_columns}
        hidden = [c.label for c in self.table.columns if c.key in keys and c.key not in shown]
        if hidden:
            self._screen().notify(
                f"Too narrow to show: {', '.join(hidden)}. Widen the terminal.", markup=False
            )
