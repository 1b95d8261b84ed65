"""Pilot tests of the app shell and the account overview on the demo account."""

from __future__ import annotations

import threading

from textual.widgets import DataTable, Static

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.screens.boot import BootScreen
from pipedrive_tui.screens.overview import OverviewScreen
from pipedrive_tui.widgets.account_bar import AccountBar
from pipedrive_tui.widgets.status_line import StatusLine
from tests.ui import demo_app, empty_account


def _pipelines_calls(demo) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in demo.requests if r.path.endswith("/pipelines"))


async def test_demo_badge_and_overview_load() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.query_one(AccountBar)
        assert bar.is_demo
        assert "DEMO" in str(bar.render())
        table = app.screen.query_one("#overview-stages", DataTable)
        assert table.row_count == len(generate(7, 200).stages) == 15
        line = str(app.screen.query_one(StatusLine).render())
        assert "updated 09:30:00" in line
        assert "calls this session" in line
    assert _pipelines_calls(demo) == 1


async def test_refresh_refetches() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await app.workers.wait_for_complete()
    assert _pipelines_calls(demo) == 2


async def test_error_is_shown_and_r_retries() -> None:
    faults = FaultPlan().server_error(503, count=1, path="/api/v2/pipelines")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = app.screen.query_one("#overview-message", Static)
        assert message.display
        assert "server error (503)" in str(message.render())
        assert "Press r to try again" in str(message.render())
        assert not app.screen.query_one("#overview-stages", DataTable).display
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not message.display
        assert app.screen.query_one("#overview-stages", DataTable).row_count >= 12
    assert app.return_code in (None, 0)


async def test_empty_account() -> None:
    app, _ = demo_app(account=empty_account())
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = app.screen.query_one("#overview-message", Static)
        assert "no pipelines yet" in str(message.render())


async def test_read_only_badge() -> None:
    app, _ = demo_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "READ-ONLY" in str(app.screen.query_one(AccountBar).render())


async def test_help_toggles_and_q_quits() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_boot_paints_first_then_opens_the_account() -> None:
    ready, _ = demo_app()
    release = threading.Event()

    def boot():  # type: ignore[no-untyped-def]
        release.wait(timeout=10)
        return ready.session, ready.settings

    app = PipedriveApp(boot=boot, demo_hint=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BootScreen)  # painted before the session exists
        assert app.screen.query_one(AccountBar).is_demo
        assert "Opening the demo account" in str(app.screen.query_one("#boot-message").render())
        release.set()
        for _ in range(10):  # the boot thread, then the mode switch, then the screen's workers
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, OverviewScreen):
                break
        assert app.current_mode == "account"
        assert isinstance(app.screen, OverviewScreen)


async def test_boot_failure_exits_with_status_2() -> None:
    from pipedrive_tui.config import ConfigError

    def boot():  # type: ignore[no-untyped-def]
        raise ConfigError("Invalid settings (config.toml): demo_size: bad")

    app = PipedriveApp(boot=boot, demo_hint=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.boot_error == "Invalid settings (config.toml): demo_size: bad"
