"""Pilot tests of the leads inbox on the demo account: load, views, narrowing, search, sort."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from pipedrive_tui.api.models import Lead
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.leads import LeadQuery
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from tests.ui import demo_app

SIZE = (120, 36)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up (twice: names follow the pages)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_leads(pilot: Pilot[Any], query: LeadQuery | None = None) -> LeadsScreen:
    """Push the leads list and wait for its pages, lookups and names."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await settle(pilot)
    screen = LeadsScreen(app.session, query)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


def ids(rows: list[Lead]) -> list[str]:
    """The ids of some leads, in order."""
    return [lead.id for lead in rows]


def count(screen: LeadsScreen) -> str:
    """The toolbar's count."""
    return str(screen.query_one("#leads-count").render())


def demo_leads(demo: DemoPipedrive, *, archived: bool = False) -> list[dict[str, Any]]:
    """The demo's leads of one view, newest first (the list's default order)."""
    leads = [x for x in demo.store.leads if bool(x.get("is_archived")) == archived]
    return sorted(leads, key=lambda x: str(x["add_time"]), reverse=True)


async def pick(pilot: Pilot[Any], label: str) -> None:
    """Choose the option whose label is ``label`` in the open ChoicePicker."""
    picker = pilot.app.screen
    assert isinstance(picker, ChoicePicker)
    index = next(i for i, c in enumerate(picker.choices) if c.label == label)
    picker.dismiss(picker.choices[index])
    await settle(pilot)


# --- loading -----------------------------------------------------------------------------------


async def test_inbox_loads_newest_first_with_count_chips_and_unseen_in_bold() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        expected = demo_leads(demo)
        assert ids(screen.rows.view) == [x["id"] for x in expected]
        assert count(screen) == f"{len(expected)} leads · all loaded"
        requests = [r for r in demo.requests if r.path == "/v1/leads"]
        assert requests and requests[0].params.get("sort") == "add_time DESC"
        assert requests[0].params.get("limit") == "500"  # Pipedrive's most a page
        header = screen.table.render_line(0).text
        for title in ("Title", "Labels", "Value", "Owner", "Close by", "Created"):
            assert title in header
        labels = await app.session.lookups.lead_labels()
        row = next(i for i, x in enumerate(screen.rows.view) if x.label_ids)
        lead = screen.rows.view[row]
        screen.table.move_cursor(row + 1)  # off the row: the cursor's style hides the chips
        await pilot.pause()
        line = screen.table.render_line(row + 1)
        first = labels[lead.label_ids[0]].name
        assert f" {first} " in line.text
        chip = next(s for s in line if s.text == f" {first} ")
        assert chip.style is not None and chip.style.bgcolor is not None
        unseen = next(i for i, x in enumerate(screen.rows.view) if not x.was_seen)
        seen = next(i for i, x in enumerate(screen.rows.view) if x.was_seen and i != row)
        assert screen.table.row_class(screen.rows.view[unseen]) == "unseen"
        assert screen.table.row_class(screen.rows.view[seen]) == ""
        assert screen.table.render_line(unseen + 1).text.lstrip().startswith("●")


async def test_archived_view_and_back() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        await pilot.press("v")
        await settle(pilot)
        archived = demo_leads(demo, archived=True)
        assert screen.lead_query.view == "archived"
        assert ids(screen.rows.view) == [x["id"] for x in archived]
        assert "-active" in screen.query_one("#leads-tab-archived").classes
        assert any(r.path == "/v1/leads/archived" for r in demo.requests)
        await pilot.press("v")
        await settle(pilot)
        assert ids(screen.rows.view) == [x["id"] for x in demo_leads(demo)]


async def test_incremental_pages_and_load_all() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = LeadsScreen(app.session)
        screen.page_size, screen.auto_load_rows = 50, 100
        await settle(pilot)
        await app.push_screen(screen)
        await settle(pilot)
        total = len(demo_leads(demo))
        assert len(screen.rows.loaded) == 100 and screen.more
        assert count(screen) == "100 leads · + more (a: all)"
        await pilot.press("a")
        await settle(pilot)
        assert len(screen.rows.loaded) == total
        assert count(screen) == f"{total} leads · all loaded"


async def test_error_then_retry() -> None:
    faults = FaultPlan().server_error(503, count=1, path="/v1/leads", method="GET")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        message = str(screen.query_one("#leads-message").render())
        assert "Press r to try again" in message and not screen.table.display
        assert count(screen) == "leads not loaded"
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.display and screen.rows.view


# --- narrowing ---------------------------------------------------------------------------------


async def test_label_owner_and_source_narrow_then_x_clears() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        labels = await app.session.lookups.lead_labels()
        hot = next(x for x in labels.values() if x.name == "Hot")
        await pilot.press("b")
        await pilot.pause()
        await pick(pilot, "Hot")
        want = [x["id"] for x in demo_leads(demo) if hot.id in (x.get("label_ids") or [])]
        assert want and ids(screen.rows.view) == want
        assert "Label: Hot" in str(screen.query_one("#leads-scope").render())
        users = await app.session.lookups.users()
        owner = users[demo.store.leads.get(want[0])["owner_id"]]
        await pilot.press("u")
        await pilot.pause()
        await pick(pilot, owner.name)
        both = [x for x in want if demo.store.leads.get(x)["owner_id"] == owner.id]
        assert ids(screen.rows.view) == both
        assert any(r.params.get("owner_id") == str(owner.id) for r in demo.requests)
        await pilot.press("x")
        await settle(pilot)
        assert len(screen.rows.view) == len(demo_leads(demo))
        await pilot.press("c")
        await settle(pilot)
        await pick(pilot, "Web forms")
        web = [x["id"] for x in demo_leads(demo) if x.get("source_name") == "Web forms"]
        assert web and ids(screen.rows.view) == web


async def test_saved_leads_filter_shows_what_the_demo_selects() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pick(pilot, "Leads without value")
        expected = await app.session.client.list_leads(filter_id=10, sort="add_time DESC")
        assert expected.items and ids(screen.rows.view) == ids(expected.items)
        assert all(lead.value is None for lead in screen.rows.view)
        assert "Filter: Leads without value" in str(screen.query_one("#leads-scope").render())


async def test_sort_asks_pipedrive_and_reverse() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        await pilot.press("s")  # updated, newest first
        await settle(pilot)
        assert demo.requests[-1].params.get("sort") == "update_time DESC"
        await pilot.press("s")  # title A→Z
        await settle(pilot)
        titles = [lead.title for lead in screen.rows.view]
        assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)
        assert "by title ↑" in str(screen.query_one("#leads-sort").render())
        await pilot.press("S")
        await settle(pilot)
        assert demo.requests[-1].params.get("sort") == "title DESC"
        assert [lead.title for lead in screen.rows.view] == list(reversed(titles))


async def test_search_narrows_then_enter_asks_pipedrive_and_escape_returns() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        total = len(screen.rows.view)
        word = screen.rows.view[3].title.split()[0]
        await pilot.press("slash")
        await pilot.press(*word)
        await pilot.pause()
        local = [x for x in screen.rows.view]
        assert 0 < len(local) < total
        assert all(word.casefold() in screen._text(x).casefold() for x in local)
        assert f"of {total} match" in count(screen)
        await pilot.press("enter")
        await settle(pilot)
        assert any(r.path == "/api/v2/leads/search" for r in demo.requests)
        assert screen.rows.hits is not None and screen.rows.hits
        assert "found by Pipedrive search" in count(screen)
        archived = {x["id"] for x in demo_leads(demo, archived=True)}
        # Pipedrive's search finds archived leads too; they come back in full (labels kept).
        hit_ids = set(ids(screen.rows.hits))
        if hit_ids & archived:
            found = next(x for x in screen.rows.hits if x.id in archived)
            assert found.label_ids == demo.store.leads.get(found.id).get("label_ids", [])
        await pilot.press("escape")
        await settle(pilot)
        assert screen.rows.hits is None and len(screen.rows.view) == total


async def test_a_failed_pipedrive_search_says_so_and_shows_the_list_again() -> None:
    faults = FaultPlan().server_error(500, count=1, path="/api/v2/leads/search", method="GET")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        await pilot.press("slash", "s", "u", "m", "enter")
        await settle(pilot)
        assert not screen.searching_server and screen.rows.hits is None
        assert screen.table.display and not screen.query_one("#leads-loading").display
        assert any("search failed" in str(n.message) for n in app._notifications)


async def test_r_keeps_the_rows_and_cursor_and_a_failed_refresh_keeps_them() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_leads(pilot)
        await pilot.press("j", "j")
        chosen = screen.table.cursor_record
        shown = ids(screen.rows.view)
        demo.faults.server_error(503, path="/v1/leads")
        await pilot.press("r")
        await settle(pilot)
        assert ids(screen.rows.view) == shown and screen.table.display
        assert "503" in screen.partial_error and not screen.error
        assert screen.table.cursor_record == chosen
        await pilot.press("r")
        await settle(pilot)
        assert ids(screen.rows.view) == shown and not screen.partial_error
        assert screen.table.cursor_record == chosen
