"""format_value for every field type, in the v2 and v1 shapes; money; visibility."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from pipedrive_tui.api.models import Currency, FieldDefinition
from pipedrive_tui.fields import (
    FORMATTERS,
    FieldContext,
    format_money,
    format_number,
    format_value,
    visibility_label,
)

KEY = "0123456789abcdef0123456789abcdef01234567"

CURRENCIES = {
    "EUR": Currency(code="EUR", name="Euro", symbol="€", decimal_points=2),
    "USD": Currency(code="USD", name="US Dollar", symbol="$", decimal_points=2),
    "JPY": Currency(code="JPY", name="Yen", symbol="¥", decimal_points=0),
    "CHF": Currency(code="CHF", name="Swiss franc", symbol="CHF", decimal_points=2),
    "SEAT": Currency(code="SEAT", name="Seats", symbol="seats", decimal_points=0,
                     is_custom_flag=True),
    "NOSYM": Currency(code="NOSYM", name="No symbol", symbol="", decimal_points=3),
}  # fmt: skip

CONTEXT = FieldContext(
    users={5: "Ann Owner"},
    organizations={7: "Acme Ltd"},
    persons={9: "Bob Buyer"},
    currencies=CURRENCIES,
    default_currency="EUR",
)

OPTIONS = [{"id": 11, "label": "Hot"}, {"id": 12, "label": "VIP"}, {"id": 13, "label": "Cold"}]

#: Every field_type in the v2 spec's enum plus the v1-only ones (pipeline, product).
SPEC_FIELD_TYPES = [
    *("int", "double", "boolean", "varchar", "text", "phone", "varchar_options", "varchar_auto"),
    *("date", "daterange", "time", "timerange", "enum", "set", "address", "monetary", "deal"),
    *("deals", "lead", "org", "people", "project", "stage", "user", "activity", "json"),
    *("picture", "status", "visible_to", "price_list", "billing_frequency", "projects_board"),
    *("projects_phase", "pipeline", "product"),
]


def field(field_type: str, **extra: Any) -> FieldDefinition:
    return FieldDefinition.model_validate(
        {"key": KEY, "name": "Field", "field_type": field_type, **extra}
    )


def fmt(field_type: str, value: Any, context: FieldContext = CONTEXT, **extra: Any) -> str:
    return format_value(field(field_type, **extra), value, context)


def test_every_spec_field_type_has_a_formatter() -> None:
    assert sorted(set(SPEC_FIELD_TYPES) - set(FORMATTERS)) == []


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        # text-like
        ("varchar", "Hello", "Hello"),
        ("varchar_auto", "Auto", "Auto"),
        ("text", "line 1\nline 2\n", "line 1\nline 2"),
        ("phone", "+372 555 1234", "+372 555 1234"),
        # numbers: no thousands separator (years, postcodes), no float noise
        ("double", 1234.5, "1234.5"),
        ("double", "2026", "2026"),
        ("double", 0, "0"),
        ("double", 0.1, "0.1"),
        ("double", -3.0, "-3"),
        ("double", "n/a", "n/a"),
        ("int", 42, "42"),
        ("int", "7", "7"),
        ("boolean", True, "Yes"),
        ("boolean", False, "No"),
        ("boolean", "1", "Yes"),
        ("boolean", "false", "No"),
        ("boolean", 0, "No"),
        # dates and times
        ("date", "2026-03-05", "2026-03-05"),
        ("date", "2026-03-05 00:00:00", "2026-03-05"),
        ("date", "2026-03-05T10:00:00Z", "2026-03-05"),
        ("date", date(2026, 3, 5), "2026-03-05"),
        ("date", datetime(2026, 3, 5, 23, 59), "2026-03-05"),
        ("date", "soon", "soon"),
        ("time", "14:30:00", "14:30"),
        ("time", "9:05", "09:05"),
        ("time", "14:30:15", "14:30:15"),
        ("time", time(8, 0), "08:00"),
        ("time", {"value": "14:30:00", "timezone_name": "Europe/Tallinn"},
         "14:30 (Europe/Tallinn)"),
        ("daterange", {"value": "2026-03-05", "until": "2026-03-20"}, "2026-03-05 → 2026-03-20"),
        ("daterange", {"value": "2026-03-05", "until": None}, "from 2026-03-05"),
        ("daterange", {"value": None, "until": "2026-03-20"}, "until 2026-03-20"),
        ("timerange", {"value": "09:00:00", "until": "11:30:00", "timezone_name": "Europe/London"},
         "09:00 → 11:30 (Europe/London)"),
        ("timerange", {"value": "09:00:00", "until": "11:30:00"}, "09:00 → 11:30"),
        # options
        ("enum", 12, "VIP"),
        ("enum", "12", "VIP"),
        ("enum", {"id": 12, "label": "VIP (renamed)"}, "VIP (renamed)"),
        ("enum", 42, "(deleted option 42)"),
        ("enum", {"id": 42, "label": None}, "(deleted option 42)"),
        ("set", [11, 13], "Hot, Cold"),
        ("set", [11, 42, 12], "Hot, (deleted option 42), VIP"),
        ("set", [{"id": 11, "label": "Hot"}, {"id": 99, "label": "Archived"}], "Hot, Archived"),
        ("varchar_options", 11, "Hot"),
        # references
        ("user", 5, "Ann Owner"),
        ("user", 6, "User #6"),
        ("user", {"id": 6, "name": "Inline Name"}, "Inline Name"),
        ("user", {"value": 6, "name": None}, "User #6"),
        ("org", 7, "Acme Ltd"),
        ("org", 8, "Organization #8"),
        ("org", {"value": 7, "name": "Acme (from record)"}, "Acme (from record)"),
        ("people", 9, "Bob Buyer"),
        ("people", 10, "Person #10"),
        ("people", {"id": 10, "label": "Label Name"}, "Label Name"),
        # money
        ("monetary", {"value": 1234.5, "currency": "EUR"}, "€1,234.50"),
        ("monetary", {"value": 1234.5, "currency": "JPY"}, "¥1,235"),
        ("monetary", {"value": 1234.5, "currency": "XYZ"}, "1,234.50 XYZ"),
        ("monetary", {"value": 99, "currency": None}, "€99.00"),
        ("monetary", {"value": "oops", "currency": "EUR"}, "oops EUR"),
        # address
        ("address", {"value": "530 Fifth Avenue, New York", "route": "5th Avenue"},
         "530 Fifth Avenue, New York"),
        ("address", {"value": None, "formatted_address": "530 5th Ave, New York, NY, USA"},
         "530 5th Ave, New York, NY, USA"),
        ("address", {"street_number": "5", "route": "Main St", "subpremise": "Apt 2",
                     "postal_code": "10115", "locality": "Berlin", "country": "Germany"},
         "5 Main St, Apt 2, 10115 Berlin, Germany"),
        ("address", "Plain string", "Plain string"),
        # visibility
        ("visible_to", 1, "Owner & followers"),
        ("visible_to", "3", "Entire company"),
        ("visible_to", 5, "Owner's visibility group and sub-groups"),
        ("visible_to", 7, "Entire company"),
        ("visible_to", 9, "Visibility 9"),
        # the rest of the spec's types: readable fallbacks
        ("deal", 12, "Deal #12"),
        ("deals", [12, 13], "Deal #12, Deal #13"),
        ("deal", {"id": 12, "title": "Big deal"}, "Big deal"),
        ("lead", "adf21080-0e10-11eb-879b-05d71fb426ec", "Lead #adf21080-0e10-11eb-879b-05d71fb426ec"),  # noqa: E501
        ("project", 3, "Project #3"),
        ("stage", {"id": 4, "name": "Proposal"}, "Proposal"),
        ("stage", 4, "Stage #4"),
        ("activity", 8, "Activity #8"),
        ("pipeline", 1, "Pipeline #1"),
        ("product", 2, "Product #2"),
        ("projects_board", 5, "Project board #5"),
        ("projects_phase", 6, "Project phase #6"),
        ("price_list", 1, "Price list #1"),
        ("picture", {"id": 77}, "Picture #77"),
        ("status", "won", "Won"),
        ("billing_frequency", "one_time", "One time"),
        ("json", {"a": [1, 2], "b": "ü"}, '{"a": [1, 2], "b": "ü"}'),
        ("json", '{"raw": true}', '{"raw": true}'),
    ],
)  # fmt: skip
def test_format_v2_values(field_type: str, value: Any, expected: str) -> None:
    assert fmt(field_type, value, options=OPTIONS) == expected


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        # v1 root values: the main key only (companions are merged by extract_values).
        ("set", "11,12", "Hot, VIP"),
        ("set", "11,42", "Hot, (deleted option 42)"),
        ("set", "12", "VIP"),
        ("enum", "13", "Cold"),
        ("monetary", 2300, "€2,300.00"),  # no _currency: the default currency
        ("monetary", "2300.456", "€2,300.46"),
        ("user", {"id": 5, "name": "Ann", "email": "a@x", "has_pic": False, "value": 5}, "Ann"),
        ("user", "5", "Ann Owner"),
        ("org", {"name": "Acme", "people_count": 2, "owner_id": 1, "value": 7}, "Acme"),
        ("people", {"name": None, "value": 10}, "Person #10"),
        ("daterange", "2026-03-05", "from 2026-03-05"),  # no _until companion
        ("timerange", "09:00:00", "from 09:00"),
        ("address", "Somewhere 1", "Somewhere 1"),
        ("visible_to", "7", "Entire company"),
        ("double", "12.50", "12.5"),
    ],
)
def test_format_v1_root_values(field_type: str, value: Any, expected: str) -> None:
    assert fmt(field_type, value, options=OPTIONS) == expected


@pytest.mark.parametrize("field_type", [*SPEC_FIELD_TYPES, "brand_new_type"])
@pytest.mark.parametrize("value", [None, "", "   ", [], {}, {"value": None, "currency": "EUR"}])
def test_empty_values_format_as_empty(field_type: str, value: Any) -> None:
    assert fmt(field_type, value) == ""


def test_unknown_field_type_falls_back_to_readable_text() -> None:
    assert fmt("brand_new_type", "text") == "text"
    assert fmt("brand_new_type", 3.5) == "3.5"
    assert fmt("brand_new_type", True) == "Yes"
    assert fmt("brand_new_type", [1, "two", None]) == "1, two"
    assert fmt("brand_new_type", {"name": "Named"}) == "Named"
    assert fmt("brand_new_type", {"id": 3}) == "#3"
    assert fmt("brand_new_type", {"x": 1}) == '{"x": 1}'


def test_unknown_field_without_definition_guesses_composites() -> None:
    assert format_value(None, {"value": 5, "currency": "JPY"}, CONTEXT) == "¥5"
    assert format_value(None, {"value": "2026-01-01", "until": "2026-01-31"}) == (
        "2026-01-01 → 2026-01-31"
    )
    assert format_value(None, {"value": "09:00:00", "until": "10:00:00"}) == "09:00 → 10:00"
    assert format_value(None, {"value": None, "locality": "Tartu"}) == "Tartu"
    assert format_value(None, 17) == "17"
    assert format_value(None, None) == ""


def test_malformed_values_never_raise() -> None:
    assert fmt("monetary", {"value": [1, 2], "currency": "EUR"}) == "[1, 2] EUR"
    assert fmt("date", 20260305) == "20260305"
    assert fmt("time", "later") == "later"
    assert fmt("timerange", {"value": object, "until": None}).startswith("from ")
    assert fmt("set", {"unexpected": "shape"}) == '{"unexpected": "shape"}'
    assert fmt("monetary", {"value": 1e30, "currency": "EUR"}) == (
        "€1,000,000,000,000,000,000,000,000,000,000.00"
    )
    assert format_money(10**120, "EUR", CONTEXT) == "1" + "0" * 120 + " EUR"


def test_hostile_strings_come_out_clean_and_literal() -> None:
    hostile = "\x1b]0;pwned\x07[bold]Acme[/] \x1b[2J\x1b[31mred\x1b[0m\x00"
    assert fmt("varchar", hostile) == "[bold]Acme[/] red"
    assert fmt("enum", 1, options=[{"id": 1, "label": "[red]x[/red]\x1b[5m"}]) == "[red]x[/red]"
    context = FieldContext(users={5: "Eve\x1b]0;t\x07 [/]"})
    assert fmt("user", 5, context) == "Eve [/]"
    assert fmt("org", {"value": 7, "name": "\x9b31mOrg\x07"}) == "Org"


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [
        (1234.5, "EUR", "€1,234.50"),
        (-1234.5, "USD", "-$1,234.50"),
        (2.675, "EUR", "€2.68"),  # half up, without float error
        (1234.5, "JPY", "¥1,235"),
        (1234.4, "JPY", "¥1,234"),
        (1234567, "CHF", "CHF 1,234,567.00"),
        (500, "SEAT", "500 seats"),
        (1.5, "NOSYM", "1.500 NOSYM"),
        (1234.5, "XYZ", "1,234.50 XYZ"),
        (1234.5, "eur", "€1,234.50"),
        (-0.001, "EUR", "€0.00"),
        (0, "EUR", "€0.00"),
        (None, "EUR", ""),
    ],
)
def test_format_money(amount: Any, code: str, expected: str) -> None:
    assert format_money(amount, code, CONTEXT) == expected


def test_format_money_without_any_currency() -> None:
    assert format_money(1234.5, None) == "1,234.50"
    assert format_money(1234.5, "", FieldContext(default_currency="USD")) == "1,234.50 USD"


def test_format_number() -> None:
    assert format_number(1e20) == "100000000000000000000"
    assert format_number("1E+3") == "1000"
    assert format_number(float("nan")) == "nan"
    assert format_number(None) == ""


def test_visibility_with_groups_and_definition_labels() -> None:
    assert visibility_label(1) == "Owner & followers"
    assert visibility_label(1, groups=True) == "Owner only"
    assert visibility_label("3", groups=True) == "Owner's visibility group"
    grouped = FieldContext(visibility_groups=True)
    assert fmt("visible_to", 5, grouped) == "Owner's visibility group and sub-groups"
    labelled = [{"id": 1, "label": "Private"}, {"id": 3, "label": "Shared"}]
    assert fmt("visible_to", 3, grouped, options=labelled) == "Shared"
    assert fmt("visible_to", 7, grouped, options=labelled) == "Entire company"
