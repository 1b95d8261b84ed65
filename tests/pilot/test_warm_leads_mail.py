"""Warm starts of the leads list and the mailbox: two starts of the app on one demo and one store.

The first start loads from the demo and keeps the list in the record store; the second draws it
from the store before any answer lands (the demo's answers are held behind a gate), marked
"cached", then refreshes: only the changes for the leads, the first page for a mail folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.leads import LeadQuery
from pipedrive_tui.data.leads_sync import leads_list_key
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app

SIZE = (120, 36)
BASE = "https://demo.pipedrive-tui.invalid"
#: The list requests a gate holds (everything else, lookups and names, goes through).
LISTS = ("/v1/leads", "/v1/leads/archived", "/v1/mailbox/mailThreads")


class Gate:
    """The demo behind a gate: list requests wait until :meth:`release` (the others pass)."""

    def __init__(self, demo: DemoPipedrive) -> None:
        self.demo = demo
        self.opened = asyncio.Event()
        self.waiting = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path in LISTS and not self.opened.is_set():
            self.waiting += 1
            await self.opened.wait()
        return self.demo.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def release(self) -> None:
        self.opened.set()


def new_demo() -> DemoPipedrive:
    return DemoPipedrive(generate(7, 200), clock=lambda: 0.0)


def calls(demo: DemoPipedrive, operation: str) -> int:
    entry = demo.ledger.get(operation)
    return entry.calls if entry is not None else 0


def list_calls(demo: DemoPipedrive) -> dict[str, int]:
    """Calls of the list operations so far."""
    names = ("getLeads", "getArchivedLeads", "getMailThreads")
    return {name: calls(demo, name) for name in names}


def spent(before: dict[str, int], demo: DemoPipedrive) -> dict[str, int]:
    """The list calls made since ``before`` (only those made)."""
    after = list_calls(demo)
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def open_store(tmp_path: Path) -> RecordStore:
    """The account's store, opened as each start opens it (the app closes it on exit)."""
    return RecordStore.open(tmp_path / "store")


def http(demo: DemoPipedrive) -> httpx.Client:
    """A colleague's client: changes made elsewhere, between two starts."""
    return httpx.Client(transport=demo.transport(), base_url=BASE, headers={"x-api-token": "demo"})


def cached_mark(screen: LeadsScreen | MailScreen, name: str) -> str:
    label = screen.query_one(f"#{name}-cached", Label)
    return str(label.render()) if label.display else ""


def on_screen(screen: LeadsScreen | MailScreen, name: str) -> bool:
    """Whether the cached mark takes its place in the toolbar, left of the count."""
    mark = screen.query_one(f"#{name}-cached", Label).region
    count = screen.query_one(f"#{name}-count", Label).region
    return mark.width > len("cached 00:00") and mark.y == count.y and mark.right <= count.x


def status(app: PipedriveApp) -> str:
    return app.screen.query_one(StatusLine).activity


def start(
    demo: DemoPipedrive, store: RecordStore | None, mode: str, gate: Gate | None = None
) -> PipedriveApp:
    """One start of the app on ``demo`` (its list answers held by ``gate`` when given)."""
    if gate is not None:
        demo.transport = gate.transport  # type: ignore[method-assign]
    try:
        app, _ = demo_app(demo=demo, store=store, start_mode=mode)
    finally:
        if gate is not None:
            del demo.transport
    return app


async def cold_leads(demo: DemoPipedrive, tmp_path: Path) -> list[str]:
    """The first start: the leads inbox loaded from the demo and kept; returns its ids."""
    app = start(demo, open_store(tmp_path), "leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        assert not cached_mark(screen, "leads")
        return [lead.id for lead in screen.rows.view]


async def wait_for(pilot: Pilot[Any], ready: Any) -> None:
    for _ in range(200):
        if ready():
            return
        await pilot.pause(0.01)
    raise AssertionError("the screen never got there")


# --- leads ----------------------------------------------------------------------------------------


async def test_warm_start_draws_the_leads_before_any_answer_then_refreshes_once(
    tmp_path: Path,
) -> None:
    demo = new_demo()
    before = list_calls(demo)
    shown = await cold_leads(demo, tmp_path)
    assert spent(before, demo) == {"getLeads": 1}  # the inbox fits on one page of 500
    inbox = [x["id"] for x in demo.store.leads if not x.get("is_archived")]
    assert sorted(shown) == sorted(inbox)

    gate = Gate(demo)
    app = start(demo, open_store(tmp_path), "leads", gate)
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        await wait_for(pilot, lambda: bool(screen.rows.view) and gate.waiting)
        await pilot.pause()
        # Drawn from the store while the refresh is held at the gate: nothing answered yet.
        assert spent(before, demo) == {}
        assert [lead.id for lead in screen.rows.view] == shown
        assert screen.table.display
        assert cached_mark(screen, "leads").startswith("cached ")
        assert status(app).startswith("Cached ") and "refreshing…" in status(app)
        first = screen.rows.view[0]
        assert first.title[:12] in screen.table.render_line(1).text
        assert on_screen(screen, "leads")
        gate.release()
        await settle(pilot)
        assert cached_mark(screen, "leads") == ""
        assert "refreshing" not in status(app)
        assert [lead.id for lead in screen.rows.view] == shown
    # Nothing changed: one request, the only page read again (it also sees deletions).
    assert spent(before, demo) == {"getLeads": 1}


async def test_changes_between_starts_show_after_the_refresh_and_the_cursor_stays(
    tmp_path: Path,
) -> None:
    demo = new_demo()
    shown = await cold_leads(demo, tmp_path)
    renamed, archived, deleted, cursor_on = shown[5], shown[0], shown[1], shown[3]
    with http(demo) as colleague:
        answer = colleague.patch(f"/v1/leads/{renamed}", json={"title": "Renamed between starts"})
        assert answer.status_code == 200
        assert colleague.patch(f"/v1/leads/{archived}", json={"is_archived": True}).is_success
    demo.store.leads.remove(deleted)

    gate = Gate(demo)
    app = start(demo, open_store(tmp_path), "leads", gate)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        await wait_for(pilot, lambda: bool(screen.rows.view) and gate.waiting)
        await pilot.pause()
        cached = [lead.id for lead in screen.rows.view]
        assert cached == shown  # the store's list, changes not seen yet
        screen.table.move_cursor(3)
        await pilot.pause()
        gate.release()
        await settle(pilot)
        ids = [lead.id for lead in screen.rows.view]
        assert archived not in ids and deleted not in ids
        assert ids == [x for x in shown if x not in (archived, deleted)]
        found = screen.rows.find(renamed)
        assert found is not None and found.title == "Renamed between starts"
        cursor = screen.table.cursor_record
        assert cursor is not None and cursor.id == cursor_on
        text = "".join(screen.table.render_line(y).text for y in range(1, 10))
        assert "Renamed between starts" in text

    # The refreshed list was kept again: a third start draws it as it is now.
    with open_store(tmp_path) as store:
        kept = store.load_list(leads_list_key(LeadQuery()))
        assert kept is not None and list(kept.ids) == ids and kept.synced_at


async def test_a_long_list_asks_only_for_the_changes_on_a_warm_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LeadsScreen, "page_size", 50)
    demo = new_demo()
    before = list_calls(demo)
    shown = await cold_leads(demo, tmp_path)
    pages = -(-len(shown) // 50)
    assert pages > 1 and spent(before, demo) == {"getLeads": pages}
    renamed, archived = shown[4], shown[2]
    with http(demo) as colleague:
        assert colleague.patch(f"/v1/leads/{renamed}", json={"title": "Renamed again"}).is_success
        assert colleague.patch(f"/v1/leads/{archived}", json={"is_archived": True}).is_success

    app = start(demo, open_store(tmp_path), "leads")
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        assert cached_mark(screen, "leads") == ""
        ids = [lead.id for lead in screen.rows.view]
        assert ids == [x for x in shown if x != archived]
        found = screen.rows.find(renamed)
        assert found is not None and found.title == "Renamed again"
    # The changes since the kept mark, and the archived leads' first page: no full walk.
    assert spent(before, demo) == {"getLeads": 1, "getArchivedLeads": 1}
    sent = [r.params for r in demo.requests if r.path == "/v1/leads"][-1]
    assert "updated_since" in sent

    # Unchanged since: the third start costs the same two requests, and changes nothing.
    app = start(demo, open_store(tmp_path), "leads")
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        assert [lead.id for lead in screen.rows.view] == ids
    assert spent(before, demo) == {"getLeads": 1, "getArchivedLeads": 1}


async def test_a_list_kept_with_more_pages_is_drawn_then_loaded_again_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LeadsScreen, "page_size", 50)
    monkeypatch.setattr(LeadsScreen, "auto_load_rows", 100)
    demo = new_demo()
    shown = await cold_leads(demo, tmp_path)  # two pages of 50, more exist: kept without a mark
    assert len(shown) == 100
    with open_store(tmp_path) as store:
        kept = store.load_list(leads_list_key(LeadQuery()))
        assert kept is not None and len(kept.ids) == 100 and kept.synced_at == ""
    with http(demo) as colleague:
        assert colleague.patch(f"/v1/leads/{shown[7]}", json={"title": "Seen on reload"}).is_success

    gate = Gate(demo)
    app = start(demo, open_store(tmp_path), "leads", gate)
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        await wait_for(pilot, lambda: bool(screen.rows.view) and gate.waiting)
        await pilot.pause()
        assert [lead.id for lead in screen.rows.view] == shown
        assert cached_mark(screen, "leads") and status(app).startswith("Cached ")
        screen.table.move_cursor(9)
        await pilot.pause()
        gate.release()
        await settle(pilot)
        assert [lead.id for lead in screen.rows.view] == shown
        found = screen.rows.find(shown[7])
        assert found is not None and found.title == "Seen on reload"
        cursor = screen.table.cursor_record
        assert cursor is not None and cursor.id == shown[9]
        assert cached_mark(screen, "leads") == ""
    assert spent(before, demo) == {"getLeads": 2}  # the same two pages as the first start


async def test_a_failed_warm_refresh_keeps_the_cached_leads_on_screen(tmp_path: Path) -> None:
    demo = new_demo()
    shown = await cold_leads(demo, tmp_path)
    demo.faults = FaultPlan().server_error(503, count=None)  # Pipedrive down at the start
    app = start(demo, open_store(tmp_path), "leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadsScreen)
        assert [lead.id for lead in screen.rows.view] == shown
        assert screen.table.display
        assert cached_mark(screen, "leads").startswith("cached ")
        assert "not refreshed" in status(app)
        demo.faults = FaultPlan()
        screen.refresh_changes()  # the next refresh (a tick, or the app back online) catches up
        await settle(pilot)
        assert cached_mark(screen, "leads") == ""
        assert [lead.id for lead in screen.rows.view] == shown


async def test_without_a_store_nothing_is_cached(tmp_path: Path) -> None:
    demo = new_demo()
    for _ in range(2):
        app = start(demo, None, "leads")
        before = list_calls(demo)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LeadsScreen)
            assert cached_mark(screen, "leads") == ""
        assert spent(before, demo) == {"getLeads": 1}


# --- mail -----------------------------------------------------------------------------------------


async def test_warm_inbox_is_drawn_at_once_and_a_thread_read_elsewhere_shows_read(
    tmp_path: Path,
) -> None:
    demo = new_demo()
    app = start(demo, open_store(tmp_path), "mail")
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MailScreen)
        shown = [t.id for t in screen.rows.view]
        unread = next(t for t in screen.rows.view if not t.read_flag)
        assert not cached_mark(screen, "mail")
    assert spent(before, demo) == {"getMailThreads": 1}
    with http(demo) as colleague:
        answer = colleague.put(f"/v1/mailbox/mailThreads/{unread.id}", data={"read_flag": "1"})
        assert answer.status_code == 200

    gate = Gate(demo)
    app = start(demo, open_store(tmp_path), "mail", gate)
    before = list_calls(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MailScreen)
        await wait_for(pilot, lambda: bool(screen.rows.view) and gate.waiting)
        await pilot.pause()
        assert spent(before, demo) == {}
        assert [t.id for t in screen.rows.view] == shown
        kept = screen.rows.find(unread.id)
        assert kept is not None and not kept.read_flag  # as it was kept
        assert cached_mark(screen, "mail").startswith("cached ")
        assert status(app).startswith("Cached ") and "refreshing Inbox…" in status(app)
        assert screen.table.display and not screen.query_one("#mail-loading").display
        assert on_screen(screen, "mail")
        gate.release()
        await settle(pilot)
        assert [t.id for t in screen.rows.view] == shown
        fresh = screen.rows.find(unread.id)
        assert fresh is not None and fresh.read_flag
        assert cached_mark(screen, "mail") == ""
    assert spent(before, demo) == {"getMailThreads": 1}


async def test_a_folder_never_kept_loads_as_before_and_is_kept_for_next_time(
    tmp_path: Path,
) -> None:
    demo = new_demo()
    app = start(demo, open_store(tmp_path), "mail")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MailScreen)
        screen.show_folder("sent")
        await settle(pilot)
        assert not cached_mark(screen, "mail")
        sent = [t.id for t in screen.rows.view]
    with open_store(tmp_path) as store:
        kept = store.load_list("mail:folder=sent")
        assert kept is not None and list(kept.ids) == sent
        assert all("body" not in record for record in store.all("mail_thread"))
