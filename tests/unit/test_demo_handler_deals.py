"""The demo's v2 deals: filters, saved filters, sorting, archived deals and ``PATCH``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pipedrive_tui.demo.generator import DemoAccount

Deal = dict[str, Any]


def all_ids(http: httpx.Client, path: str = "/api/v2/deals", **params: Any) -> list[int]:
    ids, cursor = [], None
    while True:
        query = {"limit": 500, **params, **({"cursor": cursor} if cursor else {})}
        response = http.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [d["id"] for d in body["data"]]
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return ids


def active(account: DemoAccount) -> list[Deal]:
    return [d for d in account.deals if not d["is_archived"] and not d["is_deleted"]]


def custom_key(account: DemoAccount, field_id: int) -> str:
    return next(f["field_code"] for f in account.deal_fields if f["id"] == field_id)


# --- list filters -------------------------------------------------------------------------------


SINCE = "2026-10-01T00:00:00Z"


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"owner_id": 106}, lambda d: d["owner_id"] == 106),
        ({"stage_id": 3}, lambda d: d["stage_id"] == 3),
        ({"pipeline_id": 2}, lambda d: d["pipeline_id"] == 2),
        ({"person_id": 36}, lambda d: d.get("person_id") == 36),
        ({"org_id": 44}, lambda d: d.get("org_id") == 44),
        ({"status": "won,lost"}, lambda d: d["status"] in ("won", "lost")),
        (
            {"status": "open", "owner_id": 101},
            lambda d: d["status"] == "open" and d["owner_id"] == 101,
        ),
        ({"ids": "5,3,1,999999"}, lambda d: d["id"] in (1, 3, 5)),
        ({"updated_since": SINCE}, lambda d: d["update_time"] >= SINCE),
        (
            {"updated_since": "2026-06-01T00:00:00+02:00", "updated_until": "2026-07-01T00:00:00Z"},
            lambda d: "2026-05-31T22:00:00Z" <= d["update_time"] < "2026-07-01T00:00:00Z",
        ),
    ],
)
def test_list_filters(
    http: httpx.Client, account: DemoAccount, params: dict[str, Any], keep: Callable[[Deal], bool]
) -> None:
    expected = sorted(d["id"] for d in active(account) if keep(d))
    assert expected, "the filter should match something in the demo account"
    assert all_ids(http, **params) == expected


def test_sort_by_add_time_ascending(http: httpx.Client, account: DemoAccount) -> None:
    body = http.get("/api/v2/deals", params={"sort_by": "add_time", "limit": 50}).json()
    expected = sorted(active(account), key=lambda d: (d["add_time"], d["id"]))[:50]
    assert [d["id"] for d in body["data"]] == [d["id"] for d in expected]


def test_archived_deals_have_their_own_endpoint(http: httpx.Client, account: DemoAccount) -> None:
    archived = sorted(d["id"] for d in account.deals if d["is_archived"])
    assert archived
    assert all_ids(http, "/api/v2/deals/archived") == archived
    assert not set(archived) & set(all_ids(http))
    assert http.get(f"/api/v2/deals/{archived[0]}").json()["data"]["is_archived"] is True


def test_deleted_deals_only_with_status_deleted(http: httpx.Client) -> None:
    assert http.patch("/api/v2/deals/7", json={"is_deleted": True}).status_code == 200
    assert 7 not in all_ids(http)
    assert all_ids(http, status="deleted") == [7]
    assert 7 in all_ids(http, status="open,won,lost,deleted")


def test_custom_fields_and_include_fields(http: httpx.Client, account: DemoAccount) -> None:
    contract, priority = custom_key(account, 51), custom_key(account, 60)
    body = http.get(
        "/api/v2/deals/1",
        params={
            "custom_fields": f"{contract},{priority}",
            "include_fields": "notes_count,participants_count",
            "include_option_labels": "true",
        },
    ).json()["data"]
    assert set(body["custom_fields"]) <= {contract, priority}
    option = account.deals[0]["custom_fields"][priority]
    field = next(f for f in account.deal_fields if f["id"] == 60)
    label = next(o["label"] for o in field["options"] if o["id"] == option)
    assert body["custom_fields"][priority] == {"id": option, "label": label}
    notes = [n for n in account.notes if n.get("deal_id") == 1]
    assert body["notes_count"] == len(notes)
    assert body["participants_count"] == len(account.deal_participants.get(1, []))
    too_many = ",".join(f"{i:040x}" for i in range(16))
    assert http.get("/api/v2/deals", params={"custom_fields": too_many}).status_code == 400
    assert http.get("/api/v2/deals", params={"include_fields": "bogus"}).status_code == 400


# --- saved filters ------------------------------------------------------------------------------


def saved_filter_expectations(account: DemoAccount) -> dict[int, Callable[[Deal], bool]]:
    """The saved deal filters of the generator, written out by hand (see saved_filters.py)."""
    contract, discount, priority = (custom_key(account, i) for i in (51, 54, 60))

    def custom(d: Deal, key: str) -> Any:
        return d["custom_fields"].get(key)

    return {
        1: lambda d: d["status"] == "open" and d["owner_id"] == 101,
        2: lambda d: d["pipeline_id"] == 1 and d["value"] >= 50000 and d["stage_id"] in (4, 5),
        3: lambda d: "2026-10-01" <= d.get("expected_close_date", "") <= "2026-12-31"
        and d["status"] == "open",
        4: lambda d: d["status"] in ("won", "lost"),
        5: lambda d: "renewal" in d["title"].lower()
        and (d["title"].lower().startswith("acme") or d["value"] < 1000),
        6: lambda d: custom(d, priority) == 104
        and d.get("org_id") is None
        and (d["owner_id"] != 106 or d["value"] > 10000),
        7: lambda d: d.get("expected_close_date") is None and d["status"] != "lost",
        8: lambda d: custom(d, contract) is not None and custom(d, priority) in (103, 104),
        11: lambda d: d["owner_id"] == 106
        and d["status"] != "won"
        and (d["add_time"][:10] <= "2025-06-30" or (custom(d, discount) or 0) > 20),
    }  # fmt: skip


def test_saved_filters_select_what_their_conditions_say(
    http: httpx.Client, account: DemoAccount
) -> None:
    matched = 0
    for filter_id, keep in saved_filter_expectations(account).items():
        expected = sorted(d["id"] for d in active(account) if keep(d))
        assert all_ids(http, filter_id=filter_id) == expected, filter_id
        matched += bool(expected)
    assert matched >= 7  # the filters are not vacuous


def test_filter_id_ignores_the_other_filters(http: httpx.Client) -> None:
    assert all_ids(http, filter_id=4, owner_id=101, stage_id=1) == all_ids(http, filter_id=4)


def test_unknown_or_wrong_type_filter(http: httpx.Client) -> None:
    missing = http.get("/api/v2/deals", params={"filter_id": 4242})
    leads_filter = http.get("/api/v2/deals", params={"filter_id": 9})
    assert missing.status_code == 404 and missing.json()["success"] is False
    assert leads_filter.status_code == 400


# --- PATCH /deals/{id} --------------------------------------------------------------------------


def test_moving_a_deal_to_another_pipelines_stage(http: httpx.Client, account: DemoAccount) -> None:
    deal = next(d for d in active(account) if d["pipeline_id"] == 1 and d["status"] == "open")
    stage = next(s for s in account.stages if s["pipeline_id"] == 2)
    before = copy.deepcopy(deal)
    changed = http.patch(f"/api/v2/deals/{deal['id']}", json={"stage_id": stage["id"]}).json()
    data = changed["data"]
    assert (data["stage_id"], data["pipeline_id"]) == (stage["id"], 2)
    assert data["update_time"] >= "2026-11-20T09:00:00Z" > deal["update_time"]
    assert data["stage_change_time"] == data["update_time"]
    assert http.get(f"/api/v2/deals/{deal['id']}").json()["data"] == data
    assert deal["id"] in all_ids(http, stage_id=stage["id"])
    assert deal["id"] not in all_ids(http, stage_id=deal["stage_id"])
    assert deal == before  # the generated account is never changed
    flow = http.get(f"/v1/deals/{deal['id']}/flow").json()["data"]
    first = flow[0]["data"]
    assert flow[0]["object"] == "dealChange"
    assert (first["field_key"], first["new_value"]) in {
        ("stage_id", stage["id"]),
        ("pipeline_id", 2),
    }


def test_a_pipeline_move_lands_in_its_first_stage(http: httpx.Client, account: DemoAccount) -> None:
    deal = next(d for d in active(account) if d["pipeline_id"] == 1)
    first = min((s for s in account.stages if s["pipeline_id"] == 2), key=lambda s: s["order_nr"])
    data = http.patch(f"/api/v2/deals/{deal['id']}", json={"pipeline_id": 2}).json()["data"]
    assert data["stage_id"] == first["id"]
    mismatch = http.patch(
        f"/api/v2/deals/{deal['id']}", json={"pipeline_id": 1, "stage_id": first["id"]}
    )
    assert mismatch.status_code == 400


def test_won_lost_and_reopened(http: httpx.Client, account: DemoAccount) -> None:
    deal_id = next(d["id"] for d in active(account) if d["status"] == "open")
    url = f"/api/v2/deals/{deal_id}"
    won = http.patch(url, json={"status": "won"}).json()["data"]
    assert won["status"] == "won" and won["won_time"] == won["close_time"]
    assert "lost_time" not in won and won["lost_reason"] is None
    assert http.patch(url, json={"lost_reason": "Price"}).status_code == 400
    lost = http.patch(url, json={"status": "lost", "lost_reason": "Price"}).json()["data"]
    assert (lost["status"], lost["lost_reason"]) == ("lost", "Price")
    assert "won_time" not in lost and lost["lost_time"]
    reopened = http.patch(url, json={"status": "open"}).json()["data"]
    assert reopened["close_time"] is None and reopened["lost_reason"] is None
    assert "won_time" not in reopened and "lost_time" not in reopened
    assert http.patch(url, json={"status": "deleted"}).status_code == 400


def test_plain_properties(http: httpx.Client) -> None:
    body = {
        "title": "Bigger deal",
        "value": 1234.5,
        "currency": "EUR",
        "owner_id": 104,
        "expected_close_date": "2027-01-31",
    }
    data = http.patch("/api/v2/deals/1", json=body).json()["data"]
    assert {key: data[key] for key in body} == body
    for bad in (
        {"title": ""},
        {"value": "12"},
        {"currency": "XXX"},
        {"owner_id": 999},
        {"person_id": 10**7},
        {"expected_close_date": "31.01.2027"},
        {"label_ids": [99]},
        {"add_time": "2020-01-01T00:00:00Z"},
    ):
        assert http.patch("/api/v2/deals/1", json=bad).status_code == 400, bad


def test_custom_fields_merge_and_clear(http: httpx.Client, account: DemoAccount) -> None:
    contract, priority, products = (custom_key(account, i) for i in (51, 60, 61))
    deal = next(d for d in active(account) if contract in d["custom_fields"])
    url = f"/api/v2/deals/{deal['id']}"
    changed = http.patch(url, json={"custom_fields": {priority: 101, contract: None}})
    custom = changed.json()["data"]["custom_fields"]
    assert custom[priority] == 101 and contract not in custom
    untouched = {k: v for k, v in deal["custom_fields"].items() if k not in (priority, contract)}
    assert {k: custom[k] for k in untouched} == untouched
    for bad in ({products: []}, {priority: 99}, {"0" * 40: "x"}, {products: ["111"]}):
        assert http.patch(url, json={"custom_fields": bad}).status_code == 400, bad


def test_archived_deals_are_read_only_until_unarchived(
    http: httpx.Client, account: DemoAccount
) -> None:
    archived = next(d for d in account.deals if d["is_archived"])
    url = f"/api/v2/deals/{archived['id']}"
    refused = http.patch(url, json={"title": "Nope"})
    assert refused.status_code == 400 and "rchived" in refused.json()["error"]
    assert http.patch(url, json={"is_archived": False}).json()["data"]["is_archived"] is False
    assert archived["id"] in all_ids(http)
    assert archived["id"] not in all_ids(http, "/api/v2/deals/archived")
    # and archiving works the other way
    data = http.patch("/api/v2/deals/2", json={"is_archived": True}).json()["data"]
    assert data["is_archived"] is True and data["archive_time"]
    assert 2 in all_ids(http, "/api/v2/deals/archived")
