"""Format one field value as plain text, whatever its ``field_type``.

:data:`FORMATTERS` maps each field type to a formatter ``(definition, value, context) -> str``;
types it does not know (new ones Pipedrive may add) use a readable fallback. :func:`format_value`
is the entry point: it normalises the value (v1 or v2 shape), returns "" for empty values, and
cleans the result of control characters. Dates are ISO (``2026-03-05``), times ``14:30``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from pipedrive_tui.api.models import FieldDefinition
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.numbers import format_money, format_number, to_decimal
from pipedrive_tui.fields.text import clean_text
from pipedrive_tui.fields.values import (
    ADDRESS_PARTS,
    infer_field_type,
    is_empty_value,
    normalize_value,
)

__all__ = ["FORMATTERS", "Formatter", "format_value", "visibility_label"]

#: A formatter: the field's definition (``None`` for an unknown field), the normalised value
#: (never empty) and the context; returns plain text.
Formatter = Callable[[FieldDefinition | None, Any, FieldContext], str]

_VISIBILITY = {
    1: "Owner & followers",
    3: "Entire company",
    5: "Owner's visibility group and sub-groups",
    7: "Entire company",
}
# On plans with visibility groups the same numbers mean something else (v1 addLead docs).
_VISIBILITY_GROUPS = {
    1: "Owner only",
    3: "Owner's visibility group",
    5: "Owner's visibility group and sub-groups",
    7: "Entire company",
}

_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_TIME = re.compile(r"(?:^|[T ])(\d{1,2}):(\d{2})(?::(\d{2}))?")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# Keys that, in order, best name a generic object.
_NAME_KEYS = ("label", "name", "title", "formatted_address", "value")


# --- building blocks ---------------------------------------------------------------------------


def _readable(value: Any) -> str:
    """Any value as readable text; the fallback of every formatter."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return _date_text(value)
    if isinstance(value, time):
        return _time_text(value)
    if isinstance(value, list | tuple):
        return ", ".join(text for text in map(_readable, value) if text)
    if isinstance(value, Mapping):
        for key in _NAME_KEYS:
            if not is_empty_value(value.get(key)):
                return _readable(value[key])
        if value.get("id") is not None:
            return f"#{value['id']}"
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _scalar(value: Any) -> Any:
    """The main part of a composite value: ``{"value": x, …}`` → ``x``."""
    if isinstance(value, Mapping):
        return value.get("value")
    return value


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    match = _DATE.match(str(value))
    return match.group(1) if match else _readable(value)


def _time_text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        value = value.isoformat()
    if value is None:
        return ""
    match = _TIME.search(str(value))
    if match is None:
        return _readable(value)
    hours, minutes, seconds = match.groups()
    text = f"{int(hours):02d}:{minutes}"
    # Pipedrive stores HH:MM:SS but its UI only sets minutes; show seconds only when they matter.
    return text + (f":{seconds}" if seconds and seconds != "00" else "")


def _range_text(start: str, end: str) -> str:
    if start and end:
        return f"{start} → {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else ""


def _as_int(value: Any) -> int | None:
    """An integer id from an int or numeric string (booleans are not ids)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


# --- formatters by field type ----------------------------------------------------------------


def _format_text(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _readable(value)


def _format_number(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    number = _scalar(value)
    return format_number(number) if to_decimal(number) is not None else _readable(value)


def _format_boolean(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return "Yes" if value else "No"
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return "Yes" if value.strip().lower() in _TRUE else "No"
    return _readable(value)


def _format_date(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _date_text(_scalar(value))


def _format_time(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    text = _time_text(_scalar(value))
    zone = value.get("timezone_name") if isinstance(value, Mapping) else None
    return f"{text} ({zone})" if text and zone else text


def _format_daterange(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if not isinstance(value, Mapping):
        return _date_text(value)
    return _range_text(_date_text(value.get("value")), _date_text(value.get("until")))


def _format_timerange(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if not isinstance(value, Mapping):
        return _time_text(value)
    text = _range_text(_time_text(value.get("value")), _time_text(value.get("until")))
    # v1 only gives a numeric timezone_id, which means nothing to a reader: it is left out.
    zone = value.get("timezone_name")
    return f"{text} ({zone})" if text and zone else text


def _format_monetary(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if isinstance(value, Mapping):
        return format_money(value.get("value"), value.get("currency"), context)
    return format_money(value, None, context)


def _format_address(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if not isinstance(value, Mapping):
        return _readable(value)
    # "value" is what the user entered or picked; Pipedrive shows it as the address.
    for key in ("value", "formatted_address"):
        if not is_empty_value(value.get(key)):
            return _readable(value[key])
    parts = {part: _readable(value.get(part)).strip() for part in ADDRESS_PARTS}
    street = " ".join(p for p in (parts["street_number"], parts["route"]) if p)
    town = " ".join(p for p in (parts["postal_code"], parts["locality"]) if p)
    pieces = [street, parts["subpremise"], parts["sublocality"], town]
    pieces += [parts["admin_area_level_2"], parts["admin_area_level_1"], parts["country"]]
    return ", ".join(p for p in pieces if p)


def _option_text(definition: FieldDefinition | None, item: Any) -> str:
    if isinstance(item, Mapping):
        # include_option_labels=true sends {id, label}: the label is as fresh as the record.
        if not is_empty_value(item.get("label")):
            return _readable(item["label"])
        if is_empty_value(item.get("id", item.get("value"))):
            return _readable(item)
        item = item.get("id", item.get("value"))
    if definition is not None:
        label = definition.option_label(item)
        if label is not None:
            return label or f"Option {item}"
    return f"(deleted option {item})"


def _format_enum(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if isinstance(value, list):
        return _format_set(definition, value, context)
    return _option_text(definition, value)


def _format_set(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    items = value if isinstance(value, list) else [value]
    return ", ".join(_option_text(definition, item) for item in items if not is_empty_value(item))


def _format_options(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    # varchar_options is undocumented: use option labels when the definition has options.
    if definition is not None and definition.options:
        return _format_set(definition, value, context)
    return _readable(value)


def _reference(item: Any, names: Mapping[int, str], noun: str) -> str:
    """A referenced record's name: inline name, then the lookup, then "User #5"."""
    if isinstance(item, Mapping):
        for key in ("name", "label", "title"):
            if not is_empty_value(item.get(key)):
                return _readable(item[key])
        item = item.get("id", item.get("value"))
    if is_empty_value(item):
        return ""
    ident = _as_int(item)
    if ident is not None and names.get(ident):
        return names[ident]
    return f"{noun} #{item}"


def _references(value: Any, names: Mapping[int, str], noun: str) -> str:
    items = value if isinstance(value, list) else [value]
    return ", ".join(text for text in (_reference(i, names, noun) for i in items) if text)


def _format_user(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _references(value, context.users, "User")


def _format_org(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _references(value, context.organizations, "Organization")


def _format_people(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _references(value, context.persons, "Person")


def _entity(noun: str) -> Formatter:
    """A formatter for references the context cannot name (deals, stages…): "Deal #12"."""

    def one(item: Any) -> str:
        if isinstance(item, Mapping):
            return _reference(item, {}, noun)
        if _as_int(item) is not None or (isinstance(item, str) and _UUID.match(item)):
            return f"{noun} #{item}"
        return _readable(item)

    def format_entity(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
        items = value if isinstance(value, list) else [value]
        return ", ".join(text for text in map(one, items) if text)

    return format_entity


def visibility_label(value: Any, groups: bool = False) -> str:
    """Words for a ``visible_to`` number: 1 → "Owner & followers", 3 → "Entire company"…

    ``groups`` selects the meanings on plans with visibility groups (1 → "Owner only",
    3 → "Owner's visibility group"…). Unknown numbers come back as "Visibility 9".
    """
    number = _as_int(value)
    table = _VISIBILITY_GROUPS if groups else _VISIBILITY
    if number in table:
        return table[number]
    return f"Visibility {_readable(value)}"


def _format_visible_to(
    definition: FieldDefinition | None, value: Any, context: FieldContext
) -> str:
    # The account's own wording, when the definition lists it, beats the generic table.
    label = definition.option_label(value) if definition is not None else None
    if label:
        return label
    return visibility_label(value, context.visibility_groups)


def _format_words(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    # Codes such as "won" or "one_time" (status, billing_frequency) read better as words.
    if isinstance(value, str):
        words = value.replace("_", " ").strip()
        return words[:1].upper() + words[1:]
    return _readable(value)


def _format_json(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _format_fallback(definition: FieldDefinition | None, value: Any, context: FieldContext) -> str:
    return _readable(value)


#: Formatters by ``field_type``; every type listed in the v1 and v2 specs has an entry.
FORMATTERS: dict[str, Formatter] = {
    "address": _format_address,
    "boolean": _format_boolean,
    "date": _format_date,
    "daterange": _format_daterange,
    "double": _format_number,
    "enum": _format_enum,
    "int": _format_number,
    "json": _format_json,
    "monetary": _format_monetary,
    "org": _format_org,
    "people": _format_people,
    "phone": _format_text,
    "set": _format_set,
    "text": _format_text,
    "time": _format_time,
    "timerange": _format_timerange,
    "user": _format_user,
    "varchar": _format_text,
    "varchar_auto": _format_text,
    "varchar_options": _format_options,
    "visible_to": _format_visible_to,
    "status": _format_words,
    "billing_frequency": _format_words,
    "activity": _entity("Activity"),
    "deal": _entity("Deal"),
    "deals": _entity("Deal"),
    "lead": _entity("Lead"),
    "picture": _entity("Picture"),
    "pipeline": _entity("Pipeline"),
    "price_list": _entity("Price list"),
    "product": _entity("Product"),
    "project": _entity("Project"),
    "projects_board": _entity("Project board"),
    "projects_phase": _entity("Project phase"),
    "stage": _entity("Stage"),
}


def format_value(
    definition: FieldDefinition | None, raw_value: Any, context: FieldContext | None = None
) -> str:
    """A field value as plain text; "" when the value is empty.

    ``raw_value`` may be in the v2 shape or a v1 root value (a set's CSV string…); companions of
    a v1 value must already be merged (see :func:`~pipedrive_tui.fields.values.extract_values`).
    Without a definition the type is guessed from the value's shape. The result never holds
    control characters or escape sequences.
    """
    context = context or FieldContext()
    field_type = definition.field_type if definition is not None else infer_field_type(raw_value)
    value = normalize_value(field_type, raw_value)
    if is_empty_value(value):
        return ""
    formatter = FORMATTERS.get(field_type, _format_fallback)
    try:
        text = formatter(definition, value, context)
    except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError):
        # A value of an unexpected shape must not take the detail screen down with it.
        text = _readable(value)
    return clean_text(text).strip()
