"""Rate limits: what Pipedrive's headers say, a client-side limiter, and the token ledger.

Pipedrive limits each token to a number of requests per 2-second window (``x-ratelimit-*``) and
charges every call tokens from a company-wide daily budget (``x-token-cost`` in the specs, and the
optional ``x-daily-ratelimit-token-*`` headers). The client keeps bursts under the plan's limit
before Pipedrive has to say 429, and counts what each call cost.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Limiter", "OperationCost", "RateLimitState", "TokenLedger"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass
class RateLimitState:
    """The latest rate-limit figures Pipedrive sent, and what the client did about them.

    Listeners (``subscribe``) are called after every change, so a status bar can follow it.
    """

    limit: int | None = None
    remaining: int | None = None
    reset_in: float | None = None
    daily_token_limit: int | None = None
    daily_token_remaining: int | None = None
    throttled: int = 0
    waits: int = 0
    #: When (on :attr:`clock`) Pipedrive's block is over; ``None``: not blocked.
    blocked_until: float | None = None
    updated_at: float | None = None
    #: Why Pipedrive cannot be used now (no network, server errors, budget used up), or ``None``.
    unreachable: str | None = None
    #: When (client clock) it became unreachable.
    unreachable_since: float | None = None
    #: Pipedrive refused the token (401): revoked, expired or regenerated since it was saved.
    token_refused: bool = False
    #: The client's monotonic clock (a fake one in tests).
    clock: Clock = field(default=time.monotonic, repr=False)
    _listeners: list[Callable[[RateLimitState], None]] = field(default_factory=list, repr=False)

    @property
    def blocked(self) -> bool:
        """Whether the client holds off after Pipedrive's block (it ends with the cool-down)."""
        return self.blocked_until is not None and self.clock() < self.blocked_until

    def mark_blocked(self, until: float | None) -> None:
        """Hold off until ``until`` (client clock), or (``None``) no longer."""
        self.blocked_until = until
        self.notify()

    def subscribe(self, listener: Callable[[RateLimitState], None]) -> Callable[[], None]:
        """Call ``listener`` after every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self) -> None:
        """Tell the listeners that the state changed."""
        for listener in list(self._listeners):
            listener(self)

    def mark_unreachable(self, reason: str, now: float) -> None:
        """Pipedrive could not be used: say why (kept until an answer comes back)."""
        if self.unreachable != reason:
            if self.unreachable is None:
                self.unreachable_since = now
            self.unreachable = reason
            self.notify()

    def mark_reachable(self) -> None:
        """Pipedrive answered again."""
        if self.unreachable is not None:
            self.unreachable = None
            self.unreachable_since = None
            self.notify()

    def mark_token_refused(self, refused: bool = True) -> None:
        """Pipedrive refused the token (401), or (``refused=False``) accepted it again."""
        if self.token_refused != refused:
            self.token_refused = refused
            self.notify()

    def update_from_headers(self, headers: Mapping[str, str], now: float) -> None:
        """Read ``x-ratelimit-*`` and the optional daily-token headers of a response."""
        changed = False
        for attr, name in (
            ("limit", "x-ratelimit-limit"),
            ("remaining", "x-ratelimit-remaining"),
            ("daily_token_limit", "x-daily-ratelimit-token-limit"),
            ("daily_token_remaining", "x-daily-ratelimit-token-remaining"),
        ):
            value = _int_header(headers, name)
            if value is not None:
                setattr(self, attr, value)
                changed = True
        reset = headers.get("x-ratelimit-reset")
        if reset is not None:
            try:
                self.reset_in = float(reset)
                changed = True
            except ValueError:
                pass
        if changed:
            self.updated_at = now
            self.notify()

    def summary(self) -> str:
        """A short plain-text line for a status bar, e.g. ``38/40 req · 9,120 left today``."""
        parts = []
        if self.token_refused:
            parts.append("TOKEN REFUSED: press A to reconnect")
        if self.unreachable:
            parts.append(f"OFFLINE: {self.unreachable}")
        if self.blocked:
            parts.append("BLOCKED")
        if self.remaining is not None and self.limit is not None:
            parts.append(f"{self.remaining}/{self.limit} req")
        if self.daily_token_remaining is not None:
            parts.append(f"{self.daily_token_remaining:,} left today")
        return " · ".join(parts)


class Limiter:
    """A sliding-window limiter: at most ``max_requests`` in any ``window`` seconds.

    The default (16 per 2 s) stays under the smallest plan's 20 per 2 s for API tokens; search
    endpoints get their own limiter (8 per 2 s, under Pipedrive's 10).
    """

    def __init__(
        self,
        max_requests: int = 16,
        window: float = 2.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_requests < 1 or window <= 0:
            raise ValueError("a limiter needs at least one request per positive window")
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited = 0.0

    async def acquire(self) -> float:
        """Wait until one more request fits in the window; returns how long it waited."""
        waited = 0.0
        async with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.window:
                    self._sent.popleft()
                if len(self._sent) < self.max_requests:
                    self._sent.append(now)
                    self.waited += waited
                    return waited
                delay = self.window - (now - self._sent[0])
                waited += delay
                await self._sleep(delay)


@dataclass
class OperationCost:
    """Calls made and tokens spent on one operation this session."""

    calls: int = 0
    tokens: int = 0


class TokenLedger:
    """Tokens spent this session, per operation, from the specs' ``x-token-cost``."""

    def __init__(self) -> None:
        self.by_operation: dict[str, OperationCost] = {}

    def record(self, operation: str, tokens: int) -> None:
        """Count one call of ``operation`` costing ``tokens``."""
        entry = self.by_operation.setdefault(operation, OperationCost())
        entry.calls += 1
        entry.tokens += tokens

    @property
    def total(self) -> int:
        """Tokens spent this session on every operation."""
        return sum(entry.tokens for entry in self.by_operation.values())

    @property
    def calls(self) -> int:
        """Requests sent this session."""
        return sum(entry.calls for entry in self.by_operation.values())

    def rows(self) -> list[tuple[str, int, int]]:
        """``(operation, calls, tokens)`` rows, most expensive first."""
        return sorted(
            ((name, c.calls, c.tokens) for name, c in self.by_operation.items()),
            key=lambda row: (-row[2], row[0]),
        )
