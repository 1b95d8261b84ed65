"""The embedded demo Pipedrive: one object that answers HTTP requests like Pipedrive's API.

:class:`DemoPipedrive` serves every operation of :data:`pipedrive_tui.api.endpoints.ENDPOINTS`
from a generated :class:`~pipedrive_tui.demo.generator.DemoAccount`: v1 under ``/v1/…`` (and
``/api/v1/…``), v2 under ``/api/v2/…``. It checks the API token (``x-api-token`` header or
``Authorization: Bearer``; never the query string), sends Pipedrive's rate-limit headers, charges
each call the operation's token cost, records what it saw, and applies a
:class:`~pipedrive_tui.demo.faults.FaultPlan`. Use :meth:`DemoPipedrive.transport` (or
:meth:`~DemoPipedrive.async_transport`, which honours injected latency) with an ``httpx`` client,
or :func:`pipedrive_tui.demo.server.serve` for a loopback server.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx

from pipedrive_tui.api.costs import PathTable, match_operation, split_path
from pipedrive_tui.api.endpoints import ENDPOINTS, Endpoint
from pipedrive_tui.demo import (
    filters_api,
    lead_convert,
    mailbox,
    routes_v1,
    routes_v2,
    search,
    writes,
)
from pipedrive_tui.demo.faults import (
    FaultDecision,
    FaultPlan,
    fault_error,
    fault_response,
    truncate,
)
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.responses import ERROR_INFO, ApiError, Request, error_body
from pipedrive_tui.demo.store import DemoStore

__all__ = ["DemoPipedrive", "LedgerEntry", "Outcome", "RecordedRequest"]

log = logging.getLogger("pipedrive_tui.demo")

Handler = Callable[[DemoStore, Request], dict[str, Any]]
#: What the demo does with a request: an answer or a transport error to raise (a timeout, a reset,
#: a refused connection), after a delay (seconds).
Outcome = tuple[httpx.Response | httpx.TransportError, float]

_UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}
_QUERY_TOKEN = {
    "success": False,
    "error": "unauthorized access: send the API token in the x-api-token header; "
    "a token in the query string (api_token) is not accepted",
    "errorCode": 401,
}
_REDACTED = "[redacted]"
#: Tokens per seat per day on Pipedrive's Growth plan (30,000 base × multiplier 2).
_TOKENS_PER_SEAT = 60_000


def _all_routes() -> dict[str, Handler]:
    routes: dict[str, Handler] = {}
    for module in (routes_v2, writes, search, routes_v1, mailbox, filters_api, lead_convert):
        routes.update(module.ROUTES)
    return routes


@dataclass
class RecordedRequest:
    """A request the demo saw (never its token): for tests to assert on."""

    method: str
    path: str
    params: dict[str, str]
    body: Any = None
    content_type: str = ""
    status: int | None = None
    operation_id: str | None = None


@dataclass
class LedgerEntry:
    """The calls and tokens charged to one operation."""

    calls: int = 0
    tokens: int = 0


@dataclass
class _Window:
    """The fixed 2-second burst window of the rate limiter."""

    start: float = 0.0
    count: int = 0


class DemoPipedrive:
    """A fake Pipedrive company account that answers ``httpx`` requests.

    Args:
        account: the account to serve; generated from ``seed`` and ``size`` when omitted.
        seed: the generator's seed.
        size: the number of deals to generate.
        token: the API token requests must carry.
        faults: the fault plan (an empty one by default; replaceable at any time).
        clock: a monotonic clock in seconds (``time.monotonic``); it drives the rate-limit
            window and moves the account's fixed "now" forward for the timestamps of writes.
        burst_limit: requests per 2-second window announced in ``x-ratelimit-limit``.
        enforce_burst_limit: answer 429 past the burst limit (off by default: the headers only
            count down, and faults inject 429s deterministically).
        daily_token_limit: the daily token budget (60,000 per active user by default); once it
            is spent every request gets a 429 with ``x-daily-ratelimit-token-remaining: 0``.
        freeze_gc: once the account is built, move it out of the garbage collector's reach
            (``gc.freeze``): for the app, where the account lives as long as the process.
    """

    def __init__(
        self,
        account: DemoAccount | None = None,
        *,
        seed: int = 7,
        size: int = 1000,
        token: str = "demo",
        faults: FaultPlan | None = None,
        clock: Callable[[], float] | None = None,
        burst_limit: int = 40,
        enforce_burst_limit: bool = False,
        daily_token_limit: int | None = None,
        freeze_gc: bool = False,
    ) -> None:
        # The account is generated on first use (in a worker thread with ``offload``), so that
        # the app paints its first frame before a large demo account exists.
        self._seed, self._size = seed, size
        self._account = account
        self._store: DemoStore | None = None
        self._build_lock = threading.Lock()
        self._respond_lock = threading.Lock()
        self._daily_override = daily_token_limit
        self._freeze_gc = freeze_gc
        self._daily_limit = 0
        self._token = token
        self.faults = faults if faults is not None else FaultPlan()
        self._clock = clock or time.monotonic
        self.burst_limit = burst_limit
        self.window = 2.0
        self.enforce_burst_limit = enforce_burst_limit
        #: Tokens charged so far (the daily budget never resets while the demo runs).
        self.tokens_used = 0
        #: Calls and tokens per ``operationId``.
        self.ledger: dict[str, LedgerEntry] = {}
        #: Every request seen, oldest first (the last 10,000).
        self.requests: list[RecordedRequest] = []
        self._window = _Window(start=-math.inf)
        routes = _all_routes()
        missing = [e.name for e in ENDPOINTS if e.name not in routes]
        if missing:
            raise RuntimeError(f"the demo has no route for: {', '.join(missing)}")
        self._table: PathTable[tuple[Endpoint, Handler]] = PathTable(
            (e.method, e.prefix + e.path, (e, routes[e.name])) for e in ENDPOINTS
        )

    def __repr__(self) -> str:
        """The account it serves, never the token."""
        return f"DemoPipedrive(seed={self._seed}, size={self._size})"

    def _ensure_built(self) -> DemoStore:
        with self._build_lock:
            if self._store is None:
                if self._account is None:
                    self._account = generate(seed=self._seed, size=self._size)
                else:
                    self._seed, self._size = self._account.seed, self._account.size
                self._store = DemoStore(self._account, self._clock)
                active = sum(1 for u in self._account.users if u.get("active_flag", True))
                self._daily_limit = self._daily_override or _TOKENS_PER_SEAT * max(1, active)
                if self._freeze_gc:
                    # The account lives as long as the process: keep the garbage collector from
                    # walking its million objects on every full pass (pauses the UI would feel).
                    gc.collect()
                    gc.freeze()
            return self._store

    @property
    def account(self) -> DemoAccount:
        """The account served (generated on first use)."""
        self._ensure_built()
        assert self._account is not None
        return self._account

    @property
    def store(self) -> DemoStore:
        """The account's indexed, writable store (built on first use)."""
        return self._ensure_built()

    @property
    def daily_token_limit(self) -> int:
        """The daily token budget."""
        self._ensure_built()
        return self._daily_limit

    # --- transports --------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (injected latency is not waited for; a timeout is raised)."""
        answer, _delay = self.respond(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        """Answer one request after the injected latency (``asyncio.sleep``)."""
        answer, delay = self.respond(request)
        if delay > 0:
            await asyncio.sleep(delay)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def transport(self) -> httpx.MockTransport:
        """An ``httpx`` transport (sync or async clients) that ignores injected latency."""
        return httpx.MockTransport(self.handle)

    def async_transport(self, *, offload: bool = False) -> httpx.MockTransport:
        """An ``httpx`` transport for async clients that waits out injected latency.

        With ``offload`` each request is answered in a worker thread (one at a time), so that
        generating a large account or scanning 100,000 deals never blocks the event loop.
        """
        return httpx.MockTransport(self.handle_offloaded if offload else self.handle_async)

    async def handle_offloaded(self, request: httpx.Request) -> httpx.Response:
        """Like :meth:`handle_async`, answering in a worker thread."""
        await request.aread()
        answer, delay = await asyncio.to_thread(self._respond_serialized, request)
        if delay > 0:
            await asyncio.sleep(delay)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _respond_serialized(self, request: httpx.Request) -> Outcome:
        with self._respond_lock:
            return self.respond(request)

    # --- the request pipeline ----------------------------------------------------------------

    @property
    def tokens_remaining(self) -> int:
        """What is left of the daily token budget."""
        return max(0, self.daily_token_limit - self.tokens_used)

    def respond(self, request: httpx.Request) -> Outcome:
        """What to answer to ``request`` and how long to wait first (for transports and server)."""
        method, path = request.method.upper(), request.url.path
        record = self._record(request)
        decision = self.faults.decide(method, path)
        answer = self._answer(request, record, decision)
        if isinstance(answer, httpx.Response):
            record.status = answer.status_code
        return answer, decision.delay

    def _answer(
        self, request: httpx.Request, record: RecordedRequest, decision: FaultDecision
    ) -> httpx.Response | httpx.TransportError:
        fault = decision.fault
        away = fault is not None and fault.kind == "outage"  # a server away counts nothing
        headers = {} if away else self._rate_headers()
        raised = fault_error(fault, request) if fault is not None else None
        if raised is not None:
            if fault is not None and fault.after_apply:  # served, then the answer was lost
                self._serve(request, record, headers)
            return raised
        if fault is not None and fault.kind != "malformed_json":
            return fault_response(fault, headers)
        response = self._serve(request, record, headers)
        if fault is not None:
            return truncate(response)
        return response

    def _serve(
        self, request: httpx.Request, record: RecordedRequest, headers: dict[str, str]
    ) -> httpx.Response:
        if not self._authorized(request):
            body = _QUERY_TOKEN if "api_token" in request.url.params else _UNAUTHORIZED
            return _json(401, body, headers)
        if self.enforce_burst_limit and self._window.count > self.burst_limit:
            body = error_body("Request over limit")
            return _json(429, body, {**headers, "x-ratelimit-remaining": "0"})
        path = _normalise(request.url.path)
        found = self._table.match(request.method, path)
        if found is None:
            return _json(404, error_body("Unknown method ."), headers)
        endpoint, handler = found
        operation = match_operation(request.method, path)
        operation_id = operation.operation_id if operation else endpoint.operation_id
        cost = operation.cost if operation else 0
        record.operation_id = operation_id
        if self.tokens_used + cost > self.daily_token_limit:
            body = error_body("Request over limit: the daily API token budget is used up")
            return _json(429, body, {**headers, "x-daily-ratelimit-token-remaining": "0"})
        self.tokens_used += cost
        entry = self.ledger.setdefault(operation_id, LedgerEntry())
        entry.calls += 1
        entry.tokens += cost
        headers["x-daily-ratelimit-token-remaining"] = str(self.tokens_remaining)
        try:
            api_request = self._api_request(request, endpoint, path, record)
            return _json(200, handler(self.store, api_request), headers)
        except ApiError as error:
            return _json(error.status, error.body, headers)
        except Exception as error:  # a bug of the demo: answer like a server would
            log.exception("demo handler failed on %s %s", request.method, path)
            body = error_body(f"Internal demo error: {type(error).__name__}", ERROR_INFO)
            return _json(500, body, headers)

    def _authorized(self, request: httpx.Request) -> bool:
        if request.headers.get("x-api-token") == self._token:
            return True
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and value.strip() == self._token

    def _api_request(
        self, request: httpx.Request, endpoint: Endpoint, path: str, record: RecordedRequest
    ) -> Request:
        template = split_path(endpoint.prefix + endpoint.path)
        path_params = {
            segment[1:-1]: value
            for segment, value in zip(template, split_path(path), strict=False)
            if segment.startswith("{")
        }
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = _parse_body(request.content, content_type)
        record.body = body
        params = dict(request.url.params.multi_items())
        return Request(request.method.upper(), path, params, path_params, body, content_type)

    def _record(self, request: httpx.Request) -> RecordedRequest:
        params = {
            key: (_REDACTED if key == "api_token" else value)
            for key, value in request.url.params.multi_items()
        }
        content_type = request.headers.get("content-type", "")
        record = RecordedRequest(
            request.method.upper(), request.url.path, params, None, content_type
        )
        self.requests.append(record)
        if len(self.requests) > 10_000:
            del self.requests[:5_000]
        return record

    def _rate_headers(self) -> dict[str, str]:
        now = self._clock()
        window = self._window
        if now - window.start >= self.window:
            window.start, window.count = now, 0
        window.count += 1
        reset = max(1, math.ceil(window.start + self.window - now))
        return {
            "x-ratelimit-limit": str(self.burst_limit),
            "x-ratelimit-remaining": str(max(0, self.burst_limit - window.count)),
            "x-ratelimit-reset": str(reset),
            "x-daily-ratelimit-token-limit": str(self.daily_token_limit),
            "x-daily-ratelimit-token-remaining": str(self.tokens_remaining),
        }


def _normalise(path: str) -> str:
    if path.startswith("/api/v1/"):
        path = path[4:]
    return path.rstrip("/") if len(path) > 1 else path


def _parse_body(content: bytes, content_type: str) -> Any:
    if not content:
        return None
    if content_type == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(content.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            raise ApiError(400, error_body("The form body is not valid UTF-8")) from None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, error_body("The request body is not valid JSON")) from None


def _json(status: int, body: Any, headers: dict[str, str]) -> httpx.Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return httpx.Response(
        status, headers={**headers, "content-type": "application/json"}, content=content
    )
