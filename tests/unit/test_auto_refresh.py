"""Auto-refresh: the timing policy (floor, skips, back-off) and the incremental fetch and merge.

The policy is pure and gets its clock as arguments; the fetches run through the real client
against the demo account, whose ledger counts what each refresh cost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Deal, Lead
from pipedrive_tui.api.ratelimit import RateLimitState
from pipedrive_tui.data.auto_refresh import (
    MAX_BACKOFF,
    MIN_INTERVAL,
    RateSignals,
    RefreshPolicy,
    floor_interval,
    human_seconds,
    once,
)
from pipedrive_tui.data.deals import (
    PROBE_MARGIN,
    ChangeMark,
    DealQuery,
    fetch_deal_changes,
    newest_deal_update,
    probe_mark,
    since_param,
    split_deal_changes,
)
from pipedrive_tui.data.leads import (
    LeadQuery,
    LeadRows,
    fetch_lead_changes,
    reread_leads,
    split_lead_changes,
)
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.store import format_like
from pipedrive_tui.screens.deals_rows import DealRows
from tests.helpers import FakeTime, demo_client

CALM = RateSignals(limit=40, remaining=39, reset_in=2, age=0.1, daily_limit=60_000,
                   daily_remaining=59_000)  # fmt: skip


def _deal(deal_id: int, **kw: Any) -> Deal:
    base: dict[str, Any] = {"id": deal_id, "title": f"D{deal_id}", "status": "open",
                            "pipeline_id": 1, "stage_id": 1}  # fmt: skip
    return Deal.model_validate(base | kw)


def _lead(lead_id: str, **kw: Any) -> Lead:
    return Lead.model_validate({"id": lead_id, "title": lead_id} | kw)


# --- the interval and its floor ------------------------------------------------------------


def test_the_floor_raises_a_fast_setting_and_keeps_a_slow_one() -> None:
    assert floor_interval(5) == (MIN_INTERVAL, True)
    assert floor_interval(29) == (30.0, True)
    assert floor_interval(30) == (30.0, False)
    assert floor_interval(300) == (300.0, False)
    policy = RefreshPolicy(1)
    assert policy.base == 30.0 and policy.raised and policy.delay == 30.0


def test_human_seconds() -> None:
    assert [human_seconds(s) for s in (30, 60, 90, 240, 3600, 3900)] == [
        "30 s", "1 min", "1 min 30 s", "4 min", "1 h", "1 h 5 min",
    ]  # fmt: skip


class _Owner:
    """Something a notice is said once for (a session)."""


def test_once_says_a_thing_once_per_owner() -> None:
    first, second = _Owner(), _Owner()
    assert once(first, "floor") and not once(first, "floor")
    assert once(first, "other") and once(second, "floor")


# --- ticks ------------------------------------------------------------------------------


def test_a_calm_tick_refreshes_at_the_setting() -> None:
    policy = RefreshPolicy(45)
    tick = policy.decide(CALM, now=100.0)
    assert tick.refresh and tick.delay == 45.0 and tick.note == ""
    assert policy.last_refresh == 100.0


def test_busy_or_covered_skips_without_slowing_down() -> None:
    policy = RefreshPolicy(30)
    for kwargs in ({"busy": True}, {"modal": True}):
        tick = policy.decide(CALM, now=100.0, **kwargs)
        assert not tick.refresh and tick.delay == 30.0 and tick.note == ""
    assert policy.last_refresh is None


def test_a_nearly_used_burst_window_skips_and_doubles_the_wait() -> None:
    policy = RefreshPolicy(30)
    busy_window = RateSignals(limit=40, remaining=6, reset_in=2, age=0.5)
    tick = policy.decide(busy_window, now=100.0)
    assert not tick.refresh and tick.delay == 60.0
    assert tick.note == (
        "Auto-refresh slowed to every 1 min: the rate window is nearly used (6/40 requests left)."
    )
    # The same figures, a window later, describe a window that is over: no pressure.
    stale = RateSignals(limit=40, remaining=6, reset_in=2, age=2.5)
    tick = policy.decide(stale, now=160.0)
    assert tick.refresh and tick.delay == 30.0  # halves back to the setting


def test_a_429_since_the_last_tick_backs_off_then_recovers_step_by_step() -> None:
    policy = RefreshPolicy(30)
    assert policy.decide(RateSignals(waits=2), now=0.0).refresh  # the count so far is the base
    delays = []
    for waits in (3, 4, 5):  # a new 429 at every tick
        tick = policy.decide(RateSignals(waits=waits), now=0.0)
        assert not tick.refresh and "429" in tick.note
        delays.append(tick.delay)
    assert delays == [60.0, 120.0, 240.0]
    recovering = [policy.decide(RateSignals(waits=5), now=0.0).delay for _ in range(4)]
    assert recovering == [120.0, 60.0, 30.0, 30.0]


def test_a_429_seen_while_busy_still_counts_at_the_next_tick() -> None:
    policy = RefreshPolicy(30)
    policy.decide(RateSignals(waits=0), now=0.0)
    policy.rate_limited()
    assert not policy.decide(RateSignals(waits=1), now=0.0, busy=True).refresh
    tick = policy.decide(RateSignals(waits=1), now=0.0)
    assert not tick.refresh and tick.delay == 60.0 and "429" in tick.note


def test_a_refused_refresh_or_a_block_backs_off() -> None:
    policy = RefreshPolicy(30)
    policy.rate_limited()
    tick = policy.decide(CALM, now=0.0)
    assert not tick.refresh and tick.delay == 60.0 and "429" in tick.note
    tick = policy.decide(RateSignals(blocked=True), now=0.0)
    assert not tick.refresh and tick.delay == 120.0 and "holding this client off" in tick.note


def test_a_low_daily_budget_still_refreshes_but_less_often() -> None:
    policy = RefreshPolicy(30)
    low = RateSignals(daily_limit=60_000, daily_remaining=5_000)
    tick = policy.decide(low, now=0.0)
    assert tick.refresh and tick.delay == 60.0
    assert tick.note == "Auto-refresh slowed to every 1 min: 5,000 API tokens left today."
    # Without the limit header, a small absolute figure counts as low.
    assert RateSignals(daily_remaining=1_500).budget_low()
    assert not RateSignals(daily_remaining=50_000).budget_low()
    assert not RateSignals(daily_limit=60_000, daily_remaining=7_000).budget_low()


def test_back_off_stops_at_the_ceiling() -> None:
    policy = RefreshPolicy(30)
    for waits in range(1, 20):
        policy.decide(RateSignals(waits=waits), now=0.0)
    assert policy.delay == MAX_BACKOFF
    slow = RefreshPolicy(600)
    for waits in range(1, 20):
        slow.decide(RateSignals(waits=waits), now=0.0)
    assert slow.delay == 2400.0  # four times a long setting


def test_due_in_counts_from_the_last_refresh() -> None:
    policy = RefreshPolicy(30)
    assert policy.due_in(5.0) == 30.0  # nothing refreshed yet
    policy.decide(CALM, now=100.0)
    assert policy.due_in(110.0) == 20.0
    assert policy.due_in(500.0) == 1.0  # overdue: soon, not at once


def test_signals_copy_the_clients_rate_limit_state() -> None:
    state = RateLimitState()
    assert RateSignals.of(state, 10.0) == RateSignals()
    state.update_from_headers(
        {"x-ratelimit-limit": "20", "x-ratelimit-remaining": "3", "x-ratelimit-reset": "2",
         "x-daily-ratelimit-token-limit": "30000", "x-daily-ratelimit-token-remaining": "900"},
        now=100.0,
    )  # fmt: skip
    state.waits = 4
    signals = RateSignals.of(state, 101.0)
    assert signals == RateSignals(20, 3, 2.0, 1.0, 30_000, 900, 4, False)
    assert signals.burst_nearly_used() and signals.budget_low()


# --- sorting changes into a view ------------------------------------------------------------


def test_changed_deals_that_no_longer_match_leave() -> None:
    query = DealQuery(pipeline_id=1, status="open")
    changed = [
        _deal(1),
        _deal(2, status="won"),
        _deal(3, pipeline_id=2),
        _deal(4, is_deleted=True),
        _deal(5, title="old"),
        _deal(5, title="new"),
    ]
    belong, leave = split_deal_changes(query, changed)
    assert [(d.id, d.title) for d in belong] == [(1, "D1"), (5, "new")]
    assert leave == {2, 3, 4}
    # Under a saved filter, a deal the filter no longer selects leaves too.
    belong, leave = split_deal_changes(query, changed, in_filter={5})
    assert [d.id for d in belong] == [5] and leave == {1, 2, 3, 4}


def test_changed_leads_sorted_into_the_inbox_and_the_archive() -> None:
    changed = [
        _lead("a"),
        _lead("b", is_archived=True),
        _lead("c", update_time="2026-11-20T09:00:00Z", title="old"),
        _lead("c", update_time="2026-11-20T09:05:00Z", title="new"),
    ]
    belong, leave = split_lead_changes(LeadQuery(), changed)
    assert [(x.id, x.title) for x in belong] == [("a", "a"), ("c", "new")] and leave == {"b"}
    belong, leave = split_lead_changes(LeadQuery(view="archived"), changed)
    assert [x.id for x in belong] == ["b"] and leave == {"a", "c"}


def test_deal_rows_merge_replaces_adds_and_drops() -> None:
    rows = DealRows(DealQuery(), lambda d: d.title)
    rows.add([_deal(1), _deal(2), _deal(3)])
    rows.marked.add(2)
    assert rows.merge([_deal(2, title="two"), _deal(9)], leave={3, 77})
    assert [(d.id, d.title) for d in rows.loaded] == [(1, "D1"), (2, "two"), (9, "D9")]
    assert rows.marked == set() and rows.view is rows.loaded
    # A later page bringing the merged deal again does not list it twice.
    rows.add([_deal(9, title="nine"), _deal(10)])
    assert [(d.id, d.title) for d in rows.loaded][-2:] == [(9, "nine"), (10, "D10")]
    assert not rows.merge([], leave={42})


def test_lead_rows_merge_puts_new_leads_first_when_newest_first() -> None:
    rows = LeadRows(LeadQuery(), lambda lead: lead.title)
    rows.add([_lead("a"), _lead("b"), _lead("c")])
    assert rows.merge([_lead("n"), _lead("b", title="B")], leave={"c"})
    assert [(x.id, x.title) for x in rows.loaded] == [("n", "n"), ("a", "a"), ("b", "B")]
    rows.add([_lead("n", title="N")])  # a later page: no duplicate
    assert [x.id for x in rows.loaded] == ["n", "a", "b"] and rows.loaded[0].title == "N"
    by_title = LeadRows(LeadQuery(sort="title", descending=False), lambda lead: lead.title)
    by_title.add([_lead("a")])
    by_title.merge([_lead("z")], leave=())
    assert [x.id for x in by_title.loaded] == ["a", "z"]


# --- fetching changes from the demo ---------------------------------------------------------


@pytest.fixture
def demo() -> DemoPipedrive:
    return DemoPipedrive(generate(7, 300), clock=lambda: 0.0)


@pytest.fixture
async def client(demo: DemoPipedrive, fake_time: FakeTime) -> AsyncIterator[PipedriveClient]:
    found = demo_client(demo.transport(), fake_time)
    yield found
    await found.aclose()


def _costs(demo: DemoPipedrive) -> dict[str, tuple[int, int]]:
    return {name: (entry.calls, entry.tokens) for name, entry in demo.ledger.items()}


def _spent(before: dict[str, tuple[int, int]], demo: DemoPipedrive) -> dict[str, tuple[int, int]]:
    after = _costs(demo)
    return {
        name: (calls - before.get(name, (0, 0))[0], tokens - before.get(name, (0, 0))[1])
        for name, (calls, tokens) in after.items()
        if (calls, tokens) != before.get(name, (0, 0))
    }


def _new_deal(demo: DemoPipedrive, template: dict[str, Any], **changes: Any) -> int:
    store = demo.store
    record = store.copy(template) | changes
    record["id"] = max(store.deals.by_id) + 1
    record["update_time"] = format_like(template.get("update_time"), store.now())
    store.deals.put(record)
    return int(record["id"])


async def _settled(client: PipedriveClient, query: DealQuery | LeadQuery) -> ChangeMark:
    """The mark after the first refresh of a view (which starts a few seconds early)."""
    if isinstance(query, DealQuery):
        return (await fetch_deal_changes(client, query, await newest_deal_update(client))).mark
    loaded = (await client.list_leads(ceiling=None, **query.client_filters())).items
    return (await fetch_lead_changes(client, query, probe_mark(loaded))).mark


async def test_the_first_mark_starts_a_few_seconds_before_the_newest_update(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    before = _costs(demo)
    mark = await newest_deal_update(client)
    assert _spent(before, demo) == {"getDeals": (1, 10)}
    newest = max(d["update_time"] for d in demo.store.deals.by_id.values())
    assert mark.param == since_param(
        datetime.fromisoformat(newest.replace("Z", "+00:00")) - PROBE_MARGIN
    )
    assert mark.seen == frozenset()
    assert demo.requests[-1].params["sort_by"] == "update_time"
    assert demo.requests[-1].params["limit"] == "1"


async def test_nothing_changed_costs_one_cheap_request(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    query = DealQuery(pipeline_id=1)
    mark = await _settled(client, query)
    before = _costs(demo)
    changes = await fetch_deal_changes(client, query, mark)
    assert _spent(before, demo) == {"getDeals": (1, 10)}
    # The newest deals come again (their second is included) but count as handled.
    assert changes.requests == 1 and changes.belong == [] and changes.leave == set()
    assert changes.mark == mark
    sent = demo.requests[-1].params
    assert sent["updated_since"] == mark.param == since_param(mark.time)
    assert sent["status"] == "open,won,lost,deleted" and "pipeline_id" not in sent


async def test_changes_since_the_mark_are_sorted_for_the_view(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    query = DealQuery(pipeline_id=1, status="open")
    mark = await _settled(client, query)
    shown = (await client.list_deals(ceiling=None, **query.client_filters())).items
    won, moved, edited, deleted = shown[:4]
    await client.update_deal(won.id, status="won")
    await client.update_deal(edited.id, title="Edited elsewhere")
    other = next(s for s in demo.store.stages if s["pipeline_id"] == 2)
    await client.update_deal(moved.id, pipeline_id=2, stage_id=other["id"])
    await client.update_deal(deleted.id, is_deleted=True)
    new_id = _new_deal(demo, demo.store.deals.by_id[won.id], status="open", title="Brand new")
    changes = await fetch_deal_changes(client, query, mark)
    assert {d.id: d.title for d in changes.belong} == {
        edited.id: "Edited elsewhere", new_id: "Brand new",
    }  # fmt: skip
    assert changes.leave == {won.id, moved.id, deleted.id}
    assert changes.mark.time >= mark.time
    assert changes.mark.seen == {won.id, moved.id, edited.id, deleted.id, new_id}
    # From the new mark, the same deals come again (``updated_since`` includes its second)
    # but count as handled: nothing to do.
    again = await fetch_deal_changes(client, query, changes.mark)
    assert again.belong == [] and again.leave == set() and again.requests == 1


async def test_under_a_saved_filter_a_second_request_asks_what_it_still_selects(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    saved = next(f for f in await client.list_filters("deals") if f.active_flag)
    query = DealQuery(filter_id=saved.id, status="all")
    selected = (await client.list_deals(ceiling=None, filter_id=saved.id)).items
    assert selected
    mark = await _settled(client, query)
    quiet = _costs(demo)
    assert (await fetch_deal_changes(client, query, mark)).requests == 1  # nothing changed
    assert _spent(quiet, demo) == {"getDeals": (1, 10)}
    await client.update_deal(selected[0].id, title="Still selected")
    before = _costs(demo)
    changes = await fetch_deal_changes(client, query, mark, shown={selected[0].id})
    assert _spent(before, demo) == {"getDeals": (2, 20)}
    assert [d.title for d in changes.belong] == ["Still selected"]


async def test_lead_changes_see_archived_and_edited_leads(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    mark = await _settled(client, LeadQuery())
    inbox = (await client.list_leads(ceiling=None)).items
    archived_lead, edited = inbox[0], inbox[1]
    before = _costs(demo)
    quiet = await fetch_lead_changes(client, LeadQuery(), mark)
    assert _spent(before, demo) == {"getLeads": (1, 20), "getArchivedLeads": (1, 40)}
    assert quiet.belong == [] and quiet.leave == set()
    await client.update_lead(archived_lead.id, is_archived=True)
    await client.update_lead(edited.id, title="Renamed elsewhere")
    changes = await fetch_lead_changes(client, LeadQuery(), mark)
    assert [(x.id, x.title) for x in changes.belong] == [(edited.id, "Renamed elsewhere")]
    assert changes.leave == {archived_lead.id}
    archive_view = await fetch_lead_changes(client, LeadQuery(view="archived"), mark)
    assert [x.id for x in archive_view.belong] == [archived_lead.id]
    assert edited.id in archive_view.leave


async def test_a_list_on_one_page_is_read_again_and_sees_deleted_leads(
    demo: DemoPipedrive, client: PipedriveClient
) -> None:
    inbox = (await client.list_leads(ceiling=None)).items
    shown = {lead.id for lead in inbox}
    gone = inbox[5].id
    demo.store.leads.remove(gone)
    before = _costs(demo)
    changes = await reread_leads(client, LeadQuery(), probe_mark(inbox), shown=shown)
    assert _spent(before, demo) == {"getLeads": (1, 20)}
    assert changes.complete and changes.leave == {gone}
    assert {lead.id for lead in changes.belong} == shown - {gone}
    # A page that says more follow cannot tell who left.
    partial = await reread_leads(client, LeadQuery(), ChangeMark(), shown=shown, limit=20)
    assert not partial.complete and partial.leave == set() and len(partial.belong) == 20


def test_since_param_is_utc() -> None:
    from datetime import timedelta, timezone

    paris = datetime(2026, 11, 20, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert since_param(paris) == "2026-11-20T09:30:00Z"
    assert since_param(datetime(2026, 11, 20, 9, 30)) == "2026-11-20T09:30:00Z"
    assert since_param(datetime(2026, 11, 20, 9, 30, tzinfo=UTC)) == "2026-11-20T09:30:00Z"


def test_a_change_mark_moves_to_the_newest_second_and_remembers_who_was_there() -> None:
    mark = ChangeMark(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), frozenset({1}))
    at_mark = _deal(1, update_time="2026-11-20T09:00:00Z")
    other_at_mark = _deal(2, update_time="2026-11-20T09:00:00.400Z")
    assert mark.fresh([at_mark, other_at_mark]) == [other_at_mark]
    same = mark.after([at_mark, other_at_mark])
    assert same.time == mark.time and same.seen == {1, 2}
    later = _deal(3, update_time="2026-11-20T09:00:07.900Z")
    moved = mark.after([other_at_mark, later])
    assert moved == ChangeMark(datetime(2026, 11, 20, 9, 0, 7, tzinfo=UTC), frozenset({3}))
    assert mark.after([]) == mark and mark.param == "2026-11-20T09:00:00Z"
    # A record changed again after it was seen, in a later second, is fresh again.
    assert mark.fresh([_deal(1, update_time="2026-11-20T09:00:01Z")]) != []
