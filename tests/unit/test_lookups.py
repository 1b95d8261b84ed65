"""Cached lookups: hit, miss, expiry, corrupt or older file, refresh, single flight, no token."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import ServerError
from pipedrive_tui.data.cache import FORMAT_VERSION, DiskCache, account_key
from pipedrive_tui.data.lookups import KINDS, Lookups

TOKEN = "very-secret-token-value"
USERS = [{"id": 1, "name": "Ada", "email": "ada@example.com"}, {"id": 2, "name": "Bob"}]


class Counter:
    """A server that answers /v1/users and counts the calls; ``gate`` can hold answers back."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.gate: asyncio.Event | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            return httpx.Response(500, text="boom")
        assert request.url.path == "/v1/users"
        return httpx.Response(200, json={"success": True, "data": USERS})


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Counter:
    return Counter()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make(server: Counter, clock: Clock, root: Path) -> tuple[Lookups, DiskCache]:
    client = PipedriveClient(
        "https://acme.pipedrive.com",
        api_token=TOKEN,
        transport=httpx.MockTransport(server),
        max_retries=0,
    )
    cache = DiskCache(root, account_key(client.base_url, TOKEN))
    return Lookups(client, cache, clock=clock), cache


async def test_miss_then_memory_hit(server: Counter, clock: Clock, tmp_path: Path) -> None:
    lookups, _ = make(server, clock, tmp_path)
    first = await lookups.users()
    second = await lookups.users()
    assert [u.name for u in first.values()] == ["Ada", "Bob"]
    assert first == second
    assert server.calls == 1


async def test_disk_hit_in_a_new_session(server: Counter, clock: Clock, tmp_path: Path) -> None:
    lookups, _ = make(server, clock, tmp_path)
    await lookups.get("users")
    again, _ = make(server, clock, tmp_path)
    users = await again.users()
    assert users[1].email == "ada@example.com"
    assert server.calls == 1


async def test_expiry_refetches(server: Counter, clock: Clock, tmp_path: Path) -> None:
    lookups, _ = make(server, clock, tmp_path)
    await lookups.get("users")
    clock.now += KINDS["users"].ttl - 1
    await lookups.get("users")
    assert server.calls == 1
    clock.now += 2
    await lookups.get("users")
    assert server.calls == 2


async def test_explicit_refresh(server: Counter, clock: Clock, tmp_path: Path) -> None:
    lookups, _ = make(server, clock, tmp_path)
    await lookups.get("users")
    await lookups.get("users", refresh=True)
    assert server.calls == 2


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"format": FORMAT_VERSION - 1, "kind": "users", "saved_at": 0, "records": []}),
        json.dumps(
            {"format": FORMAT_VERSION, "kind": "users", "saved_at": 1e12, "records": [{"id": "x"}]}
        ),
        json.dumps([1, 2, 3]),
        "\udcff",
    ],
    ids=["corrupt", "older-format", "misfit-records", "wrong-shape", "bad-bytes"],
)
async def test_bad_cache_file_is_discarded_and_refetched(
    server: Counter, clock: Clock, tmp_path: Path, content: str
) -> None:
    lookups, cache = make(server, clock, tmp_path)
    cache.folder.mkdir(parents=True)
    path = cache.folder / "users.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    users = await lookups.users()
    assert len(users) == 2
    assert server.calls == 1
    saved = json.loads(path.read_text())
    assert saved["format"] == FORMAT_VERSION and len(saved["records"]) == 2


async def test_concurrent_callers_share_one_request(
    server: Counter, clock: Clock, tmp_path: Path
) -> None:
    lookups, _ = make(server, clock, tmp_path)
    server.gate = asyncio.Event()
    tasks = [asyncio.create_task(lookups.get("users")) for _ in range(5)]
    await asyncio.sleep(0)
    server.gate.set()
    results = await asyncio.gather(*tasks)
    assert server.calls == 1
    assert all(r is results[0] for r in results)


async def test_concurrent_callers_share_one_failure(
    server: Counter, clock: Clock, tmp_path: Path
) -> None:
    lookups, _ = make(server, clock, tmp_path)
    server.fail = True
    server.gate = asyncio.Event()
    tasks = [asyncio.create_task(lookups.get("users")) for _ in range(3)]
    await asyncio.sleep(0)
    server.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert server.calls == 1
    assert all(isinstance(r, ServerError) for r in results)
    server.fail = False
    assert len(await lookups.get("users")) == 2  # a failure is not cached


async def test_token_never_written(server: Counter, clock: Clock, tmp_path: Path) -> None:
    lookups, cache = make(server, clock, tmp_path)
    await lookups.get("users")
    for path in tmp_path.rglob("*"):
        assert TOKEN not in path.name
        if path.is_file():
            assert TOKEN not in path.read_text()
    assert cache.folder.name == account_key("https://acme.pipedrive.com", TOKEN)


def test_accounts_never_mix() -> None:
    a = account_key("https://a.pipedrive.com", "t1")
    assert a != account_key("https://a.pipedrive.com", "t2")
    assert a != account_key("https://b.pipedrive.com", "t1")
    assert a == account_key("https://a.pipedrive.com/", "t1")


async def test_invalidate_forgets_memory_and_disk(
    server: Counter, clock: Clock, tmp_path: Path
) -> None:
    lookups, cache = make(server, clock, tmp_path)
    await lookups.get("users")
    lookups.invalidate("users")
    assert lookups.peek("users") is None
    assert cache.load("users") is None
    await lookups.get("users")
    assert server.calls == 2


async def test_memory_only_lookups(server: Counter, clock: Clock) -> None:
    client = PipedriveClient(
        "https://acme.pipedrive.com", api_token=TOKEN, transport=httpx.MockTransport(server)
    )
    lookups = Lookups(client, None, clock=clock)
    await lookups.get("users")
    await lookups.get("users")
    assert server.calls == 1
