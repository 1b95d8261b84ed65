"""Pilot tests of the deals list on the demo account: load, tabs, sort, filter, search, triage."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, Static

from pipedrive_tui.api.models import Deal
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.fields import FieldCatalog, format_value
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.deals_columns import field_context
from pipedrive_tui.screens.messages import DealSaved
from pipedrive_tui.screens.triage import LostReasonScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from pipedrive_tui.widgets.column_picker import ColumnPicker
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app

SIZE = (120, 36)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _open(pilot: Pilot[Any], screen: DealsScreen | None = None) -> DealsScreen:
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await _settle(pilot)
    screen = screen or DealsScreen(app.session)
    await app.push_screen(screen)
    await _settle(pilot)
    await _settle(pilot)  # names arrive after the pages
    return screen


def _count(screen: DealsScreen) -> str:
    return str(screen.query_one("#deals-count").render())


def _ids(rows: list[Deal]) -> list[int]:
    return [deal.id for deal in rows]


async def _expected(app: PipedriveApp, **filters: Any) -> list[int]:
    result = await app.session.client.list_deals(ceiling=None, **filters)
    return [deal.id for deal in result.items]


def _patches(demo: DemoPipedrive) -> list[Any]:
    return [r for r in demo.requests if r.method == "PATCH" and "/deals/" in r.path]


def _notes(app: PipedriveApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


# --- loading -----------------------------------------------------------------------------------


async def test_first_page_shows_with_count_and_all_loaded() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        expected = await _expected(app, status="open")
        assert _ids(screen.rows.view) == expected
        assert screen.table.display and not screen.query_one("#deals-loading").display
        assert _count(screen) == f"{len(expected)} deals · all loaded"
        assert screen.table.render_line(0).text.startswith("Title")
        assert "updated 09:30:00" in str(screen.query_one(StatusLine).render())
        # Names of organizations and persons are resolved in the background, then drawn.
        first = screen.rows.view[0]
        org = app.session.names.organization_name(first.org_id)
        assert org and org[:10] in screen.table.render_line(1).text


async def test_pages_load_incrementally_with_more_then_all() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = DealsScreen(app.session)
        screen.page_size, screen.auto_load_rows, screen.NEAR_END = 20, 40, 0
        await _open(pilot, screen)
        assert screen.fetched == 40 and len(screen.rows.loaded) == 40
        assert _count(screen) == "40 deals · + more (a: all)"
        pages = sum(1 for r in demo.requests if r.path == "/api/v2/deals")
        assert pages == 2
        await pilot.press("a")
        await _settle(pilot)
        assert _count(screen).endswith("· all loaded")
        assert _ids(screen.rows.loaded) == await _expected(app, status="open")


async def test_cursor_near_the_end_loads_more() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = DealsScreen(app.session)
        screen.page_size, screen.auto_load_rows = 20, 20
        screen.NEAR_END = 5
        await _open(pilot, screen)
        assert len(screen.rows.loaded) == 20
        await pilot.press("G")
        await _settle(pilot)
        assert len(screen.rows.loaded) > 20


async def test_error_state_and_retry() -> None:
    faults = FaultPlan().server_error(503, path="/api/v2/deals", method="GET")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        message = screen.query_one("#deals-message", Static)
        assert message.display and not screen.table.display
        assert "server error (503)" in str(message.render())
        assert "Press r to try again" in str(message.render())
        await pilot.press("r")
        await _settle(pilot)
        assert not message.display and screen.table.display
        assert screen.rows.loaded


async def test_a_later_page_failing_keeps_the_rows() -> None:
    faults = FaultPlan().server_error(500, path="/api/v2/deals", method="GET", after=1)
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = DealsScreen(app.session)
        screen.page_size = 30
        await _open(pilot, screen)
        assert len(screen.rows.loaded) == 30 and screen.table.display
        assert "stopped:" in _count(screen) and "(r retries)" in _count(screen)


async def test_empty_state() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, DealsScreen(app.session, DealQuery(person_id=987_654)))
        message = screen.query_one("#deals-message", Static)
        assert message.display and not screen.table.display
        assert "No deals match: press t to change the status tab, f for filters" in str(
            message.render()
        )
        assert _count(screen) == "0 deals · all loaded"


# --- tabs, sort, filter, search, columns ---------------------------------------------------------


async def test_status_tabs_change_the_rows() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("t")
        await _settle(pilot)
        assert screen.deal_query.status == "won"
        assert _ids(screen.rows.view) == await _expected(app, status="won")
        assert screen.query_one("#deals-tab-won").has_class("-active")
        await pilot.press("t", "t")
        await _settle(pilot)
        assert screen.deal_query.status == "all"
        assert _ids(screen.rows.view) == await _expected(app)
        assert "status" in [c.key for c in screen.table.columns]
        await pilot.press("left_square_bracket")
        await _settle(pilot)
        assert screen.deal_query.status == "lost"
        assert {d.status for d in screen.rows.view} == {"lost"}


async def test_sort_by_value_descending() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        while screen.rows.sort is None or screen.rows.sort.column != "value":
            await pilot.press("s")
        await pilot.press("S")
        await pilot.pause()
        values = [deal.value for deal in screen.rows.view]
        assert values == sorted(values, reverse=True)
        assert "Value ▼" in screen.table.render_line(0).text
        assert screen.table.cursor_row == 0
        assert sorted(_ids(screen.rows.view)) == sorted(_ids(screen.rows.loaded))
        while screen.rows.sort is not None:  # back to Pipedrive's order
            await pilot.press("s")
        assert screen.rows.view is screen.rows.loaded


async def test_saved_filter_applies() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("f")
        await _settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        labels = [choice.label for choice in picker.choices]
        assert labels[0] == "No filter" and "Big Sales deals" in labels
        picker.query_one(OptionList).highlighted = labels.index("Big Sales deals")
        await pilot.press("enter")
        await _settle(pilot)
        assert app.screen is screen
        assert screen.deal_query.filter_id == 2 and screen.deal_query.status == "all"
        assert _ids(screen.rows.view) == await _expected(app, filter_id=2)
        assert "Filter: Big Sales deals" in str(screen.query_one("#deals-scope").render())


async def test_a_query_with_a_filter_names_it() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, DealsScreen(app.session, DealQuery(filter_id=3)))
        assert "Filter: Closing this quarter" in str(screen.query_one("#deals-scope").render())
        assert screen.rows.view
        assert all(d.status == "open" for d in screen.rows.view)


async def test_search_narrows_and_escape_clears() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        total = len(screen.rows.loaded)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"acme")
        await pilot.pause()
        names = app.session.names
        view = screen.rows.view
        assert 0 < len(view) < total
        for deal in view:
            text = f"{deal.title} {names.organization_name(deal.org_id)} "
            text += f"{names.person_name(deal.person_id)}"
            assert "acme" in text.casefold()
        assert _count(screen) == f"{len(view)} of {total} match · all loaded"
        await pilot.press("enter")
        assert app.focused is screen.table
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.rows.view) == total and not screen.search_box.display


async def test_custom_field_column_shows_formatted_values() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await _open(pilot)
        await pilot.press("c")
        await _settle(pilot)
        picker = app.screen
        assert isinstance(picker, ColumnPicker)
        fields = await app.session.lookups.fields("deal")
        setup_fee = next(f for f in fields if f.name == "Setup fee")
        picker.query_one(SelectionList).select(setup_fee.key)
        await pilot.press("enter")
        await pilot.pause()
        assert setup_fee.key in [c.key for c in screen.table.shown_columns]
        assert "Setup fee" in screen.table.render_line(0).text
        index, deal = next(
            (i, d) for i, d in enumerate(screen.rows.view) if d.custom_fields.get(setup_fee.key)
        )
        context = field_context(screen.lookups, app.session.names)
        text = format_value(setup_fee, deal.custom_fields[setup_fee.key], context)
        assert text and FieldCatalog(fields).name(setup_fee.key) == "Setup fee"
        screen.table.move_cursor(index)
        await pilot.pause()
        line = screen.table.render_line(1 + index - round(screen.table.scroll_y)).text
        assert text in line


async def test_a_long_list_reloads_for_a_new_column() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(160, 36)) as pilot:
        screen = DealsScreen(app.session)
        screen.keep_all_custom = 10
        await _open(pilot, screen)
        assert screen.rows.kept == set() and not screen.rows.loaded[0].custom_fields
        lists = sum(1 for r in demo.requests if r.path == "/api/v2/deals")
        await pilot.press("c")
        await _settle(pilot)
        fields = await app.session.lookups.fields("deal")
        seats = next(f for f in fields if f.name == "Seats")
        app.screen.query_one(SelectionList).select(seats.key)
        await pilot.press("enter")
        await _settle(pilot)
        assert sum(1 for r in demo.requests if r.path == "/api/v2/deals") == lists + 1
        assert screen.rows.kept == {seats.key}
        assert any(seats.key in d.custom_fields for d in screen.rows.loaded)
        assert "Loading the deals again for the new columns' values." in _notes(app)


async def test_set_query_shows_an_organizations_deals() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        org_id = next(d.org_id for d in screen.rows.view if d.org_id)
        screen.set_query(DealQuery(org_id=org_id, status="all"))
        await _settle(pilot)
        await _settle(pilot)
        assert screen.rows.view and {d.org_id for d in screen.rows.view} == {org_id}
        name = app.session.names.organization_name(org_id)
        assert f"Organization: {name}" in str(screen.query_one("#deals-scope").render())


# --- opening and triage ------------------------------------------------------------------------


async def test_enter_opens_the_deal(monkeypatch: Any) -> None:
    app, _ = demo_app()
    opened: list[tuple[int, Deal | None]] = []
    monkeypatch.setattr(app, "open_deal", lambda deal_id, deal=None: opened.append((deal_id, deal)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("down", "enter")
        second = screen.rows.view[1]
        assert opened == [(second.id, second)]


async def test_move_stage_updates_the_row_and_patches() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        deal = screen.rows.view[0]
        stages = sorted(
            (s for s in await app.session.lookups.stages() if s.pipeline_id == deal.pipeline_id),
            key=lambda s: (s.order_nr, s.id),
        )
        index = [s.id for s in stages].index(deal.stage_id or 0)
        if index == len(stages) - 1:
            await pilot.press("down")
            deal = screen.rows.view[1]
            index = [s.id for s in stages].index(deal.stage_id or 0)
        target = stages[index + 1]
        await pilot.press("L")
        await _settle(pilot)
        patch = _patches(demo)[-1]
        assert patch.path == f"/api/v2/deals/{deal.id}" and patch.body == {"stage_id": target.id}
        row = screen.table.cursor_deal
        assert row is not None and row.id == deal.id and row.stage_id == target.id
        assert target.name[:8] in screen.table.render_line(1 + screen.table.cursor_row).text
        assert f"Moved to {target.name}" in _notes(app)


async def test_won_keeps_the_row_marked_until_refresh() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        deal = screen.rows.view[0]
        await pilot.press("w")
        await _settle(pilot)
        assert _patches(demo)[-1].body == {"status": "won"}
        assert screen.rows.view[0].id == deal.id and screen.rows.view[0].status == "won"
        assert deal.id in screen.rows.marked
        assert "1 changed" in _count(screen)
        await pilot.press("r")
        await _settle(pilot)
        assert deal.id not in _ids(screen.rows.view) and not screen.rows.marked


async def test_lost_with_a_reason() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        deal = screen.rows.view[0]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LostReasonScreen)
        await pilot.press(*"Too expensive", "enter")
        await _settle(pilot)
        assert _patches(demo)[-1].body == {"status": "lost", "lost_reason": "Too expensive"}
        row = screen.rows.view[0]
        assert row.id == deal.id and row.status == "lost" and row.lost_reason == "Too expensive"


async def test_refused_write_reverts_and_keeps_the_reason() -> None:
    faults = FaultPlan().server_error(500, path="/api/v2/deals/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        deal = screen.rows.view[0]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"No budget", "enter")
        await _settle(pilot)
        assert len(_patches(demo)) == 1
        row = screen.rows.view[0]
        assert row.status == "open" and not screen.rows.marked
        assert any(note.startswith("Could not mark as lost") for note in _notes(app))
        assert app.session.drafts[f"lost:{deal.id}"] == "No budget"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LostReasonScreen)
        assert app.screen.query_one(Input).value == "No budget"


async def test_read_only_refuses_and_sends_nothing() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("w", "L")
        await _settle(pilot)
        assert not _patches(demo)
        assert screen.rows.view[0].status == "open"
        assert any(note.startswith("Read-only mode") for note in _notes(app))


async def test_deal_saved_elsewhere_updates_the_row() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        changed = screen.rows.view[2].model_copy(update={"title": "Renamed [bold]deal"})
        app.post_message(DealSaved(changed))
        await _settle(pilot)
        assert screen.rows.view[2].title == "Renamed [bold]deal"
        assert screen.table.render_line(3).text.startswith("Renamed [bold]deal")


async def test_r_keeps_the_rows_and_cursor_until_the_new_ones_are_in() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("j", "j", "j")
        chosen = screen.triage_deal()
        assert chosen is not None
        shown = _ids(screen.rows.view)
        # A refresh that fails leaves every row and the cursor where they were, with the reason.
        demo.faults.server_error(503, path="/api/v2/deals")
        await pilot.press("r")
        await _settle(pilot)
        assert _ids(screen.rows.view) == shown
        assert screen.table.display and screen.table.cursor_row == 3
        assert "503" in screen.partial_error and not screen.error
        # The next one succeeds: the new rows replace them, the cursor still on its deal.
        await pilot.press("r")
        await _settle(pilot)
        assert not screen.partial_error and _ids(screen.rows.view) == shown
        assert screen.triage_deal() == chosen
