"""Noticing that Pipedrive cannot be reached, and coming back by itself when it answers again.

The client marks its :class:`~pipedrive_tui.api.ratelimit.RateLimitState` unreachable after a
request fails for want of a connection, an answer, a working server or tokens, and reachable as
soon as any answer arrives. While it is unreachable, :class:`OfflineWatch` asks one cheap question
(``GET /v1/users/me``, 2 tokens) after 10 s, then 20, 40… at most every 5 minutes: never a storm.
When the probe finds Pipedrive again, the app says so and refreshes the screen on show.
"""

from __future__ import annotations

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

    def follow_reachability(self, state: RateLimitState) -> None:
        """Called on every change of the client's state (from the app's rate-limit listener)."""
        if state.unreachable is not None:
            if not self._was_unreachable:
                self._was_unreachable = True
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
            self._stop_probe()
            self.notify("Pipedrive answers again.", title="Back online", timeout=6)

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
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None
        self._probe_attempt = 0

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
        self._stop_probe()
