"""The deals list: a virtualised table of deals with status tabs, saved filters, sort and search.

Loading is incremental: the first page is drawn as soon as it arrives, later pages are appended
in the background up to :attr:`DealsScreen.auto_load_rows` deals fetched, then as the cursor
nears the end (or all at once with ``a``). The toolbar always says how many rows there are and
whether more exist. Sorting is done here, on the loaded rows (Pipedrive sorts deals only by id
and times); the toolbar says when the sort covers only part of the list.

A deal changed here so that it no longer fits the list (won while the Open tab is shown) stays
where it is, drawn dimmed, until the next refresh: rows never vanish under the cursor.

Settings: ``deals_columns`` names the columns (built-in ones and custom fields, in order; the
``c`` picker still adds and removes custom fields for the session); ``auto_refresh`` refreshes
the list while it is shown, asking only for the deals changed since the last refresh and
merging them into the rows (the cursor stays on its deal), at the pace
:class:`~pipedrive_tui.data.auto_refresh.RefreshPolicy` allows.

With a record store, a list opens on the rows it last had (marked "cached" in the toolbar until
the refresh lands): a list kept whole asks only for the deals changed since; a list kept in part
loads its first pages in the background, which then replace the kept rows (see
:mod:`pipedrive_tui.data.deals_sync`). ``r`` always loads the list again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import suppress
from time import monotonic
from typing import get_args

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, LoadingIndicator, Static

from pipedrive_tui import locations
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Deal, Filter
from pipedrive_tui.api.pagination import Page
from pipedrive_tui.data.auto_refresh import RefreshPolicy, once
from pipedrive_tui.data.deals import (
    ChangeMark,
    DealChanges,
    DealQuery,
    StatusChoice,
    fetch_deal_changes,
    newest_deal_update,
)
from pipedrive_tui.data.deals_sync import (
    cached_text,
    catch_up,
    deals_key,
    keep_deals,
    recall_deals,
    refreshing_text,
    resume_mark,
)
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.screens.auto_refresh import AutoRefreshing
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.deals_actions import DealListActions
from pipedrive_tui.screens.deals_columns import (
    ListLookups,
    build_columns,
    choose_columns,
    scope_text,
    search_text,
)
from pipedrive_tui.screens.deals_rows import KEEP_ALL_CUSTOM, DealRows, count_text, empty_text
from pipedrive_tui.screens.messages import Activity, DealSaved
from pipedrive_tui.screens.triage import TRIAGE_BINDINGS, DealTriage
from pipedrive_tui.widgets.deal_table import DealTable
from pipedrive_tui.widgets.safe_text import safe_line, safe_text

__all__ = ["STATUSES", "DealsScreen"]

#: The status tabs, in order.
STATUSES: tuple[StatusChoice, ...] = get_args(StatusChoice)
#: Seconds between two re-sorts of the view while pages arrive (re-sorting 100k rows for
#: every page would double the time the load takes).
_RESORT_EVERY = 0.5


class DealsScreen(AppScreen, DealListActions, DealTriage, AutoRefreshing):
    """Every deal of a query, as a table: sort, search, filter, triage and open them."""

    CSS_PATH = str(locations.styles_dir() / "deals.tcss")
    AUTO_FOCUS = "#deals-table"
    BINDINGS = [
        *TRIAGE_BINDINGS,
        Binding("r", "refresh", "Refresh", id="deals.refresh", tooltip="Fetch the deals again"),
        Binding("t,right_square_bracket", "status(1)", "Status", id="deals.status_next",
                tooltip="Next status tab: open, won, lost, all"),
        Binding("left_square_bracket", "status(-1)", "Prev status", show=False, key_display="[",
                id="deals.status_previous", tooltip="Previous status tab"),
        Binding("f", "pick_filter", "Filter", id="deals.filter",
                tooltip="Show the deals of a saved filter"),
        Binding("F", "clear_filter", "Clear filter", id="deals.clear_filter", show=False,
                tooltip="Show the list without its saved filter"),
        Binding("slash", "search", "Search", key_display="/", id="deals.search",
                tooltip="Narrow the loaded rows by title, organization or person"),
        Binding("escape", "clear_search", "Clear search", show=False, id="deals.clear_search",
                tooltip="Clear the search and show every loaded row"),
        Binding("s", "sort", "Sort", id="deals.sort",
                tooltip="Sort the loaded rows by the next column"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="deals.sort_reverse",
                tooltip="Reverse the sort"),
        Binding("c", "pick_columns", "Columns", id="deals.columns",
                tooltip="Add custom fields as columns"),
        Binding("a", "load_all", "Load all", show=False, id="deals.load_all",
                tooltip="Load every page of deals in the background"),
    ]  # fmt: skip

    #: Deals fetched without asking; past that, pages load as the cursor nears the end.
    auto_load_rows: float = 5_000
    #: Deals a page (``None``: Pipedrive's most, 500).
    page_size: int | None = None
    #: How near the last row the cursor comes before more pages load.
    NEAR_END = 100
    #: Rows up to which every custom-field value is kept (past it, only the columns').
    keep_all_custom = KEEP_ALL_CUSTOM
    statuses = STATUSES

    def __init__(self, session: AccountSession, query: DealQuery | None = None) -> None:
        super().__init__()
        self.session = session
        self.deal_query = query or DealQuery()
        self.lookups = ListLookups()
        self.custom_keys: list[str] = []
        self.rows = self._new_rows()
        self.error = self.partial_error = ""
        self.fetching = False
        self.more = True
        self.fetched = 0
        self._pages: AsyncIterator[Page[Deal]] | None = None
        self._generation = 0
        self._budget = self.auto_load_rows
        self._filters: dict[int, str] = {}
        self._asked: tuple[set[int], set[int]] = (set(), set())
        self._wanted: tuple[set[int], set[int]] = (set(), set())
        self._names_busy = False
        self._rebuilt = 0.0
        self._columns_read = False
        #: Auto-refresh: its timing, its timer, and where the next refresh starts.
        self._auto: RefreshPolicy | None = None
        self._auto_timer: Timer | None = None
        self._since: ChangeMark | None = None
        self._ticking = False
        #: Warm start: when the rows shown were kept, while they wait for their refresh, and
        #: the rows a background load fills meanwhile (they replace the kept ones when done).
        self._cached: float | None = None
        self._hidden: DealRows | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="deals-body"):
            with Horizontal(id="deals-toolbar"):
                for status in STATUSES:
                    yield Label(status.title(), id=f"deals-tab-{status}", classes="deals-tab")
                yield Label(id="deals-scope")
                yield Label(id="deals-count")
            yield Input(placeholder="Search title, organization, person…", id="deals-search")
            yield LoadingIndicator(id="deals-loading")
            yield Static(id="deals-message")
            yield DealTable(id="deals-table")

    def on_mount(self) -> None:
        self.search_box.display = False
        self._auto = self._auto_policy()
        self._set_columns()
        self.load_lookups()
        self.reload()

    @property
    def table(self) -> DealTable:
        """The table of deals."""
        return self.query_one("#deals-table", DealTable)

    @property
    def search_box(self) -> Input:
        """The search box (hidden until ``/``)."""
        return self.query_one("#deals-search", Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a search only when there is one (else it does what it does elsewhere)."""
        return self.searching() if action == "clear_search" else True

    # --- public -----------------------------------------------------------------------------

    def set_query(self, query: DealQuery) -> None:
        """Show the deals of another query (a person's, an organization's, a saved filter's)."""
        self.deal_query = query
        if self.is_mounted:
            self._set_columns()
            self.reload()

    def reload(self, *, warm: bool = True, keep_shown: bool = False) -> None:
        """Forget the loaded rows and fetch the first pages again (keeps search and sort).

        ``warm``: draw the rows the store kept for this query first (``r`` does not).
        ``keep_shown``: the rows on screen stay (cursor included) until the new ones are in; a
        refresh that fails leaves them there with the reason (``r``).
        """
        old = self.rows
        keep = keep_shown and bool(old.loaded) and not self.error
        if not keep:
            self.rows = self._new_rows()
            self.rows.search, self.rows.sort = old.search, old.sort
        self.error = self.partial_error = ""
        self.more, self.fetched, self._budget = True, 0, self.auto_load_rows
        self._generation += 1
        stale, self._pages = self._pages, None
        self.fetching = True
        self.table.set_rows(self.rows.view)
        self.table.set_marked(self.rows.marked)
        self._show()
        self._since = self._cached = self._hidden = None
        if keep:
            self._hidden = self._new_rows()
        if warm and self.session.store is not None and not keep:
            self.warm_start(stale)
        else:
            self._start_loading(stale)
        filter_id = self.deal_query.filter_id
        if filter_id is not None and filter_id not in self._filters:
            self.name_filters()

    # --- loading ----------------------------------------------------------------------------

    def _new_rows(self) -> DealRows:
        return DealRows(
            self.deal_query, self._text, columns=self.custom_keys,
            keep_all_up_to=self.keep_all_custom,
        )  # fmt: skip

    def _text(self, deal: Deal) -> str:
        return search_text(deal, self.session.names)

    def _start_loading(self, stale: AsyncIterator[Page[Deal]] | None) -> None:
        if self._auto is not None or self.session.store is not None:
            self.mark_changes()  # asked first: a change made during the load is not missed
        self.load_pages(stale)

    @work(exclusive=True, group="deals-warm", exit_on_error=False)
    async def warm_start(self, stale: AsyncIterator[Page[Deal]] | None) -> None:
        """Draw the rows the store kept for this query, then refresh them (module docstring)."""
        generation, query = self._generation, self.deal_query
        warm = await recall_deals(self.session.store, deals_key("list", query))
        if generation != self._generation:
            return
        if warm is None:
            self._start_loading(stale)
            return
        self.rows.add(warm.records)
        self._cached = warm.fetched_at
        self._rebuild()
        self._want_names(self.rows.loaded)
        self._show()
        self.app.post_message(Activity(refreshing_text(warm.fetched_at)))
        if warm.since is None:  # kept in part: load as usual, then swap the rows
            self._hidden = self._new_rows()
            self._start_loading(stale)
            return
        self.workers.cancel_group(self, "deals-pages")
        with suppress(AttributeError, RuntimeError):
            await stale.aclose()  # type: ignore[union-attr]
        shown = {d.id for d in self.rows.loaded} if query.filter_id is not None else ()
        try:
            changes = await catch_up(self.session.client, query, warm, shown=shown)
        except PipedriveError as error:
            if generation == self._generation:  # the kept rows stay, read as they were
                self._since = resume_mark(warm)
                self.partial_error, self.fetching, self.more = str(error), False, False
                self._show()
                self.app.post_message(Activity(""))
            return
        if generation != self._generation:
            return
        self._cached = None
        self.fetching = self.more = False
        self.fetched = len(self.rows.loaded)
        self._merge(changes)
        self.app.post_message(Activity("", refreshed=True))

    def _merge(self, changes: DealChanges) -> None:
        """Merge the deals changed since the last refresh (the cursor stays on its deal)."""
        self._since = changes.mark
        if self.rows.merge(changes.belong, changes.leave):
            self._rebuild()
            self.table.set_marked(self.rows.marked)
            self.table.refresh_cells()
            self._want_names(changes.belong)
        self._show()
        self._keep(changes.belong)

    def _swap(self, rows: DealRows) -> None:
        """The background load is done: its rows replace the kept ones."""
        rows.search, rows.sort = self.rows.search, self.rows.sort
        self.rows, self._hidden, self._cached = rows, None, None
        self._rebuild()
        self.table.set_marked(rows.marked)
        self._want_names(rows.loaded)

    def _keep(self, changed: list[Deal] | None = None) -> None:
        """Keep the list in the store: whole with its mark, or the rows loaded so far without
        one (a list past :data:`KEEP_ALL_CUSTOM` rows is not kept: its rows are slimmed)."""
        store, rows = self.session.store, self.rows
        if store is None or self.fetching or self.error or self.partial_error:
            return
        if self._cached is not None or rows.kept is not None:
            return
        if not self.more and self._since is None:
            return  # the mark comes next
        deals = [deal for deal in rows.loaded if deal.id not in rows.marked]
        mark = None if self.more else self._since
        key = deals_key("list", self.deal_query)
        keep = keep_deals(store, key, deals, mark, changed=changed)
        self.run_worker(keep, group="deals-keep", exit_on_error=False)

    @work(exclusive=True, group="deals-pages", exit_on_error=False)
    async def load_pages(self, stale: AsyncIterator[Page[Deal]] | None = None) -> None:
        """Fetch pages until :attr:`auto_load_rows` (or the raised budget) or the end."""
        generation, rows = self._generation, self._hidden or self.rows
        with suppress(AttributeError, RuntimeError):  # none, or closing in the cancelled worker
            await stale.aclose()  # type: ignore[union-attr]
        if self._pages is None:
            filters = self.deal_query.client_filters()
            self._pages = self.session.client.iter_deal_pages(limit=self.page_size, **filters)
        pages = self._pages
        self.fetching = True
        try:
            while self.more and self.fetched < self._budget:
                self.app.post_message(Activity(f"Loading deals… {self.fetched:,} of ?"))
                try:
                    page = await anext(pages)
                except StopAsyncIteration:
                    self.more = False
                    break
                if generation != self._generation:
                    return
                self.fetched += len(page.items)
                self.more = page.next is not None
                rows.add(page.items)
                if rows is self.rows:
                    self._arrived(page.items, final=not self.more)
        except PipedriveError as error:
            if generation != self._generation:
                return
            self._pages = None
            if self.fetched or self._cached is not None or self._kept_shown:  # rows stay
                self.partial_error = str(error)
            else:
                self.error = str(error)
        finally:
            if generation == self._generation:
                self.fetching = False
        swap = generation == self._generation and rows is self._hidden
        if swap and (self.fetched or not self.partial_error):  # else the kept rows stay
            self._swap(rows)
        if rows.view is not rows.loaded:
            self._rebuild()
        self._show()
        self._keep()
        self.app.post_message(Activity("", refreshed=not (self.error or self.partial_error)))

    def _arrived(self, deals: list[Deal], *, final: bool) -> None:
        rows = self.rows
        if rows.view is rows.loaded:
            self.table.set_rows(rows.view)
        elif final or monotonic() - self._rebuilt > _RESORT_EVERY:
            self._rebuild()
        self._want_names(deals)
        self.fetching = not final
        self._show()

    def _more_wanted(self, rows: float) -> None:
        """Raise the budget by ``rows`` (``inf``: everything) and fetch when idle."""
        if not self.more or self.error or self.partial_error:
            return
        self._budget = max(self._budget, self.fetched + rows)
        if not self.fetching:
            self.load_pages()

    def _want_names(self, deals: list[Deal]) -> None:
        book = self.session.names
        for ids, known, asked, wanted in (
            ((d.person_id for d in deals), book.persons, self._asked[0], self._wanted[0]),
            ((d.org_id for d in deals), book.organizations, self._asked[1], self._wanted[1]),
        ):
            for key in ids:
                if key is not None and key not in known and key not in asked:
                    asked.add(key)
                    wanted.add(key)
        if any(self._wanted) and not self._names_busy:
            self._names_busy = True
            self.load_names()

    @work(exclusive=True, group="deals-names", exit_on_error=False)
    async def load_names(self) -> None:
        """Fetch the names of persons and organizations of the rows, then redraw them."""
        try:
            while any(self._wanted):
                people, orgs = set(self._wanted[0]), set(self._wanted[1])
                self._wanted[0].clear()
                self._wanted[1].clear()
                await self.session.names.resolve(people, orgs)
                self.rows.forget_text()
                sort = self.rows.sort
                if self.rows.narrowed or (sort is not None and sort.column in ("org", "person")):
                    self._rebuild()
                self.table.refresh_cells()
                self._show()
        except PipedriveError as error:
            self.notify(f"Names of persons and organizations: {error}", markup=False)
        finally:
            self._names_busy = False

    @work(exclusive=True, group="deals-lookups", exit_on_error=False)
    async def load_lookups(self) -> None:
        """Load users, pipelines, stages, currencies and deal fields (cached), then redraw."""
        lookups = self.session.lookups
        try:
            self.lookups = ListLookups(
                users=await lookups.users(),
                pipelines={p.id: p for p in await lookups.pipelines()},
                stages={s.id: s for s in await lookups.stages()},
                currencies=await lookups.currencies(),
                deal_fields=await lookups.fields("deal"),
            )
        except PipedriveError as error:
            self.notify(f"Stage, owner and field names: {error}", markup=False)
            return
        self._read_columns_setting()
        self._set_columns()
        self._show()

    @work(exclusive=True, group="deals-filter-names", exit_on_error=False)
    async def name_filters(self) -> None:
        """Learn the names of the saved deals filters (for the toolbar)."""
        try:
            await self._load_filters()
        except PipedriveError as error:
            self.log.warning(f"filters not named: {error}")
        self._show()

    async def _load_filters(self) -> list[Filter]:
        shared = getattr(self.app, "deal_filters", None)  # the app caches them for the palette
        filters = await shared() if shared else await self.session.client.list_filters("deals")
        self._filters.update((f.id, f.name) for f in filters)
        return list(filters)

    # --- drawing ----------------------------------------------------------------------------

    def _read_columns_setting(self) -> None:
        """Once the deal fields are known: show the custom fields ``deals_columns`` names, and
        say which names match no column."""
        names = self.app_settings().deals_columns
        if self._columns_read or not names:
            return
        self._columns_read = True
        choice = choose_columns(names, self.lookups)
        picked = [key for key in self.custom_keys if key not in choice.custom]
        self.custom_keys = [*choice.custom, *picked]
        if not self.rows.has_values_of(self.custom_keys):  # a long list dropped their values
            self.reload()
        if choice.unknown and once(self.session, "deals_columns"):
            self.notify(choice.notice(), title="Config file", severity="warning", timeout=20,
                        markup=False)  # fmt: skip

    def _column_order(self) -> list[str] | None:
        """The columns ``deals_columns`` names, in order (``None``: the built-in set)."""
        names = self.app_settings().deals_columns
        return list(choose_columns(names, self.lookups).keys) if names else None

    def _set_columns(self) -> None:
        me = self.session.me
        columns = build_columns(
            self.lookups, self.session.names, status=self.deal_query.status == "all",
            custom=self.custom_keys, default_currency=me.default_currency if me else None,
            order=self._column_order(),
        )  # fmt: skip
        self.table.set_columns(columns)
        sort = self.rows.sort
        if sort is not None:  # the old sort key reads the old lookups
            column = next((c for c in columns if c.key == sort.column), None)
            self.sort_by(column, sort.reverse, keep_cursor=True)

    @property
    def _kept_shown(self) -> bool:
        """Rows stay on screen while a refresh loads their replacement out of sight."""
        return self._hidden is not None and bool(self.rows.loaded)

    def _rebuild(self) -> None:
        self.rows.rebuild()
        self._rebuilt = monotonic()
        self.table.set_rows(self.rows.view)

    def _show(self) -> None:
        if not self.is_mounted:
            return
        rows, table = self.rows, self.table
        arrived = (
            bool(self.fetched) or self._cached is not None or self._kept_shown
            or not (self.fetching or self.more)
        )  # fmt: skip
        self.query_one("#deals-loading").display = not arrived and not self.error
        empty = arrived and not rows.view and not self.fetching
        message = self.query_one("#deals-message", Static)
        message.display = bool(self.error) or empty
        message.set_class(bool(self.error), "-error")
        if message.display:
            message.update(safe_text(empty_text(rows, self.error, self.more, self.fetched)))
        shown = not self.error and bool(rows.view)
        if shown and not table.display:
            table.display = True
            if self.focused is None:
                table.focus()
        table.display = shown
        for status in STATUSES:
            tab = self.query_one(f"#deals-tab-{status}", Label)
            tab.set_class(status == self.deal_query.status, "-active")
        scope = scope_text(self.deal_query, self.session.names, self.lookups, self._filters)
        self.query_one("#deals-scope", Label).update(safe_line(scope))
        count = self.query_one("#deals-count", Label)
        text = count_text(
            rows, fetching=self.fetching, more=self.more, error=self.partial_error,
            failed=bool(self.error),
        )  # fmt: skip
        if self._cached is not None:
            text = f"{cached_text(self._cached)} · {text}"
        count.update(safe_line(text))
        count.set_class(bool(self.partial_error), "-error")

    # --- the table and triage ---------------------------------------------------------------

    def triage_deal(self) -> Deal | None:
        """The deal under the cursor."""
        return self.table.cursor_deal

    def show_deal(self, deal: Deal) -> None:
        """Draw this version of a deal in its row (dimmed when it no longer fits the list)."""
        if self.rows.replace(deal):
            self.table.set_marked(self.rows.marked)
            self.table.refresh_deal(deal.id)
            self._show()

    @on(DealSaved)
    def _deal_saved(self, message: DealSaved) -> None:
        message.stop()  # the app sent it here: it must not bubble back to the app
        self.show_deal(message.deal)

    @on(DealTable.Selected)
    def _open(self, event: DealTable.Selected) -> None:
        opener = getattr(self.app, "open_deal", None)
        if opener is None:
            self.notify("The deal's detail is not available in this version.")
            return
        opener(event.deal.id, event.deal)

    @on(DealTable.Highlighted)
    def _highlighted(self) -> None:
        row = self.table.cursor_row
        if row > 0 and row >= len(self.rows.view) - 1 - self.NEAR_END:
            self._more_wanted(1_000)

    def action_refresh(self) -> None:
        """Fetch the deals again; the rows stay until the new ones are in (marks go then)."""
        self.reload(warm=False, keep_shown=True)

    def action_load_all(self) -> None:
        """Load every remaining page in the background."""
        if not self.more:
            self.notify("Every deal is loaded.")
            return
        self._more_wanted(float("inf"))

    # --- auto-refresh -----------------------------------------------------------------------

    def _auto_busy(self) -> bool:
        """A load is under way: an auto-refresh tick waits for it."""
        return bool(self.fetching)

    @work(exclusive=True, group="deals-mark", exit_on_error=False)
    async def mark_changes(self) -> None:
        """Learn where the next incremental refresh starts (the newest deal update)."""
        generation = self._generation
        try:
            mark = await newest_deal_update(self.session.client)
        except PipedriveError as error:
            self.log.warning(f"auto-refresh: no starting point: {error}")
            return
        if generation == self._generation:
            self._since = mark
            if not self.more:
                self._keep()  # when the load ended first

    @work(exclusive=True, group="deals-auto", exit_on_error=False)
    async def refresh_changes(self, note: str = "") -> None:
        """Fetch only the deals changed since the last refresh, and merge them into the rows.

        New deals that match appear, changed ones are redrawn where they are, and those that no
        longer match (won on the Open tab, moved, deleted) leave; the cursor stays on its deal.
        Without a starting point (the load failed) the list loads again instead.
        """
        generation, since = self._generation, self._since
        try:
            if self.error or since is None:
                self.reload()
                return
            self.app.post_message(Activity("Checking for changed deals…"))
            query = self.deal_query
            shown = {d.id for d in self.rows.loaded} if query.filter_id is not None else ()
            try:
                changes = await fetch_deal_changes(self.session.client, query, since, shown=shown)
            except PipedriveError as error:
                self._refresh_failed(error)
                return
        finally:
            self._ticking = False
        if generation != self._generation:
            return  # the list was loaded again meanwhile
        if self._cached is not None and self._hidden is None:  # kept whole, could not catch up
            self.partial_error, self._cached = "", None
        self._merge(changes)
        self.app.post_message(Activity(note, refreshed=True))
