"""Round trips through the real ``PipedriveClient`` against the embedded demo account.

Every public call of the client is sent through its transport to :class:`DemoPipedrive`, and what
comes back is compared with values computed independently from the generated account (the raw
records, never the demo's routes). Writes are read back through the client.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api import models as m
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.demo.filter_helpers import HELPERS
from pipedrive_tui.demo.generator import NOW, DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime, demo_client

Record = dict[str, Any]
SIZE = 300
BASE = "https://demo.invalid"
TOKEN = "demo"

HERE = Path(__file__).parent
OWN_FILES = (
    HERE / "test_client_demo_roundtrip.py",
    HERE / "test_client_demo_faults.py",
    HERE / "test_lead_convert.py",
)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    """One generated account (never mutated: the demo's store copies on write)."""
    return generate(seed=7, size=SIZE)


@pytest.fixture
def demo(account: DemoAccount, fake_time: FakeTime) -> DemoPipedrive:
    return DemoPipedrive(account, token=TOKEN, clock=fake_time.clock)


def make_client(demo: DemoPipedrive, fake_time: FakeTime, **options: Any) -> PipedriveClient:
    options.setdefault("api_token", TOKEN)
    client: PipedriveClient = demo_client(demo.transport(), fake_time, base_url=BASE, **options)
    return client


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    client = make_client(demo, fake_time)
    yield client
    await client.aclose()
    assert fake_time.sleeps == []  # nothing in a plain round trip ever waits


# --- independent views of the generated account ------------------------------------------------


def live_deals(account: DemoAccount) -> list[Record]:
    return [d for d in account.deals if not d.get("is_archived")]


def ids_of(records: list[Record], keep: Callable[[Record], bool] = lambda r: True) -> list[Any]:
    return sorted(r["id"] for r in records if keep(r))


def deal_key(account: DemoAccount, field_id: int) -> str:
    return next(f["field_code"] for f in account.deal_fields if f["id"] == field_id)


def custom(deal: Record, key: str) -> Any:
    return (deal.get("custom_fields") or {}).get(key)


def lead_amount(lead: Record) -> float | None:
    value = lead.get("value")
    return None if value is None else value["amount"]


def deal_filter_predicates(account: DemoAccount) -> dict[int, Callable[[Record], bool]]:
    """The saved deals filters, written out by hand from the table in ``saved_filters``."""
    contract, discount, priority = (
        deal_key(account, 51),
        deal_key(account, 54),
        deal_key(account, 60),
    )

    def title(d: Record) -> str:
        return str(d.get("title") or "").lower()

    def close(d: Record) -> str | None:
        return d.get("expected_close_date")

    return {
        1: lambda d: d["status"] == "open" and d["owner_id"] == 101,
        2: lambda d: d["pipeline_id"] == 1 and d["value"] >= 50000 and d["stage_id"] in (4, 5),
        3: lambda d: (
            close(d) is not None
            and "2026-10-01" <= close(d) <= "2026-12-31"  # type: ignore[operator]
            and d["status"] == "open"
        ),
        4: lambda d: d["status"] in ("won", "lost"),
        5: lambda d: "renewal" in title(d) and (title(d).startswith("acme") or d["value"] < 1000),
        6: lambda d: (
            custom(d, priority) == 104
            and d.get("org_id") is None
            and (d["owner_id"] != 106 or d["value"] > 10000)
        ),
        7: lambda d: close(d) is None and d["status"] != "lost",
        8: lambda d: custom(d, contract) not in (None, "") and custom(d, priority) in (103, 104),
        11: lambda d: (
            d["owner_id"] == 106
            and d["status"] != "won"
            and (d["add_time"][:10] <= "2025-06-30" or (custom(d, discount) or 0) > 20)
        ),
    }


LEAD_FILTERS: dict[int, Callable[[Record], bool]] = {
    9: lambda lead: (
        lead["owner_id"] == 101
        and ("pilot" in lead["title"].lower() or (lead_amount(lead) or 0) > 5000)
    ),
    10: lambda lead: (
        lead_amount(lead) is None
        and (lead["expected_close_date"] is None or lead["expected_close_date"] < "2026-12-01")
    ),
}


# --- every public call has a round trip ----------------------------------------------------------


def public_async_methods() -> set[str]:
    """Public coroutine / async generator methods, and methods that return an async iterator."""
    found = set()
    for name, member in inspect.getmembers(PipedriveClient, inspect.isfunction):
        if name.startswith("_"):
            continue
        returns = str(inspect.signature(member).return_annotation)
        if (
            inspect.iscoroutinefunction(member)
            or inspect.isasyncgenfunction(member)
            or returns.startswith("AsyncIterator")
        ):
            found.add(name)
    return found


def exercised_methods() -> set[str]:
    """Names called as ``client.<name>(…)`` in the round-trip and fault suites."""
    called = set()
    for path in OWN_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "client"
            ):
                called.add(node.func.attr)
    return called


def test_every_public_client_call_has_a_round_trip() -> None:
    methods = public_async_methods()
    assert {"list_deals", "iter_deal_pages", "pages", "records", "aclose"} <= methods
    assert "deal_params" not in methods and "for_company" not in methods
    missing = sorted(methods - exercised_methods())
    assert missing == [], f"public client calls without a round trip against the demo: {missing}"


# --- pipelines and stages -------------------------------------------------------------------------


async def test_pipelines_list_and_get(client: PipedriveClient, account: DemoAccount) -> None:
    pipelines = await client.list_pipelines()
    assert [(p.id, p.name, p.order_nr) for p in pipelines] == [
        (1, "Sales", 1),
        (2, "Partnerships", 2),
        (3, "Renewals", 3),
    ]
    assert [p.is_deal_probability_enabled for p in pipelines] == [True, False, True]
    one = await client.get_pipeline(2)
    raw = account.pipelines[1]
    assert (one.id, one.name, one.is_deleted) == (2, "Partnerships", False)
    assert one.add_time == datetime.fromisoformat(raw["add_time"].replace("Z", "+00:00"))


async def test_stages_sorted_by_order_nr_and_get(
    client: PipedriveClient, account: DemoAccount
) -> None:
    every = await client.list_stages()
    assert len(every) == len(account.stages) == 15
    assert [(s.pipeline_id, s.order_nr) for s in every] == sorted(
        (s["pipeline_id"], s["order_nr"]) for s in account.stages
    )
    sales = await client.list_stages(pipeline_id=1)
    assert [s.name for s in sales] == [
        "Qualified",
        "Contact made",
        "Demo scheduled",
        "Proposal made",
        "Negotiations started",
        "Verbal yes",
    ]
    assert [s.order_nr for s in sales] == [1, 2, 3, 4, 5, 6]
    renewals = await client.list_stages(pipeline_id=3)
    assert [s.id for s in renewals] == [12, 13, 14, 15]
    stage = await client.get_stage(5)
    assert (stage.name, stage.pipeline_id, stage.deal_probability) == (
        "Negotiations started",
        1,
        80,
    )
    assert (stage.is_deal_rot_enabled, stage.days_to_rotten) == (True, 10)


# --- deals ----------------------------------------------------------------------------------------


async def test_list_deals_returns_every_live_deal(
    client: PipedriveClient, account: DemoAccount
) -> None:
    result = await client.list_deals()
    assert result.complete and result.reason is None and result.error is None
    assert [d.id for d in result.items] == ids_of(live_deals(account))
    assert len(result.items) == SIZE - sum(1 for d in account.deals if d.get("is_archived"))
    first = result.items[0]
    raw = account.deals[0]
    assert (first.id, first.title, first.value, first.currency) == (
        1,
        raw["title"],
        raw["value"],
        raw["currency"],
    )
    assert (first.pipeline_id, first.stage_id, first.owner_id) == (
        raw["pipeline_id"],
        raw["stage_id"],
        raw["owner_id"],
    )


def _pick(account: DemoAccount, key: str) -> Any:
    """The most frequent value of ``key`` among live deals (a bucket with several deals)."""
    counts: dict[Any, int] = {}
    for deal in live_deals(account):
        if deal.get(key) is not None:
            counts[deal[key]] = counts.get(deal[key], 0) + 1
    return max(counts, key=lambda value: (counts[value], -value))


@pytest.mark.parametrize("key", ["pipeline_id", "stage_id", "owner_id", "person_id", "org_id"])
async def test_list_deals_by_equality_filters(
    client: PipedriveClient, account: DemoAccount, key: str
) -> None:
    wanted = _pick(account, key)
    result = await client.list_deals(**{key: wanted})
    expected = ids_of(live_deals(account), lambda d: d.get(key) == wanted)
    assert len(expected) >= 2
    assert [d.id for d in result.items] == expected
    assert all(getattr(d, key) == wanted for d in result.items)


@pytest.mark.parametrize(
    "statuses", [["open"], ["won"], ["lost"], ["won", "lost"], ["open", "won", "lost"]]
)
async def test_list_deals_by_status_list(
    client: PipedriveClient, demo: DemoPipedrive, account: DemoAccount, statuses: list[str]
) -> None:
    result = await client.list_deals(status=statuses)
    assert demo.requests[0].params["status"] == ",".join(statuses)  # one CSV parameter
    expected = ids_of(live_deals(account), lambda d: d["status"] in statuses)
    assert expected and [d.id for d in result.items] == expected
    assert {d.status for d in result.items} == set(statuses)


async def test_list_deals_with_combined_filters(
    client: PipedriveClient, account: DemoAccount
) -> None:
    result = await client.list_deals(pipeline_id=1, status="open", owner_id=101)
    expected = ids_of(
        live_deals(account),
        lambda d: d["pipeline_id"] == 1 and d["status"] == "open" and d["owner_id"] == 101,
    )
    assert expected and [d.id for d in result.items] == expected


@pytest.mark.parametrize("filter_id", [1, 2, 3, 4, 5, 6, 7, 8, 11])
async def test_list_deals_by_saved_filter(
    client: PipedriveClient, account: DemoAccount, filter_id: int
) -> None:
    keep = deal_filter_predicates(account)[filter_id]
    expected = ids_of(live_deals(account), keep)
    result = await client.list_deals(filter_id=filter_id)
    assert result.complete
    assert 0 < len(expected) < len(live_deals(account)), f"filter {filter_id} selects nothing"
    assert [d.id for d in result.items] == expected


def test_every_deals_filter_is_evaluated_independently(account: DemoAccount) -> None:
    deal_filters = {f["id"] for f in account.filters if f["type"] == "deals"}
    assert deal_filters == set(deal_filter_predicates(account))
    assert {f["id"] for f in account.filters if f["type"] == "leads"} == set(LEAD_FILTERS)


async def test_list_deals_updated_since(client: PipedriveClient, account: DemoAccount) -> None:
    since = datetime(2026, 10, 1, tzinfo=UTC)
    result = await client.list_deals(updated_since=since)
    expected = ids_of(live_deals(account), lambda d: d["update_time"] >= "2026-10-01T00:00:00Z")
    assert 0 < len(expected) < len(live_deals(account))
    assert [d.id for d in result.items] == expected
    assert all(d.update_time is not None and d.update_time >= since for d in result.items)
    as_text = await client.list_deals(updated_since="2026-10-01T00:00:00Z")
    assert [d.id for d in as_text.items] == expected


async def test_list_deals_ceiling_is_reported(
    client: PipedriveClient, demo: DemoPipedrive, account: DemoAccount
) -> None:
    result = await client.list_deals(ceiling=10)
    assert [d.id for d in result.items] == ids_of(live_deals(account))[:10]
    assert result.complete is False
    assert result.reason == "stopped at the limit of 10 records; more exist"
    assert result.error is None
    assert [r.path for r in demo.requests] == ["/api/v2/deals"]


async def test_iter_deal_pages_follow_the_cursor(
    client: PipedriveClient, demo: DemoPipedrive, account: DemoAccount
) -> None:
    pages = [page async for page in client.iter_deal_pages(limit=100, status=["open"])]
    expected = ids_of(live_deals(account), lambda d: d["status"] == "open")
    sizes = [100] * (len(expected) // 100) + ([len(expected) % 100] if len(expected) % 100 else [])
    assert [len(p.items) for p in pages] == sizes
    assert [p.number for p in pages] == list(range(1, len(sizes) + 1))
    assert pages[-1].next is None and all(p.next for p in pages[:-1])
    assert [d.id for p in pages for d in p.items] == expected
    assert [r.params.get("limit") for r in demo.requests] == ["100"] * len(sizes)
    assert "cursor" not in demo.requests[0].params
    assert demo.requests[1].params["cursor"] == pages[0].next


async def test_archived_deals(client: PipedriveClient, account: DemoAccount) -> None:
    archived = [d for d in account.deals if d.get("is_archived")]
    result = await client.list_archived_deals()
    assert result.complete
    assert [d.id for d in result.items] == ids_of(archived)
    assert 4 in [d.id for d in result.items]
    assert all(d.is_archived for d in result.items)
    won = await client.list_archived_deals(status=["won"])
    assert [d.id for d in won.items] == ids_of(archived, lambda d: d["status"] == "won")
    live = {d.id for d in (await client.list_deals()).items}
    assert live.isdisjoint(d.id for d in result.items)


async def test_get_deal_special_records(client: PipedriveClient, account: DemoAccount) -> None:
    custom_keys = {f["field_code"] for f in account.deal_fields if f["is_custom_field"]}
    priority = deal_key(account, 60)

    full = await client.get_deal(1)
    assert set(full.custom_fields) == custom_keys and len(custom_keys) == 19
    assert full.custom_fields == account.deals[0]["custom_fields"]

    bare = await client.get_deal(2)
    assert bare.custom_fields == {} and bare.person_id is None

    orphan = await client.get_deal(3)
    assert orphan.custom_fields[priority] == 105  # the deleted "Legacy: Platinum" option
    leftovers = set(orphan.custom_fields) - custom_keys
    assert len(leftovers) == 1 and orphan.org_id is None

    archived = await client.get_deal(4)
    assert (archived.status, archived.is_archived) == ("won", True)
    assert archived.won_time is not None and archived.won_time == archived.close_time

    rotting = await client.get_deal(5)
    stage = await client.get_stage(rotting.stage_id or 0)
    assert rotting.status == "open" and stage.is_deal_rot_enabled
    assert rotting.update_time is not None and stage.days_to_rotten is not None
    assert (NOW - rotting.update_time).days > stage.days_to_rotten


# --- persons, organizations, fields ---------------------------------------------------------------


async def test_persons_list_filter_and_get(client: PipedriveClient, account: DemoAccount) -> None:
    everyone = await client.list_persons()
    assert [p.id for p in everyone.items] == ids_of(account.persons)
    counts: dict[int, int] = {}
    for person in account.persons:
        if person.get("org_id"):
            counts[person["org_id"]] = counts.get(person["org_id"], 0) + 1
    org_id = max(counts, key=lambda k: (counts[k], -k))
    members = await client.list_persons(org_id=org_id)
    assert [p.id for p in members.items] == ids_of(
        account.persons, lambda p: p.get("org_id") == org_id
    )
    assert len(members.items) == counts[org_id] >= 2
    raw = account.persons[0]
    person = await client.get_person(1)
    assert (person.name, person.first_name, person.last_name) == (
        raw["name"],
        raw["first_name"],
        raw["last_name"],
    )
    assert person.primary_email == raw["emails"][0]["value"]
    assert person.org_id == raw.get("org_id")
    assert person.custom_fields == raw["custom_fields"]


async def test_organizations_list_and_get(client: PipedriveClient, account: DemoAccount) -> None:
    result = await client.list_organizations()
    assert [o.id for o in result.items] == ids_of(account.organizations)
    raw = account.organizations[8]
    org = await client.get_organization(raw["id"])
    assert (org.id, org.name, org.owner_id) == (raw["id"], raw["name"], raw["owner_id"])
    assert (org.address.value if org.address else None) == (raw.get("address") or {}).get("value")
    owned = await client.list_organizations(owner_id=102)
    assert [o.id for o in owned.items] == ids_of(
        account.organizations, lambda o: o["owner_id"] == 102
    )


@pytest.mark.parametrize("kind", ["deal", "person", "organization", "lead"])
async def test_fields_of_every_kind(
    client: PipedriveClient, account: DemoAccount, kind: str
) -> None:
    raw: list[Record] = getattr(account, f"{kind}_fields")
    fields = await client.list_fields(kind)
    assert [f.key for f in fields] == [r.get("field_code") or r.get("key") for r in raw]
    assert [f.name for f in fields] == [r.get("field_name") or r.get("name") for r in raw]
    customs = [bool(r.get("is_custom_field", r.get("edit_flag"))) for r in raw]
    assert [f.is_custom_field for f in fields] == customs
    assert sum(customs) == {"deal": 19, "person": 4, "organization": 4, "lead": 19}[kind]
    assert [f.field_type for f in fields] == [r["field_type"] for r in raw]


async def test_deal_fields_cover_every_custom_type(client: PipedriveClient) -> None:
    fields = await client.list_fields("deal")
    customs = [f for f in fields if f.is_custom_field]
    assert len(customs) >= 18
    assert {f.field_type for f in customs} == {
        "varchar", "varchar_auto", "text", "double", "monetary", "date", "daterange", "time",
        "timerange", "enum", "set", "user", "org", "people", "phone", "address", "visible_to",
        "int", "boolean",
    }  # fmt: skip
    priority = next(f for f in customs if f.name == "Priority")
    assert [(o.id, o.label) for o in priority.options] == [
        (101, "Low"),
        (102, "Medium"),
        (103, "High"),
        (104, "Critical"),
    ]
    assert priority.option_label(105) is None  # the deleted option
    money = next(f for f in customs if f.name == "Setup fee")
    assert [s.field_code for s in money.subfields] == ["value", "currency"]
    address = next(f for f in customs if f.field_type == "address")
    assert len(address.subfields) == 10


# --- search ---------------------------------------------------------------------------------------


def _search_expected(account: DemoAccount, kind: str, term: str) -> set[tuple[str, Any]]:
    def has(text: Any) -> bool:
        return term in str(text or "").lower()

    hits: set[tuple[str, Any]] = set()
    if kind in ("deals", "items"):
        hits |= {("deal", d["id"]) for d in account.deals if has(d["title"])}
    if kind in ("leads", "items"):
        hits |= {("lead", lead["id"]) for lead in account.leads if has(lead["title"])}
    if kind in ("persons", "items"):
        hits |= {("person", p["id"]) for p in account.persons if has(p["name"])}
    if kind in ("organizations", "items"):
        hits |= {("organization", o["id"]) for o in account.organizations if has(o["name"])}
    return hits


@pytest.mark.parametrize(
    ("kind", "term", "fields"),
    [
        ("deals", "renewal", ["title"]),
        ("leads", "ironwood", ["title"]),
        ("persons", "thompson", ["name"]),
        ("organizations", "ironwood", ["name"]),
        ("items", "ironwood", ["title", "name"]),
    ],
)
async def test_search_each_kind(
    client: PipedriveClient, account: DemoAccount, kind: str, term: str, fields: list[str]
) -> None:
    results = await client.search(term, kind=kind, fields=fields, limit=100)
    expected = _search_expected(account, kind, term)
    assert 0 < len(expected) <= 100
    assert {(r.item.type, r.item.id) for r in results} == expected
    assert len(results) == len(expected)
    assert all(term in r.item.label.lower() for r in results)
    scores = [r.result_score for r in results]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


async def test_search_items_by_type_and_exact_match(
    client: PipedriveClient, account: DemoAccount
) -> None:
    orgs = await client.search("ironwood", item_types=["organization"], limit=100)
    assert {r.item.id for r in orgs} == {
        o["id"] for o in account.organizations if "ironwood" in o["name"].lower()
    }
    assert {r.item.type for r in orgs} == {"organization"}
    name = account.organizations[0]["name"]
    exact = await client.search(name, kind="organizations", exact_match=True, fields=["name"])
    assert {r.item.id for r in exact} == {
        o["id"] for o in account.organizations if o["name"].lower() == name.lower()
    }
    page = await client.search("ironwood", kind="items", fields=["title", "name"], limit=5)
    assert len(page) == 5
    nothing = await client.search("zzzz-no-such-thing", kind="deals")
    assert nothing == []


# --- leads, labels, sources -----------------------------------------------------------------------


async def test_leads_inbox_and_archive_are_disjoint(
    client: PipedriveClient, account: DemoAccount
) -> None:
    inbox = await client.list_leads()
    archive = await client.list_leads(archived=True)
    assert inbox.complete and archive.complete
    inbox_ids = [lead.id for lead in inbox.items]
    archive_ids = [lead.id for lead in archive.items]
    assert sorted(inbox_ids) == ids_of(account.leads, lambda lead: not lead["is_archived"])
    assert sorted(archive_ids) == ids_of(account.leads, lambda lead: lead["is_archived"])
    assert set(inbox_ids).isdisjoint(archive_ids)
    assert len(inbox_ids) + len(archive_ids) == len(account.leads) == 200
    assert account.leads[0]["id"] in archive_ids  # lead 1 is archived
    assert all(lead.is_archived for lead in archive.items)
    assert not any(lead.is_archived for lead in inbox.items)
    added = [lead.add_time for lead in inbox.items]
    assert added == sorted(added)  # "add_time ASC" by default


@pytest.mark.parametrize("filter_id", [9, 10])
async def test_leads_by_saved_filter(
    client: PipedriveClient, account: DemoAccount, filter_id: int
) -> None:
    keep = LEAD_FILTERS[filter_id]
    inbox = await client.list_leads(filter_id=filter_id)
    archive = await client.list_leads(archived=True, filter_id=filter_id)
    expected = ids_of(account.leads, lambda lead: not lead["is_archived"] and keep(lead))
    assert expected and sorted(lead.id for lead in inbox.items) == expected
    assert sorted(lead.id for lead in archive.items) == ids_of(
        account.leads, lambda lead: lead["is_archived"] and keep(lead)
    )


async def test_iter_lead_pages_and_owner_filter(
    client: PipedriveClient, account: DemoAccount
) -> None:
    pages = [page async for page in client.iter_lead_pages(limit=50)]
    inbox = ids_of(account.leads, lambda lead: not lead["is_archived"])
    assert [len(p.items) for p in pages][:-1] == [50] * (len(pages) - 1)
    assert sorted(lead.id for p in pages for lead in p.items) == inbox
    assert pages[-1].next is None and [p.next for p in pages[:-1]] == [
        50 * n for n in range(1, len(pages))
    ]
    mine = await client.list_leads(owner_id=102)
    assert sorted(lead.id for lead in mine.items) == ids_of(
        account.leads, lambda lead: not lead["is_archived"] and lead["owner_id"] == 102
    )


async def test_get_lead_special_records(client: PipedriveClient, account: DemoAccount) -> None:
    raw = account.leads
    archived = await client.get_lead(raw[0]["id"])
    assert archived.is_archived and archived.title == raw[0]["title"]
    unseen = await client.get_lead(raw[1]["id"])
    assert unseen.was_seen is False
    no_value = await client.get_lead(raw[2]["id"])
    assert no_value.value is None
    full = await client.get_lead(raw[3]["id"])
    lead_custom = {f["key"] for f in account.lead_fields if len(f["key"]) == 40}
    assert len(lead_custom) == 19
    assert lead_custom <= {key.split("_", 1)[0] for key in full.custom_fields}
    assert full.value == m.LeadValue(**raw[3]["value"])
    assert full.label_ids == raw[3]["label_ids"]


async def test_lead_labels_and_sources(client: PipedriveClient, account: DemoAccount) -> None:
    labels = await client.list_lead_labels()
    assert [(x.id, x.name, x.color) for x in labels] == [
        (x["id"], x["name"], x["color"]) for x in account.lead_labels
    ]
    assert [x.name for x in labels] == [
        "Hot", "Warm", "Cold", "Follow up", "VIP", "Partner", "Stale", "Event",
    ]  # fmt: skip
    sources = await client.list_lead_sources()
    assert [s.name for s in sources] == [
        "Manually created", "Deal", "Web forms", "Prospector", "Leadbooster", "Live chat",
        "Import", "Website visitors", "Workflow automation", "API",
    ]  # fmt: skip


# --- mailbox --------------------------------------------------------------------------------------


def _folder(account: DemoAccount, folder: str) -> list[int]:
    threads = [t for t in account.mail_threads if folder in t["folders"]]
    threads.sort(key=lambda t: (t["last_message_timestamp"], t["id"]), reverse=True)
    return [t["id"] for t in threads]


@pytest.mark.parametrize("folder", ["inbox", "drafts", "sent", "archive"])
async def test_mail_threads_per_folder_newest_first(
    client: PipedriveClient, account: DemoAccount, folder: str
) -> None:
    result = await client.list_mail_threads(folder)
    assert result.complete
    expected = _folder(account, folder)
    assert expected and [t.id for t in result.items] == expected
    stamps = [t.last_message_timestamp for t in result.items]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]
    assert all(folder in t.folders for t in result.items)


async def test_mail_folders_partition_the_threads(
    client: PipedriveClient, account: DemoAccount
) -> None:
    seen: list[int] = []
    for folder in ("inbox", "drafts", "sent", "archive"):
        seen += [t.id for t in (await client.list_mail_threads(folder)).items]
    assert sorted(seen) == list(range(1, len(account.mail_threads) + 1))
    with pytest.raises(ValueError, match="unknown mail folder"):
        client.iter_mail_thread_pages("spam")


async def test_iter_mail_thread_pages(client: PipedriveClient, account: DemoAccount) -> None:
    pages = [page async for page in client.iter_mail_thread_pages("sent", limit=10)]
    expected = _folder(account, "sent")
    assert [t.id for p in pages for t in p.items] == expected
    assert all(len(p.items) == 10 for p in pages[:-1]) and pages[-1].next is None


async def test_thread_messages_and_bodies(client: PipedriveClient, account: DemoAccount) -> None:
    raw_thread = max(account.mail_threads, key=lambda t: (t["message_count"], -t["id"]))
    thread = await client.get_mail_thread(raw_thread["id"])
    assert (thread.id, thread.subject, thread.message_count) == (
        raw_thread["id"],
        raw_thread["subject"],
        raw_thread["message_count"],
    )
    assert thread.read_flag is bool(raw_thread["read_flag"])
    assert thread.deal_id == raw_thread["deal_id"] and thread.lead_id == raw_thread["lead_id"]
    raw_messages = sorted(
        (x for x in account.mail_messages if x["mail_thread_id"] == raw_thread["id"]),
        key=lambda x: (x["message_time"], x["id"]),
    )
    messages = await client.list_mail_thread_messages(raw_thread["id"])
    assert [x.id for x in messages] == [x["id"] for x in raw_messages]
    assert len(messages) == raw_thread["message_count"] >= 2
    assert all(x.body is None for x in messages)
    assert all(x.mail_thread_id == raw_thread["id"] for x in messages)
    first = raw_messages[0]
    with_body = await client.get_mail_message(first["id"])
    assert with_body.body == first["body"] and with_body.body
    assert with_body.subject == first["subject"]
    assert [p.email_address for p in with_body.from_] == [p["email_address"] for p in first["from"]]
    without = await client.get_mail_message(first["id"], include_body=False)
    assert without.body is None and without.snippet == first["snippet"]


# --- filters --------------------------------------------------------------------------------------


async def test_filters_by_type_get_and_helpers(
    client: PipedriveClient, account: DemoAccount
) -> None:
    every = await client.list_filters()
    assert [f.id for f in every] == list(range(1, 12))
    assert all(f.conditions is None for f in every)  # lists carry no conditions
    deals = await client.list_filters("deals")
    assert [f.id for f in deals] == [1, 2, 3, 4, 5, 6, 7, 8, 11]
    leads = await client.list_filters("leads")
    assert [(f.id, f.name) for f in leads] == [(9, "My pilot leads"), (10, "Leads without value")]
    assert await client.list_filters("people") == []
    with pytest.raises(ValueError, match="unknown filter type"):
        await client.list_filters("nonsense")

    big = await client.get_filter(2)
    assert (big.name, big.type, big.user_id) == ("Big Sales deals", "deals", 101)
    assert big.conditions is not None
    groups = big.conditions.conditions
    assert [g.glue for g in groups] == ["and", "or"]
    assert [(c.field_id, c.operator, c.value) for c in groups[0].conditions] == [
        ("8", "=", "1"),
        ("5", ">=", "50000"),
    ]
    assert [(c.field_id, c.operator, c.value) for c in groups[1].conditions] == [
        ("9", "=", "4"),
        ("9", "=", "5"),
    ]

    helpers = await client.get_filter_helpers()
    assert set(helpers) == set(HELPERS) == {
        "operators", "deprecated_operators", "relative_dates", "address_field_components",
    }  # fmt: skip
    assert helpers["operators"]["int"] == HELPERS["operators"]["int"]


# --- users, currencies, activity types ------------------------------------------------------------


async def test_users_me_currencies_activity_types(
    client: PipedriveClient, account: DemoAccount
) -> None:
    users = await client.list_users()
    assert [(u.id, u.name, u.active_flag) for u in users] == [
        (u["id"], u["name"], u["active_flag"]) for u in account.users
    ]
    assert [u.id for u in users if not u.active_flag] == [106]
    me = await client.get_current_user()
    assert (me.id, me.name, me.company_id, me.company_name, me.company_domain) == (
        101,
        "Ava Thornton",
        5501,
        "Northwind Demo Ltd",
        "northwind-demo",
    )
    currencies = await client.list_currencies()
    assert [c.code for c in currencies] == ["EUR", "USD", "GBP", "JPY", "SEK", "CHF", "NOK", "PTS"]
    by_code = {c.code: c for c in currencies}
    assert (by_code["JPY"].decimal_points, by_code["JPY"].symbol) == (0, "¥")
    assert by_code["PTS"].is_custom_flag and not by_code["NOK"].active_flag
    types = await client.list_activity_types()
    assert [(t.id, t.key_string) for t in types] == [
        (t["id"], t["key_string"]) for t in account.activity_types
    ]
    assert len(types) == 8 and [t.name for t in types if not t.active_flag] == ["Fax"]


# --- a deal's timeline, participants, mail and notes ----------------------------------------------


def _deal_messages(account: DemoAccount, deal_id: int) -> list[int]:
    threads = {t["id"] for t in account.mail_threads if t["deal_id"] == deal_id}
    found = [x for x in account.mail_messages if x["mail_thread_id"] in threads]
    found.sort(key=lambda x: (x["message_time"], x["id"]), reverse=True)
    return [x["id"] for x in found]


async def test_deal_flow_participants_mail_and_notes(
    client: PipedriveClient, account: DemoAccount
) -> None:
    with_mail = {t["deal_id"] for t in account.mail_threads if t["deal_id"]}
    with_people = {d for d, people in account.deal_participants.items() if len(people) >= 2}
    deal_id = min(with_mail & with_people)

    flow = await client.list_deal_flow(deal_id)
    raw_flow = account.deal_flow[deal_id]
    assert flow.complete and len(flow.items) == len(raw_flow) > 0
    assert [x.object for x in flow.items] == [x["object"] for x in raw_flow]
    assert "mailMessage" in {x.object for x in flow.items}
    stamps = [x.timestamp for x in flow.items]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]

    people = await client.list_deal_participants(deal_id)
    raw_people = account.deal_participants[deal_id]
    assert [p.person_id for p in people.items] == [p["person_id"]["value"] for p in raw_people]
    assert [p.person_name for p in people.items] == [p["person_id"]["name"] for p in raw_people]

    mail = await client.list_deal_mail_messages(deal_id)
    assert [x.id for x in mail.items] == _deal_messages(account, deal_id)
    assert all(x.body is None for x in mail.items)

    notes = await client.list_notes(deal_id=deal_id)
    assert sorted(n.id for n in notes.items) == ids_of(
        account.notes, lambda n: n.get("deal_id") == deal_id
    )
    assert all(n.deal_id == deal_id for n in notes.items)

    none = await client.list_deal_participants(2)  # deal 2 has no person
    assert none.items == [] and none.complete


async def test_notes_by_deal_and_by_lead(client: PipedriveClient, account: DemoAccount) -> None:
    first = await client.list_notes(deal_id=1)
    assert sorted(n.id for n in first.items) == ids_of(
        account.notes, lambda n: n.get("deal_id") == 1
    )
    assert 1 in [n.id for n in first.items]  # the first note belongs to deal 1
    counts: dict[str, int] = {}
    for note in account.notes:
        if note.get("lead_id"):
            counts[note["lead_id"]] = counts.get(note["lead_id"], 0) + 1
    lead_id = max(counts, key=lambda k: (counts[k], k))
    by_lead = await client.list_notes(lead_id=lead_id)
    assert sorted(n.id for n in by_lead.items) == ids_of(
        account.notes, lambda n: n.get("lead_id") == lead_id
    )
    assert len(by_lead.items) == counts[lead_id] >= 2
    assert all(n.lead_id == lead_id and n.content for n in by_lead.items)
    every = await client.list_notes(ceiling=None)
    assert len(every.items) == len(account.notes) and every.pages == 1


# --- the generic machinery ----------------------------------------------------------------------


async def test_generic_calls(client: PipedriveClient, account: DemoAccount) -> None:
    data = await client.call("get_current_user")
    assert isinstance(data, dict) and data["id"] == 101 and data["is_you"] is True
    stage = await client.get_one("get_stage", path={"id": 3})
    assert isinstance(stage, m.Stage) and stage.name == "Demo scheduled"
    users = await client.get_list("list_users")
    assert [u.id for u in users] == [101, 102, 103, 104, 105, 106]
    pages = [page async for page in client.pages("list_stages", limit=5)]
    assert [len(p.items) for p in pages] == [5, 5, 5]
    assert [s.id for p in pages for s in p.items] == list(range(1, 16))
    names = [p.name async for p in client.records("list_pipelines")]
    assert names == ["Sales", "Partnerships", "Renewals"]
    persons = await client.fetch_all("list_persons", ceiling=None, params={"owner_id": 103})
    assert [p.id for p in persons.items] == ids_of(account.persons, lambda p: p["owner_id"] == 103)
    capped = await client.fetch_all("list_persons", ceiling=7)
    assert len(capped.items) == 7 and not capped.complete
    stages = await client.fetch_complete("list_stages", params={"pipeline_id": 2})
    assert [s.id for s in stages] == [7, 8, 9, 10, 11]
    flow = await client.fetch_complete("list_deal_flow", path={"id": 1})
    assert len(flow) == len(account.deal_flow[1])


# --- writes, each read back through the client ---------------------------------------------------


def _open_sales_deal(account: DemoAccount, skip: int = 0) -> Record:
    found = [
        d
        for d in live_deals(account)
        if d["id"] > 5 and d["status"] == "open" and d["pipeline_id"] == 1
    ]
    return found[skip]


async def test_update_deal_stage_move_takes_the_pipeline_along(
    client: PipedriveClient, account: DemoAccount
) -> None:
    raw = _open_sales_deal(account)
    moved = await client.update_deal(raw["id"], stage_id=9)
    assert (moved.stage_id, moved.pipeline_id) == (9, 2)
    again = await client.get_deal(raw["id"])
    assert (again.stage_id, again.pipeline_id) == (9, 2)
    assert again.stage_change_time is not None and again.update_time is not None
    assert again.update_time > datetime.fromisoformat(raw["update_time"].replace("Z", "+00:00"))
    assert raw["id"] in [d.id for d in (await client.list_deals(stage_id=9)).items]
    assert raw["id"] not in [d.id for d in (await client.list_deals(pipeline_id=1)).items]
    flow = await client.list_deal_flow(raw["id"])
    top = flow.items[0]
    assert top.object == "dealChange"
    changed = {x.data["field_key"]: x.data for x in flow.items[:2]}
    assert changed["stage_id"]["old_value"] == raw["stage_id"]
    assert changed["stage_id"]["new_value"] == 9
    assert changed["pipeline_id"]["new_value"] == 2
    # a bare pipeline move lands on that pipeline's first stage
    first = await client.update_deal(raw["id"], pipeline_id=3)
    assert (first.pipeline_id, first.stage_id) == (3, 12)


async def test_update_deal_won_then_lost_with_reason(
    client: PipedriveClient, account: DemoAccount
) -> None:
    raw = _open_sales_deal(account)
    won = await client.update_deal(raw["id"], status="won")
    assert won.status == "won" and won.won_time is not None and won.close_time is not None
    read = await client.get_deal(raw["id"])
    assert (read.status, read.won_time, read.lost_time) == ("won", won.won_time, None)
    assert raw["id"] in [d.id for d in (await client.list_deals(status=["won"])).items]
    assert raw["id"] not in [d.id for d in (await client.list_deals(status="open")).items]

    lost = await client.update_deal(raw["id"], status="lost", lost_reason="Went with a rival")
    assert (lost.status, lost.lost_reason) == ("lost", "Went with a rival")
    read = await client.get_deal(raw["id"])
    assert (read.status, read.lost_reason, read.won_time) == ("lost", "Went with a rival", None)
    assert read.lost_time is not None and read.close_time == read.lost_time

    reopened = await client.update_deal(raw["id"], status="open")
    assert (reopened.status, reopened.lost_reason, reopened.close_time) == ("open", None, None)


async def test_update_deal_owner(client: PipedriveClient, account: DemoAccount) -> None:
    raw = next(d for d in live_deals(account) if d["owner_id"] != 104 and d["id"] > 5)
    changed = await client.update_deal(raw["id"], owner_id=104)
    assert changed.owner_id == 104
    assert (await client.get_deal(raw["id"])).owner_id == 104
    owned = await client.list_deals(owner_id=104)
    assert raw["id"] in [d.id for d in owned.items]
    assert len(owned.items) == len(ids_of(live_deals(account), lambda d: d["owner_id"] == 104)) + 1


async def test_update_deal_custom_fields_set_and_clear(
    client: PipedriveClient, account: DemoAccount
) -> None:
    contract, priority = deal_key(account, 51), deal_key(account, 60)
    products, paid = deal_key(account, 61), deal_key(account, 55)
    assert (await client.get_deal(2)).custom_fields == {}
    before = {d.id for d in (await client.list_deals(filter_id=8)).items}
    assert 2 not in before

    values = {
        contract: "C-2026-042",
        priority: 104,
        products: [111, 113],
        paid: {"value": 250.5, "currency": "EUR"},
    }
    updated = await client.update_deal(2, custom_fields=values)
    assert updated.custom_fields == values
    assert (await client.get_deal(2)).custom_fields == values
    after = {d.id for d in (await client.list_deals(filter_id=8)).items}
    assert after == before | {2}  # "Has a contract number" now matches deal 2

    cleared = await client.update_deal(2, custom_fields={contract: None, products: None})
    assert cleared.custom_fields == {priority: 104, paid: {"value": 250.5, "currency": "EUR"}}
    read = await client.get_deal(2)
    assert contract not in read.custom_fields and products not in read.custom_fields
    assert {d.id for d in (await client.list_deals(filter_id=8)).items} == before


async def test_update_lead_labels_seen_value_and_archive(
    client: PipedriveClient, account: DemoAccount
) -> None:
    raw = account.leads[1]  # lead 2: in the inbox, unseen
    lead_id = raw["id"]
    labels = [account.lead_labels[0]["id"], account.lead_labels[4]["id"]]

    labelled = await client.update_lead(lead_id, label_ids=labels)
    assert labelled.label_ids == labels
    assert (await client.get_lead(lead_id)).label_ids == labels

    seen = await client.update_lead(lead_id, was_seen=True)
    assert seen.was_seen is True and (await client.get_lead(lead_id)).was_seen is True

    priced = await client.update_lead(lead_id, value={"amount": 1234.5, "currency": "SEK"})
    assert priced.value == m.LeadValue(amount=1234.5, currency="SEK")
    assert (await client.get_lead(lead_id)).value == m.LeadValue(amount=1234.5, currency="SEK")
    assert (await client.update_lead(lead_id, value=None)).value is None

    inbox_before = {lead.id for lead in (await client.list_leads()).items}
    assert lead_id in inbox_before
    archived = await client.update_lead(lead_id, is_archived=True)
    assert archived.is_archived
    inbox = {lead.id for lead in (await client.list_leads()).items}
    archive = {lead.id for lead in (await client.list_leads(archived=True)).items}
    assert inbox == inbox_before - {lead_id} and lead_id in archive
    assert (await client.get_lead(lead_id)).is_archived

    back = await client.update_lead(lead_id, is_archived=False)
    assert not back.is_archived
    assert {lead.id for lead in (await client.list_leads()).items} == inbox_before
    assert lead_id not in {lead.id for lead in (await client.list_leads(archived=True)).items}


async def test_update_mail_thread_read_archive_and_link(
    client: PipedriveClient, account: DemoAccount
) -> None:
    raw = next(
        t
        for t in account.mail_threads
        if t["folders"] == ["inbox"] and not t["read_flag"] and t["deal_id"] is None
    )
    thread_id = raw["id"]

    read = await client.update_mail_thread(thread_id, read=True)
    assert read.read_flag is True
    assert (await client.get_mail_thread(thread_id)).read_flag is True

    archived = await client.update_mail_thread(thread_id, archived=True)
    assert archived.archived_flag and archived.folders == ["archive"]
    inbox = [t.id for t in (await client.list_mail_threads("inbox")).items]
    archive = [t.id for t in (await client.list_mail_threads("archive")).items]
    assert thread_id not in inbox and thread_id in archive
    assert len(inbox) == len(_folder(account, "inbox")) - 1
    assert len(archive) == len(_folder(account, "archive")) + 1

    deal = live_deals(account)[6]
    linked = await client.update_mail_thread(thread_id, deal_id=deal["id"])
    assert (linked.deal_id, linked.deal_status) == (deal["id"], deal["status"])
    assert (await client.get_mail_thread(thread_id)).deal_id == deal["id"]
    mail = await client.list_deal_mail_messages(deal["id"])
    linked_threads = {t["id"] for t in account.mail_threads if t["deal_id"] == deal["id"]}
    expected = sorted(
        (x for x in account.mail_messages if x["mail_thread_id"] in linked_threads | {thread_id}),
        key=lambda x: (x["message_time"], x["id"]),
        reverse=True,
    )
    assert [x.id for x in mail.items] == [x["id"] for x in expected]
    assert raw["message_count"] >= 1 and thread_id in {x.mail_thread_id for x in mail.items}

    unread = await client.update_mail_thread(thread_id, read=False, archived=False)
    assert (unread.read_flag, unread.archived_flag, unread.folders) == (False, False, ["inbox"])


async def test_update_mail_thread_sends_a_form(
    client: PipedriveClient, demo: DemoPipedrive, account: DemoAccount
) -> None:
    raw = next(t for t in account.mail_threads if t["folders"] == ["sent"])
    await client.update_mail_thread(raw["id"], shared=True, read=True)
    sent = demo.requests[-1]
    assert (sent.method, sent.path) == ("PUT", f"/v1/mailbox/mailThreads/{raw['id']}")
    assert sent.content_type == "application/x-www-form-urlencoded"
    assert sent.body == {"read_flag": "1", "shared_flag": "1"}
    assert sent.status == 200 and sent.operation_id == "updateMailThreadDetails"


def _conditions(*and_lines: Record, or_lines: tuple[Record, ...] = ()) -> Record:
    return {
        "glue": "and",
        "conditions": [
            {"glue": "and", "conditions": list(and_lines)},
            {"glue": "or", "conditions": list(or_lines)},
        ],
    }


def _line(field_id: int, operator: str, value: Any) -> Record:
    return {"object": "deal", "field_id": field_id, "operator": operator, "value": value}


async def test_add_update_delete_filter(client: PipedriveClient, account: DemoAccount) -> None:
    conditions = _conditions(_line(10, "=", "open"), _line(4, "=", 103))
    added = await client.add_filter("Chiara's open deals", "deals", conditions)
    assert added.id == 12 and (added.name, added.type, added.user_id) == (
        "Chiara's open deals",
        "deals",
        101,
    )
    read = await client.get_filter(added.id)
    assert read.conditions is not None
    lines = read.conditions.conditions[0].conditions
    assert [(c.field_id, c.operator, c.value) for c in lines] == [
        ("10", "=", "open"),
        ("4", "=", "103"),  # values come back as strings
    ]
    assert read.conditions.conditions[1].conditions == []
    matched = await client.list_deals(filter_id=added.id)
    assert [d.id for d in matched.items] == ids_of(
        live_deals(account), lambda d: d["status"] == "open" and d["owner_id"] == 103
    )
    assert 12 in [f.id for f in await client.list_filters("deals")]

    wider = _conditions(
        _line(4, "=", 103), or_lines=(_line(10, "=", "won"), _line(10, "=", "lost"))
    )
    updated = await client.update_filter(added.id, wider, name="Chiara's closed deals")
    assert updated.name == "Chiara's closed deals"
    read = await client.get_filter(added.id)
    assert read.name == "Chiara's closed deals" and read.conditions is not None
    assert [(c.field_id, c.value) for c in read.conditions.conditions[1].conditions] == [
        ("10", "won"),
        ("10", "lost"),
    ]
    matched = await client.list_deals(filter_id=added.id)
    assert [d.id for d in matched.items] == ids_of(
        live_deals(account), lambda d: d["owner_id"] == 103 and d["status"] in ("won", "lost")
    )
    kept_name = await client.update_filter(added.id, wider)
    assert kept_name.name == "Chiara's closed deals"

    await client.delete_filter(added.id)
    with pytest.raises(e.NotFoundError) as caught:
        await client.get_filter(added.id)
    assert caught.value.status == 404 and caught.value.error == "Filter with id 12 not found"
    assert [f.id for f in await client.list_filters()] == list(range(1, 12))
    with pytest.raises(e.NotFoundError):
        await client.delete_filter(added.id)


async def test_add_update_delete_lead_label(client: PipedriveClient, account: DemoAccount) -> None:
    added = await client.add_lead_label("Webinar", "green")
    assert (added.name, added.color) == ("Webinar", "green") and added.id
    labels = await client.list_lead_labels()
    assert [x.id for x in labels] == [x["id"] for x in account.lead_labels] + [added.id]

    renamed = await client.update_lead_label(added.id, name="Webinar 2027", color="blue")
    assert (renamed.id, renamed.name, renamed.color) == (added.id, "Webinar 2027", "blue")
    again = {x.id: x for x in await client.list_lead_labels()}[added.id]
    assert (again.name, again.color) == ("Webinar 2027", "blue")

    lead_id = next(x["id"] for x in account.leads[4:] if not x["is_archived"])
    await client.update_lead(lead_id, label_ids=[added.id])
    assert (await client.get_lead(lead_id)).label_ids == [added.id]

    await client.delete_lead_label(added.id)
    assert added.id not in [x.id for x in await client.list_lead_labels()]
    assert len(await client.list_lead_labels()) == len(account.lead_labels)
    assert (await client.get_lead(lead_id)).label_ids == []  # the label left the lead too
    with pytest.raises(e.NotFoundError):
        await client.update_lead_label(added.id, name="gone")


# --- errors through the client --------------------------------------------------------------------


async def test_missing_records_are_not_found(client: PipedriveClient) -> None:
    with pytest.raises(e.NotFoundError) as deal:
        await client.get_deal(999999)
    assert (deal.value.status, deal.value.error, deal.value.operation) == (
        404,
        "Deal not found",
        "getDeal",
    )
    assert str(deal.value).startswith("Not found (404): Deal not found")
    with pytest.raises(e.NotFoundError) as lead:
        await client.get_lead("00000000-0000-4000-8000-000000000000")
    assert lead.value.error == "requested lead not found"
    with pytest.raises(e.NotFoundError):
        await client.get_lead("not-a-uuid")
    with pytest.raises(e.NotFoundError):
        await client.update_deal(999999, title="nothing")
    with pytest.raises(e.NotFoundError):
        await client.get_mail_thread(999999)
    with pytest.raises(e.NotFoundError):  # an error before any record is raised, not wrapped
        await client.list_deal_flow(999999)


async def test_wrong_token_is_an_authentication_error(
    demo: DemoPipedrive, fake_time: FakeTime
) -> None:
    async with make_client(demo, fake_time, api_token="not-the-token") as wrong:
        with pytest.raises(e.AuthenticationError) as caught:
            await wrong.get_current_user()
        with pytest.raises(e.AuthenticationError):
            await wrong.list_pipelines()
    assert caught.value.status == 401 and caught.value.error == "unauthorized access"
    assert [(r.path, r.status) for r in demo.requests] == [
        ("/v1/users/me", 401),
        ("/api/v2/pipelines", 401),
    ]
    assert "not-the-token" not in str(caught.value)


WRITES: list[tuple[str, Callable[[PipedriveClient], Any]]] = [
    ("update_deal", lambda reader: reader.update_deal(1, title="Nope")),
    ("update_lead", lambda reader: reader.update_lead("x", was_seen=True)),
    ("add_lead_label", lambda reader: reader.add_lead_label("Nope", "red")),
    ("update_lead_label", lambda reader: reader.update_lead_label("x", name="Nope")),
    ("delete_lead_label", lambda reader: reader.delete_lead_label("x")),
    ("update_mail_thread", lambda reader: reader.update_mail_thread(1, read=True)),
    ("add_filter", lambda reader: reader.add_filter("Nope", "deals", _conditions())),
    ("update_filter", lambda reader: reader.update_filter(1, _conditions())),
    ("delete_filter", lambda reader: reader.delete_filter(1)),
]


async def test_read_only_client_sends_no_write(demo: DemoPipedrive, fake_time: FakeTime) -> None:
    reader = make_client(demo, fake_time, read_only=True)
    assert reader.read_only
    for name, write in WRITES:
        with pytest.raises(e.ReadOnlyError):
            await write(reader)
        assert demo.requests == [], name
    assert (await reader.get_deal(1)).id == 1  # reads still go out
    assert [(r.method, r.path) for r in demo.requests] == [("GET", "/api/v2/deals/1")]
    await reader.aclose()


def test_read_only_covers_every_write() -> None:
    writes = {
        name for name in public_async_methods() if name.startswith(("update_", "add_", "delete_"))
    }
    assert writes == {name for name, _write in WRITES}


async def test_bad_filter_structure_is_a_bad_request(
    client: PipedriveClient, demo: DemoPipedrive
) -> None:
    with pytest.raises(e.BadRequestError) as caught:
        await client.add_filter("Broken", "deals", {"glue": "and", "conditions": []})
    error = caught.value
    assert error.status == 400 and error.operation == "addFilter"
    assert error.error == "'conditions' must hold exactly two condition groups (and, or)"
    assert str(error).startswith(
        "Pipedrive refused the request (400): "
        "'conditions' must hold exactly two condition groups (and, or)"
    )
    with pytest.raises(e.BadRequestError) as field:
        await client.add_filter("Broken", "deals", _conditions(_line(999, "=", "1")))
    assert field.value.error == "Unknown field_id 999 for object 'deal'"
    with pytest.raises(e.BadRequestError) as kind:
        await client.add_filter("Broken", "gadgets", _conditions(_line(10, "=", "open")))
    assert "'type' must be one of" in str(kind.value)
    assert [r.status for r in demo.requests] == [400, 400, 400]
    assert [f.id for f in await client.list_filters()] == list(range(1, 12))


async def test_bad_writes_are_bad_requests(client: PipedriveClient) -> None:
    with pytest.raises(e.BadRequestError, match="Stage 9 is not in pipeline 1"):
        await client.update_deal(6, stage_id=9, pipeline_id=1)
    with pytest.raises(e.BadRequestError, match="'lost_reason' can only be set"):
        await client.update_deal(6, status="open", lost_reason="why")
    with pytest.raises(e.BadRequestError, match="Archived deals cannot be edited"):
        await client.update_deal(4, title="Edited")
    with pytest.raises(e.BadRequestError, match="'color' must be one of"):
        await client.add_lead_label("Bad", "chartreuse")


# --- the token and the ledger ---------------------------------------------------------------------


async def test_the_token_never_travels_in_a_url(account: DemoAccount, fake_time: FakeTime) -> None:
    secret = "tok-9f8e7d6c5b4a-SECRET"
    demo = DemoPipedrive(account, token=secret, clock=fake_time.clock)
    async with make_client(demo, fake_time, api_token=secret) as client:
        await client.get_current_user()
        await client.list_deals(ceiling=5, status=["open"])
        await client.search("ironwood", kind="items")
        await client.list_leads(ceiling=3)
        await client.update_deal(6, title="Renamed")
        await client.update_mail_thread(1, read=True)
        await client.add_lead_label("Token check", "red")
        with pytest.raises(e.NotFoundError):
            await client.get_deal(999999)
        assert secret not in client.base_url
    assert len(demo.requests) == 8
    for sent in demo.requests:
        assert secret not in sent.path
        assert all(secret not in f"{k}={v}" for k, v in sent.params.items())
        assert "api_token" not in sent.params
        assert secret not in repr(sent.body)
    assert secret not in repr(demo)


async def test_token_ledger_matches_the_demo(client: PipedriveClient, demo: DemoPipedrive) -> None:
    await client.list_users()  # getUsers: 20
    await client.get_deal(1)  # getDeal: 1
    with pytest.raises(e.NotFoundError):
        await client.get_deal(999999)  # a 404 is charged too: 1
    await client.update_deal(6, title="Ledger check")  # updateDeal: 5
    await client.get_current_user()  # getCurrentUser: 2
    await client.search("renewal", kind="deals")  # searchDeals: 20
    await client.list_pipelines()  # getPipelines: 5
    await client.get_mail_message(1)  # getMailMessage: 2
    demo_tokens = sum(entry.tokens for entry in demo.ledger.values())
    assert client.ledger.total == demo_tokens == demo.tokens_used == 56
    assert client.ledger.calls == sum(entry.calls for entry in demo.ledger.values()) == 8
    assert {op: (c.calls, c.tokens) for op, c in client.ledger.by_operation.items()} == {
        op: (entry.calls, entry.tokens) for op, entry in demo.ledger.items()
    }
    assert client.ledger.by_operation["getDeal"].calls == 2
    assert client.rate_limit.daily_token_remaining == demo.tokens_remaining
    assert client.rate_limit.limit == 40
