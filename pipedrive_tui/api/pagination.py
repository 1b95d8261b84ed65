"""Paging through v2 cursors and v1 offsets, with loop protection and an honest ceiling."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pipedrive_tui.api.errors import PaginationLoopError, PipedriveError

__all__ = ["FetchResult", "Page", "collect", "cursor_pages", "offset_pages", "read_offset_meta"]

T = TypeVar("T")

#: Fetches one page: (cursor or start) → the decoded envelope.
FetchPage = Callable[[Any], Awaitable[Any]]


@dataclass
class Page(Generic[T]):
    """One page of records and the marker of the next one (``None`` at the end)."""

    items: list[T]
    next: str | int | None
    number: int


@dataclass
class FetchResult(Generic[T]):
    """Everything a "fetch all" got, and whether it got everything.

    ``complete`` is false when the ceiling was reached with more records left, or when paging
    stopped on an error after some records arrived; ``reason`` then says why in words a user
    can read. An error before the first record is raised instead.
    """

    items: list[T] = field(default_factory=list)
    complete: bool = True
    reason: str | None = None
    pages: int = 0
    error: PipedriveError | None = None


def read_offset_meta(envelope: Any, start: int, count: int, limit: int) -> tuple[bool, int]:
    """(more, next_start) from a v1 envelope: nested ``pagination`` first, then flat keys.

    Where the answer carries no paging data at all (the mailbox does not), a full page means
    there may be more and a short page is the end.
    """
    additional = envelope.get("additional_data") if isinstance(envelope, dict) else None
    meta: dict[str, Any] = {}
    if isinstance(additional, dict):
        nested = additional.get("pagination")
        meta = nested if isinstance(nested, dict) else additional
    more = meta.get("more_items_in_collection")
    if more is None:
        more = count >= limit and count > 0
    next_start = meta.get("next_start")
    if not isinstance(next_start, int) or isinstance(next_start, bool):
        next_start = start + count
    return bool(more), next_start


async def cursor_pages(
    fetch: FetchPage, parse: Callable[[Any], list[T]], operation: str
) -> AsyncIterator[Page[T]]:
    """Yield v2 pages until ``next_cursor`` is null; a repeated cursor stops with an error."""
    cursor: str | None = None
    seen: set[str] = set()
    number = 0
    while True:
        envelope = await fetch(cursor)
        number += 1
        additional = envelope.get("additional_data") if isinstance(envelope, dict) else None
        next_cursor = additional.get("next_cursor") if isinstance(additional, dict) else None
        items = parse(envelope)
        yield Page(items, next_cursor or None, number)
        if not next_cursor:
            return
        if next_cursor in seen:
            raise PaginationLoopError(
                f"Pipedrive repeated a page cursor while listing {operation}; stopped after "
                f"{number} pages to avoid an endless loop.",
                operation=operation,
            )
        seen.add(next_cursor)
        cursor = next_cursor


async def offset_pages(
    fetch: FetchPage, parse: Callable[[Any], list[T]], operation: str, limit: int
) -> AsyncIterator[Page[T]]:
    """Yield v1 pages by ``start``/``limit`` until the collection has no more items."""
    start = 0
    seen: set[int] = {0}
    number = 0
    while True:
        envelope = await fetch(start)
        number += 1
        items = parse(envelope)
        more, next_start = read_offset_meta(envelope, start, len(items), limit)
        if more and not items:
            more = False  # an empty page that claims more would page forever
        yield Page(items, next_start if more else None, number)
        if not more:
            return
        if next_start in seen or next_start <= start:
            raise PaginationLoopError(
                f"Pipedrive repeated the offset {next_start} while listing {operation}; stopped "
                f"after {number} pages to avoid an endless loop.",
                operation=operation,
            )
        seen.add(next_start)
        start = next_start


async def collect(pages: AsyncIterator[Page[T]], ceiling: int | None) -> FetchResult[T]:
    """Gather pages up to ``ceiling`` records, reporting honestly when it stopped early."""
    result: FetchResult[T] = FetchResult()
    try:
        async for page in pages:
            result.pages += 1
            result.items.extend(page.items)
            if ceiling is not None and len(result.items) >= ceiling:
                if len(result.items) > ceiling or page.next is not None:
                    del result.items[ceiling:]
                    result.complete = False
                    result.reason = f"stopped at the limit of {ceiling:,} records; more exist"
                return result
    except PipedriveError as error:
        if not result.items:
            raise  # nothing to show: the caller handles the error itself
        result.complete = False
        result.error = error
        result.reason = str(error)
    finally:
        aclose = getattr(pages, "aclose", None)
        if aclose is not None:
            await aclose()
    return result
