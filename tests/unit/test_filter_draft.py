"""The filter draft of the condition builder: round trips, writes to the demo, validation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import FieldDefinition, Filter
from pipedrive_tui.data.filter_draft import (
    MAX_CONDITIONS,
    OBJECT_OF_TYPE,
    WRITE_OPERATORS,
    DraftCondition,
    FilterDraft,
    filterable,
    operator_key,
    operators_for,
    validate,
    value_kind,
)
from pipedrive_tui.demo.filter_helpers import HELPERS
from pipedrive_tui.demo.generator import NOW, DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime, demo_client

Record = dict[str, Any]
WIRE_KEYS = ("object", "field_id", "operator", "value", "extra_value")


def definitions(records: list[Record]) -> list[FieldDefinition]:
    return [FieldDefinition.model_validate(record) for record in records]


def on_the_wire(conditions: Record) -> Record:
    """A conditions tree with only the keys a write sends (the stored one has more)."""
    return {
        "glue": conditions["glue"],
        "conditions": [
            {
                "glue": group["glue"],
                "conditions": [
                    {key: line.get(key) for key in WIRE_KEYS} for line in group["conditions"]
                ],
            }
            for group in conditions["conditions"]
        ],
    }


def line(
    field_id: int | str, operator: str, value: Any = None, obj: str = "deal"
) -> DraftCondition:
    return DraftCondition(object=obj, field_id=str(field_id), operator=operator, value=value)


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    client = demo_client(demo.transport(), fake_time)
    yield client
    await client.aclose()


# --- round trips -----------------------------------------------------------------------------


def test_every_saved_filter_round_trips(account: DemoAccount) -> None:
    assert len(account.filters) == 11
    for stored in account.filters:
        draft = FilterDraft.from_filter(Filter.model_validate(stored))
        assert (draft.name, draft.type) == (stored["name"], stored["type"])
        assert draft.to_conditions() == on_the_wire(stored["conditions"]), stored["name"]
        assert draft.count == sum(len(g["conditions"]) for g in stored["conditions"]["conditions"])


async def test_saved_filters_round_trip_through_the_client(
    client: PipedriveClient, account: DemoAccount
) -> None:
    fields = {"deals": definitions(account.deal_fields), "leads": definitions(account.lead_fields)}
    for stored in account.filters:
        saved = await client.get_filter(stored["id"])
        draft = FilterDraft.from_filter(saved)
        assert draft.to_conditions() == on_the_wire(stored["conditions"])
        assert validate(draft, fields[draft.type], HELPERS) == [], stored["name"]
        again = await client.update_filter(saved.id, draft.to_conditions(), name=draft.name)
        assert FilterDraft.from_filter(again) == draft


def test_a_tree_of_another_shape_is_folded() -> None:
    saved = Filter.model_validate(
        {
            "id": 1,
            "name": "Odd",
            "type": "deals",
            "conditions": {
                "glue": "and",
                "conditions": [
                    {"glue": "or", "conditions": [{"field_id": 4, "value": 101}]},
                    {"glue": "and", "conditions": [{"field_id": 10, "value": "open"}]},
                    {"glue": "and", "conditions": [{"field_id": 8, "value": "1"}]},
                ],
            },
        }
    )
    draft = FilterDraft.from_filter(saved)
    assert [c.field_id for c in draft.all_of] == ["10", "8"]
    assert [(c.field_id, c.value) for c in draft.any_of] == [("4", 101)]
    assert FilterDraft.from_filter(Filter(id=2, name="None yet")) == FilterDraft(
        "None yet", "deals"
    )


def test_the_json_pipedrive_expects() -> None:
    draft = FilterDraft.new("deals")
    assert (draft.name, draft.type, draft.all_of, draft.any_of, draft.count) == (
        "",
        "deals",
        [],
        [],
        0,
    )
    assert draft.object == "deal"
    draft.name = "Mine"
    draft.all_of.append(line(5, ">", 50000))
    draft.all_of.append(line(7, "IS NULL", "ignored"))
    draft.any_of.append(line(69, "=", True))
    draft.any_of.append(DraftCondition("deal", "57", "=", "2026-01-01", extra_value="2026-02-01"))
    assert draft.count == 4
    wire = draft.to_conditions()
    assert wire["glue"] == "and"
    assert [(group["glue"], len(group["conditions"])) for group in wire["conditions"]] == [
        ("and", 2),
        ("or", 2),
    ]
    lines = [line for group in wire["conditions"] for line in group["conditions"]]
    assert lines[0] == {
        "object": "deal",
        "field_id": "5",
        "operator": ">",
        "value": "50000",
        "extra_value": None,
    }
    assert [(c["value"], c["extra_value"]) for c in lines] == [
        ("50000", None),
        (None, None),  # IS NULL takes no value
        ("1", None),  # True, as Pipedrive stores yes/no
        ("2026-01-01", "2026-02-01"),
    ]


def test_copy_is_independent() -> None:
    draft = FilterDraft("A", "deals", [line(10, "=", "open")], [line(4, "=", "101")])
    other = draft.copy()
    assert other == draft
    other.name = "B"
    other.all_of[0].value = "won"
    other.any_of.append(line(4, "=", "102"))
    assert draft == FilterDraft("A", "deals", [line(10, "=", "open")], [line(4, "=", "101")])


def test_object_of_type() -> None:
    assert OBJECT_OF_TYPE == {
        "deals": "deal",
        "leads": "lead",
        "people": "person",
        "org": "organization",
        "products": "product",
        "activity": "activity",
    }
    assert FilterDraft.new("people").object == "person"


# --- the demo accepts and evaluates what the draft writes -------------------------------------


def custom(deal: Record, account: DemoAccount, field_id: int) -> Any:
    key = next(f["field_code"] for f in account.deal_fields if f["id"] == field_id)
    return (deal.get("custom_fields") or {}).get(key)


async def test_a_deals_filter_with_an_or_group(
    client: PipedriveClient, account: DemoAccount
) -> None:
    draft = FilterDraft.new("deals")
    draft.name = "Sales, not lost: Ava's, critical or analytics"
    draft.all_of = [line(8, "=", 1), line(10, "!=", "lost")]
    draft.any_of = [line(4, "=", 101), line(60, "=", "104"), line(61, "=", "112")]
    assert validate(draft, definitions(account.deal_fields), HELPERS) == []
    saved = await client.add_filter(draft.name, draft.type, draft.to_conditions())
    assert FilterDraft.from_filter(saved).to_conditions() == draft.to_conditions()

    def keep(deal: Record) -> bool:
        return (
            deal["pipeline_id"] == 1
            and deal["status"] != "lost"
            and (
                deal["owner_id"] == 101
                or custom(deal, account, 60) == 104
                or 112 in (custom(deal, account, 61) or [])
            )
        )

    expected = sorted(d["id"] for d in account.deals if not d.get("is_archived") and keep(d))
    found = await client.list_deals(filter_id=saved.id)
    assert found.complete and len(expected) > 0
    assert [deal.id for deal in found.items] == expected


async def test_a_leads_filter_with_a_relative_date(
    client: PipedriveClient, account: DemoAccount
) -> None:
    draft = FilterDraft("Closing from today", "leads")
    draft.all_of = [line(204, ">=", "today", obj="lead")]
    draft.any_of = [line(202, "=", "101", obj="lead"), line(201, "LIKE '%$%'", "deal", obj="lead")]
    assert validate(draft, definitions(account.lead_fields), HELPERS) == []
    saved = await client.add_filter(draft.name, draft.type, draft.to_conditions())
    today = NOW.date().isoformat()
    expected = {
        lead["id"]
        for lead in account.leads
        if not lead["is_archived"]
        and (lead["expected_close_date"] or "") >= today
        and (lead["owner_id"] == 101 or "deal" in lead["title"].lower())
    }
    found = await client.list_leads(filter_id=saved.id)
    assert expected and {lead.id for lead in found.items} == expected


SAMPLE_VALUES = {
    "number": "5",
    "money": "1000",
    "date": "2026-01-01",
    "time": "10:00",
    "text": "a",
    "user": "101",
    "stage": "1",
    "pipeline": "1",
    "status": "open",
    "currency": "EUR",
    "visible_to": "3",
    "person": "1",
    "organization": "1",
    "deal": "1",
    "product": "1",
    "boolean": "1",
    "none": None,
}


@pytest.mark.parametrize("filter_type", ["deals", "leads"])
def test_every_offered_operator_can_be_saved(
    http: httpx.Client, account: DemoAccount, filter_type: str
) -> None:
    records = account.deal_fields if filter_type == "deals" else account.lead_fields
    fields = definitions(records)
    obj = OBJECT_OF_TYPE[filter_type]
    tried = 0
    for field in filterable(fields, HELPERS):
        for operator, _ in operators_for(field, HELPERS):
            kind = value_kind(field, operator)
            value = str(field.options[0].id) if kind == "option" else SAMPLE_VALUES[kind]
            draft = FilterDraft(
                f"{field.name} {operator}", filter_type, [line(field.id or 0, operator, value, obj)]
            )
            assert validate(draft, fields, HELPERS) == [], (field.name, operator)
            body = {"name": draft.name, "type": draft.type, "conditions": draft.to_conditions()}
            response = http.post("/v1/filters", json=body)
            assert response.status_code == 200, (field.name, operator, response.text)
            tried += 1
    assert tried > 100


# --- operators and fields --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["deal", "lead", "person", "organization"])
def test_every_demo_field_has_operators(account: DemoAccount, kind: str) -> None:
    records = getattr(account, f"{kind}_fields")
    for field in definitions(records):
        assert operator_key(field) in HELPERS["operators"], field.name
        assert operators_for(field, HELPERS), field.name
    assert len(filterable(definitions(records), HELPERS)) == len(records)


def test_operator_keys_of_the_demo_deal_fields(account: DemoAccount) -> None:
    keys = {f.name: operator_key(f) for f in definitions(account.deal_fields)}
    assert keys["Title"] == "title"
    assert keys["Owner"] == keys["Creator"] == keys["Account manager"] == "user"
    assert keys["Value"] == keys["Setup fee"] == "monetary"
    assert keys["Contact person"] == keys["Technical contact"] == "person"
    assert keys["Organization"] == keys["Partner organization"] == "organization"
    assert keys["Pipeline"] == "pipeline"  # an "int" field holding pipeline ids
    assert keys["Stage"] == "stage"
    assert keys["Status"] == "status"
    assert keys["Visible to"] == keys["Terms visible to"] == "visible_to"
    assert keys["Priority"] == keys["NDA signed"] == "enum"
    assert keys["Label"] == keys["Products of interest"] == "set"
    assert keys["Expected close date"] == keys["Deal created"] == "date"
    assert keys["Contract period"] == "daterange"
    assert keys["Support hours"] == "timerange"
    assert keys["Preferred call time"] == "time"
    assert keys["Discount %"] == keys["Probability"] == "double"
    assert keys["Seats"] == keys["ID"] == "int"
    for name in ("Contract number", "Referral partner", "Requirements", "Hotline"):
        assert keys[name] == "varchar"
    assert keys["Delivery address"] == "varchar"
    assert operator_key(FieldDefinition(key="x", field_type="hologram")) == "varchar"
    # A custom field is never taken for a system one by its key.
    assert (
        operator_key(FieldDefinition(key="status", field_type="int", is_custom_field=True)) == "int"
    )


def test_operators_for() -> None:
    enum = FieldDefinition(id=60, key="priority", field_type="enum")
    assert operators_for(enum, HELPERS) == [
        ("=", "is"),
        ("!=", "is not"),
        ("IS NULL", "is empty"),
        ("IS NOT NULL", "is not empty"),
    ]
    stage = FieldDefinition(id=9, key="stage_id", field_type="stage")
    assert operators_for(stage, HELPERS) == [("=", "is"), ("!=", "is not")]
    assert operators_for(stage, HELPERS, writable=False)[-1] == ("has_been", "has been")
    title = FieldDefinition(id=2, key="title", field_type="varchar")
    assert [op for op, _ in operators_for(title, HELPERS)] == [
        "=",
        "LIKE '%$%'",
        "LIKE '$%'",
        "NOT LIKE '$%'",
    ]
    everywhere = {op for key in HELPERS["operators"] for op in _ops(key)}
    assert everywhere & WRITE_OPERATORS == WRITE_OPERATORS
    assert operators_for(enum, {}) == []


def _ops(key: str) -> list[str]:
    table = HELPERS["operators"][key]
    return [op for entry in (table if isinstance(table, list) else [table]) for op in entry]


def test_filterable() -> None:
    fields = [
        FieldDefinition(id=1, key="title", name="Title"),
        FieldDefinition(id=2, key="a", name="Hidden", filtering_allowed=False),
        FieldDefinition(id=3, key="b", name="Allowed", filtering_allowed=True),
        FieldDefinition(key="c", name="No id"),
        FieldDefinition(id=5, key="d", name="Stage-like", field_type="stage"),
    ]
    assert [f.name for f in filterable(fields)] == ["Title", "Allowed", "Stage-like"]
    no_stage = {
        **HELPERS,
        "operators": {k: v for k, v in HELPERS["operators"].items() if k != "stage"},
    }
    assert [f.name for f in filterable(fields, no_stage)] == ["Title", "Allowed"]


def test_value_kinds(account: DemoAccount) -> None:
    by_name = {f.name: f for f in definitions(account.deal_fields)}
    kinds = {
        "Value": "money",
        "Discount %": "number",
        "Expected close date": "date",
        "Contract period": "date",
        "Preferred call time": "time",
        "Support hours": "time",
        "Title": "text",
        "Hotline": "text",
        "Priority": "option",
        "Label": "option",
        "Owner": "user",
        "Stage": "stage",
        "Pipeline": "pipeline",
        "Status": "status",
        "Visible to": "visible_to",
        "Contact person": "person",
        "Organization": "organization",
        "NDA signed": "boolean",
    }
    assert {name: value_kind(by_name[name], "=") for name in kinds} == kinds
    assert (
        value_kind(by_name["Title"], "IS NULL")
        == value_kind(by_name["Value"], "IS NOT NULL")
        == "none"
    )
    assert value_kind(by_name["Owner"], "belongs_to_team") == "team"
    assert value_kind(FieldDefinition(key="currency"), "=") == "currency"
    assert value_kind(FieldDefinition(key="deal_id", field_type="deal"), "=") == "deal"
    assert value_kind(FieldDefinition(key="x", field_type="product"), "!=") == "product"


# --- validation ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deal_fields(account: DemoAccount) -> list[FieldDefinition]:
    return [
        *definitions(account.deal_fields),
        FieldDefinition(id=99, key="secret", name="Secret", filtering_allowed=False),
    ]


def problems(
    deal_fields: list[FieldDefinition], *lines: DraftCondition, name: str = "F"
) -> list[str]:
    return validate(FilterDraft(name, "deals", list(lines)), deal_fields, HELPERS)


def test_a_draft_needs_a_name_and_conditions(deal_fields: list[FieldDefinition]) -> None:
    assert validate(FilterDraft.new("deals"), deal_fields, HELPERS) == [
        "Type a name for the filter",
        "Add at least one condition",
    ]
    assert problems(deal_fields, line(10, "=", "open"), name="  ") == ["Type a name for the filter"]
    many = [line(10, "=", "open")] * (MAX_CONDITIONS + 1)
    assert problems(deal_fields, *many) == [
        "A filter can have at most 16 conditions; this one has 17"
    ]
    assert problems(deal_fields, *many[:MAX_CONDITIONS]) == []


NOT_A_DATE = "is not a date (YYYY-MM-DD) or a relative date"
CLOSE = "Expected close date"


@pytest.mark.parametrize(
    ("condition", "where", "message"),
    [
        (line(999, "=", "1"), "Field #999", "no such field; choose another"),
        (line(99, "=", "1"), "Secret", "Pipedrive does not filter on this field"),
        (line(60, ">", "1"), "Priority", "“>” is not an operator of this field"),
        (line(60, "~~", "1"), "Priority", "“~~” is not an operator of this field"),
        (line(9, "has_been", "4"), "Stage", "a filter cannot be saved with “has been”"),
        (
            line(61, "contains", "1"),
            "Products of interest",
            "a filter cannot be saved with “contains”",
        ),
        (line(5, ">", None), "Value", "type an amount"),
        (line(54, ">", ""), "Discount %", "type a number"),
        (line(54, ">", "ten"), "Discount %", "“ten” is not a number"),
        (line(5, ">", "1,000"), "Value", "“1,000” is not a number"),
        (line(13, ">", None), CLOSE, "type a date (YYYY-MM-DD) or choose a relative date"),
        (line(13, ">", "next friday"), CLOSE, f"“next friday” {NOT_A_DATE}"),
        (line(13, ">", "2026-02-30"), CLOSE, f"“2026-02-30” {NOT_A_DATE}"),
        (line(13, ">", "20260201"), CLOSE, f"“20260201” {NOT_A_DATE}"),
        (line(58, "<", "25:00"), "Preferred call time", "“25:00” is not a time (HH:MM)"),
        (line(2, "LIKE '%$%'", " "), "Title", "type some text"),
        (line(60, "=", "105"), "Priority", "option 105 does not exist"),
        (line(61, "=", "111,119"), "Products of interest", "option 119 does not exist"),
        (line(60, "=", None), "Priority", "choose an option"),
        (line(10, "=", "archived"), "Status", "option archived does not exist"),
        (line(4, "=", "Ava"), "Owner", "choose a user"),
        (line(9, "=", ""), "Stage", "choose a stage"),
        (line(7, "=", "x"), "Organization", "choose an organization"),
        (line(69, "=", "maybe"), "NDA signed", "choose yes or no"),
    ],
)
def test_each_problem_names_its_condition(
    deal_fields: list[FieldDefinition], condition: DraftCondition, where: str, message: str
) -> None:
    assert problems(deal_fields, condition) == [f"Condition 1 ({where}): {message}"]


def test_a_condition_without_a_field(deal_fields: list[FieldDefinition]) -> None:
    assert problems(deal_fields, line("", "=", "1")) == ["Condition 1: choose a field"]


def test_valid_values(deal_fields: list[FieldDefinition]) -> None:
    good = [
        line(13, ">", "2026-02-28"),
        line(13, "<=", "last_quarter"),
        line(13, "=", "rotten_time"),
        line(5, ">=", 50000),
        line(54, "<", "-2.5"),
        line(58, ">", "9:05"),
        line(60, "=", 104),
        line(61, "=", "111,112"),
        line(7, "IS NULL"),
        line(69, "!=", "true"),
        line(21, "=", "3"),
    ]
    assert problems(deal_fields, *good) == []


def test_conditions_are_numbered_across_groups(account: DemoAccount) -> None:
    draft = FilterDraft(
        "F",
        "deals",
        [line(10, "=", "open"), line(54, ">", "x")],
        [line(4, "=", "101"), line(13, "<", "soon"), line(301, "LIKE '%$%'", "", obj="person")],
    )
    by_object = {
        "deal": definitions(account.deal_fields),
        "person": definitions(account.person_fields),
    }
    assert validate(draft, by_object, HELPERS) == [
        "Condition 2 (Discount %): “x” is not a number",
        "Condition 4 (Expected close date): “soon” is not a date (YYYY-MM-DD) or a relative date",
        "Condition 5 (Name): type some text",
    ]
    # One field list is the list of every condition's object.
    assert validate(draft, definitions(account.deal_fields), HELPERS)[-1] == (
        "Condition 5 (Field #301): no such field; choose another"
    )
