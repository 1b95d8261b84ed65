"""Warm starts and incremental sync of the deals views: the pipeline board and the deals list.

A view of deals is kept in the record store (:mod:`pipedrive_tui.data.warm`) under a key naming
the view and every parameter of its :class:`~pipedrive_tui.data.deals.DealQuery`
(:func:`deals_key`), with the point its next incremental refresh starts from. On the next start
the view draws the kept deals at once (:func:`recall_deals`, marked :func:`cached_text`), then:

* a list kept whole, with its mark, asks Pipedrive only for the deals changed since
  (:func:`catch_up`: one request for fewer than 500 changes) and merges them;
* any other list (only its first pages were loaded, or no mark was known) loads as usual in the
  background, and its rows replace the kept ones when they arrive.

After a full load, and after every incremental refresh, the view keeps itself again
(:func:`keep_deals`). Every function does nothing without a store (the demo account).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Container, Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Literal

from pipedrive_tui.api.models import Deal
from pipedrive_tui.data.deals import ChangeMark, DealChanges, DealQuery, fetch_deal_changes, utc
from pipedrive_tui.data.warm import WarmList, list_key, recall_list

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.data.store import RecordStore

__all__ = [
    "DEAL_KIND",
    "View",
    "cached_text",
    "catch_up",
    "deals_key",
    "keep_deals",
    "recall_deals",
    "refreshing_text",
    "resume_mark",
]

log = logging.getLogger("pipedrive_tui.data")

#: The record kind deals are stored as (the app keeps confirmed writes under it too).
DEAL_KIND = "deal"
#: Which view a kept list belongs to: the board and the list of one query differ (order, and
#: the list may be only partly loaded).
View = Literal["board", "list"]


def deals_key(view: View, query: DealQuery) -> str:
    """The store key of a view of ``query``: ``deals:filter_id=-:…:status=open:view=board``."""
    return list_key("deals", view=view, **asdict(query))


async def recall_deals(store: RecordStore | None, key: str) -> WarmList[Deal] | None:
    """The deals of a view as last kept (``None``: never kept, or no store)."""
    return await recall_list(store, DEAL_KIND, key, Deal)


def resume_mark(warm: WarmList[Deal]) -> ChangeMark | None:
    """Where the incremental refresh of a kept view starts (``None``: it must load again)."""
    return ChangeMark(utc(warm.since)) if warm.since is not None else None


async def catch_up(
    client: PipedriveClient, query: DealQuery, warm: WarmList[Deal], shown: Container[int] = ()
) -> DealChanges:
    """The changes since a kept view was last synced (it must have a mark: :func:`resume_mark`)."""
    mark = resume_mark(warm)
    if mark is None:
        raise ValueError("this list was not kept whole: load it again")
    return await fetch_deal_changes(client, query, mark, shown=shown)


async def keep_deals(
    store: RecordStore | None,
    key: str,
    deals: Iterable[Deal],
    mark: ChangeMark | None,
    *,
    changed: Iterable[Deal] | None = None,
) -> None:
    """Keep a view: its deals in order, and its mark (``None``: only part of it was loaded).

    ``changed``: only these records are written again (an incremental refresh: the others are
    kept already); by default every deal is. The records are turned into JSON in the worker
    thread too, so that keeping thousands of deals never holds up the screen.
    """
    if store is None:
        return
    shown = list(deals)
    ids = [deal.id for deal in shown]
    written = shown if changed is None else list(changed)
    synced = mark.time.isoformat() if mark is not None else ""

    def write() -> None:
        rows = [deal.model_dump(mode="json") for deal in written]
        try:
            if rows:
                store.put(DEAL_KIND, rows)
        except ValueError as error:  # one record too large, say: the store is only a cache
            log.warning("deals list not stored: %s", error)
            return
        store.save_list(key, ids, synced)

    await asyncio.to_thread(write)


def cached_text(fetched_at: float, now: float | None = None) -> str:
    """When a kept view was saved, for the toolbar: ``cached 12:03`` (``cached 19 Nov 12:03``
    when not today)."""
    saved = time.localtime(fetched_at)
    today = time.localtime(time.time() if now is None else now)
    if saved[:3] == today[:3]:
        return time.strftime("cached %H:%M", saved)
    return time.strftime("cached %d %b %H:%M", saved)


def refreshing_text(fetched_at: float) -> str:
    """The status line while a kept view refreshes: ``Cached 12:03 · refreshing…``."""
    return f"{cached_text(fetched_at).capitalize()} · refreshing…"
