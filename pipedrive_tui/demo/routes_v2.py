"""The v2 read routes: pipelines, stages, deals, persons, organizations and field schemas.

Every list pages by cursor (``limit`` up to 500, an opaque ``cursor``, ``next_cursor`` null at the
end) and walks a precomputed ordering, so an unfiltered page costs O(page) even on the
100,000-deal account. Filters narrow the walk to an index bucket when they can
(``stage_id``, ``pipeline_id``, ``owner_id``…) and test the rest record by record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipedrive_tui.demo.filters_eval import compile_conditions
from pipedrive_tui.demo.responses import (
    Request,
    bad_request,
    cursor_page,
    not_found,
    public,
)
from pipedrive_tui.demo.store import DemoStore, Table

__all__ = ["ROUTES", "deal_out", "v2_list"]

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
Handler = Callable[[DemoStore, Request], dict[str, Any]]

_SORTS = ("id", "update_time", "add_time")
_DIRECTIONS = ("asc", "desc")
_STATUSES = ("open", "won", "lost", "deleted")
_DEAL_INCLUDE = (
    "next_activity_id", "last_activity_id", "first_won_time", "products_count", "files_count",
    "notes_count", "followers_count", "email_messages_count", "activities_count",
    "done_activities_count", "undone_activities_count", "participants_count",
    "last_incoming_mail_time", "last_outgoing_mail_time", "smart_bcc_email", "source_lead_id",
)  # fmt: skip
_DEAL_COUNTS = ("open", "closed", "won", "lost")
_CONTACT_INCLUDE = (
    "next_activity_id", "last_activity_id", "open_deals_count", "related_open_deals_count",
    "closed_deals_count", "related_closed_deals_count", "participant_open_deals_count",
    "participant_closed_deals_count", "email_messages_count", "activities_count",
    "done_activities_count", "undone_activities_count", "files_count", "notes_count",
    "followers_count", "won_deals_count", "related_won_deals_count", "lost_deals_count",
    "related_lost_deals_count", "last_incoming_mail_time", "last_outgoing_mail_time",
    "marketing_status", "doi_status", "smart_bcc_email", "people_count",
)  # fmt: skip
_FIELD_INCLUDE = ("ui_visibility", "important_fields", "required_fields")


def v2_list(
    table: Table,
    request: Request,
    *,
    equal: dict[str, str] | None = None,
    keep: Predicate | None = None,
    sorts: tuple[str, ...] = _SORTS,
    ids_param: bool = True,
) -> tuple[list[Record], str | None]:
    """One cursor page of ``table``: equality filters (query param → record key), then ``keep``."""
    limit = request.limit(100, 500)
    sort_by = request.choice("sort_by", sorts, "id") or "id"
    descending = request.choice("sort_direction", _DIRECTIONS, "asc") == "desc"
    wanted = {key: request.integer(param) for param, key in (equal or {}).items()}
    wanted = {key: value for key, value in wanted.items() if value is not None}
    ids = request.int_csv("ids", maximum=100) if ids_param else None
    base: list[Any] | None = None
    if ids is not None:
        base = sorted(set(ids))
    elif wanted:
        base = min((table.bucket(key, value) for key, value in wanted.items()), key=len)
    ordered = table.order(sort_by) if base is None else table.order_of(base, sort_by)

    def fetch(record_id: Any) -> Record | None:
        record = table.by_id.get(record_id)
        if record is None or any(record.get(k) != v for k, v in wanted.items()):
            return None
        return record if keep is None or keep(record) else None

    return cursor_page(
        ordered, fetch, limit=limit, cursor=request.text("cursor"), field_name=sort_by,
        descending=descending,
    )  # fmt: skip


def _envelope(items: list[Record], next_cursor: str | None) -> dict[str, Any]:
    return {"success": True, "data": items, "additional_data": {"next_cursor": next_cursor}}


def _updated(request: Request) -> Predicate | None:
    since, until = request.timestamp("updated_since"), request.timestamp("updated_until")
    if since is None and until is None:
        return None
    return lambda r: (
        (since is None or str(r.get("update_time") or "") >= since)
        and (until is None or str(r.get("update_time") or "") < until)
    )


def _both(first: Predicate | None, second: Predicate | None) -> Predicate | None:
    if first is None or second is None:
        return first or second
    return lambda record: first(record) and second(record)


def _saved_filter(store: DemoStore, request: Request, kind: str, types: tuple[str, ...]) -> Any:
    filter_id = request.integer("filter_id")
    if filter_id is None:
        return None
    saved = store.filters.get(filter_id)
    if saved is None or saved.get("active_flag") is False:
        raise not_found(f"Filter with id {filter_id} not found")
    if saved.get("type") not in types:
        raise bad_request(
            f"Filter {filter_id} is a {saved.get('type')} filter, not a {kind} filter"
        )
    return compile_conditions(store, saved.get("conditions") or {}, kind)


# --- output shaping ---------------------------------------------------------------------------


def _custom_subset(request: Request) -> list[str] | None:
    keys = request.csv("custom_fields")
    if keys is not None and len(keys) > 15:
        raise bad_request("Parameter 'custom_fields' accepts at most 15 keys")
    return keys


def _shape(
    store: DemoStore, kind: str, record: Record, request: Request, extras: dict[str, Any]
) -> Record:
    out = public(record)
    keys = _custom_subset(request)
    custom = out.get("custom_fields")
    if isinstance(custom, dict):
        if keys is not None:
            custom = {key: custom.get(key) for key in keys if key in custom}
        if request.boolean("include_option_labels"):
            custom = _option_labels(store, kind, custom)
        out["custom_fields"] = custom
    out.update(extras)
    return out


def _option_labels(store: DemoStore, kind: str, custom: dict[str, Any]) -> dict[str, Any]:
    labelled = dict(custom)
    for code, field in store.custom_fields(kind).items():
        value = labelled.get(code)
        if value is None or field.get("field_type") not in ("enum", "set"):
            continue
        labels = {str(o["id"]): o.get("label") for o in field.get("options") or []}
        if isinstance(value, list):
            labelled[code] = [{"id": v, "label": labels.get(str(v))} for v in value]
        else:
            labelled[code] = {"id": value, "label": labels.get(str(value))}
    return labelled


def deal_out(store: DemoStore, deal: Record, request: Request | None = None) -> Record:
    """A deal as v2 serves it, with ``include_fields``/``custom_fields`` applied when asked."""
    if request is None:
        return public(deal)
    extras: dict[str, Any] = {}
    for name in request.csv("include_fields", _DEAL_INCLUDE) or []:
        extras[name] = _deal_extra(store, deal, name)
    return _shape(store, "deal", deal, request, extras)


def _deal_extra(store: DemoStore, deal: Record, name: str) -> Any:
    if "_" + name in deal:
        return deal["_" + name]
    if name in deal:
        return deal[name]
    deal_id = deal["id"]
    if name == "first_won_time":
        return deal.get("won_time")
    if name == "notes_count":
        return len(store.notes.bucket("deal_id", deal_id))
    if name == "participants_count":
        return len(store.deal_participants.get(deal_id, []))
    if name == "email_messages_count":
        return sum(t.get("message_count", 0) for t in store.deal_threads(deal_id))
    if name == "smart_bcc_email":
        return f"{store.account.company['domain']}+deal{deal_id}@pipedrivemail.com"
    if name.endswith("_count"):
        return 0
    return None


def _contact_out(store: DemoStore, kind: str, record: Record, request: Request) -> Record:
    key = "person_id" if kind == "person" else "org_id"
    extras: dict[str, Any] = {}
    for name in request.csv("include_fields", _CONTACT_INCLUDE) or []:
        if "_" + name in record:
            extras[name] = record["_" + name]
        elif name == "people_count" and kind == "organization":
            extras[name] = len(store.persons.bucket("org_id", record["id"]))
        elif name == "notes_count":
            extras[name] = len(store.notes.bucket(key, record["id"]))
        elif name.removeprefix("related_").removesuffix("_deals_count") in _DEAL_COUNTS:
            state = name.removeprefix("related_").removesuffix("_deals_count")
            deals = [store.deals.by_id[i] for i in store.deals.bucket(key, record["id"])]
            wanted = ("won", "lost") if state == "closed" else (state,)
            extras[name] = sum(1 for d in deals if d.get("status") in wanted)
        else:
            extras[name] = 0 if name.endswith("_count") else None
    return _shape(store, kind, record, request, extras)


# --- pipelines and stages -----------------------------------------------------------------------


def list_pipelines(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /pipelines``."""
    page, cursor = v2_list(store.pipelines, request, ids_param=False)
    return _envelope([public(p) for p in page], cursor)


def get_pipeline(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /pipelines/{id}``."""
    found = store.pipelines.get(request.int_id())
    if found is None:
        raise not_found("Pipeline not found")
    return {"success": True, "data": public(found)}


def list_stages(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /stages`` (``pipeline_id``, ``sort_by=order_nr`` for a board)."""
    page, cursor = v2_list(
        store.stages, request, equal={"pipeline_id": "pipeline_id"},
        sorts=(*_SORTS, "order_nr"), ids_param=False,
    )  # fmt: skip
    return _envelope([public(s) for s in page], cursor)


def get_stage(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /stages/{id}``."""
    found = store.stages.get(request.int_id())
    if found is None:
        raise not_found("Stage not found")
    return {"success": True, "data": public(found)}


# --- deals --------------------------------------------------------------------------------------


def _deal_filters(store: DemoStore, request: Request) -> tuple[dict[str, str], Predicate | None]:
    saved = _saved_filter(store, request, "deal", ("deals",))
    statuses = request.csv("status", _STATUSES)
    for param in ("include_labels", "include_option_labels"):
        request.boolean(param)
    request.csv("include_fields", _DEAL_INCLUDE)
    _custom_subset(request)
    if saved is not None:
        return {}, _both(lambda d: not d.get("is_deleted"), _both(saved, _updated(request)))
    equal = {p: p for p in ("owner_id", "person_id", "org_id", "pipeline_id", "stage_id")}
    allowed = set(statuses) if statuses else {"open", "won", "lost"}

    def status_ok(deal: Record) -> bool:
        status = "deleted" if deal.get("is_deleted") else deal.get("status")
        return status in allowed

    return equal, _both(status_ok, _updated(request))


def _deals(table_of: Callable[[DemoStore], Table]) -> Handler:
    def handler(store: DemoStore, request: Request) -> dict[str, Any]:
        equal, keep = _deal_filters(store, request)
        ids_param = request.integer("filter_id") is None
        page, cursor = v2_list(
            table_of(store), request, equal=equal, keep=keep, ids_param=ids_param
        )
        return _envelope([deal_out(store, d, request) for d in page], cursor)

    return handler


def get_deal(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /deals/{id}`` (archived deals too)."""
    found = store.deal(request.int_id())
    if found is None:
        raise not_found("Deal not found")
    return {"success": True, "data": deal_out(store, found, request)}


# --- persons and organizations ---------------------------------------------------------------


def list_persons(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /persons`` (``filter_id``, ``ids``, ``owner_id``, ``org_id``, ``deal_id``…)."""
    saved = _saved_filter(store, request, "person", ("people",))
    keep = _both(saved, _updated(request))
    request.csv("include_fields", _CONTACT_INCLUDE)
    deal_id = request.integer("deal_id")
    if deal_id is not None:
        deal = store.deal(deal_id)
        members = {deal.get("person_id")} if deal else set()
        members |= {_participant(p) for p in store.deal_participants.get(deal_id, [])}
        keep = _both(keep, lambda p: p["id"] in members)
    equal = {} if saved else {"owner_id": "owner_id", "org_id": "org_id"}
    page, cursor = v2_list(store.persons, request, equal=equal, keep=keep, ids_param=not saved)
    return _envelope([_contact_out(store, "person", p, request) for p in page], cursor)


def _participant(participant: Record) -> Any:
    person = participant.get("person_id")
    return person.get("value") if isinstance(person, dict) else person


def get_person(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /persons/{id}``."""
    found = store.persons.get(request.int_id())
    if found is None:
        raise not_found("Person not found")
    return {"success": True, "data": _contact_out(store, "person", found, request)}


def list_organizations(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /organizations`` (``filter_id``, ``ids``, ``owner_id``, ``updated_*``)."""
    saved = _saved_filter(store, request, "organization", ("org",))
    request.csv("include_fields", _CONTACT_INCLUDE)
    equal = {} if saved else {"owner_id": "owner_id"}
    page, cursor = v2_list(
        store.organizations, request, equal=equal, keep=_both(saved, _updated(request)),
        ids_param=not saved,
    )  # fmt: skip
    return _envelope([_contact_out(store, "organization", o, request) for o in page], cursor)


def get_organization(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /organizations/{id}``."""
    found = store.organizations.get(request.int_id())
    if found is None:
        raise not_found("Organization not found")
    return {"success": True, "data": _contact_out(store, "organization", found, request)}


# --- field schemas ------------------------------------------------------------------------------


def _fields(kind: str) -> Handler:
    def handler(store: DemoStore, request: Request) -> dict[str, Any]:
        include = set(request.csv("include_fields", _FIELD_INCLUDE) or [])
        fields = store.field_sets[kind]
        ordered = [(i, i) for i in range(len(fields))]
        page, cursor = cursor_page(
            ordered, fields.__getitem__, limit=request.limit(100, 500),
            cursor=request.text("cursor"), field_name="order",
        )  # fmt: skip
        return _envelope([_field_out(field, include) for field in page], cursor)

    return handler


def _field_out(field: Record, include: set[str]) -> Record:
    # The v2 field schema has no numeric id: filters name fields by it, but v2 does not serve it
    # (GET /filters/{id}?include_field_code=true gives the code instead).
    out = {k: v for k, v in public(field).items() if k != "id" and k not in _FIELD_INCLUDE}
    for name in include:
        out[name] = field.get(name, _FIELD_DEFAULTS[name])
    return out


_FIELD_DEFAULTS: dict[str, Any] = {
    "ui_visibility": {"add_visible_flag": True, "details_visible_flag": True},
    "important_fields": {"enabled": False, "stage_ids": []},
    "required_fields": {"enabled": False, "stage_ids": []},
}

#: The v2 read routes by endpoint name (see :mod:`pipedrive_tui.api.endpoints`).
ROUTES: dict[str, Handler] = {
    "list_pipelines": list_pipelines,
    "get_pipeline": get_pipeline,
    "list_stages": list_stages,
    "get_stage": get_stage,
    "list_deals": _deals(lambda store: store.deals),
    "list_archived_deals": _deals(lambda store: store.archived_deals),
    "get_deal": get_deal,
    "list_persons": list_persons,
    "get_person": get_person,
    "list_organizations": list_organizations,
    "get_organization": get_organization,
    "list_deal_fields": _fields("deal"),
    "list_person_fields": _fields("person"),
    "list_organization_fields": _fields("organization"),
}
