"""The app's side of the local record store: confirmed writes kept, a full resync, its notices.

Screens keep the lists they show (through :mod:`pipedrive_tui.data.warm`); the app keeps each
record Pipedrive confirms a write of (a deal moved, a thread read, a lead converted and gone), so
that the next start never shows an older version. Kept out of ``app.py``, which stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App

if TYPE_CHECKING:
    from pydantic import BaseModel

    from pipedrive_tui.data.session import AccountSession

__all__ = ["StoreKeeping"]


class StoreKeeping(App[None]):
    """Mixed into the app: keeps confirmed records, resyncs, tells what became of the store."""

    _session: AccountSession | None

    def keep_records(self, kind: str, records: Iterable[BaseModel]) -> None:
        """Keep records Pipedrive confirmed (in a worker: the store writes in a thread)."""
        session = self._session
        if session is None or session.store is None:
            return
        from pipedrive_tui.data.warm import remember

        self.run_worker(remember(session.store, kind, list(records)), group="store",
                        exit_on_error=False)  # fmt: skip

    def drop_records(self, kind: str, ids: Iterable[Any]) -> None:
        """Forget records Pipedrive no longer has."""
        session = self._session
        if session is None or session.store is None:
            return
        from pipedrive_tui.data.warm import forget_records

        self.run_worker(forget_records(session.store, kind, list(ids)), group="store",
                        exit_on_error=False)  # fmt: skip

    def store_notice(self) -> None:
        """Say once if the store had to be rebuilt or lives in memory this time."""
        session = self._session
        store = session.store if session is not None else None
        if store is not None and store.recovered:
            self.notify(store.recovered, title="Local store", severity="warning", timeout=15,
                        markup=False)  # fmt: skip

    def action_resync(self) -> None:
        """Forget every stored record and list of this account, then reload the screen."""
        self.run_worker(self._resync(), group="store", exclusive=True, exit_on_error=False)

    async def _resync(self) -> None:
        import asyncio

        session = self._session
        if session is None:
            return
        if session.store is not None:
            await asyncio.to_thread(session.store.clear)
        session.lookups.invalidate()  # fields, users, stages… fetched again when next needed
        self.notify(
            "Everything will be fetched again from Pipedrive: the stored records are forgotten.",
            title="Full resync",
        )
        for screen in (*self.screen_stack,):
            refresh = getattr(screen, "action_refresh", None)
            if screen is self.screen and callable(refresh):
                refresh()
