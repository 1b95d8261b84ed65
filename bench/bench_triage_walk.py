"""Benchmark the leads, mail and filters screens: time to first rows, requests and tokens.

Run from the repository root::

    .venv/bin/python bench/bench_triage_walk.py                # demo of 1,000 deals
    .venv/bin/python bench/bench_triage_walk.py --size 10000

The app runs headless (``run_test``, 120×36) on the in-process demo, whose ledger counts the
requests and tokens (each operation's ``x-token-cost``). Printed, never asserted, for each step
of a triage walk: wall time (pilot waits included) and the requests and tokens it spent:

* open the leads inbox (first rows), open a lead, toggle a label, convert it into a deal;
* open the mailbox (first rows), open a thread (messages, bodies), link it to a deal;
* open the saved filters (list + words), apply a deals filter;

then the time to turn a 1 MB HTML mail body and a 1 MB plain-text body into text (the
thread view does it in a worker thread, so the screen never waits on it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.fields.mail_body import render_body
from pipedrive_tui.screens.filters import FiltersScreen
from pipedrive_tui.screens.lead_labels import LabelPicker
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.link_picker import LinkChoice, LinkPicker
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from tests.ui import demo_app


async def settle(pilot: Any) -> None:
    """Wait for every worker and a refresh, twice (names follow pages)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Any, check: Callable[[], bool], limit: float = 10.0) -> None:
    """Pause until ``check()`` holds (or ``limit`` seconds passed)."""
    start = time.perf_counter()
    while not check() and time.perf_counter() - start < limit:
        await pilot.pause(0.005)


class Ledger:
    """Requests and tokens the demo served, between two marks."""

    def __init__(self, demo: DemoPipedrive) -> None:
        self.demo = demo
        self.calls = self.tokens = 0

    def mark(self) -> tuple[int, int]:
        calls = len(self.demo.requests)
        tokens = sum(entry.tokens for entry in self.demo.ledger.values())
        spent = (calls - self.calls, tokens - self.tokens)
        self.calls, self.tokens = calls, tokens
        return spent


async def step(ledger: Ledger, name: str, action: Callable[[], Awaitable[None]]) -> None:
    """Run one step of the walk and print its time, requests and tokens."""
    ledger.mark()
    start = time.perf_counter()
    await action()
    took = time.perf_counter() - start
    calls, tokens = ledger.mark()
    print(f"  {name:<42} {took * 1000:7.0f} ms  {calls:3d} requests  {tokens:4d} tokens")


async def walk(size: int) -> None:
    """The triage walk on a demo of ``size`` deals."""
    app, demo = demo_app(size=size)
    ledger = Ledger(demo)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app, PipedriveApp)
        await settle(pilot)
        ledger.mark()
        print(f"demo: {size:,} deals, {len(demo.account.leads)} leads, "
              f"{len(demo.account.mail_threads)} threads")  # fmt: skip

        leads = LeadsScreen(app.session)

        async def open_leads() -> None:
            await app.push_screen(leads)
            await until(pilot, lambda: bool(leads.rows.view) and leads.table.display)

        await step(ledger, "leads inbox: first rows", open_leads)
        await settle(pilot)
        ledger.mark()

        async def open_lead() -> None:
            await pilot.press("enter")
            await settle(pilot)

        await step(ledger, "open a lead (fields, person, org, seen)", open_lead)

        async def toggle() -> None:
            await pilot.press("l")
            await until(pilot, lambda: isinstance(app.screen, LabelPicker))
            picker = app.screen
            assert isinstance(picker, LabelPicker)
            picker.dismiss(picker.labels[0].id)
            await settle(pilot)

        await step(ledger, "toggle a label", toggle)

        async def convert() -> None:
            await pilot.press("C")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, ChoicePicker)
            picker.dismiss(picker.choices[0])
            await settle(pilot)

        await step(ledger, "convert it into a deal (job polled)", convert)

        mail = MailScreen(app.session)

        async def open_mail() -> None:
            await app.push_screen(mail)
            await until(pilot, lambda: bool(mail.rows.view) and mail.table.display)

        await step(ledger, "mail inbox: first rows", open_mail)
        await settle(pilot)
        ledger.mark()

        async def open_thread() -> None:
            await pilot.press("enter")
            await settle(pilot)

        await step(ledger, "open a thread (bodies, marked read)", open_thread)

        async def link() -> None:
            deal = next(iter(demo.store.deals))
            await pilot.press("l")
            await until(pilot, lambda: isinstance(app.screen, LinkPicker))
            picker = app.screen
            assert isinstance(picker, LinkPicker)
            picker.dismiss(LinkChoice("deal", deal["id"], deal["title"]))
            await settle(pilot)

        await step(ledger, "link the thread to a deal", link)

        filters = FiltersScreen(app.session)

        async def open_filters() -> None:
            await app.push_screen(filters)
            await settle(pilot)

        await step(ledger, "saved filters: list and words", open_filters)

        async def apply() -> None:
            await pilot.press("enter")
            await settle(pilot)

        await step(ledger, "apply the first deals filter", apply)
    total_calls = len(demo.requests)
    total_tokens = sum(entry.tokens for entry in demo.ledger.values())
    print(f"  {'whole session':<42} {'':>10}  {total_calls:3d} requests  {total_tokens:4d} tokens")


def bodies() -> None:
    """Time the HTML-to-text step on 1 MB bodies."""
    paragraph = (
        "<p>Hello <b>Ava</b>, see <a href='https://example.org/{i}'>the quote</a> and "
        "<i>the table</i>:</p><table><tr><td>Licence</td><td>12,500</td></tr></table>"
        "<blockquote>On Monday, Ava wrote:<br>&gt; fine</blockquote>"
    )
    html = "".join(paragraph.format(i=i) for i in range(1_000_000 // len(paragraph) + 1))[
        :1_000_000
    ]
    text = ("Hello Ava, see https://example.org/x for the quote.\n> quoted line\n" * 20_000)[
        :1_000_000
    ]
    for name, body in (("1 MB HTML body", html), ("1 MB plain-text body", text)):
        start = time.perf_counter()
        rendered = render_body(body)
        took = time.perf_counter() - start
        print(f"  {name:<42} {took * 1000:7.0f} ms  {len(rendered.text):,} characters, "
              f"{len(rendered.links):,} links")  # fmt: skip


def main() -> None:
    """Parse the arguments and run the walk, then the body timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="deals in the demo account")
    args = parser.parse_args()
    print("triage walk (wall time includes the pilot's waits):")
    asyncio.run(walk(args.size))
    print("mail bodies:")
    bodies()


if __name__ == "__main__":
    main()
