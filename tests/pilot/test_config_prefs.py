"""Pilot tests of three config.toml settings on the demo account: ``default_pipeline`` (the
board's first pipeline), ``deals_columns`` (the deals list's columns) and ``auto_refresh``
(incremental refreshes of the board, the deals list and the leads list, timed by the policy).

Ticks are driven by calling the screens' tick and refresh methods: no test waits for a timer.
The demo's ledger counts what each refresh cost.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual.pilot import Pilot
from textual.widgets import SelectionList, Static

from pipedrive_tui.api.models import FieldDefinition
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.store import format_like
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.deals_columns import ListLookups, choose_columns
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker
from pipedrive_tui.widgets.column_picker import ColumnPicker
from pipedrive_tui.widgets.deal_card import card_keys
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app

SIZE = (120, 36)
Costs = dict[str, tuple[int, int]]


def _app(start_mode: str = "account", **prefs: Any) -> tuple[PipedriveApp, DemoPipedrive]:
    settings = Settings.model_validate({"demo": True, "start_mode": start_mode, **prefs})
    return demo_app(settings=settings)


async def _settle(pilot: Pilot[Any], rounds: int = 2) -> None:
    for _ in range(rounds):  # pages, then the names they asked for
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _push(pilot: Pilot[Any], screen: Any) -> Any:
    await _settle(pilot)
    await pilot.app.push_screen(screen)
    await _settle(pilot)
    return screen


def _notes(app: PipedriveApp) -> list[Any]:
    return list(app._notifications)


def _costs(demo: DemoPipedrive) -> Costs:
    return {name: (entry.calls, entry.tokens) for name, entry in demo.ledger.items()}


def _spent(before: Costs, demo: DemoPipedrive) -> Costs:
    """What the demo charged since ``before``: calls and tokens per operation."""
    spent = {}
    for name, (calls, tokens) in _costs(demo).items():
        was = before.get(name, (0, 0))
        if (calls, tokens) != was:
            spent[name] = (calls - was[0], tokens - was[1])
    return spent


def _calm(app: PipedriveApp) -> None:
    """Rate-limit figures from long ago: the policy sees no pressure (the test demo's burst
    window never resets, its clock being frozen)."""
    app.session.client.rate_limit.updated_at = -1e9


def _status(screen: Any) -> str:
    return str(screen.query_one(StatusLine).render())


def _title_of(record: Any) -> str:
    assert record is not None
    return str(record.title)


def _headers(screen: DealsScreen) -> list[str]:
    return [column.label for column in screen.table.shown_columns]


# --- default_pipeline ------------------------------------------------------------------------


async def _board_on_start(pilot: Pilot[Any]) -> PipelinesScreen:
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PipelinesScreen)
    return screen


def _title(screen: PipelinesScreen) -> str:
    return str(screen.query_one("#pipelines-title", Static).render())


def _board_requests(demo: DemoPipedrive) -> set[str]:
    return {
        r.params.get("pipeline_id", "")
        for r in demo.requests
        if r.path == "/api/v2/deals" and "updated_since" not in r.params
    }


async def test_the_board_opens_on_the_default_pipeline_by_name_any_case() -> None:
    app, demo = _app("pipelines", default_pipeline="  partnerSHIPS ")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _board_on_start(pilot)
        assert screen.pipeline_id == 2
        assert _title(screen).startswith("Partnerships (2/3)")
        assert _board_requests(demo) == {"2"}  # the first pipeline was never loaded
        assert not _notes(app)


async def test_the_board_opens_on_the_default_pipeline_by_id() -> None:
    app, _ = _app("pipelines", default_pipeline="3")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _board_on_start(pilot)
        assert screen.pipeline_id == 3 and _title(screen).startswith("Renewals (3/3)")


async def test_an_unknown_default_pipeline_warns_once_and_opens_the_first() -> None:
    app, _ = _app("pipelines", default_pipeline="Enterprise [b]deals[/b]")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _board_on_start(pilot)
        assert screen.pipeline_id == 1 and _title(screen).startswith("Sales (1/3)")
        notes = _notes(app)
        assert len(notes) == 1 and notes[0].severity == "warning"
        text = notes[0].message
        assert "'Enterprise [b]deals[/b]'" in text and not notes[0].markup
        assert "Sales (id 1), Partnerships (id 2), Renewals (id 3)" in text
        screen.action_refresh()  # a refresh reads the setting no more: no second notice
        await _settle(pilot)
        assert len(_notes(app)) == 1


async def test_a_pipeline_asked_for_wins_over_the_default_and_keeps_winning() -> None:
    app, _ = _app(default_pipeline="Partnerships")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, PipelinesScreen(app.session, pipeline_id=3))
        assert screen.pipeline_id == 3
        await pilot.press("right_square_bracket")  # the next pipeline (wraps to the first)
        await _settle(pilot)
        screen.action_refresh()
        await _settle(pilot)
        assert screen.pipeline_id == 1


# --- deals_columns ---------------------------------------------------------------------------


def test_column_names_are_read_case_insensitively_by_header_key_or_field_name() -> None:
    fields = [FieldDefinition.model_validate(f) for f in generate(7, 50).deal_fields]
    lookups = ListLookups(deal_fields=fields)
    seats = next(f.key for f in fields if f.name == "Seats")
    choice = choose_columns(
        ["organization", "VALUE", "close", "Contact person", "seats", "Title", "value", "Nope"],
        lookups,
    )
    assert choice.keys == ("org", "value", "close", "person", seats)
    assert choice.custom == [seats] and choice.unknown == ("Nope",)
    assert "Organization" in choice.known and "Discount %" in choice.known
    assert "'Nope'" in choice.notice() and choice.notice().endswith(".")
    # Before the fields are loaded, only the built-in columns are known.
    early = choose_columns(["Seats", "Owner"], ListLookups())
    assert early.keys == ("owner",) and early.unknown == ("Seats",)


async def test_the_deals_list_shows_exactly_the_configured_columns_in_order() -> None:
    app, _ = _app(deals_columns=["Value", "organization", "Seats"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        assert _headers(screen) == ["Title", "Value", "Organization", "Seats"]
        header = screen.table.render_line(0).text
        assert header.index("Value") < header.index("Organization") < header.index("Seats")
        assert "Stage" not in header and "Owner" not in header
        # The custom field's values are drawn.
        seats = next(c for c in screen.table.columns if c.label == "Seats")
        assert any(seats.cell(deal) for deal in screen.rows.view[:30])
        assert not _notes(app)
        # The All tab mixes statuses: the status column joins, after the chosen ones.
        for _ in range(3):
            await pilot.press("t")
            await _settle(pilot)
        assert screen.deal_query.status == "all"
        assert _headers(screen) == ["Title", "Value", "Organization", "Seats", "Status"]


async def test_unknown_column_names_warn_once_and_the_others_apply() -> None:
    app, _ = _app(deals_columns=["Organisation", "Value", "Region [red]x[/red]"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        assert _headers(screen) == ["Title", "Value"]
        notes = _notes(app)
        assert len(notes) == 1 and notes[0].severity == "warning" and not notes[0].markup
        text = notes[0].message
        assert "'Organisation', 'Region [red]x[/red]'" in text
        assert "Organization" in text and "Seats" in text and "Close date" in text
        screen.action_refresh()
        await _settle(pilot)
        assert len(_notes(app)) == 1


async def test_the_column_picker_still_works_on_top_of_the_setting() -> None:
    app, _ = _app(deals_columns=["Seats", "Owner"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        assert _headers(screen) == ["Title", "Seats", "Owner"]
        fields = await app.session.lookups.fields("deal")
        by_name = {f.name: f.key for f in fields}
        await pilot.press("c")
        await _settle(pilot)
        picker = app.screen
        assert isinstance(picker, ColumnPicker)
        choices = picker.query_one(SelectionList)
        assert by_name["Seats"] in choices.selected  # the setting's field is ticked
        choices.deselect(by_name["Seats"])
        choices.select(by_name["Setup fee"])
        await pilot.press("enter")
        await _settle(pilot)
        assert _headers(screen) == ["Title", "Owner", "Setup fee"]


async def test_a_narrow_terminal_drops_configured_columns_by_priority() -> None:
    columns = ["Organization", "Person", "Value", "Stage", "Pipeline", "Owner", "Close date",
               "Updated", "Seats"]  # fmt: skip
    app, _ = _app(deals_columns=columns)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        shown = _headers(screen)
        assert shown[0] == "Title"
        assert {"Organization", "Value", "Stage", "Owner"} <= set(shown)
        assert "Updated" not in shown and "Pipeline" not in shown and "Seats" not in shown
        assert [c.label for c in screen.table.columns] == ["Title", *columns]


# --- auto_refresh: timers ----------------------------------------------------------------------


async def test_without_auto_refresh_no_timer_runs() -> None:
    app, _ = _app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        assert screen._auto is None and screen._auto_timer is None and screen._since is None


async def test_the_timer_runs_only_while_the_screen_is_shown() -> None:
    app, _ = _app(auto_refresh=120)
    async with app.run_test(size=SIZE) as pilot:
        board = await _push(pilot, PipelinesScreen(app.session))
        assert board._auto is not None and board._auto.base == 120.0
        assert board._auto_timer is not None
        deals = await _push(pilot, DealsScreen(app.session))
        assert board._auto_timer is None and deals._auto_timer is not None
        app.push_screen(ChoicePicker("Pick", [Choice(1, "one")], None))
        await _settle(pilot)
        assert deals._auto_timer is None  # a modal covers it
        app.pop_screen()
        await _settle(pilot)
        assert deals._auto_timer is not None
        app.pop_screen()
        await _settle(pilot)
        assert deals._auto_timer is None and board._auto_timer is not None


async def test_switching_modes_moves_the_timer_to_the_screen_shown() -> None:
    app, _ = _app("pipelines", auto_refresh=60)
    async with app.run_test(size=SIZE) as pilot:
        board = await _board_on_start(pilot)
        assert board._auto_timer is not None and board._since is not None
        await pilot.press("2")
        await _settle(pilot)
        deals = app.screen
        assert isinstance(deals, DealsScreen) and deals._auto_timer is not None
        assert board._auto_timer is None
        await pilot.press("1")
        await _settle(pilot)
        assert board._auto_timer is not None and deals._auto_timer is None


async def test_a_too_fast_setting_is_raised_and_said_once() -> None:
    app, _ = _app(auto_refresh=5)
    async with app.run_test(size=SIZE) as pilot:
        board = await _push(pilot, PipelinesScreen(app.session))
        deals = await _push(pilot, DealsScreen(app.session))
        leads = await _push(pilot, LeadsScreen(app.session))
        assert board._auto and deals._auto and leads._auto
        assert board._auto.base == deals._auto.base == leads._auto.base == 30.0
        notes = [n for n in _notes(app) if "rate limits" in n.message]
        assert len(notes) == 1 and "every 30 s" in notes[0].message


# --- auto_refresh: the deals list --------------------------------------------------------------


async def test_a_deals_list_tick_costs_one_request_and_merges_the_changes() -> None:
    app, demo = _app(auto_refresh=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = DealsScreen(app.session)
        screen.page_size = 25  # a full load is several pages; a refresh is one request
        await _push(pilot, screen)
        pages = sum(1 for r in demo.requests if r.params.get("limit") == "25")
        assert pages >= 2 and screen._since is not None
        rows = list(screen.rows.view)
        won, edited, cursor_deal = rows[1], rows[6], rows[4]
        screen.table.move_cursor(4)
        await pilot.pause()
        client = app.session.client
        await client.update_deal(won.id, status="won")
        await client.update_deal(edited.id, title="Renamed by a colleague")
        store = demo.store
        record = store.copy(store.deals.by_id[cursor_deal.id])
        stamp = format_like(record.get("update_time"), store.now())
        record.update(id=max(store.deals.by_id) + 1, title="Brand new deal", update_time=stamp)
        store.deals.put(record)
        before = _costs(demo)
        screen.refresh_changes()
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}
        ids = [deal.id for deal in screen.rows.view]
        assert won.id not in ids and record["id"] in ids
        assert _title_of(screen.rows.find(edited.id)) == "Renamed by a colleague"
        assert len(ids) == len(rows)  # one left, one came
        cursor = screen.table.cursor_deal
        assert cursor is not None and cursor.id == cursor_deal.id
        assert screen.table.cursor_row == 3  # the row above it left
        # Nothing changed since: the next tick costs one request again and changes nothing.
        before = _costs(demo)
        screen.refresh_changes()
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}
        assert [deal.id for deal in screen.rows.view] == ids


async def test_a_tick_skips_while_a_refresh_runs_or_a_modal_is_open() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        _calm(app)
        before = _costs(demo)
        screen._auto_tick()
        screen._auto_tick()  # the first one's refresh is still running: skipped
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}
        app.push_screen(ChoicePicker("Pick", [Choice(1, "one")], None))
        await _settle(pilot)
        before = _costs(demo)
        _calm(app)
        screen._auto_tick()
        await _settle(pilot)
        assert _spent(before, demo) == {}
        assert screen._auto is not None and screen._auto.delay == 30.0  # no back-off


async def test_a_429_backs_off_and_says_why_in_the_status_line() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        _calm(app)
        screen._auto_tick()  # a calm tick: refreshes
        await _settle(pilot)
        app.session.client.rate_limit.waits += 1  # the client waited out a 429 meanwhile
        app.session.client.rate_limit.notify()  # (as the transport tells its listeners)
        await _settle(pilot)
        assert "Too many requests: Pipedrive asked the app to slow down (429)" in _status(screen)
        before = _costs(demo)
        screen._auto_tick()
        await _settle(pilot)
        assert _spent(before, demo) == {}
        assert screen._auto is not None and screen._auto.delay == 60.0
        assert "Auto-refresh slowed to every 1 min: Pipedrive answered 429" in _status(screen)
        # The burst window nearly used right now: skipped, the wait doubles again.
        state = app.session.client.rate_limit
        window = {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "3", "x-ratelimit-reset": "2"}
        state.update_from_headers(window, now=monotonic())
        screen._auto_tick()
        await _settle(pilot)
        assert _spent(before, demo) == {} and screen._auto.delay == 120.0
        assert "rate window is nearly used (3/40" in _status(screen)


async def test_a_low_daily_budget_refreshes_less_often() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, DealsScreen(app.session))
        state = app.session.client.rate_limit
        _calm(app)
        state.daily_token_limit, state.daily_token_remaining = 60_000, 1_200
        before = _costs(demo)
        screen._auto_tick()
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}  # it still refreshed
        assert screen._auto is not None and screen._auto.delay == 60.0
        assert "slowed to every 1 min: 1,200 API tokens left today" in _status(screen)


# --- auto_refresh: the board and the leads -----------------------------------------------------


async def test_a_board_tick_moves_cards_drops_won_deals_and_keeps_the_cursor() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _push(pilot, PipelinesScreen(app.session))
        board = screen.query_one(Board)
        first, second = board.columns[0], board.columns[1]
        ids = list(card_keys(first.cards))
        won, moved, kept = ids[0], ids[1], ids[2]
        board.move_cursor(0, 2)
        await pilot.pause()
        assert board.cursor_card is not None and board.cursor_card.key == kept
        await app.session.client.update_deal(won, status="won")
        await app.session.client.update_deal(moved, stage_id=second.key)
        before = _costs(demo)
        screen.refresh_changes()
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}
        assert board.card_position(won) is None
        assert board.card_position(moved) == (
            1,
            list(card_keys(board.columns[1].cards)).index(moved),
        )
        assert board.cursor_card is not None and board.cursor_card.key == kept
        assert board.row == 0  # the two cards above it left the column


async def _leads_tick(
    pilot: Pilot[Any], demo: DemoPipedrive, page_size: int | None
) -> tuple[Costs, bool]:
    """Open the leads list, archive one lead, rename one, delete one elsewhere, then tick:
    the changes show, the cursor stays on its lead; returns what the tick cost, and whether
    the deleted lead left the list."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    screen = LeadsScreen(app.session)
    screen.page_size = page_size
    await _push(pilot, screen)
    rows = list(screen.rows.view)
    archived, deleted, cursor_lead, renamed = rows[0], rows[1], rows[3], rows[4]
    screen.table.move_cursor(3)
    await pilot.pause()
    await app.session.client.update_lead(archived.id, is_archived=True)
    await app.session.client.update_lead(renamed.id, title="Renamed by a colleague")
    demo.store.leads.remove(deleted.id)
    before = _costs(demo)
    screen.refresh_changes()
    await _settle(pilot)
    spent = _spent(before, demo)
    ids = [lead.id for lead in screen.rows.view]
    assert archived.id not in ids
    assert _title_of(screen.rows.find(renamed.id)) == "Renamed by a colleague"
    cursor = screen.table.cursor_record
    assert cursor is not None and cursor.id == cursor_lead.id
    assert "Renamed by a colleague" in "".join(
        screen.table.render_line(y).text for y in range(1, 8)
    )
    if deleted.id in ids:  # no listing shows a deleted lead: it stays until r
        assert screen.table.cursor_row == 2 and len(ids) == len(rows) - 1
    else:
        assert screen.table.cursor_row == 1 and len(ids) == len(rows) - 2
    return spent, deleted.id not in ids


async def test_a_leads_tick_on_one_page_reads_that_page_again() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        spent, deleted_left = await _leads_tick(pilot, demo, None)  # one page of 500
        assert spent == {"getLeads": (1, 20)}
        assert deleted_left  # the page no longer had it


async def test_a_leads_tick_on_many_pages_asks_for_the_changes_only() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        spent, deleted_left = await _leads_tick(pilot, demo, 50)  # four pages of 50
        assert spent == {"getLeads": (1, 20), "getArchivedLeads": (1, 40)}
        sent = [r.params for r in demo.requests if r.path == "/v1/leads"][-1]
        assert "updated_since" in sent and sent["sort"] == "update_time ASC"
        assert not deleted_left  # no listing shows a deleted lead: it stays until r


async def test_a_saved_filter_on_the_deals_list_still_costs_one_request_when_quiet() -> None:
    app, demo = _app(auto_refresh=30)
    async with app.run_test(size=SIZE) as pilot:
        saved = next(f for f in await app.session.client.list_filters("deals") if f.active_flag)
        query = DealQuery(filter_id=saved.id, status="all")
        screen = await _push(pilot, DealsScreen(app.session, query))
        screen.refresh_changes()  # the first refresh starts a few seconds early
        await _settle(pilot)
        before = _costs(demo)
        screen.refresh_changes()
        await _settle(pilot)
        assert _spent(before, demo) == {"getDeals": (1, 10)}
