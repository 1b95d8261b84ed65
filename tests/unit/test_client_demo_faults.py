"""Faults of the demo Pipedrive met by the real client: 429s, budget, 5xx, timeouts, broken JSON,
a revoked token, Cloudflare's block, latency; and the cached lookups over the demo account.

Waits go to a fake sleep (``FakeTime``): nothing here really waits, except the async transport's
injected latency of a few milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api import models as m
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.data.lookups import KINDS, Lookups
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime, demo_client

TOKEN = "demo"


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(seed=7, size=300)


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan()


@pytest.fixture
def demo(account: DemoAccount, plan: FaultPlan, fake_time: FakeTime) -> DemoPipedrive:
    return DemoPipedrive(account, token=TOKEN, faults=plan, clock=fake_time.clock)


def make_client(demo: DemoPipedrive, fake_time: FakeTime, **options: Any) -> PipedriveClient:
    transport = options.pop("transport", None) or demo.transport()
    options.setdefault("api_token", TOKEN)
    client: PipedriveClient = demo_client(transport, fake_time, **options)
    return client


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    client = make_client(demo, fake_time)
    yield client
    await client.aclose()


def sent(demo: DemoPipedrive, path: str | None = None) -> list[tuple[str, str, int | None]]:
    """``(method, path, status)`` of the requests the demo saw (on one path)."""
    return [(r.method, r.path, r.status) for r in demo.requests if path is None or r.path == path]


# --- 429: burst limit ----------------------------------------------------------------------------


async def test_a_429_burst_is_waited_out(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.rate_limit(2, path="/v1/users", reset=3, retry_after=True)
    users = await client.list_users()
    assert [u.id for u in users] == [101, 102, 103, 104, 105, 106]
    assert fake_time.sleeps == [3.0, 3.0]  # Retry-After, twice
    assert [s for _m, _p, s in sent(demo, "/v1/users")] == [429, 429, 200]
    assert client.rate_limit.waits == 2
    assert plan.log == [("rate_limit", "GET", "/v1/users")] * 2
    assert "getUsers" in demo.ledger and demo.ledger["getUsers"].calls == 1


async def test_a_429_without_retry_after_waits_for_the_reset(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.rate_limit(3, path="/api/v2/deals/7", reset=5)
    deal = await client.get_deal(7)
    assert deal.id == 7
    assert fake_time.sleeps == [5.0, 5.0, 5.0]  # x-ratelimit-reset; the 4th attempt succeeds
    assert len(sent(demo, "/api/v2/deals/7")) == 4


async def test_429_forever_gives_up_after_bounded_attempts(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.rate_limit(None, path="/api/v2/deals/1")
    with pytest.raises(e.RateLimitError) as caught:
        await client.get_deal(1)
    assert type(caught.value) is e.RateLimitError
    assert caught.value.status == 429 and caught.value.reset_in == 2.0
    assert caught.value.error == "Request over limit"
    assert sent(demo) == [("GET", "/api/v2/deals/1", 429)] * 4  # 1 + max_rate_limit_retries
    assert fake_time.sleeps == [2.0, 2.0, 2.0]
    assert (await client.get_deal(2)).id == 2  # other paths are untouched


async def test_429_retries_follow_the_configured_bound(
    demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.rate_limit(None)
    async with make_client(demo, fake_time, max_rate_limit_retries=1) as client:
        with pytest.raises(e.RateLimitError):
            await client.list_pipelines()
    assert len(demo.requests) == 2 and fake_time.sleeps == [2.0]


# --- the daily budget -----------------------------------------------------------------------------


async def test_daily_budget_fault_is_not_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.daily_budget()
    with pytest.raises(e.DailyBudgetExhaustedError) as caught:
        await client.list_deals()
    assert caught.value.status == 429
    assert "daily Pipedrive API budget is used up" in str(caught.value)
    assert sent(demo) == [("GET", "/api/v2/deals", 429)]
    assert fake_time.sleeps == []
    assert client.rate_limit.daily_token_remaining == 0


async def test_the_real_daily_budget_runs_out(account: DemoAccount, fake_time: FakeTime) -> None:
    demo = DemoPipedrive(account, token=TOKEN, clock=fake_time.clock, daily_token_limit=25)
    async with make_client(demo, fake_time) as client:
        assert len(await client.list_users()) == 6  # 20 of 25 tokens
        assert client.rate_limit.daily_token_remaining == 5
        with pytest.raises(e.DailyBudgetExhaustedError):
            await client.list_users()  # 20 more would pass the budget
        assert (await client.get_deal(1)).id == 1  # a 1-token call still fits
    assert [s for _m, _p, s in sent(demo)] == [200, 429, 200]
    assert demo.tokens_used == 21 and fake_time.sleeps == []


# --- 5xx ------------------------------------------------------------------------------------------


async def test_a_500_on_a_get_is_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(500, count=1, path="/api/v2/deals/1")
    deal = await client.get_deal(1)
    assert deal.id == 1 and len(deal.custom_fields) == 19
    assert [s for _m, _p, s in sent(demo)] == [500, 200]
    assert fake_time.sleeps == [0.5]


async def test_gateway_pages_are_retried_with_backoff(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(503, count=2, path="/v1/leadLabels")
    labels = await client.list_lead_labels()
    assert len(labels) == 8
    assert [s for _m, _p, s in sent(demo)] == [503, 503, 200]
    assert fake_time.sleeps == [0.5, 1.0]


async def test_a_persistent_5xx_is_a_server_error(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(502, count=None, path="/v1/users/me")
    with pytest.raises(e.ServerError) as caught:
        await client.get_current_user()
    assert caught.value.status == 502
    assert str(caught.value) == "Pipedrive had a server error (502). Try again in a moment."
    assert sent(demo) == [("GET", "/v1/users/me", 502)] * 3  # 1 + max_retries
    assert fake_time.sleeps == [0.5, 1.0]


async def test_a_500_on_a_patch_is_not_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    before = await client.get_deal(6)
    plan.server_error(500, count=1, method="PATCH")
    with pytest.raises(e.ServerError) as caught:
        await client.update_deal(6, title="Never sent twice")
    assert caught.value.status == 500 and caught.value.error == "Internal server error"
    assert sent(demo) == [
        ("GET", "/api/v2/deals/6", 200),
        ("PATCH", "/api/v2/deals/6", 500),
    ]
    assert fake_time.sleeps == []
    assert (await client.get_deal(6)).title == before.title  # nothing changed
    assert (await client.update_deal(6, title="Sent once")).title == "Sent once"


async def test_a_500_on_a_put_is_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(500, count=1, method="PUT")
    thread = await client.update_mail_thread(1, shared=True)
    assert thread.shared_flag is True
    assert sent(demo) == [
        ("PUT", "/v1/mailbox/mailThreads/1", 500),
        ("PUT", "/v1/mailbox/mailThreads/1", 200),
    ]
    assert fake_time.sleeps == [0.5]


# --- timeouts -------------------------------------------------------------------------------------


async def test_a_timeout_on_a_get_is_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.timeout(1, path="/api/v2/pipelines")
    pipelines = await client.list_pipelines()
    assert [p.name for p in pipelines] == ["Sales", "Partnerships", "Renewals"]
    assert sent(demo) == [
        ("GET", "/api/v2/pipelines", None),  # no answer at all
        ("GET", "/api/v2/pipelines", 200),
    ]
    assert fake_time.sleeps == [0.5]


async def test_a_persistent_timeout_is_a_timeout_error(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.timeout(None, path="/api/v2/stages")
    with pytest.raises(e.PipedriveTimeoutError) as caught:
        await client.list_stages()
    assert caught.value.operation == "getStages"
    assert len(demo.requests) == 3 and fake_time.sleeps == [0.5, 1.0]


async def test_a_timeout_on_a_patch_is_not_retried(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.timeout(1, method="PATCH")
    with pytest.raises(e.PipedriveTimeoutError):
        await client.update_lead(demo.account.leads[1]["id"], was_seen=True)
    assert [r.method for r in demo.requests] == ["PATCH"]
    assert fake_time.sleeps == []


# --- broken answers -------------------------------------------------------------------------------


async def test_malformed_json_is_an_invalid_response(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.malformed_json(1, path="/api/v2/pipelines/1")
    with pytest.raises(e.InvalidResponseError) as caught:
        await client.get_pipeline(1)
    assert caught.value.status == 200 and caught.value.operation == "getPipeline"
    assert "not valid JSON" in str(caught.value)
    assert len(demo.requests) == 1 and fake_time.sleeps == []  # not retried
    assert (await client.get_pipeline(1)).name == "Sales"  # the next answer is whole


async def test_malformed_json_on_a_list(
    client: PipedriveClient, plan: FaultPlan, demo: DemoPipedrive
) -> None:
    plan.malformed_json(1, path="/api/v2/dealFields")
    with pytest.raises(e.InvalidResponseError):
        await client.list_fields("deal")
    plan.malformed_json(1, path="/v1/mailbox/mailThreads")
    with pytest.raises(e.InvalidResponseError):
        await client.list_mail_threads("inbox")
    assert len(await client.list_fields("deal")) == 43


async def test_malformed_second_page_keeps_the_first(fake_time: FakeTime) -> None:
    big = generate(seed=7, size=1100)
    plan = FaultPlan().malformed_json(1, path="/api/v2/deals", after=1)
    demo = DemoPipedrive(big, token=TOKEN, faults=plan, clock=fake_time.clock)
    async with make_client(demo, fake_time) as client:
        result = await client.list_deals()
    live = sorted(d["id"] for d in big.deals if not d.get("is_archived"))
    assert len(live) > 1000
    assert [d.id for d in result.items] == live[:500]
    assert result.complete is False and isinstance(result.error, e.InvalidResponseError)
    assert result.reason == str(result.error) and result.pages == 1
    assert len(demo.requests) == 2
    plan.malformed_json(1, path="/api/v2/deals", after=1)
    async with make_client(demo, fake_time) as client:
        with pytest.raises(e.InvalidResponseError):  # no partial answer where all is needed
            await client.fetch_complete("list_deals")
    assert len(demo.requests) == 4


# --- the token revoked, the client blocked --------------------------------------------------------


async def test_a_token_revoked_mid_session(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.revoke_token(after=2)
    assert len(await client.list_pipelines()) == 3
    assert (await client.get_deal(1)).id == 1
    with pytest.raises(e.AuthenticationError) as caught:
        await client.get_current_user()
    assert caught.value.status == 401 and "Connect a Pipedrive account" in str(caught.value)
    with pytest.raises(e.AuthenticationError):
        await client.list_users()
    assert [s for _m, _p, s in sent(demo)] == [200, 200, 401, 401]  # a 401 is never retried
    assert fake_time.sleeps == []


async def test_cloudflare_block_stops_all_calls(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.cloudflare_block()
    changes: list[bool] = []
    client.rate_limit.subscribe(lambda state: changes.append(state.blocked))
    with pytest.raises(e.BlockedError) as caught:
        await client.list_users()
    assert caught.value.status == 403
    assert str(caught.value).startswith("Pipedrive blocked this client (403 block page)")
    assert "cloudflare" not in str(caught.value).lower()  # the HTML page is not shown
    assert client.rate_limit.blocked and changes[-1] is True
    assert sent(demo) == [("GET", "/v1/users", 403)]

    for call in (client.list_users, client.list_pipelines, client.get_current_user):
        with pytest.raises(e.BlockedError, match="holding off for 300 s"):
            await call()
    with pytest.raises(e.BlockedError):
        await client.update_deal(6, title="Not now")
    assert len(demo.requests) == 1  # nothing else was sent
    assert fake_time.sleeps == []

    plan.clear()
    fake_time.now += 301  # the cool-down is over
    assert len(await client.list_users()) == 6
    assert client.rate_limit.blocked is False and changes[-1] is False
    assert len(demo.requests) == 2


# --- latency through the async transport ----------------------------------------------------------


async def test_latency_with_the_async_transport(
    demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.latency(0.01)
    async with make_client(demo, fake_time, transport=demo.async_transport()) as client:
        pipelines, deal, stages = await asyncio.gather(
            client.list_pipelines(), client.get_deal(1), client.list_stages(pipeline_id=2)
        )
    assert [p.id for p in pipelines] == [1, 2, 3]
    assert deal.id == 1 and [s.id for s in stages] == [7, 8, 9, 10, 11]
    assert sorted(r.path for r in demo.requests) == [
        "/api/v2/deals/1",
        "/api/v2/pipelines",
        "/api/v2/stages",
    ]
    assert all(r.status == 200 for r in demo.requests)
    assert plan.log == [] and fake_time.sleeps == []


# --- token accounting under faults ----------------------------------------------------------------


async def test_refused_requests_cost_nothing(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan
) -> None:
    plan.rate_limit(2, path="/v1/users")
    await client.list_users()
    assert demo.tokens_used == 20
    assert client.ledger.total == demo.tokens_used


# --- cached lookups over the demo -----------------------------------------------------------------


def expected_lookups(account: DemoAccount) -> dict[str, list[Any]]:
    return {
        "deal_fields": [f["field_code"] for f in account.deal_fields],
        "person_fields": [f["field_code"] for f in account.person_fields],
        "organization_fields": [f["field_code"] for f in account.organization_fields],
        "lead_fields": [f["key"] for f in account.lead_fields],
        "deal_v1_fields": [f["key"] for f in account.deal_fields_v1],
        "lead_labels": [x["id"] for x in account.lead_labels],
        "lead_sources": [x["name"] for x in account.lead_sources],
        "users": [u["id"] for u in account.users],
        "pipelines": [p["id"] for p in account.pipelines],
        "stages": [s["id"] for s in account.stages],
        "currencies": [c["code"] for c in account.currencies],
        "activity_types": [t["id"] for t in account.activity_types],
    }


def identity(kind: str, record: Any) -> Any:
    if kind.endswith("_fields"):
        return record.key
    if kind == "lead_sources":
        return record.name
    if kind == "currencies":
        return record.code
    return record.id


async def test_every_lookup_kind_loads_from_the_demo(
    client: PipedriveClient, demo: DemoPipedrive, account: DemoAccount
) -> None:
    lookups = Lookups(client)
    expected = expected_lookups(account)
    assert set(KINDS) == set(expected)
    for name, ids in expected.items():
        records = await lookups.get(name)
        assert all(isinstance(r, KINDS[name].model) for r in records), name
        assert [identity(name, r) for r in records] == ids, name
    assert lookups.fetches == dict.fromkeys(expected, 1)
    sent_before = len(demo.requests)
    assert len(await lookups.get("users")) == 6  # from memory: no new request
    assert len(demo.requests) == sent_before == len(expected)
    stages = await lookups.stages(pipeline_id=3)
    assert [s.name for s in stages] == ["Upcoming", "In discussion", "Quote sent", "Committed"]
    assert (await lookups.currencies())["JPY"].decimal_points == 0
    assert set(await lookups.users()) == {101, 102, 103, 104, 105, 106}
    assert len(await lookups.fields("deal")) == 43
    assert isinstance((await lookups.lead_labels())[account.lead_labels[0]["id"]], m.LeadLabel)
    assert len(demo.requests) == sent_before


async def test_lookups_single_flight_under_concurrency(
    demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.latency(0.001)  # the answer really is in flight while the others ask
    async with make_client(demo, fake_time, transport=demo.async_transport()) as client:
        lookups = Lookups(client)
        results = await asyncio.gather(*(lookups.get("users") for _ in range(5)))
    assert all(r is results[0] for r in results)
    assert [u.id for u in results[0]] == [101, 102, 103, 104, 105, 106]
    assert [r.path for r in demo.requests] == ["/v1/users"]
    assert lookups.fetches == {"users": 1}


async def test_a_failed_lookup_is_not_cached(
    client: PipedriveClient, demo: DemoPipedrive, plan: FaultPlan, fake_time: FakeTime
) -> None:
    plan.server_error(500, count=3, path="/v1/currencies")
    lookups = Lookups(client)
    with pytest.raises(e.ServerError):
        await lookups.get("currencies")
    assert lookups.peek("currencies") is None and lookups.fetches == {}
    assert len(await lookups.get("currencies")) == 8  # the next call asks again
    assert [s for _m, _p, s in sent(demo)] == [500, 500, 500, 200]
    assert fake_time.sleeps == [0.5, 1.0]
