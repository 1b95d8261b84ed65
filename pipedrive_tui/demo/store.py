"""The demo account's records in memory, indexed for fast paging, and changed by writes.

The store never changes the :class:`~pipedrive_tui.demo.generator.DemoAccount` it was built from:
a write replaces a record with a changed copy (copy on write), so one generated account can back
many demo servers. Orderings and equality indexes are built on first use and kept up to date by
writes, so paging through 100,000 deals costs O(page) per request.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipedrive_tui.demo.generator import DemoAccount

__all__ = ["DemoStore", "Table", "format_like"]

Record = dict[str, Any]

#: What a missing sort value sorts as, per sortable field (keeps keys of one type).
_MISSING: dict[str, Any] = {"id": 0, "order_nr": 0, "add_time": "", "update_time": ""}


def sort_value(record: Record, field: str) -> Any:
    """The value a record sorts by; a missing one sorts first."""
    value = record.get(field)
    return _MISSING.get(field, "") if value is None else value


class Table:
    """Records by id, with orderings and equality indexes built on first use."""

    def __init__(self, records: Iterable[Record], key: str = "id") -> None:
        """Index ``records`` by their ``key``."""
        self.key = key
        self.by_id: dict[Any, Record] = {record[key]: record for record in records}
        self._orders: dict[str, list[tuple[Any, Any]]] = {}
        self._indexes: dict[str, dict[Any, list[Any]]] = {}

    def __len__(self) -> int:
        """How many records the table holds."""
        return len(self.by_id)

    def __iter__(self) -> Iterator[Record]:
        """The records, in insertion order."""
        return iter(self.by_id.values())

    def get(self, record_id: Any) -> Record | None:
        """The record with this id, or ``None``."""
        return self.by_id.get(record_id)

    def order(self, field: str) -> list[tuple[Any, Any]]:
        """``(sort value, id)`` of every record, ascending; cached until a write changes it."""
        found = self._orders.get(field)
        if found is None:
            found = sorted((sort_value(r, field), rid) for rid, r in self.by_id.items())
            self._orders[field] = found
        return found

    def order_of(self, ids: Iterable[Any], field: str) -> list[tuple[Any, Any]]:
        """``(sort value, id)`` of some records, ascending."""
        by_id = self.by_id
        return sorted((sort_value(by_id[i], field), i) for i in ids if i in by_id)

    def index(self, field: str) -> dict[Any, list[Any]]:
        """Ids by the value of ``field``, each list sorted."""
        found = self._indexes.get(field)
        if found is None:
            found = {}
            for rid in sorted(self.by_id):
                found.setdefault(self.by_id[rid].get(field), []).append(rid)
            self._indexes[field] = found
        return found

    def bucket(self, field: str, value: Any) -> list[Any]:
        """The sorted ids of the records whose ``field`` equals ``value``."""
        return self.index(field).get(value, [])

    def put(self, record: Record) -> None:
        """Add a record or replace the one with the same id, keeping orders and indexes right."""
        rid = record[self.key]
        old = self.by_id.get(rid)
        self.by_id[rid] = record
        for field, order in list(self._orders.items()):
            new_key = (sort_value(record, field), rid)
            if old is not None:
                old_key = (sort_value(old, field), rid)
                if old_key == new_key:
                    continue
                _remove_sorted(order, old_key)
            bisect.insort(order, new_key)
        for field, index in self._indexes.items():
            if old is not None:
                if old.get(field) == record.get(field):
                    continue
                _remove_sorted(index.get(old.get(field), []), rid)
            bisect.insort(index.setdefault(record.get(field), []), rid)

    def remove(self, record_id: Any) -> Record | None:
        """Take a record out of the table; returns it, or ``None`` when it was not there."""
        old = self.by_id.pop(record_id, None)
        if old is None:
            return None
        for field, order in self._orders.items():
            _remove_sorted(order, (sort_value(old, field), record_id))
        for field, index in self._indexes.items():
            _remove_sorted(index.get(old.get(field), []), record_id)
        return old


def _remove_sorted(items: list[Any], value: Any) -> None:
    at = bisect.bisect_left(items, value)
    if at < len(items) and items[at] == value:
        del items[at]


def format_like(example: Any, moment: datetime) -> str:
    """``moment`` in the timestamp format of ``example``: RFC 3339, with milliseconds, or v1's."""
    if isinstance(example, str) and len(example) >= 19 and example[10] == " ":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(example, str) and "." in example[19:]:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class DemoStore:
    """Every collection of the demo account, as the demo Pipedrive serves and changes them."""

    def __init__(self, account: DemoAccount, clock: Callable[[], float]) -> None:
        """Index ``account``; ``clock`` (seconds) moves the account's "now" forward for writes."""
        self.account = account
        self._clock = clock
        self._clock_start = clock()
        self._last_write = account.now
        self.users: dict[int, Record] = {user["id"]: user for user in account.users}
        self.currencies: list[Record] = list(account.currencies)
        self.currency_codes = {currency["code"] for currency in account.currencies}
        self.pipelines = Table(account.pipelines)
        self.stages = Table(account.stages)
        self.deals = Table(d for d in account.deals if not d.get("is_archived"))
        self.archived_deals = Table(d for d in account.deals if d.get("is_archived"))
        self.persons = Table(account.persons)
        self.organizations = Table(account.organizations)
        self.leads = Table(account.leads)
        self.lead_labels: dict[str, Record] = {label["id"]: label for label in account.lead_labels}
        self.threads = Table(account.mail_threads)
        self.messages = Table(account.mail_messages)
        self.filters: dict[int, Record] = {f["id"]: f for f in account.filters}
        self.notes = Table(account.notes)
        self.deal_flow: dict[int, list[Record]] = dict(account.deal_flow)
        self.deal_participants: dict[int, list[Record]] = dict(account.deal_participants)
        self.field_sets: dict[str, list[Record]] = {
            "deal": list(account.deal_fields),
            "person": list(account.person_fields),
            "organization": list(account.organization_fields),
            "lead": list(account.lead_fields),
        }
        self._fields_by_id = {
            kind: {str(f["id"]): f for f in fields if f.get("id") is not None}
            for kind, fields in self.field_sets.items()
        }
        self._fields_by_code = {
            kind: {_field_code(f): f for f in fields} for kind, fields in self.field_sets.items()
        }
        self._custom = {
            kind: {
                code: f
                for code, f in by_code.items()
                if f.get("is_custom_field") or f.get("edit_flag")
            }
            for kind, by_code in self._fields_by_code.items()
        }
        #: Caches kept by the search routes (see :mod:`pipedrive_tui.demo.search`).
        self.search_cache: dict[str, Any] = {}
        self._next_filter_id = max(self.filters, default=0) + 1
        self._serial = 0

    # --- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The account's "now": its fixed time plus the time passed since the demo started."""
        moment = self.account.now + timedelta(seconds=max(0.0, self._clock() - self._clock_start))
        self._last_write = max(self._last_write, moment.replace(microsecond=0))
        return self._last_write

    def serial(self) -> int:
        """A number that grows by one at each call: ids and names of new records."""
        self._serial += 1
        return self._serial

    def next_filter_id(self) -> int:
        """The id of the next new filter."""
        found = self._next_filter_id
        self._next_filter_id += 1
        return found

    # --- lookups ---------------------------------------------------------------------------

    def deal(self, deal_id: int) -> Record | None:
        """A deal, archived or not."""
        return self.deals.get(deal_id) or self.archived_deals.get(deal_id)

    def field_by_id(self, kind: str, field_id: Any) -> Record | None:
        """A field definition (``kind``: deal, person, organization, lead) by its numeric id."""
        return self._fields_by_id.get(kind, {}).get(str(field_id))

    def field_by_code(self, kind: str, code: str) -> Record | None:
        """A field definition by its code (v2 ``field_code``, v1 ``key``)."""
        return self._fields_by_code.get(kind, {}).get(code)

    def custom_fields(self, kind: str) -> dict[str, Record]:
        """The custom fields of an entity kind by their hash code."""
        return self._custom.get(kind, {})

    def first_stage(self, pipeline_id: int) -> Record | None:
        """The stage with the lowest ``order_nr`` of a pipeline."""
        stages = [self.stages.by_id[i] for i in self.stages.bucket("pipeline_id", pipeline_id)]
        return min(stages, key=lambda s: (s.get("order_nr", 0), s["id"]), default=None)

    def thread_messages(self, thread_id: int) -> list[Record]:
        """The messages of a thread, oldest first."""
        messages = [
            self.messages.by_id[i] for i in self.messages.bucket("mail_thread_id", thread_id)
        ]
        return sorted(messages, key=lambda m: (str(m.get("message_time") or ""), m["id"]))

    def deal_threads(self, deal_id: int) -> list[Record]:
        """The mail threads linked to a deal."""
        return [self.threads.by_id[i] for i in self.threads.bucket("deal_id", deal_id)]

    # --- copy on write ---------------------------------------------------------------------

    @staticmethod
    def copy(record: Record) -> Record:
        """A deep copy of a record, to change without touching the generated account."""
        return copy.deepcopy(record)


def _field_code(field: Record) -> str:
    return str(field.get("field_code") or field.get("key") or "")
