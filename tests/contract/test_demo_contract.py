"""The demo account against Pipedrive's official specs: every endpoint, reads and writes.

Every endpoint comes from :data:`pipedrive_tui.api.endpoints.ENDPOINTS`: each one must have at
least one contract case in :data:`CASES` (a new client endpoint without a case fails
:func:`test_every_endpoint_has_a_contract_case`). A case sends concrete requests, built from the
demo account's own ids, through :meth:`DemoPipedrive.handle` and checks every answer with
:class:`~.openapi.SpecValidator` against the operation's response schema in ``v1.yaml`` or
``v2.yaml`` (the spec itself, translated to JSON Schema; nothing hand-written). Write cases run
on a fresh account and check the write's answer and the reads that follow it.

Paging, filtered lists and search live in ``test_demo_contract_paging.py``; errors and the
proof that the checks can fail in ``test_demo_contract_errors.py``. Both use :class:`Contract`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest

from pipedrive_tui.api.endpoints import BY_NAME, ENDPOINTS, Endpoint
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive

from .openapi import SchemaError, SpecValidator

#: The seed and size of every demo account of the contract suite.
SEED = 7
#: Where the requests go (the demo answers in memory: nothing leaves the process).
BASE_URL = "https://demo.invalid"
#: The demo's API token.
TOKEN = "demo"
#: Absent, as opposed to ``None`` (a JSON ``null`` body).
UNSET: Any = object()


def _null_next_cursor(path: str, place: str) -> str:
    """The erratum of a v2 list or search whose schema forbids the null ``next_cursor``."""
    return (
        f"v2.yaml paths.{path}.get.responses.200 (application/json schema) "
        f"{place}properties.additional_data.properties.next_cursor is a non-nullable string, "
        "while its own description says the value 'will be `null` if you have reached the end "
        "of the dataset' (the live API, and so the demo, send null on the last page; "
        "v2-reference §2). Workaround: the client (api.pagination.cursor_pages) treats a null or "
        "absent next_cursor as the last page."
    )


#: Spec errata that only real answers show (the spec's examples never reach a last page), keyed
#: like :data:`~.openapi.KNOWN_ERRATA`: ``(operationId, JSON path)``.
#:
#: Most v2 list and search schemas declare ``additional_data.next_cursor`` a non-nullable string
#: although their description says it is null at the end (the field-schema lists declare it
#: nullable and are not listed). They are kept here, not in ``KNOWN_ERRATA``, because an entry
#: there forgives every error at its JSON path: a *missing* or mistyped ``next_cursor`` as well,
#: for every user of the validator (``test_spec_examples.test_lists_every_error`` relies on a
#: missing one failing, and its erratum checks only know the spec's examples).
#: :meth:`Contract.check_body` forgives exactly ``next_cursor: null`` and nothing else.
CURSOR_ERRATA: dict[tuple[str, str], str] = {
    (operation_id, "$.additional_data.next_cursor"): _null_next_cursor(path, place)
    for operation_id, path, place in (
        ("getPipelines", "/pipelines", "allOf[1]."),
        ("getStages", "/stages", ""),
        ("getDeals", "/deals", "allOf[1]."),
        ("getArchivedDeals", "/deals/archived", "allOf[1]."),
        ("getPersons", "/persons", "allOf[1]."),
        ("getOrganizations", "/organizations", "allOf[1]."),
        ("searchDeals", "/deals/search", "allOf[1]."),
        ("searchLeads", "/leads/search", "allOf[1]."),
        ("searchPersons", "/persons/search", "allOf[1]."),
        ("searchOrganization", "/organizations/search", "allOf[1]."),
        ("searchItem", "/itemSearch", "allOf[1]."),
    )
}


def cursor_erratum(operation_id: str, error: SchemaError, body: Any) -> str | None:
    """The erratum that forgives ``error``: only a ``next_cursor`` that is present and null."""
    reason = CURSOR_ERRATA.get((operation_id, error.json_path))
    if reason is None or not error.message.startswith("None is not of type 'string'"):
        return None
    additional = body.get("additional_data") if isinstance(body, dict) else None
    if not isinstance(additional, dict) or "next_cursor" not in additional:
        return None
    return reason if additional["next_cursor"] is None else None


def make_demo() -> DemoPipedrive:
    """A fresh demo account (seed 7, the default 1,000 deals)."""
    return DemoPipedrive(seed=SEED)


@pytest.fixture(scope="module")
def demo() -> DemoPipedrive:
    """The demo account of this module's read-only cases."""
    return make_demo()


# --- sending and checking ------------------------------------------------------------------------


@dataclass
class Checked:
    """One answer that was checked: which endpoint, which status, and how."""

    endpoint: str
    status: int
    how: str  # "schema" (validated against the spec) or "error shape" (undocumented status)
    excused: list[SchemaError] = field(default_factory=list)


def is_documented(validator: SpecValidator, endpoint: Endpoint, status: int) -> bool:
    """Whether the spec documents this exact status (not a ``default``) for the operation."""
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    return str(status) in operation.operation.get("responses", {})


def assert_error_shape(body: Any, status: int) -> None:
    """Pipedrive's error envelope: ``{"success": false, "error": str}``, ``error_info`` a str."""
    assert isinstance(body, dict), f"{status}: the error body is not a JSON object: {body!r}"
    assert body.get("success") is False, f"{status}: success is not false: {body!r}"
    assert isinstance(body.get("error"), str) and body["error"], f"{status}: no error: {body!r}"
    if "error_info" in body:
        assert isinstance(body["error_info"], str), f"{status}: error_info is not a string"


class Contract:
    """Sends requests to one demo account and checks every answer against the specs."""

    def __init__(self, demo: DemoPipedrive, validator: SpecValidator) -> None:
        """Check the answers of ``demo`` with ``validator``."""
        self.demo = demo
        self.validator = validator
        #: Every answer checked, in order.
        self.checked: list[Checked] = []

    @property
    def account(self) -> DemoAccount:
        """The account the demo serves (as generated: writes do not change these lists)."""
        return self.demo.account

    def request(
        self,
        name: str,
        *,
        path: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        json_body: Any = UNSET,
        form: Mapping[str, str] | None = None,
        token: str | None = TOKEN,
    ) -> httpx.Request:
        """The HTTP request of an endpoint, with its path parameters, query and body."""
        endpoint = BY_NAME[name]
        url = BASE_URL + endpoint.url_path(**dict(path or {}))
        headers = {"x-api-token": token} if token is not None else {}
        query = {key: str(value) for key, value in (params or {}).items() if value is not None}
        if json_body is not UNSET:
            return httpx.Request(
                endpoint.method, url, params=query, headers=headers, json=json_body
            )
        if form is not None:
            return httpx.Request(endpoint.method, url, params=query, headers=headers, data=form)
        return httpx.Request(endpoint.method, url, params=query, headers=headers)

    def send(self, name: str, **kwargs: Any) -> httpx.Response:
        """Send one request to the demo (see :meth:`request` for the arguments)."""
        request = self.request(name, **kwargs)
        response = self.demo.handle(request)
        response.request = request
        return response

    def check(self, name: str, response: httpx.Response, status: int = 200) -> Any:
        """Assert the status, then check the body against the spec; returns the body.

        A documented status is validated against the operation's schema for it (every success
        is documented). An error status the operation does not document is held to Pipedrive's
        error shape instead (:func:`assert_error_shape`), since the spec gives nothing to check.
        """
        assert response.status_code == status, (
            f"{name}: {response.status_code} instead of {status}: {response.text[:500]}"
        )
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        return self.check_body(name, status, body, response.request.url.path)

    def check_body(self, name: str, status: int, body: Any, path: str | None = None) -> Any:
        """Check one decoded body of ``name`` at ``status`` (see :meth:`check`)."""
        endpoint = BY_NAME[name]
        path = path or endpoint.prefix + endpoint.path
        if status >= 400:
            assert_error_shape(body, status)
        if status < 400 or is_documented(self.validator, endpoint, status):
            excused = self._validate(endpoint, path, status, body)
            self.checked.append(Checked(name, status, "schema", excused))
        else:
            self.checked.append(Checked(name, status, "error shape"))
        return body

    def _validate(self, endpoint: Endpoint, path: str, status: int, body: Any) -> list[SchemaError]:
        """:meth:`SpecValidator.validate_response`, plus :data:`CURSOR_ERRATA` (null only)."""
        excused, unexpected = [], []
        version, method = endpoint.version, endpoint.method
        for error in self.validator.errors(version, method, path, status, body):
            if error.erratum is None:
                error = replace(error, erratum=cursor_erratum(endpoint.operation_id, error, body))
            (unexpected if error.erratum is None else excused).append(error)
        if unexpected:
            lines = "\n".join(f"  {error}" for error in unexpected)
            raise AssertionError(
                f"{version} {method} {endpoint.path} ({endpoint.operation_id}) {status}: "
                f"{len(unexpected)} schema error(s):\n{lines}"
            )
        return excused

    def call(self, name: str, *, status: int = 200, **kwargs: Any) -> Any:
        """Send a request and check its answer; returns the decoded body."""
        return self.check(name, self.send(name, **kwargs), status)

    def data(self, name: str, **kwargs: Any) -> Any:
        """:meth:`call` for a success, returning its ``data``."""
        return self.call(name, **kwargs)["data"]


def spec_enum(validator: SpecValidator, name: str, parameter: str) -> list[str]:
    """The values the spec lists for a query parameter of an endpoint's operation."""
    endpoint = BY_NAME[name]
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    for found in operation.operation.get("parameters", ()):
        if found.get("name") == parameter and found.get("in") == "query":
            values = found.get("schema", {}).get("enum")
            assert values, f"{endpoint.operation_id}: {parameter} lists no values"
            return [value for value in values if "," not in value]
    raise AssertionError(f"{endpoint.operation_id} has no query parameter {parameter!r}")


# --- the demo account's ids ----------------------------------------------------------------------


def custom_key(account: DemoAccount, field_type: str) -> str:
    """The key of the (first) custom deal field of a type."""
    for found in account.deal_fields:
        if found.get("is_custom_field") and found.get("field_type") == field_type:
            return str(found["field_code"])
    raise AssertionError(f"the demo has no custom deal field of type {field_type}")


def option_ids(account: DemoAccount, key: str) -> list[int]:
    """The option ids of a custom enum or set deal field."""
    found = next(f for f in account.deal_fields if f.get("field_code") == key)
    return [option["id"] for option in found.get("options") or []]


def busiest(counts: Mapping[Any, int]) -> Any:
    """The key with the largest count (the smallest key among equals)."""
    return min(counts, key=lambda key: (-counts[key], key))


def thread_in(account: DemoAccount, folder: str, **wanted: Any) -> dict[str, Any]:
    """The first mail thread of a folder whose properties match ``wanted`` (truthy: set)."""
    for thread in account.mail_threads:
        if folder not in (thread.get("folders") or []) or thread.get("deleted_flag"):
            continue
        if all(
            bool(thread.get(key)) is value if isinstance(value, bool) else thread.get(key) == value
            for key, value in wanted.items()
        ):
            return thread
    raise AssertionError(f"the demo has no thread in {folder} with {wanted}")


def lead(account: DemoAccount, number: int) -> str:
    """The id of the n-th lead (1: archived, 2: unseen, 3: no value, 4: every custom field)."""
    return str(account.leads[number - 1]["id"])


def conditions(*lines: dict[str, Any], any_of: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """A filter's conditions tree as ``POST /filters`` wants it: an and-group and an or-group."""
    return {
        "glue": "and",
        "conditions": [
            {"glue": "and", "conditions": list(lines)},
            {"glue": "or", "conditions": list(any_of)},
        ],
    }


def line(object_: str, field_id: int, operator: str, value: Any) -> dict[str, Any]:
    """One condition line of a filter."""
    return {
        "object": object_,
        "field_id": str(field_id),
        "operator": operator,
        "value": value,
        "extra_value": None,
    }


# --- the contract cases --------------------------------------------------------------------------

Case = Callable[[Contract], None]
#: The contract cases of each endpoint, by endpoint name, then by label.
CASES: dict[str, dict[str, Case]] = {}


def case(name: str, label: str) -> Callable[[Case], Case]:
    """Register a contract case of the endpoint ``name``."""

    def register(function: Case) -> Case:
        assert label not in CASES.setdefault(name, {}), f"{name}: two cases named {label!r}"
        CASES[name][label] = function
        return function

    return register


# v2: pipelines and stages


@case("list_pipelines", "every pipeline")
def _(c: Contract) -> None:
    assert len(c.data("list_pipelines")) == len(c.account.pipelines)


@case("list_pipelines", "sorted by update_time desc")
def _(c: Contract) -> None:
    c.call("list_pipelines", params={"sort_by": "update_time", "sort_direction": "desc"})


@case("get_pipeline", "each pipeline")
def _(c: Contract) -> None:
    for pipeline in c.account.pipelines:
        assert c.data("get_pipeline", path={"id": pipeline["id"]})["id"] == pipeline["id"]


@case("list_stages", "every stage")
def _(c: Contract) -> None:
    c.call("list_stages", params={"limit": 500})


@case("list_stages", "one pipeline by order_nr")
def _(c: Contract) -> None:
    pipeline_id = c.account.pipelines[-1]["id"]
    stages = c.data("list_stages", params={"pipeline_id": pipeline_id, "sort_by": "order_nr"})
    assert stages and {stage["pipeline_id"] for stage in stages} == {pipeline_id}


@case("get_stage", "first and last stage")
def _(c: Contract) -> None:
    for stage in (c.account.stages[0], c.account.stages[-1]):
        c.call("get_stage", path={"id": stage["id"]})


# v2: deals


@case("list_deals", "first page")
def _(c: Contract) -> None:
    assert c.data("list_deals")


@case("list_deals", "every include_fields value, labels and option labels")
def _(c: Contract) -> None:
    params = {
        "include_fields": ",".join(spec_enum(c.validator, "list_deals", "include_fields")),
        "include_labels": "true",
        "include_option_labels": "true",
        "limit": 50,
    }
    assert c.data("list_deals", params=params)


@case("list_deals", "a subset of custom fields, sorted by update_time")
def _(c: Contract) -> None:
    keys = [custom_key(c.account, kind) for kind in ("enum", "monetary", "address")]
    params = {"custom_fields": ",".join(keys), "sort_by": "update_time", "limit": 20}
    assert c.data("list_deals", params=params)


@case("list_archived_deals", "first page")
def _(c: Contract) -> None:
    assert c.data("list_archived_deals")


@case("list_archived_deals", "with include_fields")
def _(c: Contract) -> None:
    params = {"include_fields": ",".join(spec_enum(c.validator, "list_deals", "include_fields"))}
    assert c.data("list_archived_deals", params=params)


@case("get_deal", "the fixed deals 1-5")
def _(c: Contract) -> None:
    # 1: every custom field; 2: none, no person; 3: deleted option, orphan key, no organization;
    # 4: won and archived; 5: open and rotting.
    for deal_id in range(1, 6):
        assert c.data("get_deal", path={"id": deal_id})["id"] == deal_id


@case("get_deal", "the hostile titles")
def _(c: Contract) -> None:
    for deal_id in (7, 42):
        c.call("get_deal", path={"id": deal_id})


@case("get_deal", "option labels and every include_fields value")
def _(c: Contract) -> None:
    params = {
        "include_fields": ",".join(spec_enum(c.validator, "get_deal", "include_fields")),
        "include_option_labels": "true",
        "include_labels": "true",
    }
    for deal_id in (1, 3):
        c.call("get_deal", path={"id": deal_id}, params=params)


@case("get_deal", "a won, a lost and the last deal")
def _(c: Contract) -> None:
    won = next(d for d in c.account.deals if d["status"] == "won" and not d.get("is_archived"))
    lost = next(d for d in c.account.deals if d["status"] == "lost" and not d.get("is_archived"))
    for deal in (won, lost, c.account.deals[-1]):
        c.call("get_deal", path={"id": deal["id"]})


# v2: persons and organizations


@case("list_persons", "first page with every include_fields value")
def _(c: Contract) -> None:
    params = {"include_fields": ",".join(spec_enum(c.validator, "list_persons", "include_fields"))}
    assert c.data("list_persons", params=params)


@case("list_persons", "by organization and by deal")
def _(c: Contract) -> None:
    org_id = busiest({o["id"]: 0 for o in c.account.organizations} | _people_per_org(c.account))
    assert c.data("list_persons", params={"org_id": org_id})
    assert c.data("list_persons", params={"deal_id": 1})


def _people_per_org(account: DemoAccount) -> dict[int, int]:
    """How many persons each organization has."""
    counts: dict[int, int] = {}
    for person in account.persons:
        if person.get("org_id"):
            counts[person["org_id"]] = counts.get(person["org_id"], 0) + 1
    return counts


@case("get_person", "first and last person, option labels")
def _(c: Contract) -> None:
    for person in (c.account.persons[0], c.account.persons[-1]):
        c.call("get_person", path={"id": person["id"]}, params={"include_option_labels": "true"})


@case("list_organizations", "first page with every include_fields value")
def _(c: Contract) -> None:
    fields = spec_enum(c.validator, "list_organizations", "include_fields")
    assert c.data("list_organizations", params={"include_fields": ",".join(fields)})


@case("get_organization", "first and last organization")
def _(c: Contract) -> None:
    for org in (c.account.organizations[0], c.account.organizations[-1]):
        c.call("get_organization", path={"id": org["id"]})


# v2: field schemas


def _field_cases(name: str) -> None:
    """The two cases of a v2 field-schema list: plain and with every include_fields value."""

    @case(name, "every field")
    def _(c: Contract) -> None:
        assert c.data(name)

    @case(name, "every include_fields value")
    def _(c: Contract) -> None:
        include = ",".join(spec_enum(c.validator, name, "include_fields"))
        assert c.data(name, params={"include_fields": include})


for _name in ("list_deal_fields", "list_person_fields", "list_organization_fields"):
    _field_cases(_name)


# v2: search (paging and zero results: test_demo_contract_paging.py)

#: A term with hits and the parameters that narrow it, for each search endpoint.
SEARCHES: dict[str, tuple[str, dict[str, str]]] = {
    "search_deals": ("renewal", {"fields": "title", "status": "open"}),
    "search_leads": ("webinar", {"fields": "title", "include_fields": "lead.was_seen"}),
    "search_persons": ("smith", {"fields": "name", "include_fields": "person.picture"}),
    "search_organizations": ("labs", {"fields": "name"}),
    "search_items": ("acme", {"item_types": "deal,person,organization,lead"}),
}


def _search_cases(name: str) -> None:
    """The cases of a search endpoint: a term with hits, narrowed fields, an exact match."""

    @case(name, "a term with hits")
    def _(c: Contract) -> None:
        assert c.data(name, params={"term": SEARCHES[name][0]})["items"]

    @case(name, "narrowed")
    def _(c: Contract) -> None:
        term, narrowed = SEARCHES[name]
        assert c.data(name, params={"term": term, **narrowed})["items"]

    @case(name, "exact match")
    def _(c: Contract) -> None:
        items = c.data(name, params={"term": _exact_term(c, name), "exact_match": "true"})
        assert items["items"]


def _exact_term(c: Contract, name: str) -> str:
    """A whole value the endpoint's exact match finds: a title or a name of the account."""
    if name in ("search_deals", "search_items"):
        return str(c.account.deals[0]["title"])
    if name == "search_leads":
        return str(c.account.leads[0]["title"])
    if name == "search_persons":
        return str(c.account.persons[0]["name"])
    return str(c.account.organizations[0]["name"])


for _name in SEARCHES:
    _search_cases(_name)


# v1: leads and their lookups


@case("list_lead_fields", "every field")
def _(c: Contract) -> None:
    assert c.data("list_lead_fields")


@case("list_deal_fields_v1", "every field, with numeric ids")
def _(c: Contract) -> None:
    fields = c.data("list_deal_fields_v1")
    assert fields and all(isinstance(f["id"], int) for f in fields)


@case("list_leads", "first page, sorted")
def _(c: Contract) -> None:
    assert c.data("list_leads", params={"sort": "update_time DESC", "limit": 100})


@case("list_leads", "by owner")
def _(c: Contract) -> None:
    assert c.data("list_leads", params={"owner_id": c.account.me_id})


@case("list_archived_leads", "first page")
def _(c: Contract) -> None:
    leads = c.data("list_archived_leads")
    assert leads and all(found["is_archived"] for found in leads)


@case("get_lead", "the fixed leads 1-4 and the last one")
def _(c: Contract) -> None:
    for number in (1, 2, 3, 4, len(c.account.leads)):
        assert c.data("get_lead", path={"id": lead(c.account, number)})


@case("list_lead_labels", "every label")
def _(c: Contract) -> None:
    assert len(c.data("list_lead_labels")) == len(c.account.lead_labels)


@case("list_lead_sources", "every source")
def _(c: Contract) -> None:
    assert c.data("list_lead_sources")


# v1: mailbox


@case("list_mail_threads", "each folder")
def _(c: Contract) -> None:
    for folder in ("inbox", "drafts", "sent", "archive"):
        assert c.data("list_mail_threads", params={"folder": folder})


@case("get_mail_thread", "linked to a deal, to a lead, a draft, an archived thread")
def _(c: Contract) -> None:
    threads = (
        thread_in(c.account, "inbox", deal_id=True),
        thread_in(c.account, "inbox", lead_id=True),
        thread_in(c.account, "drafts"),
        thread_in(c.account, "archive"),
    )
    for thread in threads:
        assert c.data("get_mail_thread", path={"id": thread["id"]})["id"] == thread["id"]


@case("list_mail_thread_messages", "the longest thread and a draft")
def _(c: Contract) -> None:
    longest = max(c.account.mail_threads, key=lambda t: (t.get("message_count", 0), -t["id"]))
    for thread in (longest, thread_in(c.account, "drafts")):
        assert c.data("list_mail_thread_messages", path={"id": thread["id"]})


@case("get_mail_message", "with and without its body")
def _(c: Contract) -> None:
    for message in (c.account.mail_messages[0], c.account.mail_messages[-1]):
        c.call("get_mail_message", path={"id": message["id"]})
        body = c.data("get_mail_message", path={"id": message["id"]}, params={"include_body": 1})
        assert "body" in body


# v1: filters


@case("list_filters", "all, deals and leads")
def _(c: Contract) -> None:
    assert len(c.data("list_filters")) == len(c.account.filters)
    for kind in ("deals", "leads"):
        assert c.data("list_filters", params={"type": kind})


@case("get_filter", "each saved filter, with and without field codes")
def _(c: Contract) -> None:
    for saved in c.account.filters:
        c.call("get_filter", path={"id": saved["id"]})
        c.call("get_filter", path={"id": saved["id"]}, params={"include_field_code": 1})


@case("get_filter_helpers", "the helpers")
def _(c: Contract) -> None:
    assert c.data("get_filter_helpers")


# v1: users and lookups


@case("list_users", "every user")
def _(c: Contract) -> None:
    assert len(c.data("list_users")) == len(c.account.users)


@case("get_current_user", "me")
def _(c: Contract) -> None:
    assert c.data("get_current_user")["id"] == c.account.me_id


@case("list_currencies", "all and by term")
def _(c: Contract) -> None:
    assert c.data("list_currencies")
    assert c.data("list_currencies", params={"term": "eur"})


@case("list_activity_types", "every type")
def _(c: Contract) -> None:
    assert c.data("list_activity_types")


# v1: a deal's flow, participants and mail; notes


@case("list_deal_flow", "deal 1, the busiest deal, and only its changes")
def _(c: Contract) -> None:
    busy = busiest({deal_id: len(entries) for deal_id, entries in c.account.deal_flow.items()})
    for deal_id in (1, busy):
        assert c.data("list_deal_flow", path={"id": deal_id})
    c.call("list_deal_flow", path={"id": busy}, params={"items": "dealChange,note"})


@case("list_deal_participants", "deal 1 and deal 2 (no person)")
def _(c: Contract) -> None:
    for deal_id in (1, 2):
        c.call("list_deal_participants", path={"id": deal_id})


@case("list_deal_mail_messages", "with and without bodies")
def _(c: Contract) -> None:
    counts: dict[int, int] = {}
    for thread in c.account.mail_threads:
        if thread.get("deal_id"):
            counts[thread["deal_id"]] = counts.get(thread["deal_id"], 0) + thread["message_count"]
    deal_id = busiest(counts)
    assert c.data("list_deal_mail_messages", path={"id": deal_id})
    assert c.data("list_deal_mail_messages", path={"id": deal_id}, params={"include_body": 1})


@case("list_notes", "first page, by deal, by lead, pinned, sorted")
def _(c: Contract) -> None:
    assert c.data("list_notes")
    notes = c.account.notes
    deal_note = next(n for n in notes if n.get("deal_id"))
    lead_note = next(n for n in notes if n.get("lead_id"))
    assert c.data("list_notes", params={"deal_id": deal_note["deal_id"]})
    assert c.data("list_notes", params={"lead_id": lead_note["lead_id"]})
    c.call("list_notes", params={"pinned_to_deal_flag": 1, "sort": "add_time DESC"})


# --- writes: each on a fresh account, the answer and the reads that follow ----------------------


def _patch_deal(c: Contract, deal_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH a deal, then read it back and its flow; returns the deal as read back."""
    written = c.data("update_deal", path={"id": deal_id}, json_body=body)
    read = c.data("get_deal", path={"id": deal_id})
    assert read == written
    flow = c.data("list_deal_flow", path={"id": deal_id})
    if body:
        assert flow[0]["object"] == "dealChange"
    return read


@case("update_deal", "stage move to another pipeline")
def _(c: Contract) -> None:
    deal = c.account.deals[0]
    stage = next(s for s in c.account.stages if s["pipeline_id"] != deal["pipeline_id"])
    moved = _patch_deal(c, deal["id"], {"stage_id": stage["id"]})
    assert (moved["stage_id"], moved["pipeline_id"]) == (stage["id"], stage["pipeline_id"])
    listed = c.data("list_deals", params={"stage_id": stage["id"], "limit": 500})
    assert deal["id"] in [found["id"] for found in listed]


@case("update_deal", "won")
def _(c: Contract) -> None:
    won = _patch_deal(c, 5, {"status": "won"})
    assert won["status"] == "won" and won["won_time"]


@case("update_deal", "lost with a reason")
def _(c: Contract) -> None:
    lost = _patch_deal(c, 5, {"status": "lost", "lost_reason": "Went with a competitor"})
    assert (lost["status"], lost["lost_reason"]) == ("lost", "Went with a competitor")
    c.call("list_deals", params={"status": "lost", "limit": 10})


@case("update_deal", "reopened")
def _(c: Contract) -> None:
    deal = next(d for d in c.account.deals if d["status"] == "won" and not d.get("is_archived"))
    assert _patch_deal(c, deal["id"], {"status": "open"})["status"] == "open"


@case("update_deal", "custom fields set")
def _(c: Contract) -> None:
    enum, multi = custom_key(c.account, "enum"), custom_key(c.account, "set")
    changes = {
        enum: option_ids(c.account, enum)[0],
        multi: option_ids(c.account, multi)[:2],
        custom_key(c.account, "monetary"): {"value": 1250.5, "currency": "EUR"},
        custom_key(c.account, "varchar"): "NW-0001",
        custom_key(c.account, "date"): "2027-01-31",
        custom_key(c.account, "double"): 12.5,
        custom_key(c.account, "boolean"): True,
    }
    deal = _patch_deal(c, 2, {"custom_fields": changes})
    assert all(deal["custom_fields"][key] == value for key, value in changes.items())
    c.call("get_deal", path={"id": 2}, params={"include_option_labels": "true"})


@case("update_deal", "custom fields cleared")
def _(c: Contract) -> None:
    keys = [custom_key(c.account, kind) for kind in ("enum", "set", "monetary", "address")]
    deal = _patch_deal(c, 1, {"custom_fields": dict.fromkeys(keys)})
    assert not set(keys) & set(deal.get("custom_fields") or {})


@case("update_deal", "title, value, probability and close date; archived")
def _(c: Contract) -> None:
    body = {
        "title": "Renamed deal",
        "value": 1999.99,
        "currency": "EUR",
        "probability": 40,
        "expected_close_date": "2027-03-31",
    }
    _patch_deal(c, 7, body)
    _patch_deal(c, 7, {"probability": None, "expected_close_date": None})
    assert _patch_deal(c, 7, {"is_archived": True})["is_archived"] is True
    archived = c.data("list_archived_deals", params={"limit": 500})
    assert 7 in [found["id"] for found in archived]


def _patch_lead(c: Contract, lead_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH a lead, then read it back; returns the lead as read back."""
    written = c.data("update_lead", path={"id": lead_id}, json_body=body)
    read = c.data("get_lead", path={"id": lead_id})
    assert read == written
    return read


@case("update_lead", "labels set and cleared")
def _(c: Contract) -> None:
    labels = [label["id"] for label in c.account.lead_labels[:2]]
    assert _patch_lead(c, lead(c.account, 5), {"label_ids": labels})["label_ids"] == labels
    assert _patch_lead(c, lead(c.account, 5), {"label_ids": []})["label_ids"] == []


@case("update_lead", "archived and unarchived")
def _(c: Contract) -> None:
    lead_id = lead(c.account, 5)
    assert _patch_lead(c, lead_id, {"is_archived": True})["is_archived"] is True
    archived = c.data("list_archived_leads", params={"limit": 500})
    assert lead_id in [found["id"] for found in archived]
    assert _patch_lead(c, lead_id, {"is_archived": False})["is_archived"] is False
    c.call("list_leads", params={"limit": 500})


@case("update_lead", "seen")
def _(c: Contract) -> None:
    assert _patch_lead(c, lead(c.account, 2), {"was_seen": True})["was_seen"] is True


@case("update_lead", "value set and cleared")
def _(c: Contract) -> None:
    value = {"amount": 1234.5, "currency": "EUR"}
    assert _patch_lead(c, lead(c.account, 3), {"value": value})["value"] == value
    assert _patch_lead(c, lead(c.account, 3), {"value": None})["value"] is None


@case("update_lead", "title, owner, close date")
def _(c: Contract) -> None:
    body = {"title": "Renamed lead", "owner_id": c.account.me_id, "expected_close_date": None}
    _patch_lead(c, lead(c.account, 4), body)


def _put_thread(c: Contract, thread_id: int, form: dict[str, str]) -> dict[str, Any]:
    """PUT a thread (form-encoded), then read it back; returns the thread as read back."""
    written = c.data("update_mail_thread", path={"id": thread_id}, form=form)
    read = c.data("get_mail_thread", path={"id": thread_id})
    assert read == written
    return read


@case("update_mail_thread", "read and unread")
def _(c: Contract) -> None:
    thread = thread_in(c.account, "inbox", read_flag=False)
    assert _put_thread(c, thread["id"], {"read_flag": "1"})["read_flag"] == 1
    assert _put_thread(c, thread["id"], {"read_flag": "0"})["read_flag"] == 0


@case("update_mail_thread", "archived, then back to the inbox")
def _(c: Contract) -> None:
    thread = thread_in(c.account, "inbox")
    archived = _put_thread(c, thread["id"], {"archived_flag": "1"})
    assert archived["archived_flag"] == 1 and "archive" in archived["folders"]
    listed = c.data("list_mail_threads", params={"folder": "archive", "limit": 500})
    assert thread["id"] in [found["id"] for found in listed]
    assert _put_thread(c, thread["id"], {"archived_flag": "0"})["archived_flag"] == 0
    c.call("list_mail_threads", params={"folder": "inbox", "limit": 500})


@case("update_mail_thread", "linked to a deal and a lead, then unlinked")
def _(c: Contract) -> None:
    thread = thread_in(c.account, "inbox", deal_id=None, lead_id=None)
    assert _put_thread(c, thread["id"], {"deal_id": "1"})["deal_id"] == 1
    c.call("list_deal_mail_messages", path={"id": 1})
    assert _put_thread(c, thread["id"], {"deal_id": ""})["deal_id"] is None
    lead_id = lead(c.account, 5)
    assert _put_thread(c, thread["id"], {"lead_id": lead_id})["lead_id"] == lead_id
    assert _put_thread(c, thread["id"], {"lead_id": "", "shared_flag": "1"})["lead_id"] is None


#: A deals filter as the client writes it: open deals above 10,000 of one of two owners.
NEW_DEALS_FILTER = conditions(
    line("deal", 10, "=", "open"),
    line("deal", 5, ">", 10000),
    any_of=(line("deal", 4, "=", 101), line("deal", 4, "=", 102)),
)


def _add_filter(c: Contract, kind: str, tree: dict[str, Any]) -> dict[str, Any]:
    """POST a filter, then read it back and list it; returns the filter as answered."""
    added = c.data(
        "add_filter", json_body={"name": f"New {kind}", "type": kind, "conditions": tree}
    )
    read = c.data("get_filter", path={"id": added["id"]})
    assert read["conditions"] == added["conditions"]
    assert added["id"] in [found["id"] for found in c.data("list_filters")]
    return dict(added)


@case("add_filter", "a deals filter, then used to list deals")
def _(c: Contract) -> None:
    added = _add_filter(c, "deals", NEW_DEALS_FILTER)
    c.call("add_filter", params={"include_field_code": 1}, json_body={
        "name": "With codes", "type": "deals", "conditions": NEW_DEALS_FILTER,
    })  # fmt: skip
    assert c.data("list_deals", params={"filter_id": added["id"], "limit": 50})


@case("add_filter", "a leads filter with an empty or-group, then used to list leads")
def _(c: Contract) -> None:
    added = _add_filter(c, "leads", conditions(line("lead", 203, "IS NOT NULL", None)))
    c.call("list_leads", params={"filter_id": added["id"]})


@case("update_filter", "new conditions and name")
def _(c: Contract) -> None:
    tree = conditions(line("deal", 10, "=", "won"), any_of=(line("deal", 5, ">=", "100"),))
    updated = c.data("update_filter", path={"id": 1}, json_body={"name": "Won", "conditions": tree})
    assert updated["name"] == "Won"
    assert c.data("get_filter", path={"id": 1}, params={"include_field_code": 1})["name"] == "Won"
    c.call("update_filter", path={"id": 2}, params={"include_field_code": 1}, json_body={
        "conditions": NEW_DEALS_FILTER,
    })  # fmt: skip
    c.call("list_deals", params={"filter_id": 1, "limit": 50})


@case("delete_filter", "a saved filter and a new one")
def _(c: Contract) -> None:
    added = _add_filter(c, "deals", NEW_DEALS_FILTER)
    for filter_id in (added["id"], 5):
        assert c.data("delete_filter", path={"id": filter_id})["id"] == filter_id
        assert filter_id not in [found["id"] for found in c.data("list_filters")]
        # getFilter documents no 404: Contract.check holds it to Pipedrive's error shape.
        c.call("get_filter", path={"id": filter_id}, status=404)


@case("add_lead_label", "a new label")
def _(c: Contract) -> None:
    added = c.data("add_lead_label", json_body={"name": "Hot", "color": "red"})
    assert added["id"] in [label["id"] for label in c.data("list_lead_labels")]
    changed = c.data("update_lead", path={"id": lead(c.account, 5)}, json_body={
        "label_ids": [added["id"]],
    })  # fmt: skip
    assert changed["label_ids"] == [added["id"]]


@case("update_lead_label", "renamed and recoloured")
def _(c: Contract) -> None:
    label_id = c.account.lead_labels[0]["id"]
    renamed = c.data("update_lead_label", path={"id": label_id}, json_body={"name": "Renamed"})
    assert renamed["name"] == "Renamed"
    recoloured = c.data("update_lead_label", path={"id": label_id}, json_body={"color": "green"})
    assert recoloured["color"] == "green"
    listed = {label["id"]: label for label in c.data("list_lead_labels")}
    assert (listed[label_id]["name"], listed[label_id]["color"]) == ("Renamed", "green")


@case("delete_lead_label", "a label some leads have")
def _(c: Contract) -> None:
    holder = next(found for found in c.account.leads if found["label_ids"])
    label_id = holder["label_ids"][0]
    assert c.data("delete_lead_label", path={"id": label_id})["id"] == label_id
    assert label_id not in [label["id"] for label in c.data("list_lead_labels")]
    assert label_id not in c.data("get_lead", path={"id": holder["id"]})["label_ids"]
    c.call("delete_lead_label", path={"id": label_id}, status=404)  # documented: validated


# v2: lead to deal conversion (the whole job, and its request bodies: test_demo_contract_convert)


def _start_conversion(c: Contract, lead_id: str, body: dict[str, Any]) -> str:
    """POST a lead's conversion; returns the job's id."""
    started = c.data("convert_lead_to_deal", path={"id": lead_id}, json_body=body)
    return str(started["conversion_id"])


@case("convert_lead_to_deal", "into the default pipeline, a pipeline, a stage; an archived lead")
def _(c: Contract) -> None:
    stage_id = c.account.stages[-1]["id"]
    for number, body in ((5, {}), (6, {"pipeline_id": 2}), (7, {"stage_id": stage_id}), (1, {})):
        _start_conversion(c, lead(c.account, number), body)


@case("get_lead_conversion_status", "running, then completed with the new deal")
def _(c: Contract) -> None:
    c.demo = make_demo()  # the job writes: not on the account the read cases share
    lead_id = lead(c.account, 5)
    path = {"id": lead_id, "conversion_id": _start_conversion(c, lead_id, {})}
    assert c.data("get_lead_conversion_status", path=path)["status"] == "running"
    done = c.data("get_lead_conversion_status", path=path)
    assert done["status"] == "completed"
    c.call("get_deal", path={"id": done["deal_id"]})


# --- the tests -----------------------------------------------------------------------------------


def _ids(endpoint: Endpoint) -> str:
    return endpoint.name


def _case_ids() -> Iterator[tuple[str, str]]:
    for name, labels in CASES.items():
        for label in labels:
            yield name, label


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_every_endpoint_has_a_contract_case(endpoint: Endpoint) -> None:
    """Each endpoint the client calls has contract cases (a new endpoint cannot slip by)."""
    assert CASES.get(endpoint.name), (
        f"{endpoint.name}: no contract case; add one to CASES in {__name__}"
    )


def test_no_case_for_an_unknown_endpoint() -> None:
    """Every case belongs to an endpoint of the table (none outlives its endpoint)."""
    assert set(CASES) <= set(BY_NAME), sorted(set(CASES) - set(BY_NAME))


@pytest.mark.parametrize(
    ("name", "label"), list(_case_ids()), ids=[f"{n}::{lb}" for n, lb in _case_ids()]
)
def test_contract_case(
    name: str, label: str, demo: DemoPipedrive, validator: SpecValidator
) -> None:
    """The case's answers validate against the spec; reads share an account, writes get one."""
    endpoint = BY_NAME[name]
    account = demo if endpoint.method == "GET" else make_demo()
    contract = Contract(account, validator)
    CASES[name][label](contract)
    successes = [c for c in contract.checked if c.endpoint == name and c.status < 300]
    assert successes, f"{name}::{label} checked no success answer of {name}"
    assert all(c.how == "schema" for c in successes)


def test_reads_do_not_change_the_account(demo: DemoPipedrive, validator: SpecValidator) -> None:
    """The shared account still serves what it was generated with (no read case wrote)."""
    contract = Contract(demo, validator)
    deal = contract.data("get_deal", path={"id": 1})
    assert deal["update_time"] == demo.account.deals[0]["update_time"]
    assert len(contract.data("list_filters")) == len(demo.account.filters)
    assert len(contract.data("list_lead_labels")) == len(demo.account.lead_labels)


def test_bodies_reach_the_demo_as_sent(validator: SpecValidator) -> None:
    """JSON and form bodies arrive as sent, with their content types (the cases are real)."""
    contract = Contract(make_demo(), validator)
    body = {"name": "Warm", "color": "yellow"}
    contract.call("add_lead_label", json_body=body)
    assert contract.demo.requests[-1].body == body
    assert contract.demo.requests[-1].content_type.startswith("application/json")
    thread = thread_in(contract.account, "inbox")
    contract.call("update_mail_thread", path={"id": thread["id"]}, form={"read_flag": "1"})
    assert contract.demo.requests[-1].body == {"read_flag": "1"}
    assert contract.demo.requests[-1].content_type.startswith("application/x-www-form-urlencoded")
