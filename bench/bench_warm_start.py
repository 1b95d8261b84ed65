"""Benchmark the local store: requests, tokens and time to the first useful frame, cold vs warm.

Run from the repository root::

    .venv/bin/python bench/bench_warm_start.py                 # demo of 1,000 deals, 50 ms RTT
    .venv/bin/python bench/bench_warm_start.py --size 10000 --latency 0.1

The app runs headless (``run_test``, 120×36) on the in-process demo, answering every request
``--latency`` seconds late (as a real network would). The standard walk: open the board (first
cards), open 5 deals one after the other, the leads list, the mail inbox and one thread, the
saved filters. It runs three times on the same demo account:

* **no store**: a client without the local store (as before issue #9);
* **cold**: with an empty store (the first start);
* **warm**: with the store the cold run filled (the next start, nothing changed meanwhile).

Printed, never asserted: requests and tokens of each run (the demo's ledger, each operation's
``x-token-cost``), and the time from start to the first frame with deal cards on the board.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.cache import DiskCache
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.filters import FiltersScreen
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen


async def settle(pilot: Any) -> None:
    """Wait for every worker and a refresh, twice (names follow pages)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Any, check: Callable[[], bool], limit: float = 30.0) -> None:
    """Pause until ``check()`` holds (or ``limit`` seconds passed)."""
    start = time.perf_counter()
    while not check() and time.perf_counter() - start < limit:
        await pilot.pause(0.002)


def build(demo: DemoPipedrive, store: RecordStore | None) -> PipedriveApp:
    """The app on ``demo`` over its async transport (so the latency is real waiting).

    With a store, the lookups (pipelines, stages, fields…) get their disk cache beside it, as
    for a real account; without one, nothing is kept between starts.
    """
    client = PipedriveClient(
        "https://demo.pipedrive-tui.invalid",
        api_token="demo",
        transport=demo.async_transport(),
        limiter=Limiter(10_000, 2.0),
    )
    cache = DiskCache(store.path.parent, "lookups") if store and store.path else None
    session = AccountSession(client, Lookups(client, cache), store=store)
    settings = Settings.model_validate({"start_mode": "pipelines"})
    return PipedriveApp(session, settings)


def board_cards(app: PipedriveApp) -> int:
    """How many deal cards the board shows (0 until the first useful frame)."""
    screen = app.screen
    if not isinstance(screen, PipelinesScreen):
        return 0
    board = getattr(screen, "_board", None)
    return len(getattr(board, "deals", ()) or ())


async def walk(demo: DemoPipedrive, store: RecordStore | None) -> tuple[int, int, float]:
    """The standard walk; returns requests, tokens and seconds to the first board cards."""
    calls0 = len(demo.requests)
    tokens0 = demo.tokens_used
    start = time.perf_counter()
    app = build(demo, store)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: board_cards(app) > 0)
        first = time.perf_counter() - start
        await settle(pilot)
        for index in range(5):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            await pilot.press("down" if index % 2 == 0 else "l")
            await settle(pilot)
        leads = LeadsScreen(app.session)
        await app.push_screen(leads)
        await settle(pilot)
        mail = MailScreen(app.session)
        await app.push_screen(mail)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await app.push_screen(FiltersScreen(app.session))
        await settle(pilot)
    return len(demo.requests) - calls0, demo.tokens_used - tokens0, first


async def main(size: int, latency: float) -> None:
    """Run the walk without a store, cold and warm, and print the figures."""
    print(f"demo: {size:,} deals, {latency * 1000:.0f} ms added to every answer")
    print(f"  {'run':<10} {'requests':>9} {'tokens':>7} {'first board frame':>18}")
    with tempfile.TemporaryDirectory() as folder:
        runs = (
            ("no store", demo_for(size, latency), False),
            ("cold", demo_for(size, latency), True),
        )
        for name, demo, keep in runs:
            store = RecordStore.open(Path(folder)) if keep else None
            calls, tokens, first = await walk(demo, store)
            print(f"  {name:<10} {calls:>9} {tokens:>7} {first * 1000:>15.0f} ms")
            if store is not None:
                store.close()
                # The next start, on the same server, with the store the cold run filled.
                warm = RecordStore.open(Path(folder))
                calls, tokens, first = await walk(demo, warm)
                warm.close()
                print(f"  {'warm':<10} {calls:>9} {tokens:>7} {first * 1000:>15.0f} ms")


def demo_for(size: int, latency: float) -> DemoPipedrive:
    """A fresh demo server of ``size`` deals with ``latency`` on every answer."""
    plan = FaultPlan().latency(latency) if latency > 0 else FaultPlan()
    return DemoPipedrive(generate(7, size), faults=plan, clock=lambda: 0.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="deals in the demo account")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per answer")
    args = parser.parse_args()
    asyncio.run(main(args.size, args.latency))
