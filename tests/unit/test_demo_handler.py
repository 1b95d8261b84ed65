"""The demo Pipedrive's request pipeline: auth, routing, errors, rate-limit headers, the ledger
and both pagination styles."""

from __future__ import annotations

import math
from typing import Any

import httpx

from pipedrive_tui.api.costs import token_cost
from pipedrive_tui.api.endpoints import ENDPOINTS
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive

ERROR_INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."


def client(demo: DemoPipedrive, token: str | None = "demo") -> httpx.Client:
    headers = {"x-api-token": token} if token is not None else {}
    return httpx.Client(
        transport=demo.transport(), base_url="https://demo.pipedrive.com", headers=headers
    )


def listed(account: DemoAccount) -> list[int]:
    """Ids of the deals GET /deals lists by default: not archived, not deleted, by id."""
    return sorted(
        d["id"] for d in account.deals if not d.get("is_archived") and not d.get("is_deleted")
    )


# --- auth ---------------------------------------------------------------------------------------


def test_missing_and_wrong_tokens_get_pipedrives_401(demo: DemoPipedrive) -> None:
    unauthorized = {"success": False, "error": "unauthorized access", "errorCode": 401}
    for token in (None, "nope"):
        response = client(demo, token).get("/api/v2/deals")
        assert response.status_code == 401
        assert response.json() == unauthorized


def test_bearer_token_authenticates(demo: DemoPipedrive) -> None:
    with httpx.Client(transport=demo.transport(), base_url="https://x") as plain:
        ok = plain.get("/v1/users/me", headers={"Authorization": "Bearer demo"})
        bad = plain.get("/v1/users/me", headers={"Authorization": "Bearer other"})
    assert ok.status_code == 200
    assert bad.status_code == 401


def test_query_string_token_is_refused_and_never_recorded(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, token="s3cret-value")
    response = client(demo, None).get("/api/v2/deals", params={"api_token": "s3cret-value"})
    assert response.status_code == 401
    assert "x-api-token" in response.json()["error"]
    client(demo, "s3cret-value").get("/api/v2/deals", params={"limit": 1})
    assert demo.requests[0].params == {"api_token": "[redacted]"}
    assert "s3cret-value" not in repr(demo.requests)
    assert "s3cret-value" not in repr(demo)


# --- routing and error shapes -------------------------------------------------------------------


def test_every_endpoint_of_the_table_is_served(demo: DemoPipedrive, account: DemoAccount) -> None:
    ids = {
        "{id}": "1",
        "lead": account.leads[1]["id"],
        "label": account.lead_labels[1]["id"],
    }
    with client(demo) as http:
        for endpoint in ENDPOINTS:
            ident = ids["{id}"]
            if "lead" in endpoint.name and "label" in endpoint.name:
                ident = ids["label"]
            elif "lead" in endpoint.name:
                ident = ids["lead"]
            url = endpoint.prefix + endpoint.path.replace("{id}", ident)
            response = http.request(endpoint.method, url)
            body = response.json()
            assert body.get("error") != "Unknown method .", endpoint.name
            assert response.status_code in (200, 400), (endpoint.name, body)


def test_unknown_path_is_a_404_in_pipedrives_shape(demo: DemoPipedrive) -> None:
    response = client(demo).get("/api/v2/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "error": "Unknown method .",
        "error_info": ERROR_INFO,
        "data": None,
        "additional_data": None,
    }


def test_v1_is_served_under_both_prefixes(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        short = http.get("/v1/leadSources").json()
        long = http.get("/api/v1/leadSources").json()
    assert short == long
    assert short["data"][0] == {"name": "Manually created"}


def test_missing_records_and_bad_ids(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        missing = http.get("/api/v2/deals/999999")
        not_int = http.get("/api/v2/deals/abc")
        lead = http.get("/v1/leads/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json() == {
        "success": False,
        "error": "Deal not found",
        "error_info": ERROR_INFO,
        "data": None,
        "additional_data": None,
    }
    assert not_int.status_code == 400
    assert not_int.json()["error_info"] == ERROR_INFO
    assert not_int.json()["success"] is False
    assert lead.status_code == 404
    assert lead.json() == {
        "success": False,
        "error": "requested lead not found",
        "error_info": "Object was not found.",
        "data": None,
        "additional_data": None,
    }


def test_bad_parameters_and_bodies_are_400s(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        answers = [
            http.get("/api/v2/deals", params={"owner_id": "x"}),
            http.get("/api/v2/deals", params={"status": "open,bogus"}),
            http.get("/api/v2/deals", params={"sort_by": "title"}),
            http.get("/api/v2/deals", params={"cursor": "not-a-cursor!"}),
            http.get("/api/v2/deals", params={"updated_since": "yesterday"}),
            http.patch(
                "/api/v2/deals/1",
                content=b"{bad json",
                headers={"content-type": "application/json"},
            ),
            http.patch("/api/v2/deals/1", json=[1, 2]),
        ]
    for response in answers:
        assert response.status_code == 400, response.request.url
        body = response.json()
        assert body["success"] is False and body["error"] and body["data"] is None
        assert body["error_info"] == ERROR_INFO


# --- rate-limit headers and the token ledger ----------------------------------------------------


def test_rate_limit_headers_count_down_and_reset_with_the_window(account: DemoAccount) -> None:
    now = [100.0]
    demo = DemoPipedrive(account, clock=lambda: now[0])
    with client(demo) as http:
        first = http.get("/api/v2/pipelines").headers
        second = http.get("/api/v2/nowhere").headers  # a 404 carries them too
        third = client(demo, None).get("/api/v2/pipelines").headers  # and a 401
        now[0] += 2.5
        later = http.get("/api/v2/pipelines").headers
    assert first["x-ratelimit-limit"] == "40"
    assert [int(h["x-ratelimit-remaining"]) for h in (first, second, third)] == [39, 38, 37]
    assert first["x-ratelimit-reset"] == "2"
    assert later["x-ratelimit-remaining"] == "39"
    for headers in (first, second, third, later):
        assert int(headers["x-daily-ratelimit-token-limit"]) > 0
        assert "x-daily-ratelimit-token-remaining" in headers


def test_each_call_costs_its_operations_tokens(demo: DemoPipedrive) -> None:
    limit = demo.daily_token_limit
    with client(demo) as http:
        a = http.get("/api/v2/deals", params={"limit": 2})
        b = http.get("/api/v2/deals", params={"limit": 2})
        c = http.get("/api/v2/deals/1")
        http.get("/v1/leads")
        http.patch("/api/v2/deals/1", json={"title": "Renamed"})
    assert int(a.headers["x-daily-ratelimit-token-remaining"]) == limit - 10
    assert int(b.headers["x-daily-ratelimit-token-remaining"]) == limit - 20
    assert int(c.headers["x-daily-ratelimit-token-remaining"]) == limit - 21
    assert demo.ledger["getDeals"].calls == 2 and demo.ledger["getDeals"].tokens == 20
    assert demo.ledger["getDeal"].tokens == 1
    assert demo.ledger["getLeads"].tokens == token_cost("GET", "/v1/leads") == 20
    assert demo.ledger["updateDeal"].tokens == token_cost("PATCH", "/api/v2/deals/1") == 5
    assert demo.tokens_used == 20 + 1 + 20 + 5
    assert [r.operation_id for r in demo.requests][-1] == "updateDeal"


def test_a_spent_daily_budget_answers_429(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, daily_token_limit=25)
    with client(demo) as http:
        statuses = [http.get("/api/v2/deals").status_code for _ in range(3)]
        last = http.get("/api/v2/deals")
    assert statuses == [200, 200, 429]
    assert last.headers["x-daily-ratelimit-token-remaining"] == "0"
    assert demo.tokens_used == 20


def test_the_burst_limit_is_enforced_only_when_asked(account: DemoAccount) -> None:
    now = [0.0]
    strict = DemoPipedrive(account, burst_limit=3, enforce_burst_limit=True, clock=lambda: now[0])
    lenient = DemoPipedrive(account, burst_limit=3, clock=lambda: now[0])
    with client(strict) as a, client(lenient) as b:
        assert [a.get("/v1/leadSources").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert [b.get("/v1/leadSources").status_code for _ in range(4)] == [200] * 4
        now[0] += 2
        assert a.get("/v1/leadSources").status_code == 200


def test_requests_are_recorded_for_tests(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        http.put("/v1/mailbox/mailThreads/1", data={"read_flag": "1"})
        http.get("/api/v2/deals", params={"limit": "5", "owner_id": "101"})
    put, get = demo.requests
    assert (put.method, put.path, put.body, put.status) == (
        "PUT",
        "/v1/mailbox/mailThreads/1",
        {"read_flag": "1"},
        200,
    )
    assert put.content_type.startswith("application/x-www-form-urlencoded")
    assert get.params == {"limit": "5", "owner_id": "101"}
    assert get.operation_id == "getDeals"


# --- pagination ---------------------------------------------------------------------------------


def cursor_pages(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = http.get(path, params=query).json()
        pages.append(body)
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return pages


def test_cursor_pages_first_middle_and_last(demo: DemoPipedrive, account: DemoAccount) -> None:
    expected = listed(account)
    with client(demo) as http:
        pages = cursor_pages(http, "/api/v2/deals", limit=300)
        default = http.get("/api/v2/deals").json()
    sizes = [len(page["data"]) for page in pages]
    assert len(pages) == math.ceil(len(expected) / 300) >= 3
    assert sizes[:-1] == [300] * (len(pages) - 1)
    assert [d["id"] for page in pages for d in page["data"]] == expected
    assert all(isinstance(p["additional_data"]["next_cursor"], str) for p in pages[:-1])
    assert pages[-1]["additional_data"]["next_cursor"] is None
    assert len(default["data"]) == 100


def test_cursor_paging_in_update_time_order(demo: DemoPipedrive, account: DemoAccount) -> None:
    with client(demo) as http:
        pages = cursor_pages(
            http, "/api/v2/deals", limit=250, sort_by="update_time", sort_direction="desc"
        )
    deals = [d for page in pages for d in page["data"]]
    keys = [(d["update_time"], d["id"]) for d in deals]
    assert keys == sorted(keys, reverse=True)
    assert sorted(d["id"] for d in deals) == listed(account)


def test_a_cursor_belongs_to_its_sort_order(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        cursor = http.get("/api/v2/deals", params={"limit": 5}).json()["additional_data"]
        response = http.get(
            "/api/v2/deals", params={"cursor": cursor["next_cursor"], "sort_direction": "desc"}
        )
    assert response.status_code == 400


def test_v2_limits(demo: DemoPipedrive) -> None:
    with client(demo) as http:
        assert http.get("/api/v2/deals", params={"limit": 500}).status_code == 200
        too_big = http.get("/api/v2/deals", params={"limit": 501})
        assert http.get("/api/v2/deals", params={"limit": 0}).status_code == 400
        search_ok = http.get("/api/v2/itemSearch", params={"term": "ac", "limit": 100})
        search_big = http.get("/api/v2/itemSearch", params={"term": "ac", "limit": 101})
        fields_big = http.get("/api/v2/dealFields", params={"limit": 600})
    assert too_big.status_code == 400 and "500" in too_big.json()["error"]
    assert search_ok.status_code == 200
    assert search_big.status_code == 400 and "100" in search_big.json()["error"]
    assert fields_big.status_code == 400


def test_offset_pages_of_leads(demo: DemoPipedrive, account: DemoAccount) -> None:
    open_leads = [lead for lead in account.leads if not lead["is_archived"]]
    with client(demo) as http:
        first = http.get("/v1/leads", params={"limit": 50}).json()
        middle = http.get("/v1/leads", params={"start": 50, "limit": 50}).json()
        last = http.get("/v1/leads", params={"start": len(open_leads) - 10, "limit": 50}).json()
        capped = http.get("/v1/leads", params={"limit": 5000}).json()
    assert first["additional_data"]["pagination"] == {
        "start": 0,
        "limit": 50,
        "more_items_in_collection": True,
        "next_start": 50,
    }
    # the schema of getLeads declares the keys flat: both are sent
    assert first["additional_data"]["more_items_in_collection"] is True
    assert middle["additional_data"]["pagination"]["next_start"] == 100
    assert len(last["data"]) == 10
    assert last["additional_data"]["pagination"]["more_items_in_collection"] is False
    assert "next_start" not in last["additional_data"]["pagination"]
    assert capped["additional_data"]["pagination"]["limit"] == 500
    ids = [lead["id"] for lead in first["data"] + middle["data"]]
    assert len(set(ids)) == 100


def test_notes_page_with_nested_pagination_only(demo: DemoPipedrive, account: DemoAccount) -> None:
    with client(demo) as http:
        body = http.get("/v1/notes", params={"limit": 7, "start": 7}).json()
    assert body["additional_data"] == {
        "pagination": {
            "start": 7,
            "limit": 7,
            "more_items_in_collection": len(account.notes) > 14,
            "next_start": 14,
        }
    }
    assert [n["id"] for n in body["data"]] == sorted(n["id"] for n in account.notes)[7:14]
