"""The connect screen: success with and without a keyring, each failure, profiles, sign out."""

from __future__ import annotations

import stat
import tomllib
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from pipedrive_tui import credentials, locations
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings, load_settings
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.connect import ConnectScreen
from pipedrive_tui.widgets.account_bar import AccountBar
from tests.accounts import GOOD_TOKEN, OTHER_TOKEN, Companies, FakeKeyring, session_factory


def _app(
    companies: Companies | None = None, settings: Settings | None = None
) -> tuple[PipedriveApp, Companies]:
    companies = companies or Companies()
    factory = session_factory(companies)
    settings = settings or Settings.model_validate({"start_mode": "account"})
    app = PipedriveApp(factory(settings), settings, session_factory=factory)
    return app, companies


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _fill(pilot: Pilot[Any], domain: str, token: str, profile: str | None = None) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ConnectScreen)
    screen.query_one("#connect-domain", Input).value = domain
    screen.query_one("#connect-token", Input).value = token
    if profile is not None:
        screen.query_one("#connect-profile", Input).value = profile
    screen.query_one("#connect-token", Input).focus()
    await pilot.press("enter")
    await _settle(pilot)


def _error(app: PipedriveApp) -> str:
    widget = app.screen.query_one("#connect-error", Static)
    assert widget.display, "no error is shown"
    return str(widget.render())


def _config() -> dict[str, Any]:
    return tomllib.loads(locations.config_file().read_text())


def _bar(app: PipedriveApp) -> str:
    return str(app.screen.query_one(AccountBar).render())


async def test_connect_with_a_keyring_stores_the_token_there() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    app, companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert "DEMO" in _bar(app)
        await pilot.press("A")
        await _settle(pilot)
        storage = str(app.screen.query_one("#connect-storage", Static).render())
        assert "system keyring (fake keyring)" in storage
        await _fill(pilot, "https://Northwind-Demo.pipedrive.com/pipeline", GOOD_TOKEN)
        assert not isinstance(app.screen, ConnectScreen)
        await _settle(pilot)
        bar = _bar(app)
        assert "DEMO" not in bar and "Northwind Demo Ltd" in bar and "Ava Thornton" in bar
        assert not app.session.is_demo
        assert app.session.company_domain == "northwind-demo"
        assert app.screen.id != "switching" and app.current_mode == "account"
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "Connected to Northwind Demo Ltd as Ava Thornton" in notices
        assert "system keyring" in notices and GOOD_TOKEN not in notices
    assert keyring.passwords == {("pipedrive-tui", "default"): GOOD_TOKEN}
    table = _config()["profiles"]["default"]
    assert table == {"company_domain": "northwind-demo", "token_store": "keyring"}
    assert GOOD_TOKEN not in locations.config_file().read_text()
    assert "northwind-demo.pipedrive.com" in companies.hosts
    # The next start reads the token back from the keyring.
    settings = load_settings(env={})
    assert settings.secret() == GOOD_TOKEN and not settings.use_demo


async def test_connect_without_a_keyring_writes_an_owner_only_config_file() -> None:
    locations.config_dir().mkdir(parents=True)
    locations.config_file().write_text('# mine\n[pipedrive]\ntheme = "nord"  # keep me\n')
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        storage = str(app.screen.query_one("#connect-storage", Static).render())
        assert "config file" in storage and "no system keyring" in storage
        await _fill(pilot, "northwind-demo", GOOD_TOKEN)
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "config.toml" in notices
        assert not app.session.is_demo
    text = locations.config_file().read_text()
    assert "# mine" in text and "# keep me" in text
    data = _config()
    assert data["pipedrive"]["theme"] == "nord"
    assert data["profiles"]["default"]["api_token"] == GOOD_TOKEN
    assert data["profiles"]["default"]["token_store"] == "file"
    assert stat.S_IMODE(locations.config_file().stat().st_mode) == 0o600


async def test_a_keyring_that_refuses_falls_back_to_the_file() -> None:
    credentials.set_keyring_backend(FakeKeyring(refuse_writes=True))
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        await _fill(pilot, "northwind-demo", GOOD_TOKEN)
        assert not app.session.is_demo
    assert _config()["profiles"]["default"]["token_store"] == "file"


@pytest.mark.parametrize(
    ("domain", "token", "field", "words"),
    [
        ("northwind-demo", "a" * 40, "token", "refused this token (401)"),
        ("nosuch", GOOD_TOKEN, "domain", "No Pipedrive company answers at nosuch.pipedrive.com"),
        ("offline", GOOD_TOKEN, None, "Could not find offline.pipedrive.com"),
        ("noapi", GOOD_TOKEN, None, "plan does not include API access"),
        ("locked", GOOD_TOKEN, None, "refused API access for this user (403)"),
        ("strange", GOOD_TOKEN, "domain", "not like Pipedrive's API"),
        ("not a domain!", GOOD_TOKEN, "domain", "is not a company domain"),
        ("northwind-demo", "", "token", "Paste your API token"),
        ("northwind-demo", "abc def", "token", "has spaces in it"),
        ("northwind-demo", "0123456789abcdéf", "token", "not in Pipedrive's tokens"),
    ],
)
async def test_each_failure_says_what_to_fix_and_keeps_the_form(
    domain: str, token: str, field: str | None, words: str
) -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        await _fill(pilot, domain, token)
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        assert words in _error(app)
        assert token not in _error(app) or not token
        if field is not None:
            assert app.focused is screen.query_one(f"#connect-{field}", Input)
        # What was typed stays for the retry; nothing was saved; still the demo.
        assert screen.query_one("#connect-domain", Input).value == domain
        assert screen.query_one("#connect-token", Input).value == token
        assert not screen.query_one("#connect-progress").display
        assert app.session.is_demo
    assert keyring.passwords == {}
    assert not locations.config_file().exists()


async def test_a_token_of_another_company_saves_that_company() -> None:
    credentials.set_keyring_backend(FakeKeyring())
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        # Typed the demo's domain; the server (other-demo) says whose token it is.
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await _fill(pilot, "other-demo", OTHER_TOKEN)
        assert "Other Demo GmbH" in _bar(app)
    assert _config()["profiles"]["default"]["company_domain"] == "other-demo"


async def test_the_token_is_masked_until_ctrl_t() -> None:
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        await pilot.press(*"northwind-demo", "tab")
        await pilot.press(*GOOD_TOKEN)
        assert GOOD_TOKEN not in app.export_screenshot()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert GOOD_TOKEN[:30] in app.export_screenshot()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert GOOD_TOKEN[:30] not in app.export_screenshot()


async def test_escape_keeps_the_current_account() -> None:
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        session = app.session
        app.action_connect()
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert not isinstance(app.screen, ConnectScreen)
        assert app.session is session and session.is_demo


async def test_clicking_the_demo_badge_opens_the_connect_screen() -> None:
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.click(AccountBar)
        await _settle(pilot)
        assert isinstance(app.screen, ConnectScreen)


async def test_profiles_connect_switch_and_open_with_profile() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_connect()
        await _settle(pilot)
        await _fill(pilot, "northwind-demo", GOOD_TOKEN, profile="work")
        assert app.settings.profile == "work" and "Northwind" in _bar(app)
        app.action_connect()
        await _settle(pilot)
        await _fill(pilot, "other-demo", OTHER_TOKEN, profile="side")
        assert app.settings.profile == "side" and "Other Demo GmbH" in _bar(app)
        app.switch_profile("work")
        await _settle(pilot)
        assert app.settings.profile == "work" and "Northwind Demo Ltd" in _bar(app)
        assert app.session.client.ledger.calls >= 1
    assert keyring.passwords == {
        ("pipedrive-tui", "work"): GOOD_TOKEN,
        ("pipedrive-tui", "side"): OTHER_TOKEN,
    }
    assert set(_config()["profiles"]) == {"work", "side"}
    # --profile side (or PIPEDRIVE_PROFILE) opens the other company.
    assert load_settings({"profile": "side"}, env={}).company_domain == "other-demo"
    assert load_settings(env={"PIPEDRIVE_PROFILE": "work"}).secret() == GOOD_TOKEN


async def test_a_profile_with_no_token_opens_the_connect_screen() -> None:
    settings = Settings.model_validate({"profile": "work", "start_mode": "account"})
    app, _companies = _app(settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        assert screen.query_one("#connect-profile", Input).value == "work"
        assert "Profile “work” has no usable token yet" in str(
            screen.query_one("#connect-reason", Static).render()
        )


async def test_environment_token_wins_over_the_stored_one(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    credentials.save_account("default", company_domain="northwind-demo", token=GOOD_TOKEN)
    env = {"PIPEDRIVE_API_TOKEN": OTHER_TOKEN, "PIPEDRIVE_COMPANY_DOMAIN": "other-demo"}
    settings = load_settings(env=env)
    assert settings.secret() == OTHER_TOKEN and settings.company_domain == "other-demo"
    # Sign out cannot remove a token that comes from the environment, and says so.
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", OTHER_TOKEN)
    app, _companies = _app(settings=settings.model_copy(update={"start_mode": "account"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert "Other Demo GmbH" in _bar(app)
        app.action_sign_out()
        await _settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "comes from PIPEDRIVE_API_TOKEN" in notices
        assert not app.session.is_demo
    assert keyring.passwords == {("pipedrive-tui", "default"): GOOD_TOKEN}


async def test_sign_out_forgets_the_token_and_shows_the_demo() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    credentials.save_account("default", company_domain="northwind-demo", token=GOOD_TOKEN)
    settings = load_settings({"start_mode": "account"}, env={})
    app, _companies = _app(settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert "Northwind Demo Ltd" in _bar(app)
        app.action_sign_out()
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _settle(pilot)
        assert app.session.is_demo and "DEMO" in _bar(app)
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "Signed out of profile “default”" in notices and "system keyring" in notices
        # Connecting again only asks for the token: the domain is kept.
        app.action_connect()
        await _settle(pilot)
        assert app.screen.query_one("#connect-domain", Input).value == "northwind-demo"
        assert app.focused is app.screen.query_one("#connect-token", Input)
    assert keyring.passwords == {}
    assert _config()["profiles"]["default"] == {"company_domain": "northwind-demo"}
    assert load_settings(env={}).use_demo


async def test_the_palette_offers_connect_profiles_and_sign_out() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    credentials.save_account("work", company_domain="northwind-demo", token=GOOD_TOKEN)
    credentials.save_account("side", company_domain="other-demo", token=OTHER_TOKEN)
    settings = load_settings({"profile": "work", "start_mode": "account"}, env={})
    app, _companies = _app(settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"switch profile")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert app.settings.profile == "side" and "Other Demo GmbH" in _bar(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"sign out")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_account_overview_names_the_profile_and_offers_c_and_x() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    app, _companies = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert "The demo account. c connects yours" in str(
            app.screen.query_one("#overview-account", Static).render()
        )
        stages = app.screen.query_one("#overview-stages", DataTable)
        await pilot.press("j", "j")
        assert stages.cursor_row == 2
        await pilot.press("G")
        assert stages.cursor_row == stages.row_count - 1
        await pilot.press("c")
        await _settle(pilot)
        await _fill(pilot, "northwind-demo", GOOD_TOKEN)
        line = str(app.screen.query_one("#overview-account", Static).render())
        assert "northwind-demo.pipedrive.com" in line
        assert "profile “default” · token in the system keyring" in line
        await pilot.press("x")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await _settle(pilot)
        assert not app.session.is_demo and keyring.passwords
