"""Deal queries, stage totals, rotting and the name book (pure data-layer logic)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Deal, Stage
from pipedrive_tui.data.deals import DealQuery, rotting_days, stage_totals
from pipedrive_tui.data.names import BULK_THRESHOLD, NameBook

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def stage(**kw: object) -> Stage:
    base: dict[str, object] = {"id": 1, "name": "Demo", "pipeline_id": 1, "deal_probability": 40}
    return Stage.model_validate(base | kw)


def deal(**kw: object) -> Deal:
    base: dict[str, object] = {
        "id": 1,
        "title": "D",
        "value": 100,
        "currency": "EUR",
        "status": "open",
        "pipeline_id": 1,
        "stage_id": 1,
    }
    return Deal.model_validate(base | kw)


def test_query_filters_for_the_client() -> None:
    query = DealQuery(pipeline_id=2, status="all", owner_id=5)
    assert query.client_filters()["status"] is None
    assert query.client_filters()["pipeline_id"] == 2
    with_filter = DealQuery(pipeline_id=2, filter_id=9).client_filters()
    assert with_filter["filter_id"] == 9 and "pipeline_id" not in with_filter


def test_query_matches_reapplies_what_a_filter_ignores() -> None:
    query = DealQuery(pipeline_id=1, status="open", owner_id=3, filter_id=9)
    assert query.matches(deal(owner_id=3))
    assert not query.matches(deal(owner_id=4))
    assert not query.matches(deal(owner_id=3, pipeline_id=2))
    assert not query.matches(deal(owner_id=3, status="won"))
    assert not query.matches(deal(owner_id=3, is_archived=True))
    assert DealQuery(status="all", person_id=7).matches(deal(person_id=7, status="lost"))
    assert not DealQuery(org_id=7).matches(deal(org_id=8))


def test_rotting_days() -> None:
    rot = stage(is_deal_rot_enabled=True, days_to_rotten=10)
    assert rotting_days(deal(update_time="2026-11-01T09:00:00Z"), rot, NOW) == 9
    assert rotting_days(deal(update_time="2026-11-15T09:00:00Z"), rot, NOW) is None
    assert rotting_days(deal(update_time="2026-11-01 09:00:00"), rot, NOW) == 9
    assert rotting_days(deal(update_time="2026-11-01T09:00:00Z", status="won"), rot, NOW) is None
    assert rotting_days(deal(update_time="2026-11-01T09:00:00Z"), stage(), NOW) is None
    assert rotting_days(deal(), rot, NOW) is None  # no timestamps at all
    assert rotting_days(deal(update_time="2026-11-01T09:00:00Z"), None, NOW) is None


def test_stage_totals_per_currency_and_weighted() -> None:
    deals = [deal(value=100), deal(value=50, currency="USD"), deal(value=200, probability=90)]
    totals = stage_totals(deals, stage(deal_probability=40))
    assert totals.count == 3
    assert totals.values == {"EUR": 300, "USD": 50}
    assert totals.weighted == {"EUR": 40 + 180, "USD": 20}
    assert stage_totals([], None).values == {}


class PeopleServer:
    """Answers /api/v2/persons (by ids or all) and /api/v2/organizations."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.queries.append({"path": request.url.path, **params})
        kind = "Person" if request.url.path.endswith("persons") else "Org"
        if "ids" in params:
            ids = [int(i) for i in params["ids"].split(",")]
        else:
            start = int(params.get("cursor") or 0)
            ids = list(range(start + 1, min(start + 500, self.count) + 1))
            end = start + 500
            body = {
                "success": True,
                "data": [{"id": i, "name": f"{kind} {i}"} for i in ids],
                "additional_data": {"next_cursor": str(end) if end < self.count else None},
            }
            return httpx.Response(200, json=body)
        data = [{"id": i, "name": f"{kind} {i}"} for i in ids if i <= self.count]
        return httpx.Response(
            200, json={"success": True, "data": data, "additional_data": {"next_cursor": None}}
        )


async def test_name_book_asks_by_ids_for_a_few() -> None:
    server = PeopleServer(2000)
    client = PipedriveClient(
        "https://x.pipedrive.com", api_token="t", transport=httpx.MockTransport(server)
    )
    book = NameBook(client)
    await book.resolve(person_ids=[1, 2, None, 250], org_ids=[3])
    assert book.person_name(250) == "Person 250" and book.organization_name(3) == "Org 3"
    assert book.person_name(None) is None and book.person_name(9) is None
    await book.resolve(person_ids=[1, 2])  # known: no request
    assert [q.get("ids") for q in server.queries] == ["1,2,250", "3"]
    await client.aclose()


async def test_name_book_lists_everything_for_many() -> None:
    server = PeopleServer(1200)
    client = PipedriveClient(
        "https://x.pipedrive.com", api_token="t", transport=httpx.MockTransport(server)
    )
    book = NameBook(client)
    await book.resolve(person_ids=range(1, BULK_THRESHOLD + 50))
    assert len(book.persons) == 1200
    assert all("ids" not in q for q in server.queries) and len(server.queries) == 3
    await book.resolve(person_ids=[5000])  # complete list: an unknown id is not asked for
    assert len(server.queries) == 3
    await client.aclose()
