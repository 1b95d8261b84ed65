"""Noticing that Pipedrive cannot be reached, and coming back by itself when it answers again.

The client marks its :class:`~pipedrive_tui.api.ratelimit.RateLimitState` unreachable after a
request fails for want of a connection, an answer, a working server or tokens, and reachable as
soon as any answer arrives. While it is unreachable, :class:`OfflineWatch` asks one cheap question
(``GET /v1/users/me``, 2 tokens) after 10 s, then 20, 40… at most every 5 minutes: never a storm.
When the probe finds Pipedrive again, the app says so and refreshes the screen on show. When
that fails again soon after (one list keeps failing while the probe's question is answered), the
back-off goes on where it was instead of starting over at 10 s: a catch-up never becomes a loop.

Pipedrive's block (the 403 page after too many requests) is not "offline": the client sends
nothing during its cool-down, so there is nothing to probe. The app says so once per block, in
words, with how long it holds off. While the client waits out a 429 (up to a minute per wait),
the status line says so instead of an unexplained "Loading…".
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.timer import Timer

if TYPE_CHECKING:
    from pipedrive_tui.api.ratelimit import RateLimitState
    from pipedrive_tui.data.session import AccountSession

__all__ = ["PROBE_DELAYS", "OfflineWatch"]

#: Seconds before each probe while Pipedrive cannot be reached (the last one repeats).
PROBE_DELAYS = (10.0, 20.0, 40.0, 80.0, 160.0, 300.0)


class OfflineWatch(App[None]):
    """Mixed into the app: follows reachability, probes with back-off, says when it is back."""

    _session: AccountSession | None
    _probe_timer: Timer | None = None
    _probe_attempt: int = 0
    _was_unreachable: bool = False
    _was_blocked: bool = False
    #: When (``time.monotonic``) Pipedrive last answered again after being out of reach.
    _back_at: float | None = None
    #: The client's count of 429 waits already said in the status line.
    _waits_said: int = 0

    def follow_reachability(self, state: RateLimitState) -> None:
        """Called on every change of the client's state (from the app's rate-limit listener)."""
        self._follow_block(state)
        self._follow_waits(state)
        if state.unreachable is not None:
            if not self._was_unreachable:
                self._was_unreachable = True
                if not self._relapsed():
                    self._probe_attempt = 0
                self.notify(
                    f"Pipedrive cannot be used now ({state.unreachable}). What is on screen "
                    "stays; the app checks again by itself, and r retries now.",
                    title="Offline",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            if self._probe_timer is None:
                self._schedule_probe()
            return
        if self._was_unreachable:
            self._was_unreachable = False
            self._back_at = monotonic()
            self._stop_probe()
            self.notify("Pipedrive answers again.", title="Back online", timeout=6)

    def _relapsed(self) -> bool:
        """Whether Pipedrive fails again within the longest probe delay of coming back."""
        return self._back_at is not None and monotonic() - self._back_at < PROBE_DELAYS[-1]

    def _follow_waits(self, state: RateLimitState) -> None:
        """The client is waiting out a 429: say why in the status line (the screen's next
        activity, its load ending or failing, replaces it)."""
        if state.waits <= self._waits_said:
            self._waits_said = min(self._waits_said, state.waits)  # a new session counts anew
            return
        from pipedrive_tui.screens.messages import Activity

        self._waits_said = state.waits
        self.post_message(
            Activity("Too many requests: Pipedrive asked the app to slow down (429); it waits…")
        )

    def _block_over(self, state: RateLimitState) -> None:
        """The cool-down ended: redraw the bars (``BLOCKED`` goes) and allow the next notice."""
        if not state.blocked:
            self._was_blocked = False
            state.notify()

    def _follow_block(self, state: RateLimitState) -> None:
        """Say once that Pipedrive blocked the client, and for how long nothing is sent."""
        if not state.blocked:
            self._was_blocked = False
            return
        if self._was_blocked:
            return
        self._was_blocked = True
        session = self._session
        cooldown = session.client.transport.block_cooldown if session is not None else 300.0
        if state.blocked_until is not None:  # the status line drops BLOCKED when it is over
            self.set_timer(
                max(0.1, state.blocked_until - state.clock()) + 0.1,
                lambda: self._block_over(state),
                name="block-over",
            )
        minutes = max(1, round(cooldown / 60))
        self.notify(
            f"Pipedrive blocked this client after too many requests. The app sends nothing for "
            f"{minutes} minute{'' if minutes == 1 else 's'}; what is on screen stays, and r "
            "works again after that.",
            title="Blocked by Pipedrive",
            severity="error",
            timeout=15,
            markup=False,
        )

    def _catch_up(self) -> None:
        """After a probe found Pipedrive again: refresh the screen on show.

        Only what changed meanwhile (lists with a change mark), else a plain refresh. A request
        the user made (``r``) that brings Pipedrive back needs no second refresh, so this runs
        only after the app's own probe.
        """
        screen = self.screen
        refresh = getattr(screen, "refresh_changes", None) or getattr(
            screen, "action_refresh", None
        )
        if callable(refresh):
            refresh()

    def _schedule_probe(self) -> None:
        delay = PROBE_DELAYS[min(self._probe_attempt, len(PROBE_DELAYS) - 1)]
        self._probe_attempt += 1
        self._probe_timer = self.set_timer(delay, self._probe, name="offline-probe")

    def _stop_probe(self) -> None:
        """Stop the probe timer (the back-off's step stays, see :meth:`_relapsed`)."""
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None

    def _probe(self) -> None:
        self._probe_timer = None
        self.run_worker(
            self.probe_now(), group="offline-probe", exclusive=True, exit_on_error=False
        )

    async def probe_now(self) -> bool:
        """Ask Pipedrive once whether it answers (2 tokens); schedules the next try if not."""
        from pipedrive_tui.api.errors import PipedriveError

        session = self._session
        if session is None:
            return False
        if self._probe_timer is not None:  # this probe replaces the one scheduled
            self._probe_timer.stop()
            self._probe_timer = None
        try:
            await session.client.get_current_user()
        except PipedriveError:
            if session.client.rate_limit.unreachable is not None and self._probe_timer is None:
                self._schedule_probe()
            return False
        self._catch_up()
        return True

    def offline_reason(self) -> str | None:
        """Why Pipedrive cannot be used now, or ``None``."""
        session = self._session
        return session.client.rate_limit.unreachable if session is not None else None

    def _forget_offline(self, *_args: Any) -> None:
        """A new session: the old one's state no longer applies."""
        self._was_unreachable = False
        self._was_blocked = False
        self._stop_probe()
        self._probe_attempt = 0
        self._back_at = None
