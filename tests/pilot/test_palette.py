"""The command palette: screens, pipelines, saved filters, and Pipedrive search as you type."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui import commands
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from tests.ui import demo_app


async def _settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _palette(pilot: Pilot[Any], text: str, *, wait: float = 0.0) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    for char in text:
        await pilot.press(char if char != " " else "space")
    await pilot.pause(wait)
    await _settle(pilot)


def _searches(demo: Any) -> list[str]:
    return [r.params.get("term", "") for r in demo.requests if r.path.endswith("/itemSearch")]


@pytest.fixture
def no_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "SEARCH_DEBOUNCE", 0.0)


async def test_go_to_a_screen() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "Go to: Deals list")
        await pilot.press("enter")
        await _settle(pilot)
        assert app.current_mode == "deals"
        assert isinstance(app.screen, DealsScreen)


async def test_search_opens_a_deal(no_debounce: None) -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "Acme La", wait=0.2)
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, DealDetailScreen)
    assert _searches(demo)[-1] == "Acme La"
    opened = [r.path for r in demo.requests if r.path.startswith("/api/v2/deals/")]
    deal_id = int(opened[0].rsplit("/", 1)[1])
    titles = {d["id"]: d["title"] for d in demo.account.deals}
    assert titles[deal_id].startswith("Acme La")


async def test_short_queries_never_reach_pipedrive(no_debounce: None) -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "A", wait=0.1)
    assert _searches(demo) == []


async def test_typing_is_debounced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "SEARCH_DEBOUNCE", 0.3)
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "Summit", wait=0.6)
    searched = _searches(demo)
    assert searched and searched[-1] == "Summit"
    assert len(searched) <= 2  # not one search per keystroke


async def test_person_shows_their_deals(no_debounce: None) -> None:
    app, demo = demo_app()
    person = demo.account.persons[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, person["name"][:8], wait=0.2)
        # pick the person's hit, not a deal's
        palette = app.screen
        options = palette.query_one("CommandList")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        index = next(i for i, label in enumerate(labels) if label.startswith("Person:"))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        assert app.screen.deal_query.person_id is not None
        shown = {deal.person_id for deal in app.screen.rows.view}
        assert shown <= {app.screen.deal_query.person_id}


async def test_saved_filter_applies_to_the_list() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "Filter: Big Sales")
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        wanted = next(f["id"] for f in demo.account.filters if f["name"] == "Big Sales deals")
        assert app.screen.deal_query.filter_id == wanted
    assert any(r.params.get("filter_id") == str(wanted) for r in demo.requests)


async def test_pipeline_by_name() -> None:
    app, demo = demo_app(start_mode="pipelines")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await _palette(pilot, "Pipeline: Renewals")
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, PipelinesScreen)
        renewals = next(p["id"] for p in demo.account.pipelines if p["name"] == "Renewals")
        assert app.screen.pipeline_id == renewals
