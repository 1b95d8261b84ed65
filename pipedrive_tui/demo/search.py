"""The v2 search routes: deals, leads, persons, organizations and ``/itemSearch``.

A term of at least 2 characters (1 with ``exact_match=true``) is matched case-insensitively as a
substring, or against whole values with ``exact_match``, in the fields the endpoint searches
(``fields`` narrows them). Hits come back as Pipedrive's summaries,
``data: {items: [{result_score, item}]}``, best score first, paged by an opaque cursor.

The lowercased searchable text of each record is cached and rebuilt only when a write replaced
the record, so a search over the 100,000-deal account is one pass of substring tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pipedrive_tui.demo.responses import Request, bad_request, cursor_page
from pipedrive_tui.demo.store import DemoStore

__all__ = ["ROUTES", "SEARCHABLE_TYPES"]

Record = dict[str, Any]
Handler = Callable[[DemoStore, Request], dict[str, Any]]
Texts = dict[str, list[str]]

#: Custom field types Pipedrive's search looks into.
SEARCHABLE_TYPES = frozenset(
    {"address", "varchar", "text", "varchar_auto", "double", "monetary", "phone"}
)
_FIELDS = {
    "deal": ("custom_fields", "notes", "title"),
    "lead": ("custom_fields", "notes", "title"),
    "person": ("custom_fields", "email", "notes", "phone", "name"),
    "organization": ("address", "custom_fields", "notes", "name"),
}
_ITEM_FIELDS = (
    "address", "code", "custom_fields", "email", "name", "notes", "phone", "title", "description"
)  # fmt: skip
_ITEM_TYPES = (
    "deal",
    "person",
    "organization",
    "product",
    "lead",
    "file",
    "mail_attachment",
    "project",
)
_WEIGHTS = {"title": 1.0, "name": 1.0, "email": 0.6, "phone": 0.6, "address": 0.4}
_TAG = re.compile(r"<[^>]+>")
_SEP = "\x00"
_NOTE_KEYS = {"deal": "deal_id", "lead": "lead_id", "person": "person_id", "organization": "org_id"}


class _Texts:
    """The cached searchable text of every record of one kind.

    Per record, one lowercased string per searched field (in the order of ``_FIELDS[kind]``),
    its values joined and framed by ``\\x00``: a substring test finds a match, a framed test an
    exact one. The original values are looked up again only for the hits of the page served.
    """

    def __init__(self) -> None:
        self.entries: dict[Any, tuple[Record, tuple[str, ...]]] = {}

    def of(self, store: DemoStore, kind: str, record: Record) -> tuple[str, ...]:
        cached = self.entries.get(record["id"])
        if cached is not None and cached[0] is record:
            return cached[1]
        values = _values(store, kind, record)
        blobs = tuple(
            _SEP + _SEP.join(v.lower() for v in values[name]) + _SEP if values[name] else ""
            for name in _FIELDS[kind]
        )
        self.entries[record["id"]] = (record, blobs)
        return blobs


def _strings(values: Iterable[Any]) -> list[str]:
    return [str(v).replace(_SEP, " ") for v in values if v not in (None, "")]


def _values(store: DemoStore, kind: str, record: Record) -> dict[str, list[str]]:
    """The searchable values of a record by field (every field of ``_FIELDS[kind]``)."""
    notes = [
        _TAG.sub(" ", str(store.notes.by_id[i].get("content") or "")).strip()
        for i in store.notes.bucket(_NOTE_KEYS[kind], record["id"])
    ]
    found = {
        "notes": _strings(notes),
        "custom_fields": _strings(_custom_values(store, kind, record)),
        "title": _strings([record.get("title")]) if kind in ("deal", "lead") else [],
        "name": _strings([record.get("name")]) if kind not in ("deal", "lead") else [],
        "email": _strings(e.get("value") for e in record.get("emails") or []),
        "phone": _strings(p.get("value") for p in record.get("phones") or []),
        "address": [],
    }
    if kind == "organization":
        found["address"] = _strings([(record.get("address") or {}).get("value")])
    return found


def _hits(
    store: DemoStore, kind: str, record: Record, fields: list[str], term: str, exact: bool
) -> dict[str, list[str]]:
    """The values of a record that match the term, by field."""
    values = _values(store, kind, record)
    return {
        name: [v for v in values[name] if (v.lower() == term if exact else term in v.lower())]
        for name in fields
    }


def _custom_values(store: DemoStore, kind: str, record: Record) -> list[Any]:
    custom = record if kind == "lead" else record.get("custom_fields") or {}
    values = []
    for code, field in store.custom_fields(kind).items():
        value = custom.get(code)
        if value is None or field.get("field_type") not in SEARCHABLE_TYPES:
            continue
        values.append(value.get("value") if isinstance(value, dict) else value)
    return values


def _term(request: Request) -> tuple[str, bool]:
    exact = bool(request.boolean("exact_match"))
    term = (request.text("term") or "").strip()
    if len(term) < (1 if exact else 2):
        raise bad_request(
            "Search term must be at least 2 characters long (1 with exact_match)"
            if term
            else "The parameter 'term' is required"
        )
    return term.lower(), exact


def _score(
    blobs: tuple[str, ...], fields: list[tuple[int, float]], term: str, exact: bool
) -> float:
    """The result score of a record: per matching field, its weight times how well it matched."""
    score = 0.0
    whole, prefix = _SEP + term + _SEP, _SEP + term
    for index, weight in fields:
        blob = blobs[index]
        if not blob:
            continue
        if whole in blob:
            best = 1.0
        elif exact:
            continue
        elif prefix in blob:
            best = 0.7
        elif term in blob:
            best = 0.4
        else:
            continue
        score += weight * best
    return round(score, 5)


def _number(value: Any) -> int:
    """A summary's ``value``: the spec declares it an integer, so it is rounded."""
    return round(value) if isinstance(value, int | float) else 0


def _named(table: Any, record_id: Any, *extra: str) -> Record | None:
    found = table.get(record_id) if record_id is not None else None
    if found is None:
        return None
    out = {"id": found["id"], "name": found.get("name")}
    for key in extra:
        value = found.get(key)
        out[key] = value.get("value") if isinstance(value, dict) else value
    return out


def _deal_item(store: DemoStore, deal: Record, hits: Texts, include: list[str]) -> Record:
    stage = store.stages.get(deal.get("stage_id")) or {}
    item = {
        "id": deal["id"], "type": "deal", "title": deal.get("title"),
        "value": _number(deal.get("value", 0)), "currency": deal.get("currency"),
        "status": deal.get("status"), "visible_to": deal.get("visible_to"),
        "owner": {"id": deal.get("owner_id")},
        "stage": {"id": stage.get("id"), "name": stage.get("name")},
        "person": _named(store.persons, deal.get("person_id")),
        "organization": _named(store.organizations, deal.get("org_id"), "address"),
        "custom_fields": hits.get("custom_fields", []),
        "notes": hits.get("notes", []),
        "is_archived": bool(deal.get("is_archived")),
    }  # fmt: skip
    if "deal.cc_email" in include:
        item["cc_email"] = f"{store.account.company['domain']}+deal{deal['id']}@pipedrivemail.com"
    return item


def _person_item(store: DemoStore, person: Record, hits: Texts, include: list[str]) -> Record:
    item: Record = {
        "id": person["id"], "type": "person", "name": person.get("name"),
        "phones": [p.get("value") for p in person.get("phones") or []],
        "emails": [e.get("value") for e in person.get("emails") or []],
        "visible_to": person.get("visible_to"), "owner": {"id": person.get("owner_id")},
        "custom_fields": hits.get("custom_fields", []),
        "notes": hits.get("notes", []),
    }  # fmt: skip
    organization = _named(store.organizations, person.get("org_id"), "address")
    if organization is not None:
        item["organization"] = organization
    if "person.picture" in include:
        item["picture"] = None
    return item


def _organization_item(store: DemoStore, org: Record, hits: Texts, include: list[str]) -> Record:
    item: Record = {
        "id": org["id"], "type": "organization", "name": org.get("name"),
        "visible_to": org.get("visible_to"), "owner": {"id": org.get("owner_id")},
        "custom_fields": hits.get("custom_fields", []),
        "notes": hits.get("notes", []),
    }  # fmt: skip
    address = (org.get("address") or {}).get("value")
    if address is not None:
        item["address"] = address
    return item


def _lead_item(store: DemoStore, lead: Record, hits: Texts, include: list[str]) -> Record:
    person = store.persons.get(lead.get("person_id")) or {}
    item: Record = {
        "id": lead["id"], "type": "lead", "title": lead.get("title"),
        "owner": {"id": lead.get("owner_id")},
        "phones": [p.get("value") for p in person.get("phones") or []],
        "emails": [e.get("value") for e in person.get("emails") or []],
        "custom_fields": hits.get("custom_fields", []),
        "notes": hits.get("notes", []),
        "visible_to": int(lead.get("visible_to") or 3),
        "is_archived": bool(lead.get("is_archived")),
    }  # fmt: skip
    for key, table in (("person", store.persons), ("organization", store.organizations)):
        named = _named(table, lead.get(f"{key}_id" if key == "person" else "organization_id"))
        if named is not None:
            item[key] = named
    if lead.get("value"):
        item["value"], item["currency"] = (
            _number(lead["value"]["amount"]),
            lead["value"]["currency"],
        )
    if "lead.was_seen" in include:
        item["was_seen"] = bool(lead.get("was_seen"))
    return item


_ITEMS = {
    "deal": _deal_item, "person": _person_item, "organization": _organization_item,
    "lead": _lead_item,
}  # fmt: skip


def _records(store: DemoStore, kind: str, request: Request) -> Iterable[Record]:
    person_id = request.integer("person_id") if kind in ("deal", "lead") else None
    org_id = request.integer("organization_id") if kind != "organization" else None
    status = request.choice("status", ("open", "won", "lost")) if kind == "deal" else None
    if kind == "deal":
        records: Iterable[Record] = [*store.deals, *store.archived_deals]
    else:
        records = {"lead": store.leads, "person": store.persons}.get(kind, store.organizations)
    org_key = "organization_id" if kind == "lead" else "org_id"
    for record in records:
        if person_id is not None and record.get("person_id") != person_id:
            continue
        if org_id is not None and record.get(org_key) != org_id:
            continue
        if status is not None and record.get("status") != status:
            continue
        if kind == "deal" and record.get("is_deleted"):
            continue
        yield record


def _search(
    store: DemoStore, request: Request, kinds: tuple[str, ...], allowed: tuple[str, ...]
) -> list[tuple[float, str, Record, list[str]]]:
    """Every hit, best first: ``(score, kind, record, fields searched)``."""
    term, exact = _term(request)
    wanted = request.csv("fields", allowed)
    caches: dict[str, _Texts] = store.search_cache
    found: list[tuple[float, int, str, str, Record, list[str]]] = []
    for order, kind in enumerate(kinds):
        names = [f for f in _FIELDS[kind] if wanted is None or f in wanted]
        fields = [(_FIELDS[kind].index(f), _WEIGHTS.get(f, 0.3)) for f in names]
        cache = caches.setdefault(kind, _Texts())
        for record in _records(store, kind, request):
            score = _score(cache.of(store, kind, record), fields, term, exact) if fields else 0.0
            if score:
                found.append((-score, order, str(record["id"]).zfill(12), kind, record, names))
    found.sort(key=lambda hit: hit[:3])
    return [(-hit[0], hit[3], hit[4], hit[5]) for hit in found]


def _answer(
    store: DemoStore,
    request: Request,
    hits: list[tuple[float, str, Record, list[str]]],
    maximum: int,
) -> dict[str, Any]:
    include = request.csv("include_fields") or []
    term, exact = _term(request)
    ordered = [(i, i) for i in range(len(hits))]
    page, cursor = cursor_page(
        ordered, hits.__getitem__, limit=request.limit(100, maximum),
        cursor=request.text("cursor"), field_name="rank",
    )  # fmt: skip
    items = [
        {
            "result_score": score,
            "item": _ITEMS[kind](
                store, record, _hits(store, kind, record, names, term, exact), include
            ),
        }
        for score, kind, record, names in page
    ]
    return {"success": True, "data": {"items": items}, "additional_data": {"next_cursor": cursor}}


def _entity_search(kind: str) -> Handler:
    def handler(store: DemoStore, request: Request) -> dict[str, Any]:
        request.csv("include_fields", {"deal": ("deal.cc_email",), "lead": ("lead.was_seen",),
                                       "person": ("person.picture",)}.get(kind, ()))  # fmt: skip
        request.limit(100, 500)
        return _answer(store, request, _search(store, request, (kind,), _FIELDS[kind]), 500)

    return handler


def search_items(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /itemSearch`` across deals, persons, organizations and leads (limit up to 100)."""
    request.limit(100, 100)
    types = request.csv("item_types", _ITEM_TYPES) or list(_ITEM_TYPES)
    request.boolean("search_for_related_items")
    request.csv("include_fields", ("deal.cc_email", "person.picture", "product.price"))
    kinds = tuple(kind for kind in ("deal", "person", "organization", "lead") if kind in types)
    return _answer(store, request, _search(store, request, kinds, _ITEM_FIELDS), 100)


#: The search routes by endpoint name.
ROUTES: dict[str, Handler] = {
    "search_deals": _entity_search("deal"),
    "search_leads": _entity_search("lead"),
    "search_persons": _entity_search("person"),
    "search_organizations": _entity_search("organization"),
    "search_items": search_items,
}
