"""Fault injection for the demo Pipedrive: slow answers, 429s, 5xx, timeouts, broken bodies…

A :class:`FaultPlan` is an ordered list of :class:`FaultRule`\\ s. Each rule targets requests by
method and by a substring of the URL path, lets ``after`` matching requests through, then hits
the next ``count`` of them (every later one when ``count`` is ``None``). Nothing is random: the
same requests in the same order always meet the same faults.

What each kind looks like to a client:

* ``latency``: the answer comes ``seconds`` late (``asyncio.sleep`` in the async transport,
  ``time.sleep`` in the loopback server; the sync transport does not wait). Latency rules add up
  and combine with any other fault.
* ``rate_limit``: 429 ``{"success": false, "error": "Request over limit", …}`` with
  ``x-ratelimit-remaining: 0``, ``x-ratelimit-reset: <seconds>`` (none at all with
  ``reset=None``) and, when asked, ``Retry-After`` (the same seconds, or its own).
* ``daily_budget``: 429 with ``x-daily-ratelimit-token-remaining: 0`` (the company's daily token
  budget is used up).
* ``server_error``: 500 with a JSON error body; 502, 503 and 504 with a gateway's HTML page.
* ``timeout``: ``httpx.ReadTimeout`` raised by the transport (the server holds the connection for
  ``seconds``, then closes it without an answer).
* ``connection_reset``: ``httpx.ReadError("[Errno 104] Connection reset by peer")`` raised by the
  transport, before the request is served (the loopback server resets the socket unanswered).
* ``malformed_json``: 200, ``application/json``, and the real body cut in half.
* ``revoked_token``: 401 ``{"success": false, "error": "unauthorized access", "errorCode": 401}``.
* ``cloudflare_block``: 403 ``text/html``: Cloudflare's "Sorry, you have been blocked" page.

An outage is a switch rather than a rule: after :meth:`FaultPlan.go_down` every request fails
with ``httpx.ConnectError("[Errno 111] Connection refused")`` (the loopback server resets each
connection unanswered) until :meth:`FaultPlan.come_back`; no rule counts a request meanwhile,
and the log says ``outage``. The demo still records each attempt (with no status), so that
tests can count what a client tried while the server was away.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

__all__ = [
    "FaultDecision",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "fault_error",
    "fault_response",
    "truncate",
]

FaultKind = Literal[
    "latency",
    "rate_limit",
    "daily_budget",
    "server_error",
    "timeout",
    "malformed_json",
    "revoked_token",
    "cloudflare_block",
    "connection_reset",
    "outage",
]

_ERROR_INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."
_GATEWAY = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class FaultRule:
    """One fault: what it does, which requests it targets, and how many it hits.

    Attributes:
        kind: what happens (see the module docstring).
        path: a substring of the URL path the rule targets (``None``: every path).
        method: the HTTP method it targets (``None``: every method).
        count: how many matching requests it hits (``None``: all of them).
        after: how many matching requests pass untouched before it starts.
        status: the status of a ``server_error``.
        seconds: the delay of ``latency``, the reset of a 429, how long a ``timeout`` holds.
        retry_after: whether a 429 also carries ``Retry-After`` (``True``: the reset's seconds;
            a number: these seconds).
        reset_header: whether a 429 carries ``x-ratelimit-reset`` (false: no reset header).
        after_apply: a raised fault (``timeout``) hits after the server did the work: the write
            is applied and only its answer is lost (the outcome a client cannot know).
    """

    kind: FaultKind
    path: str | None = None
    method: str | None = None
    count: int | None = 1
    after: int = 0
    status: int = 500
    seconds: float = 0.0
    retry_after: bool | float = False
    reset_header: bool = True
    after_apply: bool = False
    seen: int = field(default=0, init=False)
    fired: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is one this rule targets."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or self.path in path

    def take(self, method: str, path: str) -> bool:
        """Count a targeted request; true when the rule hits it."""
        if not self.matches(method, path):
            return False
        self.seen += 1
        if self.seen <= self.after or (self.count is not None and self.fired >= self.count):
            return False
        self.fired += 1
        return True

    @property
    def exhausted(self) -> bool:
        """Whether the rule will never hit again."""
        return self.count is not None and self.fired >= self.count


@dataclass(frozen=True)
class FaultDecision:
    """What the plan decided for one request: a delay, and at most one fault."""

    delay: float = 0.0
    fault: FaultRule | None = None


class FaultPlan:
    """An ordered, deterministic set of fault rules; build it with the chainable methods.

    Example: ``FaultPlan().rate_limit(3, path="/api/v2/deals").latency(0.05)`` answers the next
    three requests to ``/api/v2/deals…`` with 429 and delays every request by 50 ms.
    """

    def __init__(self, rules: Iterable[FaultRule] = ()) -> None:
        """Start with ``rules`` (in order)."""
        self.rules: list[FaultRule] = list(rules)
        #: ``(kind, method, path)`` of every fault that fired, in order.
        self.log: list[tuple[str, str, str]] = []
        #: Whether the server is away (:meth:`go_down`): every request is refused.
        self.down = False

    def add(self, rule: FaultRule) -> FaultPlan:
        """Append a rule; returns the plan."""
        self.rules.append(rule)
        return self

    def clear(self) -> FaultPlan:
        """Drop every rule and the log, and bring the server back."""
        self.rules.clear()
        self.log.clear()
        self.down = False
        return self

    def go_down(self) -> FaultPlan:
        """The server goes away: every request is refused until :meth:`come_back`."""
        self.down = True
        return self

    def come_back(self) -> FaultPlan:
        """The server answers again (the rules apply again, where they left off)."""
        self.down = False
        return self

    def latency(
        self, seconds: float, *, path: str | None = None, method: str | None = None,
        count: int | None = None,
    ) -> FaultPlan:  # fmt: skip
        """Delay matching answers by ``seconds`` (every one by default)."""
        return self.add(FaultRule("latency", path, method, count, seconds=seconds))

    def rate_limit(
        self, count: int | None = 1, *, path: str | None = None, method: str | None = None,
        reset: float | None = 2, retry_after: bool | float = False, after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Answer 429 (burst limit) to the next ``count`` matching requests.

        ``reset=None`` sends no ``x-ratelimit-reset``; ``retry_after`` adds ``Retry-After``.
        """
        rule = FaultRule("rate_limit", path, method, count, after, seconds=reset or 0.0,
                         retry_after=retry_after, reset_header=reset is not None)  # fmt: skip
        return self.add(rule)

    def daily_budget(
        self, count: int | None = None, *, path: str | None = None, method: str | None = None,
        after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Answer 429 with no daily tokens left (every matching request by default)."""
        return self.add(FaultRule("daily_budget", path, method, count, after))

    def server_error(
        self, status: int = 500, *, count: int | None = 1, path: str | None = None,
        method: str | None = None, after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Answer a 5xx (500 JSON; 502, 503, 504 HTML) to the next ``count`` matching requests."""
        if not 500 <= status <= 599:
            raise ValueError(f"a server error needs a 5xx status, not {status}")
        return self.add(FaultRule("server_error", path, method, count, after, status=status))

    def timeout(
        self, count: int | None = 1, *, path: str | None = None, method: str | None = None,
        seconds: float = 0.0, after: int = 0, after_apply: bool = False,
    ) -> FaultPlan:  # fmt: skip
        """Time out the next ``count`` matching requests (``httpx.ReadTimeout``).

        With ``after_apply`` the server first does the work (a write lands), then the answer is
        lost: the client sees the same timeout, and only reading the record back tells.
        """
        rule = FaultRule("timeout", path, method, count, after, seconds=seconds,
                         after_apply=after_apply)  # fmt: skip
        return self.add(rule)

    def connection_reset(
        self, count: int | None = 1, *, path: str | None = None, method: str | None = None,
        after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Reset the connection of the next ``count`` matching requests (``httpx.ReadError``)."""
        return self.add(FaultRule("connection_reset", path, method, count, after))

    def malformed_json(
        self, count: int | None = 1, *, path: str | None = None, method: str | None = None,
        after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Answer 200 with a truncated JSON body to the next ``count`` matching requests."""
        return self.add(FaultRule("malformed_json", path, method, count, after))

    def revoke_token(self, after: int = 0, *, path: str | None = None) -> FaultPlan:
        """Let ``after`` requests through, then answer 401 to every later one."""
        return self.add(FaultRule("revoked_token", path, None, None, after))

    def cloudflare_block(
        self, count: int | None = None, *, path: str | None = None, method: str | None = None,
        after: int = 0,
    ) -> FaultPlan:  # fmt: skip
        """Answer Cloudflare's HTML 403 block page (every matching request by default)."""
        return self.add(FaultRule("cloudflare_block", path, method, count, after))

    def decide(self, method: str, path: str) -> FaultDecision:
        """The delay and the fault (if any) for one request; counts it against the rules."""
        if self.down:  # nothing reaches the server: no rule sees the request
            self.log.append(("outage", method, path))
            return FaultDecision(0.0, FaultRule("outage", count=None))
        delay = 0.0
        fault: FaultRule | None = None
        for rule in self.rules:
            if rule.kind == "latency":
                if rule.take(method, path):
                    delay += rule.seconds
            elif fault is None and rule.take(method, path):
                fault = rule
                self.log.append((rule.kind, method, path))
        if fault is not None and fault.kind == "timeout":
            delay += fault.seconds
        return FaultDecision(delay, fault)


def fault_error(rule: FaultRule, request: httpx.Request) -> httpx.TransportError | None:
    """What the transport raises for a ``timeout``, a ``connection_reset`` or an ``outage``
    (instead of answering); ``None`` for the faults that answer."""
    if rule.kind == "timeout":
        return httpx.ReadTimeout("demo fault: the read timed out", request=request)
    if rule.kind == "connection_reset":
        return httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
    if rule.kind == "outage":
        return httpx.ConnectError("[Errno 111] Connection refused", request=request)
    return None


def _json(status: int, body: object, headers: Mapping[str, str]) -> httpx.Response:
    content = json.dumps(body).encode()
    return httpx.Response(
        status, headers={**headers, "content-type": "application/json"}, content=content
    )


def fault_response(rule: FaultRule, headers: Mapping[str, str]) -> httpx.Response:
    """The answer of a fault rule (not the raised ones, see :func:`fault_error`, or
    ``malformed_json``).

    ``headers`` are the rate-limit headers the request would have had.
    """
    error = {"success": False, "error_info": _ERROR_INFO, "data": None, "additional_data": None}
    if rule.kind == "rate_limit":
        reset = str(max(1, round(rule.seconds)))
        base = {k: v for k, v in headers.items() if k.lower() != "x-ratelimit-reset"}
        extra = {"x-ratelimit-remaining": "0"}
        if rule.reset_header:
            extra["x-ratelimit-reset"] = reset
        if rule.retry_after is True:
            extra["retry-after"] = reset
        elif rule.retry_after is not False:
            extra["retry-after"] = str(max(0, round(rule.retry_after)))
        return _json(429, {**error, "error": "Request over limit"}, {**base, **extra})
    if rule.kind == "daily_budget":
        extra = {"x-daily-ratelimit-token-remaining": "0"}
        body = {**error, "error": "Request over limit: the daily API token budget is used up"}
        return _json(429, body, {**headers, **extra})
    if rule.kind == "revoked_token":
        return _json(
            401, {"success": False, "error": "unauthorized access", "errorCode": 401}, headers
        )
    if rule.kind == "cloudflare_block":
        return httpx.Response(
            403,
            headers={"content-type": "text/html; charset=UTF-8", "server": "cloudflare",
                     "cf-ray": "8f00demo0000-AMS"},
            content=_BLOCK_PAGE.encode(),
        )  # fmt: skip
    if rule.status in _GATEWAY:
        title = f"{rule.status} {_GATEWAY[rule.status]}"
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return httpx.Response(
            rule.status, headers={**headers, "content-type": "text/html"}, content=page.encode()
        )
    return _json(rule.status, {**error, "error": "Internal server error"}, headers)


def truncate(response: httpx.Response) -> httpx.Response:
    """A 200 ``application/json`` answer holding the first half of ``response``'s body."""
    body = response.content
    cut = body[: max(1, len(body) // 2)]
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return httpx.Response(200, headers={**headers, "content-type": "application/json"}, content=cut)


_BLOCK_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access pipedrive.com</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>8f00demo0000</strong></p></div></body></html>
"""
