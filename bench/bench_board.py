"""Benchmark the pipeline board: how soon a board of 5,000 open deals draws after its data arrives.

Run from the repository root::

    .venv/bin/python bench/bench_board.py                  # 5,000 open deals, 3 runs
    .venv/bin/python bench/bench_board.py --deals 20000 --runs 1

The app talks to the demo as ``pipedrive-tui --demo`` does (each answer from a worker thread, so
the event loop is free to paint while a page is on its way). The demo account is generated with
``--deals`` deals, all of them then made open deals of the first pipeline (spread over its
stages) before ``DemoPipedrive(account=...)`` serves them.
Three figures, each the time from the data arriving to the next frame the app paints:

* ``first page``: the board as Pipedrive pages it (500 deals a page), from the first page;
* ``all pages``: the last page arriving to the frame showing every deal;
* ``bulk``: all deals handed over as one page (the worst case for one frame);

plus the time of one cursor move (``j``) to its frame. ``--latency 0`` shows what happens when
the data arrives while the screen is still being built (the frame then also pays for that).
Numbers only: the script asserts nothing about them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.pagination import Page
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from tests.ui import FIXED_NOW


def big_account(deals: int) -> DemoAccount:
    """A demo account whose deals are all open deals of pipeline 1."""
    account = generate(7, deals)
    stages = sorted(
        (s for s in account.stages if s["pipeline_id"] == 1), key=lambda s: s["order_nr"]
    )
    for index, deal in enumerate(account.deals):
        deal.update(
            pipeline_id=1,
            stage_id=stages[index % len(stages)]["id"],
            status="open",
            is_archived=False,
            is_deleted=False,
        )
        for key in ("won_time", "lost_time", "close_time", "lost_reason"):
            deal.pop(key, None)
    return account


def bench_app(account: DemoAccount, latency: float) -> PipedriveApp:
    """The app on the demo as the command line builds it: answers come from a worker thread.

    Each page of deals comes ``latency`` seconds late, as over a network: the screen is on
    screen with its columns before the first page arrives, as it would be with Pipedrive.
    """
    faults = FaultPlan().latency(latency, path="/api/v2/deals", method="GET")
    demo = DemoPipedrive(account, faults=faults, clock=lambda: 0.0)
    client = PipedriveClient(
        "https://demo.pipedrive-tui.invalid",
        api_token="demo",
        transport=demo.async_transport(offload=True),
        limiter=Limiter(10_000, 2.0),
    )
    session = AccountSession(client, Lookups(client), is_demo=True)
    settings = Settings.model_validate({"demo": True, "start_mode": "account"})
    return PipedriveApp(session, settings, clock=lambda: FIXED_NOW)


class Frames:
    """Timestamps of the frames the app paints (wraps ``App._display``)."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        original: Callable[..., None] = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.times.append(time.perf_counter())

        app._display = display

    def after(self, moment: float) -> float:
        """Seconds from ``moment`` to the first frame painted after it."""
        return next(t for t in self.times if t >= moment) - moment


async def one_run(
    account: DemoAccount, deals: int, latency: float, freeze: bool
) -> dict[str, float]:
    """Time the board on one app: paged, bulk, and a cursor move."""
    app = bench_app(account, latency)
    arrivals: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        frames = Frames(app)
        await app.workers.wait_for_complete()
        if freeze:
            # The demo's store (the stand-in for Pipedrive's servers) lives in this process:
            # keep the cyclic GC from walking it again and again while the board loads.
            gc.collect()
            gc.freeze()
        client = app.session.client
        paged = client.iter_deal_pages

        async def timed_pages(**filters: Any) -> AsyncIterator[Page[Any]]:
            async for page in paged(**filters):
                arrivals.append(time.perf_counter())
                yield page

        client.iter_deal_pages = timed_pages  # type: ignore[method-assign]
        screen = PipelinesScreen(app.session)
        await app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        board = screen.query_one(Board)
        shown = sum(c.count for c in board.columns)
        assert shown == deals, f"the board shows {shown} deals, not {deals}"
        first_page, all_pages = frames.after(arrivals[0]), frames.after(arrivals[-1])
        result = await client.list_deals(ceiling=None, pipeline_id=1, status="open")
        everything = result.items
        arrivals.clear()

        async def one_page(**_filters: Any) -> AsyncIterator[Page[Any]]:
            await asyncio.sleep(latency)
            arrivals.append(time.perf_counter())
            yield Page(list(everything), None, 1)

        client.iter_deal_pages = one_page  # type: ignore[method-assign]
        bulk_screen = PipelinesScreen(app.session)
        await app.push_screen(bulk_screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        bulk = frames.after(arrivals[0])
        pressed = time.perf_counter()
        await pilot.press("j")
        await pilot.pause()
        move = frames.after(pressed)
    gc.unfreeze()
    return {"first page": first_page, "all pages": all_pages, "bulk": bulk, "cursor move": move}


def main() -> None:
    """Parse the arguments, run, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="let the GC walk the demo's in-process data too (adds its pauses to the figures)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds each page of deals takes to arrive"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    big_account(args.deals)
    print(f"generated {args.deals:,} open deals in {time.perf_counter() - started:.2f} s")
    runs = [
        asyncio.run(one_run(big_account(args.deals), args.deals, args.latency, not args.no_freeze))
        for _ in range(args.runs)
    ]
    print(
        f"{'data arrived → frame':<24}{'median':>10}{'worst':>10}   "
        f"({args.runs} runs, {args.latency * 1000:.0f} ms a page)"
    )
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"{key:<24}{statistics.median(values) * 1000:>8.0f}ms{max(values) * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
