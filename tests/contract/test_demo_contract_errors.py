"""The demo's error answers against Pipedrive's official specs, and proof the checks can fail.

Pipedrive's specs document few error statuses: a 404 for ``getLead``, ``updateLead``,
``updateLeadLabel``, ``deleteLeadLabel`` and the lead conversion operations, a 401 for
``getCurrentUser``. Where the operation documents the status, the body is validated against that
schema; where it documents none, the body is held to Pipedrive's error shape,
``{"success": false, "error": str}`` with ``error_info`` a string when present
(:meth:`~.test_demo_contract.Contract.check` does both). Each test says which.

Then the checks are shown to bite: a deliberately broken demo body fails validation.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from pipedrive_tui.api.endpoints import BY_NAME, ENDPOINTS, Endpoint
from pipedrive_tui.demo.handler import DemoPipedrive

from .openapi import SpecValidator
from .test_demo_contract import (
    NEW_DEALS_FILTER,
    Contract,
    assert_error_shape,
    conditions,
    is_documented,
    lead,
    line,
    make_demo,
    thread_in,
)

#: A lead or label id that does not exist.
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
#: An integer id that does not exist.
MISSING_ID = 987654


@pytest.fixture(scope="module")
def demo() -> DemoPipedrive:
    """The demo account of this module's read-only error cases."""
    return make_demo()


def contract_for(endpoint: Endpoint, demo: DemoPipedrive, validator: SpecValidator) -> Contract:
    """A contract over the module's account for reads, over a fresh one for writes."""
    return Contract(demo if endpoint.method == "GET" else make_demo(), validator)


def _ids(endpoint: Endpoint) -> str:
    return endpoint.name


def _request_kwargs(endpoint: Endpoint) -> dict[str, Any]:
    """Arguments that give any endpoint a well-formed request (its ids are irrelevant here)."""
    names = re.findall(r"\{(\w+)\}", endpoint.path)
    kwargs: dict[str, Any] = {"path": dict.fromkeys(names, 1) or None}
    if endpoint.form:
        kwargs["form"] = {"read_flag": "1"}
    elif endpoint.method in ("POST", "PATCH", "PUT"):
        kwargs["json_body"] = {"name": "x"}
    return kwargs


# --- 401 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_401_without_a_token(
    endpoint: Endpoint, demo: DemoPipedrive, validator: SpecValidator
) -> None:
    """Every endpoint answers 401 without a token, and nothing is written.

    Only ``getCurrentUser`` documents a 401 (``unathorizedResponse``): that body is validated
    against it. The others document none, so the body is held to Pipedrive's error shape.
    """
    contract = Contract(demo, validator)
    contract.call(endpoint.name, status=401, token=None, **_request_kwargs(endpoint))
    checked = contract.checked[-1]
    documented = is_documented(validator, endpoint, 401)
    assert checked.how == ("schema" if documented else "error shape")
    assert documented == (endpoint.operation_id == "getCurrentUser")


@pytest.mark.parametrize("token", ["wrong-token", ""], ids=["wrong", "empty"])
def test_401_with_a_bad_token(token: str, demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A wrong token is a 401 too; ``getCurrentUser`` validates it against its 401 schema."""
    contract = Contract(demo, validator)
    body = contract.call("get_current_user", status=401, token=token)
    assert body["errorCode"] == 401
    contract.call("list_deals", status=401, token=token)  # undocumented: error shape


def test_401_for_a_token_in_the_query(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A token in the query string (not accepted) is a 401 that says why."""
    contract = Contract(demo, validator)
    body = contract.call("get_current_user", status=401, token=None, params={"api_token": "demo"})
    assert "x-api-token" in body["error"]


# --- 404 ------------------------------------------------------------------------------------------

#: Requests for ids that do not exist: ``(endpoint name, request arguments)``.
NOT_FOUND: list[tuple[str, dict[str, Any]]] = [
    ("get_pipeline", {"path": {"id": 99}}),
    ("get_stage", {"path": {"id": 999}}),
    ("get_deal", {"path": {"id": MISSING_ID}}),
    ("update_deal", {"path": {"id": MISSING_ID}, "json_body": {"title": "x"}}),
    ("get_person", {"path": {"id": MISSING_ID}}),
    ("get_organization", {"path": {"id": MISSING_ID}}),
    ("list_deals", {"params": {"filter_id": 999}}),
    ("list_archived_deals", {"params": {"filter_id": 999}}),
    ("list_leads", {"params": {"filter_id": 999}}),
    ("get_lead", {"path": {"id": MISSING_UUID}}),
    ("update_lead", {"path": {"id": MISSING_UUID}, "json_body": {"title": "x"}}),
    ("update_lead_label", {"path": {"id": MISSING_UUID}, "json_body": {"name": "x"}}),
    ("delete_lead_label", {"path": {"id": MISSING_UUID}}),
    ("get_mail_thread", {"path": {"id": MISSING_ID}}),
    ("list_mail_thread_messages", {"path": {"id": MISSING_ID}}),
    ("get_mail_message", {"path": {"id": MISSING_ID}}),
    ("update_mail_thread", {"path": {"id": MISSING_ID}, "form": {"read_flag": "1"}}),
    ("get_filter", {"path": {"id": 999}}),
    ("update_filter", {"path": {"id": 999}, "json_body": {"conditions": NEW_DEALS_FILTER}}),
    ("delete_filter", {"path": {"id": 999}}),
    ("list_deal_flow", {"path": {"id": MISSING_ID}}),
    ("list_deal_participants", {"path": {"id": MISSING_ID}}),
    ("list_deal_mail_messages", {"path": {"id": MISSING_ID}}),
    ("convert_lead_to_deal", {"path": {"id": MISSING_UUID}, "json_body": {}}),
    ("get_lead_conversion_status", {"path": {"id": MISSING_UUID, "conversion_id": MISSING_UUID}}),
]
#: The operations whose 404 the spec documents (the rest are held to the error shape).
DOCUMENTED_404 = {
    "getLead",
    "updateLead",
    "updateLeadLabel",
    "deleteLeadLabel",
    "convertLeadToDeal",
    "getLeadConversionStatus",
}


@pytest.mark.parametrize(("name", "kwargs"), NOT_FOUND, ids=[name for name, _ in NOT_FOUND])
def test_404_on_a_missing_id(
    name: str, kwargs: dict[str, Any], demo: DemoPipedrive, validator: SpecValidator
) -> None:
    """A missing deal, lead, thread, filter, label… is a 404.

    ``getLead``, ``updateLead``, ``updateLeadLabel`` and ``deleteLeadLabel`` document it
    (``LeadNotFoundResponse``), and so do both lead conversion operations: validated. The
    others document no 404: error shape only.
    """
    endpoint = BY_NAME[name]
    contract = contract_for(endpoint, demo, validator)
    contract.call(name, status=404, **copy.deepcopy(kwargs))
    documented = endpoint.operation_id in DOCUMENTED_404
    assert is_documented(validator, endpoint, 404) == documented
    assert contract.checked[-1].how == ("schema" if documented else "error shape")


def test_documented_404s_are_all_exercised(validator: SpecValidator) -> None:
    """Every endpoint whose spec documents a 404 has a case in ``NOT_FOUND``."""
    documented = {e.name for e in ENDPOINTS if is_documented(validator, e, 404)}
    assert documented <= {name for name, _ in NOT_FOUND}
    assert {BY_NAME[name].operation_id for name in documented} == DOCUMENTED_404


def test_a_deleted_label_is_gone(validator: SpecValidator) -> None:
    """After a DELETE the label's PATCH and DELETE are 404s, validated against the spec."""
    contract = Contract(make_demo(), validator)
    label_id = contract.account.lead_labels[-1]["id"]
    contract.call("delete_lead_label", path={"id": label_id})
    contract.call("delete_lead_label", path={"id": label_id}, status=404)
    contract.call("update_lead_label", path={"id": label_id}, json_body={"name": "x"}, status=404)
    assert [c.how for c in contract.checked[1:]] == ["schema", "schema"]


def _new_filter(tree: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The arguments of a ``POST /filters`` with ``tree`` (a ``None`` change drops a key)."""
    body = {"name": "x", "type": "deals", "conditions": tree, **changes}
    return {"json_body": {key: value for key, value in body.items() if value is not None}}


# --- 400 ------------------------------------------------------------------------------------------

#: Requests the demo refuses as Pipedrive does: ``(label, endpoint name, request arguments)``.
#: No operation of the table documents a 400: each body is held to the error shape.
BAD_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("v2 limit above 500", "list_deals", {"params": {"limit": 501}}),
    ("v2 limit 0", "list_pipelines", {"params": {"limit": 0}}),
    ("v2 limit not a number", "list_persons", {"params": {"limit": "many"}}),
    ("itemSearch limit above 100", "search_items", {"params": {"term": "acme", "limit": 101}}),
    ("search limit above 500", "search_deals", {"params": {"term": "acme", "limit": 501}}),
    ("a cursor that is not one", "list_deals", {"params": {"cursor": "not-a-cursor"}}),
    ("an unknown status", "list_deals", {"params": {"status": "open,pending"}}),
    ("an unknown sort", "list_organizations", {"params": {"sort_by": "name"}}),
    ("a bad updated_since", "list_deals", {"params": {"updated_since": "yesterday"}}),
    ("a leads filter on deals", "list_deals", {"params": {"filter_id": 9}}),
    ("a deals filter on leads", "list_leads", {"params": {"filter_id": 1}}),
    (
        "an unknown include_fields value",
        "get_deal",
        {"path": {"id": 1}, "params": {"include_fields": "everything"}},
    ),
    ("a bad folder", "list_mail_threads", {"params": {"folder": "spam"}}),
    ("no folder", "list_mail_threads", {}),
    ("a term too short", "search_deals", {"params": {"term": "a"}}),
    ("a term too short for leads", "search_leads", {"params": {"term": "x"}}),
    ("no term", "search_items", {}),
    ("a bad search field", "search_persons", {"params": {"term": "smith", "fields": "title"}}),
    ("an unknown filter type", "list_filters", {"params": {"type": "widgets"}}),
    ("a bad v1 start", "list_notes", {"params": {"start": -1}}),
    ("a bad v1 sort", "list_leads", {"params": {"sort": "colour ASC"}}),
    ("a deal id that is not a number", "get_deal", {"path": {"id": "abc"}}),
    ("a filter with one group", "add_filter", _new_filter({"glue": "and", "conditions": []})),
    ("a filter glued with or", "add_filter", _new_filter({**NEW_DEALS_FILTER, "glue": "or"})),
    ("an unknown operator", "add_filter", _new_filter(conditions(line("deal", 10, "~", "a")))),
    ("an unknown field", "add_filter", _new_filter(conditions(line("deal", 9999, "=", "1")))),
    ("a filter without a type", "add_filter", _new_filter(NEW_DEALS_FILTER, type=None)),
    (
        "a filter update with one group",
        "update_filter",
        {"path": {"id": 1}, "json_body": {"conditions": {"glue": "and", "conditions": []}}},
    ),
    (
        "a stage that does not exist",
        "update_deal",
        {"path": {"id": 1}, "json_body": {"stage_id": 999}},
    ),
    (
        "a lost reason on an open deal",
        "update_deal",
        {"path": {"id": 5}, "json_body": {"lost_reason": "Too expensive"}},
    ),
    (
        "an unknown deal property",
        "update_deal",
        {"path": {"id": 1}, "json_body": {"colour": "red"}},
    ),
    (
        "an unknown custom field",
        "update_deal",
        {"path": {"id": 1}, "json_body": {"custom_fields": {"0" * 40: 1}}},
    ),
    (
        "a lead value without currency",
        "update_lead",
        {"path": {"id": "LEAD5"}, "json_body": {"value": {"amount": 5}}},
    ),
    (
        "a lead label that does not exist",
        "update_lead",
        {"path": {"id": "LEAD5"}, "json_body": {"label_ids": [MISSING_UUID]}},
    ),
    (
        "a label colour outside the enum",
        "add_lead_label",
        {"json_body": {"name": "x", "color": "teal"}},
    ),
    ("a label without a name", "add_lead_label", {"json_body": {"color": "red"}}),
    (
        "a read flag of 2",
        "update_mail_thread",
        {"path": {"id": "THREAD"}, "form": {"read_flag": "2"}},
    ),
    (
        "a conversion to a stage that does not exist",
        "convert_lead_to_deal",
        {"path": {"id": "LEAD5"}, "json_body": {"stage_id": 999}},
    ),
    (
        "a conversion with a property the schema does not allow",
        "convert_lead_to_deal",
        {"path": {"id": "LEAD5"}, "json_body": {"owner_id": 101}},
    ),
    (
        "a conversion id that is not a UUID",
        "get_lead_conversion_status",
        {"path": {"id": "LEAD5", "conversion_id": "not-a-uuid"}},
    ),
]


def _resolve(kwargs: dict[str, Any], contract: Contract) -> dict[str, Any]:
    """Fill the placeholders ``LEAD5`` and ``THREAD`` with ids of the account."""
    resolved = copy.deepcopy(kwargs)
    path = resolved.get("path") or {}
    if path.get("id") == "LEAD5":
        path["id"] = lead(contract.account, 5)
    elif path.get("id") == "THREAD":
        path["id"] = thread_in(contract.account, "inbox")["id"]
    return resolved


@pytest.mark.parametrize(
    ("label", "name", "kwargs"), BAD_REQUESTS, ids=[label for label, _, _ in BAD_REQUESTS]
)
def test_400_on_bad_parameters(
    label: str, name: str, kwargs: dict[str, Any], demo: DemoPipedrive, validator: SpecValidator
) -> None:
    """A bad parameter or body is a 400 in Pipedrive's error shape, and writes nothing.

    None of these operations documents a 400, so the body is held to the error shape only.
    """
    endpoint = BY_NAME[name]
    contract = contract_for(endpoint, demo, validator)
    before = {key: list(table) for key, table in _tables(contract).items()}
    contract.call(name, status=400, **_resolve(kwargs, contract))
    assert not is_documented(validator, endpoint, 400)
    assert contract.checked[-1].how == "error shape"
    assert {key: list(table) for key, table in _tables(contract).items()} == before


def _tables(contract: Contract) -> dict[str, Any]:
    """The account's stored records, to show that a refused write changed nothing."""
    store = contract.demo.store
    return {
        "deals": store.deals,
        "leads": store.leads,
        "filters": store.filters.values(),
        "labels": store.lead_labels.values(),
        "threads": store.threads,
    }


def test_every_write_endpoint_has_a_bad_request(validator: SpecValidator) -> None:
    """Each endpoint that writes has at least one refused request above (not DELETE: no body)."""
    writes = {e.name for e in ENDPOINTS if e.method in ("POST", "PATCH", "PUT")}
    assert writes - {"update_lead_label"} <= {name for _, name, _ in BAD_REQUESTS}


def test_a_bad_label_update_is_refused(validator: SpecValidator) -> None:
    """A label PATCH with a colour outside the enum is a 400 (error shape: not documented)."""
    contract = Contract(make_demo(), validator)
    label_id = contract.account.lead_labels[0]["id"]
    contract.call(
        "update_lead_label", path={"id": label_id}, json_body={"color": "teal"}, status=400
    )
    assert contract.checked[-1].how == "error shape"


# --- the checks can fail --------------------------------------------------------------------------


def test_a_broken_deal_fails(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A real demo deal whose ``id`` is ``"x"`` fails validation, at its JSON path."""
    contract = Contract(demo, validator)
    body = contract.call("get_deal", path={"id": 1})
    broken = copy.deepcopy(body)
    broken["data"]["id"] = "x"
    with pytest.raises(AssertionError, match=r"\$\.data\.id: 'x' is not of type 'integer'"):
        contract.check_body("get_deal", 200, broken)


def test_a_broken_page_fails(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A v1 page whose lead value is text, or that lost its paging metadata, fails."""
    contract = Contract(demo, validator)
    body = contract.call("list_leads", params={"limit": 5})
    broken = copy.deepcopy(body)
    valued = next(i for i, found in enumerate(broken["data"]) if found["value"])
    broken["data"][valued]["value"]["amount"] = "a lot"
    with pytest.raises(AssertionError, match=rf"\$\.data\[{valued}\]\.value\.amount"):
        contract.check_body("list_leads", 200, broken)
    broken = copy.deepcopy(body)
    del broken["additional_data"]["more_items_in_collection"]
    with pytest.raises(AssertionError, match=r"more_items_in_collection"):
        contract.check_body("list_leads", 200, broken)


def test_a_broken_search_hit_fails(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A search hit whose score is text fails validation."""
    contract = Contract(demo, validator)
    body = contract.call("search_deals", params={"term": "renewal", "limit": 3})
    body["data"]["items"][0]["result_score"] = "high"
    with pytest.raises(AssertionError, match=r"result_score"):
        contract.check_body("search_deals", 200, body)


def test_a_broken_error_fails(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A documented 404 with a text ``success``, and an undocumented one without ``error``, fail."""
    contract = Contract(demo, validator)
    body = contract.call("get_lead", path={"id": MISSING_UUID}, status=404)
    with pytest.raises(AssertionError, match=r"success"):
        contract.check_body("get_lead", 404, {**body, "success": "false"})
    with pytest.raises(AssertionError, match=r"error_info"):
        contract.check_body("get_lead", 404, {**body, "error_info": 7})
    body = contract.call("get_deal", path={"id": MISSING_ID}, status=404)
    with pytest.raises(AssertionError, match=r"no error"):
        contract.check_body("get_deal", 404, {"success": False, "data": None})
    with pytest.raises(AssertionError):
        assert_error_shape({**body, "success": True}, 404)


def test_a_wrong_status_fails(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """A status other than the expected one fails before any body is looked at."""
    contract = Contract(demo, validator)
    with pytest.raises(AssertionError, match="404 instead of 200"):
        contract.call("get_deal", path={"id": MISSING_ID})
