"""Deal queries, stage totals and rotting: pure functions the board, list and detail share.

Also the incremental refresh of a view of deals (auto-refresh): :func:`newest_deal_update`
marks where the next refresh starts, :func:`fetch_deal_changes` asks Pipedrive only for the
deals updated since, and :func:`split_deal_changes` sorts them into the ones the view shows and
the ones that leave it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Container, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.api.models import Deal, Stage
    from pipedrive_tui.api.pagination import Page

__all__ = [
    "CHANGE_STATUSES",
    "ChangeMark",
    "DealChanges",
    "DealQuery",
    "StageTotals",
    "StatusChoice",
    "fetch_deal_changes",
    "newest_deal_update",
    "probe_mark",
    "rotting_days",
    "since_param",
    "split_deal_changes",
    "stage_totals",
    "utc",
    "walk_pages",
]

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


# --- incremental refresh ------------------------------------------------------------------------

#: Every status, deleted too: a deal won, lost or deleted since the last refresh must be seen to
#: leave the view (``GET /api/v2/deals`` leaves deleted deals out unless asked for them).
CHANGE_STATUSES = ("open", "won", "lost", "deleted")
#: Deals a page of changes (Pipedrive's most).
CHANGES_PAGE = 500
#: Where a refresh starts when the account has no record at all.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: How far before the newest update the first refresh after a load starts: the mark is asked
#: alongside the load, and Pipedrive may answer the two in either order.
PROBE_MARGIN = timedelta(seconds=5)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive time is taken to be UTC already, as Pipedrive's are)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def since_param(moment: datetime) -> str:
    """An ``updated_since`` value: ``2026-11-20T09:30:00Z``."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Stamped(Protocol):
    @property
    def id(self) -> Any: ...
    @property
    def update_time(self) -> datetime | None: ...


def _second(record: _Stamped) -> datetime | None:
    stamp = record.update_time
    return None if stamp is None else utc(stamp).replace(microsecond=0)


@dataclass(frozen=True)
class ChangeMark:
    """Where the next incremental refresh starts, on Pipedrive's clock.

    ``updated_since`` keeps the records updated at that very second, so the ones already
    handled come back every time: ``seen`` holds their ids, and :meth:`fresh` drops them (a
    quiet account then costs one request and changes nothing).
    """

    time: datetime = _EPOCH
    seen: frozenset[Any] = frozenset()

    @property
    def param(self) -> str:
        """The ``updated_since`` value."""
        return since_param(self.time)

    def fresh(self, records: Iterable[Any]) -> list[Any]:
        """The records not handled yet (every one but those seen at the mark's second)."""
        return [r for r in records if not (r.id in self.seen and _second(r) == self.time)]

    def after(self, records: Iterable[Any]) -> ChangeMark:
        """The mark once ``records`` (fetched from this one) are handled: their newest second."""
        stamped = [(second, r.id) for r in records if (second := _second(r)) is not None]
        newest = max((second for second, _ in stamped), default=self.time)
        if newest < self.time:
            return self
        at = {record_id for second, record_id in stamped if second == newest}
        return ChangeMark(newest, frozenset(at | self.seen if newest == self.time else at))


async def _first_page(pages: AsyncIterator[Page[Any]]) -> list[Any]:
    async with aclosing(pages):  # type: ignore[type-var]
        async for page in pages:
            return list(page.items)
    return []


def probe_mark(records: Iterable[Any]) -> ChangeMark:
    """The first mark of a view: :data:`PROBE_MARGIN` before the newest of ``records``."""
    newest = ChangeMark().after(records)
    return ChangeMark(newest.time - PROBE_MARGIN) if newest.time > _EPOCH else newest


async def newest_deal_update(client: PipedriveClient) -> ChangeMark:
    """Where the first refresh of a deals view starts: the newest deal update (one request).

    Every later change gets an ``update_time`` at least this. Asked as a view starts loading,
    so that nothing changed during the load is missed (with a few seconds to spare: the first
    refresh may bring again a deal the load already had, which changes nothing).
    """
    pages = client.iter_deal_pages(
        limit=1, status=list(CHANGE_STATUSES), sort_by="update_time", sort_direction="desc"
    )
    return probe_mark(await _first_page(pages))


@dataclass
class DealChanges:
    """What changed since the last refresh, sorted for one view."""

    #: Changed deals the view shows: new ones and new versions of shown ones.
    belong: list[Deal]
    #: Ids of changed deals that no longer belong (won on the Open tab, moved, deleted…).
    leave: set[int]
    #: Where the next refresh starts.
    mark: ChangeMark
    #: Requests the refresh cost.
    requests: int = 0


def split_deal_changes(
    query: DealQuery, changed: Iterable[Deal], in_filter: Container[int] | None = None
) -> tuple[list[Deal], set[int]]:
    """Changed deals the view of ``query`` shows, and the ids of those that leave it.

    ``in_filter``: the ids Pipedrive's saved filter still selects (``None``: no filter).
    The last version of a deal listed twice wins.
    """
    latest = {deal.id: deal for deal in changed}
    belong = [
        deal
        for deal in latest.values()
        if query.matches(deal) and (in_filter is None or deal.id in in_filter)
    ]
    kept = {deal.id for deal in belong}
    return belong, {deal_id for deal_id in latest if deal_id not in kept}


async def walk_pages(pages: AsyncIterator[Page[Any]]) -> tuple[list[Any], int]:
    """Every record of ``pages``, and how many requests that took."""
    found: list[Any] = []
    requests = 0
    async with aclosing(pages):  # type: ignore[type-var]
        async for page in pages:
            requests += 1
            found.extend(page.items)
    return found, requests


async def fetch_deal_changes(
    client: PipedriveClient, query: DealQuery, since: ChangeMark, *, shown: Container[int] = ()
) -> DealChanges:
    """The deals updated since ``since`` that the view of ``query`` must add, redraw or drop.

    One request when fewer than 500 deals changed: every status and every pipeline, so that a
    deal won, moved or deleted is seen leaving. Under a saved filter, and only when a change
    concerns the view (``shown`` holds the ids on screen), a second request asks which of the
    changed deals the filter still selects.
    """
    every = list(CHANGE_STATUSES)
    fetched, requests = await walk_pages(
        client.iter_deal_pages(
            limit=CHANGES_PAGE, status=every, updated_since=since.param, sort_by="update_time"
        )
    )
    changed = since.fresh(fetched)
    in_filter: set[int] | None = None
    if query.filter_id is not None:
        in_filter = set()
        if any(query.matches(deal) or deal.id in shown for deal in changed):
            filtered = client.iter_deal_pages(
                limit=CHANGES_PAGE, filter_id=query.filter_id, updated_since=since.param
            )
            selected, more = await walk_pages(filtered)
            requests += more
            in_filter = {deal.id for deal in selected}
    belong, leave = split_deal_changes(query, changed, in_filter)
    return DealChanges(belong, leave, since.after(fetched), requests)
