"""What ``GET /v1/filters/helpers`` answers: the operators per field type and the relative dates.

The same content as the example of the v1 spec, so a condition editor can offer the operators a
field type supports (``operators[field_type]``; ``enum`` is a list of one-entry maps there, a
quirk the demo keeps).
"""

from __future__ import annotations

from typing import Any

__all__ = ["HELPERS"]

_EMPTY = {"IS NULL": "is empty", "IS NOT NULL": "is not empty"}
_IS = {"=": "is", "!=": "is not"}
_NUMBER = {
    **_IS,
    ">": "is more than",
    "<": "is less than",
    ">=": "is more or equal to",
    "<=": "is less or equal to",
    **_EMPTY,
}
_DATE = {
    **_IS,
    ">": "is later than",
    "<": "is earlier than",
    ">=": "is exactly or later than",
    "<=": "is exactly or earlier than",
}
_TIME = {
    **_IS,
    "<": "is before",
    ">": "is after",
    ">=": "is exactly or after than",
    "<=": "is exactly or before than",
    **_EMPTY,
}
_RANGE = {
    "=": "starts at",
    "!=": "does not start at",
    "ends_at": "ends at",
    "does_not_end_at": "does not end at",
    "<": "starts before",
    "<=": "starts exactly on or before",
    "ends_before": "ends before",
    "ends_e_before": "ends exactly on or before",
    ">": "starts after",
    "ends_after": "ends after",
    ">=": "starts exactly or after",
    "ends_e_after": "ends exactly or after",
    "includes": "does include",
    **_EMPTY,
}
_RELATION = {**_IS, **_EMPTY}
_TEXT = {
    "LIKE '%$%'": "contains",
    "LIKE '$%'": "starts with",
    "NOT LIKE '$%'": "does not start with",
}
_RELATIVE_DATES = {
    **{f"{n}_months_ago": f"{n} months ago" for n in range(6, 1, -1)},
    "1_months_ago": "1 month ago",
    "3_weeks_ago": "3 weeks ago",
    "2_weeks_ago": "2 weeks ago",
    "1_week_ago": "1 week ago",
    "yesterday": "yesterday",
    "before_today": "before today",
    "today": "today",
    "now": "now",
    "later_or_today": "today or later",
    "before_tomorrow": "before tomorrow",
    "tomorrow": "tomorrow",
    "later_or_tomorrow": "tomorrow or later",
    "in_1_week": "in 1 week",
    "in_2_weeks": "in 2 weeks",
    "in_3_weeks": "in 3 weeks",
    "in_1_month": "in 1 month",
    **{f"in_{n}_months": f"in {n} months" for n in range(2, 7)},
}
_INTERVALS = (
    "last_quarter",
    "this_quarter",
    "last_month",
    "this_month",
    "last_week",
    "this_week",
    "next_week",
    "next_month",
)

#: ``data`` of ``GET /filters/helpers``.
HELPERS: dict[str, Any] = {
    "operators": {
        "int": _NUMBER,
        "double": _NUMBER,
        "monetary": _NUMBER,
        "time": _TIME,
        "date": {**_DATE, **_EMPTY},
        "entered_stage": _DATE,
        "timerange": _RANGE,
        "daterange": _RANGE,
        "varchar": {**_IS, **_EMPTY, **_TEXT},
        "stage": {**_IS, "has_been": "has been"},
        "title": {"=": "is", **_TEXT},
        "set": {**_IS, "contains": "contains", "not_contains": "does not contain", **_EMPTY},
        "enum": [{key: label} for key, label in _RELATION.items()],
        "deal": _RELATION,
        "product": _RELATION,
        "user": {**_RELATION, "belongs_to_team": "belongs to team"},
        "status": _IS,
        "visible_to": _IS,
        "currency": _IS,
        "pipeline": _IS,
        "person": _RELATION,
        "organization": _RELATION,
    },
    "deprecated_operators": {
        "NOT LIKE '%$%'": "does not contain",
        "LIKE '%$'": "ends with",
        "NOT LIKE '%$'": "does not end with",
    },
    "relative_dates": {
        "Relative date intervals": {key: key.replace("_", " ") for key in _INTERVALS},
        "Relative dates": _RELATIVE_DATES,
        "Deal specific": {"rotten_time": "Rotten time"},
    },
    "address_field_components": {
        "subpremise": "Apartment/suite no",
        "street_number": "House number",
        "route": "Street/road name",
        "sublocality": "District/sublocality",
        "locality": "City/town/village/locality",
        "admin_area_level_1": "State/county",
        "admin_area_level_2": "Region",
        "country": "Country",
        "postal_code": "ZIP/Postal code",
        "formatted_address": "Full/combined address",
    },
}
