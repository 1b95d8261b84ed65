"""Opened with Pipedrive out of reach: the stored board shows, marked offline, and comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from pipedrive_tui.data.cache import DiskCache
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app


class StoppableDemo:
    """The demo account behind a server that can be stopped (connections refused)."""

    def __init__(self, demo: DemoPipedrive) -> None:
        self.demo = demo
        self.stopped = False
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.demo, name)

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            if self.stopped:
                self.refused += 1
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
            return self.demo.handle(request)

        return httpx.MockTransport(handle)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _cards(app: Any) -> set[int]:
    screen = app.screen
    assert isinstance(screen, PipelinesScreen)
    return set(screen._board.deals)


async def test_stored_board_offline_then_back(tmp_path: Path) -> None:
    server = StoppableDemo(DemoPipedrive(generate(7, 200), clock=lambda: 0.0))
    cache = DiskCache(tmp_path, "account")  # the lookups (pipelines, stages…) as on disk
    first, _ = demo_app(demo=server, store=RecordStore.open(tmp_path), cache=cache,  # type: ignore[arg-type]
                        start_mode="pipelines")  # fmt: skip
    async with first.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        shown = _cards(first)
        assert shown
    server.stopped = True
    again, _ = demo_app(demo=server, store=RecordStore.open(tmp_path), cache=cache,  # type: ignore[arg-type]
                        start_mode="pipelines")  # fmt: skip
    async with again.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert server.refused > 0
        assert _cards(again) == shown  # the stored board, readable
        status = str(again.screen.query_one(StatusLine).render())
        assert "OFFLINE: cannot connect" in status
        notes = " ".join(str(n.message) for n in again._notifications)
        assert "Pipedrive cannot be used now" in notes
        # The server comes back: the next check finds it, the marker goes, the board refreshes.
        server.stopped = False
        before = len(server.demo.requests)
        assert await again.probe_now() is True
        await _settle(pilot)
        status = str(again.screen.query_one(StatusLine).render())
        assert "OFFLINE" not in status
        assert _cards(again) == shown
        assert len(server.demo.requests) > before + 1  # the probe, then the board's refresh
