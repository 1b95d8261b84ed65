"""Envelopes, errors, query parameters and page markers of the demo Pipedrive.

Everything a route needs to read a request and answer like Pipedrive does: the success envelope,
Pipedrive's error shapes, strict parsing of query parameters (a bad one is a 400, as on the real
API) and both pagination styles, v2 cursors and v1 offsets.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

__all__ = [
    "ERROR_INFO",
    "ApiError",
    "Request",
    "bad_request",
    "cursor_page",
    "decode_cursor",
    "encode_cursor",
    "error_body",
    "is_date",
    "not_found",
    "offset_meta",
    "offset_window",
    "public",
]

T = TypeVar("T")

#: The ``error_info`` Pipedrive puts on most of its error bodies.
ERROR_INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."

_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """An error answer: the HTTP status and the JSON body Pipedrive would send."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body.get('error')}")
        self.status = status
        self.body = body


def error_body(error: str, error_info: str = ERROR_INFO) -> dict[str, Any]:
    """Pipedrive's usual error shape: ``success``, ``error``, ``error_info``, null data."""
    return {
        "success": False,
        "error": error,
        "error_info": error_info,
        "data": None,
        "additional_data": None,
    }


def bad_request(error: str) -> ApiError:
    """A 400 with Pipedrive's error shape."""
    return ApiError(400, error_body(error))


def not_found(error: str, error_info: str = ERROR_INFO) -> ApiError:
    """A 404 with Pipedrive's error shape."""
    return ApiError(404, error_body(error, error_info))


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without its internal keys (those starting with ``_``)."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


@dataclass
class Request:
    """What a route sees of a request: path parameters, query parameters and the body."""

    method: str
    path: str
    params: Mapping[str, str]
    path_params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    content_type: str = ""

    # --- path parameters -----------------------------------------------------------------

    def int_id(self, name: str = "id") -> int:
        """An integer path parameter; anything else is a 400 like Pipedrive's."""
        raw = self.path_params.get(name, "")
        if not _INT.match(raw):
            raise bad_request(f"Invalid {name}: {raw!r} is not an integer")
        return int(raw)

    def str_id(self, name: str = "id") -> str:
        """A string path parameter (a lead's or a label's UUID)."""
        return self.path_params.get(name, "")

    # --- query parameters ----------------------------------------------------------------

    def text(self, name: str) -> str | None:
        """A query parameter as text, ``None`` when absent or empty."""
        value = self.params.get(name)
        return value if value not in (None, "") else None

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        """An integer query parameter; a non-integer is a 400."""
        value = self.text(name)
        if value is None:
            return None
        if not _INT.match(value.strip()):
            raise bad_request(f"Invalid value for parameter '{name}': expected an integer")
        number = int(value)
        if minimum is not None and number < minimum:
            raise bad_request(f"Invalid value for parameter '{name}': must be at least {minimum}")
        return number

    def boolean(self, name: str, *, numeric: bool = False) -> bool | None:
        """A boolean query parameter: ``true``/``false`` (v2), or ``0``/``1`` when ``numeric``."""
        value = self.text(name)
        if value is None:
            return None
        accepted = {"true": True, "false": False}
        if numeric:
            accepted = {"1": True, "0": False, **accepted}
        if value.lower() not in accepted:
            allowed = "0 or 1" if numeric else "true or false"
            raise bad_request(f"Invalid value for parameter '{name}': expected {allowed}")
        return accepted[value.lower()]

    def choice(self, name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
        """A query parameter restricted to an enum."""
        value = self.text(name)
        if value is None:
            return default
        if value not in allowed:
            raise bad_request(
                f"Invalid value for parameter '{name}': must be one of {', '.join(allowed)}"
            )
        return value

    def csv(self, name: str, allowed: Iterable[str] | None = None) -> list[str] | None:
        """A comma-separated list parameter, each value checked against ``allowed``."""
        value = self.text(name)
        if value is None:
            return None
        items = [part.strip() for part in value.split(",") if part.strip()]
        if allowed is not None:
            permitted = set(allowed)
            for item in items:
                if item not in permitted:
                    raise bad_request(f"Invalid value {item!r} for parameter '{name}'")
        return items

    def int_csv(self, name: str, maximum: int | None = None) -> list[int] | None:
        """A comma-separated list of integers."""
        items = self.csv(name)
        if items is None:
            return None
        if any(not _INT.match(item) for item in items):
            raise bad_request(f"Invalid value for parameter '{name}': expected integers")
        if maximum is not None and len(items) > maximum:
            raise bad_request(f"Parameter '{name}' accepts at most {maximum} values")
        return [int(item) for item in items]

    def timestamp(self, name: str) -> str | None:
        """An RFC 3339 timestamp parameter, normalised to ``YYYY-MM-DDTHH:MM:SSZ``."""
        value = self.text(name)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            raise bad_request(
                f"Invalid value for parameter '{name}': expected an RFC 3339 timestamp"
            ) from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def limit(self, default: int, maximum: int, *, cap: bool = False) -> int:
        """The ``limit`` parameter: at least 1; above ``maximum`` a 400 (v2), or capped (v1)."""
        value = self.integer("limit")
        if value is None:
            return default
        if value < 1:
            raise bad_request("Invalid value for parameter 'limit': must be at least 1")
        if value > maximum:
            if cap:
                return maximum
            raise bad_request(
                f"Invalid value for parameter 'limit': a maximum value of {maximum} is allowed"
            )
        return value


def is_date(value: Any) -> bool:
    """Whether ``value`` is a ``YYYY-MM-DD`` date string that exists on the calendar."""
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- v2 cursors ---------------------------------------------------------------------------------


def encode_cursor(payload: Mapping[str, Any]) -> str:
    """An opaque base64url cursor (without padding), like Pipedrive's."""
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The payload of a cursor made by :func:`encode_cursor`; anything else is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_request("Invalid cursor") from None
    if not isinstance(payload, dict):
        raise bad_request("Invalid cursor")
    return payload


def cursor_page(
    ordered: Sequence[tuple[Any, Any]],
    fetch: Callable[[Any], T | None],
    *,
    limit: int,
    cursor: str | None,
    field_name: str,
    descending: bool = False,
) -> tuple[list[T], str | None]:
    """One page of a keyset-ordered collection and the cursor of the next page.

    ``ordered`` holds ``(sort key, id)`` pairs in ascending order; ``fetch`` returns the record of
    an id, or ``None`` to skip it (a filter). The cursor names the last record of the page, so a
    page stays right when records change between requests. The walk stops as soon as one record
    past the page is found: unfiltered paging costs O(page).
    """
    start, step = (len(ordered) - 1, -1) if descending else (0, 1)
    if cursor is not None:
        payload = decode_cursor(cursor)
        if payload.get("field") != field_name or payload.get("sortDirection") != (
            "desc" if descending else "asc"
        ):
            raise bad_request("Invalid cursor: it belongs to another sort order")
        marker = (payload.get("fieldValue"), payload.get("id"))
        try:
            start = _position_after(ordered, marker, descending)
        except TypeError:
            raise bad_request("Invalid cursor") from None
    page: list[T] = []
    last: tuple[Any, Any] | None = None
    index = start
    while 0 <= index < len(ordered):
        key = ordered[index]
        record = fetch(key[1])
        index += step
        if record is None:
            continue
        if len(page) == limit:
            assert last is not None
            return page, encode_cursor(
                {
                    "field": field_name,
                    "fieldValue": last[0],
                    "sortDirection": "desc" if descending else "asc",
                    "id": last[1],
                }
            )
        page.append(record)
        last = key
    return page, None


def _position_after(ordered: Sequence[tuple[Any, Any]], marker: tuple[Any, Any], desc: bool) -> int:
    """The index of the first pair after ``marker`` in the walking direction."""
    lo, hi = 0, len(ordered)
    if desc:
        while lo < hi:  # first index whose pair is >= marker
            mid = (lo + hi) // 2
            if ordered[mid] < marker:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1
    while lo < hi:  # first index whose pair is > marker
        mid = (lo + hi) // 2
        if marker < ordered[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


# --- v1 offsets ---------------------------------------------------------------------------------


def offset_window(request: Request, default: int = 100, maximum: int = 500) -> tuple[int, int]:
    """``(start, limit)`` of a v1 offset request; a bad value is a 400, a big limit is capped."""
    start = request.integer("start", minimum=0) or 0
    return start, request.limit(default, maximum, cap=True)


def offset_meta(start: int, limit: int, total: int, *, flat: bool) -> dict[str, Any]:
    """``additional_data`` of a v1 page: nested ``pagination``, plus flat keys where declared."""
    more = start + limit < total
    pagination: dict[str, Any] = {"start": start, "limit": limit, "more_items_in_collection": more}
    if more:
        pagination["next_start"] = start + limit
    meta: dict[str, Any] = {"pagination": pagination}
    if flat:
        meta.update(start=start, limit=limit, more_items_in_collection=more)
    return meta
