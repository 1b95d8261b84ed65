"""Names of persons and organizations by id, fetched as few tokens as possible.

Deals carry only ``person_id`` and ``org_id`` (v2). A handful of unknown ids are fetched with
``GET /persons?ids=…`` (at most 100 ids a call); when many are unknown, listing every person at
500 a page is cheaper, so the book switches to that once (10 tokens a page either way).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Organization, Person

__all__ = ["BULK_THRESHOLD", "NameBook"]

#: Above this many unknown ids, list everything instead of asking by ids.
BULK_THRESHOLD = 300
#: The most ids Pipedrive accepts in one ``ids=`` query.
IDS_PER_CALL = 100


class NameBook:
    """Person and organization names held in memory for the session."""

    def __init__(self, client: PipedriveClient, *, ceiling: int = 100_000) -> None:
        self.client = client
        self.ceiling = ceiling
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
