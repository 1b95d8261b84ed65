"""The demo's v2 search endpoints: term rules, matching, result shapes and paging."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive


@pytest.fixture
def http(account: DemoAccount) -> httpx.Client:
    demo = DemoPipedrive(account)
    return httpx.Client(
        transport=demo.transport(), base_url="https://demo.pipedrive.com",
        headers={"x-api-token": "demo"},
    )  # fmt: skip


def items(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = http.get(path, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return list(response.json()["data"]["items"])


def test_term_rules(http: httpx.Client) -> None:
    assert http.get("/api/v2/deals/search", params={"term": "a"}).status_code == 400
    assert http.get("/api/v2/deals/search").status_code == 400
    assert http.get("/api/v2/deals/search", params={"term": "  "}).status_code == 400
    one = http.get("/api/v2/persons/search", params={"term": "a", "exact_match": "true"})
    assert one.status_code == 200
    assert (
        http.get("/api/v2/deals/search", params={"term": "ab", "fields": "name"}).status_code == 400
    )


def test_deal_search_finds_titles_and_shapes_hits(http: httpx.Client, account: DemoAccount) -> None:
    hits = items(http, "/api/v2/deals/search", term="acme", fields="title")
    expected = {d["id"] for d in account.deals if "acme" in d["title"].lower()}
    assert expected and {hit["item"]["id"] for hit in hits} == expected
    scores = [hit["result_score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    item = hits[0]["item"]
    assert item["type"] == "deal"
    assert set(item) >= {
        "id", "title", "value", "currency", "status", "visible_to", "owner", "stage", "person",
        "organization", "custom_fields", "notes", "is_archived",
    }  # fmt: skip
    assert isinstance(item["value"], int) and set(item["owner"]) == {"id"}


def test_notes_and_custom_fields_are_searched(http: httpx.Client, account: DemoAccount) -> None:
    note = next(n for n in account.notes if n.get("deal_id") and "voicemail" in n["content"])
    hits = items(http, "/api/v2/deals/search", term="voicemail", fields="notes")
    hit = next(h["item"] for h in hits if h["item"]["id"] == note["deal_id"])
    assert any("voicemail" in text for text in hit["notes"])
    contract = next(f["field_code"] for f in account.deal_fields if f["id"] == 51)
    deal = next(d for d in account.deals if contract in d["custom_fields"])
    value = deal["custom_fields"][contract]
    exact = items(http, "/api/v2/deals/search", term=value, exact_match="true")
    assert deal["id"] in {h["item"]["id"] for h in exact}
    assert value in next(h["item"] for h in exact if h["item"]["id"] == deal["id"])["custom_fields"]


def test_deal_search_filters(http: httpx.Client, account: DemoAccount) -> None:
    won = items(http, "/api/v2/deals/search", term="ac", status="won")
    assert won and {h["item"]["status"] for h in won} == {"won"}
    deal = next(d for d in account.deals if d.get("person_id"))
    term = deal["title"].split()[-1]
    hits = items(http, "/api/v2/deals/search", term=term, person_id=deal["person_id"])
    assert deal["id"] in {h["item"]["id"] for h in hits}
    assert {h["item"]["person"]["id"] for h in hits} == {deal["person_id"]}


def test_person_organization_and_lead_searches(http: httpx.Client, account: DemoAccount) -> None:
    person = account.persons[0]
    found = items(http, "/api/v2/persons/search", term=person["emails"][0]["value"], fields="email")
    assert [h["item"]["id"] for h in found] == [person["id"]]
    assert found[0]["item"]["emails"][0] == person["emails"][0]["value"]
    org = account.organizations[0]
    orgs = items(http, "/api/v2/organizations/search", term=org["name"], exact_match="true")
    assert org["id"] in {h["item"]["id"] for h in orgs}
    assert orgs[0]["result_score"] >= 1
    lead = account.leads[0]
    leads = items(http, "/api/v2/leads/search", term=lead["title"], include_fields="lead.was_seen")
    hit = next(h["item"] for h in leads if h["item"]["id"] == lead["id"])
    assert hit["type"] == "lead" and hit["was_seen"] == lead["was_seen"]


def test_item_search_types_and_paging(http: httpx.Client) -> None:
    both = items(http, "/api/v2/itemSearch", term="an", item_types="person,organization", limit=100)
    assert both and {h["item"]["type"] for h in both} <= {"person", "organization"}
    everything: list[Any] = []
    cursor = None
    while True:
        params = {"term": "an", "limit": 100, **({"cursor": cursor} if cursor else {})}
        body = http.get("/api/v2/itemSearch", params=params).json()
        everything += body["data"]["items"]
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            break
    assert len(everything) > 100
    keys = [(h["item"]["type"], str(h["item"]["id"])) for h in everything]
    assert len(set(keys)) == len(keys)
    assert {"deal", "person", "organization", "lead"} <= {k[0] for k in keys}


def test_search_sees_writes(http: httpx.Client) -> None:
    assert items(http, "/api/v2/deals/search", term="zyxwvut") == []
    http.patch("/api/v2/deals/12", json={"title": "Zyxwvut rollout"})
    hits = items(http, "/api/v2/deals/search", term="zyxwvut")
    assert [h["item"]["id"] for h in hits] == [12]
