"""Snapshots of the pipeline board: loaded, empty and error, at 120×36 and 80×24."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from tests.ui import demo_app, empty_account

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


def _board_of(
    pipeline_id: int | None = None, *keys: str
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await app.workers.wait_for_complete()
        await app.push_screen(PipelinesScreen(app.session, pipeline_id))  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def _without_renewals() -> DemoAccount:
    account = generate(7, 200)
    account.deals = [d for d in account.deals if d["pipeline_id"] != 3]
    return account


@SIZES
def test_pipelines_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    # The cursor on a rotting deal in the second column.
    assert snap_compare(app, terminal_size=size, run_before=_board_of(None, "l"))


@SIZES
def test_pipelines_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app(account=_without_renewals())
    assert snap_compare(app, terminal_size=size, run_before=_board_of(3))


@SIZES
def test_pipelines_error(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app(faults=FaultPlan().server_error(503, count=None, path="/api/v2/deals"))
    assert snap_compare(app, terminal_size=size, run_before=_board_of())


def test_pipelines_no_pipelines(snap_compare: Any) -> None:
    app, _ = demo_app(account=empty_account())
    assert snap_compare(app, terminal_size=(80, 24), run_before=_board_of())


def test_pipelines_won_and_lost(snap_compare: Any) -> None:
    app, _ = demo_app()
    # s s s: all deals, won and lost ones with their markers.
    assert snap_compare(app, terminal_size=(120, 36), run_before=_board_of(2, "s", "s", "s"))


def test_pipelines_scrolled_to_the_last_stage(snap_compare: Any) -> None:
    app, _ = demo_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await _board_of(None, "end", "G")(pilot)
        assert pilot.app.screen.query_one(Board).scroll_x > 0

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
