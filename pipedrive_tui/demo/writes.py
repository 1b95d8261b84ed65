"""Deal and lead updates: validation like Pipedrive's, then a changed copy stored in memory.

``PATCH /api/v2/deals/{id}`` and ``PATCH /v1/leads/{id}`` check every property of the body (an
unknown property, a wrong type or a missing referenced record is a 400), apply Pipedrive's rules
(the pipeline follows the stage; won/lost times and the lost reason follow the status; custom
fields merge and ``null`` clears one), bump ``update_time`` from the account's clock and log each
change in the deal's flow. Archived records are read-only, except for being unarchived.
"""

from __future__ import annotations

from typing import Any

from pipedrive_tui.demo.responses import Request, bad_request, is_date, not_found, public
from pipedrive_tui.demo.routes_v2 import deal_out
from pipedrive_tui.demo.store import DemoStore, format_like

__all__ = ["ROUTES", "update_deal", "update_lead"]

Record = dict[str, Any]

_DEAL_KEYS = frozenset(
    (
        "title", "owner_id", "person_id", "org_id", "pipeline_id", "stage_id", "value",
        "currency", "is_deleted", "is_archived", "archive_time", "status", "probability",
        "lost_reason", "visible_to", "close_time", "won_time", "lost_time",
        "expected_close_date", "label_ids", "custom_fields",
    )
)  # fmt: skip
_LEAD_KEYS = frozenset(
    (
        "title", "owner_id", "label_ids", "person_id", "organization_id", "is_archived", "value",
        "expected_close_date", "visible_to", "was_seen", "channel", "channel_id",
    )
)  # fmt: skip
_LEAD_NOT_FOUND = ("requested lead not found", "Object was not found.")
#: Deal properties the v2 schema declares nullable; any other unknown value leaves the record.
_DEAL_NULLABLE = frozenset(
    (
        "probability", "lost_reason", "close_time", "origin_id", "channel", "channel_id",
        "source_lead_id", "arr", "mrr", "acv",
    )
)  # fmt: skip


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.body, dict):
        raise bad_request("The request body must be a JSON object")
    return request.body


def _reference(store: DemoStore, kind: str, value: Any, *, nullable: bool) -> None:
    """A 400 unless ``value`` names an existing user/person/organization/pipeline/stage."""
    if value is None and nullable:
        return
    tables: dict[str, Any] = {
        "owner_id": store.users,
        "person_id": store.persons.by_id,
        "org_id": store.organizations.by_id,
        "organization_id": store.organizations.by_id,
        "pipeline_id": store.pipelines.by_id,
        "stage_id": store.stages.by_id,
    }
    if not _is_int(value):
        raise bad_request(f"'{kind}' must be an integer")
    if value not in tables[kind]:
        raise bad_request(f"'{kind}' {value} does not exist")


# --- deals --------------------------------------------------------------------------------------


def update_deal(store: DemoStore, request: Request) -> dict[str, Any]:
    """``PATCH /api/v2/deals/{id}``."""
    deal_id = request.int_id()
    body = _body(request)
    old = store.deal(deal_id)
    if old is None:
        raise not_found("Deal not found")
    unknown = sorted(set(body) - _DEAL_KEYS)
    if unknown:
        raise bad_request(f"Unknown properties in the request body: {', '.join(unknown)}")
    if old.get("is_archived") and body != {"is_archived": False}:
        raise bad_request("Archived deals cannot be edited; unarchive the deal first")
    new = store.copy(old)
    _check_deal_refs(store, body)
    for key in ("title", "owner_id", "person_id", "org_id", "value", "currency", "visible_to"):
        if key in body:
            new[key] = body[key]
    _move(store, new, body)
    _outcome(store, new, body)
    for key in ("probability", "expected_close_date", "label_ids", "is_deleted"):
        if key in body:
            new[key] = body[key]
    if "custom_fields" in body:
        new["custom_fields"] = _merge_custom(store, old.get("custom_fields") or {}, body)
    now = store.now()
    stamp = format_like(old.get("update_time"), now)
    if "is_archived" in body:
        new["is_archived"] = body["is_archived"]
        new["archive_time"] = body.get("archive_time", stamp) if body["is_archived"] else None
    if new.get("stage_id") != old.get("stage_id"):
        new["stage_change_time"] = stamp
    for key in ("won_time", "lost_time", "close_time"):
        if new.get(key) == "now":
            new[key] = stamp
    for key in [k for k, v in new.items() if v is None and k not in _DEAL_NULLABLE]:
        del new[key]  # the generator's convention: a non-nullable unknown is left out
    if new != old:
        new["update_time"] = stamp
        _log_changes(store, old, new, now)
        store.deals.remove(deal_id)
        store.archived_deals.remove(deal_id)
        (store.archived_deals if new.get("is_archived") else store.deals).put(new)
    return {"success": True, "data": deal_out(store, new, request)}


def _check_deal_refs(store: DemoStore, body: dict[str, Any]) -> None:
    if "title" in body and (not isinstance(body["title"], str) or not body["title"].strip()):
        raise bad_request("'title' must be a non-empty string")
    for key in ("owner_id", "pipeline_id", "stage_id"):
        if key in body:
            _reference(store, key, body[key], nullable=False)
    for key in ("person_id", "org_id"):
        if key in body:
            _reference(store, key, body[key], nullable=True)
    if "value" in body and not _is_number(body["value"]):
        raise bad_request("'value' must be a number")
    if "currency" in body and body["currency"] not in store.currency_codes:
        raise bad_request(f"'currency' {body['currency']!r} is not a known currency code")
    if "visible_to" in body and body["visible_to"] not in (1, 3, 5, 7):
        raise bad_request("'visible_to' must be one of 1, 3, 5, 7")
    probability = body.get("probability")
    if probability is not None and (not _is_number(probability) or not 0 <= probability <= 100):
        raise bad_request("'probability' must be a number from 0 to 100, or null")
    date = body.get("expected_close_date")
    if "expected_close_date" in body and date is not None and not is_date(date):
        raise bad_request("'expected_close_date' must be a date in YYYY-MM-DD format, or null")
    labels = body.get("label_ids")
    if "label_ids" in body:
        field = store.field_by_code("deal", "label_ids")
        known = {o["id"] for o in (field or {}).get("options") or []}
        if not isinstance(labels, list) or any(not _is_int(x) for x in labels):
            raise bad_request("'label_ids' must be an array of integers")
        if field is not None and any(x not in known for x in labels):
            raise bad_request("'label_ids' names a label that does not exist")
    for key in ("is_deleted", "is_archived"):
        if key in body and not isinstance(body[key], bool):
            raise bad_request(f"'{key}' must be a boolean")


def _move(store: DemoStore, new: Record, body: dict[str, Any]) -> None:
    """Stage and pipeline: the pipeline follows the stage; a bare pipeline move takes its first."""
    if "stage_id" in body:
        stage = store.stages.by_id[body["stage_id"]]
        if "pipeline_id" in body and body["pipeline_id"] != stage["pipeline_id"]:
            raise bad_request(f"Stage {stage['id']} is not in pipeline {body['pipeline_id']}")
        new["stage_id"], new["pipeline_id"] = stage["id"], stage["pipeline_id"]
    elif "pipeline_id" in body and body["pipeline_id"] != new.get("pipeline_id"):
        first = store.first_stage(body["pipeline_id"])
        if first is None:
            raise bad_request(f"Pipeline {body['pipeline_id']} has no stages")
        new["stage_id"], new["pipeline_id"] = first["id"], body["pipeline_id"]


def _outcome(store: DemoStore, new: Record, body: dict[str, Any]) -> None:
    """Status, with the times and the lost reason that go with it."""
    status = body.get("status", new.get("status"))
    if "status" in body:
        if status not in ("open", "won", "lost"):
            raise bad_request("'status' must be one of open, won, lost")
        if status != new.get("status"):
            new["won_time"] = "now" if status == "won" else None
            new["lost_time"] = "now" if status == "lost" else None
            new["close_time"] = None if status == "open" else "now"
            if status != "lost":
                new["lost_reason"] = None
        new["status"] = status
    rules: dict[str, tuple[str, ...]] = {
        "lost_reason": ("lost",),
        "won_time": ("won",),
        "lost_time": ("lost",),
        "close_time": ("won", "lost"),
    }
    for key, statuses in rules.items():
        if key in body and body[key] is not None:
            if status not in statuses:
                raise bad_request(
                    f"'{key}' can only be set when the status is {' or '.join(statuses)}"
                )
            if not isinstance(body[key], str):
                raise bad_request(f"'{key}' must be a string")
            new[key] = body[key]


def _merge_custom(
    store: DemoStore, current: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    changes = body["custom_fields"]
    if not isinstance(changes, dict):
        raise bad_request("'custom_fields' must be an object")
    fields = store.custom_fields("deal")
    merged = dict(current)
    for key, value in changes.items():
        field = fields.get(key)
        if field is None:
            raise bad_request(f"Unknown custom field {key!r}")
        if value == []:
            raise bad_request(
                f"Custom field {key!r}: an empty array is not supported; send null to clear it"
            )
        if value is None:
            merged.pop(key, None)  # cleared: like the generated records, unset keys are absent
        else:
            _check_custom(field, value)
            merged[key] = value
    return merged


def _check_custom(field: Record, value: Any) -> None:
    """A 400 when a custom field value does not fit the field's type."""
    ftype = field.get("field_type")
    name = field.get("field_name") or field.get("field_code")
    options = {o.get("id") for o in field.get("options") or []}
    ok = True
    if ftype == "enum":
        ok = _is_int(value) and value in options
    elif ftype == "set":
        ok = isinstance(value, list) and all(_is_int(v) and v in options for v in value)
    elif ftype in ("double", "int"):
        ok = _is_number(value)
    elif ftype == "boolean":
        ok = isinstance(value, bool)
    elif ftype == "date":
        ok = is_date(value)
    elif ftype in ("varchar", "varchar_auto", "text", "phone", "time"):
        ok = isinstance(value, str)
    elif ftype == "monetary":
        ok = isinstance(value, dict) and _is_number(value.get("value"))
    elif ftype in ("user", "org", "people"):
        ok = _is_int(value)
    if not ok:
        raise bad_request(f"Invalid value for custom field {name!r} of type {ftype}")


def _log_changes(store: DemoStore, old: Record, new: Record, now: Any) -> None:
    """Prepend a ``dealChange`` entry per changed field to the deal's flow (newest first)."""
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    entries = []
    skip = {"update_time", "stage_change_time", "archive_time"}
    changed = [k for k in new if k not in skip and new.get(k) != old.get(k)]
    for key in changed:
        entries.append(
            {
                "object": "dealChange",
                "timestamp": stamp,
                "data": {
                    "id": 9_000_000 + store.serial(),
                    "item_id": new["id"],
                    "user_id": store.account.me_id,
                    "field_key": key,
                    "old_value": old.get(key),
                    "new_value": new.get(key),
                    "is_bulk_update_flag": None,
                    "log_time": stamp,
                    "change_source": "api",
                    "change_source_user_agent": "pipedrive-tui",
                    "additional_data": [],
                },
            }
        )
    store.deal_flow[new["id"]] = entries + list(store.deal_flow.get(new["id"], []))


# --- leads --------------------------------------------------------------------------------------


def update_lead(store: DemoStore, request: Request) -> dict[str, Any]:
    """``PATCH /v1/leads/{id}``."""
    lead_id = request.str_id()
    old = store.leads.get(lead_id)
    if old is None:
        raise not_found(*_LEAD_NOT_FOUND)
    body = _body(request)
    custom = store.custom_fields("lead")
    unknown = sorted(k for k in body if k not in _LEAD_KEYS and k.split("_")[0] not in custom)
    if unknown:
        raise bad_request(f"Unknown properties in the request body: {', '.join(unknown)}")
    if (
        old.get("is_archived")
        and set(body) - {"is_archived"}
        and body.get("is_archived") is not False
    ):
        raise bad_request("Archived leads cannot be edited; unarchive the lead first")
    _check_lead(store, body)
    new = store.copy(old)
    new.update(body)
    if new.get("person_id") is None and new.get("organization_id") is None:
        raise bad_request("A lead must be linked to a person or an organization")
    if new != old:
        new["update_time"] = format_like(old.get("update_time"), store.now())
        store.leads.put(new)
    return {"success": True, "data": public(new)}


def _check_lead(store: DemoStore, body: dict[str, Any]) -> None:
    if "title" in body and body["title"] is not None and not isinstance(body["title"], str):
        raise bad_request("'title' must be a string")
    if "owner_id" in body:
        _reference(store, "owner_id", body["owner_id"], nullable=False)
    for key in ("person_id", "organization_id"):
        if key in body:
            _reference(store, key, body[key], nullable=True)
    if "label_ids" in body:
        labels = body["label_ids"]
        if not isinstance(labels, list) or any(not isinstance(x, str) for x in labels):
            raise bad_request("'label_ids' must be an array of lead label ids")
        missing = [x for x in labels if x not in store.lead_labels]
        if missing:
            raise bad_request(f"Lead label {missing[0]} does not exist")
    for key in ("is_archived", "was_seen"):
        if key in body and not isinstance(body[key], bool):
            raise bad_request(f"'{key}' must be a boolean")
    if "value" in body and body["value"] is not None:
        value = body["value"]
        if (
            not isinstance(value, dict)
            or set(value) != {"amount", "currency"}
            or not _is_number(value["amount"])
            or not isinstance(value["currency"], str)
        ):
            raise bad_request("'value' must be null or an object with both amount and currency")
        if value["currency"] not in store.currency_codes:
            raise bad_request(f"'value.currency' {value['currency']!r} is not a known currency")
    date = body.get("expected_close_date")
    if date is not None and not is_date(date):
        raise bad_request("'expected_close_date' must be a date in YYYY-MM-DD format, or null")
    if "visible_to" in body and body["visible_to"] not in ("1", "3", "5", "7"):
        raise bad_request('\'visible_to\' must be one of "1", "3", "5", "7"')


#: The write routes of this module by endpoint name.
ROUTES = {"update_deal": update_deal, "update_lead": update_lead}
