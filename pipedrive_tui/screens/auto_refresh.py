"""The auto-refresh timer the board, the deals list and the leads list share.

A screen mixes in :class:`AutoRefreshing`, sets ``self._auto = self._auto_policy()`` when it
mounts, and provides ``refresh_changes(note)`` (one incremental refresh, which resets
``_ticking`` when done) and ``_auto_busy()`` (a load or search under way). The timer runs only
while the screen is shown; the timing itself (the 30 s floor, skips and back-off) is the pure
:class:`~pipedrive_tui.data.auto_refresh.RefreshPolicy`.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual.timer import Timer

from pipedrive_tui.api.errors import BlockedError, PipedriveError, RateLimitError
from pipedrive_tui.data.auto_refresh import RateSignals, RefreshPolicy, floor_notice, once
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.messages import Activity

__all__ = ["AutoRefreshing"]


class AutoRefreshing:
    """Mixed into a list screen (an :class:`~pipedrive_tui.screens.base.AppScreen`)."""

    _auto: RefreshPolicy | None = None
    _auto_timer: Timer | None = None
    _ticking: bool = False

    def _auto_busy(self) -> bool:  # pragma: no cover - each screen says
        """Whether a load or search is under way (a tick then waits)."""
        raise NotImplementedError

    def refresh_changes(self, note: str = "") -> Any:  # pragma: no cover - each screen does it
        """One incremental refresh."""
        raise NotImplementedError

    def _auto_policy(self) -> RefreshPolicy | None:
        """The auto-refresh timing when ``auto_refresh`` is on (saying once if it was raised)."""
        ui: Any = self
        seconds = ui.app_settings().auto_refresh
        if seconds <= 0:
            return None
        policy = RefreshPolicy(seconds)
        if policy.raised and once(ui.session, "auto_refresh_floor"):
            ui.notify(floor_notice(seconds), title="Config file", severity="warning",
                      timeout=20, markup=False)  # fmt: skip
        return policy

    def on_screen_resume(self) -> None:
        """Run the auto-refresh timer while the screen is shown."""
        if self._auto is not None:
            self._stop_auto_refresh()
            ui: Any = self
            self._auto_timer = ui.set_timer(self._auto.due_in(monotonic()), self._auto_tick)

    def on_screen_suspend(self) -> None:
        """Stop the timer while another screen (or a modal) covers this one."""
        self._stop_auto_refresh()

    def on_unmount(self) -> None:
        """Stop the timer for good."""
        self._stop_auto_refresh()

    def _stop_auto_refresh(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None

    def _auto_tick(self) -> None:
        """One tick: refresh now (or skip, or back off), then arm the next one."""
        ui: Any = self
        self._auto_timer = None
        policy = self._auto
        if policy is None or not ui.is_mounted:
            return
        now = monotonic()
        signals = RateSignals.of(ui.session.client.rate_limit, now)
        busy = self._auto_busy() or self._ticking
        tick = policy.decide(signals, now=now, busy=busy, modal=ui.app.screen is not self)
        if tick.refresh:
            self._ticking = True
            self.refresh_changes(tick.note)
        elif tick.note:
            ui.app.post_message(Activity(tick.note))
        self._auto_timer = ui.set_timer(tick.delay, self._auto_tick)

    def _refresh_failed(self, error: PipedriveError) -> None:
        """Say why an incremental refresh failed; a rate limit or a block slows the next ones."""
        ui: Any = self
        if isinstance(error, RateLimitError | BlockedError):
            if self._auto is not None:
                self._auto.rate_limited()
            ui.app.post_message(Activity(f"Auto-refresh paused: {clean_line(str(error))}"))
        else:
            ui.app.post_message(Activity(f"Auto-refresh failed: {clean_line(str(error))}"))
