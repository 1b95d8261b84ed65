"""Evaluating a saved filter's conditions against deals and leads, as Pipedrive applies them.

A filter's ``conditions`` is an ``and`` of groups; each group glues its conditions with ``and``
or ``or`` (an empty group puts no constraint). A condition names a field by its numeric id
(``field_id``, as a string), an operator and a value. The value is compared as a number when both
sides are numbers, as a date when the record holds a date or a timestamp (relative dates such as
``today`` or ``3_weeks_ago`` are resolved against the account's clock), as a list member for
multi-option fields and labels, and as case-insensitive text otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from pipedrive_tui.demo.store import DemoStore

__all__ = ["OPERATORS", "compile_conditions", "condition_count", "field_value"]

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

#: Every operator the demo evaluates: the spec's write list plus the deprecated text ones.
OPERATORS = (
    "=",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "IS NULL",
    "IS NOT NULL",
    "LIKE '%$%'",
    "LIKE '$%'",
    "NOT LIKE '$%'",
    "NOT LIKE '%$%'",
    "LIKE '%$'",
    "NOT LIKE '%$'",
)

#: v1 field keys whose value sits under another key on the records the demo serves.
_ALIASES = {"user_id": "owner_id", "label": "label_ids", "org_name": "org_id"}
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")
_RELATIVE = re.compile(r"^(in_)?(\d+)_(week|weeks|month|months)(_ago)?$")


def condition_count(conditions: Mapping[str, Any]) -> int:
    """How many condition lines a conditions tree holds."""
    return sum(len(group.get("conditions") or []) for group in conditions.get("conditions") or [])


def field_value(record: Record, code: str) -> Any:
    """The value of a field on a record: a root key, else a custom field, composites unwrapped."""
    code = _ALIASES.get(code, code) if code not in record else code
    if code in record:
        value = record[code]
    else:
        custom = record.get("custom_fields")
        value = custom.get(code) if isinstance(custom, dict) else None
    if isinstance(value, dict):
        for key in ("amount", "value", "id"):
            if key in value:
                return value[key]
        return None
    if isinstance(value, list):
        return [
            item.get("id", item.get("value")) if isinstance(item, dict) else item for item in value
        ]
    return value


def compile_conditions(store: DemoStore, conditions: Mapping[str, Any], kind: str) -> Predicate:
    """A predicate for ``kind`` records (``deal`` or ``lead``) from a filter's conditions tree."""
    today = store.now().date()
    groups: list[tuple[str, list[Predicate]]] = []
    for group in conditions.get("conditions") or []:
        tests = [_condition(store, line, kind, today) for line in group.get("conditions") or []]
        groups.append((str(group.get("glue", "and")).lower(), tests))

    def matches(record: Record) -> bool:
        for glue, tests in groups:
            if not tests:
                continue
            if glue == "or":
                if not any(test(record) for test in tests):
                    return False
            elif not all(test(record) for test in tests):
                return False
        return True

    return matches


def _condition(store: DemoStore, line: Mapping[str, Any], kind: str, today: date) -> Predicate:
    obj = str(line.get("object") or kind)
    obj = {"org": "organization", "people": "person", "deals": "deal", "leads": "lead"}.get(
        obj, obj
    )
    field = store.field_by_id(obj, line.get("field_id"))
    operator = str(line.get("operator") or "=")
    if field is None:
        return lambda record: False
    code = str(field.get("field_code") or field.get("key") or "")
    related = _related(store, obj, kind)
    compare = _comparison(operator, line.get("value"), today)

    is_set = field.get("field_type") == "set"

    def test(record: Record) -> bool:
        target = related(record)
        value = None if target is None else field_value(target, code)
        if is_set and isinstance(value, str):  # v1 records hold a set as "11,12"
            value = [part for part in value.split(",") if part]
        return compare(value)

    return test


def _related(store: DemoStore, obj: str, kind: str) -> Callable[[Record], Record | None]:
    """How to reach the record a condition reads from the record being filtered."""
    if obj == kind:
        return lambda record: record
    if obj == "person":
        return lambda record: store.persons.get(record.get("person_id"))
    if obj == "organization":
        return lambda record: store.organizations.get(
            record.get("org_id", record.get("organization_id"))
        )
    return lambda record: None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _comparison(operator: str, raw: Any, today: date) -> Callable[[Any], bool]:
    """A test of one field value against a condition's operator and value."""
    if operator == "IS NULL":
        return _empty
    if operator == "IS NOT NULL":
        return lambda value: not _empty(value)
    text = "" if raw is None else str(raw)
    if operator.startswith(("LIKE", "NOT LIKE")):
        return _like(operator, text.lower())
    wanted_number = _number(text)
    span = _date_span(text, today)

    def compare(value: Any) -> bool:
        if isinstance(value, list):
            inside = text in {str(item) for item in value}
            return inside if operator == "=" else not inside if operator == "!=" else False
        if value is None or value == "":
            return operator == "!="
        if span is not None and isinstance(value, str) and _DATE_PREFIX.match(value):
            return _compare_span(operator, value[:10], span)
        number = _number(value) if not isinstance(value, str) else None
        if number is not None and wanted_number is not None:
            return _ordered(operator, number, wanted_number)
        if isinstance(value, bool):
            return _ordered(operator, str(int(value)), text.lower().replace("true", "1"))
        if isinstance(value, str) and wanted_number is not None and _number(value) is not None:
            return _ordered(operator, float(value), wanted_number)
        return _ordered(operator, str(value).lower(), text.lower())

    return compare


def _ordered(operator: str, left: Any, right: Any) -> bool:
    if operator == "=":
        return bool(left == right)
    if operator == "!=":
        return bool(left != right)
    if operator == "<":
        return bool(left < right)
    if operator == ">":
        return bool(left > right)
    if operator == "<=":
        return bool(left <= right)
    if operator == ">=":
        return bool(left >= right)
    return False


def _like(operator: str, needle: str) -> Callable[[Any], bool]:
    def text_of(value: Any) -> str:
        return "" if value is None else str(value).lower()

    if operator == "LIKE '%$%'":
        return lambda value: needle in text_of(value)
    if operator == "NOT LIKE '%$%'":
        return lambda value: needle not in text_of(value)
    if operator == "LIKE '$%'":
        return lambda value: text_of(value).startswith(needle)
    if operator == "NOT LIKE '$%'":
        return lambda value: not text_of(value).startswith(needle)
    if operator == "LIKE '%$'":
        return lambda value: text_of(value).endswith(needle)
    if operator == "NOT LIKE '%$'":
        return lambda value: not text_of(value).endswith(needle)
    return lambda value: False


def _date_span(text: str, today: date) -> tuple[str, str] | None:
    """The first and last day a condition's date value covers, as ISO strings."""
    if _DATE_PREFIX.match(text):
        return text[:10], text[:10]
    day: date | None = None
    fixed = {"today": 0, "now": 0, "yesterday": -1, "tomorrow": 1}
    if text in fixed:
        day = today + timedelta(days=fixed[text])
    elif text in ("before_today", "before_tomorrow"):
        last = today - timedelta(days=1 if text == "before_today" else 0)
        return date.min.isoformat(), last.isoformat()
    elif text in ("later_or_today", "later_or_tomorrow"):
        first = today + timedelta(days=0 if text == "later_or_today" else 1)
        return first.isoformat(), date.max.isoformat()
    elif text in _INTERVALS:
        first, last = _INTERVALS[text](today)
        return first.isoformat(), last.isoformat()
    else:
        match = _RELATIVE.match(text)
        if match:
            amount = int(match.group(2)) * (7 if match.group(3).startswith("week") else 30)
            day = today + timedelta(days=amount if match.group(1) else -amount)
    return None if day is None else (day.isoformat(), day.isoformat())


def _month_span(today: date, months_back: int) -> tuple[date, date]:
    year, month = today.year, today.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _week_span(today: date, weeks_back: int) -> tuple[date, date]:
    first = today - timedelta(days=today.weekday() + 7 * weeks_back)
    return first, first + timedelta(days=6)


def _quarter_span(today: date, back: int) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = _month_span(date(today.year, first_month, 1), 3 * back)[0]
    return start, _month_span(start, -2)[1]


_INTERVALS: dict[str, Callable[[date], tuple[date, date]]] = {
    "this_month": lambda t: _month_span(t, 0),
    "last_month": lambda t: _month_span(t, 1),
    "next_month": lambda t: _month_span(t, -1),
    "this_week": lambda t: _week_span(t, 0),
    "last_week": lambda t: _week_span(t, 1),
    "next_week": lambda t: _week_span(t, -1),
    "this_quarter": lambda t: _quarter_span(t, 0),
    "last_quarter": lambda t: _quarter_span(t, 1),
}


def _compare_span(operator: str, day: str, span: tuple[str, str]) -> bool:
    first, last = span
    if operator == "=":
        return first <= day <= last
    if operator == "!=":
        return not first <= day <= last
    if operator == "<":
        return day < first
    if operator == "<=":
        return day <= last
    if operator == ">":
        return day > last
    if operator == ">=":
        return day >= first
    return False
