"""The leads inbox: a virtualised table of leads, inbox or archived, narrowed and triaged.

Loading is incremental, as on the deals list: the first page (500 leads, Pipedrive's most) is
drawn as soon as it arrives and the toolbar says how many rows there are and whether more
exist. The order is Pipedrive's (``s``/``S`` ask for another sort key or direction, which
reloads). ``/`` narrows the loaded rows as you type; Enter then asks Pipedrive's lead search,
which also finds leads not loaded yet, by title, notes and custom fields.

A lead changed here so that it no longer fits the view (archived while the inbox is shown,
converted into a deal) stays where it is, dimmed, until the next refresh.

With ``auto_refresh`` on, the list refreshes itself while shown, asking only for the leads
changed since the last refresh (:func:`~pipedrive_tui.data.leads.fetch_lead_changes`).

With a record store, a list opens as it was last kept, marked "cached" until refreshed the same
way (:mod:`~pipedrive_tui.data.leads_sync`); each load and refresh keeps it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, LoadingIndicator, Static

from pipedrive_tui import locations
from pipedrive_tui.api.endpoints import V1_MAX_LIMIT
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Filter, Lead
from pipedrive_tui.api.pagination import Page
from pipedrive_tui.data.auto_refresh import RefreshPolicy
from pipedrive_tui.data.deals import ChangeMark, probe_mark
from pipedrive_tui.data.leads import (
    LeadQuery,
    LeadRows,
    LeadView,
    lead_count_text,
    lead_empty_text,
)
from pipedrive_tui.data.leads_sync import (
    cached_when,
    lead_changes,
    recall_leads,
    save_leads,
    warm_mark,
)
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.auto_refresh import AutoRefreshing
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.lead_triage import LEAD_TRIAGE_BINDINGS, LeadTriage
from pipedrive_tui.screens.leads_columns import (
    LeadLookups,
    lead_columns,
    lead_scope_text,
    lead_search_text,
)
from pipedrive_tui.screens.messages import Activity, LabelsChanged, LeadGone, LeadSaved
from pipedrive_tui.screens.paged import PagedLoading, SearchBox
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker
from pipedrive_tui.widgets.lead_table import LeadTable
from pipedrive_tui.widgets.safe_text import safe_line, safe_text

__all__ = ["LeadsScreen"]

#: The fewest characters Pipedrive's search accepts.
SEARCH_MIN = 2
#: Hits asked of Pipedrive's search (each not loaded yet costs one more request).
SEARCH_LIMIT = 50


class LeadsScreen(AppScreen, PagedLoading, SearchBox, LeadTriage, AutoRefreshing):
    """Every lead of a query, as a table: narrow, search, sort, triage and open them."""

    CSS_PATH = str(locations.styles_dir() / "leads.tcss")
    AUTO_FOCUS = "#leads-table"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="leads.refresh", tooltip="Fetch the leads again"),
        Binding("v,right_square_bracket,left_square_bracket", "toggle_view", "View", show=False,
                id="leads.view", tooltip="Switch between the inbox and the archived leads"),
        Binding("f", "pick_filter", "Filter", id="leads.filter",
                tooltip="Show the leads of a saved leads filter"),
        Binding("F", "clear_filter", "Clear filter", id="leads.clear_filter", show=False,
                tooltip="Show the leads without the saved filter"),
        Binding("b", "pick_label_filter", "By label", id="leads.by_label", show=False,
                tooltip="Show only the leads with one label"),
        Binding("u", "pick_owner_filter", "By owner", id="leads.by_owner", show=False,
                tooltip="Show only one user's leads"),
        Binding("c", "pick_source_filter", "By source", id="leads.by_source", show=False,
                tooltip="Show only the leads from one source"),
        Binding("x", "clear_narrowing", "Clear", id="leads.clear", show=False,
                tooltip="Clear the filter, label, owner and source"),
        Binding("slash", "search", "Search", key_display="/", id="leads.search",
                tooltip="Narrow the loaded rows as you type; Enter searches Pipedrive"),
        Binding("escape", "clear_search", "Clear search", show=False, id="leads.clear_search",
                tooltip="Clear the search and show the list again"),
        Binding("s", "sort(1)", "Sort", id="leads.sort", show=False,
                tooltip="Ask Pipedrive for the next order: created, updated, title…"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="leads.sort_reverse",
                tooltip="Reverse the order"),
        Binding("a", "load_all", "Load all", show=False, id="leads.load_all",
                tooltip="Load every page of leads in the background"),
        *LEAD_TRIAGE_BINDINGS,
    ]  # fmt: skip

    auto_load_rows: float = 2_000
    NEAR_END = 50
    NOUN = "leads"
    SEARCH_ID = "#leads-search"

    def __init__(self, session: AccountSession, query: LeadQuery | None = None) -> None:
        super().__init__()
        self.session = session
        self.lead_query = query or LeadQuery()
        self.lookups = LeadLookups()
        self.rows = self._new_rows()
        self.init_paging()
        self.searching_server = False
        self._filters: dict[int, str] = {}
        #: Leads converted into deals from here: dimmed, and no longer triaged or opened.
        self._gone: set[str] = set()
        #: Search hits fetched in full this session (a retyped search costs nothing more).
        self._fetched: dict[str, Lead] = {}
        #: Auto-refresh: its timing, its timer, and where the next refresh starts.
        self._auto: RefreshPolicy | None = None
        self._auto_timer: Timer | None = None
        self._since: ChangeMark | None = None
        self._ticking = False
        #: When the kept rows shown were saved ("12:03"), until the refresh lands ("": none).
        self._cached = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="leads-body"):
            with Horizontal(id="leads-toolbar"):
                yield Label("Inbox", id="leads-tab-active", classes="leads-tab")
                yield Label("Archived", id="leads-tab-archived", classes="leads-tab")
                yield Label(id="leads-scope")
                yield Label(id="leads-sort")
                yield Label(id="leads-cached")
                yield Label(id="leads-count")
            yield Input(
                placeholder="Narrow by title, person, label, source… Enter: search Pipedrive",
                id="leads-search",
            )
            yield LoadingIndicator(id="leads-loading")
            yield Static(id="leads-message")
            yield LeadTable(id="leads-table")

    def on_mount(self) -> None:
        self.search_box.display = False
        self._auto = self._auto_policy()
        self._set_columns()
        self._peek_lookups()
        self.load_lookups()
        self.reload(warm=True)

    @property
    def table(self) -> LeadTable:
        """The table of leads."""
        return self.query_one("#leads-table", LeadTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a search only when there is one (else it does what it does elsewhere)."""
        if action == "clear_search":
            return bool(self.search_box.display) or self.rows.narrowed
        return True

    # --- public -----------------------------------------------------------------------------

    def set_query(self, query: LeadQuery) -> None:
        """Show the leads of another query (a saved filter's, a label's, the archived ones)."""
        self.lead_query = query
        if self.is_mounted:
            self.reload(warm=True)

    def reload(self, warm: bool = False, keep_shown: bool = False) -> None:
        """Forget the loaded rows and fetch the first pages again (keeps the typed search);
        ``warm``: draw the list as the store kept it first, then refresh it; ``keep_shown``: the
        rows on screen stay until the first new page takes their place (kept if it fails)."""
        old = self.rows
        keep = keep_shown and bool(old.loaded) and not self.error
        if not keep:
            self.rows = self._new_rows()
            self.rows.search = old.search
        self.workers.cancel_group(self, "leads-search")
        self.searching_server = False
        stale = self.reset_paging()
        self.table.set_rows(self.rows.view)
        self.table.set_marked(self.rows.marked)
        self._since, self._cached = None, ""
        self._show()
        if keep:
            self.reload_kept(stale)
        elif warm and self.session.store is not None:
            self.warm_start(stale)
        else:
            self.load_pages(stale)
        filter_id = self.lead_query.filter_id
        if filter_id is not None and filter_id not in self._filters:
            self.name_filters()

    # --- loading ----------------------------------------------------------------------------

    def _new_rows(self) -> LeadRows:
        return LeadRows(self.lead_query, self._text)

    def _text(self, lead: Lead) -> str:
        return lead_search_text(lead, self.session.names, self.lookups.labels)

    @work(exclusive=True, group="leads-pages", exit_on_error=False)
    async def load_pages(self, stale: AsyncIterator[Page[Lead]] | None = None) -> None:
        """Fetch pages until :attr:`auto_load_rows` (or the raised budget) or the end."""
        await self._walk(stale, self.rows)

    @work(exclusive=True, group="leads-pages", exit_on_error=False)
    async def reload_kept(self, stale: AsyncIterator[Page[Lead]] | None = None) -> None:
        """Fetch the list again while the rows on screen stay (``r``)."""
        fresh = self._new_rows()
        fresh.search = self.rows.search
        await self._walk(stale, fresh)

    async def _walk(self, stale: AsyncIterator[Page[Lead]] | None, rows: LeadRows) -> None:
        """Fetch pages into ``rows`` (which take the place of cached rows at the first page),
        then keep the list, with its change mark when every page is loaded."""

        def start() -> AsyncIterator[Page[Lead]]:
            filters = self.lead_query.client_filters()
            return self.session.client.iter_lead_pages(limit=self.page_size, **filters)

        def arrived(leads: list[Lead]) -> None:
            if self.rows is not rows:
                self.rows, self._cached = rows, ""
                self.table.set_marked(rows.marked)
            rows.add(self._expected(lead) for lead in leads)
            self._rebuild()
            self._want_names(leads)
            self._show()

        label = f"Cached {self._cached} · refreshing leads…" if self._cached else "Loading leads…"
        if not await self.walk_pages(stale, start, arrived, label):
            return
        if (self._cached or self.rows is not rows) and self.error:  # kept rows stay: say why
            self.partial_error, self.error = self.error, ""
        self._rebuild()
        self._show()
        if not (self.error or self._cached):
            whole = not (self.more or self.partial_error)
            mark = probe_mark(self.rows.loaded) if whole else None
            await save_leads(
                self.session.store, self.lead_query, self.rows, mark,
                confirmed=self.session.lead_edits.confirmed_version,
            )  # fmt: skip

    @work(exclusive=True, group="leads-pages", exit_on_error=False)
    async def warm_start(self, stale: AsyncIterator[Page[Lead]] | None = None) -> None:
        """Draw the list as the store kept it, then refresh it: only the changes when it was
        kept whole, else a full load whose first page takes the place of the kept rows."""
        generation = self._generation
        with suppress(AttributeError, RuntimeError):
            await stale.aclose()  # type: ignore[union-attr]
        kept = await recall_leads(self.session.store, self.lead_query)
        if generation != self._generation:
            return
        if kept is None:
            await self._walk(None, self.rows)
            return
        self.rows.add(self._expected(lead) for lead in kept.records)
        self._cached = cached_when(kept.fetched_at, getattr(self.app, "clock", datetime.now)())
        self._rebuild()
        self._want_names(self.rows.loaded)
        self._show()
        self.app.post_message(Activity(f"Cached {self._cached} · refreshing…"))
        if kept.since is None:
            fresh = self._new_rows()
            fresh.search = self.rows.search
            await self._walk(None, fresh)
            return
        self.more, self.fetched, self.fetching = False, len(self.rows.loaded), False
        self._ticking = True  # no auto-refresh tick meanwhile
        try:
            await self._merge_changes(warm_mark(kept.since), warm=True)
        finally:
            self._ticking = False

    def _expected(self, lead: Lead) -> Lead:
        """A fetched lead with the edits still on their way applied (optimistic)."""
        return self.session.lead_edits.expected(lead)

    def _want_names(self, leads: list[Lead]) -> None:
        book = self.session.names
        people = {x.person_id for x in leads if x.person_id and x.person_id not in book.persons}
        orgs = {
            x.organization_id
            for x in leads
            if x.organization_id and x.organization_id not in book.organizations
        }
        if people or orgs:
            self.load_names(people, orgs)

    @work(group="leads-names", exit_on_error=False)
    async def load_names(self, people: set[int], orgs: set[int]) -> None:
        """Fetch the names of the rows' persons and organizations, then redraw them."""
        try:
            await self.session.names.resolve(people, orgs)
        except PipedriveError as error:
            self.notify(f"Names of persons and organizations: {error}", markup=False)
            return
        self.rows.forget_text()
        if self.rows.narrowed:
            self._rebuild()
        self.table.refresh_cells()

    def _peek_lookups(self) -> None:
        """Use what the lookups hold already, so that rows are named before any call."""
        lookups = self.session.lookups
        self.lookups = LeadLookups(
            users={u.id: u for u in lookups.peek("users") or []},
            labels={label.id: label for label in lookups.peek("lead_labels") or []},
            currencies={c.code: c for c in lookups.peek("currencies") or []},
        )

    @work(exclusive=True, group="leads-lookups", exit_on_error=False)
    async def load_lookups(self, refresh_labels: bool = False) -> None:
        """Load users, lead labels and currencies (cached), then redraw."""
        lookups = self.session.lookups
        try:
            if refresh_labels:
                await lookups.get("lead_labels", refresh=True)
            self.lookups = LeadLookups(
                users=await lookups.users(),
                labels=await lookups.lead_labels(),
                currencies=await lookups.currencies(),
            )
        except PipedriveError as error:
            self.notify(f"Label, owner and currency names: {error}", markup=False)
            return
        self.rows.forget_text()
        self._set_columns()
        self._show()

    @work(exclusive=True, group="leads-filter-names", exit_on_error=False)
    async def name_filters(self) -> None:
        """Learn the names of the saved leads filters (for the toolbar)."""
        with suppress(PipedriveError):
            await self._load_filters()
        self._show()

    async def _load_filters(self) -> list[Filter]:
        await self.session.filters.load()
        found = self.session.filters.of_type("leads")
        self._filters.update((f.id, f.name) for f in found)
        return found

    # --- drawing ----------------------------------------------------------------------------

    def _set_columns(self) -> None:
        self.table.set_columns(lead_columns(self.lookups, self.session.names))

    def _rebuild(self) -> None:
        self.rows.rebuild()
        self.table.set_rows(self.rows.view)

    def _show(self) -> None:
        if not self.is_mounted:
            return
        rows, table = self.rows, self.table
        kept = bool(self.fetching and rows.loaded)  # ``r``: the old rows stay meanwhile
        # A refresh that failed with the old rows kept (``partial_error``) is no longer loading.
        arrived = bool(self.fetched or self._cached or kept or self.partial_error) or not (
            self.fetching or self.more
        )
        busy = (not arrived and not self.error) or self.searching_server
        self.query_one("#leads-loading").display = busy
        empty = arrived and not rows.view and not self.fetching and not self.searching_server
        message = self.query_one("#leads-message", Static)
        message.display = bool(self.error) or empty
        message.set_class(bool(self.error), "-error")
        if message.display:
            text = lead_empty_text(rows, self.error, self.more, self.lead_query)
            message.update(safe_text(text))
        shown = not self.error and bool(rows.view) and not self.searching_server
        if shown and not table.display:
            table.display = True
            if self.focused is None:
                table.focus()
        table.display = shown
        for view in ("active", "archived"):
            tab = self.query_one(f"#leads-tab-{view}", Label)
            tab.set_class(view == self.lead_query.view, "-active")
        scope = lead_scope_text(self.lead_query, self.lookups, self.session.names, self._filters)
        self.query_one("#leads-scope", Label).update(safe_line(scope))
        self.query_one("#leads-sort", Label).update(f"by {self.lead_query.sort_words}")
        cached = self.query_one("#leads-cached", Label)
        cached.display = bool(self._cached)
        cached.update(Text(f"cached {self._cached} · ", style="italic"))
        count = self.query_one("#leads-count", Label)
        text = lead_count_text(
            rows, fetching=self.fetching, more=self.more, error=self.partial_error,
            failed=bool(self.error),
        )  # fmt: skip
        count.update(safe_line(text))
        count.set_class(bool(self.partial_error), "-error")

    # --- triage -----------------------------------------------------------------------------

    def triage_lead(self) -> Lead | None:
        """The lead under the cursor (not one converted into a deal already)."""
        lead = self.table.cursor_record
        return None if lead is None or lead.id in self._gone else lead

    def show_lead(self, lead: Lead) -> None:
        """Draw this version of a lead in its row (dimmed when it no longer fits the view)."""
        if self.rows.replace(lead):
            self.table.set_marked(self.rows.marked)
            self.table.refresh_record(lead.id)
            self._show()

    def lead_gone(self, lead_id: str, deal_id: int | None) -> None:
        """Dim a lead converted into a deal; the next refresh drops it."""
        self._gone.add(lead_id)
        self.rows.mark_gone(lead_id)
        self.table.set_marked(self.rows.marked)
        self._show()

    def labels_changed(self) -> None:
        """Label names or colours changed: fetch them again and redraw."""
        self.load_lookups(refresh_labels=True)

    @on(LeadSaved)
    def _lead_saved(self, message: LeadSaved) -> None:
        message.stop()
        self.show_lead(message.lead)

    @on(LabelsChanged)
    def _labels_changed(self, message: LabelsChanged) -> None:
        message.stop()
        self.labels_changed()

    @on(LeadGone)
    def _lead_converted(self, message: LeadGone) -> None:
        message.stop()
        if self.rows.find(message.lead_id) is not None:
            self.lead_gone(message.lead_id, message.deal_id)

    @on(LeadTable.Selected)
    def _open(self, event: LeadTable.Selected) -> None:
        if event.lead.id in self._gone:
            self.notify("This lead was converted into a deal. Press r to refresh the list.")
            return
        opener = getattr(self.app, "open_lead", None)
        if opener is not None:
            opener(event.lead.id, event.lead)

    @on(LeadTable.Highlighted)
    def _highlighted(self) -> None:
        self.near_end(self.table.cursor_row, len(self.rows.view), 1_000)

    # --- toolbar actions --------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch the leads again (rows changed here stop being marked)."""
        self._gone.clear()
        self.reload(keep_shown=True)

    def action_toggle_view(self) -> None:
        """Switch between the inbox and the archived leads."""
        view: LeadView = "archived" if self.lead_query.view == "active" else "active"
        self.set_query(replace(self.lead_query, view=view))

    def action_sort(self, delta: int) -> None:
        """Ask Pipedrive for the next sort key (each in its usual direction)."""
        self.set_query(self.lead_query.next_sort(delta))

    def action_reverse_sort(self) -> None:
        """Reverse the order."""
        self.set_query(replace(self.lead_query, descending=not self.lead_query.descending))

    def action_clear_narrowing(self) -> None:
        """Clear the saved filter, label, owner and source."""
        query = self.lead_query
        self.set_query(LeadQuery(view=query.view, sort=query.sort, descending=query.descending))

    def _pick(self, title: str, choices: list[Choice], current: Any, field: str) -> None:
        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.key != getattr(self.lead_query, field):
                self.set_query(replace(self.lead_query, **{field: choice.key}))

        self.app.push_screen(ChoicePicker(title, choices, current), chosen)

    def action_clear_filter(self) -> None:
        """Drop the saved filter (the label, owner and source stay)."""
        if self.lead_query.filter_id is None:
            self.notify("No saved filter is applied.")
            return
        self.set_query(replace(self.lead_query, filter_id=None))

    def action_pick_filter(self) -> None:
        """Choose a saved leads filter (or none)."""
        self.pick_filter()

    @work(exclusive=True, group="leads-filter-picker", exit_on_error=False)
    async def pick_filter(self) -> None:
        """Fetch the saved leads filters, then offer them."""
        try:
            filters = await self._load_filters()
        except PipedriveError as error:
            self.notify(f"Could not load the saved filters. {error}", severity="error",
                        markup=False)  # fmt: skip
            return
        choices = [Choice(None, "No filter"), *(Choice(f.id, f.name) for f in filters)]
        self._pick("Saved leads filters", choices, self.lead_query.filter_id, "filter_id")

    def action_pick_label_filter(self) -> None:
        """Show only the leads carrying one label."""
        labels = sorted(self.lookups.labels.values(), key=lambda label: label.name.casefold())
        choices = [Choice(None, "Any label"), *(Choice(x.id, x.name, x.color) for x in labels)]
        self._pick("Leads with the label", choices, self.lead_query.label_id, "label_id")

    def action_pick_owner_filter(self) -> None:
        """Show only one user's leads."""
        users = sorted(self.lookups.users.values(), key=lambda user: user.name.casefold())
        choices = [Choice(None, "Everyone"), *(Choice(u.id, u.name) for u in users)]
        self._pick("Leads owned by", choices, self.lead_query.owner_id, "owner_id")

    def action_pick_source_filter(self) -> None:
        """Show only the leads from one source (the sources seen among the loaded leads)."""
        self.pick_source()

    @work(exclusive=True, group="leads-source-picker", exit_on_error=False)
    async def pick_source(self) -> None:
        """Offer Pipedrive's lead sources and those the loaded leads name."""
        names = {lead.source_name for lead in self.rows.loaded if lead.source_name}
        with suppress(PipedriveError):
            names |= {s.name for s in await self.session.lookups.get("lead_sources")}
        choices = [Choice(None, "Any source"), *(Choice(n, n) for n in sorted(names))]
        self._pick("Leads from the source", choices, self.lead_query.source, "source")

    # --- search -----------------------------------------------------------------------------

    def action_clear_search(self) -> None:
        """Clear and hide the search box, and leave Pipedrive's search results."""
        self.workers.cancel_group(self, "leads-search")  # its hits must not land afterwards
        self.searching_server = False
        self.hide_search()
        self.rows.hits = None
        self.rows.search = ""
        self._rebuild()
        self.table.move_cursor(0)
        self._show()
        self.table.focus()

    @on(Input.Changed, "#leads-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value == self.rows.search:
            return
        self.rows.search = event.value
        self.rows.hits = None
        self._rebuild()
        self.table.move_cursor(0)
        self._show()

    @on(Input.Submitted, "#leads-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        term = event.value.strip()
        if len(term) < SEARCH_MIN:
            self.table.focus()
            return
        self.search_pipedrive(term)

    @work(exclusive=True, group="leads-search", exit_on_error=False)
    async def search_pipedrive(self, term: str) -> None:
        """Ask Pipedrive's lead search, then show its hits (inbox and archived alike).

        A hit is a short summary (no labels, dates or source), and a label toggle on it would
        wipe the labels it does not show: hits not loaded yet are fetched in full first.
        """
        self.searching_server = True
        self._show()
        try:
            hits = await self.session.client.search(term, kind="leads", limit=SEARCH_LIMIT)
            ids = [str(hit.item.id) for hit in hits]
            missing = [i for i in ids if self.rows.find(i) is None]
            fetched, failed = await self._fetch_leads(missing)
        except PipedriveError as error:
            said = clean_line(str(error))
            self.notify(f"Pipedrive's search failed. {said}", severity="error", markup=False)
            return
        finally:
            self.searching_server = False
            self._show()
        leads = []
        for lead_id in ids:
            found = self.rows.find(lead_id) or fetched.get(lead_id)
            if found is not None:
                leads.append(self._expected(found))
        if failed:
            self.notify(f"{failed} of the leads found could not be loaded.", severity="warning")
        self.rows.hits = leads
        self._rebuild()
        self._want_names(leads)
        self.table.move_cursor(0)
        self._show()
        self.table.focus()

    async def _fetch_leads(self, lead_ids: list[str]) -> tuple[dict[str, Lead], int]:
        """Fetch some leads in full, four at a time (once a session); returns them and how many
        could not be fetched (deleted since, or an error for that one)."""
        gate = asyncio.Semaphore(4)
        client, cache = self.session.client, self._fetched

        async def one(lead_id: str) -> Lead | None:
            if lead_id in cache:
                return cache[lead_id]
            async with gate:
                try:
                    found = await client.get_lead(lead_id)
                except PipedriveError:
                    return None
            cache[lead_id] = found
            return found

        found = await asyncio.gather(*(one(i) for i in lead_ids))
        leads = {lead.id: lead for lead in found if lead is not None}
        return leads, len(lead_ids) - len(leads)

    # --- auto-refresh -----------------------------------------------------------------------

    def _auto_busy(self) -> bool:
        """A load is under way: an auto-refresh tick waits for it."""
        return bool(self.fetching or self.searching_server)

    def _on_one_page(self) -> bool:
        """Whether the whole list came on one page (a refresh then reads that page again)."""
        return not self.more and self.fetched <= (self.page_size or V1_MAX_LIMIT)

    @work(exclusive=True, group="leads-auto", exit_on_error=False)
    async def refresh_changes(self, note: str = "") -> None:
        """Fetch only the leads changed since the last refresh, and merge them into the rows.

        New leads appear, changed ones are redrawn where they are, and those that left the view
        (archived, unarchived, given to another owner; deleted too when the list fits on one
        page) go; the cursor stays on its lead. A list on one page is read again (one request);
        a longer one asks for the changes since the newest update it holds. After an error the
        list loads again instead (the rows on screen stay meanwhile when a refresh had failed).
        """
        try:
            if self.error or self.partial_error:  # not whole: merging changes would not mend it
                self.reload(keep_shown=True)
                return
            await self._merge_changes(self._since, note=note)
        finally:
            self._ticking = False

    async def _merge_changes(
        self, since: ChangeMark | None, *, note: str = "", warm: bool = False
    ) -> None:
        """One incremental refresh (auto, or a warm start's): merge, redraw, keep the list."""
        generation, client, query = self._generation, self.session.client, self.lead_query
        if since is None:  # the first refresh since the load: start at the newest it has
            since = probe_mark(self.rows.loaded)
        if not warm:
            self.app.post_message(Activity("Checking for changed leads…"))
        shown = {lead.id for lead in self.rows.loaded}
        try:
            changes = await lead_changes(
                client, query, since, shown=shown, one_page=self._on_one_page(),
                limit=self.page_size,
            )  # fmt: skip
        except PipedriveError as error:
            if not warm:
                self._refresh_failed(error)
            elif generation == self._generation:  # the cached rows stay, marked
                said = clean_line(str(error))
                self.app.post_message(Activity(f"Cached {self._cached} · not refreshed: {said}"))
            return
        if generation != self._generation:
            return  # the list was loaded again meanwhile
        self._since, self._cached = changes.mark, ""
        if not changes.complete:  # it outgrew its page: the next pages load as usual
            self.more, self._pages = True, None
        fresh = [self._expected(lead) for lead in changes.belong]
        if self.rows.merge(fresh, changes.leave):
            self._rebuild()
            self.table.set_marked(self.rows.marked)
            self.table.refresh_cells()
            self._want_names(fresh)
        self._show()
        self.app.post_message(Activity(note, refreshed=True))
        mark = None if self.more else changes.mark
        await save_leads(
            self.session.store, query, self.rows, mark,
            confirmed=self.session.lead_edits.confirmed_version,
        )  # fmt: skip
