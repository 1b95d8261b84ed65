"""Writes never lost: every write, and each way it can fail, leaves server, screen and store
consistent, tells the user, keeps their input, and is never sent twice.

For each write (deal stage, won, lost with a reason, lead label, lead archive, mail read, mail
archive, filter create, edit and delete), four failures in turn, on one app:

* **refused**: Pipedrive answers 500: the screen goes back, the server's message is shown;
* **landed**: the demo applies the write, then the answer is lost (``timeout(after_apply=True)``):
  the record is read back once and the change counts as saved, "checked after a timeout";
* **lost**: the request times out unapplied: read back once, "not saved … nothing was changed";
* **unknown**: the write lands, its answer is lost and the read back fails too: the screen shows
  the last confirmed version and says it could not be checked; once Pipedrive answers again the
  record is read again and the screen shows the server's version.

Each asserts the demo's state, what is on screen, the message, the input kept, exactly one write
request and the read-backs. Then **quit mid-request**, for every write: the write is held on the
wire, ``q`` (``ctrl+q`` in the filter builder) says "Saving 1 change…" and quits as soon as it is
answered, the confirmed record in the local store. For one write of each kind of record (deal,
lead, thread), the list is also refreshed and kept while the write is held, and a second ``q``
quits at once: the write never reached the server, and the store holds only what Pipedrive
confirmed. The lead label manager's create and delete meet the same failures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.filter_draft import DraftCondition
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.data.write_outcome import CHECKED_NOTE, NOT_SAVED_MESSAGE
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive, RecordedRequest
from pipedrive_tui.screens.filter_builder import FilterBuilderScreen
from pipedrive_tui.screens.filters import FiltersScreen
from pipedrive_tui.screens.lead_labels import NEW_LABEL_DRAFT, LabelNameScreen, LeadLabelsScreen
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.screens.triage import LostReasonScreen
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.deal_card import card_keys
from tests.pilot.test_filters_screen import TITLE, condition, new_deals_filter
from tests.pilot.test_lead_triage import toggle
from tests.ui import FIXED_NOW

SIZE = (80, 24)
SCENARIOS = ("refused", "landed", "lost", "unknown")
UNKNOWN = "Pipedrive did not answer in time and could not be asked whether the change was saved."
RECHECKED = "Checked 1 change whose outcome was unknown"
SAVING = "Saving 1 change… (press q again to quit anyway)"


# --- the app on a demo whose wire can hold writes -------------------------------------------------


class Wire:
    """The demo behind a transport that can hold every write (a request still on its way)."""

    def __init__(self, demo: DemoPipedrive) -> None:
        self.demo = demo
        self.hold: asyncio.Event | None = None

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.hold is not None and request.method not in ("GET", "HEAD"):
            await self.hold.wait()
        return self.demo.handle(request)


async def _no_wait(_seconds: float) -> None:
    return None


def make_app(store: RecordStore | None = None) -> tuple[PipedriveApp, DemoPipedrive, Wire]:
    """The app on a small demo account (fixed clocks, no retries), its wire able to hold writes."""
    demo = DemoPipedrive(generate(7, 80), clock=lambda: 0.0)
    wire = Wire(demo)
    client = PipedriveClient(
        "https://demo.pipedrive-tui.invalid",
        api_token="demo",
        transport=httpx.MockTransport(wire.handle),
        sleep=_no_wait,
        jitter=lambda: 0.0,
        limiter=Limiter(10_000, 2.0),
        max_retries=0,
        max_rate_limit_retries=0,
    )
    session = AccountSession(client, Lookups(client), is_demo=True, store=store)
    settings = Settings.model_validate({"demo": True, "start_mode": "account"})
    return PipedriveApp(session, settings, clock=lambda: FIXED_NOW), demo, wire


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def notes(app: PipedriveApp) -> list[str]:
    """The messages of the notifications shown so far."""
    return [str(note.message) for note in app._notifications]


# --- the writes -----------------------------------------------------------------------------------


@dataclass
class Case:
    """One write: where it is made, how, and how its record looks on the server and on screen."""

    name: str
    open: Callable[[PipedriveApp, Pilot[Any]], Awaitable[Any]]
    targets: Callable[[Any], list[Any]]
    act: Callable[[Pilot[Any], Any, Any], Awaitable[None]]
    server: Callable[[DemoPipedrive, Any], Any]
    shown: Callable[[Any, Any], Any]
    method: str
    write_path: Callable[[Any], str]
    read_path: Callable[[Any], str]
    done: str
    failed: str
    #: Checks the user's input after the write, given the scenario.
    kept: Callable[[Pilot[Any], Any, Any, str], Awaitable[None]] | None = None
    #: The kind it is kept under in the local store, and the field that changes there.
    stored: tuple[str, Callable[[dict[str, Any]], Any]] | None = None


# Deals on the board -----------------------------------------------------------------------------


async def open_board(app: PipedriveApp, pilot: Pilot[Any]) -> PipelinesScreen:
    await settle(pilot)
    screen = PipelinesScreen(app.session)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


def board(screen: PipelinesScreen) -> Board:
    return screen.query_one(Board)


def first_column(screen: PipelinesScreen) -> list[int]:
    """Open deals of the board's first stage (they can move on, be won or lost)."""
    return list(card_keys(board(screen).columns[0].cards))


async def on_card(pilot: Pilot[Any], screen: PipelinesScreen, deal_id: int) -> None:
    position = board(screen).card_position(deal_id)
    assert position is not None, f"deal {deal_id} is not on the board"
    board(screen).move_cursor(*position)
    await pilot.pause()


def stage_shown(screen: PipelinesScreen, deal_id: int) -> int | None:
    position = board(screen).card_position(deal_id)
    return None if position is None else board(screen).columns[position[0]].key


def open_or_closed(screen: PipelinesScreen, deal_id: int) -> str:
    """An open board shows only open deals: on it, open; gone from it, won or lost."""
    return "open" if board(screen).card_position(deal_id) is not None else "closed"


def deal_status(demo: DemoPipedrive, deal_id: int) -> str:
    return "open" if demo.store.deals.get(deal_id)["status"] == "open" else "closed"


async def move_on(pilot: Pilot[Any], screen: PipelinesScreen, deal_id: int) -> None:
    await on_card(pilot, screen, deal_id)
    await pilot.press("L")


async def win(pilot: Pilot[Any], screen: PipelinesScreen, deal_id: int) -> None:
    await on_card(pilot, screen, deal_id)
    await pilot.press("w")


REASON = "budget"


async def lose(pilot: Pilot[Any], screen: PipelinesScreen, deal_id: int) -> None:
    await on_card(pilot, screen, deal_id)
    await pilot.press("x")
    dialog = pilot.app.screen
    assert isinstance(dialog, LostReasonScreen)
    dialog.query_one("#lost-reason", Input).value = REASON
    await pilot.press("enter")


async def reason_kept(pilot: Pilot[Any], screen: Any, deal_id: int, scenario: str) -> None:
    """The lost reason stays for the retry (pre-filled when x is pressed again), until saved."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    key = f"lost:{deal_id}"
    if scenario == "landed":
        assert key not in app.session.drafts
        return
    assert app.session.drafts[key] == REASON
    if scenario != "refused":
        return  # pre-filled: seen once, after the refusal
    await on_card(pilot, screen, deal_id)
    await pilot.press("x")
    await pilot.pause()
    assert app.screen.query_one("#lost-reason", Input).value == REASON
    await pilot.press("escape")
    await pilot.pause()


def deal_path(deal_id: int) -> str:
    return f"/api/v2/deals/{deal_id}"


DEAL_WRITE = {"method": "PATCH", "write_path": deal_path, "read_path": deal_path}

# Leads and mail ----------------------------------------------------------------------------------


async def open_leads(app: PipedriveApp, pilot: Pilot[Any]) -> LeadsScreen:
    await settle(pilot)
    screen = LeadsScreen(app.session)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def on_lead(pilot: Pilot[Any], screen: LeadsScreen, lead_id: str) -> None:
    index = next(i for i, lead in enumerate(screen.rows.view) if lead.id == lead_id)
    screen.table.move_cursor(index)
    await pilot.pause()


def vip(pilot_or_app: Any) -> str:
    app = pilot_or_app.app if isinstance(pilot_or_app, Pilot) else pilot_or_app
    labels = app.session.lookups.peek("lead_labels") or []
    return next(label.id for label in labels if label.name == "VIP")


def leads_without_vip(screen: LeadsScreen) -> list[str]:
    label = vip(screen.app)
    return [x.id for x in screen.rows.view if label not in x.label_ids and not x.is_archived]


async def add_vip(pilot: Pilot[Any], screen: LeadsScreen, lead_id: str) -> None:
    await on_lead(pilot, screen, lead_id)
    await toggle(pilot, "VIP")


async def archive_lead(pilot: Pilot[Any], screen: LeadsScreen, lead_id: str) -> None:
    await on_lead(pilot, screen, lead_id)
    await pilot.press("e")


def lead_path(lead_id: str) -> str:
    return f"/v1/leads/{lead_id}"


async def open_inbox(app: PipedriveApp, pilot: Pilot[Any]) -> MailScreen:
    await settle(pilot)
    screen = MailScreen(app.session, "inbox")
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def on_thread(pilot: Pilot[Any], screen: MailScreen, thread_id: int) -> None:
    index = next(i for i, t in enumerate(screen.rows.view) if t.id == thread_id)
    screen.table.move_cursor(index)
    await pilot.pause()


async def press_on_thread(pilot: Pilot[Any], screen: MailScreen, thread_id: int, key: str) -> None:
    await on_thread(pilot, screen, thread_id)
    await pilot.press(key)


def thread_path(thread_id: int) -> str:
    return f"/v1/mailbox/mailThreads/{thread_id}"


def thread_flag(screen: MailScreen, thread_id: int, flag: str) -> bool:
    found = screen.rows.find(thread_id)
    if found is None:  # no longer in the inbox (refreshed since): archived
        assert flag == "archived_flag"
        return True
    return bool(getattr(found, flag))


def lead_label_shown(screen: LeadsScreen, lead_id: str) -> bool:
    found = screen.rows.find(lead_id)
    assert found is not None
    return vip(screen.app) in found.label_ids


def lead_archived_shown(screen: LeadsScreen, lead_id: str) -> bool:
    found = screen.rows.find(lead_id)
    return True if found is None else found.is_archived  # gone from the inbox: archived


CASES = [
    Case(
        "deal-stage", open_board, first_column, move_on,
        lambda demo, i: demo.store.deals.get(i)["stage_id"], stage_shown,
        done="Moved to ", failed="Could not move the deal",
        stored=("deal", lambda row: row["stage_id"]), **DEAL_WRITE,
    ),
    Case(
        "deal-won", open_board, first_column, win, deal_status, open_or_closed,
        done="Marked as won", failed="Could not mark as won",
        stored=("deal", lambda row: row["status"]), **DEAL_WRITE,
    ),
    Case(
        "deal-lost", open_board, first_column, lose,
        lambda demo, i: deal_status(demo, i), open_or_closed,
        done="Marked as lost",
        failed="Could not mark as lost (your reason is kept: press x to retry)",
        kept=reason_kept, stored=("deal", lambda row: (row["status"], row["lost_reason"])),
        **DEAL_WRITE,
    ),
    Case(
        "lead-label", open_leads, leads_without_vip, add_vip,
        lambda demo, i: vip_id(demo) in demo.store.leads.get(i)["label_ids"], lead_label_shown,
        method="PATCH", write_path=lead_path, read_path=lead_path,
        done="Added label VIP", failed="Could not add the label VIP",
        stored=("lead", lambda row: sorted(row["label_ids"])),
    ),
    Case(
        "lead-archive", open_leads, leads_without_vip, archive_lead,
        lambda demo, i: demo.store.leads.get(i)["is_archived"], lead_archived_shown,
        method="PATCH", write_path=lead_path, read_path=lead_path,
        done="Archived", failed="Could not archive the lead",
        stored=("lead", lambda row: row["is_archived"]),
    ),
    Case(
        "mail-read", open_inbox,
        lambda screen: [t.id for t in screen.rows.view if not t.read_flag],
        lambda pilot, screen, i: press_on_thread(pilot, screen, i, "m"),
        lambda demo, i: bool(demo.store.threads.get(i)["read_flag"]),
        lambda screen, i: thread_flag(screen, i, "read_flag"),
        method="PUT", write_path=thread_path, read_path=thread_path,
        done="Marked as read", failed="Could not mark the thread",
        stored=("mail_thread", lambda row: bool(row["read_flag"])),
    ),
    Case(
        "mail-archive", open_inbox,
        lambda screen: [t.id for t in screen.rows.view if not t.archived_flag],
        lambda pilot, screen, i: press_on_thread(pilot, screen, i, "e"),
        lambda demo, i: bool(demo.store.threads.get(i)["archived_flag"]),
        lambda screen, i: thread_flag(screen, i, "archived_flag"),
        method="PUT", write_path=thread_path, read_path=thread_path,
        done="Archived", failed="Could not archive the thread",
        stored=("mail_thread", lambda row: bool(row["archived_flag"])),
    ),
]  # fmt: skip


def vip_id(demo: DemoPipedrive) -> str:
    return next(x["id"] for x in demo.store.lead_labels.values() if x["name"] == "VIP")


def faults(scenario: str, method: str, write: str, read: str) -> FaultPlan:
    """The fault plan of one scenario, aimed at one record's write (and read back)."""
    plan = FaultPlan()
    if scenario == "refused":
        return plan.server_error(500, method=method, path=write)
    if scenario == "lost":
        return plan.timeout(method=method, path=write)
    plan.timeout(method=method, path=write, after_apply=True)
    if scenario == "unknown":
        plan.server_error(500, method="GET", path=read)
    return plan


def counted(requests: list[RecordedRequest], method: str, path: str) -> int:
    return sum(1 for r in requests if r.method == method and r.path == path)


# --- every failure of every record write ----------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_each_failure_of_a_write_leaves_server_and_screen_consistent(case: Case) -> None:
    app, demo, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await case.open(app, pilot)
        targets = case.targets(screen)[: len(SCENARIOS)]
        assert len(targets) == len(SCENARIOS)
        for scenario, target in zip(SCENARIOS, targets, strict=True):
            write, read = case.write_path(target), case.read_path(target)
            before = case.server(demo, target)
            assert case.shown(screen, target) == before
            demo.faults = faults(scenario, case.method, write, read)
            mark, said = len(demo.requests), len(notes(app))
            await case.act(pilot, screen, target)
            await settle(pilot)
            sent = demo.requests[mark:]
            new = notes(app)[said:]
            after = case.server(demo, target)
            assert counted(sent, case.method, write) == 1, scenario  # never sent again
            rereads = counted(sent, "GET", read)
            assert rereads == (0 if scenario == "refused" else 1), scenario
            if scenario == "refused":
                assert after == before
                assert case.shown(screen, target) == before
                assert any(
                    n.startswith(f"{case.failed}. Pipedrive had a server error (500)") for n in new
                ), new
            elif scenario == "landed":
                assert after != before  # the demo applied it; only the answer was lost
                assert case.shown(screen, target) == after
                assert any(n.startswith(case.done) and n.endswith(CHECKED_NOTE) for n in new), new
            elif scenario == "lost":
                assert after == before
                assert case.shown(screen, target) == before
                assert f"{case.failed}. {NOT_SAVED_MESSAGE}" in new, new
            else:
                assert after != before  # it landed, but nobody could tell
                assert case.shown(screen, target) == before  # the last confirmed version
                assert any(n.startswith(f"{case.failed}. {UNKNOWN}") for n in new), new
                assert list(app.session.writes.unsure) == [f"{case.stored[0]}:{target}"]  # type: ignore[index]
            if case.kept is not None:
                await case.kept(pilot, screen, target, scenario)
        # Pipedrive answers again: the unsure record is read once more and shown as it is.
        target = targets[-1]
        mark, said = len(demo.requests), len(notes(app))
        assert await app.probe_now()
        await settle(pilot)
        assert case.shown(screen, target) == case.server(demo, target)
        assert counted(demo.requests[mark:], "GET", case.read_path(target)) == 1
        assert counted(demo.requests[mark:], case.method, case.write_path(target)) == 0
        assert any(n.startswith(RECHECKED) for n in notes(app)[said:])
        assert not app.session.writes.unsure
        assert app.session.writes.in_flight == 0


# --- filters: create, edit, delete ----------------------------------------------------------------


async def open_filters(pilot: Pilot[Any]) -> FiltersScreen:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FiltersScreen)
    return screen


def demo_filter(demo: DemoPipedrive, name: str) -> list[dict[str, Any]]:
    return [f for f in demo.store.filters.values() if f.get("name") == name]


def listed(screen: FiltersScreen, name: str) -> bool:
    return any(f is not None and f.name == name for f in screen.shown)


async def save_builder(pilot: Pilot[Any], name: str) -> FilterBuilderScreen:
    builder = pilot.app.screen
    assert isinstance(builder, FilterBuilderScreen)
    builder.query_one("#builder-name", Input).value = name
    await pilot.press("ctrl+s")
    await settle(pilot)
    return builder


def builder_kept(
    pilot: Pilot[Any], builder: FilterBuilderScreen, name: str, count: int = 1
) -> None:
    """Still open, with the name and the conditions typed, and the reason shown."""
    assert pilot.app.screen is builder
    assert builder.query_one("#builder-name", Input).value == name
    assert builder.draft.count == count
    assert "Your changes are kept." in str(builder.query_one("#builder-errors").render())


async def new_filter(pilot: Pilot[Any], *, typed: bool = True) -> FilterBuilderScreen:
    """Open the builder for a new deals filter with one condition (typed in its form, or put in
    its draft when the form is not what the test is about)."""
    await new_deals_filter(pilot)
    if typed:
        await condition(pilot, "a", TITLE, "LIKE '%$%'", "renewal")
    builder = pilot.app.screen
    assert isinstance(builder, FilterBuilderScreen)
    if not typed:
        builder.draft.all_of.append(DraftCondition("deal", TITLE, "LIKE '%$%'", "renewal"))
    return builder


async def test_filter_create_each_failure_and_a_retry_after_an_unknown_outcome() -> None:
    app, demo, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await new_filter(pilot)
        for scenario, name in (("refused", "Renewals A"), ("lost", "Renewals B")):
            demo.faults = faults(scenario, "POST", "/v1/filters", "/v1/filters")
            mark, said = len(demo.requests), len(notes(app))
            builder = await save_builder(pilot, name)
            sent, new = demo.requests[mark:], notes(app)[said:]
            assert counted(sent, "POST", "/v1/filters") == 1
            assert counted(sent, "GET", "/v1/filters") == (scenario == "lost")
            assert not demo_filter(demo, name) and not listed(screen, name)
            builder_kept(pilot, builder, name)
            if scenario == "refused":
                assert any(
                    n.startswith("Could not save the filter. Pipedrive had a server") for n in new
                )
            else:
                assert f"Could not save the filter. {NOT_SAVED_MESSAGE}" in new
        # The answer is lost, the filter created: read back, it is saved and shown.
        demo.faults = faults("landed", "POST", "/v1/filters", "/v1/filters")
        mark, said = len(demo.requests), len(notes(app))
        await save_builder(pilot, "Renewals C")
        sent = demo.requests[mark:]
        assert (counted(sent, "POST", "/v1/filters"), counted(sent, "GET", "/v1/filters")) == (1, 1)
        assert len(demo_filter(demo, "Renewals C")) == 1
        assert app.screen is screen and listed(screen, "Renewals C")
        assert f"Saved Renewals C: {CHECKED_NOTE}" in notes(app)[said:]
        # Created, answer lost, list unreadable: unknown. The retry looks first, then updates it.
        builder = await new_filter(pilot, typed=False)
        demo.faults = faults("unknown", "POST", "/v1/filters", "/v1/filters")
        mark, said = len(demo.requests), len(notes(app))
        await save_builder(pilot, "Renewals D")
        assert counted(demo.requests[mark:], "POST", "/v1/filters") == 1
        assert len(demo_filter(demo, "Renewals D")) == 1 and not listed(screen, "Renewals D")
        builder_kept(pilot, builder, "Renewals D")
        assert any(n.startswith(f"Could not save the filter. {UNKNOWN}") for n in notes(app)[said:])
        mark = len(demo.requests)
        await pilot.press("ctrl+s")
        await settle(pilot)
        sent = demo.requests[mark:]
        assert counted(sent, "POST", "/v1/filters") == 0  # never a second filter
        assert sum(1 for r in sent if r.method == "PUT") == 1
        assert len(demo_filter(demo, "Renewals D")) == 1
        assert app.screen is screen and listed(screen, "Renewals D")


async def test_filter_edit_each_failure() -> None:
    app, demo, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        saved = next(f for f in screen.shown if f is not None and f.name == "Renewals")
        path = f"/v1/filters/{saved.id}"
        index = screen.shown.index(saved)
        screen.options.highlighted = index
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        count = app.screen.draft.count  # type: ignore[attr-defined]
        for number, scenario in enumerate(("refused", "lost", "unknown", "landed"), start=1):
            name = f"Renewals {number}"
            demo.faults = faults(scenario, "PUT", path, path)
            mark, said = len(demo.requests), len(notes(app))
            builder = await save_builder(pilot, name)
            sent, new = demo.requests[mark:], notes(app)[said:]
            assert counted(sent, "PUT", path) == 1
            assert counted(sent, "GET", path) == (scenario != "refused")
            on_server = demo.store.filters[saved.id]["name"]
            if scenario == "landed":
                assert on_server == name and app.screen is screen and listed(screen, name)
                assert f"Saved {name}: {CHECKED_NOTE}" in new
                continue
            builder_kept(pilot, builder, name, count)
            assert listed(screen, "Renewals")  # the list shows the last confirmed version
            if scenario == "unknown":
                assert on_server == name
                assert any(n.startswith(f"Could not save the filter. {UNKNOWN}") for n in new)
            else:
                assert on_server == "Renewals"
                said_text = NOT_SAVED_MESSAGE if scenario == "lost" else "Pipedrive had a server"
                assert any(n.startswith(f"Could not save the filter. {said_text}") for n in new)


async def test_filter_delete_each_failure() -> None:
    app, demo, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        deals = [f for f in screen.shown if f is not None and f.type == "deals" and f.is_editable]
        assert len(deals) >= len(SCENARIOS)
        for scenario, saved in zip(SCENARIOS, deals, strict=False):
            path = f"/v1/filters/{saved.id}"
            screen.options.highlighted = screen.shown.index(saved)
            await settle(pilot)
            demo.faults = faults(scenario, "DELETE", path, path)
            mark, said = len(demo.requests), len(notes(app))
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            sent, new = demo.requests[mark:], notes(app)[said:]
            assert counted(sent, "DELETE", path) == 1
            assert counted(sent, "GET", path) == (scenario != "refused")
            gone = saved.id not in demo.store.filters
            shown = listed(screen, saved.name)
            if scenario == "refused":
                assert not gone and shown
                assert any(n.startswith("Could not delete the filter. Pipedrive had") for n in new)
            elif scenario == "lost":
                assert not gone and shown
                assert f"Could not delete the filter. {NOT_SAVED_MESSAGE}" in new
            elif scenario == "landed":
                assert gone and not shown
                assert f"Deleted {saved.name}: {CHECKED_NOTE}" in new
            else:
                assert gone and shown  # the last confirmed version, until checked
                assert any(n.startswith(f"Could not delete the filter. {UNKNOWN}") for n in new)
        # Pipedrive answers again: the filter is read again (404) and leaves the list.
        mark = len(demo.requests)
        assert await app.probe_now()
        await settle(pilot)
        assert counted(demo.requests[mark:], "GET", path) == 1
        assert not listed(screen, saved.name)


# --- quitting while a write is on its way ---------------------------------------------------------


async def settle_but_writes(pilot: Pilot[Any]) -> None:
    """Let every worker but the held writes finish (a refresh, and the store keeping it)."""
    for _ in range(3):
        others = [w for w in pilot.app.workers if "write" not in (w.group or "")]
        if others:  # (an empty list would wait for every worker, the held write too)
            await pilot.app.workers.wait_for_complete(others)
        await pilot.pause()


async def wait_for_exit(pilot: Pilot[Any]) -> None:
    for _ in range(200):
        if pilot.app._exit:
            return
        await pilot.pause()
    raise AssertionError("the app did not quit")


#: Every write waits; quitting at once is tried on one write of each kind of record.
QUITS = [
    *((case, False) for case in CASES),
    *((case, True) for case in CASES if case.name in ("deal-stage", "lead-label", "mail-read")),
]


@pytest.mark.parametrize(
    ("case", "anyway"),
    QUITS,
    ids=[f"{case.name}-{'q-again' if anyway else 'waits'}" for case, anyway in QUITS],
)
async def test_quit_waits_for_a_write_in_flight(
    case: Case, anyway: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "store"
    app, demo, wire = make_app(RecordStore.open(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await case.open(app, pilot)
        target = case.targets(screen)[0]
        before = case.server(demo, target)
        write = case.write_path(target)
        wire.hold = asyncio.Event()
        await case.act(pilot, screen, target)
        await pilot.pause()
        assert app.session.writes.in_flight == 1
        assert case.shown(screen, target) != before  # shown at once (optimistic)
        if anyway:  # the list is fetched and kept again meanwhile: only what is confirmed
            await pilot.press("r")
            await settle_but_writes(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert SAVING in notes(app)
        assert not app._exit  # waiting for the write
        if anyway:
            await pilot.press("q" if case.name != "deal-stage" else "ctrl+q")
        else:
            wire.hold.set()
        await wait_for_exit(pilot)
    after = case.server(demo, target)
    assert case.stored is not None
    kind, value = case.stored
    kept = RecordStore.open(folder).get(kind, target)  # what the next start would find
    if anyway:
        assert after == before and counted(demo.requests, case.method, write) == 0
        assert kept is None or value(kept) == value(record_of(demo, kind, target))
        assert "not confirmed by Pipedrive when the app closed" in capsys.readouterr().err
    else:
        assert after != before and counted(demo.requests, case.method, write) == 1
        assert kept is not None and value(kept) == value(record_of(demo, kind, target))
        assert app.return_code == 0


def record_of(demo: DemoPipedrive, kind: str, record_id: Any) -> dict[str, Any]:
    table = {"deal": demo.store.deals, "lead": demo.store.leads, "mail_thread": demo.store.threads}
    found = table[kind].get(record_id)
    assert found is not None
    return found


async def test_quit_waits_only_so_long_then_says_what_was_not_confirmed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, demo, wire = make_app()
    app.quit_wait = 0.05  # instead of 10 s
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(app, pilot)
        target = next(t.id for t in screen.rows.view if not t.read_flag)
        wire.hold = asyncio.Event()  # never answered
        await press_on_thread(pilot, screen, target, "m")
        await pilot.pause()
        await pilot.press("q")
        await wait_for_exit(pilot)
    assert not demo.store.threads.get(target)["read_flag"]
    err = capsys.readouterr().err
    assert "1 change not confirmed by Pipedrive when the app closed" in err


@pytest.mark.parametrize("write", ["create", "edit", "delete"])
async def test_ctrl_q_waits_for_a_filter_write(write: str) -> None:
    app, demo, wire = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        renewals = next(f for f in screen.shown if f is not None and f.name == "Renewals")
        if write == "create":
            await new_filter(pilot, typed=False)
        else:
            screen.options.highlighted = screen.shown.index(renewals)
            await settle(pilot)
        if write == "delete":
            await pilot.press("d")
            await settle(pilot)
        else:
            if write == "edit":
                await pilot.press("e")
                await settle(pilot)
            app.screen.query_one("#builder-name", Input).value = "Held"
        wire.hold = asyncio.Event()
        await pilot.press("y" if write == "delete" else "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert SAVING in notes(app) and not app._exit
        assert not demo_filter(demo, "Held") and renewals.id in demo.store.filters
        wire.hold.set()
        await wait_for_exit(pilot)
    assert app.return_code == 0
    held = demo_filter(demo, "Held")
    if write == "delete":
        assert renewals.id not in demo.store.filters and not held
    else:
        assert len(held) == 1
        assert (held[0]["id"] == renewals.id) is (write == "edit")


# --- the lead label manager: create and delete ----------------------------------------------------


async def test_label_manager_create_landed_create_lost_and_delete_unknown() -> None:
    app, demo, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        manager = LeadLabelsScreen(app.session)
        await app.push_screen(manager)
        await settle(pilot)
        names = lambda: sorted(x["name"] for x in demo.store.lead_labels.values())  # noqa: E731
        count = len(manager.labels)

        async def create(name: str, scenario: str) -> tuple[list[str], int, int]:
            demo.faults = faults(scenario, "POST", "/v1/leadLabels", "/v1/leadLabels")
            mark, said = len(demo.requests), len(notes(app))
            await pilot.press("n")
            await pilot.pause()
            namer = app.screen
            assert isinstance(namer, LabelNameScreen)
            namer.query_one(Input).value = name
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("enter")  # the colour offered
            await settle(pilot)
            sent = demo.requests[mark:]
            return (
                notes(app)[said:],
                counted(sent, "POST", "/v1/leadLabels"),
                counted(sent, "GET", "/v1/leadLabels"),
            )

        new, posts, lists = await create("Trade show", "landed")
        assert (posts, lists) == (1, 1) and names().count("Trade show") == 1
        assert [x.name for x in manager.labels].count("Trade show") == 1
        assert len(manager.labels) == count + 1 and not manager.saving
        assert f"Created “Trade show”: {CHECKED_NOTE}" in new
        assert NEW_LABEL_DRAFT not in app.session.drafts
        new, posts, lists = await create("Expo", "lost")
        assert (posts, lists) == (1, 1) and "Expo" not in names()
        assert len(manager.labels) == count + 1
        assert any(n.endswith(NOT_SAVED_MESSAGE) for n in new), new
        assert app.session.drafts[NEW_LABEL_DRAFT] == "Expo"  # kept for the retry
        # Delete, lost answer, list unreadable: back on screen until Pipedrive answers.
        label = manager.options.current
        assert label is not None
        path = f"/v1/leadLabels/{label.id}"
        demo.faults = faults("unknown", "DELETE", path, "/v1/leadLabels")
        mark, said = len(demo.requests), len(notes(app))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert counted(demo.requests[mark:], "DELETE", path) == 1
        assert label.id not in demo.store.lead_labels
        assert any(x.id == label.id for x in manager.labels)
        assert any(UNKNOWN in n for n in notes(app)[said:])
        assert list(app.session.writes.unsure) == [f"lead_label:{label.id}"]
        assert await app.probe_now()
        await settle(pilot)
        assert not app.session.writes.unsure
        assert app.session.lookups.peek("lead_labels") is None  # fetched again where shown
