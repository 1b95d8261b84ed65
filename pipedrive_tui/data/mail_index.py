"""The mail threads linked to a lead (or a deal), found by walking the mailbox folders.

Pipedrive has no "mail of a lead" endpoint: a thread only carries its ``lead_id`` and ``deal_id``.
:class:`MailIndex` walks the ``inbox``, ``sent`` and ``archive`` folders at the largest page size,
at most once per time to live, shares one walk among concurrent callers, and answers each lead or
deal from that walk. The walk is bounded (a ceiling of pages per folder) and says so when it did
not see everything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import MailThread

__all__ = ["FOLDERS", "MAX_PAGES", "LinkedThreads", "MailIndex"]

#: The folders walked: drafts are left out (a draft is not yet correspondence).
FOLDERS = ("inbox", "sent", "archive")
#: The most pages walked in one folder (at 500 threads a page).
MAX_PAGES = 20
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LinkedThreads:
    """The threads linked to a record, newest first, and whether the walk saw every thread."""

    threads: list[MailThread]
    complete: bool
    reason: str = ""


@dataclass
class _Walk:
    """One walk of the folders: every thread by id, when it ended, and what it missed."""

    threads: dict[int, MailThread] = field(default_factory=dict)
    complete: bool = True
    reason: str = ""
    at: float = 0.0
    failed: bool = False


def _newest_first(thread: MailThread) -> tuple[datetime, int]:
    stamp = thread.last_message_timestamp or _OLDEST
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp, thread.id


def _walked(thread: MailThread) -> bool:
    """Whether a walk would list the thread (not deleted, in a walked folder)."""
    if thread.deleted_flag:
        return False
    return not thread.folders or any(folder in FOLDERS for folder in thread.folders)


class MailIndex:
    """Mail threads by the lead or deal they are linked to, from one cached walk of the mailbox.

    Args:
        client: the account's client.
        clock: monotonic seconds (injectable for tests of expiry).
        ttl: seconds a walk stays fresh.
        max_pages: the ceiling of pages walked per folder.
    """

    def __init__(
        self,
        client: PipedriveClient,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = 300.0,
        *,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.max_pages = max_pages
        self._clock = clock
        self._walk: _Walk | None = None
        self._inflight: asyncio.Future[_Walk] | None = None
        self._generation = 0
        #: Threads written while a walk was under way, applied over its result.
        self._noted: dict[int, MailThread] = {}
        #: How many walks reached Pipedrive (for tests and the debug log).
        self.walks = 0

    async def threads_linked(
        self, *, lead_id: str | None = None, deal_id: int | None = None
    ) -> LinkedThreads:
        """The threads linked to the lead (or the deal; to either when both are given).

        Raises:
            ValueError: neither ``lead_id`` nor ``deal_id`` was given.
            PipedriveError: the walk failed before it got any page.
        """
        if lead_id is None and deal_id is None:
            raise ValueError("give a lead_id or a deal_id")
        walk = await self._current()
        threads = [
            thread
            for thread in walk.threads.values()
            if (lead_id is not None and thread.lead_id == lead_id)
            or (deal_id is not None and thread.deal_id == deal_id)
        ]
        threads.sort(key=_newest_first, reverse=True)
        return LinkedThreads(threads, walk.complete, walk.reason)

    def invalidate(self) -> None:
        """Forget the walk: the next question walks the folders again."""
        self._walk = None
        self._generation += 1

    def note_thread(self, thread: MailThread) -> None:
        """Put a thread as the server confirmed it (after a write) in place of the walked one."""
        if self._inflight is not None:
            self._noted[thread.id] = thread
        if self._walk is not None:
            self._apply(self._walk, thread)

    # --- the walk ----------------------------------------------------------------------------

    @staticmethod
    def _apply(walk: _Walk, thread: MailThread) -> None:
        if _walked(thread):
            walk.threads[thread.id] = thread
        else:
            walk.threads.pop(thread.id, None)

    async def _current(self) -> _Walk:
        held = self._walk
        if held is not None and self._clock() - held.at < self.ttl:
            return held
        pending = self._inflight
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[_Walk] = asyncio.get_running_loop().create_future()
        self._inflight = future
        self._noted = {}
        generation = self._generation
        try:
            walk = await self._walk_folders()
        except BaseException as error:
            if isinstance(error, Exception):
                future.set_exception(error)
                future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            else:
                future.cancel()
            raise
        finally:
            self._inflight = None
        for thread in self._noted.values():
            self._apply(walk, thread)
        self._noted = {}
        # A walk cut short by an error is answered but not kept: the next question retries.
        if not walk.failed and generation == self._generation:
            self._walk = walk
        future.set_result(walk)
        return walk

    async def _walk_folders(self) -> _Walk:
        self.walks += 1
        walk = _Walk()
        reasons: list[str] = []
        pages_read = 0
        for folder in FOLDERS:
            pages = self.client.iter_mail_thread_pages(folder)
            number = 0
            try:
                async for page in pages:
                    number += 1
                    pages_read += 1
                    for thread in page.items:
                        walk.threads.setdefault(thread.id, thread)
                    if page.next is not None and number >= self.max_pages:
                        reasons.append(
                            f"Only the newest {number} pages of the {folder} folder were "
                            "searched; older mail may be linked too."
                        )
                        break
            except PipedriveError as error:
                if pages_read == 0:
                    raise
                walk.failed = True
                reasons.append(f"Not every mail folder could be read: {error}")
                break
            finally:
                aclose = getattr(pages, "aclose", None)
                if aclose is not None:
                    await aclose()
        walk.complete, walk.reason = not reasons, " ".join(reasons)
        walk.at = self._clock()
        return walk
