"""Snapshot of the pipeline board in pipedrive-tui's own theme (cards, cursor, footer, badge)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from pipedrive_tui.config import Settings
from pipedrive_tui.screens.pipelines import PipelinesScreen
from tests.ui import demo_app


async def _board_loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, PipelinesScreen)
    assert app.theme == "pipedrive"
    # The cursor on a rotting deal in the second column: value, rot and cursor colours at once.
    await pilot.press("l")
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_board_in_the_pipedrive_theme(snap_compare: Any) -> None:
    settings = Settings.model_validate(
        {"demo": True, "start_mode": "pipelines", "theme": "pipedrive"}
    )
    app, _ = demo_app(settings=settings)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_board_loaded)
