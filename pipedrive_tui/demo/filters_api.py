"""The v1 filter routes: list, get (with conditions), helpers, add, update, delete.

Writes are checked against the rules of ``POST /filters``: the top-level glue is ``and`` and
holds exactly two groups, one glued with ``and`` and one with ``or``; at most 16 conditions; each
condition names an existing field of its object by numeric ``field_id`` and uses one of the
operators the spec lists. Condition values are stored as strings (or null), as Pipedrive serves
them; ``field_code`` is served only with ``include_field_code=true``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipedrive_tui.demo.filter_helpers import HELPERS
from pipedrive_tui.demo.responses import Request, bad_request, not_found, public
from pipedrive_tui.demo.store import DemoStore, format_like

__all__ = ["FILTER_TYPES", "ROUTES", "WRITE_OPERATORS", "check_conditions"]

Record = dict[str, Any]
Handler = Callable[[DemoStore, Request], dict[str, Any]]

#: The filter types of the spec.
FILTER_TYPES = ("deals", "leads", "org", "people", "products", "activity", "projects")
#: The operators a condition may use when a filter is written (the spec's list).
WRITE_OPERATORS = (
    "IS NOT NULL", "IS NULL", "<=", ">=", "<", ">", "!=", "=", "LIKE '$%'", "LIKE '%$%'",
    "NOT LIKE '$%'",
)  # fmt: skip
#: The condition objects whose fields the demo knows.
_FIELD_OBJECTS = {
    "deal": "deal",
    "person": "person",
    "organization": "organization",
    "lead": "lead",
}
_OBJECTS = (*_FIELD_OBJECTS, "product", "activity", "project")
_MAX_CONDITIONS = 16


def _filter_or_404(store: DemoStore, request: Request) -> Record:
    filter_id = request.int_id()
    found = store.filters.get(filter_id)
    if found is None:
        raise not_found(f"Filter with id {filter_id} not found")
    return found


def _out(store: DemoStore, saved: Record, request: Request, *, conditions: bool) -> Record:
    out = public(saved)
    out.pop("conditions", None)
    if conditions:
        with_code = bool(request.boolean("include_field_code", numeric=True))
        tree = saved.get("conditions") or {"glue": "and", "conditions": []}
        out["conditions"] = {
            "glue": tree.get("glue", "and"),
            "conditions": [
                {
                    "glue": group.get("glue", "and"),
                    "conditions": [
                        _line_out(store, line, with_code) for line in group.get("conditions") or []
                    ],
                }
                for group in tree.get("conditions") or []
            ],
        }
    return out


def _line_out(store: DemoStore, line: Record, with_code: bool) -> Record:
    out = {key: value for key, value in line.items() if key != "field_code"}
    if with_code:
        kind = _FIELD_OBJECTS.get(str(line.get("object")))
        field = store.field_by_id(kind, line.get("field_id")) if kind else None
        out["field_code"] = (field.get("field_code") or field.get("key")) if field else None
    return out


def list_filters(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /filters`` (``type`` narrows to one kind); conditions are not listed."""
    kind = request.choice("type", FILTER_TYPES)
    found = [
        _out(store, f, request, conditions=False)
        for f in store.filters.values()
        if kind is None or f.get("type") == kind
    ]
    return {"success": True, "data": found}


def get_filter(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /filters/{id}`` with the condition lines."""
    saved = _filter_or_404(store, request)
    return {"success": True, "data": _out(store, saved, request, conditions=True)}


def check_conditions(store: DemoStore, conditions: Any) -> dict[str, Any]:
    """The normalised conditions tree of a filter write; a 400 when it breaks the spec's rules."""
    if not isinstance(conditions, dict) or conditions.get("glue") != "and":
        raise bad_request("'conditions' must be an object whose top-level glue is \"and\"")
    groups = conditions.get("conditions")
    if not isinstance(groups, list) or len(groups) != 2:
        raise bad_request("'conditions' must hold exactly two condition groups (and, or)")
    by_glue: dict[str, list[Record]] = {}
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("conditions"), list):
            raise bad_request("Each condition group must be an object with a 'conditions' array")
        by_glue[str(group.get("glue"))] = group["conditions"]
    if set(by_glue) != {"and", "or"}:
        raise bad_request('One condition group must be glued with "and" and the other with "or"')
    if sum(len(lines) for lines in by_glue.values()) > _MAX_CONDITIONS:
        raise bad_request(f"A filter may have at most {_MAX_CONDITIONS} conditions")
    return {
        "glue": "and",
        "conditions": [
            {"glue": glue, "conditions": [_check_line(store, line) for line in by_glue[glue]]}
            for glue in ("and", "or")
        ],
    }


def _check_line(store: DemoStore, line: Any) -> Record:
    if not isinstance(line, dict):
        raise bad_request("Each condition must be an object")
    obj, operator = line.get("object"), line.get("operator")
    if obj not in _OBJECTS:
        raise bad_request(f"Unknown condition object {obj!r}")
    if operator not in WRITE_OPERATORS:
        raise bad_request(f"Unknown operator {operator!r}")
    field_id = str(line.get("field_id", "")).strip()
    kind = _FIELD_OBJECTS.get(obj)
    if not field_id.isdigit() or (kind and store.field_by_id(kind, field_id) is None):
        raise bad_request(f"Unknown field_id {line.get('field_id')!r} for object {obj!r}")
    value, extra = line.get("value"), line.get("extra_value")
    for name, item in (("value", value), ("extra_value", extra)):
        if isinstance(item, dict | list):
            raise bad_request(f"A condition's {name} must be a string, a number or null")
    if operator not in ("IS NULL", "IS NOT NULL") and value is None:
        raise bad_request(f"The operator {operator!r} needs a value")
    return {
        "object": obj,
        "field_id": field_id,
        "operator": operator,
        "value": None if value is None else _text(value),
        "extra_value": None if extra is None else _text(extra),
        "json_value_flag": bool(line.get("json_value_flag", False)),
    }


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _write_body(request: Request) -> dict[str, Any]:
    if not isinstance(request.body, dict):
        raise bad_request("The request body must be a JSON object")
    name = request.body.get("name")
    if "name" in request.body and (not isinstance(name, str) or not name.strip()):
        raise bad_request("'name' must be a non-empty string")
    return request.body


def add_filter(store: DemoStore, request: Request) -> dict[str, Any]:
    """``POST /filters`` (answers 200)."""
    body = _write_body(request)
    missing = [key for key in ("name", "conditions", "type") if key not in body]
    if missing:
        raise bad_request(f"Missing required properties: {', '.join(missing)}")
    if body["type"] not in FILTER_TYPES:
        raise bad_request(f"'type' must be one of {', '.join(FILTER_TYPES)}")
    conditions = check_conditions(store, body["conditions"])
    stamp = format_like("2000-01-01 00:00:00", store.now())
    saved = {
        "id": store.next_filter_id(),
        "name": body["name"],
        "filter_code": None,
        "is_editable": True,
        "active_flag": True,
        "type": body["type"],
        "temporary_flag": None,
        "user_id": store.account.me_id,
        "add_time": stamp,
        "update_time": stamp,
        "visible_to": "1",
        "last_used_time": None,
        "custom_view_id": None,
        "conditions": conditions,
    }
    store.filters[saved["id"]] = saved
    return {"success": True, "data": _out(store, saved, request, conditions=True)}


def update_filter(store: DemoStore, request: Request) -> dict[str, Any]:
    """``PUT /filters/{id}`` (``conditions`` required, ``name`` optional)."""
    old = _filter_or_404(store, request)
    body = _write_body(request)
    if "conditions" not in body:
        raise bad_request("Missing required property: conditions")
    if not old.get("is_editable", True):
        raise bad_request("This filter cannot be edited")
    new = {**old, "conditions": check_conditions(store, body["conditions"])}
    if "name" in body:
        new["name"] = body["name"]
    new["update_time"] = format_like(old.get("update_time"), store.now())
    store.filters[new["id"]] = new
    return {"success": True, "data": _out(store, new, request, conditions=True)}


def delete_filter(store: DemoStore, request: Request) -> dict[str, Any]:
    """``DELETE /filters/{id}``."""
    saved = _filter_or_404(store, request)
    del store.filters[saved["id"]]
    return {"success": True, "data": {"id": saved["id"]}}


def get_filter_helpers(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /filters/helpers``."""
    return {"success": True, "data": HELPERS}


#: The filter routes by endpoint name.
ROUTES: dict[str, Handler] = {
    "list_filters": list_filters,
    "get_filter": get_filter,
    "get_filter_helpers": get_filter_helpers,
    "add_filter": add_filter,
    "update_filter": update_filter,
    "delete_filter": delete_filter,
}
