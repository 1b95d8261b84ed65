"""Snapshots of the deal detail: loaded, nearly empty and error, at two sizes; a mail thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _open(deal_id: int, *keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await _settle(pilot)
        await app.push_screen(DealDetailScreen(app.session, deal_id))
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


@SIZES
def test_deal_detail_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    """Deal 1: every custom field type, person and organization, a rotting open deal."""
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_open(1))


@SIZES
def test_deal_detail_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    """Deal 2: no person and no custom field."""
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_open(2))


@SIZES
def test_deal_detail_error(snap_compare: Any, size: tuple[int, int]) -> None:
    """The deal cannot be fetched: the message and how to retry."""
    app, _ = demo_app(faults=FaultPlan().server_error(503, count=None, path="/api/v2/deals/"))
    assert snap_compare(app, terminal_size=size, run_before=_open(1))


def test_deal_detail_mail_thread(snap_compare: Any) -> None:
    """The first mail thread of deal 28, opened from the mail tab: HTML bodies as text."""
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(120, 36), run_before=_open(28, "m", "enter"))
