"""The pipeline board: one pipeline's stages as columns of deal cards, with triage keys.

Deals arrive page by page (the first page is drawn at once); names of persons and
organizations are resolved per page and the cards redrawn. ``s`` cycles the deals shown:
open → won → lost → all (won and lost cards carry a status marker). With a saved filter,
Pipedrive ignores pipeline, status and owner, so deals failing :meth:`DealQuery.matches` are
dropped here.

Settings: ``default_pipeline`` (a name or an id) is the pipeline the board opens on;
``auto_refresh`` refreshes the board while it is shown, asking only for the deals changed since
the last refresh (see :mod:`pipedrive_tui.data.auto_refresh`).

With a record store, a board loads at once from what it held (marked "cached" in the title until
the refresh lands), then asks only for the deals changed since (see
:mod:`pipedrive_tui.data.deals_sync`); ``r`` always loads the whole board again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import LoadingIndicator, Static

from pipedrive_tui import locations
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Deal, Filter, Pipeline
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
from pipedrive_tui.data.warm import WarmList
from pipedrive_tui.fields import clean_line
from pipedrive_tui.screens.auto_refresh import AutoRefreshing
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.messages import Activity, DealSaved
from pipedrive_tui.screens.pipelines_cards import BoardDeals
from pipedrive_tui.screens.triage import TRIAGE_BINDINGS, DealTriage
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker

__all__ = ["STATUS_CYCLE", "PipelinesScreen", "find_pipeline"]

#: What ``s`` cycles through.
STATUS_CYCLE: tuple[StatusChoice, ...] = get_args(StatusChoice)
_STATUS_WORDS = {"open": "open deals", "won": "won deals", "lost": "lost deals", "all": "deals"}
_STATUS_TITLES = {
    "open": "Open deals",
    "won": "Won deals",
    "lost": "Lost deals",
    "all": "Open, won and lost deals",
}


def find_pipeline(pipelines: list[Pipeline], wanted: str) -> Pipeline | None:
    """The pipeline ``wanted`` names: its id (``"3"``), else its name (any case and spacing)."""
    text = wanted.strip()
    if text.isdigit():
        found = next((p for p in pipelines if p.id == int(text)), None)
        if found is not None:
            return found
    folded = " ".join(text.split()).casefold()
    return next((p for p in pipelines if " ".join(p.name.split()).casefold() == folded), None)


class PipelinesScreen(AppScreen, DealTriage, AutoRefreshing):
    """A kanban of one pipeline's stages; cards move between stages, get won or lost."""

    CSS_PATH = str(locations.styles_dir() / "pipelines.tcss")
    AUTO_FOCUS = "#pipelines-board"
    BINDINGS = [
        *TRIAGE_BINDINGS,
        Binding("p", "pick_pipeline", "Pipeline", id="pipelines.pick",
                tooltip="Choose the pipeline to show"),
        Binding("left_square_bracket", "cycle_pipeline(-1)", "Prev pipeline", show=False,
                key_display="[", id="pipelines.previous", tooltip="Show the previous pipeline"),
        Binding("right_square_bracket", "cycle_pipeline(1)", "Next pipeline", show=False,
                key_display="]", id="pipelines.next", tooltip="Show the next pipeline"),
        Binding("u", "pick_owner", "Owner", id="pipelines.owner",
                tooltip="Show one owner's deals, or everyone's"),
        Binding("f", "pick_filter", "Filter", id="pipelines.filter",
                tooltip="Narrow the board with a saved deals filter"),
        Binding("F", "clear_filter", "Clear filter", id="pipelines.clear_filter", show=False,
                tooltip="Show the board without its saved filter"),
        Binding("s", "cycle_status", "Status", id="pipelines.status",
                tooltip="Show open, won, lost or all deals (in turn)"),
        Binding("r", "refresh", "Refresh", id="pipelines.refresh",
                tooltip="Fetch the stages and deals again"),
    ]  # fmt: skip

    def __init__(self, session: AccountSession, pipeline_id: int | None = None) -> None:
        super().__init__()
        self.session = session
        self.pipeline_id = pipeline_id
        self.owner_id: int | None = None
        self.filter_id: int | None = None
        self.status: StatusChoice = "open"
        self.error = ""
        self.partial_error = ""
        self.is_loading = True
        self._pipelines: list[Pipeline] = []
        self._filters: list[Filter] | None = None
        self._board = BoardDeals(session.names, self._now)
        self._focused_stage: int | None = None
        self._triaged: int | None = None
        self._pages = 0
        #: ``default_pipeline`` is read on the first load only (later the user's choice wins).
        self._default_read = False
        #: Auto-refresh: its timing, its timer, and where the next refresh starts.
        self._auto: RefreshPolicy | None = None
        self._auto_timer: Timer | None = None
        self._since: ChangeMark | None = None
        self._ticking = False
        self._load_number = 0
        #: When the deals drawn were kept, while they wait for their refresh (warm start).
        self._cached: float | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="pipelines-body"):
            yield Static(id="pipelines-title")
            yield Static(id="pipelines-info")
            yield LoadingIndicator(id="pipelines-loading")
            yield Static(id="pipelines-message")
            yield Board(id="pipelines-board")

    def on_mount(self) -> None:
        self._auto = self._auto_policy()
        self._show()
        self.load_board()

    # --- public -------------------------------------------------------------------------------

    @property
    def deal_query(self) -> DealQuery:
        """Which deals the board shows."""
        return DealQuery(
            pipeline_id=self.pipeline_id,
            status=self.status,
            owner_id=self.owner_id,
            filter_id=self.filter_id,
        )

    def select_pipeline(self, pipeline_id: int) -> None:
        """Show another pipeline (before the screen is mounted: the one it starts on)."""
        self.pipeline_id = pipeline_id
        if self.is_mounted:
            self.load_board()

    def action_clear_filter(self) -> None:
        """Drop the saved filter (one key, wherever a filter is applied)."""
        if self.filter_id is None:
            self.notify("No saved filter is applied.")
            return
        self.set_filter(None)

    def set_filter(self, filter_id: int | None) -> None:
        """Narrow the board with a saved deals filter (``None``: no filter)."""
        self.filter_id = filter_id
        if self.is_mounted:
            self.load_board()

    # --- loading ------------------------------------------------------------------------------

    @work(exclusive=True, group="pipelines-load", exit_on_error=False)
    async def load_board(self, refresh: bool = False) -> None:
        """Load the pipelines, the chosen pipeline's stages, then its deals page by page.

        The columns are mounted as soon as the stages are known, before any deal arrives, so
        that the first page of deals only fills cards into columns already on screen.
        """
        board = self._board
        # ``r`` on a drawn board: the cards stay until the new ones are in, and stay if it fails.
        keep = (
            refresh and bool(board.deals) and not self.error
            and all(s.pipeline_id == self.pipeline_id for s in board.stages)
        )  # fmt: skip
        self.error = self.partial_error = ""
        self.is_loading = True
        self._pages = 0
        self._since = self._cached = None
        self._load_number += 1
        if not keep:
            board.clear()
        if any(s.pipeline_id != self.pipeline_id for s in board.stages):
            board.set_stages([])
        self._show()
        self.app.post_message(Activity("Loading the pipeline…"))
        lookups = self.session.lookups
        try:
            if refresh:
                for kind in ("pipelines", "stages", "users"):
                    await lookups.get(kind, refresh=True)
            self._pipelines = await lookups.pipelines()
            self._read_default_pipeline()
            known = {p.id for p in self._pipelines}
            if self.pipeline_id not in known:
                self.pipeline_id = self._pipelines[0].id if self._pipelines else None
            stages = await lookups.stages(self.pipeline_id) if self.pipeline_id else []
            board.users = await lookups.users()
            if self.filter_id is not None and self._filters is None:
                self._filters = await self.session.client.list_filters("deals")  # its name
            me = self.session.me
            board.set_currencies(await lookups.currencies(), me.default_currency if me else None)
        except PipedriveError as error:
            if keep:  # the board stays as it was drawn; the info line says why
                self.partial_error, self.is_loading = str(error), False
                self._show()
                self.app.post_message(Activity(""))
                return
            self._fail(str(error))
            return
        query = self.deal_query
        key = deals_key("board", query)
        warm = None if refresh else await recall_deals(self.session.store, key)
        board.set_stages(stages)
        if not board.stages:
            self.is_loading = False
            self._show()
            self.app.post_message(Activity("", refreshed=True))
            return
        # The columns are drawn once with their kept cards (two quick redraws while they mount
        # would leave the first one on screen).
        kept: list[Deal] | None = list(board.deals.values()) if keep else None
        if warm is None:
            self._redraw()
        else:
            kept = self._draw_warm(warm)
            if warm.since is not None:
                await self._catch_up(query, warm, kept)
                return
        if self._auto is not None or self.session.store is not None:
            self.mark_changes()  # asked first: a change made during the load is not missed
        await self._load_deals(query, kept)

    def _read_default_pipeline(self) -> None:
        """On the first load, open the ``default_pipeline`` setting's pipeline (unless one was
        asked for already), or say that it names none and open the first."""
        wanted = self.app_settings().default_pipeline
        if self._default_read or not self._pipelines:
            return
        self._default_read = True
        if self.pipeline_id is not None or not wanted or not wanted.strip():
            return
        found = find_pipeline(self._pipelines, wanted)
        if found is not None:
            self.pipeline_id = found.id
            return
        if not once(self.session, "default_pipeline"):
            return
        names = ", ".join(f"{p.name} (id {p.id})" for p in self._pipelines)
        self.notify(
            f"default_pipeline = {wanted!r} matches no pipeline; the board opens on the first. "
            f"The pipelines are: {names}.",
            title="Config file", severity="warning", timeout=20, markup=False,
        )  # fmt: skip

    async def _load_deals(self, query: DealQuery, kept: list[Deal] | None = None) -> None:
        """Load every page; kept deals (drawn already) stay meanwhile; gone if no page has them."""
        names = self.session.names
        stale = {deal.id for deal in kept or ()}
        try:
            async for page in self.session.client.iter_deal_pages(**query.client_filters()):
                self._pages += 1
                fresh = [deal for deal in page.items if query.matches(deal)]
                stale.difference_update(deal.id for deal in fresh)
                for deal in fresh:
                    self._board.put(deal)
                self._redraw()
                if page.next:
                    loaded = len(self._board.deals)
                    self.app.post_message(Activity(f"Loading deals… {loaded:,}"))
                try:
                    await names.resolve((d.person_id for d in fresh), (d.org_id for d in fresh))
                except PipedriveError as error:
                    self.log.warning(f"names not resolved: {error}")
                    continue
                self._board.forget_cards([deal.id for deal in fresh])
                self._redraw()
        except PipedriveError as error:
            if not self._pages and kept is None:
                self._fail(str(error))
                return
            self.partial_error = str(error)
        else:
            for deal_id in stale:
                self._board.deals.pop(deal_id, None)
            self._cached = None
        self.is_loading = False
        self._redraw()
        self._keep()
        self.app.post_message(Activity("", refreshed=True))

    def _draw_warm(self, warm: WarmList[Deal]) -> list[Deal]:
        """Draw the deals the store kept for this board, marked as cached; returns them."""
        query = self.deal_query
        kept = [deal for deal in warm.records if query.matches(deal)]
        for deal in kept:
            self._board.put(deal)
        self._cached = warm.fetched_at
        self._redraw()
        self.app.post_message(Activity(refreshing_text(warm.fetched_at)))
        return kept

    async def _catch_up(self, query: DealQuery, warm: WarmList[Deal], kept: list[Deal]) -> None:
        """Ask only for the deals changed since the board drawn (``kept``) was kept."""
        try:
            changes = await catch_up(self.session.client, query, warm, shown=self._board.deals)
        except PipedriveError as error:
            self._since = resume_mark(warm)  # auto-refresh tries again from there
            self.partial_error = str(error)
            self.is_loading = False
            self._redraw()
            self.app.post_message(Activity(""))
            return
        self._cached = None
        self.is_loading = False
        self._merge(changes)
        self._redraw()
        self._keep(changes.belong)
        await self._resolve_names([*kept, *changes.belong])
        self.app.post_message(Activity("", refreshed=True))

    def _merge(self, changes: DealChanges) -> bool:
        """Put changed deals on the board and take off those that left it; ``True`` if any."""
        self._since = changes.mark
        for deal in changes.belong:
            self._board.put(deal)
        for deal_id in changes.leave:
            self._board.deals.pop(deal_id, None)
        return bool(changes.belong or changes.leave)

    async def _resolve_names(self, deals: list[Deal]) -> None:
        """Fetch the person and organization names of these deals' cards, then redraw them."""
        if not deals:
            return
        names = self.session.names
        try:
            await names.resolve((d.person_id for d in deals), (d.org_id for d in deals))
        except PipedriveError as error:
            self.log.warning(f"names not resolved: {error}")
            return
        self._board.forget_cards([deal.id for deal in deals])
        self._redraw()

    def _keep(self, changed: list[Deal] | None = None) -> None:
        """Keep the board in the store once it is whole and its mark known (``changed``: only
        these records changed since it was last kept)."""
        store = self.session.store
        if store is None or self.is_loading or self.error or self.partial_error:
            return
        if self._since is None or not self._board.stages:
            return  # the mark comes next (or the load failed)
        query = self.deal_query
        deals = [deal for deal in self._board.deals.values() if query.matches(deal)]
        keep = keep_deals(store, deals_key("board", query), deals, self._since, changed=changed)
        self.run_worker(keep, group="pipelines-keep", exit_on_error=False)

    def _fail(self, error: str) -> None:
        self.error = error
        self.is_loading = False
        self._show()
        self.app.post_message(Activity(""))

    # --- drawing ------------------------------------------------------------------------------

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if clock is not None else datetime.now(UTC)

    def _redraw(self) -> None:
        """Hand the columns of the deals loaded so far to the board widget."""
        waiting = self.is_loading and not self._pages and self._cached is None
        columns = self._board.columns(self.deal_query)
        board = self.query_one(Board)
        board.set_columns(columns, empty_text="Loading…" if waiting else "No deals")
        self._show()

    def _empty_text(self) -> str:
        text = f"No {_STATUS_WORDS[self.status]} in this pipeline"
        if self.owner_id is not None:
            owner = self._board.users.get(self.owner_id)
            text += f" owned by {clean_line(owner.name) if owner else 'this user'}"
        if self.filter_id is not None:
            text += " matching this filter"
        return text + "."

    def _title(self) -> Text:
        pipeline = next((p for p in self._pipelines if p.id == self.pipeline_id), None)
        title = Text(no_wrap=True, overflow="ellipsis")
        if pipeline is None:
            title.append("Pipelines")
            return title
        position = [p.id for p in self._pipelines].index(pipeline.id) + 1
        title.append(f"{clean_line(pipeline.name)} ({position}/{len(self._pipelines)})")
        title.append(f" · {_STATUS_TITLES[self.status]}")
        owner = self._board.users.get(self.owner_id) if self.owner_id is not None else None
        title.append(f" · Owner: {clean_line(owner.name) if owner else 'everyone'}")
        saved = next((f for f in self._filters or [] if f.id == self.filter_id), None)
        if self.filter_id is not None:
            title.append(f" · Filter: {clean_line(saved.name) if saved else self.filter_id}")
        shown = self._board.shown()
        if not self.is_loading and not self.error:
            title.append(f" · {shown:,} deal{'' if shown == 1 else 's'}")
        if self._cached is not None:
            title.append(f" · {cached_text(self._cached)}", style="italic")
        return title

    def _info(self) -> Text:
        if self._cached is not None:
            cached = cached_text(self._cached)
            if self.partial_error:
                return Text(f"{self.partial_error} Showing the deals {cached}. Press r to retry.")
            return Text(f"Showing the deals {cached}; refreshing…")
        if self.partial_error:
            return Text(
                f"{self.partial_error} Showing the {len(self._board.deals):,} deals loaded so far. "
                "Press r to try again."
            )
        if self.is_loading:
            loaded = len(self._board.deals)
            return Text(f"Loading deals… {loaded:,} so far" if self._pages else "Loading deals…")
        if not any(t.count for t in self._board.totals.values()):
            return Text(self._empty_text())
        stage = next((s for s in self._board.stages if s.id == self._focused_stage), None)
        totals = self._board.totals.get(stage.id) if stage else None
        if stage is None or totals is None:
            return Text("")
        info = Text(no_wrap=False)
        info.append(f"{clean_line(stage.name)}: {totals.count:,} deals · ")
        info.append(
            f"{self._board.sums(totals.values)} · weighted {self._board.sums(totals.weighted)}"
        )
        info.append(f" (stage probability {stage.deal_probability}%)")
        if stage.is_deal_rot_enabled and stage.days_to_rotten:
            info.append(f" · rots after {stage.days_to_rotten} days")
        return info

    def _show(self) -> None:
        if not self.is_mounted:
            return
        loading = self.query_one("#pipelines-loading", LoadingIndicator)
        message = self.query_one("#pipelines-message", Static)
        info = self.query_one("#pipelines-info", Static)
        board = self.query_one(Board)
        text = ""
        if self.error:
            text = f"{self.error}\nPress r to try again."
        elif not self.is_loading and not self._pipelines:
            text = "No pipelines yet. Create one in Pipedrive, then press r."
        elif not self.is_loading and not self._board.stages:
            text = "This pipeline has no stages yet. Add some in Pipedrive, then press r."
        # The columns show as soon as the stages are known; cards fill them page by page.
        ready = not text and bool(self._board.stages)
        loading.display = not text and not ready
        message.display = bool(text)
        message.set_class(bool(self.error), "-error")
        message.update(Text(text))
        board.display = ready
        info.display = ready
        info.set_class(bool(self.partial_error), "-error")
        info.update(self._info())
        self.query_one("#pipelines-title", Static).update(self._title())
        if ready and self.focused is None:
            board.focus()

    @on(Board.CardHighlighted)
    def _highlighted(self, event: Board.CardHighlighted) -> None:
        self._focused_stage = event.column_key
        self._show()

    @on(Board.CardSelected)
    def _selected(self, event: Board.CardSelected) -> None:
        opener = getattr(self.app, "open_deal", None)
        if opener is None:
            self.notify("Deal details are not available in this version yet.")
            return
        opener(event.deal_id, self._board.deals.get(event.deal_id))

    # --- triage -------------------------------------------------------------------------------

    def triage_deal(self) -> Deal | None:
        """The deal of the card under the cursor."""
        card = self.query_one(Board).cursor_card
        self._triaged = card.key if card is not None else None
        return self._board.deals.get(card.key) if card is not None else None

    def show_deal(self, deal: Deal) -> None:
        """Draw this version of a deal: in its new column, or gone when it no longer belongs."""
        if deal.id not in self._board.deals and (
            self.filter_id is not None or not self.deal_query.matches(deal)
        ):
            return
        self._board.put(deal)
        if self._board.stages and not self.error:
            self._redraw()
            # A write that was refused brings its card back: put the cursor on it again.
            board = self.query_one(Board)
            position = board.card_position(deal.id) if deal.id == self._triaged else None
            if position is not None:
                board.move_cursor(*position)

    @on(DealSaved)
    def _saved(self, message: DealSaved) -> None:
        message.stop()
        self.show_deal(message.deal)

    # --- keys ---------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch the pipelines, stages and deals again."""
        self.load_board(refresh=True)

    def action_cycle_status(self) -> None:
        """Show open, won, lost, then all deals."""
        self.status = STATUS_CYCLE[(STATUS_CYCLE.index(self.status) + 1) % len(STATUS_CYCLE)]
        self.load_board()

    def action_cycle_pipeline(self, delta: int) -> None:
        """Show the previous (-1) or next (1) pipeline."""
        ids = [p.id for p in self._pipelines]
        if len(ids) < 2:
            self.notify("This account has only one pipeline." if ids else "No pipelines yet.")
            return
        index = ids.index(self.pipeline_id) if self.pipeline_id in ids else 0
        self.select_pipeline(ids[(index + delta) % len(ids)])

    def action_pick_pipeline(self) -> None:
        """Choose the pipeline from a list."""
        if not self._pipelines:
            self.notify("No pipelines loaded yet; press r.")
            return
        choices = [Choice(p.id, p.name) for p in self._pipelines]

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.key is not None and choice.key != self.pipeline_id:
                self.select_pipeline(choice.key)

        self.app.push_screen(ChoicePicker("Pipeline", choices, self.pipeline_id), chosen)

    def action_pick_owner(self) -> None:
        """Show one owner's deals, or everyone's."""
        users = sorted(
            self._board.users.values(), key=lambda u: (not u.active_flag, u.name.lower())
        )
        choices = [Choice(None, "Everyone")]
        choices += [Choice(u.id, u.name, "" if u.active_flag else "inactive") for u in users]

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.key != self.owner_id:
                self.owner_id = choice.key
                self.load_board()

        self.app.push_screen(ChoicePicker("Owner", choices, self.owner_id), chosen)

    @work(exclusive=True, group="pipelines-filters", exit_on_error=False)
    async def action_pick_filter(self) -> None:
        """Narrow the board with one of the account's saved deals filters."""
        if self._filters is None:
            try:
                self._filters = await self.session.client.list_filters("deals")
            except PipedriveError as error:
                self.notify(
                    str(error), title="Could not load the filters", severity="error", markup=False
                )
                return
        choices = [Choice(None, "No filter")]
        choices += [Choice(f.id, f.name) for f in self._filters if f.active_flag]

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.key != self.filter_id:
                self.set_filter(choice.key)

        self.app.push_screen(ChoicePicker("Saved deals filter", choices, self.filter_id), chosen)

    # --- auto-refresh -----------------------------------------------------------------------

    def _auto_busy(self) -> bool:
        """A load is under way: an auto-refresh tick waits for it."""
        return bool(self.is_loading)

    @work(exclusive=True, group="pipelines-mark", exit_on_error=False)
    async def mark_changes(self) -> None:
        """Learn where the next incremental refresh starts (the newest deal update)."""
        number = self._load_number
        try:
            mark = await newest_deal_update(self.session.client)
        except PipedriveError as error:
            self.log.warning(f"auto-refresh: no starting point: {error}")
            return
        if number == self._load_number:
            self._since = mark
            self._keep()  # when the load ended first

    @work(exclusive=True, group="pipelines-auto", exit_on_error=False)
    async def refresh_changes(self, note: str = "") -> None:
        """Fetch only the deals changed since the last refresh, and merge them into the board.

        Deals new to the pipeline appear, changed ones move to their stage, and those that no
        longer match (won while open deals are shown, moved to another pipeline, deleted)
        leave; the cursor stays on its card. Without a starting point the board loads again.
        """
        number, since = self._load_number, self._since
        try:
            if self.error or since is None:
                self.load_board()
                return
            self.app.post_message(Activity("Checking for changed deals…"))
            query = self.deal_query
            try:
                changes = await fetch_deal_changes(
                    self.session.client, query, since, shown=self._board.deals
                )
            except PipedriveError as error:
                self._refresh_failed(error)
                return
            if number != self._load_number:
                return  # the board was loaded again meanwhile
            if self._cached is not None:  # a kept board that could not catch up: now it has
                self.partial_error, self._cached = "", None
                self._redraw()
            if self._merge(changes):
                self._redraw()
            self._keep(changes.belong)
            await self._resolve_names(changes.belong)
        finally:
            self._ticking = False
        self.app.post_message(Activity(note, refreshed=True))
