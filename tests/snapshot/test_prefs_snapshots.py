"""Snapshot of the deals list with the columns a config file names (``deals_columns``)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.screens.deals import DealsScreen
from tests.ui import demo_app


async def _show_deals(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await app.workers.wait_for_complete()
    await app.push_screen(DealsScreen(app.session))
    for _ in range(2):  # the pages, then the names they asked for
        await app.workers.wait_for_complete()
        await pilot.pause()


def test_deals_with_configured_columns(snap_compare: Any) -> None:
    """Title, then Organization, Seats (a custom field) and Value, in the order given."""
    settings = Settings.model_validate(
        {"demo": True, "start_mode": "account", "deals_columns": ["organization", "Seats", "Value"]}
    )
    app, _ = demo_app(settings=settings)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_show_deals)
