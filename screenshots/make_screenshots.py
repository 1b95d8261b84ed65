"""Regenerate the SVG screenshots in this folder from the demo account.

    python screenshots/make_screenshots.py

Each view is opened with the keyboard as a user would, on the demo account (seed 7) with a fixed
clock, and saved with Textual's own screenshot function. Never edit the SVGs by hand.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402

from pipedrive_tui.commands import SEARCH_DEBOUNCE  # noqa: E402
from tests.ui import demo_app  # noqa: E402

Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and the screen is drawn."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    """Press keys, settling after each."""
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def palette(pilot: Pilot[Any], query: str) -> None:
    """Open the command palette and type ``query``, then wait for Pipedrive's search to answer.

    The palette searches after a pause in the typing (``SEARCH_DEBOUNCE``), so this waits a
    little longer than that, in real time.
    """
    await keys(pilot, "ctrl+p")
    await pilot.press(*query)
    for _ in range(4):
        await pilot.pause(SEARCH_DEBOUNCE)
        await settle(pilot)


VIEWS: dict[str, tuple[tuple[int, int], str, Steps]] = {
    "board": ((120, 36), "pipelines", settle),
    "board-80x24": ((80, 24), "pipelines", settle),
    "deals-list": ((120, 36), "deals", settle),
    "deals-list-80x24": ((80, 24), "deals", settle),
    "deal-detail": ((120, 36), "pipelines", lambda p: keys(p, "enter")),
    "deal-detail-80x24": ((80, 24), "pipelines", lambda p: keys(p, "enter")),
    "lost-reason": ((120, 36), "pipelines", lambda p: keys(p, "x")),
    "leads": ((120, 36), "leads", lambda p: keys(p, "down", "down")),
    "leads-80x24": ((80, 24), "leads", settle),
    "lead-detail": ((120, 36), "leads", lambda p: keys(p, "down", "enter")),
    "lead-label-picker": ((120, 36), "leads", lambda p: keys(p, "down", "l")),
    "lead-labels": ((120, 36), "leads", lambda p: keys(p, "L")),
    "mail": ((120, 36), "mail", lambda p: keys(p, "down")),
    "mail-80x24": ((80, 24), "mail", settle),
    "mail-thread": ((120, 36), "mail", lambda p: keys(p, "down", "down", "down", "down", "enter")),
    "filters": ((120, 36), "filters", lambda p: keys(p, "down")),
    "filters-80x24": ((80, 24), "filters", settle),
    "filter-builder": ((120, 36), "filters", lambda p: keys(p, "down", "e")),
    "account-overview": ((120, 36), "account", settle),
    "help": ((120, 36), "pipelines", lambda p: keys(p, "question_mark")),
    "palette": ((120, 36), "pipelines", lambda p: palette(p, "acme lab")),
    "connect": ((120, 36), "pipelines", lambda p: keys(p, "A", *"acme", "tab", *"0123456789ab")),
    "connect-80x24": ((80, 24), "pipelines", lambda p: keys(p, "A", *"acme", "tab", *"01234")),
}


async def shoot(name: str, size: tuple[int, int], mode: str, steps: Steps) -> Path:
    """Open one view and save its SVG."""
    app, _ = demo_app(size=1000, start_mode=mode)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        path = app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    return Path(path)


async def main() -> None:
    """Write every view's screenshot."""
    for name, (size, mode, steps) in VIEWS.items():
        path = await shoot(name, size, mode, steps)
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    asyncio.run(main())
