"""Flows across screens: board → detail → back, and the link actions (open, copy over OSC 52)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from tests.ui import demo_app


async def _settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_board_detail_triage_and_back() -> None:
    app, demo = demo_app(start_mode="pipelines")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        board = app.screen
        assert isinstance(board, PipelinesScreen)
        deal = board.triage_deal()
        assert deal is not None
        await pilot.press("enter")
        await _settle(pilot)
        detail = app.screen
        assert isinstance(detail, DealDetailScreen) and detail.deal_id == deal.id
        await pilot.press("L")  # move it to the next stage from the detail
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is board
        moved = next(
            d for d in demo.account.deals if d["id"] == deal.id
        )  # the generated record is untouched: read the write back through the client
        fresh = await app.session.client.get_deal(deal.id)
        assert fresh.stage_id != moved["stage_id"]
        # the board heard about the confirmed write: the card sits in its new column now
        shown = board.triage_deal()
        assert shown is not None and shown.id == deal.id and shown.stage_id == fresh.stage_id
    patches = [r for r in demo.requests if r.method == "PATCH"]
    assert len(patches) == 1 and patches[0].path == f"/api/v2/deals/{deal.id}"


async def test_copy_link_uses_osc52_clipboard() -> None:
    app, _ = demo_app(start_mode="pipelines", company_domain="acme")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        deal = app.screen.triage_deal()  # type: ignore[attr-defined]
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == f"https://acme.pipedrive.com/deal/{deal.id}"


async def test_open_over_ssh_shows_the_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    app, _ = demo_app(start_mode="pipelines", company_domain="acme")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        deal = app.screen.triage_deal()  # type: ignore[attr-defined]
        await pilot.press("o")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert opened == []
    assert any(f"https://acme.pipedrive.com/deal/{deal.id}" in m for m in messages)


async def test_open_with_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda *a: object())
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    app, _ = demo_app(start_mode="pipelines", company_domain="acme")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        deal = app.screen.triage_deal()  # type: ignore[attr-defined]
        await pilot.press("o")
        await _settle(pilot)
    assert opened == [f"https://acme.pipedrive.com/deal/{deal.id}"]


async def test_demo_deals_have_no_web_link() -> None:
    app, _ = demo_app(start_mode="pipelines")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert app.clipboard == ""
    assert any("Demo deals have no link" in m for m in messages)
