"""The columns of the deals list: cells and sort keys built from the account's lookups.

The table widget only knows :class:`~pipedrive_tui.widgets.table_columns.TableColumn`; this
module fills them with names (users, stages, pipelines from the cached lookups; persons and
organizations from the session's :class:`~pipedrive_tui.data.names.NameBook`), amounts
(:func:`~pipedrive_tui.fields.format_money`) and custom-field values
(:func:`~pipedrive_tui.fields.format_value`). Cells are plain text; the table cleans them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipedrive_tui.api.models import Currency, Deal, FieldDefinition, Pipeline, Stage, User
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.data.names import NameBook
from pipedrive_tui.fields.catalog import FieldCatalog
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import format_value
from pipedrive_tui.fields.numbers import format_money, to_decimal
from pipedrive_tui.widgets.table_columns import TableColumn, title_cell

__all__ = [
    "BUILTIN_COLUMNS",
    "ColumnChoice",
    "ListLookups",
    "build_columns",
    "choose_columns",
    "custom_fields",
    "money_cell",
    "scope_text",
    "search_text",
]

_STATUS_ORDER = {"open": 0, "won": 1, "lost": 2}
_ZERO_CENTS = re.compile(r"\.0+(?!\d)")
_NUMERIC = frozenset({"double", "int", "monetary"})
#: Width of a custom column by field type (the rest get 14).
_CUSTOM_WIDTHS = {
    "double": 9, "int": 8, "monetary": 13, "date": 10, "time": 8, "boolean": 5,
    "daterange": 23, "timerange": 17, "text": 20, "varchar": 16, "address": 20,
}  # fmt: skip


#: The list's own columns: key and header, in their default order.
BUILTIN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Title"), ("org", "Organization"), ("person", "Person"), ("value", "Value"),
    ("stage", "Stage"), ("pipeline", "Pipeline"), ("owner", "Owner"), ("status", "Status"),
    ("close", "Close date"), ("updated", "Updated"),
)  # fmt: skip
#: Pipedrive's keys of the deal fields the built-in columns show, as other names for them.
_BUILTIN_ALIASES = {
    "org_id": "org", "person_id": "person", "stage_id": "stage", "pipeline_id": "pipeline",
    "owner_id": "owner", "user_id": "owner", "expected_close_date": "close",
    "update_time": "updated",
}  # fmt: skip
_BUILTIN_KEYS = frozenset(key for key, _ in BUILTIN_COLUMNS)


@dataclass
class ListLookups:
    """The cached lookups the cells need, by id (empty until they are loaded)."""

    users: dict[int, User] = field(default_factory=dict)
    pipelines: dict[int, Pipeline] = field(default_factory=dict)
    stages: dict[int, Stage] = field(default_factory=dict)
    currencies: dict[str, Currency] = field(default_factory=dict)
    deal_fields: list[FieldDefinition] = field(default_factory=list)


class _Names(Mapping[int, str]):
    """Names of the persons or organizations the name book holds now (a live view)."""

    def __init__(self, records: Mapping[int, Any]) -> None:
        self._records = records

    def __getitem__(self, key: int) -> str:
        return str(self._records[key].name)

    def __iter__(self) -> Iterator[int]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def field_context(
    lookups: ListLookups, names: NameBook, default_currency: str | None = None
) -> FieldContext:
    """What :func:`format_value` needs: user, person and organization names, currencies."""
    return FieldContext(
        users={user_id: user.name for user_id, user in lookups.users.items()},
        organizations=_Names(names.organizations),
        persons=_Names(names.persons),
        currencies=lookups.currencies,
        default_currency=default_currency,
    )


def money_cell(amount: Any, currency: str | None, context: FieldContext) -> str:
    """An amount for a table cell: "$13,520" (no ".00" on whole amounts), "€1,234.50"."""
    return _ZERO_CENTS.sub("", format_money(amount, currency, context))


def custom_fields(lookups: ListLookups) -> list[tuple[str, str]]:
    """``(key, display name)`` of the custom deal fields, in Pipedrive's order."""
    catalog = FieldCatalog(lookups.deal_fields)
    return [(d.key, catalog.name(d.key)) for d in catalog.custom_fields()]


@dataclass(frozen=True)
class ColumnChoice:
    """The columns a ``deals_columns`` setting names, as keys, and the names it got wrong.

    Attributes:
        keys: built-in column keys and custom-field keys, in the order given (no title, no
            repeats).
        unknown: the names that match no column (as written).
        known: every name that would have matched a column (headers, then custom fields).
    """

    keys: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    known: tuple[str, ...] = ()

    @property
    def custom(self) -> list[str]:
        """The custom-field keys among :attr:`keys`."""
        return [key for key in self.keys if key not in _BUILTIN_KEYS]

    def notice(self) -> str:
        """What to tell the user about the names that match no column (``""``: none)."""
        if not self.unknown:
            return ""
        return (
            f"deals_columns: no column is called {', '.join(map(repr, self.unknown))}. "
            f"The columns are: {', '.join(self.known)}."
        )


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def choose_columns(names: Sequence[str], lookups: ListLookups) -> ColumnChoice:
    """Read a ``deals_columns`` setting: each name a built-in column (by its header, like
    "Organization", or its key, like ``org`` or Pipedrive's ``org_id``) or a custom field (by
    its name, or its key), case-insensitive.

    Custom fields are known only once the deal fields are loaded: before, every name that is
    not a built-in column is "unknown".
    """
    catalog = FieldCatalog(lookups.deal_fields)
    wanted: dict[str, str] = {}
    for key, label in BUILTIN_COLUMNS:
        wanted.setdefault(_fold(label), key)
        wanted.setdefault(key, key)
    for alias, key in _BUILTIN_ALIASES.items():
        wanted.setdefault(alias, key)
    customs = catalog.custom_fields()
    for definition in customs:
        wanted.setdefault(_fold(catalog.name(definition.key)), definition.key)
        wanted.setdefault(definition.key.casefold(), definition.key)
    # Pipedrive's own names of the fields the built-in columns show ("Contact person"…).
    for definition in catalog.builtin_fields():
        key = _BUILTIN_ALIASES.get(definition.key, definition.key)
        if key in _BUILTIN_KEYS:
            wanted.setdefault(_fold(catalog.name(definition.key)), key)
    keys: list[str] = []
    unknown: list[str] = []
    for name in names:
        found = wanted.get(_fold(name))
        if found is None:
            unknown.append(name)
        elif found != "title" and found not in keys:
            keys.append(found)
    known = [label for _, label in BUILTIN_COLUMNS]
    known += [catalog.name(definition.key) for definition in customs]
    return ColumnChoice(tuple(keys), tuple(unknown), tuple(known))


def search_text(deal: Deal, names: NameBook) -> str:
    """What ``/`` searches in: the title, the organization's and the person's names."""
    org = names.organization_name(deal.org_id) or ""
    person = names.person_name(deal.person_id) or ""
    return f"{deal.title}\n{org}\n{person}"


def scope_text(
    query: DealQuery, names: NameBook, lookups: ListLookups, filters: Mapping[int, str]
) -> str:
    """What the list is narrowed to besides the status: a saved filter, a person, a pipeline…"""
    parts = []
    if query.filter_id is not None:
        parts.append(f"Filter: {filters.get(query.filter_id, f'#{query.filter_id}')}")
    if query.person_id is not None:
        parts.append(f"Person: {names.person_name(query.person_id) or query.person_id}")
    if query.org_id is not None:
        parts.append(f"Organization: {names.organization_name(query.org_id) or query.org_id}")
    if query.pipeline_id is not None:
        pipeline = lookups.pipelines.get(query.pipeline_id)
        parts.append(f"Pipeline: {pipeline.name if pipeline else query.pipeline_id}")
    if query.owner_id is not None:
        owner = lookups.users.get(query.owner_id)
        parts.append(f"Owner: {owner.name if owner else query.owner_id}")
    return " · ".join(parts) or "No filter"


def _folded(text: str | None) -> str | None:
    return text.casefold() if text else None


def _timestamp(value: datetime | None) -> float | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _custom_column(definition: FieldDefinition, name: str, context: FieldContext) -> TableColumn:
    key = definition.key

    def cell(deal: Deal) -> str:
        return format_value(definition, deal.custom_fields.get(key), context)

    def sort_key(deal: Deal) -> Any:
        raw = deal.custom_fields.get(key)
        if definition.field_type in _NUMERIC:
            number = to_decimal(raw.get("value") if isinstance(raw, dict) else raw)
            return None if number is None else float(number)
        return _folded(cell(deal))

    kind = definition.field_type
    return TableColumn(
        key, name, cell, width=_CUSTOM_WIDTHS.get(kind, 14),
        align="right" if kind in _NUMERIC else "left", priority=2, sort_key=sort_key,
    )  # fmt: skip


def build_columns(
    lookups: ListLookups,
    names: NameBook,
    *,
    status: bool = False,
    custom: Sequence[str] = (),
    default_currency: str | None = None,
    order: Sequence[str] | None = None,
) -> list[TableColumn]:
    """The list's columns: the built-in ones, ``status`` when tabs mix them, then ``custom``.

    ``order`` (a ``deals_columns`` setting, as :func:`choose_columns` reads it) shows exactly
    those columns in that order instead, after the title; its custom fields show while they
    are in ``custom`` (the ``c`` picker may drop them), and custom fields picked that it does
    not name follow. ``status`` then adds the status column only when ``order`` leaves it out.

    On a narrow terminal the table drops columns from the highest priority number down; at 80
    columns title, organization, value, stage and owner remain.
    """
    context = field_context(lookups, names, default_currency)

    def user(deal: Deal) -> str | None:
        found = lookups.users.get(deal.owner_id) if deal.owner_id is not None else None
        return found.name if found else None

    def stage(deal: Deal) -> Stage | None:
        return lookups.stages.get(deal.stage_id) if deal.stage_id is not None else None

    def pipeline(deal: Deal) -> Pipeline | None:
        found = lookups.pipelines.get(deal.pipeline_id) if deal.pipeline_id is not None else None
        return found

    # Sort keys are plain ints (ranks), not tuples: see deals_rows.sort_rows.
    pipeline_rank = {
        p.id: rank
        for rank, p in enumerate(
            sorted(lookups.pipelines.values(), key=lambda p: (p.order_nr, p.id))
        )
    }
    stage_rank = {
        s.id: rank
        for rank, s in enumerate(
            sorted(
                lookups.stages.values(),
                key=lambda s: (pipeline_rank.get(s.pipeline_id, 1 << 30), s.order_nr, s.id),
            )
        )
    }

    def org(deal: Deal) -> str | None:
        return names.organization_name(deal.org_id)

    def person(deal: Deal) -> str | None:
        return names.person_name(deal.person_id)

    def text(get: Callable[[Deal], str | None]) -> Callable[[Deal], str]:
        return lambda deal: get(deal) or ""

    def folded(get: Callable[[Deal], str | None]) -> Callable[[Deal], str | None]:
        return lambda deal: _folded(get(deal))

    def when(deal: Deal) -> str:
        return deal.update_time.date().isoformat() if deal.update_time else ""

    columns = [
        TableColumn("title", "Title", lambda d: title_cell(d.title), width=22, flexible=True,
                    priority=0, sort_key=lambda d: d.title.casefold(), ideal=32),
        TableColumn("org", "Organization", text(org), width=15, sort_key=folded(org)),
        TableColumn("person", "Person", text(person), width=14, priority=2,
                    sort_key=folded(person)),
        TableColumn("value", "Value", lambda d: money_cell(d.value, d.currency, context),
                    width=14, align="right", sort_key=lambda d: float(d.value)),
        TableColumn("stage", "Stage", lambda d: s.name if (s := stage(d)) else "", width=13,
                    sort_key=lambda d: stage_rank.get(d.stage_id or 0)),
        TableColumn("pipeline", "Pipeline", lambda d: p.name if (p := pipeline(d)) else "",
                    width=12, priority=5, sort_key=lambda d: pipeline_rank.get(d.pipeline_id or 0)),
        TableColumn("owner", "Owner", text(user), width=11, sort_key=folded(user)),
    ]  # fmt: skip
    status_column = TableColumn(
        "status", "Status", lambda d: d.status, width=6, priority=3,
        sort_key=lambda d: _STATUS_ORDER.get(d.status, 3),
    )  # fmt: skip
    columns += [
        TableColumn("close", "Close date",
                    lambda d: d.expected_close_date.isoformat() if d.expected_close_date else "",
                    width=10, priority=4, sort_key=lambda d: d.expected_close_date),
        TableColumn("updated", "Updated", when, width=10, priority=6,
                    sort_key=lambda d: _timestamp(d.update_time)),
    ]  # fmt: skip
    catalog = FieldCatalog(lookups.deal_fields)

    def custom_column(key: str) -> TableColumn | None:
        definition = catalog.get(key)
        return _custom_column(definition, catalog.name(key), context) if definition else None

    if order is None:
        if status:
            columns.insert(-2, status_column)
        columns += [c for key in custom if (c := custom_column(key)) is not None]
        return columns
    builtin = {column.key: column for column in (*columns, status_column)}
    chosen = [builtin["title"]]
    for key in order:
        found = builtin.get(key) if key in _BUILTIN_KEYS else None
        if found is None and key in custom:
            found = custom_column(key)
        if found is not None and found not in chosen:
            chosen.append(found)
    if status and "status" not in order:
        chosen.append(status_column)
    chosen += [c for key in custom if key not in order and (c := custom_column(key)) is not None]
    return chosen
