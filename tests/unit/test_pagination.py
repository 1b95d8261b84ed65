"""Both pagination styles: empty, one page, many pages, the ceiling, and servers that loop."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import BadRequestError, NotFoundError, PaginationLoopError
from pipedrive_tui.api.pagination import read_offset_meta


def deal(i: int) -> dict[str, Any]:
    return {"id": i, "title": f"Deal {i}", "value": i, "currency": "EUR", "status": "open"}


def lead(i: int) -> dict[str, Any]:
    return {"id": f"00000000-0000-0000-0000-{i:012d}", "title": f"Lead {i}"}


class CursorServer:
    """Serves ``total`` deals in cursor pages; optionally repeats a cursor."""

    def __init__(self, total: int, *, repeat: bool = False) -> None:
        self.total = total
        self.repeat = repeat
        self.seen: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.seen.append(params)
        limit = int(params["limit"])
        start = int(params.get("cursor") or 0)
        items = [deal(i) for i in range(start + 1, min(start + limit, self.total) + 1)]
        end = start + limit
        next_cursor = str(end) if end < self.total else None
        if self.repeat and next_cursor:
            next_cursor = "0"  # a broken server sends the first cursor again
            if start == 0:
                next_cursor = "50"
        body = {"success": True, "data": items, "additional_data": {"next_cursor": next_cursor}}
        return httpx.Response(200, json=body)


class OffsetServer:
    """Serves ``total`` leads in offset pages, with nested or flat pagination metadata."""

    def __init__(self, total: int, *, nested: bool = True, stuck: bool = False, bare: bool = False):
        self.total = total
        self.nested = nested
        self.stuck = stuck
        self.bare = bare
        self.seen: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.seen.append(params)
        start, limit = int(params["start"]), int(params["limit"])
        items = [lead(i) for i in range(start, min(start + limit, self.total))]
        more = start + limit < self.total
        meta: dict[str, Any] = {"start": start, "limit": limit, "more_items_in_collection": more}
        if more:
            meta["next_start"] = 0 if self.stuck else start + limit
        body: dict[str, Any] = {"success": True, "data": items}
        if not self.bare:
            body["additional_data"] = {"pagination": meta} if self.nested else meta
        return httpx.Response(200, json=body)


def client_for(handler: Any) -> PipedriveClient:
    return PipedriveClient(
        "https://x.pipedrive.com", api_token="t", transport=httpx.MockTransport(handler)
    )


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (500, 1), (501, 2), (1234, 3)])
async def test_cursor_pages(total: int, pages: int) -> None:
    server = CursorServer(total)
    async with client_for(server) as client:
        result = await client.list_deals(ceiling=None)
    assert [d.id for d in result.items] == list(range(1, total + 1))
    assert result.complete and result.pages == pages
    assert all(p["limit"] == "500" for p in server.seen)  # always the maximum page size
    assert "cursor" not in server.seen[0]


async def test_cursor_ceiling_reports_honestly() -> None:
    server = CursorServer(1234)
    async with client_for(server) as client:
        result = await client.list_deals(ceiling=600)
    assert len(result.items) == 600
    assert not result.complete
    assert "600" in (result.reason or "")
    assert len(server.seen) == 2  # it stopped asking once it had enough


async def test_cursor_ceiling_equal_to_total_is_complete() -> None:
    async with client_for(CursorServer(500)) as client:
        result = await client.list_deals(ceiling=500)
    assert result.complete and len(result.items) == 500


async def test_repeated_cursor_stops_and_says_so() -> None:
    server = CursorServer(5000, repeat=True)
    async with client_for(server) as client:
        result = await client.list_deals(ceiling=None)
        with pytest.raises(PaginationLoopError, match="repeated a page cursor"):
            async for _ in client.records("list_deals"):
                pass
    assert not result.complete
    assert isinstance(result.error, PaginationLoopError)
    assert len(server.seen) < 10


@pytest.mark.parametrize("nested", [True, False])
@pytest.mark.parametrize(("total", "pages"), [(0, 1), (10, 1), (500, 1), (1001, 3)])
async def test_offset_pages(nested: bool, total: int, pages: int) -> None:
    server = OffsetServer(total, nested=nested)
    async with client_for(server) as client:
        result = await client.list_leads(ceiling=None)
    assert len(result.items) == total
    assert result.complete and result.pages == pages
    assert [p["start"] for p in server.seen] == [str(500 * i) for i in range(pages)]


async def test_offset_without_metadata_pages_until_a_short_page() -> None:
    server = OffsetServer(1200, bare=True)
    async with client_for(server) as client:
        result = await client.list_leads(ceiling=None)
    assert len(result.items) == 1200 and result.complete
    assert len(server.seen) == 3


async def test_offset_ceiling() -> None:
    async with client_for(OffsetServer(1001)) as client:
        result = await client.list_leads(ceiling=700)
    assert len(result.items) == 700 and not result.complete


async def test_repeated_offset_stops_and_says_so() -> None:
    server = OffsetServer(5000, stuck=True)
    async with client_for(server) as client:
        result = await client.list_leads(ceiling=None)
    assert not result.complete
    assert isinstance(result.error, PaginationLoopError)
    assert "repeated the offset" in (result.reason or "")
    assert len(server.seen) == 1


def test_offset_meta_reads_both_layouts() -> None:
    nested = {
        "additional_data": {"pagination": {"more_items_in_collection": True, "next_start": 7}}
    }
    flat = {"additional_data": {"start": 0, "limit": 5, "more_items_in_collection": True}}
    assert read_offset_meta(nested, 0, 5, 5) == (True, 7)
    assert read_offset_meta(flat, 0, 5, 5) == (True, 5)
    assert read_offset_meta({"data": []}, 0, 3, 5) == (False, 3)
    assert read_offset_meta({"additional_data": None}, 10, 5, 5) == (True, 15)


async def test_error_before_any_record_is_raised() -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"success": False, "error": "Filter not found"})

    async with client_for(failing) as client:
        with pytest.raises(NotFoundError, match="Filter not found"):
            await client.list_deals(filter_id=99)


async def test_error_after_some_pages_keeps_them_and_says_why() -> None:
    server = CursorServer(2000)

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("cursor") == "1000":
            return httpx.Response(400, json={"success": False, "error": "Cursor expired"})
        return server(request)

    async with client_for(flaky) as client:
        result = await client.list_deals(ceiling=None)
        assert len(result.items) == 1000 and not result.complete
        assert "Cursor expired" in (result.reason or "")
        with pytest.raises(BadRequestError, match="Cursor expired"):
            await client.fetch_complete("list_deals")
