"""Benchmark the deals list at scale: first rows, loading everything, cursor keys, memory.

Run from the repository root::

    .venv/bin/python bench/bench_deals_list.py                 # 100,000 deals
    .venv/bin/python bench/bench_deals_list.py --size 10000 --in-process

By default the demo Pipedrive runs in a child process behind its loopback HTTP server, so the
memory figures are the app's own (the demo account alone holds ~500 MB at 100,000 deals);
``--in-process`` serves it from an ``httpx.MockTransport`` in this process instead.

The app runs headless (``run_test``) at 120×36. Printed, never asserted:

* first page → first rows drawn: from the moment the first page reaches the screen to the first
  table row rendered (target < 0.5 s);
* the time to load every page (``a``), names included;
* per-key cursor latency after everything is loaded: ``pilot.press`` + ``pilot.pause`` timed
  with ``time.perf_counter`` (target < 30 ms), with the CPU time of each key, and the same keys
  on an empty app: the pilot itself waits for idle in 20 ms steps, ~60 ms a key, so the wall
  time minus that floor (or the CPU time) is what the table costs;
* sorting all rows by value and a search keystroke;
* peak (``ru_maxrss``) and current resident memory (target < 400 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.widgets.deal_table import DealTable

#: When things happened, filled by the instrumented screen and table below.
MARKS: dict[str, float] = {}


class TimedDealsScreen(DealsScreen):
    """The deals list, noting when the first page reaches it."""

    def _arrived(self, deals: list[Any], *, final: bool) -> None:
        MARKS.setdefault("first_page", time.perf_counter())
        super()._arrived(deals, final=final)


def _timed_render_line(render_line: Any) -> Any:
    def render(table: DealTable, y: int) -> Any:
        strip = render_line(table, y)
        if y >= 1 and table.rows and "first_page" in MARKS:
            MARKS.setdefault("first_row", time.perf_counter())
        return strip

    return render


DealTable.render_line = _timed_render_line(DealTable.render_line)  # type: ignore[method-assign]


def _rss_mib() -> float:
    """The current resident size of this process, in MiB (Linux), or -1."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return -1.0


def _maxrss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _serve(size: int, ports: Any) -> None:
    """The child process: generate the account, serve it on a free loopback port."""
    from pipedrive_tui.demo.server import make_server

    server = make_server(0, demo=DemoPipedrive(generate(7, size)))
    ports.put(server.port)
    server.serve_forever(poll_interval=0.05)


def _client(base_url: str, transport: Any = None) -> PipedriveClient:
    return PipedriveClient(
        base_url,
        api_token="demo",
        transport=transport,
        limiter=Limiter(10_000, 2.0),  # the demo does not enforce its burst limit
        max_retries=0,
        timeout=120.0,
    )


async def _until(pilot: Any, done: Any, limit: float = 600.0) -> None:
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > limit:
            raise TimeoutError("the deals list did not finish loading")
        await pilot.pause(0.05)


async def _press_timed(pilot: Any, keys: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``press`` + ``pause``, key by key."""
    walls, cpus = [], []
    for key in keys:
        tick, cpu = time.perf_counter(), time.process_time()
        await pilot.press(key)
        await pilot.pause()
        walls.append((time.perf_counter() - tick) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


async def _pilot_floor(count: int) -> tuple[list[float], list[float]]:
    """What ``press`` + ``pause`` cost on an app that does nothing: the pilot's own waits."""
    from textual.app import App
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> Any:
            yield Static("nothing")

    async with Empty().run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        return await _press_timed(pilot, ["down"] * count)


def _report(what: str, timings: tuple[list[float], list[float]]) -> None:
    walls, cpus = sorted(timings[0]), sorted(timings[1])
    p95 = walls[int(len(walls) * 0.95) - 1]
    print(
        f"{what}: {len(walls)} keys, wall median {statistics.median(walls):.1f} ms, "
        f"p95 {p95:.1f} ms, max {walls[-1]:.1f} ms; CPU median "
        f"{statistics.median(cpus):.1f} ms, max {cpus[-1]:.1f} ms"
    )


async def _run(client: PipedriveClient, size: int) -> None:
    session = AccountSession(client, Lookups(client), is_demo=True)
    # The overview, not the board: the board would load the deals of a pipeline as well.
    app = PipedriveApp(session, Settings(demo=True, start_mode="account"))
    print(f"before the app: RSS {_rss_mib():,.0f} MiB")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = TimedDealsScreen(session, DealQuery(status="all"))
        screen.auto_load_rows = float("inf")
        start = time.perf_counter()
        await app.push_screen(screen)
        await _until(pilot, lambda: "first_row" in MARKS)
        first = MARKS["first_page"] - start
        drawn = MARKS["first_row"] - MARKS["first_page"]
        print(f"first page reached the screen {first:.3f} s after it opened")
        print(f"first page -> first rows drawn: {drawn * 1000:.1f} ms   (target < 500 ms)")
        await _until(pilot, lambda: not screen.more and not screen.fetching)
        await app.workers.wait_for_complete()
        await pilot.pause()
        loaded = len(screen.rows.loaded)
        print(f"all {loaded:,} deals loaded in {time.perf_counter() - start:.1f} s")
        print(f"RSS once loaded: {_rss_mib():,.0f} MiB")
        screen.table.focus()
        await pilot.pause()
        keys = ["down"] * 60 + ["pagedown"] * 10 + ["up"] * 30 + ["G", "g"] * 3
        _report("cursor", await _press_timed(pilot, keys))
        floor = await _pilot_floor(len(keys))
        _report("pilot floor (the same keys on an empty app)", floor)
        column = next(c for c in screen.table.columns if c.key == "value")
        tick = time.perf_counter()
        screen.sort_by(column, reverse=True)
        await pilot.pause()
        print(f"sort {loaded:,} rows by value: {(time.perf_counter() - tick) * 1000:.0f} ms")
        screen.sort_by(None)
        await pilot.press("slash")
        await pilot.pause()
        for text in ("a", "ac", "acm"):
            tick = time.perf_counter()
            await pilot.press(text[-1])
            await pilot.pause()
            ms = (time.perf_counter() - tick) * 1000
            print(f"search {text!r}: {len(screen.rows.view):,} rows in {ms:.0f} ms")
        print(f"after loading {loaded:,} deals: RSS {_rss_mib():,.0f} MiB now, ", end="")
        print(f"peak {_maxrss_mib():,.0f} MiB   (target < 400 MB)")
        print(f"requests: {client.ledger.calls:,} calls, {client.ledger.total:,} tokens")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark once and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="deals in the demo account")
    parser.add_argument(
        "--in-process", action="store_true", help="serve the demo from this process"
    )
    args = parser.parse_args(argv)
    print(f"deals list benchmark: {args.size:,} deals, Textual headless at 120x36")
    if args.in_process:
        tick = time.perf_counter()
        demo = DemoPipedrive(generate(7, args.size))
        print(f"demo generated in {time.perf_counter() - tick:.1f} s (in this process)")
        asyncio.run(_run(_client("https://demo.invalid", demo.transport()), args.size))
        return 0
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    child = context.Process(target=_serve, args=(args.size, ports), daemon=True)
    child.start()
    try:
        port = ports.get(timeout=300)
        print(f"demo server ready on 127.0.0.1:{port} (child process)")
        asyncio.run(_run(_client(f"http://127.0.0.1:{port}"), args.size))
    finally:
        child.terminate()
        child.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
