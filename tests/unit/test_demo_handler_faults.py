"""Fault injection: each kind of fault, targeting by path, method and count, determinism."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from pipedrive_tui.demo.faults import FaultPlan, FaultRule
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(seed=7, size=200)


def client(demo: DemoPipedrive) -> httpx.Client:
    return httpx.Client(
        transport=demo.transport(), base_url="https://demo.pipedrive.com",
        headers={"x-api-token": "demo"},
    )  # fmt: skip


def statuses(http: httpx.Client, path: str, n: int, method: str = "GET") -> list[int]:
    return [http.request(method, path).status_code for _ in range(n)]


def test_a_burst_of_429s_on_one_path(account: DemoAccount) -> None:
    plan = FaultPlan().rate_limit(3, path="/api/v2/deals", reset=3, retry_after=True)
    demo = DemoPipedrive(account, faults=plan)
    with client(demo) as http:
        limited = http.get("/api/v2/deals")
        assert http.get("/api/v2/pipelines").status_code == 200  # another path passes
        assert statuses(http, "/api/v2/deals/1", 3) == [429, 429, 200]
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.headers["x-ratelimit-reset"] == "3"
    assert limited.headers["retry-after"] == "3"
    assert limited.json()["success"] is False
    assert [kind for kind, _method, _path in plan.log] == ["rate_limit"] * 3
    assert "getDeals" not in demo.ledger  # a refused call costs nothing


def test_429_without_retry_after_by_default(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().rate_limit())
    response = client(demo).get("/v1/users")
    assert response.status_code == 429 and "retry-after" not in response.headers


def test_daily_budget_exhausted(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().daily_budget(path="/v1/"))
    with client(demo) as http:
        refused = http.get("/v1/leads")
        assert http.get("/api/v2/deals").status_code == 200
    assert refused.status_code == 429
    assert refused.headers["x-daily-ratelimit-token-remaining"] == "0"


def test_server_errors(account: DemoAccount) -> None:
    plan = FaultPlan().server_error(500).server_error(503).server_error(502)
    demo = DemoPipedrive(account, faults=plan)
    with client(demo) as http:
        first, second, third, fine = (http.get("/api/v2/stages") for _ in range(4))
    assert first.status_code == 500 and first.json()["success"] is False
    assert second.status_code == 503 and second.headers["content-type"].startswith("text/html")
    assert third.status_code == 502 and b"Bad Gateway" in third.content
    assert fine.status_code == 200
    with pytest.raises(ValueError):
        FaultPlan().server_error(404)


def test_timeouts_raise_read_timeout(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().timeout(2, path="/deals"))
    with client(demo) as http:
        for _ in range(2):
            with pytest.raises(httpx.ReadTimeout):
                http.get("/api/v2/deals")
        assert http.get("/api/v2/deals").status_code == 200


def test_malformed_json_is_a_truncated_200(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().malformed_json())
    with client(demo) as http:
        broken = http.get("/api/v2/deals")
        whole = http.get("/api/v2/deals")
    assert broken.status_code == 200
    assert broken.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)
    assert whole.content.startswith(broken.content)


def test_a_token_revoked_after_n_requests(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().revoke_token(after=2))
    with client(demo) as http:
        codes = statuses(http, "/v1/users/me", 4)
        last = http.get("/v1/users/me").json()
    assert codes == [200, 200, 401, 401]
    assert last == {"success": False, "error": "unauthorized access", "errorCode": 401}


def test_cloudflare_block_page(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().cloudflare_block(count=1))
    with client(demo) as http:
        blocked = http.get("/api/v2/deals")
        assert http.get("/api/v2/deals").status_code == 200
    assert blocked.status_code == 403
    assert blocked.headers["content-type"].startswith("text/html")
    assert b"Cloudflare" in blocked.content and b"blocked" in blocked.content
    assert "x-ratelimit-limit" not in blocked.headers


def test_targeting_by_method_and_after(account: DemoAccount) -> None:
    plan = FaultPlan().server_error(500, method="PATCH", after=1, count=1)
    demo = DemoPipedrive(account, faults=plan)
    with client(demo) as http:
        assert http.get("/api/v2/deals/1").status_code == 200
        patches = [http.patch("/api/v2/deals/1", json={"title": f"T{i}"}) for i in range(3)]
    assert [p.status_code for p in patches] == [200, 500, 200]
    rule = plan.rules[0]
    assert (rule.seen, rule.fired, rule.exhausted) == (3, 1, True)


def test_plans_are_deterministic(account: DemoAccount) -> None:
    def run() -> list[int]:
        plan = FaultPlan(
            [FaultRule("server_error", path="/v1/", count=2, after=1), FaultRule("rate_limit")]
        )
        demo = DemoPipedrive(account, faults=plan)
        with client(demo) as http:
            return [http.get(p).status_code for p in ("/v1/users", "/v1/leads") * 3]

    assert run() == run() == [429, 500, 500, 200, 200, 200]


def test_sync_transport_ignores_latency(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, faults=FaultPlan().latency(5.0))
    started = time.monotonic()
    assert client(demo).get("/v1/users").status_code == 200
    assert time.monotonic() - started < 2.0
    assert demo.respond(httpx.Request("GET", "https://x/v1/users"))[1] == 5.0


async def test_async_transport_waits_out_latency(account: DemoAccount) -> None:
    plan = FaultPlan().latency(0.05, path="/api/v2/").latency(0.02, count=1)
    demo = DemoPipedrive(account, faults=plan)
    async with httpx.AsyncClient(
        transport=demo.async_transport(), base_url="https://x", headers={"x-api-token": "demo"}
    ) as http:
        started = time.monotonic()
        response = await http.get("/api/v2/pipelines")
        elapsed = time.monotonic() - started
        with pytest.raises(httpx.ReadTimeout):
            demo.faults.timeout()
            await http.get("/api/v2/pipelines")
    assert response.status_code == 200
    assert elapsed >= 0.07
