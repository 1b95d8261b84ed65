"""Lead to deal conversion: the client's two calls, the polling helper, and the demo's job.

Everything goes through the real ``PipedriveClient`` to the demo account; the helper's waits go
to a fake sleep that only records them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.data.lead_convert import DEFAULT_DELAYS, ConversionError, convert_lead_to_deal
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, _v1_custom
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.lead_convert import conversions
from tests.helpers import FakeTime, demo_client

Record = dict[str, Any]
MISSING_UUID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan()


@pytest.fixture
def demo(account: DemoAccount, plan: FaultPlan, fake_time: FakeTime) -> DemoPipedrive:
    """A fresh demo on the fake clock, with a fault plan the test may fill."""
    return DemoPipedrive(account, faults=plan, clock=fake_time.clock)


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    client: PipedriveClient = demo_client(demo.transport(), fake_time)
    yield client
    await client.aclose()


class Progress:
    """The helper's fake sleep and progress callback: records, never waits."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.statuses: list[str] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def __call__(self, status: str) -> None:
        self.statuses.append(status)


async def convert(client: PipedriveClient, lead_id: str, progress: Progress, **kw: Any) -> int:
    """The helper with the fake sleep and the recorder."""
    return await convert_lead_to_deal(
        client, lead_id, on_progress=progress, sleep=progress.sleep, **kw
    )


def linked_lead(account: DemoAccount) -> Record:
    """The first open lead with a value, a person, notes and a linked mail thread."""
    noted = {note.get("lead_id") for note in account.notes}
    mailed = {thread.get("lead_id") for thread in account.mail_threads}
    return next(
        found
        for found in account.leads
        if found["id"] in noted
        and found["id"] in mailed
        and found["value"]
        and found["person_id"]
        and not found["is_archived"]
    )


def status_polls(demo: DemoPipedrive) -> int:
    return sum(1 for r in demo.requests if "/convert/status/" in r.path)


# --- the client's calls ---------------------------------------------------------------------


async def test_the_client_starts_and_polls_a_job(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    lead_id = account.leads[4]["id"]
    job = await client.convert_lead(lead_id)
    assert job.status is None and job.deal_id is None
    first = await client.lead_conversion_status(lead_id, job.conversion_id)
    assert (first.conversion_id, first.status, first.deal_id) == (
        job.conversion_id,
        "running",
        None,
    )
    done = await client.lead_conversion_status(lead_id, job.conversion_id)
    assert done.status == "completed" and done.deal_id is not None
    again = await client.lead_conversion_status(lead_id, job.conversion_id)
    assert again.deal_id == done.deal_id
    assert demo.ledger["convertLeadToDeal"].tokens == 40
    assert demo.ledger["getLeadConversionStatus"].calls == 3


async def test_a_stage_or_a_pipeline_places_the_deal(
    client: PipedriveClient, account: DemoAccount
) -> None:
    stage = account.stages[-1]
    by_stage = await convert(client, account.leads[4]["id"], Progress(), stage_id=stage["id"])
    by_pipeline = await convert(client, account.leads[5]["id"], Progress(), pipeline_id=2)
    by_default = await convert(client, account.leads[6]["id"], Progress())
    placed = [await client.get_deal(deal_id) for deal_id in (by_stage, by_pipeline, by_default)]
    first_of = {
        pid: min(
            (s for s in account.stages if s["pipeline_id"] == pid), key=lambda s: s["order_nr"]
        )
        for pid in (1, 2)
    }
    assert [(d.pipeline_id, d.stage_id) for d in placed] == [
        (stage["pipeline_id"], stage["id"]),
        (2, first_of[2]["id"]),
        (1, first_of[1]["id"]),
    ]
    assert len({by_stage, by_pipeline, by_default}) == 3


# --- the helper -------------------------------------------------------------------------------


async def test_a_lead_becomes_a_deal(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    source = linked_lead(account)
    lead_id = source["id"]
    notes = sorted(n["id"] for n in account.notes if n.get("lead_id") == lead_id)
    threads = sorted(t["id"] for t in account.mail_threads if t.get("lead_id") == lead_id)
    progress = Progress()
    deal_id = await convert(client, lead_id, progress)
    assert progress.statuses == ["not_started", "running", "completed"]
    assert progress.sleeps == list(DEFAULT_DELAYS[:2])
    deal = await client.get_deal(deal_id)
    assert (deal.title, deal.value, deal.currency) == (
        source["title"], source["value"]["amount"], source["value"]["currency"],
    )  # fmt: skip
    assert (deal.person_id, deal.org_id, deal.owner_id) == (
        source["person_id"], source["organization_id"], source["owner_id"],
    )  # fmt: skip
    assert (deal.status, deal.origin, deal.is_archived) == ("open", "LeadConversion", False)
    assert str(deal.visible_to) == source["visible_to"]
    # the lead is gone
    with pytest.raises(e.NotFoundError):
        await client.get_lead(lead_id)
    for archived in (False, True):
        listed = await client.list_leads(archived=archived)
        assert lead_id not in [found.id for found in listed.items]
    # its notes and mail moved to the deal
    moved = (await client.list_notes(deal_id=deal_id)).items
    assert sorted(n.id for n in moved) == notes
    assert all(n.lead_id is None and n.deal_id == deal_id for n in moved)
    assert (await client.list_notes(lead_id=lead_id)).items == []
    for thread_id in threads:
        thread = await client.get_mail_thread(thread_id)
        assert (thread.lead_id, thread.deal_id, thread.deal_status) == (None, deal_id, "open")
    assert (await client.list_deal_mail_messages(deal_id)).items
    flow = (await client.list_deal_flow(deal_id)).items
    assert {item.object for item in flow} >= {"note"}


async def test_custom_fields_move_into_the_deal(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    """The lead's flat v1 values (lead 4 has every custom field) become the deal's v2 values."""
    source = account.leads[3]
    deal = await client.get_deal(await convert(client, source["id"], Progress()))
    fields = {f["field_code"]: f["field_type"] for f in account.deal_fields if f["is_custom_field"]}
    assert set(deal.custom_fields) == {key for key in fields if source.get(key) is not None}
    for key, value in deal.custom_fields.items():
        flat: Record = {}
        _v1_custom(key, fields[key], value, flat)  # back to v1: the lead's own keys and values
        assert flat == {k: source[k] for k in flat}, key


async def test_a_lead_without_value_gets_the_owners_currency(
    client: PipedriveClient, account: DemoAccount
) -> None:
    source = account.leads[2]  # lead 3 has no value
    assert source["value"] is None
    deal = await client.get_deal(await convert(client, source["id"], Progress()))
    owner = next(u for u in account.users if u["id"] == source["owner_id"])
    assert (deal.value, deal.currency) == (0, owner["default_currency"])


async def test_an_archived_lead_converts(client: PipedriveClient, account: DemoAccount) -> None:
    archived = account.leads[0]
    assert archived["is_archived"]
    deal_id = await convert(client, archived["id"], Progress())
    assert (await client.get_deal(deal_id)).title == archived["title"]
    listed = await client.list_leads(archived=True)
    assert archived["id"] not in [found.id for found in listed.items]


async def test_not_started_then_running_are_reported(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    conversions(demo.store).not_started_polls = 2
    conversions(demo.store).running_polls = 3
    progress = Progress()
    await convert(client, account.leads[4]["id"], progress)
    assert progress.statuses == ["not_started"] * 3 + ["running"] * 3 + ["completed"]
    assert progress.sleeps == list(DEFAULT_DELAYS[:6])


@pytest.mark.parametrize("outcome", ["failed", "rejected"])
async def test_a_job_that_fails_is_an_error(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive, outcome: Any
) -> None:
    conversions(demo.store).outcome = outcome
    lead_id = account.leads[4]["id"]
    progress = Progress()
    with pytest.raises(ConversionError) as caught:
        await convert(client, lead_id, progress)
    error = caught.value
    assert isinstance(error, e.PipedriveError)
    assert error.conversion_status == outcome and not error.still_running
    assert outcome in str(error) and "convert" in str(error)
    assert progress.statuses == ["not_started", "running", outcome]
    assert (await client.get_lead(lead_id)).id == lead_id  # nothing happened to the lead


async def test_delays_running_out_stop_the_polling(
    client: PipedriveClient, account: DemoAccount, demo: DemoPipedrive
) -> None:
    conversions(demo.store).running_polls = 100
    progress = Progress()
    with pytest.raises(ConversionError, match="still converting") as caught:
        await convert(client, account.leads[4]["id"], progress, delays=(1, 2, 3))
    assert caught.value.still_running and caught.value.conversion_status == "running"
    assert caught.value.conversion_id
    assert progress.sleeps == [1, 2, 3]  # never a poll past the last delay
    assert status_polls(demo) == 3


async def test_a_second_conversion_of_a_lead_is_rejected(
    client: PipedriveClient, account: DemoAccount
) -> None:
    lead_id = account.leads[4]["id"]
    first = await client.convert_lead(lead_id)
    second = await client.convert_lead(lead_id)
    assert first.conversion_id != second.conversion_id
    for _ in range(2):
        done = await client.lead_conversion_status(lead_id, first.conversion_id)
    assert done.status == "completed"
    await client.lead_conversion_status(lead_id, second.conversion_id)
    rejected = await client.lead_conversion_status(lead_id, second.conversion_id)
    assert (rejected.status, rejected.deal_id) == ("rejected", None)


# --- refusals and faults ----------------------------------------------------------------------


async def test_an_unknown_lead_is_not_found(client: PipedriveClient) -> None:
    with pytest.raises(e.NotFoundError, match="Entity was not found"):
        await convert(client, MISSING_UUID, Progress())


async def test_an_unknown_stage_is_refused(client: PipedriveClient, account: DemoAccount) -> None:
    with pytest.raises(e.BadRequestError, match="'stage_id' 999"):
        await client.convert_lead(account.leads[4]["id"], stage_id=999)
    with pytest.raises(e.BadRequestError, match="'pipeline_id' 99"):
        await client.convert_lead(account.leads[4]["id"], pipeline_id=99)


async def test_unknown_jobs_are_not_found(client: PipedriveClient, account: DemoAccount) -> None:
    lead_id = account.leads[4]["id"]
    with pytest.raises(e.NotFoundError):
        await client.lead_conversion_status(lead_id, MISSING_UUID)
    with pytest.raises(e.BadRequestError, match="not a UUID"):
        await client.lead_conversion_status(lead_id, "job-1")


async def test_read_only_refuses_the_conversion(
    demo: DemoPipedrive, account: DemoAccount, fake_time: FakeTime
) -> None:
    client: PipedriveClient = demo_client(demo.transport(), fake_time, read_only=True)
    async with client:
        with pytest.raises(e.ReadOnlyError):
            await convert(client, account.leads[4]["id"], Progress())
    assert demo.requests == []  # refused before anything was sent
    assert demo.store.leads.get(account.leads[4]["id"]) is not None


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda p: p.server_error(500, path="/convert/deal"), e.ServerError),
        (lambda p: p.timeout(None, path="/convert/status/"), e.PipedriveTimeoutError),
        (lambda p: p.malformed_json(path="/convert/status/"), e.InvalidResponseError),
        (lambda p: p.rate_limit(None, path="/convert/status/"), e.RateLimitError),
    ],
    ids=["500 on start", "timeouts on status", "broken status", "429s on status"],
)
async def test_faults_surface_as_pipedrive_errors(
    client: PipedriveClient, account: DemoAccount, plan: FaultPlan, arrange: Any, expected: Any
) -> None:
    arrange(plan)
    with pytest.raises(expected) as caught:
        await convert(client, account.leads[4]["id"], Progress())
    assert isinstance(caught.value, e.PipedriveError)
    assert plan.log
