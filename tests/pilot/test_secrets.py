"""The token never leaks from a real (non-demo) session: not on disk, screen, logs or URLs.

A random, distinctive token is connected through the connect screen, every section is visited
and a few faults are met; then everything the app wrote (every file under the test's home, read
as bytes, while the record store is open and after the app has closed) and everything it showed
or logged (SVG screenshots, the text of each screen, notifications, log records at DEBUG, the
workers' descriptions, every URL sent) is searched for the token and for pieces of it. The
token may be in one place only: the 0600 ``config.toml`` when there is no keyring.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from pipedrive_tui import credentials, locations
from pipedrive_tui.api.transport import company_base_url
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings, load_settings
from pipedrive_tui.data.cache import DiskCache, account_key
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.store import STORE_FILE, RecordStore
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.connect import ConnectScreen
from tests.accounts import FakeKeyring, fast_client
from tests.ui import FIXED_NOW

#: A token like no other string: finding it, or any piece of it, anywhere means a leak.
TOKEN = "tok_" + secrets.token_hex(18)
#: A wrong token typed first: it must not leak either.
WRONG = "tok_" + secrets.token_hex(18)
DOMAIN = "northwind-demo"
HOST = f"{DOMAIN}.pipedrive.com"
SIZE = (120, 36)
#: The sections, by key: board, deals, leads, mail, filters, then the account overview.
SECTIONS = {
    "1": "pipelines",
    "2": "deals",
    "3": "leads",
    "4": "mail",
    "5": "filters",
    "0": "account",
}


def pieces(token: str) -> list[str]:
    """The token and three 12-character pieces of its random part (a leak may cut it)."""
    return [token, token[4:16], token[16:28], token[-12:]]


def leaks(text: str | bytes, *tokens: str) -> list[str]:
    """The pieces of ``tokens`` (default: both) found in ``text``."""
    found = []
    for token in tokens or (TOKEN, WRONG):
        for piece in pieces(token):
            needle: str | bytes = piece.encode() if isinstance(text, bytes) else piece
            if needle in text:  # type: ignore[operator]
                found.append(piece)
    return found


class Company(httpx.AsyncBaseTransport):
    """``northwind-demo.pipedrive.com`` (answers only to TOKEN); records every URL it is sent."""

    def __init__(self, account: DemoAccount) -> None:
        self.demo = DemoPipedrive(account, token=TOKEN, clock=lambda: 0.0)
        #: Every URL asked for, in full (query string included).
        self.urls: list[str] = []
        #: The x-api-token header of each request (None: none sent).
        self.headers: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        self.headers.append(request.headers.get("x-api-token"))
        if request.url.host != HOST:
            raise httpx.ConnectError("Name or service not known", request=request)
        return await self.demo.handle_async(request)


class Factory:
    """The command line's ``build_session`` (disk cache and record store included), with the
    transport swapped; notes what the app's workers are called while a session is built."""

    def __init__(self, company: Company, account: DemoAccount) -> None:
        self.company = company
        self.account = account
        self.app: PipedriveApp | None = None
        #: The description of every worker running when a session was built.
        self.workers: list[str] = []

    def __call__(self, settings: Settings) -> AccountSession:
        if self.app is not None:
            self.workers += [f"{w!r} {w.description}" for w in self.app.workers]
        if settings.use_demo:
            demo = DemoPipedrive(self.account, token="demo", clock=lambda: 0.0)
            client = fast_client("https://demo.pipedrive-tui.invalid", "demo", demo.transport())
            return AccountSession(client, Lookups(client), is_demo=True)
        token = settings.secret() or ""
        base_url = company_base_url(settings.company_domain or "")
        client = fast_client(base_url, token, self.company)
        key = account_key(base_url, token)
        lookups = Lookups(client, DiskCache(locations.cache_dir(), key))
        store = RecordStore.for_account(key)
        return AccountSession(client, lookups, company_domain=settings.company_domain, store=store)


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    """A small demo company (never changed: the handler copies on write)."""
    return generate(7, 60)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """A common umask (022), under which a folder made without a mode is readable by all."""
    old = os.umask(0o022)
    yield
    os.umask(old)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: PipedriveApp) -> str:
    """What the terminal shows, as plain text (the screen and the ones under it)."""
    console = Console(
        width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
        force_terminal=True, color_system="truecolor", legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


class Seen:
    """Everything the app showed: screenshots, screen texts, notifications."""

    def __init__(self) -> None:
        self.shots: list[tuple[str, str]] = []

    def take(self, app: PipedriveApp, label: str) -> str:
        """Keep an SVG screenshot and the screen's text; return the text."""
        text = screen_text(app)
        self.shots.append((f"{label} (svg)", app.export_screenshot()))
        self.shots.append((f"{label} (text)", text))
        return text

    def assert_clean(self, app: PipedriveApp) -> None:
        """Neither token in any screenshot, screen text or notification."""
        for label, shot in self.shots:
            assert not leaks(shot), f"the token shows in {label}"
        for note in app._notifications:
            assert not leaks(f"{note.title} {note.message}"), f"leak in notice {note.message!r}"


def files_under(root: Path) -> dict[Path, bytes]:
    """Every regular file under ``root`` and its bytes."""
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[path] = path.read_bytes()
    return found


def assert_private(root: Path) -> None:
    """The app's folders are 0700 and its files 0600, all of them."""
    for base in (locations.config_dir(), locations.cache_dir(), locations.state_dir()):
        if not base.exists():
            continue
        for folder, _dirs, names in os.walk(base):
            mode = stat.S_IMODE(os.stat(folder).st_mode)
            assert mode == 0o700, f"{Path(folder).relative_to(root)} is {mode:o}, not 700"
            for name in names:
                mode = stat.S_IMODE(os.stat(Path(folder, name)).st_mode)
                assert mode == 0o600, f"{Path(folder, name).relative_to(root)} is {mode:o}"


def assert_log_clean(caplog: pytest.LogCaptureFixture) -> None:
    """No log record at any level, of any logger, holds a piece of either token."""
    assert not leaks(caplog.text), "the token is in the log"
    for record in caplog.records:
        text = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        assert not leaks(text), f"the token is in a log record of {record.name}"


def assert_urls_clean(company: Company) -> None:
    """No URL carried the token; every request to the company carried it in its header."""
    assert company.urls, "no request was made"
    for url in company.urls:
        assert not leaks(url), f"the token is in the URL {url}"
        assert "api_token" not in url
    for record in company.demo.requests:
        assert "api_token" not in record.params
        assert not leaks(f"{record.path} {record.params} {record.body}")
    assert TOKEN in company.headers  # the header was the only way it travelled


async def connect(pilot: Pilot[Any], seen: Seen) -> None:
    """Open the connect screen, try a wrong token, look at the masked and shown token, connect."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await pilot.press("A")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ConnectScreen)
    token_input = screen.query_one("#connect-token", Input)
    assert token_input.password
    screen.query_one("#connect-domain", Input).value = DOMAIN
    token_input.value = WRONG
    token_input.focus()
    await pilot.press("enter")
    await settle(pilot)
    error = screen.query_one("#connect-error", Static)
    assert error.display and "refused this token (401)" in str(error.render())
    seen.take(app, "connect: wrong token refused")
    token_input.value = TOKEN
    await pilot.pause()
    text = seen.take(app, "connect: token typed, masked")
    assert "•" * 20 in text
    # ctrl+t shows the token while asked (the one place it may be on screen), then hides it.
    await pilot.press("ctrl+t")
    await pilot.pause()
    assert not token_input.password
    shown = screen_text(app)
    assert TOKEN[4:16] in shown and TOKEN[4:16] in app.export_screenshot()
    await pilot.press("ctrl+t")
    await pilot.pause()
    assert token_input.password
    seen.take(app, "connect: token masked again")
    await pilot.press("enter")
    await settle(pilot)
    assert not isinstance(app.screen, ConnectScreen)
    assert not app.session.is_demo and app.session.company_domain == DOMAIN


async def tour(pilot: Pilot[Any], seen: Seen) -> None:
    """Every section in turn, each fully loaded, then the overview."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    for key, mode in SECTIONS.items():
        await pilot.press(key)
        await settle(pilot)
        assert app.current_mode == mode
        text = seen.take(app, f"section {key} ({mode})")
        assert "DEMO" not in text
    assert "Northwind Demo Ltd" in screen_text(app)


async def faults(pilot: Pilot[Any], company: Company, seen: Seen) -> None:
    """A server error, a timeout, then the token revoked: each is told, none shows the token."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    plans = {
        "500": FaultPlan().server_error(500, count=None),
        "timeout": FaultPlan().timeout(count=None),
        "401": FaultPlan().revoke_token(),
    }
    for name, plan in plans.items():
        before = len(company.demo.requests)
        company.demo.faults = plan
        await pilot.press("r")
        await settle(pilot)
        assert plan.log, f"the {name} fault was never met"
        assert len(company.demo.requests) > before
        seen.take(app, f"fault {name}")
        if isinstance(app.screen, ConnectScreen):  # a refused token asks for a new one
            assert app.screen.query_one("#connect-token", Input).password
            await pilot.press("escape")
            await settle(pilot)
        company.demo.faults = FaultPlan()
    notices = " ".join(str(n.message) for n in app._notifications)
    assert "500" in notices or "server error" in notices
    assert "401" in notices or "token" in notices.lower()


def _demo_company_app(account: DemoAccount) -> tuple[Company, Factory, PipedriveApp]:
    """The app on the demo account, ready to connect to the fake company serving it."""
    company = Company(account)
    factory = Factory(company, account)
    settings = Settings.model_validate({"start_mode": "account"})
    app = PipedriveApp(
        factory(settings), settings, session_factory=factory, clock=lambda: FIXED_NOW
    )
    factory.app = app
    return company, factory, app


async def test_keyring_session_writes_shows_and_logs_no_token(
    account: DemoAccount, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    company, factory, app = _demo_company_app(account)
    seen = Seen()
    home = tmp_path / "home"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await connect(pilot, seen)
        await tour(pilot, seen)
        await faults(pilot, company, seen)
        app.theme = "textual-light"  # as the palette's "Theme" does: the state file is written
        await pilot.pause()
        assert locations.state_file().exists()
        # While the app runs, the record store is open (its -wal file too).
        files = files_under(home)
        store = app.session.store
        assert store is not None and store.path is not None and store.path.exists()
        assert any(path.name.startswith(STORE_FILE + "-") for path in files)
        for path, content in files.items():
            assert not leaks(content), f"the token is in {path.relative_to(home)}"
    seen.assert_clean(app)
    assert_log_clean(caplog)
    assert any(r.name == "pipedrive_tui.api" for r in caplog.records), "nothing was logged"
    assert_urls_clean(company)
    assert factory.workers and not leaks(" ".join(factory.workers)), "a worker names the token"
    # The keyring holds the token; no file does, not even the config file.
    assert keyring.passwords == {("pipedrive-tui", "default"): TOKEN}
    files = files_under(home)
    names = {path.name for path in files}
    assert {"config.toml", STORE_FILE, "state.json"}.issubset(names)
    assert any(path.parent.parent == locations.cache_dir() for path in files)  # lookups cached
    for path, content in files.items():
        assert not leaks(content), f"the token is in {path.relative_to(home)}"
    assert_private(home)
    assert load_settings(env={}).secret() == TOKEN  # the next start finds it in the keyring


async def test_file_session_keeps_the_token_in_the_private_config_file_only(
    account: DemoAccount, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    company, _factory, app = _demo_company_app(account)
    seen = Seen()
    home = tmp_path / "home"
    config = locations.config_file()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await connect(pilot, seen)
        for key in ("3", "0"):
            await pilot.press(key)
            await settle(pilot)
            seen.take(app, f"section {key}")
        files = files_under(home)
        holding = sorted(path.relative_to(home) for path, data in files.items() if leaks(data))
        assert holding == [config.relative_to(home)]
        assert TOKEN.encode() in files[config]
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
        # Sign out removes it from the file; nothing else ever had it.
        app.action_sign_out()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        seen.take(app, "sign out question")
        await pilot.press("y")
        await settle(pilot)
        assert app.session.is_demo
        seen.take(app, "signed out")
    seen.assert_clean(app)
    assert_log_clean(caplog)
    assert_urls_clean(company)
    notices = " ".join(str(n.message) for n in app._notifications)
    assert "the token was removed from" in notices and "config.toml" in notices
    for path, content in files_under(home).items():
        assert not leaks(content), f"the token is still in {path.relative_to(home)}"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    assert_private(home)
