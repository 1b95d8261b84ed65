"""Rows for a record's detail screen: every custom field with its name and formatted value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipedrive_tui.fields.catalog import FieldCatalog
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import format_value
from pipedrive_tui.fields.values import extract_values, infer_field_type

__all__ = ["RenderedField", "render_fields"]


@dataclass(frozen=True)
class RenderedField:
    """One field ready to display.

    ``name`` is unique within the catalog; ``text`` is plain text ("" when ``is_empty``);
    ``is_known`` is false for keys with no definition (deleted fields), whose ``field_type``
    is guessed from the value's shape ("" when it cannot be).
    """

    name: str
    key: str
    field_type: str
    text: str
    is_empty: bool
    is_known: bool
    is_custom: bool


def render_fields(
    record_custom_fields: Mapping[str, Any],
    catalog: FieldCatalog,
    context: FieldContext | None = None,
    include_empty: bool = False,
) -> list[RenderedField]:
    """Name and format every field of a record's custom-field dict, in the catalog's order.

    ``record_custom_fields`` is a v2 ``custom_fields`` dict, a ``Lead.custom_fields`` dict or the
    result of :func:`~pipedrive_tui.fields.values.v1_custom_fields`. Empty fields are left out
    unless ``include_empty``; then every custom field of the catalog is listed, including those
    the record omits (v1 leave unset fields out of the record, v2 send them as null).
    """
    context = context or FieldContext()
    fields = dict(record_custom_fields)
    if include_empty:
        for custom in catalog.custom_fields():
            fields.setdefault(custom.key, None)
    rows: list[RenderedField] = []
    for definition, key, value in extract_values(fields, catalog):
        text = format_value(definition, value, context)
        if not text and not include_empty:
            continue
        if definition is not None:
            field_type = definition.field_type
        else:
            field_type = infer_field_type(value)
        rows.append(
            RenderedField(
                name=catalog.name(key),
                key=key,
                field_type=field_type,
                text=text,
                is_empty=not text,
                is_known=definition is not None,
                is_custom=catalog.is_custom(key),
            )
        )
    return rows
