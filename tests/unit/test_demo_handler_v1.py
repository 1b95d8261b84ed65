"""The demo's v1 routes: leads and labels, mailbox, filters, lookups, notes and deal sub-lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pipedrive_tui.demo.generator import DemoAccount

LEAD_NOT_FOUND = {
    "success": False,
    "error": "requested lead not found",
    "error_info": "Object was not found.",
    "data": None,
    "additional_data": None,
}


def every_lead(http: httpx.Client, path: str = "/v1/leads", **params: Any) -> list[dict[str, Any]]:
    return list(http.get(path, params={"limit": 500, **params}).json()["data"])


def open_leads(account: DemoAccount) -> list[dict[str, Any]]:
    return [lead for lead in account.leads if not lead["is_archived"]]


# --- leads --------------------------------------------------------------------------------------


def test_leads_and_archived_leads(http: httpx.Client, account: DemoAccount) -> None:
    listed = every_lead(http)
    archived = every_lead(http, "/v1/leads/archived")
    assert {lead["id"] for lead in listed} == {lead["id"] for lead in open_leads(account)}
    assert {lead["id"] for lead in archived} == {
        lead["id"] for lead in account.leads if lead["is_archived"]
    }
    assert [lead["add_time"] for lead in listed] == sorted(lead["add_time"] for lead in listed)


def test_lead_filters_and_sort(http: httpx.Client, account: DemoAccount) -> None:
    mine = every_lead(http, owner_id=101)
    assert mine and {lead["owner_id"] for lead in mine} == {101}
    assert len(mine) == sum(1 for lead in open_leads(account) if lead["owner_id"] == 101)
    titles = [lead["title"] for lead in every_lead(http, sort="title DESC")]
    assert titles == sorted(titles, reverse=True)
    two_keys = every_lead(http, sort="owner_id ASC, add_time DESC")
    keys = [(lead["owner_id"], lead["add_time"]) for lead in two_keys]
    assert keys == sorted(keys, key=lambda k: (k[0], [-ord(c) for c in k[1]]))
    assert http.get("/v1/leads", params={"sort": "colour ASC"}).status_code == 400
    assert http.get("/v1/leads", params={"sort": "title UP"}).status_code == 400


def test_lead_saved_filters(http: httpx.Client, account: DemoAccount) -> None:
    def amount(lead: dict[str, Any]) -> float | None:
        return lead["value"]["amount"] if lead["value"] else None

    pilot = {
        lead["id"]
        for lead in open_leads(account)
        if lead["owner_id"] == 101
        and ("pilot" in lead["title"].lower() or (amount(lead) or 0) > 5000)
    }
    no_value = {
        lead["id"]
        for lead in open_leads(account)
        if lead["value"] is None
        and (lead["expected_close_date"] is None or lead["expected_close_date"] < "2026-12-01")
    }
    assert pilot and no_value
    assert {lead["id"] for lead in every_lead(http, filter_id=9)} == pilot
    # filter_id takes precedence over owner_id
    assert {lead["id"] for lead in every_lead(http, filter_id=10, owner_id=999)} == no_value
    assert http.get("/v1/leads", params={"filter_id": 1}).status_code == 400
    assert http.get("/v1/leads", params={"filter_id": 777}).status_code == 404


def test_patching_a_lead(http: httpx.Client, account: DemoAccount) -> None:
    lead = open_leads(account)[0]
    label = account.lead_labels[2]["id"]
    url = f"/v1/leads/{lead['id']}"
    body = {
        "title": "Renamed lead",
        "owner_id": 103,
        "label_ids": [label],
        "value": {"amount": 1500, "currency": "EUR"},
        "was_seen": True,
    }
    data = http.patch(url, json=body).json()["data"]
    assert {key: data[key] for key in body} == body
    assert data["update_time"] > lead["update_time"]
    assert http.get(url).json()["data"] == data
    assert http.patch(url, json={"value": None}).json()["data"]["value"] is None
    for bad in (
        {"label_ids": ["00000000-0000-4000-8000-000000000000"]},
        {"value": {"amount": 10}},
        {"value": {"amount": "10", "currency": "EUR"}},
        {"owner_id": 1},
        {"was_seen": "yes"},
        {"person_id": None, "organization_id": None},
        {"colour": "red"},
    ):
        assert http.patch(url, json=bad).status_code == 400, bad
    missing = http.patch("/v1/leads/00000000-0000-4000-8000-000000000000", json={"title": "x"})
    assert (missing.status_code, missing.json()) == (404, LEAD_NOT_FOUND)


def test_archiving_a_lead_moves_it(http: httpx.Client, account: DemoAccount) -> None:
    lead_id = open_leads(account)[3]["id"]
    url = f"/v1/leads/{lead_id}"
    assert http.patch(url, json={"is_archived": True}).json()["data"]["is_archived"] is True
    assert lead_id in {lead["id"] for lead in every_lead(http, "/v1/leads/archived")}
    assert lead_id not in {lead["id"] for lead in every_lead(http)}
    assert http.patch(url, json={"title": "Edit while archived"}).status_code == 400
    assert http.patch(url, json={"is_archived": False}).status_code == 200
    assert lead_id in {lead["id"] for lead in every_lead(http)}


# --- lead labels, sources, fields ---------------------------------------------------------------


def test_lead_labels_add_update_delete(http: httpx.Client, account: DemoAccount) -> None:
    added = http.post("/v1/leadLabels", json={"name": "Trade fair", "color": "brown"})
    assert added.status_code == 200
    label = added.json()["data"]
    assert (label["name"], label["color"]) == ("Trade fair", "brown")
    assert label["id"] in {x["id"] for x in http.get("/v1/leadLabels").json()["data"]}
    renamed = http.patch(f"/v1/leadLabels/{label['id']}", json={"name": "Fair"}).json()["data"]
    assert (renamed["name"], renamed["color"]) == ("Fair", "brown")
    for bad in ({"name": "x", "color": "teal"}, {"color": "red"}, {"name": "", "color": "red"}):
        assert http.post("/v1/leadLabels", json=bad).status_code == 400, bad
    assert http.patch(f"/v1/leadLabels/{label['id']}", json={"color": "cyan"}).status_code == 400
    # deleting a used label takes it off every lead
    used = next(lead for lead in account.leads if lead["label_ids"])
    gone = used["label_ids"][0]
    assert http.delete(f"/v1/leadLabels/{gone}").json() == {"success": True, "data": {"id": gone}}
    assert gone not in http.get(f"/v1/leads/{used['id']}").json()["data"]["label_ids"]
    missing = http.delete(f"/v1/leadLabels/{gone}")
    assert missing.status_code == 404 and missing.json()["error_info"] == "Object was not found."


def test_lead_sources_and_fields(http: httpx.Client, account: DemoAccount) -> None:
    sources = http.get("/v1/leadSources").json()["data"]
    assert len(sources) == 10 and {"name": "API"} in sources
    fields = http.get("/v1/leadFields", params={"limit": 5}).json()
    assert [f["key"] for f in fields["data"]] == [f["key"] for f in account.lead_fields[:5]]
    assert fields["additional_data"]["more_items_in_collection"] is True
    assert fields["additional_data"]["pagination"]["next_start"] == 5


# --- mailbox ------------------------------------------------------------------------------------


def test_threads_by_folder_newest_first(http: httpx.Client, account: DemoAccount) -> None:
    inbox = http.get("/v1/mailbox/mailThreads", params={"folder": "inbox", "limit": 500}).json()
    threads = inbox["data"]
    expected = [
        t for t in account.mail_threads if "inbox" in t["folders"] and not t["deleted_flag"]
    ]
    assert threads and len(threads) == len(expected)
    stamps = [t["last_message_timestamp"] for t in threads]
    assert stamps == sorted(stamps, reverse=True)
    assert http.get("/v1/mailbox/mailThreads").status_code == 400
    assert http.get("/v1/mailbox/mailThreads", params={"folder": "spam"}).status_code == 400


def test_messages_and_bodies(http: httpx.Client, account: DemoAccount) -> None:
    thread = account.mail_threads[0]
    messages = http.get(f"/v1/mailbox/mailThreads/{thread['id']}/mailMessages").json()["data"]
    assert messages and all(m["mail_thread_id"] == thread["id"] for m in messages)
    assert all("body" not in m for m in messages)
    first = messages[0]["id"]
    plain = http.get(f"/v1/mailbox/mailMessages/{first}").json()
    full = http.get(f"/v1/mailbox/mailMessages/{first}", params={"include_body": 1}).json()
    assert "body" not in plain["data"]
    original = next(m for m in account.mail_messages if m["id"] == first)
    assert full["data"]["body"] == original["body"]
    assert (full["statusCode"], full["statusText"], full["service"]) == (
        2000,
        "Success",
        "email-api",
    )
    assert http.get(f"/v1/mailbox/mailMessages/{first}?include_body=2").status_code == 400
    assert http.get("/v1/mailbox/mailMessages/9999999").status_code == 404


def test_updating_a_thread_with_a_form(http: httpx.Client, account: DemoAccount) -> None:
    thread = next(
        t for t in account.mail_threads if t["folders"] == ["inbox"] and not t["read_flag"]
    )
    deal = account.deals[10]
    url = f"/v1/mailbox/mailThreads/{thread['id']}"
    data = http.put(url, data={"read_flag": "1", "deal_id": str(deal["id"])}).json()["data"]
    assert (data["read_flag"], data["deal_id"], data["deal_status"]) == (
        1,
        deal["id"],
        deal["status"],
    )
    archived = http.put(url, data={"archived_flag": "1"}).json()["data"]
    assert archived["archived_flag"] == 1 and archived["folders"] == ["archive"]
    folder = {"limit": 500}
    inbox = http.get("/v1/mailbox/mailThreads", params={**folder, "folder": "inbox"}).json()
    archive = http.get("/v1/mailbox/mailThreads", params={**folder, "folder": "archive"}).json()
    assert thread["id"] not in {t["id"] for t in inbox["data"]}
    assert thread["id"] in {t["id"] for t in archive["data"]}
    assert http.get(url).json()["data"]["read_flag"] == 1
    assert http.put(url, data={"read_flag": "2"}).status_code == 400
    assert http.put(url, data={"deal_id": "99999999"}).status_code == 400
    assert http.put(url, data={"starred": "1"}).status_code == 400


def test_a_deals_mail_is_wrapped(http: httpx.Client, account: DemoAccount) -> None:
    thread = next(t for t in account.mail_threads if t.get("deal_id"))
    items = http.get(f"/v1/deals/{thread['deal_id']}/mailMessages").json()["data"]
    assert items and all(item["object"] == "mailMessage" for item in items)
    assert thread["id"] in {item["data"]["mail_thread_id"] for item in items}
    assert all(len(item["timestamp"]) == 19 and "body" not in item["data"] for item in items)


# --- filters ------------------------------------------------------------------------------------


def conditions(*and_lines: dict[str, Any], or_lines: tuple[dict[str, Any], ...] = ()) -> Any:
    return {
        "glue": "and",
        "conditions": [
            {"glue": "and", "conditions": list(and_lines)},
            {"glue": "or", "conditions": list(or_lines)},
        ],
    }


def line(field_id: str, operator: str, value: Any = None, obj: str = "deal") -> dict[str, Any]:
    return {"object": obj, "field_id": field_id, "operator": operator, "value": value}


def test_listing_and_reading_filters(http: httpx.Client, account: DemoAccount) -> None:
    deals = http.get("/v1/filters", params={"type": "deals"}).json()["data"]
    assert deals and {f["type"] for f in deals} == {"deals"} and "conditions" not in deals[0]
    assert len(http.get("/v1/filters").json()["data"]) == len(account.filters)
    assert http.get("/v1/filters", params={"type": "nope"}).status_code == 400
    plain = http.get("/v1/filters/2").json()["data"]["conditions"]
    coded = http.get("/v1/filters/2", params={"include_field_code": "true"}).json()["data"]
    assert plain["glue"] == "and" and [g["glue"] for g in plain["conditions"]] == ["and", "or"]
    assert "field_code" not in plain["conditions"][0]["conditions"][0]
    codes = [c["field_code"] for c in coded["conditions"]["conditions"][0]["conditions"]]
    assert codes == ["pipeline_id", "value"]
    helpers = http.get("/v1/filters/helpers").json()["data"]
    assert helpers["operators"]["varchar"]["LIKE '%$%'"] == "contains"


def test_a_new_filter_works_on_deals(http: httpx.Client, account: DemoAccount) -> None:
    body = {
        "name": "Won in Partnerships",
        "type": "deals",
        "conditions": conditions(line("10", "=", "won"), line("8", "=", 2)),
    }
    added = http.post("/v1/filters", json=body)
    assert added.status_code == 200
    saved = added.json()["data"]
    assert saved["conditions"]["conditions"][0]["conditions"][1]["value"] == "2"
    found = http.get("/api/v2/deals", params={"filter_id": saved["id"], "limit": 500}).json()
    expected = sorted(
        d["id"]
        for d in account.deals
        if d["status"] == "won" and d["pipeline_id"] == 2 and not d["is_archived"]
    )
    assert [d["id"] for d in found["data"]] == expected
    updated = http.put(
        f"/v1/filters/{saved['id']}",
        json={"name": "Lost", "conditions": conditions(line("10", "=", "lost"))},
    ).json()["data"]
    assert updated["name"] == "Lost"
    lost = http.get("/api/v2/deals", params={"filter_id": saved["id"], "limit": 500}).json()
    assert {d["status"] for d in lost["data"]} == {"lost"}
    assert http.delete(f"/v1/filters/{saved['id']}").json()["data"] == {"id": saved["id"]}
    assert http.get(f"/v1/filters/{saved['id']}").status_code == 404
    assert http.get("/api/v2/deals", params={"filter_id": saved["id"]}).status_code == 404


@pytest.mark.parametrize(
    "tree",
    [
        {"glue": "or", "conditions": conditions()["conditions"]},
        {"glue": "and", "conditions": [{"glue": "and", "conditions": []}]},
        {"glue": "and", "conditions": [{"glue": "and", "conditions": []}] * 2},
        conditions(*[line("10", "=", "open")] * 17),
        conditions(line("10", "~", "open")),
        conditions(line("9999", "=", "open")),
        conditions(line("10", "=", None)),
        conditions(line("2", "=", "x", obj="spaceship")),
        "glue=and",
    ],
)
def test_filter_writes_follow_the_spec_rules(http: httpx.Client, tree: Any) -> None:
    response = http.post("/v1/filters", json={"name": "Bad", "type": "deals", "conditions": tree})
    assert response.status_code == 400
    assert response.json()["success"] is False


def test_filter_writes_need_their_properties(http: httpx.Client) -> None:
    good = conditions(line("10", "IS NOT NULL"))
    assert http.post("/v1/filters", json={"name": "x", "conditions": good}).status_code == 400
    assert (
        http.post("/v1/filters", json={"name": "x", "type": "x", "conditions": good}).status_code
        == 400
    )
    assert http.put("/v1/filters/1", json={"name": "only a name"}).status_code == 400
    assert http.put("/v1/filters/4040", json={"conditions": good}).status_code == 404


# --- users, lookups, notes, flow ----------------------------------------------------------------


def test_users_and_lookups(http: httpx.Client, account: DemoAccount) -> None:
    users = http.get("/v1/users").json()["data"]
    assert [u["id"] for u in users] == [u["id"] for u in account.users]
    assert [u["is_you"] for u in users].count(True) == 1
    me = http.get("/v1/users/me").json()["data"]
    assert me["id"] == account.me_id and me["company_domain"] == account.company["domain"]
    euros = http.get("/v1/currencies", params={"term": "eur"}).json()["data"]
    assert [c["code"] for c in euros] == ["EUR"]
    assert http.get("/v1/activityTypes").json()["data"] == account.activity_types


def test_notes_by_record_and_sorted(http: httpx.Client, account: DemoAccount) -> None:
    deal_id = next(n["deal_id"] for n in account.notes if n.get("deal_id"))
    notes = http.get("/v1/notes", params={"deal_id": deal_id, "sort": "add_time DESC"}).json()
    expected = [n for n in account.notes if n.get("deal_id") == deal_id]
    assert len(notes["data"]) == len(expected)
    stamps = [n["add_time"] for n in notes["data"]]
    assert stamps == sorted(stamps, reverse=True)
    lead_id = next(n["lead_id"] for n in account.notes if n.get("lead_id"))
    by_lead = http.get("/v1/notes", params={"lead_id": lead_id}).json()["data"]
    assert by_lead and {n["lead_id"] for n in by_lead} == {lead_id}


def test_flow_and_participants(http: httpx.Client, account: DemoAccount) -> None:
    deal_id = next(k for k, v in account.deal_flow.items() if len(v) > 3)
    flow = http.get(f"/v1/deals/{deal_id}/flow", params={"limit": 2}).json()
    assert flow["data"] == account.deal_flow[deal_id][:2]
    assert flow["additional_data"]["more_items_in_collection"] is True
    notes_only = http.get(f"/v1/deals/{deal_id}/flow", params={"items": "note"}).json()["data"]
    assert {item["object"] for item in notes_only} <= {"note"}
    people = http.get(f"/v1/deals/{deal_id}/participants").json()["data"]
    assert people == account.deal_participants.get(deal_id, [])
    assert http.get("/v1/deals/9999999/flow").status_code == 404
    assert http.get("/v1/deals/9999999/participants").status_code == 404
