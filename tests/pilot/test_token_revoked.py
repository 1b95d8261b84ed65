"""A token revoked mid-session: the connect screen opens over the view, which survives."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from pipedrive_tui import credentials
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.screens.connect import ConnectScreen
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.widgets.status_line import StatusLine
from tests.accounts import GOOD_TOKEN, Companies, FakeKeyring, session_factory

NEW_TOKEN = "99999999aaaaaaaabbbbbbbbccccccccdddddddd"


def _app() -> tuple[PipedriveApp, Companies]:
    companies = Companies()
    factory = session_factory(companies)
    settings = Settings.model_validate(
        {"company_domain": "northwind-demo", "api_token": GOOD_TOKEN, "start_mode": "deals"}
    )
    return PipedriveApp(factory(settings), settings, session_factory=factory), companies


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _status(screen: Any) -> str:
    return str(screen.query_one(StatusLine).render())


def _notices(app: PipedriveApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def _revoke_on_reload(pilot: Pilot[Any], companies: Companies) -> DealsScreen:
    """Open the deals list, move to its 4th row, then revoke the token and press r."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await _settle(pilot)
    deals = app.screen
    assert isinstance(deals, DealsScreen)
    for _ in range(3):
        await pilot.press("j")
    companies.demo.faults.revoke_token()
    await pilot.press("r")
    await _settle(pilot)
    return deals


async def test_a_revoked_token_asks_for_a_new_one_and_keeps_the_view() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    app, companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        deals = await _revoke_on_reload(pilot, companies)
        chosen = deals.triage_deal()
        assert chosen is not None and deals.table.cursor_row == 3
        # The connect screen is over the list, says why, and has the domain filled in.
        connect = app.screen
        assert isinstance(connect, ConnectScreen)
        assert app.screen_stack[-2] is deals
        reason = str(connect.query_one("#connect-reason", Static).render())
        assert "no longer accepts the token" in reason and "(401)" in reason
        assert connect.query_one("#connect-domain", Input).value == "northwind-demo"
        assert "TOKEN REFUSED" in _status(deals)
        # The 401 was asked once: no storm of retries behind the dialog.
        refused = [r for r in companies.demo.requests if r.status == 401]
        assert len(refused) == 1
        # Pipedrive now knows only the regenerated token; the user pastes it.
        companies.demo.faults.clear()
        companies.demo._token = NEW_TOKEN
        before = len(companies.demo.requests)
        connect.query_one("#connect-token", Input).value = NEW_TOKEN
        connect.query_one("#connect-token", Input).focus()
        await pilot.press("enter")
        await _settle(pilot)
        # The same list object is back, on the same deal, reloaded with the new token.
        assert app.screen is deals
        assert app.current_mode == "deals"
        assert deals.triage_deal() is not None and deals.triage_deal().id == chosen.id
        answered = companies.demo.requests[before:]
        assert any("/api/v2/deals" in r.path for r in answered)
        assert all(r.status == 200 for r in answered)
        assert "TOKEN REFUSED" not in _status(deals)
        assert not app.session.client.rate_limit.token_refused
        assert "Reconnected as Ava Thornton" in _notices(app)
        assert NEW_TOKEN not in _notices(app)
    assert keyring.passwords == {("pipedrive-tui", "default"): NEW_TOKEN}


async def test_escape_keeps_the_view_and_a_later_a_reconnects_in_place() -> None:
    credentials.set_keyring_backend(FakeKeyring())
    app, companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        deals = await _revoke_on_reload(pilot, companies)
        assert isinstance(app.screen, ConnectScreen)
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is deals
        assert "Press A to paste a new one" in _notices(app)
        assert "TOKEN REFUSED: press A to reconnect" in _status(deals)
        # Pressing r again gets another 401 but does not open the dialog by itself again.
        await pilot.press("r")
        await _settle(pilot)
        assert app.screen is deals
        # A opens it, and a good token reconnects in place (no switch of sections).
        companies.demo.faults.clear()
        await pilot.press("A")
        await _settle(pilot)
        connect = app.screen
        assert isinstance(connect, ConnectScreen)
        connect.query_one("#connect-token", Input).value = GOOD_TOKEN
        connect.query_one("#connect-token", Input).focus()
        await pilot.press("enter")
        await _settle(pilot)
        assert app.screen is deals
        assert "TOKEN REFUSED" not in _status(deals)
