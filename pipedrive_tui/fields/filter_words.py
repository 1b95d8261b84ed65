"""Saved-filter conditions in words: "Value is more or equal to €50,000 and Stage is Sales › Won".

A condition names its field by the numeric id of the field in its object's field list, an
operator such as ``>=`` or ``LIKE '%$%'`` and a value that is a raw id, number, date or text. The
:class:`FilterVocabulary` holds what is needed to say that in words: the field lists, the names of
users, stages, pipelines, persons and organizations, the currencies, and the filter helpers of
``GET /filters/helpers`` (operator labels per field type, relative-date labels).

Everything here is data from Pipedrive (names, labels, values), so every piece is cleaned with
:func:`~pipedrive_tui.fields.text.clean_line`; the results are plain text, never markup. What is
not understood is shown as it is rather than dropped: an unknown field is "Field #60 (13deef86…)",
an unknown operator stays "~~".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipedrive_tui.api.models import Currency, FieldDefinition, FilterCondition, FilterConditions
from pipedrive_tui.fields.catalog import is_custom_key, key_fragment
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import visibility_label
from pipedrive_tui.fields.numbers import format_money, format_number, to_decimal
from pipedrive_tui.fields.text import clean_line

__all__ = [
    "EMPTY_OPERATORS",
    "FilterVocabulary",
    "FilterWords",
    "condition_words",
    "filter_words",
    "object_name",
    "operator_key",
    "operator_labels",
    "relative_dates",
    "value_kind",
]

#: The operators that take no value.
EMPTY_OPERATORS = frozenset({"IS NULL", "IS NOT NULL"})

# Other spellings of condition objects (filter types, plurals) and the canonical name.
_OBJECT_ALIASES = {
    "org": "organization",
    "organizations": "organization",
    "people": "person",
    "persons": "person",
    "deals": "deal",
    "leads": "lead",
    "products": "product",
    "activities": "activity",
}
_OBJECT_TITLES = {
    name: name.capitalize()
    for name in ("deal", "lead", "person", "organization", "product", "activity")
}

# System fields whose operators depend on what they hold, not on their field_type (the demo's
# pipeline_id is an "int" field, yet its values are pipeline ids).
_KEY_OPERATORS = {
    "stage_id": "stage",
    "pipeline_id": "pipeline",
    **dict.fromkeys(("user_id", "owner_id", "creator_user_id"), "user"),
    "status": "status",
    "currency": "currency",
    "title": "title",
    "org_id": "organization",
    "organization_id": "organization",
    "person_id": "person",
    "visible_to": "visible_to",
    "deal_id": "deal",
    "product_id": "product",
}
# field_type → key of helpers["operators"]. Text-like types use the varchar operators; boolean
# (v2 deal fields) has no table of its own, and the enum one (=, !=, empty) fits a yes/no.
_TYPE_OPERATORS = {
    **{name: name for name in ("int", "double", "monetary", "date", "time", "daterange")},
    **{name: name for name in ("timerange", "varchar", "enum", "set", "user", "stage")},
    **{name: name for name in ("status", "visible_to", "currency", "pipeline", "deal")},
    **{name: name for name in ("product", "entered_stage", "person", "organization")},
    "org": "organization",
    "people": "person",
    **dict.fromkeys(("text", "varchar_auto", "varchar_options", "phone", "address"), "varchar"),
    "boolean": "enum",
}
# Key of helpers["operators"] → what a condition's value is (see value_kind).
_KINDS = {
    **dict.fromkeys(("int", "double"), "number"),
    "monetary": "money",
    **dict.fromkeys(("date", "entered_stage", "daterange"), "date"),
    **dict.fromkeys(("time", "timerange"), "time"),
    **dict.fromkeys(("varchar", "title"), "text"),
    **dict.fromkeys(("enum", "set"), "option"),
    **{name: name for name in ("user", "stage", "pipeline", "status", "currency")},
    **{name: name for name in ("visible_to", "person", "organization", "deal", "product")},
}
# Labels for operators when the helpers have no table for the field (not loaded yet, or an
# unknown field): the spec's write operators and the deprecated text ones.
_GENERIC_LABELS = {
    "=": "is",
    "!=": "is not",
    "<": "is less than",
    ">": "is more than",
    "<=": "is less or equal to",
    ">=": "is more or equal to",
    "IS NULL": "is empty",
    "IS NOT NULL": "is not empty",
    "LIKE '%$%'": "contains",
    "LIKE '$%'": "starts with",
    "NOT LIKE '$%'": "does not start with",
    "NOT LIKE '%$%'": "does not contain",
    "LIKE '%$'": "ends with",
    "NOT LIKE '%$'": "does not end with",
}
# Value kinds that name a record by id, and the noun for an id with no name.
_NOUNS = {
    kind: kind.capitalize()
    for kind in ("user", "stage", "pipeline", "person", "organization", "deal", "product")
}
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})


def object_name(obj: Any) -> str:
    """The canonical condition object: "org" → "organization", "people" → "person"."""
    text = str(obj or "").strip().lower()
    return _OBJECT_ALIASES.get(text, text)


@dataclass(frozen=True)
class FilterVocabulary:
    """What :func:`condition_words` needs to name fields, records, options and operators.

    ``fields`` holds field lists by condition object ("deal", "lead", "person", "organization",
    "product", "activity"; "org" is read as "organization"). The id → name maps are for users,
    stages (written as the caller likes, e.g. "Sales › Proposal made"), pipelines, persons and
    organizations. ``currencies`` and ``default_currency`` format amounts; ``helpers`` is the
    ``data`` of ``GET /filters/helpers`` (operator labels, relative dates).
    """

    fields: Mapping[str, Sequence[FieldDefinition]] = field(default_factory=dict)
    users: Mapping[int, str] = field(default_factory=dict)
    stages: Mapping[int, str] = field(default_factory=dict)
    pipelines: Mapping[int, str] = field(default_factory=dict)
    persons: Mapping[int, str] = field(default_factory=dict)
    organizations: Mapping[int, str] = field(default_factory=dict)
    currencies: Mapping[str, Currency] = field(default_factory=dict)
    helpers: Mapping[str, Any] = field(default_factory=dict)
    #: The currency of monetary conditions (they carry none); the user's default currency.
    default_currency: str | None = None

    def field_list(self, obj: str) -> Sequence[FieldDefinition]:
        """The fields of a condition object, whichever spelling the mapping is keyed by."""
        wanted = object_name(obj)
        for key, found in self.fields.items():
            if object_name(key) == wanted:
                return found
        return ()

    def definition(self, obj: str, field_id: Any) -> FieldDefinition | None:
        """The definition of a condition's field, by object and numeric id."""
        wanted = str(field_id).strip()
        return next((d for d in self.field_list(obj) if str(d.id) == wanted), None)


def operator_key(definition: FieldDefinition) -> str:
    """The key of ``helpers["operators"]`` that lists a field's operators.

    System fields go by their key (``stage_id`` → "stage", ``owner_id`` → "user", ``title`` →
    "title"…), other fields by their type (``org`` → "organization", ``phone`` → "varchar"…);
    an unknown type is treated as text ("varchar").
    """
    if not definition.is_custom_field and definition.key in _KEY_OPERATORS:
        return _KEY_OPERATORS[definition.key]
    return _TYPE_OPERATORS.get(definition.field_type, "varchar")


def value_kind(definition: FieldDefinition, operator: str) -> str:
    """What a condition's value is, so an editor can offer the right input.

    One of "none" (``IS NULL``/``IS NOT NULL``), "number", "money", "date" (``YYYY-MM-DD`` or a
    relative-date key), "time", "text", "option" (an option id of an enum or set field), "boolean"
    ("1"/"0"), "team" (``belongs_to_team``), or the id of a "user", "stage", "pipeline", "person",
    "organization", "deal" or "product"; or "status", "currency", "visible_to".
    """
    if operator in EMPTY_OPERATORS:
        return "none"
    if definition.field_type == "boolean":
        return "boolean"
    if operator == "belongs_to_team":
        return "team"
    return _KINDS.get(operator_key(definition), "text")


def _label_table(table: Any) -> dict[str, str]:
    """Operator → label from a helpers table: a map, or (``enum``) a list of one-entry maps."""
    entries: list[Mapping[Any, Any]] = []
    if isinstance(table, Mapping):
        entries = [table]
    elif isinstance(table, list):
        entries = [entry for entry in table if isinstance(entry, Mapping)]
    return {str(op): clean_line(str(label)) for entry in entries for op, label in entry.items()}


def operator_labels(helpers: Mapping[str, Any], key: str) -> dict[str, str]:
    """The operators the helpers offer for an operator key, with their labels, in their order."""
    operators = helpers.get("operators")
    return _label_table(operators.get(key)) if isinstance(operators, Mapping) else {}


def relative_dates(helpers: Mapping[str, Any]) -> dict[str, str]:
    """Every relative-date key of the helpers ("today", "last_quarter"…) with its label."""
    groups = helpers.get("relative_dates")
    out: dict[str, str] = {}
    if not isinstance(groups, Mapping):
        return out
    for name, group in groups.items():
        if isinstance(group, Mapping):
            out.update(_label_table(group))
        elif isinstance(group, str):  # a flat map, should the grouping ever go
            out[str(name)] = clean_line(group)
    return out


def _label(operator: str, key: str | None, helpers: Mapping[str, Any]) -> str | None:
    """The words for an operator on a field (``None``: the operator is unknown there)."""
    table = operator_labels(helpers, key) if key is not None else {}
    if operator in table:
        return table[operator]
    deprecated = _label_table(helpers.get("deprecated_operators"))
    if operator in deprecated:
        return deprecated[operator]
    if not table:
        return _GENERIC_LABELS.get(operator)
    return None


def _text(value: Any) -> str:
    return "" if value is None else clean_line(str(value))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _field_name(definition: FieldDefinition | None, condition: FilterCondition) -> str:
    if definition is not None:
        name = clean_line(definition.name) or clean_line(definition.key)
        if name:
            return name
    name = f"Field #{_text(condition.field_id) or '?'}"
    code = condition.field_code or (definition.key if definition is not None else None)
    if code:
        name += f" ({key_fragment(code) if is_custom_key(code) else clean_line(code)})"
    return name


def _money(value: Any, vocab: FilterVocabulary) -> str:
    number = to_decimal(value)
    code = clean_line(vocab.default_currency or "").upper()
    if number is None:
        return _text(value)
    if number != number.to_integral_value():
        return format_money(number, code or None, FieldContext(currencies=vocab.currencies))
    # A threshold such as 50000 reads better without cents: "€50,000".
    if not code:
        return f"{int(number):,}"
    known = vocab.currencies.get(code)
    whole = (known or Currency(code=code)).model_copy(update={"decimal_points": 0})
    return format_money(number, code, FieldContext(currencies={code: whole}))


def _option(definition: FieldDefinition, value: Any) -> str:
    raw = _text(value)
    parts = raw.split(",") if definition.field_type == "set" and "," in raw else [raw]
    labels = []
    for part in (p.strip() for p in parts):
        label = definition.option_label(part)
        labels.append(clean_line(label) if label else f"option {part}")
    return ", ".join(labels)


def _value_words(
    kind: str, value: Any, definition: FieldDefinition, vocab: FilterVocabulary
) -> str:
    """A condition's value in words, for a known field and operator."""
    if value is None or value == "":
        return "(no value)"
    text = _text(value)
    if kind == "number":
        return format_number(value)
    if kind == "money":
        return _money(value, vocab)
    if kind == "date":
        return relative_dates(vocab.helpers).get(text, text)
    if kind == "text":
        return f"“{text}”"
    if kind == "option":
        return _option(definition, value) if definition.options else text
    if kind in ("status", "visible_to"):
        label = definition.option_label(text)
        if label:
            return clean_line(label)
        return visibility_label(text) if kind == "visible_to" else text
    if kind == "boolean":
        lowered = text.lower()
        return "yes" if lowered in _TRUE else "no" if lowered in _FALSE else text
    if kind == "team":
        return f"#{text}"
    if kind in _NOUNS:
        names: Mapping[int, str] = {
            "user": vocab.users,
            "stage": vocab.stages,
            "pipeline": vocab.pipelines,
            "person": vocab.persons,
            "organization": vocab.organizations,
        }.get(kind, {})
        number = _as_int(value)
        name = names.get(number) if number is not None else None
        return clean_line(name) if name else f"{_NOUNS[kind]} #{text}"
    return text  # time, currency, and anything new: as given


def condition_words(
    condition: FilterCondition, vocab: FilterVocabulary, *, main_object: str | None = None
) -> str:
    """One condition as a phrase: "Stage is Sales › Proposal made", "Title contains “renewal”".

    ``main_object`` is the object the filter lists ("deal", or the filter type "deals"): a
    condition on another object is prefixed with it ("Person › Email contains “@acme”").
    """
    obj = object_name(condition.object)
    definition = vocab.definition(obj, condition.field_id)
    name = _field_name(definition, condition)
    if main_object is not None and obj != object_name(main_object):
        name = f"{_OBJECT_TITLES.get(obj) or _text(obj).capitalize() or '?'} › {name}"
    operator = "" if condition.operator is None else str(condition.operator)
    extra = condition.extra_value
    if definition is not None and definition.field_type == "address" and extra:
        # An address condition reads one part of the address (helpers' address components).
        parts = _label_table(vocab.helpers.get("address_field_components"))
        if str(extra) in parts:
            name, extra = f"{name} ({parts[str(extra)]})", None
    key = operator_key(definition) if definition is not None else None
    label = _label(operator, key, vocab.helpers)
    if label is None:
        shown = (name, _text(operator) or "?", _text(condition.value))
        words = " ".join(part for part in shown if part)
    elif operator in EMPTY_OPERATORS:
        words = f"{name} {label}"
    elif definition is None:
        words = f"{name} {label} {_text(condition.value) or '(no value)'}"
    else:
        kind = value_kind(definition, operator)
        words = f"{name} {label} {_value_words(kind, condition.value, definition, vocab)}"
    if extra is not None and _text(extra):
        words += f" (extra value: {_text(extra)})"
    return words


@dataclass(frozen=True)
class FilterWords:
    """A filter's conditions as phrases: all of ``all_of`` and, when given, any of ``any_of``."""

    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    def sentence(self) -> str:
        """One line: "A and B, and any of: C or D"; "No conditions: every record." when empty."""
        every, alternatives = list(self.all_of), list(self.any_of)
        if len(alternatives) == 1:  # any of one condition is that condition
            every, alternatives = every + alternatives, []
        if not every and not alternatives:
            return "No conditions: every record."
        if not alternatives:
            return " and ".join(every)
        anyone = " or ".join(alternatives)
        return f"{' and '.join(every)}, and any of: {anyone}" if every else f"Any of: {anyone}"


def _grouped(glue: str, words: list[str]) -> str:
    return words[0] if len(words) == 1 else "(" + f" {glue} ".join(words) + ")"


def filter_words(
    conditions: FilterConditions | None,
    vocab: FilterVocabulary,
    *,
    main_object: str | None = None,
) -> FilterWords:
    """A filter's conditions tree in words.

    Pipedrive's trees are an "and" of an "and" group and an "or" group; anything else is still
    said faithfully: "and" groups join ``all_of``, the first "or" group becomes ``any_of``, and
    any further group becomes one bracketed phrase of ``all_of`` ("(A or B)"). A top level
    glued with "or" turns every group into one alternative of ``any_of``. ``main_object``
    defaults to the object of the first condition.
    """
    if conditions is None:
        return FilterWords()
    lines = [line for group in conditions.conditions for line in group.conditions]
    if main_object is None and lines:
        main_object = lines[0].object
    groups = [
        (
            _text(group.glue).lower() or "and",
            [condition_words(line, vocab, main_object=main_object) for line in group.conditions],
        )
        for group in conditions.conditions
        if group.conditions
    ]
    if _text(conditions.glue).lower() == "or" and len(groups) > 1:
        return FilterWords(any_of=tuple(_grouped(glue, words) for glue, words in groups))
    all_of: list[str] = []
    any_of: list[str] | None = None
    for glue, words in groups:
        if glue == "and":
            all_of.extend(words)
        elif glue == "or" and any_of is None:
            any_of = words
        else:
            all_of.append(_grouped(glue, words))
    return FilterWords(all_of=tuple(all_of), any_of=tuple(any_of or ()))
