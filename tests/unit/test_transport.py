"""The client's sending: auth header, error mapping, 429 handling, retries, limiter, token costs."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from tests.helpers import FakeTime

Handler = Callable[[httpx.Request], httpx.Response]

OK_USER = {"success": True, "data": {"id": 1, "name": "Ada", "company_name": "Acme"}}


def make_client(handler: Handler, fake_time: FakeTime, **options: object) -> PipedriveClient:
    return PipedriveClient(
        "https://acme.pipedrive.com",
        api_token="secret-token-123",
        transport=httpx.MockTransport(handler),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        jitter=lambda: 0.0,
        limiter=Limiter(1000, 2.0, clock=fake_time.clock, sleep=fake_time.sleep),
        **options,
    )


class Script:
    """Answers requests from a list of responses, recording every request."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        return item


def ok(body: object = OK_USER, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


async def test_token_travels_in_header_only(fake_time: FakeTime) -> None:
    script = Script(ok())
    async with make_client(script, fake_time) as client:
        await client.get_current_user()
    request = script.requests[0]
    assert request.headers["x-api-token"] == "secret-token-123"
    assert "secret-token-123" not in str(request.url)
    assert request.url.path == "/v1/users/me"


async def test_oauth_token_uses_bearer(fake_time: FakeTime) -> None:
    script = Script(ok())
    client = PipedriveClient(
        "https://acme.pipedrive.com", oauth_token="oauth-abc", transport=httpx.MockTransport(script)
    )
    await client.get_current_user()
    await client.aclose()
    assert script.requests[0].headers["authorization"] == "Bearer oauth-abc"
    assert "x-api-token" not in script.requests[0].headers


async def test_token_refused_as_query_parameter(fake_time: FakeTime) -> None:
    async with make_client(Script(ok()), fake_time) as client:
        with pytest.raises(ValueError, match="header"):
            await client.call("list_users", params={"api_token": "x"})


def test_company_domain_builds_base_url() -> None:
    client = PipedriveClient.for_company("acme")
    assert client.base_url == "https://acme.pipedrive.com"
    assert PipedriveClient.for_company("acme.pipedrive.com").base_url == client.base_url
    with pytest.raises(ValueError):
        PipedriveClient.for_company("bad domain/x")


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error_type", "needle"),
    [
        (
            400,
            {"success": False, "error": "Bad stage", "error_info": "See docs"},
            "json",
            e.BadRequestError,
            "Bad stage — See docs",
        ),
        (
            401,
            {"success": False, "error": "unauthorized access", "errorCode": 401},
            "json",
            e.AuthenticationError,
            "API token",
        ),
        (
            402,
            {"success": False, "error": "Payment required"},
            "json",
            e.PaymentRequiredError,
            "plan",
        ),
        (
            403,
            {"success": False, "error": "You do not have permissions to do this."},
            "json",
            e.ForbiddenError,
            "permissions",
        ),
        (
            403,
            "<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title></html>",
            "text/html",
            e.BlockedError,
            "blocked",
        ),
        (
            404,
            {"success": False, "error": "Deal not found"},
            "json",
            e.NotFoundError,
            "Deal not found",
        ),
        (500, "<html>oops</html>", "text/html", e.ServerError, "server error (500)"),
        (503, {"success": False, "error": "Unavailable"}, "json", e.ServerError, "(503)"),
        (418, "I'm a teapot", "text/plain", e.PipedriveError, "418"),
    ],
)
async def test_error_mapping(
    fake_time: FakeTime,
    status: int,
    body: object,
    content_type: str,
    error_type: type[e.PipedriveError],
    needle: str,
) -> None:
    if isinstance(body, str):
        response = httpx.Response(status, text=body, headers={"content-type": content_type})
    else:
        response = httpx.Response(status, json=body)
    async with make_client(Script(response), fake_time, max_retries=0) as client:
        with pytest.raises(error_type) as caught:
            await client.get_current_user()
    assert type(caught.value) is error_type
    assert needle in str(caught.value)
    assert caught.value.status == status
    assert "secret-token-123" not in str(caught.value)


async def test_success_false_with_200_is_an_error(fake_time: FakeTime) -> None:
    body = {"success": False, "error": "Invalid filter"}
    async with make_client(Script(ok(body)), fake_time) as client:
        with pytest.raises(e.BadRequestError, match="Invalid filter"):
            await client.list_users()


async def test_invalid_json(fake_time: FakeTime) -> None:
    response = httpx.Response(
        200, text='{"success": true, "data": [', headers={"content-type": "application/json"}
    )
    async with make_client(Script(response), fake_time) as client:
        with pytest.raises(e.InvalidResponseError, match="not valid JSON"):
            await client.list_users()


async def test_body_that_fails_validation(fake_time: FakeTime) -> None:
    body = {"success": True, "data": [{"id": "not-a-number", "name": "x"}]}
    async with make_client(Script(ok(body)), fake_time) as client:
        with pytest.raises(e.InvalidResponseError, match=r"getUsers.*record 0\.id"):
            await client.list_users()


async def test_timeout_is_retried_for_gets_then_reported(fake_time: FakeTime) -> None:
    script = Script(httpx.ReadTimeout("slow"))
    async with make_client(script, fake_time, max_retries=2) as client:
        with pytest.raises(e.PipedriveTimeoutError):
            await client.list_users()
    assert len(script.requests) == 3
    assert fake_time.sleeps == [0.5, 1.0]


async def test_connection_error(fake_time: FakeTime) -> None:
    script = Script(httpx.ConnectError("refused"))
    async with make_client(script, fake_time, max_retries=1) as client:
        with pytest.raises(e.PipedriveConnectionError, match=r"acme\.pipedrive\.com"):
            await client.list_users()
    assert len(script.requests) == 2


async def test_5xx_retried_for_get_and_recovers(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(502, text="bad gateway"), ok({"success": True, "data": []}))
    async with make_client(script, fake_time) as client:
        assert await client.list_users() == []
    assert len(script.requests) == 2


async def test_5xx_not_retried_for_patch(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(500, json={"success": False, "error": "boom"}))
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.ServerError):
            await client.update_deal(1, title="x")
    assert len(script.requests) == 1


async def test_timeout_not_retried_for_patch(fake_time: FakeTime) -> None:
    script = Script(httpx.ReadTimeout("slow"))
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.PipedriveTimeoutError):
            await client.update_deal(1, title="x")
    assert len(script.requests) == 1


def too_many(reset: str = "2", **extra: str) -> httpx.Response:
    headers = {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    headers.update(extra)
    return httpx.Response(
        429, json={"success": False, "error": "Too many requests"}, headers=headers
    )


async def test_429_waits_for_reset_then_succeeds(fake_time: FakeTime) -> None:
    script = Script(
        too_many("3"), ok({"success": True, "data": []}, **{"x-ratelimit-remaining": "39"})
    )
    async with make_client(script, fake_time) as client:
        assert await client.list_users() == []
        assert client.rate_limit.waits == 1
        assert client.rate_limit.remaining == 39
    assert fake_time.sleeps == [3.0]


async def test_429_prefers_retry_after(fake_time: FakeTime) -> None:
    script = Script(too_many("2", **{"retry-after": "7"}), ok({"success": True, "data": []}))
    async with make_client(script, fake_time) as client:
        await client.list_users()
    assert fake_time.sleeps == [7.0]


async def test_429_attempts_are_bounded(fake_time: FakeTime) -> None:
    script = Script(too_many("1"))
    async with make_client(script, fake_time, max_rate_limit_retries=3) as client:
        with pytest.raises(e.RateLimitError) as caught:
            await client.list_users()
    assert type(caught.value) is e.RateLimitError
    assert len(script.requests) == 4  # one call and three bounded retries, no storm
    assert fake_time.sleeps == [1.0, 1.0, 1.0]


async def test_429_with_daily_budget_exhausted_stops_at_once(fake_time: FakeTime) -> None:
    script = Script(too_many("1", **{"x-daily-ratelimit-token-remaining": "0"}))
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.DailyBudgetExhaustedError, match="daily"):
            await client.list_users()
    assert len(script.requests) == 1
    assert fake_time.sleeps == []


async def test_403_after_429_blocks_and_stops(fake_time: FakeTime) -> None:
    block_page = httpx.Response(
        403, text="<html>blocked</html>", headers={"content-type": "text/html"}
    )
    script = Script(too_many("1"), block_page)
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.BlockedError):
            await client.list_users()
        assert client.rate_limit.blocked
        # no retry, and no further request goes out while blocked
        with pytest.raises(e.BlockedError, match="holding off"):
            await client.list_users()
    assert len(script.requests) == 2


async def test_json_403_after_429_is_a_block_too(fake_time: FakeTime) -> None:
    forbidden = httpx.Response(403, json={"success": False, "error": "Forbidden"})
    script = Script(too_many("1"), forbidden)
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.BlockedError):
            await client.list_users()


async def test_block_lifts_after_cooldown(fake_time: FakeTime) -> None:
    block_page = httpx.Response(
        403, text="<html>blocked</html>", headers={"content-type": "text/html"}
    )
    script = Script(block_page, ok({"success": True, "data": []}))
    async with make_client(script, fake_time, block_cooldown=60) as client:
        with pytest.raises(e.BlockedError):
            await client.list_users()
        fake_time.now += 61
        assert await client.list_users() == []
        assert not client.rate_limit.blocked


async def test_read_only_refuses_writes_before_sending(fake_time: FakeTime) -> None:
    script = Script(ok())
    async with make_client(script, fake_time, read_only=True) as client:
        with pytest.raises(e.ReadOnlyError):
            await client.update_deal(1, status="won")
        await client.get_current_user()
    assert [r.method for r in script.requests] == ["GET"]


async def test_rate_limit_headers_are_observable(fake_time: FakeTime) -> None:
    headers = {
        "x-ratelimit-limit": "40",
        "x-ratelimit-remaining": "38",
        "x-ratelimit-reset": "2",
        "x-daily-ratelimit-token-limit": "30000",
        "x-daily-ratelimit-token-remaining": "29980",
    }
    seen: list[int | None] = []
    async with make_client(Script(ok(**headers)), fake_time) as client:
        client.rate_limit.subscribe(lambda state: seen.append(state.remaining))
        await client.get_current_user()
        state = client.rate_limit
    assert (state.limit, state.remaining, state.reset_in) == (40, 38, 2.0)
    assert state.daily_token_remaining == 29980
    assert seen == [38]
    assert "38/40 req" in state.summary() and "29,980 left today" in state.summary()


async def test_token_cost_is_accounted_per_operation(fake_time: FakeTime) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/deals":
            return ok({"success": True, "data": [], "additional_data": {"next_cursor": None}})
        return ok()

    async with make_client(handler, fake_time) as client:
        await client.get_current_user()
        await client.list_deals()
        await client.list_deals()
        rows = client.ledger.rows()
        assert client.ledger.total == 2 + 10 + 10
        assert client.ledger.calls == 3
    assert rows[0] == ("getDeals", 2, 20)
    assert ("getCurrentUser", 1, 2) in rows


async def test_limiter_keeps_bursts_under_the_limit(fake_time: FakeTime) -> None:
    limiter = Limiter(3, 2.0, clock=fake_time.clock, sleep=fake_time.sleep)
    waits = [await limiter.acquire() for _ in range(7)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(2.0)
    # never more than 3 in any 2-second window
    assert fake_time.now == pytest.approx(1004.0)
    assert limiter.waited == pytest.approx(4.0)


async def test_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Limiter(0, 2.0)


async def test_search_has_its_own_lower_limiter(fake_time: FakeTime) -> None:
    body = {"success": True, "data": {"items": []}, "additional_data": {"next_cursor": None}}
    client = PipedriveClient(
        "https://acme.pipedrive.com",
        api_token="t",
        transport=httpx.MockTransport(lambda r: ok(body)),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )
    for _ in range(9):
        await client.search("acme")
    await client.aclose()
    assert client.rate_limit.throttled == 1  # the 9th search waited: 8 per 2 s


async def test_form_encoded_thread_update(fake_time: FakeTime) -> None:
    thread = {"success": True, "data": {"id": 7, "subject": "Hi", "read_flag": 1}}
    script = Script(ok(thread))
    async with make_client(script, fake_time) as client:
        result = await client.update_mail_thread(7, read=True, archived=False)
    request = script.requests[0]
    assert request.method == "PUT"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"read_flag=1&archived_flag=0"
    assert result.read_flag is True


async def test_patch_sends_json(fake_time: FakeTime) -> None:
    deal = {"success": True, "data": {"id": 5, "title": "T", "status": "lost"}}
    script = Script(ok(deal))
    async with make_client(script, fake_time) as client:
        result = await client.update_deal(5, status="lost", lost_reason="Price")
    assert json.loads(script.requests[0].content) == {"status": "lost", "lost_reason": "Price"}
    assert script.requests[0].url.path == "/api/v2/deals/5"
    assert result.status == "lost"


async def test_path_ids_are_escaped(fake_time: FakeTime) -> None:
    script = Script(
        httpx.Response(404, json={"success": False, "error": "requested lead not found"})
    )
    async with make_client(script, fake_time) as client:
        with pytest.raises(e.NotFoundError):
            await client.get_lead("../users/me")
    assert script.requests[0].url.raw_path == b"/v1/leads/..%2Fusers%2Fme"
