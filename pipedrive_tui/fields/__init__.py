"""Custom-field naming and formatting: pure functions, no I/O, no widgets.

* :class:`FieldCatalog` names fields (duplicates disambiguated, unknown keys named safely).
* :func:`extract_values` reads a record's custom fields in the v1 or v2 shape.
* :func:`format_value` turns one value into plain text, :func:`render_fields` a whole record.
* :func:`clean_text` and :func:`html_to_text` make any Pipedrive string safe for a terminal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipedrive_tui.fields.catalog import FieldCatalog, is_custom_key, unknown_field_name
    from pipedrive_tui.fields.context import FieldContext
    from pipedrive_tui.fields.formatting import (
        FORMATTERS,
        Formatter,
        format_value,
        visibility_label,
    )
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

# The names are loaded on first use (PEP 562): importing ``pipedrive_tui.fields.text`` for
# ``clean_line`` must not load pydantic models, which keeps start-up fast.
_EXPORTS = {
    "FORMATTERS": "pipedrive_tui.fields.formatting",
    "FieldCatalog": "pipedrive_tui.fields.catalog",
    "FieldContext": "pipedrive_tui.fields.context",
    "FieldValue": "pipedrive_tui.fields.values",
    "Formatter": "pipedrive_tui.fields.formatting",
    "RenderedField": "pipedrive_tui.fields.render",
    "clean_line": "pipedrive_tui.fields.text",
    "clean_text": "pipedrive_tui.fields.text",
    "extract_values": "pipedrive_tui.fields.values",
    "format_money": "pipedrive_tui.fields.numbers",
    "format_number": "pipedrive_tui.fields.numbers",
    "format_value": "pipedrive_tui.fields.formatting",
    "html_to_text": "pipedrive_tui.fields.text",
    "is_custom_key": "pipedrive_tui.fields.catalog",
    "is_empty_value": "pipedrive_tui.fields.values",
    "normalize_value": "pipedrive_tui.fields.values",
    "render_fields": "pipedrive_tui.fields.render",
    "split_companion": "pipedrive_tui.fields.values",
    "unknown_field_name": "pipedrive_tui.fields.catalog",
    "v1_custom_fields": "pipedrive_tui.fields.values",
    "visibility_label": "pipedrive_tui.fields.formatting",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
