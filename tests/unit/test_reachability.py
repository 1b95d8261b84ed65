"""The client says when Pipedrive cannot be used, and when it answers again."""

from __future__ import annotations

import httpx
import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import PipedriveConnectionError, PipedriveTimeoutError
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive


async def _no_wait(_seconds: float) -> None:
    return None


class Flaky(httpx.AsyncBaseTransport):
    """Refuses connections, times out, or lets the demo answer."""

    def __init__(self) -> None:
        self.mode = "down"
        self.demo = DemoPipedrive(generate(7, 20), clock=lambda: 0.0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.mode == "down":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.mode == "slow":
            raise httpx.ReadTimeout("timed out", request=request)
        return await self.demo.handle_async(request)


def _client(transport: httpx.AsyncBaseTransport) -> PipedriveClient:
    return PipedriveClient(
        "https://demo.pipedrive-tui.invalid", api_token="demo", transport=transport,
        sleep=_no_wait, jitter=lambda: 0.0, limiter=Limiter(1000, 2.0),
        max_retries=1, max_rate_limit_retries=0, clock=lambda: 42.0,
    )  # fmt: skip


async def test_unreachable_then_reachable_again() -> None:
    flaky = Flaky()
    client = _client(flaky)
    seen: list[str | None] = []
    client.rate_limit.subscribe(lambda state: seen.append(state.unreachable))
    with pytest.raises(PipedriveConnectionError):
        await client.get_current_user()
    assert client.rate_limit.unreachable == "cannot connect"
    assert client.rate_limit.unreachable_since == 42.0
    assert "OFFLINE: cannot connect" in client.rate_limit.summary()
    flaky.mode = "slow"
    with pytest.raises(PipedriveTimeoutError):
        await client.get_current_user()
    assert client.rate_limit.unreachable == "no answer in time"
    flaky.mode = "up"
    await client.get_current_user()
    assert client.rate_limit.unreachable is None and "OFFLINE" not in client.rate_limit.summary()
    assert seen[0] == "cannot connect" and None in seen
    await client.aclose()
