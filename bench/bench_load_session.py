"""Benchmark a long scripted session on a large, slow demo: key-to-frame latency, memory, requests.

Run from the repository root::

    .venv/bin/python bench/bench_load_session.py            # 100,000 deals, 20 ms, 2,000 keys ×2
    .venv/bin/python bench/bench_load_session.py --quick    # a smoke run of a minute or two

The app runs headless (``run_test``, 120×36) on the demo as ``pipedrive-tui --demo`` builds it
(answers from a worker thread, the default client limiter), with ``--latency-ms`` added to
every request and the demo's burst limit enforced: a burst the client's limiter should have
prevented gets a 429. The key script (``bench/load_session.py``) tours every screen; the same
script is played ``--passes`` times, the first one warming up.

Printed, per pass and for the whole session:

* key to frame: from ``pilot.press`` to the first frame Textual composes after it (median, 99th
  percentile, max), overall and per screen; key to settled: until no worker runs any more (the
  data the key asked for has arrived and is drawn; the pilot's own waits for an idle process,
  some 60 ms a key, are part of it);
* memory: resident size (``/proc/self/statm``, after a full collection) before the app, after
  each pass, and the growth from the end of the first pass to the end of the last (issue #10's
  target: under 50 MB); ``--tracemalloc`` adds Python's own count (it slows everything down);
* requests: made by the client, per operation and tokens (from the demo's ledger), the
  statuses the demo answered, 429s (must be 0), and the client limiter's throttled and waits;
* problems: error notifications and failed workers (must be 0), keys that never settled.

The exit status is 1, with the reasons on stderr, when an error notification, a failed worker,
a 429, a hung key, or more growth than the target appeared: that is the bench's verdict.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_session import (
    KeyRecord,
    PassResult,
    Probe,
    build_script,
    demo_session,
    latency_line,
    memory_mib,
    play,
    settle,
)
from pipedrive_tui import locations
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.handler import DemoPipedrive

#: Issue #10's target for the memory a pass may add once the first one has run.
GROWTH_TARGET_MB = 50.0


def _mb(mib: float) -> float:
    return mib * 2**20 / 1e6


def _traced() -> str:
    if not tracemalloc.is_tracing():
        return ""
    current, peak = tracemalloc.get_traced_memory()
    return f"   tracemalloc current {current / 1e6:,.1f} MB, peak {peak / 1e6:,.1f} MB"


@dataclass
class Session:
    """What a whole session saw, for the report and the verdict."""

    app: PipedriveApp
    demo: DemoPipedrive
    probe: Probe
    passes: list[PassResult] = field(default_factory=list)
    rss: dict[str, float] = field(default_factory=dict)
    rss_after: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def records(self) -> list[KeyRecord]:
        """Every key of every pass."""
        return [record for result in self.passes for record in result.records]

    @property
    def growth(self) -> float:
        """MB the resident size grew from the end of the first pass to the end of the last."""
        return _mb(self.rss_after[-1] - self.rss_after[0]) if len(self.rss_after) > 1 else 0.0

    @property
    def hung(self) -> list[str]:
        """The keys that never settled, with their pass and screen."""
        return [
            f"pass {number}: {record.key!r} on {record.screen}"
            for number, result in enumerate(self.passes, 1)
            for record in result.records
            if record.hung
        ]


def _report_pass(number: int, result: PassResult, rss: float) -> None:
    frames = [r.frame for r in result.records if r.frame is not None]
    settled = [r.settled for r in result.records]
    silent = sum(1 for r in result.records if r.frame is None)
    print(f"pass {number}: {len(result.records):,} keys in {result.seconds:,.1f} s")
    print(f"  key to frame    {latency_line(frames)}   ({silent} keys drew no frame)")
    print(f"  key to settled  {latency_line(settled)}")
    print(f"  RSS after the pass {rss:,.1f} MiB{_traced()}")


def _report_screens(records: list[KeyRecord]) -> None:
    by_screen: dict[str, list[KeyRecord]] = defaultdict(list)
    for record in records:
        by_screen[record.screen].append(record)
    print("key to frame by the screen the key was pressed on (all passes):")
    for screen, group in sorted(by_screen.items(), key=lambda item: -len(item[1])):
        frames = [r.frame for r in group if r.frame is not None]
        settled = statistics.median(r.settled for r in group) * 1000
        print(
            f"  {screen:<15} {len(group):5,} keys  {latency_line(frames)}   "
            f"settled median {settled:7.1f} ms"
        )


def _report_memory(run: Session) -> None:
    rss = run.rss
    print(
        f"memory: RSS {rss['start']:,.1f} MiB before the demo, {rss['demo']:,.1f} MiB with it, "
        f"{rss['ready']:,.1f} MiB with the app ready, {run.rss_after[-1]:,.1f} MiB at the end"
        f"{_traced()}"
    )
    if len(run.rss_after) > 1:
        print(
            f"memory growth after the first pass: {run.growth:+,.1f} MB over "
            f"{len(run.rss_after) - 1} more pass(es)   (target < {GROWTH_TARGET_MB:.0f} MB)"
        )


def _report_requests(run: Session) -> None:
    client, demo, probe = run.app.session.client, run.demo, run.probe
    ledger, transport = client.ledger, client.transport
    per_key = ledger.calls / (len(run.records) or 1)
    print(
        f"requests: {ledger.calls:,} made by the client, {ledger.total:,} tokens "
        f"({per_key:.2f} requests a key); served by the demo, per operation:"
    )
    for operation, entry in sorted(demo.ledger.items(), key=lambda item: -item[1].calls):
        print(f"  {operation:<32} {entry.calls:6,} calls {entry.tokens:8,} tokens")
    statuses = ", ".join(f"{code or 'none'}: {n:,}" for code, n in sorted(probe.statuses.items()))
    print(f"demo answers by status: {statuses}")
    print(
        f"the fullest 2-second window of the demo held {probe.fullest_window} requests (its "
        f"burst limit: {demo.burst_limit}; the client's limiters: "
        f"{transport.limiter.max_requests} + {transport.search_limiter.max_requests} searches)"
    )
    limits = client.rate_limit
    print(
        f"429s received: {probe.statuses[429]}; client limiter throttled {limits.throttled:,} "
        f"requests (waited {transport.limiter.waited:,.1f} s, searches "
        f"{transport.search_limiter.waited:,.1f} s); waits after a 429: {limits.waits}"
    )


def _report_problems(run: Session, key_limit: float) -> None:
    probe = run.probe
    notices = ", ".join(f"{k}: {v}" for k, v in sorted(probe.notices.items())) or "none"
    print(f"notifications: {notices}")
    print(f"errors (error notifications, failed workers): {len(probe.problems)}")
    for problem in probe.problems[:20]:
        print(f"  {problem.kind} on {problem.where}: {problem.text}")
    print(f"keys that never settled (> {key_limit:g} s): {len(run.hung)}")


def _progress(total: int) -> Any:
    step = max(1, total // 10)

    def show(index: int, record: KeyRecord) -> None:
        if (index + 1) % step == 0:
            print(f"  … {index + 1:,}/{total:,} keys (now on {record.screen})", flush=True)

    return show


async def run_session(args: argparse.Namespace) -> Session:
    """Build the demo and the app, play the passes, print as they end."""
    script = build_script(args.keys)
    print(
        f"load session: {args.deals:,} deals, {args.latency_ms:g} ms latency on every request, "
        f"burst limit enforced, {args.keys:,} keys × {args.passes} passes"
    )
    rss_start = memory_mib()
    tick = time.perf_counter()
    app, demo = demo_session(args.deals, latency=args.latency_ms / 1000)
    run = Session(app, demo, Probe(app, demo), rss={"start": rss_start, "demo": memory_mib()})
    print(f"demo generated in {time.perf_counter() - tick:.1f} s")
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, 300.0)
        run.rss["ready"] = memory_mib()
        print(f"app ready (the board loaded) in {time.perf_counter() - started:.1f} s")
        for number in range(1, args.passes + 1):
            show = _progress(len(script))
            result = await play(pilot, run.probe, script, limit=args.key_limit, on_key=show)
            run.passes.append(result)
            run.rss_after.append(memory_mib())
            _report_pass(number, result, run.rss_after[-1])
    run.wall = time.perf_counter() - started
    return run


def report(run: Session, key_limit: float) -> list[str]:
    """Print the session's figures; return what went wrong (empty: all well)."""
    records = run.records
    _report_screens(records)
    frames = [r.frame for r in records if r.frame is not None]
    print(f"all passes: key to frame {latency_line(frames)}")
    visited = set().union(*(result.visited for result in run.passes))
    print(f"screens reached: {', '.join(sorted(visited))}")
    _report_memory(run)
    _report_requests(run)
    _report_problems(run, key_limit)
    print(f"total wall time: {run.wall:,.1f} s (app running)")
    failures = []
    if run.probe.problems:
        failures.append(f"{len(run.probe.problems)} error notification(s) or failed worker(s)")
    if run.probe.statuses[429]:
        failures.append(f"{run.probe.statuses[429]} request(s) answered 429")
    if run.hung:
        failures.append(f"{len(run.hung)} key(s) never settled: {'; '.join(run.hung[:5])}")
    if run.growth > GROWTH_TARGET_MB:
        failures.append(f"memory grew {run.growth:,.1f} MB after the first pass")
    return failures


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the session, give the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000, help="deals in the demo account")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added to every request")
    parser.add_argument("--keys", type=int, default=2_000, help="key presses a pass")
    parser.add_argument("--passes", type=int, default=2, help="passes of the same script")
    parser.add_argument(
        "--key-limit", type=float, default=120.0, help="seconds before a key counts as hung"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slow)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 5,000 deals, 300 keys, 2 passes"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.deals, args.keys = 5_000, 300
    with tempfile.TemporaryDirectory(prefix="pipedrive-tui-bench-") as home:
        locations.set_root(Path(home))  # the theme and state files go there, not to ~
        run = asyncio.run(run_session(args))
        failures = report(run, args.key_limit)
    if failures:
        print("load session FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("load session passed: no error, no 429, no hung key, growth under the target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
