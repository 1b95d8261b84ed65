"""Offline: the status line says why, the app probes with back-off, and comes back by itself."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from pipedrive_tui.app_offline import PROBE_DELAYS
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _status(app: Any) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_server_errors_mark_offline_and_a_probe_brings_it_back() -> None:
    app, demo = demo_app(start_mode="account")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert "OFFLINE" not in _status(app)
        demo.faults = FaultPlan().server_error(503, count=None)
        await pilot.press("r")
        await _settle(pilot)
        assert "OFFLINE: Pipedrive server errors (503)" in _status(app)
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "Pipedrive cannot be used now" in notices
        timer = app._probe_timer
        assert timer is not None and timer._interval == PROBE_DELAYS[0]
        # A failed probe waits longer before the next one: no storm.
        before = len(demo.requests)
        assert await app.probe_now() is False
        await _settle(pilot)
        assert len(demo.requests) == before + 1
        assert app._probe_timer is not None and app._probe_timer._interval == PROBE_DELAYS[1]
        # The server comes back: the next probe clears the marker and refreshes the screen.
        demo.faults = FaultPlan()
        assert await app.probe_now() is True
        await _settle(pilot)
        assert "OFFLINE" not in _status(app)
        assert app._probe_timer is None
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "Pipedrive answers again" in notices
        assert demo.requests[-1].path.endswith("/pipelines") or any(
            r.path.endswith("/pipelines") for r in demo.requests[before + 2 :]
        )


async def test_an_exhausted_daily_budget_is_offline_too() -> None:
    app, demo = demo_app(start_mode="account")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        demo.faults = FaultPlan().daily_budget(count=None)
        await pilot.press("r")
        await _settle(pilot)
        assert "OFFLINE: daily token budget used up" in _status(app)
