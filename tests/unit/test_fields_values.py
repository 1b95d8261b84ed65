"""Reading custom-field values in the v1 and v2 shapes."""

from __future__ import annotations

from typing import Any

import pytest

from pipedrive_tui.api.models import FieldDefinition, Lead
from pipedrive_tui.fields import (
    FieldCatalog,
    FieldValue,
    extract_values,
    is_empty_value,
    normalize_value,
    split_companion,
    v1_custom_fields,
)

MONEY = "1" * 40
TAGS = "2" * 40
PERIOD = "3" * 40
HOURS = "4" * 40
OFFICE = "5" * 40
OWNER = "6" * 40
KIND = "7" * 40
GONE = "8" * 40
NOTE = "9" * 40


def _catalog() -> FieldCatalog:
    rows: list[dict[str, Any]] = [
        {"key": NOTE, "name": "Note", "field_type": "text"},
        {"key": MONEY, "name": "Budget", "field_type": "monetary"},
        {"key": TAGS, "name": "Tags", "field_type": "set"},
        {"key": PERIOD, "name": "Period", "field_type": "daterange"},
        {"key": HOURS, "name": "Hours", "field_type": "timerange"},
        {"key": OFFICE, "name": "Office", "field_type": "address"},
        {"key": OWNER, "name": "Owner", "field_type": "user"},
        {"key": KIND, "name": "Kind", "field_type": "enum"},
    ]
    return FieldCatalog(FieldDefinition.model_validate(row) for row in rows)


def _as_dict(values: list[FieldValue]) -> dict[str, Any]:
    return {entry.key: entry.value for entry in values}


def test_v1_lead_companions_are_folded_into_their_field() -> None:
    lead = Lead.model_validate(
        {
            "id": "adf21080-0e10-11eb-879b-05d71fb426ec",
            "title": "Lead",
            MONEY: 2300,
            f"{MONEY}_currency": "EUR",
            TAGS: "11,12",
            PERIOD: "2024-01-01",
            f"{PERIOD}_until": "2024-02-01",
            HOURS: "09:00:00",
            f"{HOURS}_until": "11:00:00",
            f"{HOURS}_timezone_id": 40,
            OFFICE: "530 Fifth Avenue, New York",
            f"{OFFICE}_route": "5th Avenue",
            f"{OFFICE}_street_number": "530",
            f"{OFFICE}_country": "United States",
            f"{OFFICE}_formatted_address": "530 5th Ave, New York, NY, USA",
            OWNER: "17",
            KIND: "190",
        }
    )
    values = extract_values(lead.custom_fields, _catalog())
    assert [v.key for v in values] == [MONEY, TAGS, PERIOD, HOURS, OFFICE, OWNER, KIND]
    assert all(v.definition is not None and v.definition.key == v.key for v in values)
    assert _as_dict(values) == {
        MONEY: {"value": 2300, "currency": "EUR"},
        TAGS: [11, 12],
        PERIOD: {"value": "2024-01-01", "until": "2024-02-01"},
        HOURS: {"value": "09:00:00", "until": "11:00:00", "timezone_id": 40},
        OFFICE: {
            "value": "530 Fifth Avenue, New York",
            "route": "5th Avenue",
            "street_number": "530",
            "country": "United States",
            "formatted_address": "530 5th Ave, New York, NY, USA",
        },
        OWNER: 17,
        KIND: 190,
    }


def test_v2_values_keep_their_shape() -> None:
    custom_fields = {
        KIND: {"id": 190, "label": "Company"},
        MONEY: {"value": 2300, "currency": "EUR"},
        TAGS: [11, 12],
        HOURS: {"value": "09:00:00", "until": "11:00:00", "timezone_name": "Europe/London"},
        OFFICE: {"value": "530 Fifth Avenue", "locality": "New York"},
        OWNER: 17,
        NOTE: None,
    }
    values = extract_values(custom_fields, _catalog())
    # Catalog order, not record order.
    assert [v.key for v in values] == [NOTE, MONEY, TAGS, HOURS, OFFICE, OWNER, KIND]
    assert _as_dict(values) == {
        NOTE: None,
        MONEY: {"value": 2300, "currency": "EUR"},
        TAGS: [11, 12],
        HOURS: {"value": "09:00:00", "until": "11:00:00", "timezone_name": "Europe/London"},
        OFFICE: {"value": "530 Fifth Avenue", "locality": "New York"},
        OWNER: 17,
        KIND: {"id": 190, "label": "Company"},
    }


def test_unknown_keys_come_last_with_their_companions() -> None:
    custom_fields = {
        GONE: 99,
        f"{GONE}_currency": "USD",
        KIND: 1,
        "a" * 40: "loose",
    }
    values = extract_values(custom_fields, _catalog())
    assert values == [
        FieldValue(_catalog().get(KIND), KIND, 1),
        FieldValue(None, GONE, {"value": 99, "currency": "USD"}),
        FieldValue(None, "a" * 40, "loose"),
    ]


def test_companion_without_its_main_key_still_lists_the_field() -> None:
    values = extract_values({f"{MONEY}_currency": "EUR"}, _catalog())
    assert [(v.key, v.value) for v in values] == [(MONEY, {"value": None, "currency": "EUR"})]
    assert is_empty_value(values[0].value)


def test_v1_custom_fields_picks_hash_keys_from_a_record_root() -> None:
    record = {
        "id": 1,
        "title": "Deal",
        "org_name": "Acme",
        MONEY: 5,
        f"{MONEY}_currency": "EUR",
        "weighted_value": 3,
    }
    assert v1_custom_fields(record) == {MONEY: 5, f"{MONEY}_currency": "EUR"}


def test_split_companion() -> None:
    assert split_companion(f"{MONEY}_currency") == (MONEY, "currency")
    assert split_companion(f"{OFFICE}_admin_area_level_1") == (OFFICE, "admin_area_level_1")
    assert split_companion(MONEY) is None
    record = {"weighted_value": 1, "weighted_value_currency": "EUR", "org_name": "Acme"}
    assert split_companion("weighted_value_currency", record) == ("weighted_value", "currency")
    assert split_companion("org_name", record) is None
    assert split_companion("weighted_value_currency") is None


@pytest.mark.parametrize(
    ("field_type", "raw", "expected"),
    [
        ("set", "11,12", [11, 12]),
        ("set", " 11 , x ,", [11, " x "]),
        ("set", "", []),
        ("set", 7, [7]),
        ("set", [{"id": 1, "label": "A"}, "2"], [{"id": 1, "label": "A"}, 2]),
        ("enum", "190", 190),
        ("enum", {"id": 190, "label": "Company"}, {"id": 190, "label": "Company"}),
        ("user", {"id": 5, "name": "Ann", "value": 5}, {"id": 5, "name": "Ann", "value": 5}),
        ("people", "12", 12),
        ("monetary", {"amount": 10, "currency": "USD"}, {"value": 10, "currency": "USD"}),
        ("monetary", 10, {"value": 10, "currency": None}),
        ("daterange", "2024-01-01", {"value": "2024-01-01", "until": None}),
        ("address", "Somewhere", {"value": "Somewhere"}),
        ("varchar", "190", "190"),
        (None, {"value": "10:00", "until": "11:00"}, {"value": "10:00", "until": "11:00"}),
    ],
)
def test_normalize_value(field_type: str | None, raw: Any, expected: Any) -> None:
    assert normalize_value(field_type, raw) == expected


@pytest.mark.parametrize(
    ("value", "empty"),
    [
        (None, True),
        ("", True),
        ("  \n", True),
        ([], True),
        ({}, True),
        ([None, ""], True),
        ({"value": None, "currency": "EUR"}, True),
        ({"value": None, "until": None, "timezone_name": "Europe/Tallinn"}, True),
        ({"value": None, "route": None}, True),
        (0, False),
        (False, False),
        ("0", False),
        ({"value": 0, "currency": "EUR"}, False),
        ({"value": None, "until": "2024-01-01"}, False),
        ({"id": 5, "name": None}, False),
        ([0], False),
    ],
)
def test_is_empty_value(value: Any, empty: bool) -> None:
    assert is_empty_value(value) is empty
