"""Snapshots of the connect screen: empty, a refused token, 80x24, and the account it opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pipedrive_tui import credentials, locations
from tests.accounts import GOOD_TOKEN
from tests.ui import FIXED_NOW, demo_app


@pytest.fixture(autouse=True)
def _fixed_paths() -> None:
    # The storage line names the config file: the same path on every machine.
    locations.set_root(Path("/home/ann/.pipedrive-tui"))


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _open(pilot: Pilot[Any]) -> None:
    await _settle(pilot)
    await pilot.press("A")
    await _settle(pilot)


async def _fill(pilot: Pilot[Any], domain: str, token: str) -> None:
    await _open(pilot)
    screen = pilot.app.screen
    screen.query_one("#connect-domain", Input).value = domain
    screen.query_one("#connect-token", Input).value = token
    screen.query_one("#connect-token", Input).focus()
    await pilot.press("enter")
    await _settle(pilot)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_connect_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_open)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_connect_refused_token(snap_compare: Any, size: tuple[int, int]) -> None:
    app, _ = demo_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await _fill(pilot, "northwind-demo", "b" * 40)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_connect_no_network(snap_compare: Any) -> None:
    app, _ = demo_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await _fill(pilot, "offline", GOOD_TOKEN)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_connected_account_overview(snap_compare: Any, tmp_path: Path) -> None:
    locations.set_root(tmp_path / "home")
    app, _ = demo_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        from tests.accounts import FakeKeyring

        credentials.set_keyring_backend(FakeKeyring())
        await _fill(pilot, "northwind-demo", GOOD_TOKEN)
        pilot.app.clear_notifications()
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_connect_after_the_token_was_revoked(snap_compare: Any, size: tuple[int, int]) -> None:
    from pipedrive_tui.app import PipedriveApp
    from pipedrive_tui.config import Settings
    from tests.accounts import Companies, session_factory

    credentials.set_keyring_backend(None)
    companies = Companies()
    factory = session_factory(companies)
    settings = Settings.model_validate(
        {"company_domain": "northwind-demo", "api_token": GOOD_TOKEN, "start_mode": "deals"}
    )
    app = PipedriveApp(
        factory(settings), settings, session_factory=factory, clock=lambda: FIXED_NOW
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        companies.demo.faults.revoke_token()
        await pilot.press("r")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
