"""Saved filters for the screens: the list, each filter's conditions, and the words for them.

:class:`FilterBook` keeps, for one session, the saved filters (one ``GET /filters`` for every
type), each filter's conditions once fetched (``GET /filters/{id}``: the list does not carry
them), the filter helpers (operators per field type, relative dates: fetched once), and builds
the :class:`~pipedrive_tui.fields.filter_words.FilterVocabulary` that names fields, users,
stages and options through the cached lookups. Nothing here polls: ``refresh`` forgets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pipedrive_tui.fields.filter_words import FilterVocabulary

if TYPE_CHECKING:
    from pipedrive_tui.api.models import Filter
    from pipedrive_tui.data.session import AccountSession

__all__ = ["FILTER_TYPES", "FilterBook", "type_title"]

#: Filter types in the order the filters screen groups them, with their titles.
FILTER_TYPES: tuple[tuple[str, str], ...] = (
    ("deals", "Deals"),
    ("leads", "Leads"),
    ("people", "People"),
    ("org", "Organizations"),
    ("products", "Products"),
    ("activity", "Activities"),
    ("projects", "Projects"),
)

#: Field lists the vocabulary names, by condition object, and the lookup holding each. Deal
#: fields come from v1 (``deal_v1``): only v1 gives the numeric ids conditions use.
_FIELD_LOOKUPS = (
    ("deal", "deal_v1"),
    ("lead", "lead"),
    ("person", "person"),
    ("organization", "organization"),
)


def type_title(filter_type: str) -> str:
    """ "Deals", "Leads"…; an unknown type as it is."""
    return next((title for key, title in FILTER_TYPES if key == filter_type), filter_type)


class FilterBook:
    """The saved filters of one account, their conditions, and the words to show them."""

    def __init__(self, session: AccountSession) -> None:
        self.session = session
        self.filters: list[Filter] | None = None
        self.full: dict[int, Filter] = {}
        self.helpers: dict[str, Any] | None = None
        self.vocabulary = FilterVocabulary()

    def forget(self) -> None:
        """Fetch everything again when next asked (``r``)."""
        self.filters = None
        self.full.clear()

    async def load(self) -> list[Filter]:
        """Every saved filter (all types), fetched once until :meth:`forget`."""
        if self.filters is None:
            self.filters = await self.session.client.list_filters()
        return self.filters

    def of_type(self, filter_type: str) -> list[Filter]:
        """The filters loaded of one type, by name."""
        found = [f for f in self.filters or [] if f.type == filter_type]
        return sorted(found, key=lambda f: f.name.casefold())

    async def conditions(self, filter_id: int) -> Filter:
        """One filter with its conditions (fetched once), its people and orgs named."""
        found = self.full.get(filter_id)
        if found is None:
            found = await self.session.client.get_filter(filter_id)
            self.full[filter_id] = found
            await self._name_records([found])
        return found

    def remember(self, saved: Filter) -> None:
        """A filter saved here (created, edited, renamed): keep it in the list and the cache."""
        self.full[saved.id] = saved
        if self.filters is not None:
            others = [f for f in self.filters if f.id != saved.id]
            self.filters = [*others, saved]

    def drop(self, filter_id: int) -> Filter | None:
        """A filter deleted here: take it out of the list; returns it (to put back on failure)."""
        self.full.pop(filter_id, None)
        if self.filters is None:
            return None
        gone = next((f for f in self.filters if f.id == filter_id), None)
        self.filters = [f for f in self.filters if f.id != filter_id]
        return gone

    async def load_helpers(self) -> dict[str, Any]:
        """The filter helpers (operators per field type, relative dates), fetched once."""
        if self.helpers is None:
            self.helpers = await self.session.client.get_filter_helpers()
        return self.helpers

    async def load_vocabulary(self) -> FilterVocabulary:
        """Names for every field, user, stage, pipeline and currency (cached lookups)."""
        lookups = self.session.lookups
        helpers = await self.load_helpers()
        fields = await asyncio.gather(*(lookups.fields(kind) for _, kind in _FIELD_LOOKUPS))
        pipelines = {p.id: p.name for p in await lookups.pipelines()}
        stages = {
            s.id: f"{pipelines.get(s.pipeline_id, '?')} › {s.name}" for s in await lookups.stages()
        }
        names = self.session.names
        self.vocabulary = FilterVocabulary(
            fields={
                obj: list(found) for (obj, _), found in zip(_FIELD_LOOKUPS, fields, strict=True)
            },
            users={i: u.name for i, u in (await lookups.users()).items()},
            stages=stages,
            pipelines=pipelines,
            persons={i: p.name for i, p in names.persons.items()},
            organizations={i: o.name for i, o in names.organizations.items()},
            currencies=await lookups.currencies(),
            helpers=helpers,
            default_currency=me.default_currency if (me := self.session.me) else None,
        )
        return self.vocabulary

    async def _name_records(self, filters: Iterable[Filter]) -> None:
        """Fetch the names of persons and organizations the conditions point to."""
        persons: list[int] = []
        orgs: list[int] = []
        for saved in filters:
            for group in saved.conditions.conditions if saved.conditions else []:
                for condition in group.conditions:
                    value = condition.value
                    if not (isinstance(value, int | str) and str(value).isdigit()):
                        continue
                    if condition.field_code in ("person_id",):
                        persons.append(int(value))
                    elif condition.field_code in ("org_id", "organization_id"):
                        orgs.append(int(value))
        if persons or orgs:
            await self.session.names.resolve(persons, orgs)
            vocab = self.vocabulary
            names = self.session.names
            self.vocabulary = FilterVocabulary(
                fields=vocab.fields, users=vocab.users, stages=vocab.stages,
                pipelines=vocab.pipelines,
                persons={i: p.name for i, p in names.persons.items()},
                organizations={i: o.name for i, o in names.organizations.items()},
                currencies=vocab.currencies, helpers=vocab.helpers,
                default_currency=vocab.default_currency,
            )  # fmt: skip
