"""Read custom-field values in both API shapes and normalise them to the v2 shape.

v2 records keep custom values in ``custom_fields`` with composite values as objects::

    {"<hash>": {"value": 2300, "currency": "EUR"}, "<hash2>": [11, 12]}

v1 records (leads, v1 deals) keep them flat at the record's root, with companion keys that are
not fields of their own::

    {"<hash>": 2300, "<hash>_currency": "EUR", "<hash2>": "11,12"}

:func:`extract_values` accepts either (a ``Lead.custom_fields`` dict, a v2 ``custom_fields``
dict, or the hash-keyed keys of a v1 record picked by :func:`v1_custom_fields`) and returns one
entry per field, companions folded into their field, values in the v2 shape:

* monetary: ``{"value": amount, "currency": code}``
* daterange / timerange: ``{"value": start, "until": end}`` plus ``timezone_name`` /
  ``timezone_id`` when given
* address: ``{"value": text, "route": …, "locality": …}``
* enum: an option id (numeric strings become ints) or ``{"id", "label"}``
* set: a list of option ids or ``{"id", "label"}`` objects (a v1 CSV string is split)
* user / org / people: an id (numeric strings become ints) or the object as given
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pipedrive_tui.api.models import FieldDefinition
from pipedrive_tui.fields.catalog import FieldCatalog, is_custom_key

__all__ = [
    "ADDRESS_PARTS",
    "COMPANION_SUFFIXES",
    "FieldValue",
    "extract_values",
    "infer_field_type",
    "is_empty_value",
    "normalize_value",
    "split_companion",
    "v1_custom_fields",
]

#: Parts of an address value, as v2 subfields and as v1 ``<key>_<part>`` companions.
ADDRESS_PARTS = (
    "subpremise",
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)

#: Suffixes of v1 companion keys: ``<key>_currency``, ``<key>_until``, address parts…
COMPANION_SUFFIXES = frozenset(
    {"currency", "until", "timezone_id", "timezone_name", *ADDRESS_PARTS}
)

# Longest first, so that a key ending in two known suffixes splits the same way every time.
_SUFFIXES_LONGEST_FIRST = tuple(sorted(COMPANION_SUFFIXES, key=lambda s: (-len(s), s)))
_RANGE_TYPES = frozenset({"daterange", "timerange"})
_ID_TYPES = frozenset({"enum", "user", "org", "people"})
# Keys of a composite value that describe the value rather than hold it: a monetary value with
# only a currency, or a range with only a time zone, is empty.
_METADATA_KEYS = frozenset({"currency", "timezone_name", "timezone_id", "type"})


class FieldValue(NamedTuple):
    """One field of a record: its definition (``None`` when unknown), key and normalised value."""

    definition: FieldDefinition | None
    key: str
    value: Any


def split_companion(key: str, keys: Mapping[str, Any] | None = None) -> tuple[str, str] | None:
    """Split a companion key into ``(base_key, suffix)``, or ``None`` for an ordinary key.

    Any ``<40-hex>_<suffix>`` key is a companion (the v1 docs say to fetch a record and list its
    keys to find them, so unknown suffixes are possible). A non-hash key is a companion only when
    its suffix is a known one and its base key is present in ``keys`` (``weighted_value`` +
    ``weighted_value_currency``); otherwise built-in keys such as ``org_name`` stay fields.
    """
    if len(key) > 41 and key[40] == "_" and is_custom_key(key[:40]):
        return key[:40], key[41:]
    if keys is None:
        return None
    for suffix in _SUFFIXES_LONGEST_FIRST:
        tail = "_" + suffix
        if key.endswith(tail) and key[: -len(tail)] in keys:
            return key[: -len(tail)], suffix
    return None


def v1_custom_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """The custom-field keys of a v1 record's root (hash keys and their companions).

    Uses the same rule as :class:`~pipedrive_tui.api.models.Lead`: the part before the first
    underscore is a 40-hex key.
    """
    return {key: value for key, value in record.items() if is_custom_key(key.split("_", 1)[0])}


def _as_id(value: Any) -> Any:
    """A numeric string becomes an int; anything else is returned unchanged."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def _split_set(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [_as_id(part) for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [_as_id(item) for item in value]
    return [_as_id(value)]


def _composite(value: Any, companions: Mapping[str, Any], default: str) -> dict[str, Any]:
    """Merge a v2 object, or a v1 root value plus its companions, into one dict."""
    if isinstance(value, Mapping):
        merged = dict(value)
    else:
        merged = {"value": value}
    for suffix, extra in companions.items():
        merged.setdefault(suffix, extra)
    merged.setdefault("value", None)
    if default:
        merged.setdefault(default, None)
    return merged


def infer_field_type(value: Any, companions: Mapping[str, Any] | None = None) -> str:
    """Guess the field type of a value without a definition (a deleted field); "" if unsure.

    Only composite shapes are recognised, since they need special formatting; a bare number or
    string is shown as it is anyway.
    """
    keys = set(companions or ())
    if isinstance(value, Mapping):
        keys |= set(value)
    if "currency" in keys:
        return "monetary"
    if "until" in keys:
        start = value.get("value") if isinstance(value, Mapping) else value
        looks_like_time = isinstance(start, str) and len(start) <= 8 and ":" in start
        return "timerange" if looks_like_time else "daterange"
    if keys & set(ADDRESS_PARTS):
        return "address"
    return ""


def normalize_value(
    field_type: str | None, value: Any, companions: Mapping[str, Any] | None = None
) -> Any:
    """Bring a raw value (v1 or v2 shape) to the v2 shape described in this module.

    ``companions`` maps v1 companion suffixes (``currency``, ``until``, address parts…) to their
    values. Without a ``field_type`` the type is inferred from the companions and value shape.
    """
    companions = companions or {}
    kind = field_type or infer_field_type(value, companions)
    if kind == "monetary":
        merged = _composite(value, companions, "currency")
        # A lead's own value names its amount "amount"; accept that spelling too.
        if isinstance(value, Mapping) and "value" not in value and "amount" in value:
            merged["value"] = merged.pop("amount")
        return merged
    if kind in _RANGE_TYPES:
        return _composite(value, companions, "until")
    if kind == "address":
        return _composite(value, companions, "")
    if kind == "set":
        return _split_set(value)
    if kind in _ID_TYPES and not isinstance(value, list):
        return _as_id(value)
    return value


def is_empty_value(value: Any) -> bool:
    """Whether a normalised value holds nothing to show.

    None, blank strings, empty lists and dicts are empty; so are lists of empty items and dicts
    whose only non-empty keys are metadata (a monetary value with a currency but no amount).
    ``0`` and ``False`` are values.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return all(is_empty_value(item) for item in value)
    if isinstance(value, Mapping):
        return all(is_empty_value(v) for k, v in value.items() if k not in _METADATA_KEYS)
    return False


def _group(custom_fields: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Companions of each base key, keyed by suffix; base keys keep the record's order."""
    groups: dict[str, dict[str, Any]] = {}
    for key, value in custom_fields.items():
        split = split_companion(key, custom_fields)
        if split is None:
            groups.setdefault(key, {})
        else:
            base, suffix = split
            groups.setdefault(base, {})[suffix] = value
    return groups


def extract_values(custom_fields: Mapping[str, Any], catalog: FieldCatalog) -> list[FieldValue]:
    """One :class:`FieldValue` per field of a record's custom-field dict, companions folded in.

    Known fields come first in the catalog's order, then unknown keys in the record's order.
    A field whose main key is missing but whose companions are present (a v1 monetary field
    with only ``<key>_currency``) is still listed, with an empty value.
    """
    entries: list[tuple[int, int, FieldValue]] = []
    for index, (key, companions) in enumerate(_group(custom_fields).items()):
        definition = catalog.get(key)
        field_type = definition.field_type if definition is not None else None
        value = normalize_value(field_type, custom_fields.get(key), companions)
        position = catalog.position(key)
        rank = position if position is not None else len(catalog) + index
        entries.append((rank, index, FieldValue(definition, key, value)))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [entry for _, _, entry in entries]
