"""Snapshots of the deals list: loaded, empty and error, at 120×36 and 80×24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.screens.deals import DealsScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


def _show(query: DealQuery | None = None, *keys: str) -> Any:
    """A ``run_before`` that pushes the deals list and waits for its pages and names."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await app.workers.wait_for_complete()
        await app.push_screen(DealsScreen(app.session, query))
        for _ in range(2):  # the pages, then the names they asked for
            await app.workers.wait_for_complete()
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


@SIZES
def test_deals_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(None, "down", "down"))


@SIZES
def test_deals_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(DealQuery(person_id=987_654)))


@SIZES
def test_deals_error(snap_compare: Any, size: tuple[int, int]) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/api/v2/deals", method="GET")
    app, _ = demo_app(faults=faults)
    assert snap_compare(app, terminal_size=size, run_before=_show())


def test_deals_all_sorted_by_value(snap_compare: Any) -> None:
    app, _ = demo_app()
    keys = ("t", "t", "t", "s", "s", "s", "s", "S")  # the All tab, then Value, descending
    assert snap_compare(app, terminal_size=(120, 36), run_before=_show(None, *keys))
