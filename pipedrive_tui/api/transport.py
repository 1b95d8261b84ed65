"""Sending one request: auth, limiter, retries, rate-limit headers, token cost, error mapping.

:class:`Transport` is the part of the client that talks HTTP; :mod:`pipedrive_tui.api.client`
builds typed calls and pagination on top of it. Everything here happens once per request, so no
caller ever handles a 429, a retry or a token cost itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from pipedrive_tui import __version__
from pipedrive_tui.api.costs import match_operation
from pipedrive_tui.api.errors import (
    BlockedError,
    InvalidResponseError,
    PipedriveConnectionError,
    PipedriveTimeoutError,
    RateLimitError,
    ReadOnlyError,
    error_from_response,
)
from pipedrive_tui.api.ratelimit import Clock, Limiter, RateLimitState, Sleep, TokenLedger

__all__ = ["IDEMPOTENT_METHODS", "Transport", "company_base_url"]

log = logging.getLogger("pipedrive_tui.api")

#: Methods that may be repeated after a 5xx or a timeout without changing the result twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT"})
#: Methods that only read: a failure of any other one (a write) may leave its outcome unknown.
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Failures that happen before a request leaves: a write that meets one was never sent.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
#: What the user reads when a write's answer never came.
_UNKNOWN_TIMEOUT = (
    "Pipedrive did not answer in time after the change was sent: it may or may not be saved."
)
_UNKNOWN_DROPPED = (
    "The connection to Pipedrive dropped after the change was sent ({name}): it may or may not "
    "be saved."
)
#: Statuses of requests Pipedrive refused before serving them: they cost no tokens.
_UNCHARGED = frozenset({401, 403, 429})
#: Path fragments of the search endpoints, which have their own, lower burst limit.
_SEARCH_MARKERS = ("/search", "/itemSearch")


def company_base_url(company_domain: str) -> str:
    """``acme`` (or ``acme.pipedrive.com``) → ``https://acme.pipedrive.com``."""
    domain = company_domain.strip().removeprefix("https://").removeprefix("http://").strip("/")
    if not domain or "/" in domain or " " in domain:
        raise ValueError(f"not a company domain: {company_domain!r}")
    if not domain.endswith(".pipedrive.com"):
        domain = f"{domain}.pipedrive.com"
    return f"https://{domain}"


class Transport:
    """One ``httpx.AsyncClient`` with Pipedrive's auth, limits and error mapping around it.

    Args:
        base_url: ``https://{company}.pipedrive.com`` or a Pipedrive-compatible server.
        api_token: sent as ``x-api-token``; never in a URL, never logged.
        oauth_token: sent as ``Authorization: Bearer`` instead of an API token.
        transport: an ``httpx`` transport: the seam for the demo account and tests.
        max_rate_limit_retries: how many 429s one call waits through before it gives up.
        max_retries: how many times an idempotent call is repeated after a 5xx or a timeout.
        block_cooldown: seconds the client refuses to send after Pipedrive's 403 block.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_token: str | None = None,
        oauth_token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        limiter: Limiter | None = None,
        search_limiter: Limiter | None = None,
        max_rate_limit_retries: int = 3,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        block_cooldown: float = 300.0,
        read_only: bool = False,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        headers = {"user-agent": f"pipedrive-tui/{__version__}", "accept": "application/json"}
        if oauth_token:
            headers["authorization"] = f"Bearer {oauth_token}"
        elif api_token:
            headers["x-api-token"] = api_token
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
        )
        self.limiter = limiter or Limiter(16, 2.0, clock=clock, sleep=sleep)
        self.search_limiter = search_limiter or Limiter(8, 2.0, clock=clock, sleep=sleep)
        self.rate_limit = RateLimitState(clock=clock)
        self.ledger = TokenLedger()
        self.read_only = read_only
        self.max_rate_limit_retries = max_rate_limit_retries
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.block_cooldown = block_cooldown
        self._clock = clock
        self._sleep = sleep
        #: How the transport waits (``asyncio.sleep``; a no-wait one in tests): polling uses it.
        self.sleep = sleep
        self._jitter = jitter
        self._recent_429 = False

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def set_api_token(self, api_token: str) -> None:
        """Send ``api_token`` from now on (a new token for the same company, after a 401)."""
        self._http.headers.pop("authorization", None)
        self._http.headers["x-api-token"] = api_token
        self.rate_limit.mark_token_refused(False)

    @property
    def has_auth(self) -> bool:
        """Whether a token or OAuth access token is configured."""
        return "x-api-token" in self._http.headers or "authorization" in self._http.headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> Any:
        """Send one call and return its decoded JSON body (the whole envelope).

        Raises a :class:`~pipedrive_tui.api.errors.PipedriveError` subclass for every failure.
        """
        method = method.upper()
        if self.read_only and method not in {"GET", "HEAD"}:
            raise ReadOnlyError(operation=operation)
        self._check_block(operation)
        query = _clean_params(params)
        matched = match_operation(method, path)
        op_name = operation or (matched.operation_id if matched else f"{method} {path}")
        cost = matched.cost if matched else 0
        limiter = self.search_limiter if any(m in path for m in _SEARCH_MARKERS) else self.limiter
        attempts_429 = 0
        attempts_other = 0
        # Whether an earlier attempt of this write may have reached Pipedrive (a PUT repeated
        # after a timeout): its outcome stays unknown even when the last attempt never left.
        maybe_sent = False
        while True:
            waited = await limiter.acquire()
            if waited:
                self.rate_limit.throttled += 1
            log.debug("%s %s", method, path)
            try:
                response = await self._http.request(
                    method, path, params=query, json=json_body, data=_form(form)
                )
            except httpx.TimeoutException as exc:
                maybe_sent = maybe_sent or not isinstance(exc, _NOT_SENT)
                if method in IDEMPOTENT_METHODS and attempts_other < self.max_retries:
                    attempts_other += 1
                    await self._sleep(self._backoff(attempts_other))
                    continue
                self.rate_limit.mark_unreachable("no answer in time", self._clock())
                unknown = maybe_sent and method not in _READ_METHODS
                raise PipedriveTimeoutError(
                    _UNKNOWN_TIMEOUT if unknown else None,
                    operation=op_name,
                    outcome_unknown=unknown,
                ) from exc
            except httpx.TransportError as exc:
                maybe_sent = maybe_sent or not isinstance(exc, _NOT_SENT)
                if method in IDEMPOTENT_METHODS and attempts_other < self.max_retries:
                    attempts_other += 1
                    await self._sleep(self._backoff(attempts_other))
                    continue
                self.rate_limit.mark_unreachable("cannot connect", self._clock())
                unknown = maybe_sent and method not in _READ_METHODS
                message = (
                    _UNKNOWN_DROPPED.format(name=type(exc).__name__)
                    if unknown
                    else f"Could not reach Pipedrive at {self.base_url}: {type(exc).__name__}. "
                    "Check the network and the company domain or base URL."
                )
                raise PipedriveConnectionError(
                    message, operation=op_name, outcome_unknown=unknown
                ) from exc
            status = response.status_code
            # Pipedrive charges the requests it served: not a refusal (401, 403, 429), not its
            # own failure (5xx), not a timeout.
            charged = status < 500 and status not in _UNCHARGED
            self.ledger.record(op_name, cost if charged else 0)
            self.rate_limit.update_from_headers(response.headers, self._clock())
            if status < 500 and status not in (403, 429):
                self.rate_limit.mark_reachable()
            if status == 401 or (status < 400 and self.rate_limit.token_refused):
                self.rate_limit.mark_token_refused(status == 401)
            if status < 400:
                self._recent_429 = False
                return _decode(response, op_name)
            body = _error_body(response)
            if status == 429:
                daily_left = self.rate_limit.daily_token_remaining
                reset_in = _wait_seconds(response.headers)
                error = error_from_response(
                    429,
                    body,
                    operation=op_name,
                    daily_tokens_left=daily_left if _has_daily(response.headers) else None,
                    reset_in=reset_in,
                )
                self._recent_429 = True
                if not isinstance(error, RateLimitError) or type(error) is not RateLimitError:
                    # The daily budget: waiting seconds does not help.
                    self.rate_limit.mark_unreachable("daily token budget used up", self._clock())
                    raise error
                if attempts_429 >= self.max_rate_limit_retries:
                    raise error
                attempts_429 += 1
                self.rate_limit.waits += 1
                self.rate_limit.notify()
                delay = min(self.max_wait, (reset_in or 2.0) + self._jitter() * 0.5)
                await self._sleep(delay)
                continue
            error = error_from_response(
                status,
                body,
                content_type=response.headers.get("content-type", ""),
                operation=op_name,
                after_rate_limit=self._recent_429,
            )
            # A PUT repeated after a timeout: the first attempt may have landed all the same.
            error.outcome_unknown = maybe_sent and method not in _READ_METHODS
            if isinstance(error, BlockedError):
                self.rate_limit.mark_blocked(self._clock() + self.block_cooldown)
                raise error
            if status >= 500 and method in IDEMPOTENT_METHODS and attempts_other < self.max_retries:
                attempts_other += 1
                await self._sleep(self._backoff(attempts_other))
                continue
            if status >= 500:
                self.rate_limit.mark_unreachable(
                    f"Pipedrive server errors ({status})", self._clock()
                )
            raise error

    def _check_block(self, operation: str | None) -> None:
        until = self.rate_limit.blocked_until
        if until is None:
            return
        if self._clock() < until:
            left = int(until - self._clock())
            raise BlockedError(
                f"Pipedrive blocked this client after too many requests; the app is holding off "
                f"for {left} s more before it calls again.",
                operation=operation,
                status=403,
            )
        self.rate_limit.mark_blocked(None)

    def _backoff(self, attempt: int) -> float:
        return min(self.max_wait, self.backoff * (2 ** (attempt - 1)) * (1 + self._jitter()))


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Drop ``None`` values and turn booleans and lists into what Pipedrive expects."""
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if key in {"api_token", "x-api-token"}:
            raise ValueError("the token travels in the x-api-token header, never in a URL")
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list | tuple | set | frozenset):
            out[key] = ",".join(str(item) for item in value)
        else:
            out[key] = str(value)
    return out


def _form(form: Mapping[str, Any] | None) -> dict[str, str] | None:
    if form is None:
        return None
    out: dict[str, str] = {}
    for key, value in form.items():
        if value is None:
            continue
        out[key] = str(int(value)) if isinstance(value, bool) else str(value)
    return out


def _decode(response: httpx.Response, operation: str) -> Any:
    if response.status_code == 204 or not response.content:
        return {"success": True, "data": None}
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidResponseError(
            f"Pipedrive sent an answer that is not valid JSON ({operation}). Refresh to retry; "
            "if it persists, a proxy between you and Pipedrive may be rewriting answers.",
            status=response.status_code,
            operation=operation,
        ) from exc
    if isinstance(body, dict) and body.get("success") is False:
        raise error_from_response(400, body, operation=operation)
    return body


def _error_body(response: httpx.Response) -> Any:
    """The JSON of an error answer when it is JSON, else its text (a block page, a proxy's)."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return response.text[:500]


def _has_daily(headers: Mapping[str, str]) -> bool:
    return "x-daily-ratelimit-token-remaining" in headers


def _wait_seconds(headers: Mapping[str, str]) -> float | None:
    for name in ("retry-after", "x-ratelimit-reset"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            continue
    return None
