"""When the list on screen refreshes itself: the interval, its floor, and the back-off.

Pure decisions, no timers and no I/O. A screen with ``auto_refresh`` on asks
:meth:`RefreshPolicy.decide` at each tick whether to refresh now and how long to wait before the
next tick, handing it what the client's rate-limit state says (:class:`RateSignals`). The rules:

* never more often than :data:`MIN_INTERVAL` seconds, whatever the setting says;
* a tick is skipped while the screen is loading or refreshing already, or a modal is open;
* the wait doubles (up to :func:`ceiling_for`) while Pipedrive pushes back: a 429 seen since the
  last tick or the client blocked (the tick is skipped), the 2-second burst window nearly used
  (skipped), the daily token budget low (the refresh still happens, less often). It halves back
  towards the setting once the pressure is gone.

Each refresh asks only for the records updated since the last one (``updated_since``): see
:func:`~pipedrive_tui.data.deals.fetch_deal_changes` and
:func:`~pipedrive_tui.data.leads.fetch_lead_changes`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipedrive_tui.api.ratelimit import RateLimitState

__all__ = [
    "LOW_BUDGET_SHARE",
    "LOW_BUDGET_TOKENS",
    "MIN_INTERVAL",
    "RateSignals",
    "RefreshPolicy",
    "Tick",
    "ceiling_for",
    "floor_interval",
    "floor_notice",
    "human_seconds",
    "once",
]

#: The fastest auto-refresh allowed, in seconds: one cheap request a list every 30 s stays far
#: under every plan's burst limit, and spends ~1,200 tokens an hour on the deals list.
MIN_INTERVAL = 30.0
#: Back-off never waits longer than this (or four times the setting, when that is longer).
MAX_BACKOFF = 15 * 60.0
#: The burst window counts as nearly used when at most this share of its requests is left.
BURST_SHARE = 0.25
#: Pipedrive's burst window, in seconds (figures older than this describe a window gone by).
BURST_WINDOW = 2.0
#: The daily token budget counts as low under this share of the daily limit…
LOW_BUDGET_SHARE = 0.10
#: …or, when Pipedrive does not say the limit, under this many tokens.
LOW_BUDGET_TOKENS = 2_000


def floor_interval(seconds: float) -> tuple[float, bool]:
    """The interval to use for ``auto_refresh = seconds``, and whether the floor raised it."""
    if seconds < MIN_INTERVAL:
        return MIN_INTERVAL, True
    return float(seconds), False


def ceiling_for(base: float) -> float:
    """The longest wait back-off reaches from an interval of ``base`` seconds."""
    return max(MAX_BACKOFF, base * 4)


def human_seconds(seconds: float) -> str:
    """``30 s``, ``2 min``, ``1 min 30 s``, ``1 h 5 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    hours, rest = divmod(whole, 3600)
    return f"{hours} h" + (f" {rest // 60} min" if rest // 60 else "")


def floor_notice(setting: int) -> str:
    """What to tell the user, once, when ``auto_refresh`` was raised to the floor."""
    return (
        f"auto_refresh = {setting} is faster than Pipedrive's rate limits allow: the lists "
        f"refresh themselves every {human_seconds(MIN_INTERVAL)} instead."
    )


#: What was said, by owner (its ``id``, while it lives: owners need not be hashable).
_TOLD: dict[int, tuple[weakref.ref[Any], set[str]]] = {}


def once(owner: object, key: str) -> bool:
    """``True`` the first time ``key`` is asked for ``owner`` (one session: say a thing once)."""
    number = id(owner)
    entry = _TOLD.get(number)
    if entry is None or entry[0]() is not owner:
        entry = (weakref.ref(owner, lambda _ref: _TOLD.pop(number, None)), set())
        _TOLD[number] = entry
    if key in entry[1]:
        return False
    entry[1].add(key)
    return True


@dataclass(frozen=True)
class RateSignals:
    """What the client's rate-limit state says at one tick.

    ``age`` is how many seconds ago the burst figures arrived (``None``: never); figures older
    than the window describe a window that is over, and do not count.
    """

    limit: int | None = None
    remaining: int | None = None
    reset_in: float | None = None
    age: float | None = None
    daily_limit: int | None = None
    daily_remaining: int | None = None
    #: 429s the client waited out this session (a count that only grows).
    waits: int = 0
    blocked: bool = False

    @classmethod
    def of(cls, state: RateLimitState, now: float) -> RateSignals:
        """Copy the figures of the client's :class:`RateLimitState` (``now`` on its clock)."""
        age = None if state.updated_at is None else max(0.0, now - state.updated_at)
        return cls(
            limit=state.limit,
            remaining=state.remaining,
            reset_in=state.reset_in,
            age=age,
            daily_limit=state.daily_token_limit,
            daily_remaining=state.daily_token_remaining,
            waits=state.waits,
            blocked=state.blocked,
        )

    def burst_nearly_used(self) -> bool:
        """Whether the current 2-second window has at most a quarter of its requests left."""
        if self.limit is None or self.remaining is None or self.age is None or self.limit <= 0:
            return False
        if self.age >= max(self.reset_in or 0.0, BURST_WINDOW):
            return False  # that window is over
        return self.remaining <= max(1, int(self.limit * BURST_SHARE))

    def budget_low(self) -> bool:
        """Whether the daily token budget is nearly spent."""
        left = self.daily_remaining
        if left is None:
            return False
        if self.daily_limit:
            return left <= self.daily_limit * LOW_BUDGET_SHARE
        return left < LOW_BUDGET_TOKENS


@dataclass(frozen=True)
class Tick:
    """What to do at one tick: refresh now or not, when to tick next, and why (status line)."""

    refresh: bool
    delay: float
    note: str = ""


class RefreshPolicy:
    """The timing of one screen's auto-refresh (see the module docstring).

    Args:
        seconds: the ``auto_refresh`` setting (more than 0).
    """

    def __init__(self, seconds: float) -> None:
        self.setting = seconds
        self.base, self.raised = floor_interval(seconds)
        self.ceiling = ceiling_for(self.base)
        #: Seconds until the next tick (the base, or longer while backing off).
        self.delay = self.base
        self.last_refresh: float | None = None
        self._waits_seen: int | None = None
        self._refused = False

    def rate_limited(self) -> None:
        """The last refresh got a 429 (or was blocked): the next tick backs off."""
        self._refused = True

    def due_in(self, now: float) -> float:
        """Seconds until the next refresh is due (a screen shown again after a while: soon)."""
        if self.last_refresh is None:
            return self.delay
        return max(1.0, min(self.delay, self.last_refresh + self.delay - now))

    def decide(self, signals: RateSignals, *, now: float, busy: bool = False,
               modal: bool = False) -> Tick:  # fmt: skip
        """Refresh now or not, and the wait before the next tick.

        ``busy``: the screen is loading or refreshing; ``modal``: something covers it.
        """
        if busy or modal:  # a 429 seen meanwhile still counts at the next tick
            return Tick(False, self.delay)
        seen, self._waits_seen = self._waits_seen, signals.waits
        refused = self._refused or (seen is not None and signals.waits > seen)
        self._refused = False
        hold = ""
        if signals.blocked:
            hold = "Pipedrive is holding this client off for a while"
        elif refused:
            hold = "Pipedrive answered 429 (too many requests)"
        elif signals.burst_nearly_used():
            hold = (
                f"the rate window is nearly used ({signals.remaining}/{signals.limit} requests "
                "left)"
            )
        if hold:
            self.delay = min(self.delay * 2, self.ceiling)
            return Tick(False, self.delay, self._slowed(hold))
        self.last_refresh = now
        if signals.budget_low():
            self.delay = min(self.delay * 2, self.ceiling)
            left = f"{signals.daily_remaining:,} API tokens left today"
            return Tick(True, self.delay, self._slowed(left))
        if self.delay > self.base:
            self.delay = max(self.base, self.delay / 2)
        return Tick(True, self.delay)

    def _slowed(self, reason: str) -> str:
        return f"Auto-refresh slowed to every {human_seconds(self.delay)}: {reason}."
