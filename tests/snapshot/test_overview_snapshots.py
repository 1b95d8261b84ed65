"""Snapshots of the app shell and the account overview: loaded, empty and error, two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.demo.faults import FaultPlan
from tests.ui import demo_app, empty_account


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_overview_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_overview_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app(account=empty_account())
    assert snap_compare(app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_overview_error(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app(faults=FaultPlan().server_error(503, count=None, path="/api/v2/pipelines"))
    assert snap_compare(app, terminal_size=size, run_before=_settle)


def test_overview_read_only_with_help(snap_compare: Any) -> None:
    app, _ = demo_app(read_only=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
