"""Writes never lost: quitting waits for the ones in flight; unknown outcomes are read back.

Kept out of ``app.py`` (which stays small): :class:`WriteKeeping` is mixed into
:class:`~pipedrive_tui.app.PipedriveApp`. Screens count their writes in the session's
:class:`~pipedrive_tui.data.write_outcome.PendingWrites`. Quitting (``q``, ``ctrl+q``) while some
are in flight says so and quits as soon as they are answered (at most :attr:`quit_wait` seconds,
then it quits and says on stderr what was not confirmed); a second ``q`` quits at once. Only
what Pipedrive confirmed is ever kept in the local store, so a quit mid-request leaves the store
as it was. Records whose last write could not be checked are read again once Pipedrive answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App

if TYPE_CHECKING:
    from pipedrive_tui.api.ratelimit import RateLimitState
    from pipedrive_tui.data.session import AccountSession

__all__ = ["QUIT_WAIT", "WriteKeeping", "changes"]

#: Seconds quitting waits for the writes in flight before it quits anyway.
QUIT_WAIT = 10.0


def changes(count: int) -> str:
    """``1 change``, ``2 changes``."""
    return f"{count} change{'' if count == 1 else 's'}"


def unconfirmed(count: int) -> Text:
    """What stderr says when the app closed with writes unanswered (plain text, no markup)."""
    return Text(
        f"pipedrive-tui: {changes(count)} not confirmed by Pipedrive when the app closed: "
        "it may or may not be saved. The next start shows Pipedrive's version."
    )


class WriteKeeping(App[None]):
    """Mixed into the app: a quit waits for the writes in flight; unsure records are re-read."""

    _session: AccountSession | None
    #: Seconds a quit waits for the writes in flight.
    quit_wait: float = QUIT_WAIT
    _quitting: bool = False
    _rechecking: bool = False

    async def action_quit(self) -> None:
        """Quit; with writes in flight, wait for them first (pressed again: quit at once)."""
        session = self._session
        pending = session.writes.in_flight if session is not None else 0
        if session is None or not pending:
            self.exit()
            return
        if self._quitting:
            self.exit(message=unconfirmed(pending))
            return
        self._quitting = True
        self.notify(
            f"Saving {changes(pending)}… (press q again to quit anyway)",
            title="Quitting",
            timeout=self.quit_wait + 5,
        )
        self.run_worker(self._quit_when_saved(session), group="quit", exit_on_error=False)

    async def _quit_when_saved(self, session: AccountSession) -> None:
        if not await session.writes.wait_idle(self.quit_wait):
            self.exit(message=unconfirmed(session.writes.in_flight))
            return
        # The answers were handled; the confirmed records they keep are written by workers the
        # app starts on their messages, queued before this call: let those finish first.
        self.call_later(self._exit_after_store)

    def _exit_after_store(self) -> None:
        self.run_worker(self._store_then_exit(), group="quit", exit_on_error=False)

    async def _store_then_exit(self) -> None:
        keeping = [w for w in self.workers if w.group == "store" and not w.is_finished]
        if keeping:
            await self.workers.wait_for_complete(keeping)
        self.exit()

    def follow_writes(self, state: RateLimitState) -> None:
        """Pipedrive answers: read again the records whose last write could not be checked."""
        session = self._session
        if state.unreachable is not None or session is None or self._rechecking:
            return
        if session.writes.unsure:
            self._rechecking = True
            self.run_worker(self._recheck(session), group="recheck", exit_on_error=False)

    async def _recheck(self, session: AccountSession) -> None:
        try:
            done = await session.writes.recheck()
        finally:
            self._rechecking = False
        if done:
            self.notify(
                f"Checked {changes(done)} whose outcome was unknown: the screen now shows "
                "what Pipedrive has.",
                title="Checked",
            )
