"""Benchmark the demo account generator: time and peak memory for 1,000 to 100,000 deals.

Run from the repository root::

    .venv/bin/python bench/bench_demo_generate.py            # 1k, 10k, 100k
    .venv/bin/python bench/bench_demo_generate.py --sizes 1000,50000 --seed 3

Each size is timed without tracing (best of a few runs for the small sizes), then generated once
more under ``tracemalloc`` for the peak of Python allocations. The process's peak resident size
is printed at the end. The exit status is 1 when 100,000 deals take longer than the budget.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.demo.generator import generate

#: The most ``generate(seed, size=100_000)`` may take, in seconds.
BUDGET_100K = 10.0


def _timed(seed: int, size: int) -> float:
    """The best wall time of a few runs (one run from 100,000 deals up)."""
    runs = 3 if size < 100_000 else 1
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        account = generate(seed, size)
        best = min(best, time.perf_counter() - start)
        del account
    return best


def _peak_mib(seed: int, size: int) -> float:
    """The peak of Python allocations while generating, in MiB."""
    gc.collect()
    tracemalloc.start()
    account = generate(seed, size)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del account
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    """Print one line per size; return 1 when 100,000 deals are over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated deal counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]

    print(f"{'deals':>8}  {'seconds':>8}  {'deals/s':>9}  {'peak MiB':>9}")
    status = 0
    for size in sizes:
        seconds = _timed(args.seed, size)
        peak = "-" if args.no_trace else f"{_peak_mib(args.seed, size):.1f}"
        print(f"{size:>8}  {seconds:>8.2f}  {size / seconds:>9.0f}  {peak:>9}")
        if size == 100_000 and seconds > BUDGET_100K:
            print(f"  over budget: 100,000 deals must take at most {BUDGET_100K:.0f} s")
            status = 1
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak resident size of the process: {max_rss:.0f} MiB")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
