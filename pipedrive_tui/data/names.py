"""Names of persons and organizations by id, fetched as few tokens as possible.

Deals carry only ``person_id`` and ``org_id`` (v2). A handful of unknown ids are fetched with
``GET /persons?ids=…`` (at most 100 ids a call); when many are unknown, listing every person at
500 a page is cheaper, so the book switches to that once (10 tokens a page either way).

With the account's record store, names fetched in an earlier session are used again for a day
(:data:`STORED_NAMES_MAX_AGE`): a warm start draws the board's names without asking Pipedrive,
and a name changed in Pipedrive shows at the latest a day later (or after a full resync).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Organization, Person
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.data.warm import remember

__all__ = ["BULK_THRESHOLD", "NameBook"]

#: Above this many unknown ids, list everything instead of asking by ids.
BULK_THRESHOLD = 300
#: The most ids Pipedrive accepts in one ``ids=`` query.
IDS_PER_CALL = 100
#: How long names kept in the record store are used without asking Pipedrive again (seconds).
STORED_NAMES_MAX_AGE = 24 * 3600


class NameBook:
    """Person and organization names held in memory for the session."""

    def __init__(
        self,
        client: PipedriveClient,
        *,
        ceiling: int = 100_000,
        store: RecordStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.ceiling = ceiling
        self.store = store
        self._clock = clock
        self.persons: dict[int, Person] = {}
        self.organizations: dict[int, Organization] = {}
        self._complete: set[str] = set()
        self._lock = asyncio.Lock()

    def person_name(self, person_id: int | None) -> str | None:
        """The name of a person already known, without any I/O."""
        person = self.persons.get(person_id) if person_id is not None else None
        return person.name if person else None

    def organization_name(self, org_id: int | None) -> str | None:
        """The name of an organization already known, without any I/O."""
        org = self.organizations.get(org_id) if org_id is not None else None
        return org.name if org else None

    async def resolve(
        self, person_ids: Iterable[int | None] = (), org_ids: Iterable[int | None] = ()
    ) -> None:
        """Make sure the given persons and organizations are known (one fetch at a time)."""
        async with self._lock:
            await self._fill("persons", {i for i in person_ids if i is not None})
            await self._fill("organizations", {i for i in org_ids if i is not None})

    async def _fill(self, kind: str, wanted: set[int]) -> None:
        held: dict[int, Person] | dict[int, Organization] = (
            self.persons if kind == "persons" else self.organizations
        )
        missing = sorted(wanted - held.keys())
        if not missing or kind in self._complete:
            return
        if self.store is not None:
            for record in await self._stored(kind, missing):
                held[record.id] = record  # type: ignore[assignment]
            missing = sorted(wanted - held.keys())
            if not missing:
                return
        fetched_before = dict(held)
        await self._fetch(kind, missing, held)
        if self.store is not None:
            fresh = [
                record for key, record in held.items() if fetched_before.get(key) is not record
            ]
            await remember(self.store, kind.removesuffix("s"), fresh)

    async def _stored(self, kind: str, ids: list[int]) -> list[Person | Organization]:
        """The records of ``ids`` the store kept less than a day ago."""
        store = self.store
        assert store is not None
        singular = kind.removesuffix("s")
        oldest = self._clock() - STORED_NAMES_MAX_AGE

        def read() -> list[dict[str, Any]]:
            recent = [i for i in ids if (store.fetched_at(singular, i) or 0) >= oldest]
            return store.get_many(singular, recent) if recent else []

        model = Person if kind == "persons" else Organization
        found: list[Person | Organization] = []
        for row in await asyncio.to_thread(read):
            try:
                found.append(model.model_validate(row))
            except ValidationError:
                continue
        return found

    async def _fetch(self, kind: str, missing: list[int], held: dict[int, Any]) -> None:
        name = "list_persons" if kind == "persons" else "list_organizations"
        if len(missing) > BULK_THRESHOLD:
            result = await self.client.fetch_all(name, ceiling=self.ceiling)
            for record in result.items:
                held[record.id] = record
            if result.complete:
                self._complete.add(kind)
            return
        for start in range(0, len(missing), IDS_PER_CALL):
            chunk = missing[start : start + IDS_PER_CALL]
            result = await self.client.fetch_all(name, ceiling=None, params={"ids": chunk})
            for record in result.items:
                held[record.id] = record
