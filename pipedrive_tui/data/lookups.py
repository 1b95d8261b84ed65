"""Cached lookups: field definitions, lead labels and sources, users, pipelines, stages, currencies.

Each kind is held in memory and on disk with its own time to live; concurrent requests for the
same kind share one HTTP call; ``refresh`` forces a refetch. Screens ask this layer, never the
client, for these slowly changing lists.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ValidationError

from pipedrive_tui.api import models as m
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.data.cache import DiskCache

__all__ = ["HOUR", "KINDS", "LookupKind", "Lookups"]

log = logging.getLogger("pipedrive_tui.data")

T = TypeVar("T", bound=BaseModel)
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class LookupKind(Generic[T]):
    """One cached list: its model, how long it stays fresh, and how to fetch it."""

    name: str
    model: type[T]
    ttl: float
    fetch: Callable[[PipedriveClient], Awaitable[list[T]]]


KINDS: dict[str, LookupKind[Any]] = {
    kind.name: kind
    for kind in (
        LookupKind("deal_fields", m.FieldDefinition, 24 * HOUR, lambda c: c.list_fields("deal")),
        LookupKind(
            "person_fields", m.FieldDefinition, 24 * HOUR, lambda c: c.list_fields("person")
        ),
        LookupKind(
            "organization_fields",
            m.FieldDefinition,
            24 * HOUR,
            lambda c: c.list_fields("organization"),
        ),
        LookupKind("lead_fields", m.FieldDefinition, 24 * HOUR, lambda c: c.list_fields("lead")),
        LookupKind(
            "deal_v1_fields", m.FieldDefinition, 24 * HOUR, lambda c: c.list_fields("deal_v1")
        ),
        LookupKind("lead_labels", m.LeadLabel, 1 * HOUR, lambda c: c.list_lead_labels()),
        LookupKind("lead_sources", m.LeadSource, 24 * HOUR, lambda c: c.list_lead_sources()),
        LookupKind("users", m.User, 1 * HOUR, lambda c: c.list_users()),
        LookupKind("pipelines", m.Pipeline, 6 * HOUR, lambda c: c.list_pipelines()),
        LookupKind("stages", m.Stage, 6 * HOUR, lambda c: c.list_stages()),
        LookupKind("currencies", m.Currency, 24 * HOUR, lambda c: c.list_currencies()),
        LookupKind("activity_types", m.ActivityType, 24 * HOUR, lambda c: c.list_activity_types()),
    )
}


class Lookups:
    """The cached lookups of one account.

    Args:
        client: the account's client.
        cache: the account's disk cache, or ``None`` for memory only.
        clock: wall-clock seconds (injectable for tests of expiry).
        ttl: per-kind overrides of the time to live, in seconds.
    """

    def __init__(
        self,
        client: PipedriveClient,
        cache: DiskCache | None = None,
        *,
        clock: Callable[[], float] = time.time,
        ttl: dict[str, float] | None = None,
    ) -> None:
        self.client = client
        self.cache = cache
        self._clock = clock
        self._ttl = {name: kind.ttl for name, kind in KINDS.items()} | (ttl or {})
        self._memory: dict[str, tuple[float, list[Any]]] = {}
        self._inflight: dict[str, asyncio.Future[list[Any]]] = {}
        self.fetches: dict[str, int] = {}

    def _fresh(self, name: str, saved_at: float) -> bool:
        return self._clock() - saved_at < self._ttl[name]

    async def get(self, name: str, *, refresh: bool = False) -> list[Any]:
        """The records of one kind: from memory, else disk, else Pipedrive (one shared call)."""
        kind = KINDS[name]
        if not refresh:
            held = self._memory.get(name)
            if held is not None and self._fresh(name, held[0]):
                return held[1]
            from_disk = self._load_disk(kind)
            if from_disk is not None:
                return from_disk
        pending = self._inflight.get(name)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._inflight[name] = future
        try:
            records = await kind.fetch(self.client)
        except BaseException as error:
            if isinstance(error, Exception):
                future.set_exception(error)
                future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            else:
                future.cancel()
            raise
        finally:
            self._inflight.pop(name, None)
        self.fetches[name] = self.fetches.get(name, 0) + 1
        now = self._clock()
        self._memory[name] = (now, records)
        if self.cache is not None:
            dumped = [record.model_dump(mode="json", by_alias=True) for record in records]
            self.cache.save(name, dumped, saved_at=now)
        future.set_result(records)
        return records

    def _load_disk(self, kind: LookupKind[Any]) -> list[Any] | None:
        if self.cache is None:
            return None
        entry = self.cache.load(kind.name)
        if entry is None or not self._fresh(kind.name, entry.saved_at):
            return None
        try:
            records = [kind.model.model_validate(record) for record in entry.records]
        except (ValidationError, TypeError, ValueError):
            log.info("discarding cached %s that no longer fits its model", kind.name)
            self.cache.discard(kind.name)
            return None
        self._memory[kind.name] = (entry.saved_at, records)
        return records

    def peek(self, name: str) -> list[Any] | None:
        """What memory holds for a kind right now (fresh or not), without any I/O."""
        held = self._memory.get(name)
        return held[1] if held else None

    def invalidate(self, name: str | None = None) -> None:
        """Forget one kind (or all) in memory and on disk: the next ``get`` refetches."""
        names = [name] if name else list(KINDS)
        for each in names:
            self._memory.pop(each, None)
            if self.cache is not None:
                self.cache.discard(each)

    async def refresh_all(self) -> None:
        """Refetch every kind (explicit refresh), concurrently."""
        await asyncio.gather(*(self.get(name, refresh=True) for name in KINDS))

    # --- typed conveniences ----------------------------------------------------------------

    async def fields(self, entity: str) -> list[m.FieldDefinition]:
        """Field definitions of ``deal``, ``person``, ``organization`` or ``lead``."""
        return cast(list[m.FieldDefinition], await self.get(f"{entity}_fields"))

    async def users(self) -> dict[int, m.User]:
        """Users by id."""
        return {user.id: user for user in await self.get("users")}

    async def currencies(self) -> dict[str, m.Currency]:
        """Currencies by code."""
        return {currency.code: currency for currency in await self.get("currencies")}

    async def pipelines(self) -> list[m.Pipeline]:
        """Pipelines in ``order_nr`` order, deleted ones left out."""
        items = cast(list[m.Pipeline], await self.get("pipelines"))
        return [p for p in items if not p.is_deleted]

    async def stages(self, pipeline_id: int | None = None) -> list[m.Stage]:
        """Stages (of one pipeline) in ``order_nr`` order, deleted ones left out."""
        items = cast(list[m.Stage], await self.get("stages"))
        return [
            s
            for s in items
            if not s.is_deleted and (pipeline_id is None or s.pipeline_id == pipeline_id)
        ]

    async def lead_labels(self) -> dict[str, m.LeadLabel]:
        """Lead labels by id."""
        return {label.id: label for label in await self.get("lead_labels")}
