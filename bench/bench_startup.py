"""Start-up to the first painted frame: pipedrive-tui on the demo board vs a bare Textual app.

Both run side by side in the same run, each in a pseudo-terminal of 120x36, alternating, several
times; the time is from spawning the process to the moment its output holds a marker that only
the first frame draws (the bare app's title; the demo's DEMO badge, drawn with the board's chrome
before the account is opened). Prints medians and the ratio, then the time until the board's
stage columns are drawn from the demo account's data.

    python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header

class Bare(App):
    TITLE = "bare-marker"
    def compose(self):
        yield Header()
        yield Footer()

Bare().run()
"""


def time_to_marker(
    argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 30.0
) -> float:
    """Seconds from spawn until ``marker`` appears in the program's terminal output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    elapsed = float("nan")
    try:
        deadline = start + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in seen:
                    elapsed = time.perf_counter() - start
                    break
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--demo-size", type=int, default=1000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="pdtui-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPEDRIVE_")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", PIPEDRIVE_TUI_HOME=str(home))
    bare_file = home / "bare.py"
    bare_file.write_text(BARE_APP)
    bare = [sys.executable, str(bare_file)]
    ours = [sys.executable, "-m", "pipedrive_tui", "--demo", "--demo-size", str(args.demo_size)]
    bare_times: list[float] = []
    our_times: list[float] = []
    board_times: list[float] = []
    time_to_marker(bare, b"bare-marker", env)  # warm the file cache once
    time_to_marker(ours, b"DEMO", env)
    for _ in range(args.runs):
        bare_times.append(time_to_marker(bare, b"bare-marker", env))
        our_times.append(time_to_marker(ours, b"DEMO", env))
        # the first stage column of the demo's first pipeline, with its deals counted
        board_times.append(time_to_marker(ours, b"Qualified", env))
    b, o = statistics.median(bare_times), statistics.median(our_times)
    print(f"runs: {args.runs} each, 120x36 pty, demo size {args.demo_size:,}")
    print(
        f"bare Textual app (Header + Footer): median {b * 1000:.0f} ms "
        f"(min {min(bare_times) * 1000:.0f}, max {max(bare_times) * 1000:.0f})"
    )
    print(
        f"pipedrive-tui demo board:          median {o * 1000:.0f} ms "
        f"(min {min(our_times) * 1000:.0f}, max {max(our_times) * 1000:.0f})"
    )
    print(f"ratio: {o / b:.2f} (target: at most 1.20)")
    q = statistics.median(board_times)
    print(
        f"pipedrive-tui board with its stage columns drawn (demo data in): median {q * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
