"""Warm starts of the pipeline board and the deals list from the record store.

Each test starts the app twice on the same demo account and the same store folder, as a user
would start it twice: the first start loads the board (or the list) from the demo and keeps it;
the second draws it from the store at once, marked "cached", then refreshes it. The demo holds
its answers on demand (:class:`HeldDemo`), so that a test sees the screen before any request is
answered; its ledger counts what each start cost.

The lookups (pipelines, stages, users, currencies, fields) get a disk cache as in production
(:func:`_start`): on the second start they cost nothing, and only the deals and the names of
persons and organizations are asked for.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.cache import DiskCache
from pipedrive_tui.data.deals_sync import deals_key
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.store import format_like
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.deal_card import card_keys
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app

SIZE = (120, 36)
BASE = "https://demo.pipedrive-tui.invalid"


class HeldDemo(DemoPipedrive):
    """The demo, holding every answer while :attr:`gate` is set and not yet released."""

    gate: asyncio.Event | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._held)

    async def _held(self, request: httpx.Request) -> httpx.Response:
        if self.gate is not None:
            await self.gate.wait()
        return self.handle(request)


def _demo(size: int = 200) -> HeldDemo:
    return HeldDemo(generate(7, size), clock=lambda: 0.0)


def _start(demo: HeldDemo, folder: Path, mode: str) -> PipedriveApp:
    """The app as started by a user: a store and a lookup cache on disk (kept across starts)."""
    app, _ = demo_app(demo=demo, store=RecordStore.open(folder / "store"), start_mode=mode)
    app.session.lookups = Lookups(app.session.client, DiskCache(folder, "lookups"))
    return app


async def _settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    for _ in range(rounds):  # the load, then the names it asked for, then the store's write
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _until(pilot: Pilot[Any], done: Any) -> None:
    """Let the app run (no request is answered) until ``done()``."""
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("the screen never got there")


def _costs(demo: DemoPipedrive) -> Counter[str]:
    return Counter({name: entry.calls for name, entry in demo.ledger.items()})


def _board_cards(app: PipedriveApp) -> dict[int, list[int]]:
    board = app.screen.query_one(Board)
    return {column.key: list(card_keys(column.cards)) for column in board.columns}


def _title(app: PipedriveApp) -> str:
    return str(app.screen.query_one("#pipelines-title", Static).render())


def _count(app: PipedriveApp) -> str:
    return str(app.screen.query_one("#deals-count", Label).render())


def _status(app: PipedriveApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


def _row_ids(app: PipedriveApp) -> list[int]:
    screen = app.screen
    assert isinstance(screen, DealsScreen)
    return [deal.id for deal in screen.rows.view]


async def _change_between_starts(demo: DemoPipedrive, ids: list[int]) -> tuple[int, int, int]:
    """Rename one deal and win another (through the demo's HTTP API), delete a third (as
    Pipedrive does: flagged, with a new update time); returns their ids."""
    renamed, won, deleted = ids[0], ids[1], ids[2]
    headers = {"x-api-token": "demo"}
    async with httpx.AsyncClient(transport=demo.transport(), base_url=BASE) as http:
        for deal_id, body in (
            (renamed, {"title": "Renamed between starts"}),
            (won, {"status": "won"}),
        ):
            answer = await http.patch(f"/api/v2/deals/{deal_id}", json=body, headers=headers)
            assert answer.status_code == 200, answer.text
    store = demo.store
    record = store.copy(store.deals.by_id[deleted])
    stamp = format_like(record.get("update_time"), store.now())
    record.update(is_deleted=True, update_time=stamp)
    store.deals.put(record)
    return renamed, won, deleted


# --- the board ---------------------------------------------------------------------------------


async def test_a_warm_board_draws_the_kept_cards_before_any_answer(tmp_path: Path) -> None:
    demo = _demo()
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _board_cards(app)
        assert sum(map(len, cold.values())) > 50 and "cached" not in _title(app)
    demo.gate = asyncio.Event()
    answered = len(demo.requests)
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PipelinesScreen) and any(
            _board_cards(app).values()))  # fmt: skip
        await pilot.pause()
        assert len(demo.requests) == answered  # nothing was answered: all from the store
        assert _board_cards(app) == cold
        assert "· cached " in _title(app)
        assert "refreshing…" in _status(app) and "Cached " in _status(app)
        board = app.screen.query_one(Board)
        board.move_cursor(1, 2)
        kept = board.cursor_card
        assert kept is not None
        demo.gate.set()
        await _settle(pilot)
        assert "cached" not in _title(app) and "refreshing" not in _status(app)
        assert _board_cards(app) == cold
        assert board.cursor_card is not None and board.cursor_card.key == kept.key


async def test_a_quiet_warm_board_costs_one_deals_request(tmp_path: Path) -> None:
    demo = _demo(2_000)  # pipeline 1 holds 724 open deals: two pages
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _board_cards(app)
    cold_cost = _costs(demo)
    deal_pages = [r for r in demo.requests if r.path.endswith("/deals")]
    assert cold_cost["getDeals"] == len(deal_pages) >= 3  # every page, and the mark
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _board_cards(app) == cold
        assert "cached" not in _title(app)
    warm_cost = _costs(demo) - cold_cost
    # One request for the board's deals; the lookups come from their disk cache; the names of
    # persons and organizations are not stored and are asked again (as on every start).
    assert warm_cost["getDeals"] == 1
    assert set(warm_cost) <= {"getDeals", "getCurrentUser", "getPersons", "getOrganizations"}
    sent = [r for r in demo.requests if r.path.endswith("/deals")][-1].params
    assert "updated_since" in sent


async def test_changes_between_starts_show_after_the_warm_refresh(tmp_path: Path) -> None:
    demo = _demo()
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _board_cards(app)
    first = next(iter(cold.values()))
    renamed, won, deleted = await _change_between_starts(demo, first[:3])
    before = _costs(demo)
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelinesScreen)
        cards = _board_cards(app)
        shown = {deal_id for ids in cards.values() for deal_id in ids}
        assert renamed in shown and won not in shown and deleted not in shown
        assert screen._board.card(renamed).title == "Renamed between starts"
        assert sum(map(len, cards.values())) == sum(map(len, cold.values())) - 2
    assert (_costs(demo) - before)["getDeals"] == 1
    # The refreshed board was kept: a third start shows it at once, changes included.
    app = _start(demo, tmp_path, "pipelines")
    demo.gate = asyncio.Event()
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PipelinesScreen) and any(
            _board_cards(app).values()))  # fmt: skip
        assert _board_cards(app) == cards
        demo.gate.set()
        await _settle(pilot)


async def test_a_board_kept_without_a_mark_loads_again_behind_its_cards(tmp_path: Path) -> None:
    demo = _demo()
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _board_cards(app)
        screen = app.screen
        assert isinstance(screen, PipelinesScreen)
        key = deals_key("board", screen.deal_query)
    stored = RecordStore.open(tmp_path / "store")
    kept = stored.load_list(key)
    assert kept is not None and kept.synced_at  # kept whole, with its mark
    stored.save_list(key, kept.ids, "")  # as if the mark had not come (it failed, say)
    stored.close()
    renamed, won, deleted = await _change_between_starts(demo, next(iter(cold.values()))[:3])
    demo.gate = asyncio.Event()
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PipelinesScreen) and any(
            _board_cards(app).values()))  # fmt: skip
        assert _board_cards(app) == cold and "· cached " in _title(app)
        before = _costs(demo)
        demo.gate.set()
        await _settle(pilot)
        shown = {deal_id for ids in _board_cards(app).values() for deal_id in ids}
        assert renamed in shown and won not in shown and deleted not in shown
        assert "cached" not in _title(app)
    assert (_costs(demo) - before)["getDeals"] == 2  # the whole board, and the mark
    stored = RecordStore.open(tmp_path / "store")
    kept = stored.load_list(key)
    stored.close()
    assert kept is not None and kept.synced_at and won not in kept.ids  # kept again, whole


async def test_r_loads_the_whole_board_again(tmp_path: Path) -> None:
    demo = _demo()
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
    app = _start(demo, tmp_path, "pipelines")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        before = _costs(demo)
        await pilot.press("r")
        await _settle(pilot)
        spent = _costs(demo) - before
        assert spent["getDeals"] == 2  # the page of deals, and the mark
        assert spent["getPipelines"] == spent["getStages"] == 1


# --- the deals list ----------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 25 deals: a full list is several pages."""
    monkeypatch.setattr(DealsScreen, "page_size", 25)


@pytest.mark.usefixtures("small_pages")
async def test_a_warm_list_draws_the_kept_rows_then_asks_only_for_changes(
    tmp_path: Path,
) -> None:
    demo = _demo()
    app = _start(demo, tmp_path, "deals")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _row_ids(app)
        assert len(cold) > 75 and "all loaded" in _count(app)
    cold_cost = _costs(demo)
    assert cold_cost["getDeals"] >= 4  # every page, and the mark
    renamed, won, deleted = await _change_between_starts(demo, cold[3:6])
    demo.gate = asyncio.Event()
    answered = len(demo.requests)
    app = _start(demo, tmp_path, "deals")
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, DealsScreen) and _row_ids(app))
        await pilot.pause()
        assert len(demo.requests) == answered
        assert _row_ids(app) == cold
        assert _count(app).startswith("cached ") and "Cached " in _status(app)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        screen.table.move_cursor(8)
        cursor = screen.table.cursor_deal
        assert cursor is not None
        before = _costs(demo)
        demo.gate.set()
        await _settle(pilot)
        ids = _row_ids(app)
        assert ids == [i for i in cold if i not in (won, deleted)]
        found = screen.rows.find(renamed)
        assert found is not None and found.title == "Renamed between starts"
        assert not _count(app).startswith("cached") and "all loaded" in _count(app)
        assert screen.table.cursor_deal is not None and screen.table.cursor_deal.id == cursor.id
        assert screen.table.cursor_row == 6  # two rows above it left
    assert (_costs(demo) - before)["getDeals"] == 1
    # Nothing changed since: the next start costs one deals request and shows the same rows.
    before = _costs(demo)
    demo.gate = None
    app = _start(demo, tmp_path, "deals")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _row_ids(app) == ids
    assert (_costs(demo) - before)["getDeals"] == 1


async def test_a_list_kept_in_part_shows_its_rows_then_the_first_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DealsScreen, "page_size", 25)
    monkeypatch.setattr(DealsScreen, "auto_load_rows", 50)
    monkeypatch.setattr(DealsScreen, "NEAR_END", 5)  # the cursor on row 10 asks for no more
    demo = _demo()
    app = _start(demo, tmp_path, "deals")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        cold = _row_ids(app)
        assert len(cold) == 50 and "+ more" in _count(app)
    stored = RecordStore.open(tmp_path / "store")
    kept = stored.load_list(deals_key("list", DealsScreen(app.session).deal_query))
    stored.close()
    assert kept is not None and list(kept.ids) == cold and kept.synced_at == ""  # no mark
    renamed, won, deleted = await _change_between_starts(demo, cold[3:6])
    demo.gate = asyncio.Event()
    answered = len(demo.requests)
    app = _start(demo, tmp_path, "deals")
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, DealsScreen) and _row_ids(app))
        assert len(demo.requests) == answered
        assert _row_ids(app) == cold and _count(app).startswith("cached ")
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        screen.table.move_cursor(10)
        cursor = screen.table.cursor_deal
        assert cursor is not None
        before = _costs(demo)
        demo.gate.set()
        await _settle(pilot)
        ids = _row_ids(app)
        assert len(ids) == 50 and won not in ids and deleted not in ids
        assert ids[:3] == cold[:3] and renamed in ids
        found = screen.rows.find(renamed)
        assert found is not None and found.title == "Renamed between starts"
        assert not _count(app).startswith("cached") and "+ more" in _count(app)
        assert screen.table.cursor_deal is not None and screen.table.cursor_deal.id == cursor.id
    pages = [r for r in demo.requests[answered:] if r.params.get("limit") == "25"]
    assert len(pages) == 2  # the normal first load
    assert (_costs(demo) - before)["getDeals"] == 3  # two pages, and the mark


async def test_without_a_store_nothing_is_kept_or_drawn_early() -> None:
    app, demo = demo_app(start_mode="deals")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        assert screen._cached is None and not _count(app).startswith("cached")
        # No store: no mark is asked (auto-refresh is off), as before the store existed.
        assert _costs(demo)["getDeals"] == 1
