"""Snapshots of the saved filters: the list with a filter in words, the builder, the condition
form, and the empty and error states, at 120×36 and 80×24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.screens.filters import FiltersScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _filters(*keys: str, name: str = "Big Sales deals") -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await _settle(pilot)
        screen = FiltersScreen(app.session)
        await app.push_screen(screen)
        await _settle(pilot)
        index = next(
            (i for i, f in enumerate(screen.shown) if f is not None and f.name == name), None
        )
        if index is not None:
            screen.options.highlighted = index
            await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


@SIZES
def test_filters_list_with_words(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_filters())


@SIZES
def test_filters_builder(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_filters("e"))


def test_filters_condition_form(snap_compare: Any) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_filters("e", "enter"))


@SIZES
def test_filters_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, demo = demo_app()
    demo.store.filters.clear()
    assert snap_compare(app, terminal_size=size, run_before=_filters())


@SIZES
def test_filters_error(snap_compare: Any, size: tuple[int, int]) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/v1/filters", method="GET")
    app, _ = demo_app(faults=faults)
    assert snap_compare(app, terminal_size=size, run_before=_filters())
