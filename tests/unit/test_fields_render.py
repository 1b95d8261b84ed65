"""render_fields: the rows of a deal or lead detail screen, from v2 and v1 records."""

from __future__ import annotations

from typing import Any

from pipedrive_tui.api.models import Currency, Deal, FieldDefinition, Lead
from pipedrive_tui.fields import (
    FieldCatalog,
    FieldContext,
    RenderedField,
    render_fields,
    v1_custom_fields,
)

BUDGET = "b" * 40
TAGS = "c" * 40
REGION = "d" * 40
REGION_2 = "e" * 40
OWNER = "f" * 40
EMPTY = "1" * 40
DELETED = "2" * 40


def _catalog() -> FieldCatalog:
    rows: list[dict[str, Any]] = [
        {"field_code": "title", "field_name": "Title", "field_type": "varchar",
         "is_custom_field": False},
        {"field_code": BUDGET, "field_name": "Budget", "field_type": "monetary",
         "is_custom_field": True},
        {"field_code": TAGS, "field_name": "Tags", "field_type": "set", "is_custom_field": True,
         "options": [{"id": 11, "label": "Hot"}, {"id": 12, "label": "VIP"}]},
        {"field_code": REGION, "field_name": "Region", "field_type": "varchar",
         "is_custom_field": True},
        {"field_code": REGION_2, "field_name": "Region", "field_type": "enum",
         "is_custom_field": True, "options": [{"id": 1, "label": "North"}]},
        {"field_code": OWNER, "field_name": "Account manager", "field_type": "user",
         "is_custom_field": True},
        {"field_code": EMPTY, "field_name": "Notes", "field_type": "text",
         "is_custom_field": True},
    ]  # fmt: skip
    return FieldCatalog(FieldDefinition.model_validate(row) for row in rows)


CONTEXT = FieldContext(
    users={5: "Ann Owner"},
    currencies={"EUR": Currency(code="EUR", symbol="€")},
)


def _row(name: str, key: str, field_type: str, text: str, **flags: bool) -> RenderedField:
    return RenderedField(
        name=name,
        key=key,
        field_type=field_type,
        text=text,
        is_empty=flags.get("is_empty", False),
        is_known=flags.get("is_known", True),
        is_custom=flags.get("is_custom", True),
    )


def test_v2_deal_rows() -> None:
    deal = Deal.model_validate(
        {
            "id": 1,
            "title": "Deal",
            "custom_fields": {
                DELETED: "left over",
                OWNER: 6,
                REGION_2: 2,
                REGION: "East\x1b[31m",
                TAGS: [12, 11],
                BUDGET: {"value": 1500, "currency": "EUR"},
                EMPTY: None,
            },
        }
    )
    assert render_fields(deal.custom_fields, _catalog(), CONTEXT) == [
        _row("Budget", BUDGET, "monetary", "€1,500.00"),
        _row("Tags", TAGS, "set", "VIP, Hot"),
        _row("Region", REGION, "varchar", "East"),
        _row("Region (2)", REGION_2, "enum", "(deleted option 2)"),
        _row("Account manager", OWNER, "user", "User #6"),
        _row("Unknown field (22222222…)", DELETED, "", "left over", is_known=False),
    ]


def test_v1_lead_rows_with_companions_and_empty_fields() -> None:
    lead = Lead.model_validate(
        {
            "id": "adf21080-0e10-11eb-879b-05d71fb426ec",
            "title": "Lead",
            BUDGET: 99.5,
            f"{BUDGET}_currency": "EUR",
            TAGS: "11,12",
            OWNER: {"id": 5, "name": "Ann", "value": 5},
            DELETED: 10,
            f"{DELETED}_currency": "USD",
        }
    )
    rows = render_fields(lead.custom_fields, _catalog(), CONTEXT, include_empty=True)
    assert rows == [
        _row("Budget", BUDGET, "monetary", "€99.50"),
        _row("Tags", TAGS, "set", "Hot, VIP"),
        # Absent from the v1 lead: listed empty because include_empty asks for every field.
        _row("Region", REGION, "varchar", "", is_empty=True),
        _row("Region (2)", REGION_2, "enum", "", is_empty=True),
        _row("Account manager", OWNER, "user", "Ann"),
        _row("Notes", EMPTY, "text", "", is_empty=True),
        _row("Unknown field (22222222…)", DELETED, "monetary", "10.00 USD", is_known=False),
    ]
    assert [row.key for row in render_fields(lead.custom_fields, _catalog(), CONTEXT)] == [
        BUDGET,
        TAGS,
        OWNER,
        DELETED,
    ]


def test_v1_deal_root_record() -> None:
    record = {
        "id": 3,
        "title": "v1 deal",
        "org_name": "Acme",
        BUDGET: "12",
        f"{BUDGET}_currency": "EUR",
        REGION: "West",
    }
    rows = render_fields(v1_custom_fields(record), _catalog())
    assert [(row.name, row.text) for row in rows] == [("Budget", "12.00 EUR"), ("Region", "West")]


def test_builtin_keys_are_marked_as_not_custom() -> None:
    rows = render_fields({"title": "[b]Deal[/b]"}, _catalog())
    assert rows == [_row("Title", "title", "varchar", "[b]Deal[/b]", is_custom=False)]


def test_no_fields() -> None:
    assert render_fields({}, _catalog()) == []
    assert render_fields({}, FieldCatalog([]), include_empty=True) == []
