"""The fault matrix, app side: each kind of fault the demo injects, met by the board, the
deals list, the leads list and the mailbox on their list request.

The app runs on a client with real retry settings (``max_retries=2``,
``max_rate_limit_retries=3``, back-off 0.5 s, jitter 0) whose waits and clock are fake, so that a
429 storm or a block's cool-down takes no time. Per section, one app: the first load meets a
malformed answer, then ``r`` meets each fault with the rows on screen. For each, the test reads
what the screen says (the rendered lines, not only a widget's text) and the status line, counts
what the demo saw per path, checks that the keys still work, and that the rows come back and the
marks go once the fault passes (after an outage: by the app's own probe, its timer checked;
after a block: ``r`` sends nothing during the cool-down).

``test_offline.py`` proves the probe's back-off on the account overview and
``test_offline_start.py`` a stored board opened offline; this file extends them to each list,
to a list that keeps failing while the probe is answered, and to a request that hangs.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.app_offline import PROBE_DELAYS
from pipedrive_tui.config import Settings
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.overview import OverviewScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.status_line import StatusLine
from tests.helpers import FakeTime
from tests.ui import FIXED_NOW, lazy_session_factory

SIZE = (120, 36)
#: The account's API token: it must never show on screen or in a notification.
TOKEN = "tok-fault-matrix-0b7d"


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(7, 200)


class GatedTime(FakeTime):
    """A fake clock whose waits hold until the gate opens (to look at the app meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.gate.set()

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        await self.gate.wait()


def fault_app(
    account: DemoAccount, plan: FaultPlan, *, start_mode: str = "account",
    async_demo: bool = False, fake: FakeTime | None = None,
) -> tuple[PipedriveApp, DemoPipedrive, FakeTime]:  # fmt: skip
    """The app on the demo account, with the client's real retry bounds and a fake clock."""
    fake = fake or FakeTime()
    demo = DemoPipedrive(account, token=TOKEN, faults=plan, clock=lambda: 0.0)
    client = PipedriveClient(
        "https://demo.pipedrive-tui.invalid",
        api_token=TOKEN,
        transport=demo.async_transport() if async_demo else demo.transport(),
        clock=fake.clock,
        sleep=fake.sleep,
        jitter=lambda: 0.0,
        limiter=Limiter(10_000, 2.0, clock=fake.clock, sleep=fake.sleep),
        search_limiter=Limiter(10_000, 2.0, clock=fake.clock, sleep=fake.sleep),
        max_retries=2,
        max_rate_limit_retries=3,
    )
    session = AccountSession(client, Lookups(client, None), is_demo=True)
    settings = Settings.model_validate({"demo": True, "start_mode": start_mode})
    app = PipedriveApp(
        session, settings, clock=lambda: FIXED_NOW, session_factory=lazy_session_factory()
    )
    return app, demo, fake


# --- what the screen says ----------------------------------------------------------------------


async def _settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done, those started by others included (names after pages)."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def _lines(app: PipedriveApp) -> str:
    """The text on the terminal, line by line, as the user reads it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def _status(app: PipedriveApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


def _notes(app: PipedriveApp) -> str:
    return " ".join(f"{note.title}: {note.message}" for note in app._notifications)


def _widget_text(app: PipedriveApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@dataclass(frozen=True)
class Section:
    """One section of the app: its key, its list request, and where it says what happened."""

    name: str
    key: str
    path: str
    screen: type[Screen[Any]]
    #: The empty-state / error text (a load that failed before any row).
    message: str
    #: The line that says why a refresh stopped while the rows stay.
    line: str
    #: The widget that shows the rows.
    rows: str

    def shown(self, app: PipedriveApp) -> int:
        """How many records the section shows."""
        screen: Any = app.screen
        if isinstance(screen, PipelinesScreen):
            return len(screen._board.deals)
        return len(screen.rows.view)

    def cursor(self, app: PipedriveApp) -> int:
        """The cursor's row: on the board, in its column; in a list, in the list."""
        screen: Any = app.screen
        if isinstance(screen, PipelinesScreen):
            return screen.query_one(Board).row
        return int(screen.table.cursor_row)


SECTIONS = [
    Section("board", "1", "/api/v2/deals", PipelinesScreen, "#pipelines-message",
            "#pipelines-info", "#pipelines-board"),
    Section("deals", "2", "/api/v2/deals", DealsScreen, "#deals-message", "#deals-count",
            "#deals-table"),
    Section("leads", "3", "/v1/leads", LeadsScreen, "#leads-message", "#leads-count",
            "#leads-table"),
    Section("mail", "4", "/v1/mailbox/mailThreads", MailScreen, "#mail-message", "#mail-count",
            "#mail-table"),
]  # fmt: skip


@dataclass(frozen=True)
class AppFault:
    """A fault on a section's list request, and what the user must see and the demo count."""

    id: str
    arm: Callable[[FaultPlan, str], object]
    #: Requests that met the fault (the plan's log), retries included: the bound.
    hits: int
    #: What the client slept meanwhile (fake time).
    sleeps: tuple[float, ...]
    #: What the screen says (``""``: it recovered within the retries, so nothing).
    says: str = ""
    #: The status line's marker (``None``: none is expected).
    marker: str | None = None


# Every kind once; the variants of a kind (500 JSON, 503 and 504 pages, 429 with Retry-After…)
# differ only inside the client, and tests/unit/test_fault_matrix.py covers each of them.
FAULTS = [
    # Met within the retries: the rows come, nothing to say (a lost answer, a 5xx met once:
    # the same, see the unit matrix).
    AppFault("429-twice", lambda p, path: p.rate_limit(2, path=path, reset=5), 2, (5.0, 5.0)),
    # Past the retries: the screen says so, bounded.
    AppFault("timeout", lambda p, path: p.timeout(None, path=path), 3, (0.5, 1.0),
             "Pipedrive did not answer in time", "OFFLINE: no answer in time"),
    AppFault("reset", lambda p, path: p.connection_reset(None, path=path), 3, (0.5, 1.0),
             "Could not reach Pipedrive", "OFFLINE: cannot connect"),
    AppFault("502-page", lambda p, path: p.server_error(502, count=None, path=path), 3,
             (0.5, 1.0), "Pipedrive had a server error (502)",
             "OFFLINE: Pipedrive server errors (502)"),
    AppFault("malformed-json", lambda p, path: p.malformed_json(None, path=path), 1, (),
             "Pipedrive sent an answer that is not valid JSON"),
    AppFault("429-storm-no-header", lambda p, path: p.rate_limit(None, path=path, reset=None),
             4, (2.0, 2.0, 2.0), "Pipedrive is rate limiting this token (429)"),
    AppFault("daily-budget", lambda p, path: p.daily_budget(path=path), 1, (),
             "daily Pipedrive API budget is used up", "OFFLINE: daily token budget used up"),
    AppFault("revoked-token", lambda p, path: p.revoke_token(path=path), 1, (),
             "Pipedrive did not accept the API token (401)"),
    AppFault("cloudflare-block", lambda p, path: p.cloudflare_block(path=path), 1, (),
             "Pipedrive blocked this client", "BLOCKED"),
    AppFault("outage", lambda p, path: p.go_down(), 3, (0.5, 1.0),
             "Could not reach Pipedrive", "OFFLINE: cannot connect"),
]  # fmt: skip


def _counts(demo: DemoPipedrive, since: int) -> Counter[str]:
    return Counter(request.path for request in demo.requests[since:])


async def _hop_away_and_back(pilot: Pilot[Any], section: Section, what: str) -> None:
    """A section key works: the overview shows, then the same section again."""
    app = pilot.app
    screen = app.screen
    await pilot.press("0")
    await pilot.pause()
    assert isinstance(app.screen, OverviewScreen), what
    await pilot.press(section.key)
    await pilot.pause()
    assert app.screen is screen, what


async def _navigates(pilot: Pilot[Any], section: Section, what: str) -> None:
    """A navigation key moves the cursor (the app is not stuck behind the fault)."""
    app: Any = pilot.app
    where = section.cursor(app)
    await pilot.press("down" if where == 0 else "up")
    assert section.cursor(app) != where, what


async def _meet(
    pilot: Pilot[Any], demo: DemoPipedrive, fake: FakeTime, section: Section, fault: AppFault,
    rows: int,
) -> None:  # fmt: skip
    """``r`` with the rows on screen meets ``fault``: what is said, what was sent, and the keys."""
    app: Any = pilot.app
    plan, what = demo.faults, f"{section.name} / {fault.id}"
    plan.clear()
    fault.arm(plan, section.path)
    before, slept = len(demo.requests), len(fake.sleeps)
    await pilot.press("r")
    await _settle(pilot)
    # (c) Bounded: the fault met exactly so many requests, no other path was asked twice.
    assert len(plan.log) == fault.hits, what
    counts = _counts(demo, before)
    if fault.id != "outage":  # an outage stops the board at its first lookup
        assert counts[section.path] == fault.hits + (0 if fault.says else 1), (what, counts)
    others = [n for path, n in counts.items() if path != section.path]
    assert all(n <= max(fault.hits, 1) for n in others), (what, counts)
    assert tuple(fake.sleeps[slept:]) == fault.sleeps, what
    assert all(wait > 0 for wait in fake.sleeps[slept:]), what
    # (b) The screen says what is happening, where the user reads it; the rows stay.
    line, status = _widget_text(app, section.line), _status(app)
    assert section.shown(app) == rows, what
    assert app.screen.query_one(section.rows).display, what
    assert not app.screen.query_one(section.message).display, what
    assert "● ●" not in _lines(app), what  # no loading indicator left behind
    if not fault.says:  # met within the retries: nothing is wrong
        assert "stopped" not in line, what
        assert "OFFLINE" not in status and "BLOCKED" not in status, what
        return
    assert fault.says in line, (what, line)
    shown = _lines(app)
    assert fault.says[:30] in shown, what  # on screen, not cut off before it
    assert TOKEN not in shown and "Traceback" not in shown and "<html" not in shown, what
    if fault.marker is not None:
        assert fault.marker in status, (what, status)
    else:
        assert "OFFLINE" not in status and "BLOCKED" not in status, (what, status)
    if fault.marker and fault.marker.startswith("OFFLINE"):
        assert "Pipedrive cannot be used now" in _notes(app), what
        timer = app._probe_timer  # the app will look again by itself (soon after the last
        assert timer is not None and timer._interval in PROBE_DELAYS, what  # fault: later)
    # (a) The app stays responsive while the fault lasts.
    await _navigates(pilot, section, what)


async def _while_blocked(pilot: Pilot[Any], demo: DemoPipedrive, section: Section) -> None:
    """(d) During the block's cool-down, ``r`` again and again sends nothing."""
    app: Any = pilot.app
    sent = len(demo.requests)
    notes = _notes(app)
    assert "Blocked by Pipedrive: Pipedrive blocked this client after too many" in notes
    assert "sends nothing for 5 minutes" in notes
    for _ in range(3):
        await pilot.press("r")
        await _settle(pilot)
    assert len(demo.requests) == sent
    assert "holding off for 300 s more" in _widget_text(app, section.line)
    assert "BLOCKED" in _status(app)
    assert _notes(app).count("Blocked by Pipedrive") == 1  # said once, not at each r


async def _while_down(pilot: Pilot[Any], demo: DemoPipedrive, section: Section) -> None:
    """During an outage: another section opens and comes back without a request; a probe
    that fails asks once and waits longer before the next one."""
    app: Any = pilot.app
    sent = len(demo.requests)
    await _hop_away_and_back(pilot, section, "outage")
    assert len(demo.requests) == sent
    step = PROBE_DELAYS.index(app._probe_timer._interval)
    assert await app.probe_now() is False
    # One question, repeated like any read (max_retries), then a longer wait before the next.
    assert [r.path for r in demo.requests[sent:]] == ["/v1/users/me"] * 3
    assert app._probe_timer is not None
    assert app._probe_timer._interval == PROBE_DELAYS[min(step + 1, len(PROBE_DELAYS) - 1)]


async def _recover(
    pilot: Pilot[Any], demo: DemoPipedrive, fake: FakeTime, section: Section, fault: AppFault,
    rows: int,
) -> None:  # fmt: skip
    """(e) The fault passes; ``r`` (after an outage: the app's own probe) brings the rows back
    and takes the marks away."""
    app: Any = pilot.app
    plan, what = demo.faults, f"{section.name} / {fault.id}: recovered"
    if fault.id == "cloudflare-block":
        fake.now += 301  # the cool-down is over
    before = len(demo.requests)
    if fault.id == "outage":
        plan.come_back()
        assert await app.probe_now() is True, what
    else:
        plan.clear()
        await pilot.press("r")
    await _settle(pilot)
    counts = _counts(demo, before)
    assert counts[section.path] == 1, (what, counts)
    assert section.shown(app) == rows, what
    line, status = _widget_text(app, section.line), _status(app)
    assert "stopped" not in line and "Pipedrive" not in line, (what, line)
    assert "OFFLINE" not in status and "BLOCKED" not in status, (what, status)
    assert app._probe_timer is None, what
    assert app.screen.query_one(section.rows).display, what


@pytest.mark.parametrize("section", SECTIONS, ids=[s.name for s in SECTIONS])
async def test_every_fault_on_the_list_request(account: DemoAccount, section: Section) -> None:
    plan = FaultPlan()
    app, demo, fake = fault_app(account, plan)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        # The first load meets a malformed answer: an error in words, no crash, no rows, and
        # the other sections still open.
        plan.malformed_json(1, path=section.path)
        before = len(demo.requests)
        await pilot.press(section.key)
        await _settle(pilot)
        assert isinstance(app.screen, section.screen)
        assert _counts(demo, before)[section.path] == 1
        message = app.screen.query_one(section.message)
        assert message.display and not app.screen.query_one(section.rows).display
        said = _widget_text(app, section.message)
        assert said.startswith("Pipedrive sent an answer that is not valid JSON (get")
        assert said.endswith("Press r to try again.")
        assert "Pipedrive sent an answer that is not valid JSON" in _lines(app)
        assert section.shown(app) == 0
        await _hop_away_and_back(pilot, section, "first load")
        await pilot.press("r")
        await _settle(pilot)
        await _settle(pilot)  # names arrive after the pages
        rows = section.shown(app)
        assert rows > 0 and not message.display
        for fault in FAULTS:
            await _meet(pilot, demo, fake, section, fault, rows)
            if fault.id == "cloudflare-block":
                await _while_blocked(pilot, demo, section)
            if fault.id == "outage":
                await _while_down(pilot, demo, section)
            if fault.says:
                await _recover(pilot, demo, fake, section, fault, rows)
        notes = _notes(app)
        assert "Pipedrive answers again" in notes
        assert "Traceback" not in notes and TOKEN not in notes


async def test_the_app_answers_keys_while_a_list_request_hangs(account: DemoAccount) -> None:
    """The deals list waits on a slow answer: the leads open meanwhile, and the deals list is
    still waiting (asked once) when it shows again."""
    plan = FaultPlan().latency(60, path="/api/v2/deals", method="GET")
    app, demo, _fake = fault_app(account, plan, async_demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("2")
        for _ in range(5):
            await pilot.pause()
        deals = app.screen
        assert isinstance(deals, DealsScreen)
        assert deals.query_one("#deals-loading").display  # still waiting for its answer
        await pilot.press("3")
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, LeadsScreen) and app.screen.rows.view:
                break
        assert isinstance(app.screen, LeadsScreen) and app.screen.rows.view
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is deals and deals.query_one("#deals-loading").display
        assert [r.path for r in demo.requests].count("/api/v2/deals") == 1  # not asked twice


async def test_a_list_that_keeps_failing_backs_the_probe_off(account: DemoAccount) -> None:
    """Only the deals list fails (500); the probe's question is answered, so the app comes
    "back", refreshes the list, and fails again: each round waits longer, never a loop."""
    plan = FaultPlan()
    app, demo, _fake = fault_app(account, plan, start_mode="deals")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        plan.server_error(500, count=None, path="/api/v2/deals")
        await pilot.press("r")
        await _settle(pilot)
        delays = [app._probe_timer._interval if app._probe_timer else None]
        for _ in range(3):
            before = len(demo.requests)
            assert await app.probe_now() is True  # /v1/users/me answers
            await _settle(pilot)
            # One probe, then the list's refresh: three tries, then offline again.
            assert [r.path for r in demo.requests[before:]] == ["/v1/users/me"] + [
                "/api/v2/deals"
            ] * 3
            assert "OFFLINE: Pipedrive server errors (500)" in _status(app)
            delays.append(app._probe_timer._interval if app._probe_timer else None)
        assert delays == list(PROBE_DELAYS[:4])


async def test_the_status_line_says_why_a_429_keeps_the_list_waiting(account: DemoAccount) -> None:
    """While the client waits out a 429, the status line says so; then the rows come."""
    plan = FaultPlan()
    gated = GatedTime()
    app, demo, _fake = fault_app(account, plan, start_mode="leads", fake=gated)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        rows = len(app.screen.rows.view)  # type: ignore[attr-defined]
        plan.rate_limit(1, path="/v1/leads", reset=30)
        gated.gate.clear()
        await pilot.press("r")
        for _ in range(3):
            await pilot.pause()
        assert gated.sleeps == [30.0]  # waiting now
        status = _status(app)
        assert "Too many requests: Pipedrive asked the app to slow down (429)" in status
        gated.gate.set()
        await _settle(pilot)
        assert "Too many requests" not in _status(app)
        assert len(app.screen.rows.view) == rows  # type: ignore[attr-defined]
        assert [r.status for r in demo.requests if r.path == "/v1/leads"][-2:] == [429, 200]
