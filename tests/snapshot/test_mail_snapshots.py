"""Snapshots of the mailbox and the thread view: each folder, a thread, empty, error, picker."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from tests.ui import demo_app

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _folder(folder: str, *keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await _settle(pilot)
        await app.push_screen(MailScreen(app.session, folder))
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


def _thread(demo: DemoPipedrive) -> Any:
    """Open a read thread holding an HTML message and a plain-text one, with quoted history."""
    messages = demo.account.mail_messages
    html = {m["mail_thread_id"] for m in messages if "<p>" in (m.get("body") or "")}
    plain = {m["mail_thread_id"] for m in messages if "<" not in (m.get("body") or "x<")}
    wanted = sorted(
        t["id"] for t in demo.store.threads if t["id"] in html & plain and t.get("read_flag")
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PipedriveApp)
        await _settle(pilot)
        await app.push_screen(MailThreadScreen(app.session, wanted[0]))
        await _settle(pilot)

    return run_before


@pytest.mark.parametrize("folder", ["inbox", "drafts", "sent", "archive"])
@SIZES
def test_mail_folder(snap_compare: Any, size: tuple[int, int], folder: str) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_folder(folder, "down"))


@SIZES
def test_mail_thread(snap_compare: Any, size: tuple[int, int]) -> None:
    app, demo = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=_thread(demo))


@SIZES
def test_mail_folder_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app, demo = demo_app()
    for thread in list(demo.store.threads):
        if "drafts" in (thread.get("folders") or []):
            demo.store.threads.put({**thread, "folders": ["sent"]})
    assert snap_compare(app, terminal_size=size, run_before=_folder("drafts"))


@SIZES
def test_mail_folder_error(snap_compare: Any, size: tuple[int, int]) -> None:
    faults = FaultPlan().server_error(503, count=None, path="/v1/mailbox/mailThreads", method="GET")
    app, _ = demo_app(faults=faults)
    assert snap_compare(app, terminal_size=size, run_before=_folder("inbox"))


def test_mail_link_picker(snap_compare: Any) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_folder("inbox", "l"))
