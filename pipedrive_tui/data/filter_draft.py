"""An editable saved filter for a condition builder: conditions in, Pipedrive's JSON out.

A :class:`FilterDraft` holds a filter's name, type and its two condition groups the way Pipedrive
stores them (``POST``/``PUT /filters``): every condition of ``all_of`` must hold, and at least one
of ``any_of`` when it has any. :func:`validate` says in words what would stop Pipedrive from
saving it; :func:`operators_for` and :func:`value_kind` tell an editor what to offer for a field.
Pure: no I/O; the helpers are the ``data`` of ``GET /filters/helpers``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pipedrive_tui.api.models import FieldDefinition, Filter, FilterCondition
from pipedrive_tui.fields.filter_words import (
    EMPTY_OPERATORS,
    object_name,
    operator_key,
    operator_labels,
    relative_dates,
    value_kind,
)
from pipedrive_tui.fields.numbers import to_decimal
from pipedrive_tui.fields.text import clean_line

__all__ = [
    "MAX_CONDITIONS",
    "OBJECT_OF_TYPE",
    "WRITE_OPERATORS",
    "DraftCondition",
    "FilterDraft",
    "filterable",
    "operator_key",
    "operators_for",
    "validate",
    "value_kind",
]

#: Pipedrive's limit of conditions per filter.
MAX_CONDITIONS = 16
#: The condition object of each filter type.
OBJECT_OF_TYPE = {
    "deals": "deal",
    "leads": "lead",
    "people": "person",
    "org": "organization",
    "products": "product",
    "activity": "activity",
}
#: The operators ``POST``/``PUT /filters`` accepts (the spec's list; the demo refuses others). The
#: helpers also list ``has_been``, ``contains``, ``ends_at``…: a filter cannot be saved with those.
WRITE_OPERATORS = frozenset(
    {"IS NOT NULL", "IS NULL", "<=", ">=", "<", ">", "!=", "=", "LIKE '$%'", "LIKE '%$%'"}
    | {"NOT LIKE '$%'"}
)

_BOOLEANS = frozenset({"1", "0", "true", "false"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
# Value kinds that hold a record's id, and what to ask for when the id is missing.
_PICKS = {
    "user": "choose a user",
    "stage": "choose a stage",
    "pipeline": "choose a pipeline",
    "person": "choose a person",
    "organization": "choose an organization",
    "deal": "choose a deal",
    "product": "choose a product",
    "team": "choose a team",
}
_ASKS = {
    "number": "type a number",
    "money": "type an amount",
    "date": "type a date (YYYY-MM-DD) or choose a relative date",
    "time": "type a time (HH:MM)",
    "text": "type some text",
    "option": "choose an option",
    "status": "choose a status",
    "currency": "choose a currency",
    "visible_to": "choose who can see it",
    "boolean": "choose yes or no",
    **_PICKS,
}


def _wire(value: Any) -> str | None:
    """A condition value as Pipedrive stores it: a string, or null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


@dataclass
class DraftCondition:
    """One condition line being edited: ``object.field_id operator value``."""

    object: str
    field_id: str
    operator: str
    value: Any = None
    extra_value: Any = None

    @classmethod
    def from_condition(cls, condition: FilterCondition) -> DraftCondition:
        """A draft line from a saved condition."""
        return cls(
            object=condition.object,
            field_id=str(condition.field_id),
            operator=condition.operator,
            value=condition.value,
            extra_value=condition.extra_value,
        )

    def to_json(self) -> dict[str, Any]:
        """The condition object of ``POST /filters``: values as strings, none for empty tests."""
        empty = self.operator in EMPTY_OPERATORS
        return {
            "object": self.object,
            "field_id": str(self.field_id),
            "operator": self.operator,
            "value": None if empty else _wire(self.value),
            "extra_value": _wire(self.extra_value),
        }


@dataclass
class FilterDraft:
    """A filter being edited: every ``all_of`` condition, and any one of ``any_of``."""

    name: str
    type: str
    all_of: list[DraftCondition] = field(default_factory=list)
    any_of: list[DraftCondition] = field(default_factory=list)

    @classmethod
    def new(cls, filter_type: str) -> FilterDraft:
        """An empty draft of a filter type ("deals", "leads"…)."""
        return cls(name="", type=filter_type)

    @classmethod
    def from_filter(cls, saved: Filter) -> FilterDraft:
        """A draft of a saved filter (fetched with its conditions).

        Pipedrive's trees are an "and" of one "and" group and one "or" group. A tree of another
        shape is folded: every "and" group into ``all_of``, every other group into ``any_of``.
        """
        draft = cls(name=saved.name, type=saved.type)
        for group in saved.conditions.conditions if saved.conditions else []:
            target = draft.all_of if group.glue.lower() == "and" else draft.any_of
            target.extend(DraftCondition.from_condition(line) for line in group.conditions)
        return draft

    @property
    def object(self) -> str:
        """The condition object of this filter's type ("deal" for deals)."""
        return OBJECT_OF_TYPE.get(self.type, self.type)

    @property
    def count(self) -> int:
        """How many conditions the draft holds."""
        return len(self.all_of) + len(self.any_of)

    def conditions(self) -> list[DraftCondition]:
        """Every condition, ``all_of`` first: the numbering of :func:`validate`'s messages."""
        return [*self.all_of, *self.any_of]

    def to_conditions(self) -> dict[str, Any]:
        """The ``conditions`` body of ``POST``/``PUT /filters``."""
        return {
            "glue": "and",
            "conditions": [
                {"glue": "and", "conditions": [line.to_json() for line in self.all_of]},
                {"glue": "or", "conditions": [line.to_json() for line in self.any_of]},
            ],
        }

    def copy(self) -> FilterDraft:
        """An independent copy (editing it leaves this draft as it is)."""
        return FilterDraft(
            name=self.name,
            type=self.type,
            all_of=[replace(line) for line in self.all_of],
            any_of=[replace(line) for line in self.any_of],
        )


def operators_for(
    definition: FieldDefinition, helpers: Mapping[str, Any], *, writable: bool = True
) -> list[tuple[str, str]]:
    """The operators to offer for a field, as ``(operator, label)`` in the helpers' order.

    With ``writable`` (the default), only those a filter can be saved with (``WRITE_OPERATORS``).
    """
    labels = operator_labels(helpers, operator_key(definition))
    return [(op, label) for op, label in labels.items() if not writable or op in WRITE_OPERATORS]


def filterable(
    definitions: Sequence[FieldDefinition], helpers: Mapping[str, Any] | None = None
) -> list[FieldDefinition]:
    """The fields a condition can use: an id, filtering allowed, and (given helpers) operators."""
    return [
        d
        for d in definitions
        if d.id is not None
        and d.filtering_allowed is not False
        and (helpers is None or operators_for(d, helpers))
    ]


def _fields_of(
    fields: Sequence[FieldDefinition] | Mapping[str, Sequence[FieldDefinition]], obj: str
) -> Sequence[FieldDefinition]:
    if isinstance(fields, Mapping):
        for key, found in fields.items():
            if object_name(key) == object_name(obj):
                return found
        return ()
    return fields


def _value_problem(
    kind: str, value: Any, definition: FieldDefinition, relative: Mapping[str, str]
) -> str | None:
    """What is wrong with a condition's value, or ``None``."""
    if kind == "none":
        return None
    text = "" if value is None else clean_line(str(value))
    if not text:
        return _ASKS.get(kind, "type a value")
    if kind in ("number", "money") and to_decimal(value) is None:
        return f"“{text}” is not a number"
    if kind == "date" and text not in relative and not _is_date(text):
        return f"“{text}” is not a date (YYYY-MM-DD) or a relative date"
    if kind == "time" and not _TIME.match(text):
        return f"“{text}” is not a time (HH:MM)"
    if kind == "boolean" and text.lower() not in _BOOLEANS:
        return _ASKS[kind]
    if kind in ("option", "status", "visible_to") and definition.options:
        parts = text.split(",") if definition.field_type == "set" else [text]
        for part in (p.strip() for p in parts):
            if definition.option_label(part) is None:
                return f"option {part} does not exist"
    if kind in _PICKS and not text.isdigit():
        return _PICKS[kind]
    return None


def _is_date(text: str) -> bool:
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate(
    draft: FilterDraft,
    fields: Sequence[FieldDefinition] | Mapping[str, Sequence[FieldDefinition]],
    helpers: Mapping[str, Any],
) -> list[str]:
    """What would stop Pipedrive from saving the draft, in words; empty when it can be saved.

    ``fields`` are the fields of the draft's object, or field lists by object. Each message
    about a condition names it: "Condition 3 (Value): type a number".
    """
    problems: list[str] = []
    if not draft.name.strip():
        problems.append("Type a name for the filter")
    if draft.count == 0:
        problems.append("Add at least one condition")
    if draft.count > MAX_CONDITIONS:
        problems.append(
            f"A filter can have at most {MAX_CONDITIONS} conditions; this one has {draft.count}"
        )
    relative = relative_dates(helpers)
    for number, line in enumerate(draft.conditions(), start=1):
        field_id = clean_line(str(line.field_id))
        definition = next(
            (d for d in _fields_of(fields, line.object) if str(d.id) == field_id), None
        )
        if definition is None:
            problems.append(
                f"Condition {number} (Field #{field_id}): no such field; choose another"
                if field_id
                else f"Condition {number}: choose a field"
            )
            continue
        where = f"Condition {number} ({clean_line(definition.name) or f'Field #{field_id}'})"
        if definition.filtering_allowed is False:
            problems.append(f"{where}: Pipedrive does not filter on this field")
            continue
        operator = clean_line(str(line.operator))
        offered = operator_labels(helpers, operator_key(definition))
        if line.operator not in offered:
            problems.append(f"{where}: “{operator}” is not an operator of this field")
            continue
        if line.operator not in WRITE_OPERATORS:
            problems.append(f"{where}: a filter cannot be saved with “{offered[line.operator]}”")
            continue
        kind = value_kind(definition, line.operator)
        problem = _value_problem(kind, line.value, definition, relative)
        if problem:
            problems.append(f"{where}: {problem}")
    return problems
