"""Snapshots of the leads inbox and the lead detail: loaded, archived, empty, error, forms."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.leads import LeadQuery
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.screens.lead_detail import LeadDetailScreen
from pipedrive_tui.screens.leads import LeadsScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # A table measures its new rows when its app is next idle: wait for that, or the picture
    # could be taken with the columns sized for the headers alone.
    for _ in range(50):
        tables = pilot.app.screen.query(DataTable)
        if not any(t._require_update_dimensions or t._updated_cells for t in tables):
            break
        await pilot.pause()


def _show(query: LeadQuery | None = None, *keys: str) -> Any:
    """A ``run_before`` that pushes the leads list, waits for it, then presses ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await _settle(pilot)
        await app.push_screen(LeadsScreen(app.session, query))
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


def _detail(kind: str = "", *keys: str) -> Any:
    """A ``run_before`` that opens a seen, labelled inbox lead (with notes or mail if asked)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        demo = app.demo  # type: ignore[attr-defined]
        store = demo.store
        with_notes = {n.get("lead_id") for n in store.notes if n.get("lead_id")}
        with_mail = {t.get("lead_id") for t in store.threads if t.get("lead_id")}
        wanted = {"notes": with_notes, "mail": with_mail}.get(kind)
        await _settle(pilot)
        leads = await app.session.client.list_leads(sort="add_time DESC")
        lead = next(
            x
            for x in leads.items
            if x.was_seen and x.label_ids and (wanted is None or x.id in wanted)
        )
        await app.push_screen(LeadDetailScreen(app.session, lead.id))
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


def _app(**kwargs: Any) -> PipedriveApp:
    app, demo = demo_app(**kwargs)
    app.demo = demo  # type: ignore[attr-defined]
    return app


@SIZES
def test_leads_inbox(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(None, "down", "down"))


@SIZES
def test_leads_archived(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(None, "v"))


@SIZES
def test_leads_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(LeadQuery(owner_id=987_654)))


@SIZES
def test_leads_error(snap_compare: Any, size: tuple[int, int]) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/v1/leads", method="GET")
    app, _ = demo_app(faults=faults)
    assert snap_compare(app, terminal_size=size, run_before=_show())


def test_leads_searched_by_pipedrive(snap_compare: Any) -> None:
    app, _ = demo_app()
    keys = ("slash", "s", "u", "m", "m", "i", "t", "enter")
    assert snap_compare(app, terminal_size=(120, 36), run_before=_show(None, *keys))


@SIZES
def test_lead_detail(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_detail())


@SIZES
def test_lead_detail_notes(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_detail("notes", "n"))


@SIZES
def test_lead_detail_mail(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_detail("mail", "M"))


def test_lead_detail_error(snap_compare: Any) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/v1/leads/", method="GET")
    app, _ = demo_app(faults=faults)

    async def run_before(pilot: Pilot[Any]) -> None:
        assert isinstance(pilot.app, PipedriveApp)
        await _settle(pilot)
        await pilot.app.push_screen(
            LeadDetailScreen(pilot.app.session, "0b5a4b1e-0000-4000-8000-000000000000")
        )
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@SIZES
def test_lead_value_form(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_show(None, "V"))


def test_lead_convert_picker(snap_compare: Any) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_show(None, "C"))
