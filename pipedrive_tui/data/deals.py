"""Deal queries, stage totals and rotting: pure functions the board, list and detail share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pipedrive_tui.api.models import Deal, Stage

__all__ = ["DealQuery", "StageTotals", "StatusChoice", "rotting_days", "stage_totals"]

StatusChoice = Literal["open", "won", "lost", "all"]


@dataclass(frozen=True)
class DealQuery:
    """Which deals a view shows.

    Pipedrive ignores ``pipeline_id``, ``stage_id``, ``status`` and ``owner_id`` when a
    ``filter_id`` is set (v2 ``GET /deals``), so :meth:`matches` re-applies them on our side:
    the board of one pipeline with a saved filter still shows only that pipeline's deals.
    """

    pipeline_id: int | None = None
    stage_id: int | None = None
    status: StatusChoice = "open"
    owner_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    filter_id: int | None = None
    sort_by: str | None = None
    sort_direction: str | None = None

    def client_filters(self) -> dict[str, Any]:
        """Keyword arguments for ``PipedriveClient.list_deals`` / ``iter_deal_pages``."""
        if self.filter_id is not None:
            return {
                "filter_id": self.filter_id,
                "sort_by": self.sort_by,
                "sort_direction": self.sort_direction,
            }
        return {
            "pipeline_id": self.pipeline_id,
            "stage_id": self.stage_id,
            "status": None if self.status == "all" else self.status,
            "owner_id": self.owner_id,
            "person_id": self.person_id,
            "org_id": self.org_id,
            "sort_by": self.sort_by,
            "sort_direction": self.sort_direction,
        }

    def matches(self, deal: Deal) -> bool:
        """Whether a deal belongs in this view (after a filter, or after an edit)."""
        if deal.is_deleted or deal.is_archived:
            return False
        if self.pipeline_id is not None and deal.pipeline_id != self.pipeline_id:
            return False
        if self.stage_id is not None and deal.stage_id != self.stage_id:
            return False
        if self.status != "all" and deal.status != self.status:
            return False
        if self.person_id is not None and deal.person_id != self.person_id:
            return False
        if self.org_id is not None and deal.org_id != self.org_id:
            return False
        return self.owner_id is None or deal.owner_id == self.owner_id


def rotting_days(deal: Deal, stage: Stage | None, now: datetime) -> int | None:
    """Days a deal has been rotting in its stage, or ``None`` when it is not rotting.

    A deal rots when it is open, its stage has rotting on with ``days_to_rotten`` days, and it
    has not been updated for longer than that (Pipedrive counts from the last update).
    """
    if stage is None or deal.status != "open":
        return None
    if not stage.is_deal_rot_enabled or not stage.days_to_rotten:
        return None
    last = deal.update_time or deal.stage_change_time or deal.add_time
    if last is None:
        return None
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    idle = (now - last).days
    over = idle - stage.days_to_rotten
    return over if over >= 0 else None


@dataclass
class StageTotals:
    """Count, value and weighted value of the deals in a stage, per currency (no conversion)."""

    count: int = 0
    values: dict[str, float] = field(default_factory=dict)
    weighted: dict[str, float] = field(default_factory=dict)


def stage_totals(deals: Iterable[Deal], stage: Stage | None) -> StageTotals:
    """Sum a stage's deals by currency; the weight is the deal's probability, else the stage's."""
    totals = StageTotals()
    stage_probability = stage.deal_probability if stage is not None else 100
    for deal in deals:
        totals.count += 1
        value = deal.value or 0.0
        totals.values[deal.currency] = totals.values.get(deal.currency, 0.0) + value
        probability = deal.probability if deal.probability is not None else stage_probability
        weighted = value * probability / 100
        totals.weighted[deal.currency] = totals.weighted.get(deal.currency, 0.0) + weighted
    return totals
