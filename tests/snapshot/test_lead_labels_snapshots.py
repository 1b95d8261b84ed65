"""Snapshots of the lead label manager (loaded, error), the picker and the delete question."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.screens.lead_labels import LabelPicker, LeadLabelsScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _manager(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` that opens the label manager over the overview, then presses ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await _settle(pilot)
        await app.push_screen(LeadLabelsScreen(app.session))
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


async def _picker(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    await _settle(pilot)
    labels = list((await app.session.lookups.lead_labels()).values())
    await app.push_screen(LabelPicker(labels, {labels[0].id, labels[4].id}, "Labels of the lead"))
    await _settle(pilot)
    await pilot.press("down", "down")
    await pilot.pause()


@SIZES
def test_lead_labels_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_manager("down"))


@SIZES
def test_lead_labels_error(snap_compare: Any, size: tuple[int, int]) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/leadLabels", method="GET", after=1)
    app, _ = demo_app(faults=faults)
    assert snap_compare(app, terminal_size=size, run_before=_manager())


@SIZES
def test_lead_label_picker(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_picker)


@SIZES
def test_lead_label_delete_confirm(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_manager("down", "d"))
