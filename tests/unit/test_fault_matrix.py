"""The fault matrix, client side: every fault the demo injects, met by a real client.

One client per case, with the retry settings the app uses (``max_retries=2``,
``max_rate_limit_retries=3``, back-off 0.5 s, jitter 0) and a fake sleep that records each wait.
Each fault is met by a read (``GET``, repeated after a 5xx or a lost answer) and by two writes
(``PATCH`` and ``POST``, never repeated unless Pipedrive refused them unserved with a 429). For
each one the test asserts what the demo saw (every request, in order, with its status), what the
client slept, the error and its message, the client's rate-limit state, and that the next call
after the fault has passed succeeds with one request.

The first tests pin the two faults added for this matrix: a connection reset and an outage.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api import models as m
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.server import run_server_in_thread
from tests.helpers import FakeTime, demo_client

TOKEN = "tok-7f3c9e-never-shown"
BASE = "https://demo.invalid"


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(seed=7, size=120)


# --- the two new faults, at the demo ---------------------------------------------------------


def test_a_connection_reset_is_raised_by_the_transport(account: DemoAccount) -> None:
    plan = FaultPlan().connection_reset(1, path="/api/v2/pipelines")
    demo = DemoPipedrive(account, token=TOKEN, faults=plan)
    with httpx.Client(transport=demo.transport(), base_url=BASE,
                      headers={"x-api-token": TOKEN}) as http:  # fmt: skip
        with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
            http.get("/api/v2/pipelines")
        assert http.get("/api/v2/pipelines").status_code == 200
        assert http.get("/api/v2/stages").status_code == 200  # other paths untouched
    assert [(r.path, r.status) for r in demo.requests] == [
        ("/api/v2/pipelines", None),
        ("/api/v2/pipelines", 200),
        ("/api/v2/stages", 200),
    ]
    assert plan.log == [("connection_reset", "GET", "/api/v2/pipelines")]


def test_an_outage_refuses_everything_until_the_server_comes_back(account: DemoAccount) -> None:
    plan = FaultPlan().server_error(500, count=1)
    demo = DemoPipedrive(account, token=TOKEN, faults=plan)
    plan.go_down()
    with httpx.Client(transport=demo.transport(), base_url=BASE,
                      headers={"x-api-token": TOKEN}) as http:  # fmt: skip
        for path in ("/api/v2/pipelines", "/v1/users/me"):
            with pytest.raises(httpx.ConnectError, match="Connection refused"):
                http.get(path)
        with pytest.raises(httpx.ConnectError):
            http.patch("/api/v2/deals/6", json={"title": "Not while away"})
        assert plan.rules[0].seen == 0  # nothing reached the server: no rule counted it
        plan.come_back()
        assert http.get("/api/v2/pipelines").status_code == 500  # the rule applies again
        assert http.get("/api/v2/pipelines").status_code == 200
    deal = demo.store.deal(6)
    assert deal is not None and deal["title"] != "Not while away"
    assert [r.status for r in demo.requests] == [None, None, None, 500, 200]
    assert [kind for kind, _m, _p in plan.log] == ["outage"] * 3 + ["server_error"]
    # Only the one answered request was charged: the refused ones cost nothing.
    assert {op: entry.calls for op, entry in demo.ledger.items()} == {"getPipelines": 1}


def test_the_loopback_server_resets_the_socket(account: DemoAccount) -> None:
    plan = FaultPlan().connection_reset(1)
    server, _port = run_server_in_thread(account=account, faults=plan, token=TOKEN)
    try:
        with httpx.Client(base_url=server.url, headers={"x-api-token": TOKEN}) as http:
            with pytest.raises(httpx.ReadError):  # an RST: "connection reset by peer"
                http.get("/api/v2/pipelines")
            assert http.get("/api/v2/pipelines").status_code == 200
            plan.go_down()
            with pytest.raises(httpx.TransportError):
                http.get("/api/v2/pipelines")
            plan.come_back()
            assert http.get("/api/v2/pipelines").status_code == 200
    finally:
        server.stop()
    assert [r.status for r in server.demo.requests] == [None, 200, None, 200]
    with pytest.raises(OSError):  # stopped: the port is closed
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


# --- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One client call: the request it sends, whether it may be repeated, how to check it."""

    method: str
    path: str
    operation: str
    send: Callable[[PipedriveClient], Awaitable[Any]]
    check: Callable[[Any], bool]

    @property
    def idempotent(self) -> bool:
        return self.method == "GET"


CALLS = {
    "GET": Call(
        "GET", "/api/v2/deals/6", "getDeal",
        lambda c: c.get_deal(6),
        lambda deal: isinstance(deal, m.Deal) and deal.id == 6,
    ),
    "PATCH": Call(
        "PATCH", "/api/v2/deals/6", "updateDeal",
        lambda c: c.update_deal(6, title="Renamed in the matrix"),
        lambda deal: isinstance(deal, m.Deal) and deal.title == "Renamed in the matrix",
    ),
    "POST": Call(
        "POST", "/v1/leadLabels", "addLeadLabel",
        lambda c: c.add_lead_label("Matrix", "green"),
        lambda label: isinstance(label, m.LeadLabel) and label.name == "Matrix",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What one call meets: the statuses the demo saw (``None``: no answer), the waits, the end.

    ``message`` may hold ``{op}`` (the call's operationId) and ``{base}`` (the base URL).
    """

    statuses: tuple[int | None, ...]
    sleeps: tuple[float, ...] = ()
    error: type[e.PipedriveError] | None = None
    message: str = ""
    unreachable: str | None = None
    waits: int = 0
    blocked: bool = False
    #: A write sent whose answer never came: it may or may not have been applied.
    unknown: bool = False


@dataclass(frozen=True)
class Fault:
    """A fault armed on the call's method and path, its outcomes, and how it goes away."""

    id: str
    arm: Callable[[FaultPlan, str, str], object]
    read: Outcome
    write: Outcome
    #: A second call while the fault lasts (``None``: not asked).
    again: Outcome | None = None
    #: Seconds the clock moves before the fault counts as over (a block's cool-down).
    pause: float = 0.0


TIMEOUT = "Pipedrive did not answer in time. Check the connection and refresh."
TIMEOUT_AFTER_WRITE = (
    "Pipedrive did not answer in time after the change was sent: it may or may not be saved."
)
DROPPED_AFTER_WRITE = (
    "The connection to Pipedrive dropped after the change was sent (ReadError): it may or may "
    "not be saved."
)
CANNOT_CONNECT = (
    "Could not reach Pipedrive at {base}: {kind}. Check the network and the company domain or "
    "base URL."
)
SERVER_500 = (
    "Pipedrive had a server error (500). Try again in a moment. (Internal server error — Please "
    "check developers.pipedrive.com for more information about Pipedrive API.)"
)
GATEWAY = "Pipedrive had a server error ({status}). Try again in a moment."
NOT_JSON = (
    "Pipedrive sent an answer that is not valid JSON ({op}). Refresh to retry; if it persists, "
    "a proxy between you and Pipedrive may be rewriting answers."
)
RATE_LIMITED = (
    "Pipedrive is rate limiting this token (429) and retries ran out. Wait a few seconds and "
    "refresh."
)
BUDGET = (
    "The company's daily Pipedrive API budget is used up (429, 0 tokens left). Calls fail until "
    "it resets at midnight server time; cached data stays readable."
)
BLOCKED = (
    "Pipedrive blocked this client (403 block page), usually after too many requests. Stop for "
    "a few minutes before trying again; the app will not retry on its own."
)
HOLDING_OFF = (
    "Pipedrive blocked this client after too many requests; the app is holding off for 300 s "
    "more before it calls again."
)
REVOKED = (
    "Pipedrive did not accept the API token (401). Check it under Settings → Personal "
    "preferences → API in Pipedrive, then connect again (ctrl+p → Connect a Pipedrive account) "
    "or set PIPEDRIVE_API_TOKEN."
)


def _gateway(status: int) -> Fault:
    failed = Outcome((status,) * 3, (0.5, 1.0), e.ServerError, GATEWAY.format(status=status),
                     f"Pipedrive server errors ({status})")  # fmt: skip
    return Fault(
        f"{status}-html-page",
        lambda p, method, path: p.server_error(status, count=None, path=path, method=method),
        read=failed,
        write=Outcome(
            (status,),
            (),
            e.ServerError,
            GATEWAY.format(status=status),
            f"Pipedrive server errors ({status})",
        ),
    )


def _lost(kind: str, arm: Callable[[FaultPlan, str, str], object], count: int | None) -> Fault:
    """A request that gets no answer (a timeout, a reset): a read is repeated, a write is not
    (its outcome is unknown: it was sent)."""
    if kind == "timeout":
        error: type[e.PipedriveError] = e.PipedriveTimeoutError
        message, reason, after_write = TIMEOUT, "no answer in time", TIMEOUT_AFTER_WRITE
    else:
        error, reason = e.PipedriveConnectionError, "cannot connect"
        message, after_write = CANNOT_CONNECT.replace("{kind}", "ReadError"), DROPPED_AFTER_WRITE
    read = (
        Outcome((None, 200), (0.5,))
        if count == 1
        else Outcome((None,) * 3, (0.5, 1.0), error, message, reason)
    )
    write = Outcome((None,), (), error, after_write, reason, unknown=True)
    return Fault(f"{kind}-{'once' if count == 1 else 'always'}", arm, read, write)


FAULTS = [
    _lost("timeout", lambda p, method, path: p.timeout(1, path=path, method=method), 1),
    _lost("timeout", lambda p, method, path: p.timeout(None, path=path, method=method), None),
    _lost("reset", lambda p, method, path: p.connection_reset(1, path=path, method=method), 1),
    _lost(
        "reset", lambda p, method, path: p.connection_reset(None, path=path, method=method), None
    ),
    Fault(
        "500-burst-within-retries",
        lambda p, method, path: p.server_error(500, count=2, path=path, method=method),
        read=Outcome((500, 500, 200), (0.5, 1.0)),
        write=Outcome((500,), (), e.ServerError, SERVER_500, "Pipedrive server errors (500)"),
    ),
    Fault(
        "500-burst-past-retries",
        lambda p, method, path: p.server_error(500, count=3, path=path, method=method),
        read=Outcome(
            (500,) * 3, (0.5, 1.0), e.ServerError, SERVER_500, "Pipedrive server errors (500)"
        ),
        write=Outcome((500,), (), e.ServerError, SERVER_500, "Pipedrive server errors (500)"),
    ),
    _gateway(502),
    _gateway(503),
    _gateway(504),
    Fault(
        "malformed-json",
        lambda p, method, path: p.malformed_json(1, path=path, method=method),
        read=Outcome((200,), (), e.InvalidResponseError, NOT_JSON),
        write=Outcome((200,), (), e.InvalidResponseError, NOT_JSON),
    ),
    Fault(
        "429-reset-header",
        lambda p, method, path: p.rate_limit(2, path=path, method=method, reset=5),
        read=Outcome((429, 429, 200), (5.0, 5.0), waits=2),
        write=Outcome((429, 429, 200), (5.0, 5.0), waits=2),  # refused unserved: safe to resend
    ),
    Fault(
        "429-retry-after",  # Retry-After wins over x-ratelimit-reset
        lambda p, method, path: p.rate_limit(1, path=path, method=method, reset=5, retry_after=3),
        read=Outcome((429, 200), (3.0,), waits=1),
        write=Outcome((429, 200), (3.0,), waits=1),
    ),
    Fault(
        "429-no-reset-header",  # no hint: 2 s, never a zero-wait storm
        lambda p, method, path: p.rate_limit(2, path=path, method=method, reset=None),
        read=Outcome((429, 429, 200), (2.0, 2.0), waits=2),
        write=Outcome((429, 429, 200), (2.0, 2.0), waits=2),
    ),
    Fault(
        "429-reset-far-away",  # an hour's reset: one wait is capped at max_wait (60 s)
        lambda p, method, path: p.rate_limit(1, path=path, method=method, reset=3600),
        read=Outcome((429, 200), (60.0,), waits=1),
        write=Outcome((429, 200), (60.0,), waits=1),
    ),
    Fault(
        "429-storm",
        lambda p, method, path: p.rate_limit(None, path=path, method=method, reset=2),
        read=Outcome((429,) * 4, (2.0,) * 3, e.RateLimitError, RATE_LIMITED, waits=3),
        write=Outcome((429,) * 4, (2.0,) * 3, e.RateLimitError, RATE_LIMITED, waits=3),
    ),
    Fault(
        "daily-budget",
        lambda p, method, path: p.daily_budget(path=path, method=method),
        read=Outcome((429,), (), e.DailyBudgetExhaustedError, BUDGET, "daily token budget used up"),
        write=Outcome(
            (429,), (), e.DailyBudgetExhaustedError, BUDGET, "daily token budget used up"
        ),
    ),
    Fault(
        "cloudflare-block",
        lambda p, method, path: p.cloudflare_block(path=path, method=method),
        read=Outcome((403,), (), e.BlockedError, BLOCKED, blocked=True),
        write=Outcome((403,), (), e.BlockedError, BLOCKED, blocked=True),
        again=Outcome((), (), e.BlockedError, HOLDING_OFF, blocked=True),  # nothing sent
        pause=301.0,
    ),
    Fault(
        "revoked-token",
        lambda p, method, path: p.revoke_token(path=path),
        read=Outcome((401,), (), e.AuthenticationError, REVOKED),
        write=Outcome((401,), (), e.AuthenticationError, REVOKED),
        again=Outcome((401,), (), e.AuthenticationError, REVOKED),  # still refused, no retry
    ),
    Fault(
        "outage",
        lambda p, method, path: p.go_down(),
        read=Outcome(
            (None,) * 3,
            (0.5, 1.0),
            e.PipedriveConnectionError,
            CANNOT_CONNECT.replace("{kind}", "ConnectError"),
            "cannot connect",
        ),
        write=Outcome(
            (None,),
            (),
            e.PipedriveConnectionError,
            CANNOT_CONNECT.replace("{kind}", "ConnectError"),
            "cannot connect",
        ),
        again=Outcome(
            (None,) * 3,
            (0.5, 1.0),
            e.PipedriveConnectionError,
            CANNOT_CONNECT.replace("{kind}", "ConnectError"),
            "cannot connect",
        ),
    ),
]


def assert_readable(message: str) -> None:
    """One line of plain prose for a person: no markup, HTML, traceback, exception repr or token."""
    assert message and message == message.strip()
    assert "\n" not in message and "\x1b" not in message
    assert message[0].isupper() and message.endswith((".", ")"))
    assert len(message) <= 260
    for leak in (TOKEN, "Traceback", "<html", "<!DOCTYPE", "cloudflare", "Errno", "httpx", "[/"):
        assert leak.lower() not in message.lower()


async def _meet(
    client: PipedriveClient, call: Call, demo: DemoPipedrive, fake_time: FakeTime, want: Outcome
) -> None:
    """Send ``call`` once and check it met ``want`` (requests, waits, error, message)."""
    seen, slept = len(demo.requests), len(fake_time.sleeps)
    if want.error is None:
        assert call.check(await call.send(client))
    else:
        with pytest.raises(e.PipedriveError) as caught:
            await call.send(client)
        error = caught.value
        assert type(error) is want.error
        expected = want.message.format(op=call.operation, base=BASE)
        assert str(error) == expected
        assert_readable(str(error))
        assert TOKEN not in repr(error)
        assert error.operation == call.operation
        assert error.outcome_unknown is want.unknown
    sent = demo.requests[seen:]
    assert [(r.method, r.path) for r in sent] == [(call.method, call.path)] * len(want.statuses)
    assert tuple(r.status for r in sent) == want.statuses
    waits = fake_time.sleeps[slept:]
    assert tuple(waits) == want.sleeps
    assert all(wait >= 0.5 for wait in waits)  # never a zero-wait storm


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
async def test_fault_matrix(
    account: DemoAccount, fake_time: FakeTime, fault: Fault, method: str
) -> None:
    call = CALLS[method]
    plan = FaultPlan()
    demo = DemoPipedrive(account, token=TOKEN, faults=plan, clock=fake_time.clock)
    client = demo_client(
        demo.transport(), fake_time, api_token=TOKEN, base_url=BASE,
        max_retries=2, max_rate_limit_retries=3,
    )  # fmt: skip
    reasons: list[str | None] = []
    client.rate_limit.subscribe(lambda state: reasons.append(state.unreachable))
    want = fault.read if call.idempotent else fault.write
    fault.arm(plan, call.method, call.path)
    async with client:
        await _meet(client, call, demo, fake_time, want)
        state = client.rate_limit
        assert state.unreachable == want.unreachable
        if want.unreachable is not None:
            assert want.unreachable in reasons  # the app's listener heard it
        assert state.blocked is want.blocked
        assert state.waits == want.waits
        if fault.again is not None:
            again = fault.again if call.idempotent else Outcome(
                fault.again.statuses[:1], (), fault.again.error, fault.again.message,
                fault.again.unreachable, blocked=fault.again.blocked,
            )  # fmt: skip
            await _meet(client, call, demo, fake_time, again)
            assert client.rate_limit.blocked is again.blocked
        # The fault passes (the server comes back, a block's cool-down ends): one call works.
        plan.come_back() if fault.id == "outage" else plan.clear()
        fake_time.now += fault.pause
        await _meet(client, call, demo, fake_time, Outcome((200,)))
        assert client.rate_limit.unreachable is None
        assert client.rate_limit.blocked is False
    for request in demo.requests:  # the token never travels in a URL
        assert TOKEN not in request.path and TOKEN not in str(request.params)


async def test_an_unreadable_answer_to_a_write_was_applied(
    account: DemoAccount, fake_time: FakeTime
) -> None:
    """A write whose answer is cut in half happened on the server: reading it again shows it."""
    plan = FaultPlan().malformed_json(1, method="PATCH")
    demo = DemoPipedrive(account, token=TOKEN, faults=plan, clock=fake_time.clock)
    async with demo_client(demo.transport(), fake_time, api_token=TOKEN) as client:
        with pytest.raises(e.InvalidResponseError):
            await client.update_deal(6, title="Half an answer")
        assert (await client.get_deal(6)).title == "Half an answer"
    assert [(r.method, r.status) for r in demo.requests] == [("PATCH", 200), ("GET", 200)]


async def test_a_block_in_the_middle_of_a_429_storm_stops_the_retries(
    account: DemoAccount, fake_time: FakeTime
) -> None:
    """Two 429s, then the block page: the third wait never happens, every path stops."""
    plan = FaultPlan().rate_limit(2, reset=1).cloudflare_block()
    demo = DemoPipedrive(account, token=TOKEN, faults=plan, clock=fake_time.clock)
    async with demo_client(demo.transport(), fake_time, api_token=TOKEN) as client:
        with pytest.raises(e.BlockedError):
            await client.list_pipelines()
        with pytest.raises(e.BlockedError, match="holding off"):
            await client.get_current_user()
        assert client.rate_limit.blocked and client.rate_limit.waits == 2
    assert [r.status for r in demo.requests] == [429, 429, 403]
    assert fake_time.sleeps == [1.0, 1.0]


async def test_the_blocked_mark_ends_with_the_cool_down(
    account: DemoAccount, fake_time: FakeTime
) -> None:
    plan = FaultPlan().cloudflare_block(count=1)
    demo = DemoPipedrive(account, token=TOKEN, faults=plan, clock=fake_time.clock)
    async with demo_client(demo.transport(), fake_time, api_token=TOKEN) as client:
        with pytest.raises(e.BlockedError):
            await client.list_pipelines()
        assert client.rate_limit.blocked
        fake_time.now += 301  # the cool-down is over; nothing was sent meanwhile
        assert "BLOCKED" not in client.rate_limit.summary()
        assert client.rate_limit.blocked is False
