"""Writes that are never lost: the ones in flight are counted, a lost answer is read back.

A write whose answer never came (the transport's error says ``outcome_unknown``: a read timed
out, the connection dropped after sending) may or may not have been applied. Sending it again
could apply it twice, so :func:`send_write` never does: it reads the record back once and
decides.

* **landed**: the server shows the change. The write counts as saved, with the server's version
  (:attr:`Written.checked` says so, and the screen says "saved (checked after a timeout)").
* **not landed**: the server shows no change. :class:`NotSavedError` carries the server's
  version, and the screen puts it back, keeping what the user typed.
* **still unknown**: the read failed too. :class:`OutcomeUnknownError`; the screen shows the last
  confirmed version, and the record is marked (:attr:`PendingWrites.unsure`) so that it is read
  again as soon as Pipedrive answers (:meth:`PendingWrites.recheck`).

An answered refusal (4xx, 5xx) or a write that never left (no connection) is raised as it is: it
changed nothing. :class:`PendingWrites` also counts the writes in flight, so that quitting can
wait for them instead of dropping them silently.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel

from pipedrive_tui.api.errors import NotFoundError, PipedriveError

__all__ = [
    "CHECKED_NOTE",
    "NOT_SAVED_MESSAGE",
    "UNKNOWN_MESSAGE",
    "NotSavedError",
    "OutcomeUnknownError",
    "PendingWrites",
    "Written",
    "matches",
    "send_write",
]

T = TypeVar("T")

#: Added to the confirmation of a write whose answer was lost but which the server shows.
CHECKED_NOTE = "saved (checked after a timeout)"
#: The message of a write whose answer was lost and which the server does not show.
NOT_SAVED_MESSAGE = "Not saved: Pipedrive did not answer in time; nothing was changed."
#: The message of a write whose answer was lost and that could not be checked.
UNKNOWN_MESSAGE = (
    "Pipedrive did not answer in time and could not be asked whether the change was saved. "
    "The screen shows the last confirmed version; it is read again when Pipedrive answers."
)

Recheck = Callable[[], Awaitable[None]]


class NotSavedError(PipedriveError):
    """A write whose answer was lost, and that the server shows it did not apply.

    Attributes:
        current: the record as the server has it now (``None``: it does not exist).
    """

    default_message = NOT_SAVED_MESSAGE

    def __init__(self, current: Any = None, *, operation: str | None = None) -> None:
        self.current = current
        super().__init__(None, operation=operation)


class OutcomeUnknownError(PipedriveError):
    """A write whose answer was lost, and whose record could not be read back either."""

    default_message = UNKNOWN_MESSAGE

    def __init__(self, *, operation: str | None = None) -> None:
        super().__init__(None, operation=operation, outcome_unknown=True)


@dataclass(frozen=True)
class Written(Generic[T]):
    """A write Pipedrive has: its answer, or the record read back after the answer was lost."""

    record: T
    #: The answer was lost, and reading the record back showed the change.
    checked: bool = False

    def said(self, done: str) -> str:
        """What to tell the user: ``done``, noting when it was checked after a timeout."""
        return f"{done}: {CHECKED_NOTE}" if self.checked else done


def _plain(value: Any) -> Any:
    """A value in a form that compares the same however the server ordered or typed it."""
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def matches(record: Any, changes: Mapping[str, Any]) -> bool:
    """Whether ``record`` (a model) holds every value of ``changes`` (labels in any order)."""
    if record is None:
        return False
    return all(
        _plain(getattr(record, key, None)) == _plain(value) for key, value in changes.items()
    )


class PendingWrites:
    """The writes of one account that are in flight, and the records whose last write is unknown.

    Screens register each write (:meth:`begin` or :meth:`track`, or through :func:`send_write`);
    quitting asks :attr:`in_flight` and :meth:`wait_idle`. Nothing here touches the network.
    """

    def __init__(self) -> None:
        self._count = 0
        self._waiters: list[asyncio.Future[None]] = []
        #: Records whose last write could not be checked: key → how to read it again.
        self.unsure: dict[str, Recheck] = {}

    @property
    def in_flight(self) -> int:
        """How many writes are sent and not answered (or not checked) yet."""
        return self._count

    def begin(self) -> Callable[[], None]:
        """Count a write now; call the returned function (once or more) when it is over."""
        self._count += 1
        over = False

        def done() -> None:
            nonlocal over
            if over:
                return
            over = True
            self._count -= 1
            if self._count == 0:
                waiters, self._waiters = self._waiters, []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

        return done

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count the write made inside the ``async with``."""
        done = self.begin()
        try:
            yield
        finally:
            done()

    async def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no write is in flight; ``False`` when ``timeout`` seconds passed first."""
        if self._count == 0:
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            return False
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
        return True

    def mark_unsure(self, key: str, recheck: Recheck) -> None:
        """Remember that ``key``'s last write is unknown, and how to read the record again."""
        self.unsure[key] = recheck

    def settle(self, key: str) -> None:
        """``key``'s record is known again (a later write was answered): forget the mark."""
        self.unsure.pop(key, None)

    async def recheck(self) -> int:
        """Read every unsure record again, once; returns how many were read (the others stay)."""
        done = 0
        for key, recheck in list(self.unsure.items()):
            try:
                await recheck()
            except PipedriveError:
                continue
            if self.unsure.get(key) is recheck:
                del self.unsure[key]
            done += 1
        return done


async def send_write(
    send: Callable[[], Awaitable[T]],
    *,
    reread: Callable[[], Awaitable[Any]],
    landed: Callable[[Any], bool],
    writes: PendingWrites | None = None,
    key: str | None = None,
    recheck: Recheck | None = None,
    track: bool = True,
) -> Written[T]:
    """Send one write; when its answer is lost, read the record back once, never send again.

    Args:
        send: makes the request (once).
        reread: reads the record as the server has it now (a 404 counts as ``None``: gone).
        landed: whether that record (or ``None``) shows the change.
        writes: where the write is counted while in flight.
        key: names the record (``deal:5``) for :attr:`PendingWrites.unsure`.
        recheck: how to read the record again later when this read fails too.
        track: count the write in ``writes`` (``False``: the caller counted it already).

    Returns the answer, or the record read back (``checked``) when it shows the change.

    Raises:
        PipedriveError: refused with an answer, or never sent: nothing changed.
        NotSavedError: the answer was lost and the record shows no change.
        OutcomeUnknownError: the answer was lost and the record could not be read either.
    """
    counted = writes is not None and track
    async with writes.track() if counted and writes is not None else contextlib.nullcontext():
        try:
            answer = await send()
        except PipedriveError as error:
            if not error.outcome_unknown:
                raise
            try:
                current = await reread()
            except NotFoundError:
                current = None
            except PipedriveError:
                if writes is not None and key is not None and recheck is not None:
                    writes.mark_unsure(key, recheck)
                raise OutcomeUnknownError(operation=error.operation) from error
            if writes is not None and key is not None:
                writes.settle(key)
            if landed(current):
                return Written(cast(T, current), checked=True)
            raise NotSavedError(current, operation=error.operation) from error
        if writes is not None and key is not None:
            writes.settle(key)
        return Written(answer)
