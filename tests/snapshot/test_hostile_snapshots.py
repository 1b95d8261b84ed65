"""Snapshots of hostile data (demo/hostile.py): the board's cards, a deal's detail, a mail thread.

Markup must show as its own characters, escape sequences leave only their readable text, wide
and combining characters keep the columns in place, and empty titles show a placeholder.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.hostile import HostileDemo, HostileIds, plant_hostile
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from tests.ui import demo_app

SIZE = (120, 36)


@functools.cache
def _hostile() -> tuple[DemoAccount, HostileIds]:
    account = generate(7, 40)
    return account, plant_hostile(account)


def _app() -> tuple[PipedriveApp, HostileIds]:
    account, ids = _hostile()
    app, _ = demo_app(demo=HostileDemo(account, clock=lambda: 0.0))
    return app, ids


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _open(make: Callable[[PipedriveApp], Screen[Any]]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await _settle(pilot)
        await app.push_screen(make(app))
        await _settle(pilot)

    return run_before


def test_hostile_board(snap_compare: Any) -> None:
    """The hostile pipeline: markup, escapes, controls, bidi, CJK and emoji, long and empty
    titles on cards of one size."""
    app, ids = _app()
    before = _open(lambda app: PipelinesScreen(app.session, ids.pipeline_id))
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_hostile_deal_detail(snap_compare: Any) -> None:
    """The deal with hostile custom fields, person, organization, owner and stage names."""
    app, ids = _app()
    before = _open(lambda app: DealDetailScreen(app.session, ids.fields_deal))
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_hostile_mail_thread(snap_compare: Any) -> None:
    """The hostile thread: subject, parties and an HTML body with markup, escapes and links."""
    app, ids = _app()
    before = _open(lambda app: MailThreadScreen(app.session, ids.thread_id))
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
