"""Custom-field naming and formatting: pure functions, no I/O, no widgets.

* :class:`FieldCatalog` names fields (duplicates disambiguated, unknown keys named safely).
* :func:`extract_values` reads a record's custom fields in the v1 or v2 shape.
* :func:`format_value` turns one value into plain text, :func:`render_fields` a whole record.
* :func:`clean_text` and :func:`html_to_text` make any Pipedrive string safe for a terminal.
"""

from pipedrive_tui.fields.catalog import FieldCatalog, is_custom_key, unknown_field_name
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import FORMATTERS, Formatter, format_value, visibility_label
from pipedrive_tui.fields.numbers import format_money, format_number
from pipedrive_tui.fields.render import RenderedField, render_fields
from pipedrive_tui.fields.text import clean_line, clean_text, html_to_text
from pipedrive_tui.fields.values import (
    FieldValue,
    extract_values,
    is_empty_value,
    normalize_value,
    split_companion,
    v1_custom_fields,
)

__all__ = [
    "FORMATTERS",
    "FieldCatalog",
    "FieldContext",
    "FieldValue",
    "Formatter",
    "RenderedField",
    "clean_line",
    "clean_text",
    "extract_values",
    "format_money",
    "format_number",
    "format_value",
    "html_to_text",
    "is_custom_key",
    "is_empty_value",
    "normalize_value",
    "render_fields",
    "split_companion",
    "unknown_field_name",
    "v1_custom_fields",
    "visibility_label",
]
