"""Benchmark the local record store: write and read back 100,000 deals, then a warm start.

Run from the repository root::

    .venv/bin/python bench/bench_store.py                  # 100,000 demo deals, in a temp folder
    .venv/bin/python bench/bench_store.py --pad 800         # deals of ~2 kB of JSON
    .venv/bin/python bench/bench_store.py --size 20000 --folder /tmp/store-bench

It prints the time to write the deals (one ``put``), to read them all back, to read 500 of them
by id, the file size, and the time to open the warm store and draw a 500-id list from it
(``open`` + ``load_list`` + ``get_many``, best of a few runs). The exit status is 1 when writing
100,000 deals, or the warm start, is over budget.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.data.store import STORE_FILE, RecordStore
from pipedrive_tui.demo.generator import generate

#: The most writing 100,000 deals may take, in seconds.
BUDGET_WRITE_100K = 20.0
#: The most a warm start (open + load a 500-id list + its records) may take, in seconds.
BUDGET_WARM = 0.25
LIST_KEY = "deals:pipeline=1:status=open"
LIST_SIZE = 500


def _timed(label: str, seconds: float, note: str = "") -> None:
    """Print one result line."""
    print(f"{label:<44} {seconds * 1000:>10.1f} ms  {note}")


def run(folder: Path, size: int, seed: int, warm_runs: int, pad: int = 0) -> bool:
    """Run every measure in ``folder``; return whether everything was within budget.

    ``pad`` adds a text field of that many characters to every deal (bigger custom fields).
    """
    start = time.perf_counter()
    deals = generate(seed, size).deals
    if pad:
        deals = [{**deal, "padding": "p" * pad} for deal in deals]
    json_bytes = sum(len(json.dumps(d)) for d in deals[:1000]) / min(len(deals), 1000)
    print(f"{len(deals):,} demo deals (seed {seed}), ~{json_bytes:,.0f} bytes of JSON each", end="")
    print(f", generated in {time.perf_counter() - start:.1f} s")

    ok = True
    with RecordStore.open(folder) as store:
        gc.collect()
        start = time.perf_counter()
        store.put("deal", deals)
        write = time.perf_counter() - start
        _timed(f"write {len(deals):,} deals (one put)", write, f"{len(deals) / write:,.0f}/s")
        if size >= 100_000 and write > BUDGET_WRITE_100K:
            print(f"  over budget ({BUDGET_WRITE_100K:.0f} s)")
            ok = False

        ids = [deal["id"] for deal in deals]
        list_ids = ids[:: max(1, len(ids) // LIST_SIZE)][:LIST_SIZE]
        store.save_list(LIST_KEY, list_ids, "2026-01-01T00:00:00Z")

        start = time.perf_counter()
        everything = store.all("deal")
        _timed(f"read back all {len(everything):,} deals (all)", time.perf_counter() - start)
        assert len(everything) == len(deals)
        del everything

        start = time.perf_counter()
        some = store.get_many("deal", list_ids)
        _timed(f"read {len(some)} deals by id (get_many)", time.perf_counter() - start)

        start = time.perf_counter()
        store.put("deal", deals[:LIST_SIZE])
        _timed(f"rewrite {LIST_SIZE} deals (one put)", time.perf_counter() - start)
        stats = store.stats()
    del deals
    gc.collect()

    size_mib = (folder / STORE_FILE).stat().st_size / 2**20
    in_use = stats["bytes"] / 2**20
    print(f"{'file size after close':<44} {size_mib:>10.1f} MiB  (while open: {in_use:.1f} MiB)")

    opens: list[float] = []
    warm: list[float] = []
    for _ in range(warm_runs):
        start = time.perf_counter()
        store = RecordStore.open(folder)
        opened = time.perf_counter() - start
        stored = store.load_list(LIST_KEY)
        assert stored is not None and store.recovered is None
        rows = store.get_many("deal", stored.ids)
        total = time.perf_counter() - start
        assert len(rows) == len(list_ids)
        store.close()
        opens.append(opened)
        warm.append(total)
    _timed("open the warm store", min(opens), f"median {statistics.median(opens) * 1000:.1f} ms")
    _timed(
        f"warm start: open + load a {LIST_SIZE}-id list",
        min(warm),
        f"median {statistics.median(warm) * 1000:.1f} ms, {warm_runs} runs",
    )
    if statistics.median(warm) > BUDGET_WARM:
        print(f"  over budget ({BUDGET_WARM * 1000:.0f} ms)")
        ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    """Print the measures; return 1 when over budget."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="deals to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5, help="warm starts to time")
    parser.add_argument("--pad", type=int, default=0, help="characters added to every deal")
    parser.add_argument("--folder", type=Path, help="keep the store here (default: a temp folder)")
    args = parser.parse_args(argv)
    if args.folder is not None:
        args.folder.mkdir(parents=True, exist_ok=True)
        if (args.folder / STORE_FILE).exists():
            parser.error(f"{args.folder / STORE_FILE} exists: give an empty folder")
        return 0 if run(args.folder, args.size, args.seed, args.runs, args.pad) else 1
    with tempfile.TemporaryDirectory(prefix="bench-store-") as temp:
        ok = run(Path(temp) / "account", args.size, args.seed, args.runs, args.pad)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
