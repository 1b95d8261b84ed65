"""The demo's pages, filtered lists and searches against Pipedrive's official specs.

Every paged endpoint of :data:`~pipedrive_tui.api.endpoints.ENDPOINTS` (v2 cursors, v1 offsets)
is walked with a small ``limit`` from its first page to its last, and every page, the first, the
middle ones and the last, is validated against the operation's schema. A paged endpoint without
an entry in :data:`PAGING` fails. Filtered lists (each saved deals and leads filter, pipeline,
stage, status, owner, ``updated_since``, archived records) and searches (with hits and with none)
are walked the same way.

The last page of most v2 lists carries ``next_cursor: null``, which their schemas do not allow
(a spec erratum: see :data:`~.test_demo_contract.CURSOR_ERRATA`); the tests here show that each
erratum is needed, names its place in the spec, forgives only null, and that the client's
workaround (:func:`~pipedrive_tui.api.pagination.cursor_pages`) stops on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.endpoints import BY_NAME, ENDPOINTS, Endpoint
from pipedrive_tui.api.pagination import cursor_pages, read_offset_meta
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime

from .openapi import KNOWN_ERRATA, SpecValidator
from .test_demo_contract import (
    BASE_URL,
    CURSOR_ERRATA,
    TOKEN,
    UNSET,
    Contract,
    lead,
    make_demo,
)

PAGED = [endpoint for endpoint in ENDPOINTS if endpoint.paging != "none"]
BY_OP = {endpoint.operation_id: endpoint for endpoint in ENDPOINTS}
#: The most pages a walk follows before it calls the paging broken.
MAX_PAGES = 200


@pytest.fixture(scope="module")
def demo() -> DemoPipedrive:
    """The demo account of this module (every request here reads)."""
    return make_demo()


@pytest.fixture
def contract(demo: DemoPipedrive, validator: SpecValidator) -> Contract:
    """Checks answers of the module's account against the specs."""
    return Contract(demo, validator)


# --- walking ------------------------------------------------------------------------------------


@dataclass
class Walk:
    """Every page of one walk, as checked, and the records they held."""

    bodies: list[Any] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)

    @property
    def ids(self) -> list[tuple[Any, Any]]:
        """A key per record: ``(type, id)`` of a search hit or a flow entry, else its id or code."""
        found = []
        for record in self.records:
            if "item" in record:
                found.append((record["item"]["type"], record["item"]["id"]))
            elif "object" in record and isinstance(record.get("data"), dict):
                found.append((record["object"], record["data"].get("id")))
            else:
                found.append(("", record.get("id", record.get("field_code"))))
        return found


def records_of(endpoint: Endpoint, body: Any) -> list[Any]:
    """The records of a page, where the client reads them."""
    data = body["data"]
    if endpoint.data_key is not None:
        data = data[endpoint.data_key]
    assert isinstance(data, list), f"{endpoint.name}: data is not a list"
    return data


def walk(
    contract: Contract,
    name: str,
    limit: int,
    *,
    path: Mapping[str, object] | None = None,
    params: Mapping[str, object] | None = None,
) -> Walk:
    """Follow ``next_cursor`` (v2) or ``start`` (v1) from the first page to the last.

    Each page is sent with ``limit`` and checked against the spec (:meth:`Contract.check`).
    A v2 walk ends on a null ``next_cursor``; a v1 walk where
    :func:`~pipedrive_tui.api.pagination.read_offset_meta` says there is no more.
    """
    endpoint = BY_NAME[name]
    result = Walk()
    cursor: str | None = None
    start = 0
    for _ in range(MAX_PAGES):
        query: dict[str, object] = {**(params or {}), "limit": limit}
        if endpoint.paging == "cursor":
            query["cursor"] = cursor
        else:
            query["start"] = start
        body = contract.call(name, path=path, params=query)
        records = records_of(endpoint, body)
        assert len(records) <= limit, f"{name}: {len(records)} records on a page of {limit}"
        result.bodies.append(body)
        result.records.extend(records)
        if endpoint.paging == "cursor":
            cursor = body["additional_data"]["next_cursor"]
            if cursor is None:
                return result
            assert records, f"{name}: an empty page with a next cursor"
        else:
            more, start = read_offset_meta(body, start, len(records), limit)
            if not more:
                return result
    raise AssertionError(f"{name}: more than {MAX_PAGES} pages")


def assert_pages(found: Walk, name: str, *, pages: int = 3) -> None:
    """At least ``pages`` pages (first, middle, last), all full but the last, no repeats."""
    endpoint = BY_NAME[name]
    assert len(found.bodies) >= pages, f"{name}: only {len(found.bodies)} page(s)"
    sizes = [len(records_of(endpoint, body)) for body in found.bodies]
    assert len(set(sizes[:-1])) <= 1 and sizes[-1] <= sizes[0], f"{name}: page sizes {sizes}"
    assert None not in [key[1] for key in found.ids], f"{name}: a record without an id"
    assert len(found.ids) == len(set(found.ids)), f"{name}: a record came twice"


def pages_for(total: int, *, pages: int = 4, ceiling: int = 50) -> int:
    """A limit that splits ``total`` records into about ``pages`` pages (at most ``ceiling``)."""
    return max(1, min(ceiling, math.ceil(total / pages)))


# --- every paged endpoint -----------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    """How to walk one paged endpoint of the demo account."""

    total: Any  # DemoAccount -> how many records the unfiltered walk must find
    path: Any = None  # DemoAccount -> path parameters
    params: Mapping[str, object] = field(default_factory=dict)


def _threads(account: DemoAccount, folder: str) -> int:
    return sum(1 for t in account.mail_threads if folder in t.get("folders", ()))


def _busiest_deal(account: DemoAccount, counts: Mapping[int, int]) -> dict[str, int]:
    return {"id": min(counts, key=lambda deal_id: (-counts[deal_id], deal_id))}


def _deal_mail(account: DemoAccount) -> dict[int, int]:
    counts: dict[int, int] = {}
    for thread in account.mail_threads:
        if thread.get("deal_id"):
            counts[thread["deal_id"]] = counts.get(thread["deal_id"], 0) + thread["message_count"]
    return counts


#: The walk of each paged endpoint, by endpoint name (every paged endpoint must have one).
PAGING: dict[str, Paging] = {
    "list_pipelines": Paging(lambda a: len(a.pipelines)),
    "list_stages": Paging(lambda a: len(a.stages)),
    "list_deals": Paging(lambda a: sum(1 for d in a.deals if not d.get("is_archived"))),
    "list_archived_deals": Paging(lambda a: sum(1 for d in a.deals if d.get("is_archived"))),
    "list_persons": Paging(lambda a: len(a.persons)),
    "list_organizations": Paging(lambda a: len(a.organizations)),
    "list_deal_fields": Paging(lambda a: len(a.deal_fields)),
    "list_person_fields": Paging(lambda a: len(a.person_fields)),
    "list_organization_fields": Paging(lambda a: len(a.organization_fields)),
    "search_deals": Paging(None, params={"term": "renewal"}),
    "search_leads": Paging(None, params={"term": "request"}),
    "search_persons": Paging(None, params={"term": "son"}),
    "search_organizations": Paging(None, params={"term": "an"}),
    "search_items": Paging(None, params={"term": "labs"}),
    "list_lead_fields": Paging(lambda a: len(a.lead_fields)),
    "list_deal_fields_v1": Paging(lambda a: len(a.deal_fields_v1)),
    "list_leads": Paging(lambda a: sum(1 for x in a.leads if not x["is_archived"])),
    "list_archived_leads": Paging(lambda a: sum(1 for x in a.leads if x["is_archived"])),
    "list_mail_threads": Paging(lambda a: _threads(a, "inbox"), params={"folder": "inbox"}),
    "list_deal_flow": Paging(
        lambda a: max(len(entries) for entries in a.deal_flow.values()),
        lambda a: _busiest_deal(a, {k: len(v) for k, v in a.deal_flow.items()}),
    ),
    "list_deal_participants": Paging(
        lambda a: max(len(entries) for entries in a.deal_participants.values()),
        lambda a: _busiest_deal(a, {k: len(v) for k, v in a.deal_participants.items()}),
    ),
    "list_deal_mail_messages": Paging(
        lambda a: max(_deal_mail(a).values()), lambda a: _busiest_deal(a, _deal_mail(a))
    ),
    "list_notes": Paging(lambda a: len(a.notes)),
}


def _ids(endpoint: Endpoint) -> str:
    return endpoint.name


@pytest.mark.parametrize("endpoint", PAGED, ids=_ids)
def test_first_middle_and_last_pages(endpoint: Endpoint, contract: Contract) -> None:
    """Every page of every paged endpoint validates, from the first to the last.

    The limit gives at least three pages where the collection has three records; the walk
    finds every record once. A paged endpoint without an entry in ``PAGING`` fails here.
    """
    assert endpoint.name in PAGING, f"{endpoint.name}: no walk in PAGING"
    plan = PAGING[endpoint.name]
    account = contract.account
    path = plan.path(account) if plan.path else None
    if plan.total is None:  # a search: count the hits first, with the largest page
        first = walk(contract, endpoint.name, endpoint.max_limit, path=path, params=plan.params)
        total = len(first.records)
    else:
        total = plan.total(account)
    assert total >= 2, f"{endpoint.name}: the demo has too few records to page"
    found = walk(contract, endpoint.name, pages_for(total), path=path, params=plan.params)
    assert len(found.records) == total
    assert_pages(found, endpoint.name, pages=min(3, total))


def test_paging_covers_only_paged_endpoints() -> None:
    """``PAGING`` names only paged endpoints of the table."""
    assert set(PAGING) == {endpoint.name for endpoint in PAGED}


@pytest.mark.parametrize("folder", ["inbox", "drafts", "sent", "archive"])
def test_each_mail_folder_pages(folder: str, contract: Contract) -> None:
    """Each mailbox folder pages to its end with valid pages."""
    total = _threads(contract.account, folder)
    found = walk(
        contract, "list_mail_threads", pages_for(total, ceiling=10), params={"folder": folder}
    )
    assert len(found.records) == total
    assert_pages(found, "list_mail_threads")


@pytest.mark.parametrize("limit", [1, 500, 501])
def test_v1_limit_edges(limit: int, contract: Contract) -> None:
    """v1 pages of 1 and of the largest size validate; a limit past it is capped, not refused."""
    body = contract.call("list_leads", params={"limit": limit})
    total = sum(1 for found in contract.account.leads if not found["is_archived"])
    assert len(body["data"]) == min(limit, total)
    assert body["additional_data"]["pagination"]["limit"] == min(limit, 500)


# --- filtered lists -----------------------------------------------------------------------------


def _deal_filters(account: DemoAccount) -> list[int]:
    return [saved["id"] for saved in account.filters if saved["type"] == "deals"]


def _lead_filters(account: DemoAccount) -> list[int]:
    return [saved["id"] for saved in account.filters if saved["type"] == "leads"]


#: The saved filter ids of the demo (fixed for every seed; checked against the account below).
DEAL_FILTERS = [1, 2, 3, 4, 5, 6, 7, 8, 11]
LEAD_FILTERS = [9, 10]


def test_saved_filter_ids(demo: DemoPipedrive) -> None:
    """The filter ids the filtered-list tests use are the account's deals and leads filters."""
    assert _deal_filters(demo.account) == DEAL_FILTERS
    assert _lead_filters(demo.account) == LEAD_FILTERS


@pytest.mark.parametrize("filter_id", DEAL_FILTERS)
@pytest.mark.parametrize("name", ["list_deals", "list_archived_deals"])
def test_deals_by_saved_filter(name: str, filter_id: int, contract: Contract) -> None:
    """Each saved deals filter, on open and archived deals: every page validates."""
    found = walk(contract, name, 50, params={"filter_id": filter_id})
    if name == "list_deals":
        assert found.records, f"filter {filter_id} matches no deal"
    assert_pages(found, name, pages=1)


@pytest.mark.parametrize(
    "params",
    [
        {"pipeline_id": 1},
        {"stage_id": 3},
        {"status": "won,lost"},
        {"status": "open,won,lost,deleted"},
        {"owner_id": 101},
        {"owner_id": 106, "status": "lost"},
        {"updated_since": "2026-09-01T00:00:00Z"},
        {"updated_since": "2026-06-01T00:00:00Z", "updated_until": "2026-09-01T00:00:00Z"},
        {"pipeline_id": 2, "sort_by": "update_time", "sort_direction": "desc"},
        {"ids": "1,2,3,4,5,13,42"},
    ],
    ids=lambda params: ",".join(f"{k}={v}" for k, v in params.items()),
)
def test_filtered_deals(params: dict[str, object], contract: Contract) -> None:
    """Deals by pipeline, stage, status CSV, owner, update time, ids: pages validate."""
    found = walk(contract, "list_deals", 50, params=params)
    assert found.records
    assert_pages(found, "list_deals", pages=1)


@pytest.mark.parametrize("params", [{"status": "won"}, {"pipeline_id": 1}, {"owner_id": 101}])
def test_filtered_archived_deals(params: dict[str, object], contract: Contract) -> None:
    """Archived deals with the same filters validate (each filter may match few)."""
    found = walk(contract, "list_archived_deals", 5, params=params)
    assert_pages(found, "list_archived_deals", pages=1)


@pytest.mark.parametrize("filter_id", LEAD_FILTERS)
@pytest.mark.parametrize("name", ["list_leads", "list_archived_leads"])
def test_leads_by_saved_filter(name: str, filter_id: int, contract: Contract) -> None:
    """Each saved leads filter, on open and archived leads: every page validates."""
    found = walk(contract, name, 10, params={"filter_id": filter_id})
    if name == "list_leads":
        assert found.records, f"filter {filter_id} matches no lead"
    assert_pages(found, name, pages=1)


@pytest.mark.parametrize(
    "params",
    [
        {"owner_id": 101},
        {"updated_since": "2026-06-01T00:00:00Z"},
        {"sort": "expected_close_date DESC, title ASC"},
    ],
    ids=lambda params: ",".join(params),
)
def test_filtered_leads(params: dict[str, object], contract: Contract) -> None:
    """Leads by owner, update time and a two-key sort: every page validates."""
    found = walk(contract, "list_leads", 25, params=params)
    assert found.records
    assert_pages(found, "list_leads", pages=1)


def test_lead_notes_and_a_persons_leads(contract: Contract) -> None:
    """A lead's notes and a person's leads page and validate."""
    account = contract.account
    person = next(x["person_id"] for x in account.leads if x["person_id"] and not x["is_archived"])
    assert walk(contract, "list_leads", 2, params={"person_id": person}).records
    note = next(n for n in account.notes if n.get("lead_id"))
    assert walk(contract, "list_notes", 2, params={"lead_id": note["lead_id"]}).records
    assert walk(contract, "list_notes", 10, params={"deal_id": 1}).bodies
    assert lead(account, 1) in [x["id"] for x in walk(contract, "list_archived_leads", 50).records]


# --- search -------------------------------------------------------------------------------------

SEARCH_NAMES = [endpoint.name for endpoint in ENDPOINTS if endpoint.data_key == "items"]


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_search_without_hits(name: str, contract: Contract) -> None:
    """A term nothing matches: an empty ``items`` list and a null cursor, as the spec allows."""
    body = contract.call(name, params={"term": "zzqx-no-such-thing"})
    assert body["data"]["items"] == []
    assert body["additional_data"]["next_cursor"] is None


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_search_exact_match_of_one_character(name: str, contract: Contract) -> None:
    """``exact_match`` accepts a one-character term (usually without hits) and validates."""
    contract.call(name, params={"term": "x", "exact_match": "true"})


def test_item_search_by_type(contract: Contract) -> None:
    """``/itemSearch`` for one item type at a time validates, with and without hits."""
    for item_type in ("deal", "person", "organization", "lead", "product"):
        contract.call("search_items", params={"term": "an", "item_types": item_type})
    found = walk(contract, "search_items", 20, params={"term": "acme", "fields": "title,name"})
    assert_pages(found, "search_items")


# --- the next_cursor erratum ----------------------------------------------------------------------


def test_cursor_errata_are_the_ones_the_demo_needs(contract: Contract) -> None:
    """Each ``next_cursor`` erratum is needed: the demo's last page breaks that schema, only there.

    The v2 field-schema lists declare ``next_cursor`` nullable and need none.
    """
    needed: set[tuple[str, str]] = set()
    for endpoint in ENDPOINTS:
        if endpoint.paging != "cursor":
            continue
        params = PAGING[endpoint.name].params
        found = walk(contract, endpoint.name, endpoint.max_limit, params=params)
        pages = contract.checked[-len(found.bodies) :]
        assert not any(page.excused for page in pages[:-1]), endpoint.name
        excused = pages[-1].excused
        for error in excused:
            key = (endpoint.operation_id, error.json_path)
            assert error.erratum == CURSOR_ERRATA[key], f"{endpoint.name}: {error}"
            assert error.message.startswith("None is not of type 'string'")
            needed.add(key)
        if endpoint.operation_id.endswith("Fields"):
            assert not excused, f"{endpoint.name}: its next_cursor is declared nullable"
    assert needed == set(CURSOR_ERRATA)


def test_cursor_errata_name_their_place(validator: SpecValidator) -> None:
    """Each erratum names the schema it is about, which really forbids null; none is shared."""
    assert not set(CURSOR_ERRATA) & set(KNOWN_ERRATA)
    for (operation_id, json_path), reason in CURSOR_ERRATA.items():
        endpoint = BY_OP[operation_id]
        assert reason.startswith(f"v2.yaml paths.{endpoint.path}.get.responses.200 ")
        assert "Workaround:" in reason and "cursor_pages" in reason
        media = validator.operation_by_id("v2", operation_id).operation["responses"]["200"]
        schema = media["content"]["application/json"]["schema"]
        place = reason.split("(application/json schema) ")[1].split(" is a ")[0]
        for part in place.replace("[", ".").replace("]", "").split("."):
            schema = schema[int(part)] if part.isdigit() else schema[part]
        assert schema["type"] == "string" and not schema.get("nullable"), reason
        assert "`null`" in schema["description"], reason
        assert json_path == "$.additional_data.next_cursor"


def test_the_shared_validator_still_rejects_a_null_cursor(contract: Contract) -> None:
    """The erratum lives only in these tests: the validator alone still sees the spec's bug."""
    body = contract.call("list_pipelines")
    assert body["additional_data"]["next_cursor"] is None
    with pytest.raises(AssertionError, match=r"next_cursor: None is not of type 'string'"):
        contract.validator.validate_response("v2", "GET", "/api/v2/pipelines", 200, body)


@pytest.mark.parametrize("cursor", [17, UNSET], ids=["number", "missing"])
def test_only_a_null_cursor_is_forgiven(cursor: Any, contract: Contract) -> None:
    """The erratum forgives ``next_cursor: null``; a number or a missing cursor still fails."""
    body = contract.call("list_pipelines")
    if cursor is UNSET:
        del body["additional_data"]["next_cursor"]
    else:
        body["additional_data"]["next_cursor"] = cursor
    with pytest.raises(AssertionError, match=r"next_cursor"):
        contract.check_body("list_pipelines", 200, body)


async def test_cursor_pages_stop_on_a_null_cursor(contract: Contract) -> None:
    """The workaround: ``cursor_pages`` walks the demo's pages and stops on the null cursor."""
    seen: list[str | None] = []

    async def fetch(cursor: str | None) -> Any:
        seen.append(cursor)
        return contract.call("list_stages", params={"limit": 4, "cursor": cursor})

    pages = [page async for page in cursor_pages(fetch, lambda body: body["data"], "getStages")]
    assert [page.next is None for page in pages] == [False] * (len(pages) - 1) + [True]
    assert sum(len(page.items) for page in pages) == len(contract.account.stages)
    assert len(seen) == len(pages) == math.ceil(len(contract.account.stages) / 4)
    assert seen[0] is None and all(seen[1:])


@pytest.mark.parametrize(
    "additional_data", [{"next_cursor": None}, {}, None], ids=["null", "absent", "no-metadata"]
)
async def test_cursor_pages_stop_without_a_cursor(additional_data: Any) -> None:
    """A null, absent or missing ``next_cursor`` ends the walk after one page."""
    calls = 0

    async def fetch(cursor: str | None) -> Any:
        nonlocal calls
        calls += 1
        body: dict[str, Any] = {"success": True, "data": [{"id": 1}]}
        if additional_data is not None:
            body["additional_data"] = additional_data
        return body

    pages = [page async for page in cursor_pages(fetch, lambda body: body["data"], "getDeals")]
    assert calls == 1 and len(pages) == 1 and pages[0].next is None


async def test_the_client_reads_every_demo_page(demo: DemoPipedrive) -> None:
    """The real client, on the demo's transport, gets every deal and stops on the null cursor."""
    fake = FakeTime()
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return demo.handle(request)

    client = PipedriveClient(
        BASE_URL, api_token=TOKEN, transport=httpx.MockTransport(handle),
        clock=fake.clock, sleep=fake.sleep,
    )  # fmt: skip
    async with client:
        result = await client.fetch_all("list_deals", ceiling=None)
    expected = sum(1 for d in demo.account.deals if not d.get("is_archived"))
    assert result.complete and len(result.items) == expected
    assert len(sent) == math.ceil(expected / BY_NAME["list_deals"].max_limit)
