"""The token cost of each Pipedrive request, looked up from the committed ``token_costs.json``.

Pipedrive charges every request a number of tokens from the company's daily budget: the
``x-token-cost`` of the operation in its OpenAPI spec. :mod:`pipedrive_tui.api.gen_token_costs`
copies those costs into ``token_costs.json``; this module loads that table once and matches a
concrete request path (``/api/v2/deals/42``) against the path templates (``/api/v2/deals/{id}``).

Templates are matched segment by segment, a literal segment before a ``{param}`` one, so
``/api/v2/deals/archived`` is ``getArchivedDeals``, not ``getDeal`` with ``id="archived"``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Generic, TypeVar

__all__ = ["Operation", "PathTable", "all_operations", "match_operation", "token_cost"]

T = TypeVar("T")

#: The table's file name, inside this package.
TABLE_RESOURCE = "token_costs.json"


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of Pipedrive's specs and its token cost.

    ``path`` is the full URL path template, prefix included: ``/api/v2/deals/{id}``.
    """

    version: str
    method: str
    path: str
    operation_id: str
    cost: int


def split_path(path: str) -> list[str]:
    """A URL path's segments, without its query string or fragment.

    A trailing slash gives a last empty segment: Pipedrive has both ``/oauth/token`` and
    ``/oauth/token/``.
    """
    for mark in "?#":
        path = path.partition(mark)[0]
    return path.split("/")[1:] if path.startswith("/") else path.split("/")


def _is_param(segment: str) -> bool:
    return len(segment) > 2 and segment[0] == "{" and segment[-1] == "}"


@dataclass(slots=True)
class _Node(Generic[T]):
    """A node of a method's tree of path segments."""

    literals: dict[str, _Node[T]] = field(default_factory=dict)
    param: _Node[T] | None = None
    value: T | None = None


class PathTable(Generic[T]):
    """A lookup from ``(method, concrete path)`` to the value of the best-matching template.

    Templates are split into segments and stored in one tree per method; a lookup walks the
    tree, trying the literal child before the ``{param}`` child at each segment and backing up
    when a literal branch leads nowhere. A ``{param}`` matches one non-empty segment.
    """

    def __init__(self, entries: Iterable[tuple[str, str, T]] = ()) -> None:
        """Build the table from ``(method, path template, value)`` triples."""
        self._roots: dict[str, _Node[T]] = {}
        for method, template, value in entries:
            self.add(method, template, value)

    def add(self, method: str, template: str, value: T) -> None:
        """Add one template; a template already present for the method is an error."""
        node = self._roots.setdefault(method.upper(), _Node())
        for segment in split_path(template):
            if _is_param(segment):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literals.setdefault(segment, _Node())
        if node.value is not None:
            raise ValueError(f"{method.upper()} {template}: the template is already in the table")
        node.value = value

    def match(self, method: str, path: str) -> T | None:
        """The value of the template the concrete ``path`` matches, or ``None``."""
        root = self._roots.get(method.upper())
        if root is None:
            return None
        return _walk(root, split_path(path), 0)

    def __iter__(self) -> Iterator[T]:
        """Every value of the table."""
        stack = list(self._roots.values())
        while stack:
            node = stack.pop()
            if node.value is not None:
                yield node.value
            stack.extend(node.literals.values())
            if node.param is not None:
                stack.append(node.param)


def _walk(node: _Node[T], segments: list[str], index: int) -> T | None:
    if index == len(segments):
        return node.value
    segment = segments[index]
    literal = node.literals.get(segment)
    if literal is not None:
        found = _walk(literal, segments, index + 1)
        if found is not None:
            return found
    if node.param is not None and segment:
        return _walk(node.param, segments, index + 1)
    return None


@functools.cache
def all_operations() -> tuple[Operation, ...]:
    """Every operation of the committed table, loaded once."""
    text = (
        resources.files(__package__ or "pipedrive_tui.api")
        .joinpath(TABLE_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return tuple(Operation(**row) for row in json.loads(text)["operations"])


@functools.cache
def _table() -> PathTable[Operation]:
    return PathTable((op.method, op.path, op) for op in all_operations())


def match_operation(method: str, path: str) -> Operation | None:
    """The operation a request goes to, or ``None`` when no spec operation matches.

    ``path`` is a concrete URL path such as ``/api/v2/deals/42`` or ``/v1/leads/<uuid>``; a
    query string is ignored, and ``/api/v1/…`` (the company-domain form of v1) is read as
    ``/v1/…``.
    """
    found = _table().match(method, path)
    if found is None and path.startswith("/api/v1/"):
        found = _table().match(method, path[4:])
    return found


def token_cost(method: str, path: str) -> int:
    """The tokens a request costs, or 0 when the operation is unknown."""
    operation = match_operation(method, path)
    return 0 if operation is None else operation.cost
