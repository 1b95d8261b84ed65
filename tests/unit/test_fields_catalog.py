"""FieldCatalog: lookups, display names, duplicates, unknown keys, custom vs built-in."""

from __future__ import annotations

from pipedrive_tui.api.models import FieldDefinition
from pipedrive_tui.fields import FieldCatalog, is_custom_key, unknown_field_name

REGION_A = "a1" * 20
REGION_B = "b2" * 20
REGION_C = "c3" * 20
OTHER = "d4" * 20


def definition(key: str, name: str, **extra: object) -> FieldDefinition:
    return FieldDefinition.model_validate({"key": key, "name": name, **extra})


def test_v2_and_v1_definitions_are_indexed_by_key() -> None:
    v2 = FieldDefinition.model_validate(
        {"field_code": REGION_A, "field_name": "Region", "field_type": "enum",
         "is_custom_field": True, "options": None}
    )  # fmt: skip
    v1 = FieldDefinition.model_validate(
        {"id": 12, "key": "title", "name": "Title", "field_type": "varchar", "edit_flag": False}
    )
    catalog = FieldCatalog([v2, v1])
    assert catalog.get(REGION_A) is v2
    assert catalog.get("title") is v1
    assert catalog.get(OTHER) is None
    assert REGION_A in catalog
    assert OTHER not in catalog
    assert len(catalog) == 2
    assert catalog.name("title") == "Title"


def test_custom_and_builtin_fields_are_told_apart() -> None:
    catalog = FieldCatalog(
        [
            definition("title", "Title", edit_flag=False),
            definition(REGION_A, "Region"),  # a 40-hex key is custom even without the flag
            definition("label_ids", "Labels", is_custom_field=False),
        ]
    )
    assert catalog.is_custom(REGION_A) is True
    assert catalog.is_custom("title") is False
    assert catalog.is_custom(OTHER) is True  # unknown, but shaped like a custom key
    assert catalog.is_custom("org_name") is False
    assert [d.key for d in catalog.custom_fields()] == [REGION_A]
    assert [d.key for d in catalog.builtin_fields()] == ["title", "label_ids"]
    assert is_custom_key(REGION_A) is True
    assert is_custom_key(REGION_A.upper()) is False
    assert is_custom_key(REGION_A + "_currency") is False


def test_duplicate_names_get_numbered_in_a_stable_order() -> None:
    fields = [
        definition(REGION_B, "Region"),
        definition(REGION_A, "region"),  # case-insensitive duplicate
        definition(OTHER, "Owner"),
        definition(REGION_C, "Region"),
    ]
    catalog = FieldCatalog(fields)
    assert catalog.name(REGION_B) == "Region"
    assert catalog.name(REGION_A) == "region (2)"
    assert catalog.name(REGION_C) == "Region (3)"
    assert catalog.name(OTHER) == "Owner"


def test_duplicate_order_prefers_builtin_then_id() -> None:
    fields = [
        definition(REGION_B, "Region", id=30),
        definition(REGION_A, "Region", id=7),
        definition("region", "Region", is_custom_field=False),
    ]
    catalog = FieldCatalog(fields)
    assert catalog.name("region") == "Region"
    assert catalog.name(REGION_A) == "Region (2)"
    assert catalog.name(REGION_B) == "Region (3)"
    # Same definitions, other order: same names.
    reordered = FieldCatalog(list(reversed(fields)))
    assert [reordered.name(k) for k in ("region", REGION_A, REGION_B)] == [
        "Region",
        "Region (2)",
        "Region (3)",
    ]


def test_suffix_never_collides_with_a_real_name() -> None:
    catalog = FieldCatalog(
        [
            definition(REGION_A, "Region"),
            definition(REGION_B, "Region"),
            definition(REGION_C, "Region (2)"),
        ]
    )
    assert catalog.name(REGION_A) == "Region"
    assert catalog.name(REGION_C) == "Region (2)"
    assert catalog.name(REGION_B) == "Region (3)"


def test_unknown_and_unnamed_fields() -> None:
    catalog = FieldCatalog([definition(REGION_A, "  \x1b[31m \n")])
    assert catalog.name(REGION_A) == "Unnamed field (a1a1a1a1…)"
    assert catalog.name(OTHER) == "Unknown field (d4d4d4d4…)"
    assert catalog.name("gone") == "Unknown field (gone)"
    assert unknown_field_name("x\x1b]0;t\x07y") == "Unknown field (xy)"


def test_names_are_cleaned_to_one_line() -> None:
    catalog = FieldCatalog([definition(REGION_A, "Deal\x1b]0;pwn\x07\n[bold]size[/]")])
    assert catalog.name(REGION_A) == "Deal [bold]size[/]"


def test_order_follows_order_nr_then_input_and_first_key_wins() -> None:
    first = definition(REGION_A, "First", order_nr=2)
    catalog = FieldCatalog(
        [
            definition(OTHER, "No order"),
            first,
            definition(REGION_B, "Second", order_nr=1),
            definition(REGION_A, "Duplicate key", order_nr=0),
        ]
    )
    assert [d.key for d in catalog] == [REGION_B, REGION_A, OTHER]
    assert catalog.get(REGION_A) is first
    assert catalog.position(REGION_B) == 0
    assert catalog.position(OTHER) == 2
    assert catalog.position(REGION_C) is None
