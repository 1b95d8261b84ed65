"""The lookups that formatting needs besides the value itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipedrive_tui.api.models import Currency

__all__ = ["FieldContext"]


@dataclass(frozen=True)
class FieldContext:
    """What formatting needs besides the value: names of referenced records and currencies.

    ``users``, ``organizations`` and ``persons`` map ids to names; ``currencies`` maps currency
    codes to :class:`~pipedrive_tui.api.models.Currency`. ``default_currency`` is used for
    monetary values that carry no currency code. ``visibility_groups`` tells that the company
    is on a plan with visibility groups, where ``visible_to`` 1/3/5/7 mean different things.
    """

    users: Mapping[int, str] = field(default_factory=dict)
    organizations: Mapping[int, str] = field(default_factory=dict)
    persons: Mapping[int, str] = field(default_factory=dict)
    currencies: Mapping[str, Currency] = field(default_factory=dict)
    default_currency: str | None = None
    visibility_groups: bool = False
