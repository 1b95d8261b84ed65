"""Name fields: map hash keys to definitions and give every field a unique display name.

Naming rules:

* Fields keep the name Pipedrive gives them, cleaned of control characters and folded onto one
  line.
* Several fields may share a name (Pipedrive allows it, e.g. two "Region" fields). The first
  keeps the plain name, the others get " (2)", " (3)"… Names are compared case-insensitively.
  "First" follows a stable order: built-in fields before custom fields, then by field ``id``
  when the definitions carry one (v1: creation order), then in the order Pipedrive lists them
  (v2 definitions have no id). A field added later thus gets the suffix, not an older one.
* A field with an empty name shows as "Unnamed field (abcd1234…)".
* A key with no definition (a field deleted since the record was saved, or a stale cache)
  shows as "Unknown field (abcd1234…)": the first 8 characters of the key, enough to tell two
  such fields apart and to find them in Pipedrive's settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipedrive_tui.api.models import CUSTOM_KEY, FieldDefinition
from pipedrive_tui.fields.text import clean_line

__all__ = ["FieldCatalog", "is_custom_key", "key_fragment", "unknown_field_name"]


def is_custom_key(key: str) -> bool:
    """Whether ``key`` looks like a custom field's key: 40 lowercase hex characters."""
    return bool(CUSTOM_KEY.match(key))


def key_fragment(key: str) -> str:
    """The first 8 characters of a key, with "…" when it was longer; safe to display."""
    key = clean_line(key)
    return key if len(key) <= 8 else key[:8] + "…"


def unknown_field_name(key: str) -> str:
    """The display name of a key with no definition, e.g. "Unknown field (abcd1234…)"."""
    return f"Unknown field ({key_fragment(key)})"


def _sort_key(item: tuple[int, FieldDefinition]) -> tuple[bool, float, int]:
    position, definition = item
    field_id = float("inf") if definition.id is None else float(definition.id)
    return (definition.is_custom_field, field_id, position)


class FieldCatalog:
    """The field definitions of one kind of record (deals, persons, organizations or leads).

    Definitions keep the order they were given in, sorted by ``order_nr`` when the definitions
    carry one; :meth:`position` exposes it so values can be listed in the same order as in
    Pipedrive. A key listed twice keeps its first definition.
    """

    def __init__(self, definitions: Iterable[FieldDefinition]) -> None:
        """Index ``definitions`` by key and work out their display names."""
        by_key: dict[str, FieldDefinition] = {}
        for definition in definitions:
            by_key.setdefault(definition.key, definition)
        given = list(by_key.values())
        # sorted() is stable, so definitions without order_nr keep their relative order.
        ordered = sorted(
            given,
            key=lambda d: float("inf") if d.order_nr is None else float(d.order_nr),
        )
        self._definitions: dict[str, FieldDefinition] = {d.key: d for d in ordered}
        self._positions: dict[str, int] = {key: i for i, key in enumerate(self._definitions)}
        self._names = self._display_names(given)

    @staticmethod
    def _display_names(definitions: list[FieldDefinition]) -> dict[str, str]:
        taken: set[str] = set()
        names: dict[str, str] = {}
        # Plain names are claimed before any suffix is handed out, so that a field really named
        # "Region (2)" keeps its name and the second "Region" becomes "Region (3)".
        pending: list[tuple[str, str]] = []
        for _, definition in sorted(enumerate(definitions), key=_sort_key):
            base = clean_line(definition.name)
            if not base:
                base = f"Unnamed field ({key_fragment(definition.key)})"
            if base.casefold() in taken:
                pending.append((definition.key, base))
                continue
            taken.add(base.casefold())
            names[definition.key] = base
        for key, base in pending:
            number = 2
            while f"{base} ({number})".casefold() in taken:
                number += 1
            name = f"{base} ({number})"
            taken.add(name.casefold())
            names[key] = name
        return names

    def __contains__(self, key: object) -> bool:
        """Whether a definition exists for ``key``."""
        return key in self._definitions

    def __iter__(self) -> Iterator[FieldDefinition]:
        """The definitions, in display order."""
        return iter(self._definitions.values())

    def __len__(self) -> int:
        """The number of definitions."""
        return len(self._definitions)

    def get(self, key: str) -> FieldDefinition | None:
        """The definition of ``key``, or ``None`` for an unknown (e.g. deleted) field."""
        return self._definitions.get(key)

    def name(self, key: str) -> str:
        """The unique display name of ``key``; unknown keys get "Unknown field (abcd1234…)"."""
        return self._names.get(key) or unknown_field_name(key)

    def position(self, key: str) -> int | None:
        """The display position of ``key``, or ``None`` when the key is unknown."""
        return self._positions.get(key)

    def is_custom(self, key: str) -> bool:
        """Whether ``key`` is a custom field; unknown 40-hex keys count as custom."""
        definition = self._definitions.get(key)
        if definition is not None:
            return definition.is_custom_field
        return is_custom_key(key)

    def custom_fields(self) -> list[FieldDefinition]:
        """The custom field definitions, in display order."""
        return [d for d in self._definitions.values() if d.is_custom_field]

    def builtin_fields(self) -> list[FieldDefinition]:
        """The built-in (system) field definitions, in display order."""
        return [d for d in self._definitions.values() if not d.is_custom_field]
