"""The v1 routes: leads, lead labels, sources and fields, users, lookups, deal sub-lists, notes.

Offset lists answer ``additional_data.pagination = {start, limit, more_items_in_collection,
next_start}``, plus the same keys flat where the operation's schema declares them flat (leads,
lead fields, a deal's flow, participants and mail). A ``limit`` above 500 is capped, as v1 does.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from pipedrive_tui.demo.filters_eval import compile_conditions
from pipedrive_tui.demo.responses import (
    Request,
    bad_request,
    not_found,
    offset_meta,
    offset_window,
    public,
)
from pipedrive_tui.demo.store import DemoStore, format_like

__all__ = ["LABEL_COLORS", "ROUTES", "offset_list", "sort_records"]

Record = dict[str, Any]
Handler = Callable[[DemoStore, Request], dict[str, Any]]

#: The colours a lead label may have (the spec's enum).
LABEL_COLORS = (
    "blue", "brown", "dark-gray", "gray", "green", "orange", "pink", "purple", "red", "yellow"
)  # fmt: skip
_LEAD_SORTS = (
    "id", "title", "owner_id", "creator_id", "was_seen", "expected_close_date",
    "next_activity_id", "add_time", "update_time",
)  # fmt: skip
_LEAD_NOT_FOUND = ("requested lead not found", "Object was not found.")
_LABEL_NOT_FOUND = ("requested lead label not found", "Object was not found.")
_LABEL_NAMESPACE = uuid.UUID("5f0b3f55-93a5-4d4b-9a59-6b5c1f0d7e21")


def offset_list(
    items: Sequence[Any], request: Request, *, flat: bool, shape: Callable[[Any], Any] = public
) -> dict[str, Any]:
    """One v1 offset page of ``items`` with its ``additional_data``."""
    start, limit = offset_window(request)
    page = [shape(item) for item in items[start : start + limit]]
    return {
        "success": True,
        "data": page,
        "additional_data": offset_meta(start, limit, len(items), flat=flat),
    }


def sort_records(
    records: list[Record], sort: str | None, allowed: Sequence[str], default: str = "id"
) -> list[Record]:
    """Records sorted by a v1 ``sort`` value (``"field ASC, other DESC"``); a bad one is a 400."""
    keys: list[tuple[str, bool]] = []
    for part in (sort or default).split(","):
        words = part.split()
        if not words:
            continue
        field, direction = words[0], (words[1].upper() if len(words) > 1 else "ASC")
        if field not in allowed or direction not in ("ASC", "DESC") or len(words) > 2:
            raise bad_request(f"Invalid sort {part.strip()!r}: use a field name and ASC or DESC")
        keys.append((field, direction == "DESC"))
    ordered = sorted(records, key=lambda r: _sortable(r.get("id")))
    for field, descending in reversed(keys):
        ordered.sort(key=functools.partial(_sort_key, field), reverse=descending)
    return ordered


def _sort_key(field: str, record: Record) -> tuple[int, Any]:
    return _sortable(record.get(field))


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool | int | float):
        return (1, float(value))
    return (2, str(value))


# --- leads --------------------------------------------------------------------------------------


def _leads(archived: bool) -> Handler:
    def handler(store: DemoStore, request: Request) -> dict[str, Any]:
        leads = [lead for lead in store.leads if bool(lead.get("is_archived")) == archived]
        filter_id = request.integer("filter_id")
        if filter_id is not None:
            saved = store.filters.get(filter_id)
            if saved is None or saved.get("active_flag") is False:
                raise not_found(f"Filter with id {filter_id} not found")
            if saved.get("type") != "leads":
                raise bad_request(f"Filter {filter_id} is not a leads filter")
            matches = compile_conditions(store, saved.get("conditions") or {}, "lead")
            leads = [lead for lead in leads if matches(lead)]
        else:
            for param in ("owner_id", "person_id", "organization_id"):
                wanted = request.integer(param)
                if wanted is not None:
                    leads = [lead for lead in leads if lead.get(param) == wanted]
        since = request.timestamp("updated_since") if not archived else None
        if since is not None:
            leads = [lead for lead in leads if _rfc(lead.get("update_time")) >= since]
        ordered = sort_records(leads, request.text("sort"), _LEAD_SORTS, "add_time ASC")
        return offset_list(ordered, request, flat=True)

    return handler


def _rfc(stamp: Any) -> str:
    """A timestamp cut to ``YYYY-MM-DDTHH:MM:SS`` + ``Z`` to compare with a parameter."""
    text = str(stamp or "")
    return (text[:10] + "T" + text[11:19] + "Z") if len(text) >= 19 else text


def get_lead(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /leads/{id}``."""
    found = store.leads.get(request.str_id())
    if found is None:
        raise not_found(*_LEAD_NOT_FOUND)
    return {"success": True, "data": public(found)}


def list_lead_fields(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /leadFields``."""
    return offset_list(store.field_sets["lead"], request, flat=True)


def list_deal_fields_v1(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /v1/dealFields`` (the v1 shape, with numeric ids)."""
    return offset_list(store.account.deal_fields_v1, request, flat=True)


def list_lead_sources(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /leadSources``."""
    return {"success": True, "data": [public(s) for s in store.account.lead_sources]}


# --- lead labels --------------------------------------------------------------------------------


def list_lead_labels(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /leadLabels`` (never paginated)."""
    return {"success": True, "data": [public(label) for label in store.lead_labels.values()]}


def _label_body(request: Request, *, required: bool) -> dict[str, Any]:
    body = request.body
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    unknown = sorted(set(body) - {"name", "color"})
    if unknown:
        raise bad_request(f"Unknown properties in the request body: {', '.join(unknown)}")
    if required and not {"name", "color"} <= set(body):
        raise bad_request("Both 'name' and 'color' are required")
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        raise bad_request("'name' must be a non-empty string")
    if "color" in body and body["color"] not in LABEL_COLORS:
        raise bad_request(f"'color' must be one of {', '.join(LABEL_COLORS)}")
    return body


def add_lead_label(store: DemoStore, request: Request) -> dict[str, Any]:
    """``POST /leadLabels`` (answers 200, as the spec says)."""
    body = _label_body(request, required=True)
    stamp = format_like(_label_stamp(store), store.now())
    label_id = str(uuid.uuid5(_LABEL_NAMESPACE, f"{store.account.seed}-{store.serial()}"))
    label = {
        "id": label_id,
        "name": body["name"],
        "color": body["color"],
        "add_time": stamp,
        "update_time": stamp,
    }
    store.lead_labels[label_id] = label
    return {"success": True, "data": dict(label)}


def _label_stamp(store: DemoStore) -> Any:
    return next(iter(store.lead_labels.values()), {}).get("update_time", "2000-01-01T00:00:00.000Z")


def update_lead_label(store: DemoStore, request: Request) -> dict[str, Any]:
    """``PATCH /leadLabels/{id}``."""
    old = store.lead_labels.get(request.str_id())
    if old is None:
        raise not_found(*_LABEL_NOT_FOUND)
    body = _label_body(request, required=False)
    new = {**old, **body}
    if new != old:
        new["update_time"] = format_like(old.get("update_time"), store.now())
    store.lead_labels[new["id"]] = new
    return {"success": True, "data": public(new)}


def delete_lead_label(store: DemoStore, request: Request) -> dict[str, Any]:
    """``DELETE /leadLabels/{id}``; the label also leaves every lead that had it."""
    label_id = request.str_id()
    if store.lead_labels.pop(label_id, None) is None:
        raise not_found(*_LABEL_NOT_FOUND)
    for lead in list(store.leads):
        if label_id in (lead.get("label_ids") or []):
            changed = store.copy(lead)
            changed["label_ids"] = [x for x in changed["label_ids"] if x != label_id]
            store.leads.put(changed)
    return {"success": True, "data": {"id": label_id}}


# --- users and lookups --------------------------------------------------------------------------


def list_users(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /users``."""
    me = store.account.me_id
    return {
        "success": True,
        "data": [{**public(u), "is_you": u["id"] == me} for u in store.users.values()],
    }


def get_current_user(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /users/me``: the user plus the company it works in."""
    company = store.account.company
    me = public(store.users[store.account.me_id])
    me["is_you"] = True
    me.setdefault("company_id", company["id"])
    me.setdefault("company_name", company["name"])
    me.setdefault("company_domain", company["domain"])
    me.setdefault("company_country", company.get("country", "GB"))
    me.setdefault("company_industry", company.get("industry", "Software"))
    locale = str(me.get("locale") or "en_GB")
    me.setdefault(
        "language",
        {"language_code": locale[:2], "country_code": locale[3:5] or locale[:2].upper()},
    )
    return {"success": True, "data": me}


def list_currencies(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /currencies`` (``term`` narrows by code or name)."""
    term = (request.text("term") or "").lower()
    found = [
        public(c)
        for c in store.currencies
        if not term
        or term in str(c.get("code", "")).lower()
        or term in str(c.get("name", "")).lower()
    ]
    return {"success": True, "data": found}


def list_activity_types(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /activityTypes``."""
    return {"success": True, "data": [public(t) for t in store.account.activity_types]}


# --- a deal's flow, participants, mail; notes --------------------------------------------------


def _deal_or_404(store: DemoStore, request: Request) -> Record:
    found = store.deal(request.int_id())
    if found is None:
        raise not_found("Deal not found")
    return found


def list_deal_flow(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /deals/{id}/flow`` (newest first; ``items`` narrows by object type)."""
    deal = _deal_or_404(store, request)
    entries = store.deal_flow.get(deal["id"], [])
    kinds = request.csv("items")
    if kinds:
        entries = [entry for entry in entries if entry.get("object") in kinds]
    return offset_list(entries, request, flat=True)


def list_deal_participants(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /deals/{id}/participants``."""
    deal = _deal_or_404(store, request)
    return offset_list(store.deal_participants.get(deal["id"], []), request, flat=True)


def list_deal_mail_messages(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /deals/{id}/mailMessages``: each message wrapped as ``{object, timestamp, data}``."""
    deal = _deal_or_404(store, request)
    with_body = bool(request.boolean("include_body", numeric=True))
    messages = [m for t in store.deal_threads(deal["id"]) for m in store.thread_messages(t["id"])]
    messages.sort(key=lambda m: (str(m.get("message_time") or ""), m["id"]), reverse=True)

    def wrap(message: Record) -> Record:
        data = message_out(message, with_body=with_body, draft_text=True)
        stamp = str(message.get("message_time") or "")
        return {"object": "mailMessage", "timestamp": stamp[:10] + " " + stamp[11:19], "data": data}

    return offset_list(messages, request, flat=True, shape=wrap)


def message_out(message: Record, *, with_body: bool, draft_text: bool = False) -> Record:
    """A mail message as served: ``body`` only when asked for, ``draft`` text where declared."""
    out = public(message)
    if not with_body:
        out.pop("body", None)
    elif out.get("body") is None:
        out["body"] = ""
    if draft_text and out.get("draft") is None:
        out["draft"] = ""
    return out


_NOTE_FILTERS = ("user_id", "deal_id", "person_id", "org_id", "project_id", "task_id")
_NOTE_FLAGS = (
    "pinned_to_lead_flag", "pinned_to_deal_flag", "pinned_to_organization_flag",
    "pinned_to_person_flag", "pinned_to_project_flag", "pinned_to_task_flag",
)  # fmt: skip
_NOTE_SORTS = ("id", "user_id", "deal_id", "person_id", "org_id", "content", "add_time")


def list_notes(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /notes`` (by deal, lead, person, organization or user; ``sort``; dates)."""
    notes = list(store.notes)
    for param in _NOTE_FILTERS:
        wanted = request.integer(param)
        if wanted is not None:
            notes = [n for n in notes if n.get(param) == wanted]
    lead_id = request.text("lead_id")
    if lead_id is not None:
        notes = [n for n in notes if n.get("lead_id") == lead_id]
    for flag in _NOTE_FLAGS:
        pinned = request.boolean(flag, numeric=True)
        if pinned is not None:
            notes = [n for n in notes if bool(n.get(flag)) == pinned]
    first, last = request.text("start_date"), request.text("end_date")
    since = request.timestamp("updated_since")
    notes = [
        n
        for n in notes
        if (first is None or str(n.get("add_time", ""))[:10] >= first)
        and (last is None or str(n.get("add_time", ""))[:10] <= last)
        and (since is None or _rfc(n.get("update_time")) >= since)
    ]
    ordered = sort_records(notes, request.text("sort"), (*_NOTE_SORTS, "update_time"))
    return offset_list(ordered, request, flat=False)


#: The v1 routes of this module by endpoint name.
ROUTES: dict[str, Handler] = {
    "list_leads": _leads(False),
    "list_archived_leads": _leads(True),
    "get_lead": get_lead,
    "list_lead_fields": list_lead_fields,
    "list_deal_fields_v1": list_deal_fields_v1,
    "list_lead_sources": list_lead_sources,
    "list_lead_labels": list_lead_labels,
    "add_lead_label": add_lead_label,
    "update_lead_label": update_lead_label,
    "delete_lead_label": delete_lead_label,
    "list_users": list_users,
    "get_current_user": get_current_user,
    "list_currencies": list_currencies,
    "list_activity_types": list_activity_types,
    "list_deal_flow": list_deal_flow,
    "list_deal_participants": list_deal_participants,
    "list_deal_mail_messages": list_deal_mail_messages,
    "list_notes": list_notes,
}
