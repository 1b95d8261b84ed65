"""Warm starts: lists drawn from the record store at once, then refreshed from Pipedrive.

The screens call these (never :class:`~pipedrive_tui.data.store.RecordStore` directly): each
runs the store's synchronous work in a worker thread and turns stored dicts back into models.
A list is remembered under a key naming its query (:func:`list_key`), with the records it
showed and the point the next incremental refresh starts from (:class:`ChangeMark` time, on
Pipedrive's clock). Every function accepts ``store=None`` (no store: the demo) and does nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from pipedrive_tui.data.store import RecordStore

__all__ = ["WarmList", "forget_records", "list_key", "recall_list", "remember", "remember_list"]

log = logging.getLogger("pipedrive_tui.data")

M = TypeVar("M", bound=BaseModel)


def list_key(kind: str, **params: Any) -> str:
    """A stable name for one list: ``deals:filter=-:pipeline=1:status=open`` (sorted, ``-`` for
    ``None``)."""
    parts = [f"{name}={'-' if value is None else value}" for name, value in sorted(params.items())]
    return ":".join([kind, *parts])


@dataclass(frozen=True)
class WarmList(Generic[M]):
    """A list as the store last had it."""

    records: list[M]
    #: Where the next incremental refresh starts (``None``: the list was never fully synced).
    since: datetime | None
    #: When it was saved (epoch seconds, the store's clock): "cached 5 min ago".
    fetched_at: float


def _dump(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


async def remember(store: RecordStore | None, kind: str, records: Iterable[BaseModel]) -> None:
    """Keep (or replace) records confirmed by Pipedrive: a write, a detail opened."""
    if store is None:
        return
    rows = [_dump(record) for record in records]
    if not rows:
        return
    try:
        await asyncio.to_thread(store.put, kind, rows)
    except ValueError as error:  # one record too large, say: the store is only a cache
        log.warning("not stored: %s", error)


async def forget_records(store: RecordStore | None, kind: str, ids: Iterable[Any]) -> None:
    """Drop records Pipedrive no longer has (deleted, converted)."""
    if store is None:
        return
    await asyncio.to_thread(store.delete, kind, list(ids))


async def remember_list(
    store: RecordStore | None,
    kind: str,
    key: str,
    records: Sequence[BaseModel],
    since: datetime | None,
) -> None:
    """Keep a list as it is shown now (its records, in order) and where it was synced to."""
    if store is None:
        return
    rows = [_dump(record) for record in records]
    ids = [row["id"] for row in rows]
    synced = since.isoformat() if since is not None else ""

    def write() -> None:
        try:
            store.put(kind, rows)
        except ValueError as error:
            log.warning("list not stored: %s", error)
            return
        store.save_list(key, ids, synced)

    await asyncio.to_thread(write)


async def recall_list(
    store: RecordStore | None, kind: str, key: str, model: type[M]
) -> WarmList[M] | None:
    """The list as last kept, with its records as models (``None``: never kept, or no store).

    A record that no longer validates (an older version of the app wrote it) is skipped.
    """
    if store is None:
        return None

    def read() -> tuple[list[dict[str, Any]], str, float] | None:
        stored = store.load_list(key)
        if stored is None:
            return None
        return store.get_many(kind, stored.ids), stored.synced_at, stored.fetched_at

    found = await asyncio.to_thread(read)
    if found is None:
        return None
    rows, synced, fetched_at = found
    records: list[M] = []
    for row in rows:
        try:
            records.append(model.model_validate(row))
        except ValidationError:
            continue
    since: datetime | None = None
    if synced:
        try:
            since = datetime.fromisoformat(synced)
        except ValueError:
            since = None
    return WarmList(records, since, fetched_at)
