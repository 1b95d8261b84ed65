"""The mail threads linked to a lead or a deal, through the real client and the demo account.

The demo records every request, so the tests count the ``GET /v1/mailbox/mailThreads`` calls to
show when the index walks the folders and when it answers from its walk.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.endpoints import BY_NAME
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.mail_index import FOLDERS, LinkedThreads, MailIndex
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime, demo_client

Record = dict[str, Any]
THREADS_PATH = "/v1/mailbox/mailThreads"


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan()


@pytest.fixture
def demo(account: DemoAccount, plan: FaultPlan, fake_time: FakeTime) -> DemoPipedrive:
    return DemoPipedrive(account, faults=plan, clock=fake_time.clock)


def yielding(demo: DemoPipedrive) -> httpx.MockTransport:
    """The demo behind a transport that yields to the event loop once per request.

    Without a real suspension, concurrent callers would run one after the other and a shared
    walk could not be told from a cached one.
    """

    async def handle(request: httpx.Request) -> httpx.Response:
        await request.aread()
        await asyncio.sleep(0)
        return demo.handle(request)

    return httpx.MockTransport(handle)


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    client: PipedriveClient = demo_client(yielding(demo), fake_time)
    yield client
    await client.aclose()


@pytest.fixture
def index(client: PipedriveClient, fake_time: FakeTime) -> MailIndex:
    return MailIndex(client, clock=fake_time.clock, ttl=300)


def walked_requests(demo: DemoPipedrive) -> list[str]:
    """The folder of each thread list the demo served, in order."""
    return [r.params.get("folder", "") for r in demo.requests if r.path == THREADS_PATH]


def expected(account: DemoAccount, **link: Any) -> list[int]:
    """Ids of the walked threads linked as asked, newest first (computed from the raw account)."""
    ((key, value),) = link.items()
    found = [
        t
        for t in account.mail_threads
        if t.get(key) == value
        and not t.get("deleted_flag")
        and any(folder in FOLDERS for folder in t["folders"])
    ]
    found.sort(key=lambda t: (t["last_message_timestamp"], t["id"]), reverse=True)
    return [t["id"] for t in found]


def busiest(account: DemoAccount, key: str) -> Any:
    """The lead or deal with the most walked threads."""
    counts: dict[Any, int] = {}
    for thread in account.mail_threads:
        if thread.get(key) is not None and "drafts" not in thread["folders"]:
            counts[thread[key]] = counts.get(thread[key], 0) + 1
    return max(counts, key=lambda k: (counts[k], str(k)))


# --- answers ------------------------------------------------------------------------------------


async def test_threads_of_a_lead_newest_first(
    index: MailIndex, account: DemoAccount, demo: DemoPipedrive
) -> None:
    lead_id = busiest(account, "lead_id")
    found = await index.threads_linked(lead_id=lead_id)
    assert isinstance(found, LinkedThreads)
    assert [t.id for t in found.threads] == expected(account, lead_id=lead_id)
    assert found.threads and found.complete and found.reason == ""
    assert walked_requests(demo) == list(FOLDERS)  # one page a folder: 200 threads < 500
    limits = {r.params["limit"] for r in demo.requests if r.path == THREADS_PATH}
    assert limits == {str(BY_NAME["list_mail_threads"].max_limit)}  # the largest page


async def test_threads_of_a_deal(index: MailIndex, account: DemoAccount) -> None:
    deal_id = busiest(account, "deal_id")
    found = await index.threads_linked(deal_id=deal_id)
    assert [t.id for t in found.threads] == expected(account, deal_id=deal_id)
    assert (await index.threads_linked(lead_id="no-such-lead")).threads == []


async def test_a_thread_in_two_folders_is_listed_once(
    index: MailIndex, account: DemoAccount, demo: DemoPipedrive
) -> None:
    lead_id = busiest(account, "lead_id")
    thread_id = expected(account, lead_id=lead_id)[0]
    both = demo.store.copy(demo.store.threads.by_id[thread_id])
    both["folders"] = ["inbox", "sent", "archive"]
    demo.store.threads.put(both)
    found = await index.threads_linked(lead_id=lead_id)
    assert [t.id for t in found.threads].count(thread_id) == 1


async def test_a_link_is_required(index: MailIndex) -> None:
    with pytest.raises(ValueError, match="lead_id or a deal_id"):
        await index.threads_linked()


# --- the cache ----------------------------------------------------------------------------------


async def test_one_walk_per_ttl(
    index: MailIndex, account: DemoAccount, demo: DemoPipedrive, fake_time: FakeTime
) -> None:
    lead_id = busiest(account, "lead_id")
    await index.threads_linked(lead_id=lead_id)
    await index.threads_linked(deal_id=1)
    fake_time.now += 299
    await index.threads_linked(lead_id=lead_id)
    assert walked_requests(demo) == list(FOLDERS) and index.walks == 1
    fake_time.now += 2
    await index.threads_linked(lead_id=lead_id)
    assert walked_requests(demo) == list(FOLDERS) * 2 and index.walks == 2


async def test_invalidate_forgets_the_walk(
    index: MailIndex, account: DemoAccount, demo: DemoPipedrive
) -> None:
    await index.threads_linked(lead_id=busiest(account, "lead_id"))
    index.invalidate()
    await index.threads_linked(lead_id=busiest(account, "lead_id"))
    assert len(walked_requests(demo)) == 2 * len(FOLDERS)


async def test_concurrent_callers_share_one_walk(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive, fake_time: FakeTime
) -> None:
    # ttl 0: nothing is ever fresh, so only sharing the walk in flight saves requests.
    index = MailIndex(client, clock=fake_time.clock, ttl=0)
    lead_id = busiest(account, "lead_id")
    answers = await asyncio.gather(*(index.threads_linked(lead_id=lead_id) for _ in range(5)))
    assert len({tuple(t.id for t in a.threads) for a in answers}) == 1
    assert walked_requests(demo) == list(FOLDERS) and index.walks == 1
    await index.threads_linked(lead_id=lead_id)
    assert index.walks == 2  # once the walk is over, ttl 0 walks again


async def test_concurrent_callers_share_one_error(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(500, count=None, path=THREADS_PATH)
    index = MailIndex(client, clock=fake_time.clock)
    results = await asyncio.gather(
        *(index.threads_linked(lead_id="x") for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(result, e.ServerError) for result in results)
    assert index.walks == 1


async def test_a_confirmed_write_replaces_the_walked_thread(
    index: MailIndex, client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    lead_id = busiest(account, "lead_id")
    before = await index.threads_linked(lead_id=lead_id)
    other = next(
        t for t in account.mail_threads if t["lead_id"] is None and "inbox" in t["folders"]
    )
    linked = await client.update_mail_thread(other["id"], lead_id=lead_id)
    index.note_thread(linked)
    after = await index.threads_linked(lead_id=lead_id)
    assert other["id"] in [t.id for t in after.threads]
    assert len(after.threads) == len(before.threads) + 1
    unlinked = await client.update_mail_thread(other["id"], lead_id="")
    index.note_thread(unlinked)
    assert [t.id for t in (await index.threads_linked(lead_id=lead_id)).threads] == [
        t.id for t in before.threads
    ]
    assert index.walks == 1


async def test_a_write_during_a_walk_is_kept(
    index: MailIndex, client: PipedriveClient, account: DemoAccount
) -> None:
    lead_id = busiest(account, "lead_id")
    other = next(
        t for t in account.mail_threads if t["lead_id"] is None and "inbox" in t["folders"]
    )
    walking = asyncio.ensure_future(index.threads_linked(lead_id=lead_id))
    await asyncio.sleep(0)  # the walk is under way
    noted = (await client.get_mail_thread(other["id"])).model_copy(update={"lead_id": lead_id})
    index.note_thread(noted)
    first = await walking
    assert other["id"] in [t.id for t in first.threads]
    assert other["id"] in [t.id for t in (await index.threads_linked(lead_id=lead_id)).threads]


# --- limits and failures --------------------------------------------------------------------------


def add_inbox_threads(demo: DemoPipedrive, count: int, lead_id: str) -> None:
    """Add ``count`` old inbox threads linked to ``lead_id`` (the inbox then needs two pages)."""
    template = demo.store.threads.by_id[1]
    for n in range(count):
        thread = demo.store.copy(template)
        thread.update(
            id=10_000 + n,
            folders=["inbox"],
            deleted_flag=0,
            lead_id=lead_id,
            deal_id=None,
            last_message_timestamp=f"2020-01-01T00:00:{n % 60:02d}.000Z",
        )
        demo.store.threads.put(thread)


async def test_the_page_ceiling_is_reported(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive, fake_time: FakeTime
) -> None:
    lead_id = busiest(account, "lead_id")
    add_inbox_threads(demo, 600, lead_id)
    index = MailIndex(client, clock=fake_time.clock, max_pages=1)
    found = await index.threads_linked(lead_id=lead_id)
    assert not found.complete and "inbox" in found.reason
    assert walked_requests(demo) == list(FOLDERS)  # the inbox's second page was never asked
    await index.threads_linked(lead_id=lead_id)
    assert index.walks == 1  # a bounded walk is still a walk: kept for its ttl
    whole = MailIndex(client, clock=fake_time.clock)
    all_of_them = await whole.threads_linked(lead_id=lead_id)
    assert all_of_them.complete and len(all_of_them.threads) > len(found.threads)


async def test_a_later_failure_gives_a_partial_answer(
    index: MailIndex, account: DemoAccount, demo: DemoPipedrive, plan: FaultPlan
) -> None:
    plan.server_error(500, count=None, path=THREADS_PATH, after=1)  # the inbox page goes through
    lead_id = busiest(account, "lead_id")
    found = await index.threads_linked(lead_id=lead_id)
    assert not found.complete and "server error" in found.reason
    inbox = [t for t in found.threads if "inbox" in t.folders]
    assert [t.id for t in found.threads] == [t.id for t in inbox]
    plan.clear()
    again = await index.threads_linked(lead_id=lead_id)  # a failed walk is not kept
    assert again.complete and index.walks == 2
    assert [t.id for t in again.threads] == expected(account, lead_id=lead_id)


async def test_a_failure_before_anything_raises(
    index: MailIndex, demo: DemoPipedrive, plan: FaultPlan
) -> None:
    plan.server_error(503, count=None, path=THREADS_PATH)
    with pytest.raises(e.ServerError):
        await index.threads_linked(lead_id="x")
    plan.clear()
    assert (await index.threads_linked(lead_id="x")).complete


# --- the session ------------------------------------------------------------------------------


async def test_the_session_holds_an_idle_index(
    client: PipedriveClient, demo: DemoPipedrive
) -> None:
    session = AccountSession(client, Lookups(client))
    assert isinstance(session.mail, MailIndex) and session.mail.client is client
    assert demo.requests == []  # building it asked Pipedrive nothing
