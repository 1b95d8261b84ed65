"""The demo account generator: determinism, counts, coverage of the edge cases, model parsing."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from pipedrive_tui.api import models as m
from pipedrive_tui.demo.generator import DemoAccount, generate

HEX40 = re.compile(r"^[0-9a-f]{40}$")
V2_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
V1_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
MS_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
FIELD_TYPES = {
    "varchar", "varchar_auto", "text", "double", "monetary", "date", "daterange", "time",
    "timerange", "enum", "set", "user", "org", "people", "phone", "address", "visible_to", "int",
    "boolean",
}  # fmt: skip
OPERATORS = {"=", "!=", "<", ">", "<=", ">=", "IS NULL", "IS NOT NULL", "LIKE '%$%'", "LIKE '$%'"}
SPEC_LEAD_SOURCES = [
    "Manually created", "Deal", "Web forms", "Prospector", "Leadbooster", "Live chat", "Import",
    "Website visitors", "Workflow automation", "API",
]  # fmt: skip
LABEL_COLORS = {
    "blue", "brown", "dark-gray", "gray", "green", "orange", "pink", "purple", "red", "yellow",
}  # fmt: skip


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    """The default account: seed 7, 1,000 deals (built once for the module)."""
    return generate()


def _custom_deal_fields(account: DemoAccount) -> list[dict[str, Any]]:
    return [f for f in account.deal_fields if f["is_custom_field"]]


def _field(account: DemoAccount, name: str) -> dict[str, Any]:
    return next(f for f in account.deal_fields if f["field_name"] == name)


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_an_identical_account() -> None:
    first, second = generate(3, 300), generate(3, 300)
    assert first == second
    assert json.dumps(first.__dict__, default=str) == json.dumps(second.__dict__, default=str)


def test_different_seeds_give_different_accounts() -> None:
    first, second = generate(1, 200), generate(2, 200)
    assert first.deals != second.deals
    assert first.leads[0]["id"] != second.leads[0]["id"]
    assert [f["field_code"] for f in _custom_deal_fields(first)] != [
        f["field_code"] for f in _custom_deal_fields(second)
    ]


def test_now_is_fixed_and_no_record_is_in_its_future(account: DemoAccount) -> None:
    assert account.now == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    now_v2 = "2026-11-20T09:00:00Z"
    for deal in account.deals:
        assert deal["add_time"] <= deal["update_time"] <= now_v2
        assert deal["stage_change_time"] <= deal["update_time"]
    assert all(lead["update_time"] <= "2026-11-20T09:00:00.000Z" for lead in account.leads)


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        generate(7, 0)


@pytest.mark.parametrize("size", [1, 2, 5, 41])
def test_tiny_accounts_build(size: int) -> None:
    small = generate(5, size)
    assert [d["id"] for d in small.deals] == list(range(1, size + 1))
    assert set(small.deal_flow) == set(small.deal_participants) == set(range(1, size + 1))
    assert all(t.get("deal_id") is None or t["deal_id"] <= size for t in small.mail_threads)


def test_the_account_is_plain_json(account: DemoAccount) -> None:
    for name, value in account.__dict__.items():
        if name != "now":
            json.dumps(value)


# --- counts and scaling -----------------------------------------------------------------------


def test_counts(account: DemoAccount) -> None:
    assert account.size == len(account.deals) == 1000
    assert len(account.persons) == 300
    assert len(account.organizations) == 120
    assert len(account.leads) == 200
    assert len(account.mail_threads) == 200
    assert len(account.mail_messages) > 300
    assert len(account.users) == 6
    assert len(account.filters) >= 8
    assert account.company == {"id": 5501, "name": "Northwind Demo Ltd", "domain": "northwind-demo"}
    assert account.me_id in {u["id"] for u in account.users}
    assert [u["id"] for u in account.users if u["is_you"]] == [account.me_id]


def test_contacts_scale_sublinearly_and_the_rest_not_at_all(account: DemoAccount) -> None:
    bigger = generate(7, 4000)
    assert len(bigger.persons) == 600 and len(bigger.organizations) == 240
    for name in ("leads", "mail_threads", "notes", "filters", "users", "lead_labels"):
        assert len(getattr(bigger, name)) == len(getattr(account, name)), name


def test_lookups(account: DemoAccount) -> None:
    assert sum(not u["active_flag"] for u in account.users) == 1
    codes = {c["code"]: c for c in account.currencies}
    assert {"USD", "EUR", "GBP", "JPY", "SEK"} <= set(codes)
    assert codes["JPY"]["decimal_points"] == 0
    assert len(account.pipelines) == 3
    for pipeline in account.pipelines:
        stages = [s for s in account.stages if s["pipeline_id"] == pipeline["id"]]
        assert 4 <= len(stages) <= 7
    rotting = [s for s in account.stages if s["is_deal_rot_enabled"]]
    assert rotting and all(s["days_to_rotten"] > 0 for s in rotting)
    assert all(s["days_to_rotten"] is None for s in account.stages if not s["is_deal_rot_enabled"])
    assert len(account.activity_types) >= 5


# --- deals ------------------------------------------------------------------------------------


def test_deal_statuses_and_links(account: DemoAccount) -> None:
    deals = account.deals
    assert Counter(d["status"] for d in deals).keys() == {"open", "won", "lost"}
    lost = [d for d in deals if d["status"] == "lost"]
    assert sum(d["lost_reason"] is not None for d in lost) > len(lost) / 2
    assert all(d["lost_reason"] is None for d in deals if d["status"] != "lost")
    assert all("won_time" in d for d in deals if d["status"] == "won")
    assert all(
        "won_time" not in d and d["close_time"] is None for d in deals if d["status"] == "open"
    )
    assert any("person_id" not in d for d in deals)
    assert any("org_id" not in d for d in deals)
    assert all("person_id" in d or "org_id" in d for d in deals)
    assert any(d["is_archived"] for d in deals) and not all(d["is_archived"] for d in deals)
    assert {d["currency"] for d in deals} >= {"USD", "EUR", "GBP", "JPY", "SEK"}
    assert all(float(d["value"]).is_integer() for d in deals if d["currency"] == "JPY")
    stage_pipeline = {s["id"]: s["pipeline_id"] for s in account.stages}
    assert all(stage_pipeline[d["stage_id"]] == d["pipeline_id"] for d in deals)
    n_persons, n_orgs = len(account.persons), len(account.organizations)
    assert all(d.get("person_id", 1) <= n_persons and d.get("org_id", 1) <= n_orgs for d in deals)


def test_some_open_deals_are_rotting(account: DemoAccount) -> None:
    stages = {s["id"]: s for s in account.stages}
    rotting = 0
    for deal in account.deals:
        stage = stages[deal["stage_id"]]
        if deal["status"] == "open" and stage["is_deal_rot_enabled"]:
            updated = datetime.fromisoformat(deal["update_time"].replace("Z", "+00:00"))
            rotting += (account.now - updated).days > stage["days_to_rotten"]
    assert rotting >= 10


def test_custom_deal_fields_cover_every_type(account: DemoAccount) -> None:
    custom = _custom_deal_fields(account)
    assert len(custom) >= 18
    assert {f["field_type"] for f in custom} >= FIELD_TYPES
    assert all(HEX40.match(f["field_code"]) for f in custom)
    assert len({f["id"] for f in account.deal_fields}) == len(account.deal_fields)
    built_in = {f["field_code"] for f in account.deal_fields if not f["is_custom_field"]}
    assert {"title", "value", "status", "stage_id", "pipeline_id", "owner_id"} <= built_in


def test_custom_values_all_none_deleted_option_and_orphan_key(account: DemoAccount) -> None:
    keys = {f["field_code"] for f in _custom_deal_fields(account)}
    assert any(d["custom_fields"] == {} for d in account.deals)
    assert any(keys <= d["custom_fields"].keys() for d in account.deals)
    priority = _field(account, "Priority")
    live = {o["id"] for o in priority["options"]}
    held = Counter(d["custom_fields"].get(priority["field_code"]) for d in account.deals)
    deleted = {value for value in held if value is not None and value not in live}
    assert deleted and sum(held[v] for v in deleted) >= 2
    lead_priority = next(f for f in account.lead_fields if f["key"] == priority["field_code"])
    assert {o["id"] for o in lead_priority["options_deleted"]} == deleted
    orphans = {k for d in account.deals for k in d["custom_fields"] if k not in keys}
    assert orphans and all(HEX40.match(k) for k in orphans)


def test_custom_values_have_v2_shapes(account: DemoAccount) -> None:
    by_key = {f["field_code"]: f for f in _custom_deal_fields(account)}
    seen: set[str] = set()
    for deal in account.deals:
        for key, value in deal["custom_fields"].items():
            field = by_key.get(key)
            if field is None:
                continue
            kind = field["field_type"]
            seen.add(kind)
            if kind == "monetary":
                assert set(value) == {"value", "currency"}
            elif kind in ("daterange", "timerange"):
                assert {"value", "until"} <= set(value) and value["value"] <= value["until"]
            elif kind == "address":
                assert isinstance(value, dict) and value["value"]
            elif kind == "set":
                assert isinstance(value, list) and value
            elif kind in ("enum", "user", "org", "people", "int", "visible_to"):
                assert isinstance(value, int) and not isinstance(value, bool)
            elif kind == "boolean":
                assert isinstance(value, bool)
            elif kind == "date":
                assert DATE.match(value)
    assert seen >= FIELD_TYPES


def test_flows_and_participants(account: DemoAccount) -> None:
    objects = Counter(item["object"] for flow in account.deal_flow.values() for item in flow)
    assert objects.keys() >= {"dealChange", "note", "mailMessage", "activity"}
    keys = Counter(
        item["data"]["field_key"]
        for flow in account.deal_flow.values()
        for item in flow
        if item["object"] == "dealChange"
    )
    assert keys.keys() >= {"stage_id", "status"}
    for flow in account.deal_flow.values():
        stamps = [item["timestamp"] for item in flow]
        assert stamps == sorted(stamps, reverse=True)
        assert all(V1_TIME.match(s) for s in stamps)
    for deal in account.deals:
        people = account.deal_participants[deal["id"]]
        if "person_id" in deal:
            assert people[0]["person_id"]["value"] == deal["person_id"]
        else:
            assert people == []


def test_hostile_text_is_rare_and_deterministic(account: DemoAccount) -> None:
    titles = [d["title"] for d in account.deals]
    assert sum("[bold]x[/]" in t for t in titles) == 1
    assert sum("\x1b]0;" in t and "\x07" in t for t in titles) == 1
    names = [p["name"] for p in account.persons]
    hostile = [n for n in names if "🚀" in n]
    assert len(hostile) == 1 and re.search("[\u0600-\u06ff]", hostile[0])
    assert generate(9, 1000).deals[6]["title"] == account.deals[6]["title"]


# --- leads ------------------------------------------------------------------------------------


def test_leads(account: DemoAccount) -> None:
    leads = account.leads
    for lead in leads:
        uuid.UUID(lead["id"])
        assert MS_TIME.match(lead["add_time"]) and isinstance(lead["visible_to"], str)
        assert lead["person_id"] is not None or lead["organization_id"] is not None
    assert len({lead["id"] for lead in leads}) == len(leads)
    assert any(lead["is_archived"] for lead in leads)
    assert any(not lead["was_seen"] for lead in leads)
    assert any(lead["value"] is None for lead in leads)
    assert any(lead["value"] is not None for lead in leads)
    labels = {label["id"]: label for label in account.lead_labels}
    used = {i for lead in leads for i in lead["label_ids"]}
    assert used <= labels.keys()
    assert len({labels[i]["color"] for i in used}) >= 4
    assert {label["color"] for label in account.lead_labels} <= LABEL_COLORS
    assert len({lead["source_name"] for lead in leads}) >= 4
    assert [s["name"] for s in account.lead_sources] == SPEC_LEAD_SOURCES


def test_lead_fields_inherit_the_custom_deal_fields(account: DemoAccount) -> None:
    lead_keys = {f["key"]: f for f in account.lead_fields}
    for field in _custom_deal_fields(account):
        assert lead_keys[field["field_code"]]["id"] == field["id"]
        assert lead_keys[field["field_code"]]["edit_flag"] is True
    custom = [k for lead in account.leads for k in lead if HEX40.match(k.split("_", 1)[0])]
    assert any(k.endswith("_currency") for k in custom)
    assert any(k.endswith("_until") for k in custom)


# --- filters ----------------------------------------------------------------------------------


def test_filters_have_nested_and_or_conditions(account: DemoAccount) -> None:
    ids = {
        "deal": {str(f["id"]): f["field_code"] for f in account.deal_fields},
        "lead": {str(f["id"]): f["key"] for f in account.lead_fields},
    }
    assert {f["type"] for f in account.filters} >= {"deals", "leads"}
    operators: set[str] = set()
    both = 0
    for saved in account.filters:
        tree = saved["conditions"]
        assert tree["glue"] == "and"
        glues = [group["glue"] for group in tree["conditions"]]
        assert glues == ["and", "or"]
        both += all(group["conditions"] for group in tree["conditions"])
        for group in tree["conditions"]:
            for cond in group["conditions"]:
                assert cond["object"] == ("deal" if saved["type"] == "deals" else "lead")
                assert ids[cond["object"]][cond["field_id"]] == cond["field_code"]
                assert cond["value"] is None or isinstance(cond["value"], str)
                operators.add(cond["operator"])
    assert both >= 4
    assert operators >= OPERATORS
    custom_enum = str(_field(account, "Priority")["id"])
    assert any(
        c["field_id"] == custom_enum
        for f in account.filters
        for g in f["conditions"]["conditions"]
        for c in g["conditions"]
    )


# --- mail and notes ---------------------------------------------------------------------------


def test_mail(account: DemoAccount) -> None:
    threads, messages = account.mail_threads, account.mail_messages
    assert {t["folders"][0] for t in threads} == {"inbox", "drafts", "sent", "archive"}
    assert any(t["deal_id"] for t in threads) and any(t["lead_id"] for t in threads)
    assert any(t["read_flag"] == 0 for t in threads)
    assert any(t["has_attachments_flag"] == 1 for t in threads)
    assert all(t["read_flag"] in (0, 1) and t["archived_flag"] in (0, 1) for t in threads)
    per_thread = Counter(msg["mail_thread_id"] for msg in messages)
    assert all(per_thread[t["id"]] == t["message_count"] for t in threads)
    assert max(per_thread.values()) >= 3
    bodies = [msg["body"] for msg in messages]
    html = [b for b in bodies if b.lstrip().startswith("<")]
    for marker in ("<a href=", "<blockquote", "<ul>", "<ol>", "<table"):
        assert any(marker in b for b in html), marker
    assert any("\n> " in b for b in bodies if b not in html)
    lead_ids = {lead["id"] for lead in account.leads}
    assert all(t["lead_id"] in lead_ids for t in threads if t["lead_id"])


def test_notes(account: DemoAccount) -> None:
    notes = account.notes
    assert any("deal_id" in n for n in notes) and any("lead_id" in n for n in notes)
    assert all(V1_TIME.match(n["add_time"]) for n in notes)
    assert all(n["content"].startswith("<") for n in notes)


# --- the app's models -------------------------------------------------------------------------


def test_every_record_parses_with_the_models(account: DemoAccount) -> None:
    collections: list[tuple[type[m.PipedriveModel], list[dict[str, Any]]]] = [
        (m.User, account.users),
        (m.Currency, account.currencies),
        (m.ActivityType, account.activity_types),
        (m.Pipeline, account.pipelines),
        (m.Stage, account.stages),
        (m.FieldDefinition, account.deal_fields),
        (m.FieldDefinition, account.person_fields),
        (m.FieldDefinition, account.organization_fields),
        (m.FieldDefinition, account.lead_fields),
        (m.Deal, account.deals),
        (m.Person, account.persons),
        (m.Organization, account.organizations),
        (m.Lead, account.leads),
        (m.LeadLabel, account.lead_labels),
        (m.LeadSource, account.lead_sources),
        (m.MailThread, account.mail_threads),
        (m.MailMessage, account.mail_messages),
        (m.Filter, account.filters),
        (m.Note, account.notes),
        (m.DealFlowItem, [i for flow in account.deal_flow.values() for i in flow]),
        (m.DealParticipant, [p for ps in account.deal_participants.values() for p in ps]),
    ]
    for model, records in collections:
        assert records, model.__name__
        for record in records:
            model.model_validate(record)


def test_parsed_values_keep_their_meaning(account: DemoAccount) -> None:
    deal = m.Deal.model_validate(account.deals[0])
    assert deal.add_time is not None and deal.add_time.tzinfo is not None
    fields = [m.FieldDefinition.model_validate(f) for f in account.deal_fields]
    assert sum(f.is_custom_field for f in fields) == len(_custom_deal_fields(account))
    lead = m.Lead.model_validate(account.leads[3])
    assert lead.custom_fields and all(HEX40.match(k.split("_")[0]) for k in lead.custom_fields)
    saved = m.Filter.model_validate(account.filters[1])
    assert saved.conditions is not None and len(saved.conditions.conditions) == 2
    thread = m.MailThread.model_validate(
        next(t for t in account.mail_threads if not t["read_flag"])
    )
    assert thread.read_flag is False and thread.parties.from_
    participant = m.DealParticipant.model_validate(account.deal_participants[1][0])
    assert participant.person_id == account.deals[0]["person_id"]
