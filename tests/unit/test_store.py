"""The local record store: records by kind and id, list sync state, and never a fatal file."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipedrive_tui import locations
from pipedrive_tui.data import store as store_module
from pipedrive_tui.data.cache import DiskCache, account_key
from pipedrive_tui.data.store import MAX_RECORD_BYTES, STORE_FILE, RecordStore, StoredList

LEAD_ID = "ca144505-d658-4ed1-8f35-a61e7ac4bba1"


class Clock:
    """A clock that only moves when told."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "account"


@pytest.fixture
def store(folder: Path, clock: Clock) -> Iterator[RecordStore]:
    with RecordStore.open(folder, clock=clock) as opened:
        yield opened


def deal(deal_id: int, **fields: Any) -> dict[str, Any]:
    return {"id": deal_id, "title": f"Deal {deal_id}", "value": deal_id * 10, **fields}


def fill(folder: Path, count: int = 2000) -> None:
    """A closed store holding ``count`` deals of about 1 kB each."""
    with RecordStore.open(folder) as filled:
        filled.put("deal", [deal(i, notes="x" * 1000) for i in range(1, count + 1)])
        assert filled.recovered is None


def raw_version(folder: Path, version: int, extra_table: bool = False) -> None:
    """Write another schema version into a closed store, as another release would."""
    connection = sqlite3.connect(folder / STORE_FILE)
    with connection:
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),)
        )
        if extra_table:
            connection.execute("CREATE TABLE future (x)")
    connection.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- records -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("deal", deal(7, update_time="2024-05-01T10:00:00Z", custom={"a": [1, 2]})),
        ("person", {"id": 3, "name": "Zoë Åberg", "emails": [{"value": "z@x.io"}]}),
        ("organization", {"id": 12, "name": "ACME", "address": None}),
        ("lead", {"id": LEAD_ID, "title": "Lead", "updated_at": "2024-05-02T10:00:00Z"}),
        ("mail_thread", {"id": 44, "subject": "Hello", "snippet": "Hi there"}),
        ("pipeline", {"id": 1, "name": "Sales", "order_nr": 1}),
        ("stage", {"id": 6, "name": "Won", "pipeline_id": 1}),
        ("activity", {"id": 900, "subject": "Call"}),
    ],
)
def test_round_trip_per_kind(store: RecordStore, kind: str, record: dict[str, Any]) -> None:
    store.put(kind, [record])
    assert store.get(kind, record["id"]) == record
    assert store.all(kind) == [record]
    assert store.get("other", record["id"]) is None
    assert store.update_time(kind, record["id"]) == (
        record.get("update_time") or record.get("updated_at")
    )


def test_ids_are_found_as_int_or_text(store: RecordStore) -> None:
    store.put("deal", [deal(42)])
    assert store.get("deal", "42") == deal(42)
    assert store.get("deal", "042") is None
    store.put("lead", [{"id": LEAD_ID}])
    assert store.get("lead", LEAD_ID) == {"id": LEAD_ID}
    assert store.get("lead", LEAD_ID.upper()) is None


def test_all_is_in_id_order(store: RecordStore) -> None:
    store.put("deal", [deal(10), deal(2), deal(33)])
    assert [r["id"] for r in store.all("deal")] == [2, 10, 33]


def test_get_many_keeps_the_order_asked_and_skips_missing(store: RecordStore) -> None:
    store.put("deal", [deal(i) for i in range(1, 1200)])
    asked = [900, 5, 77777, 1, 1199, *range(600, 1100)]
    got = store.get_many("deal", asked)
    assert [r["id"] for r in got] == [i for i in asked if i != 77777]
    assert store.get_many("deal", []) == []
    assert store.get_many("person", [1, 2]) == []


def test_update_replaces(store: RecordStore, clock: Clock) -> None:
    store.put("deal", [deal(1, status="open", update_time="2024-01-01T00:00:00Z")])
    clock.now += 60
    store.put("deal", [deal(1, status="won", update_time="2024-02-01T00:00:00Z")])
    assert store.get("deal", 1) == deal(1, status="won", update_time="2024-02-01T00:00:00Z")
    assert store.fetched_at("deal", 1) == clock.now
    assert store.update_time("deal", 1) == "2024-02-01T00:00:00Z"
    assert store.stats()["kinds"] == {"deal": 1}


def test_delete(store: RecordStore) -> None:
    store.put("deal", [deal(1), deal(2), deal(3)])
    store.put("lead", [{"id": LEAD_ID}])
    store.delete("deal", [1, "3", 99])
    store.delete("lead", [LEAD_ID])
    assert [r["id"] for r in store.all("deal")] == [2]
    assert store.get("lead", LEAD_ID) is None
    assert store.fetched_at("deal", 1) is None


def test_fetched_at_comes_from_the_clock(store: RecordStore, clock: Clock) -> None:
    store.put("deal", [deal(1)])
    clock.now = 1_800_000_000.5
    store.put("deal", [deal(2)])
    assert store.fetched_at("deal", 1) == 1_700_000_000.0
    assert store.fetched_at("deal", 2) == 1_800_000_000.5
    assert store.fetched_at("deal", 3) is None


def test_a_record_over_one_megabyte_is_refused_and_nothing_of_the_batch_is_written(
    store: RecordStore,
) -> None:
    huge = deal(2, notes="x" * MAX_RECORD_BYTES)
    with pytest.raises(ValueError, match="over the"):
        store.put("deal", [deal(1), huge])
    assert store.all("deal") == []
    # the limit counts UTF-8 bytes, not characters
    with pytest.raises(ValueError):
        store.put("deal", [deal(3, notes="é" * (MAX_RECORD_BYTES // 2 + 10))])
    store.put("deal", [deal(4, notes="x" * (MAX_RECORD_BYTES - 200))])
    assert store.get("deal", 4) is not None


def test_records_without_an_id_or_mail_bodies_are_refused(store: RecordStore) -> None:
    with pytest.raises(ValueError, match="id"):
        store.put("deal", [{"title": "no id"}])
    with pytest.raises(ValueError, match="id"):
        store.put("deal", [{"id": True}])
    with pytest.raises(ValueError, match="body"):
        store.put("mail_message", [{"id": 1, "body": "<p>secret</p>"}])
    with pytest.raises(ValueError, match="kind"):
        store.put("Deal; DROP", [deal(1)])
    assert store.stats()["kinds"] == {}


# -- lists -------------------------------------------------------------------------------------


def test_lists_keep_their_order_and_sync_time(store: RecordStore, clock: Clock) -> None:
    key = "deals:pipeline=1:status=open"
    assert store.load_list(key) is None
    store.save_list(key, [30, 4, 1000, 2], "2024-05-01T10:00:00Z")
    assert store.load_list(key) == StoredList((30, 4, 1000, 2), "2024-05-01T10:00:00Z", clock.now)
    clock.now += 5
    store.save_list(key, [4, 30], "2024-05-01T10:05:00Z")
    assert store.load_list(key) == StoredList((4, 30), "2024-05-01T10:05:00Z", clock.now)
    store.save_list("leads:inbox", [LEAD_ID, "17"], "2024-05-01 10:05:00")
    assert store.load_list("leads:inbox") == StoredList(
        (LEAD_ID, 17), "2024-05-01 10:05:00", clock.now
    )


def test_a_list_draws_from_the_store_after_reopening(folder: Path, clock: Clock) -> None:
    ids = list(range(500, 0, -1))
    with RecordStore.open(folder, clock=clock) as first:
        first.put("deal", [deal(i) for i in ids])
        first.save_list("deals:all", ids, "2024-05-01T10:00:00Z")
    with RecordStore.open(folder, clock=clock) as warm:
        assert warm.recovered is None
        stored = warm.load_list("deals:all")
        assert stored is not None
        assert [r["id"] for r in warm.get_many("deal", stored.ids)] == ids


def test_clear_and_stats(store: RecordStore) -> None:
    store.put("deal", [deal(1), deal(2)])
    store.put("stage", [{"id": 1}])
    store.save_list("deals:all", [1, 2], "t")
    stats = store.stats()
    assert stats["kinds"] == {"deal": 2, "stage": 1}
    assert stats["lists"] == 1
    assert stats["bytes"] > 0
    assert stats["path"] == str(store.path)
    store.clear()
    assert store.stats()["kinds"] == {}
    assert store.load_list("deals:all") is None
    store.put("deal", [deal(3)])
    assert store.get("deal", 3) == deal(3)


def test_a_closed_store_says_so(folder: Path) -> None:
    opened = RecordStore.open(folder)
    opened.close()
    opened.close()
    with pytest.raises(RuntimeError, match="closed"):
        opened.get("deal", 1)


# -- the file ----------------------------------------------------------------------------------


def test_wal_mode_and_owner_only_permissions(folder: Path) -> None:
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    old_umask = os.umask(0)
    try:
        with RecordStore.open(folder) as opened:
            opened.put("deal", [deal(1)])
            connection = sqlite3.connect(folder / STORE_FILE)
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            connection.close()
            files = sorted(p.name for p in folder.iterdir())
            assert files == [STORE_FILE, f"{STORE_FILE}-shm", f"{STORE_FILE}-wal"]
            assert {name: mode(folder / name) for name in files} == dict.fromkeys(files, 0o600)
            assert mode(folder) == 0o700
    finally:
        os.umask(old_umask)


def test_for_account_uses_the_lookup_cache_folder() -> None:
    key = account_key("https://acme.pipedrive.com", "secret-token-123")
    with RecordStore.for_account(key) as opened:
        assert opened.path == DiskCache(locations.cache_dir(), key).folder / STORE_FILE
        assert opened.path is not None and opened.path.is_file()


def test_the_file_holds_no_token(folder: Path) -> None:
    token = "tok_0123456789abcdef"
    with RecordStore.open(folder) as opened:
        opened.put("deal", [deal(i) for i in range(50)])
        opened.put("mail_thread", [{"id": 1, "subject": "Hi", "parties": {"to": []}}])
        opened.save_list("deals:all", list(range(50)), "2024-05-01T10:00:00Z")
        data = b"".join(p.read_bytes() for p in folder.iterdir())
    data += b"".join(p.read_bytes() for p in folder.iterdir())
    assert b"Deal 49" in data  # the check reads the real bytes
    assert b"x-api-token" not in data.lower()
    assert token.encode() not in data
    assert token not in account_key("https://acme.pipedrive.com", token)


# -- damaged and foreign files -----------------------------------------------------------------


def test_a_garbage_file_is_moved_aside_and_rebuilt(folder: Path, clock: Clock) -> None:
    folder.mkdir(parents=True)
    garbage = b"this is not a database at all\n" * 200
    (folder / STORE_FILE).write_bytes(garbage)
    (folder / f"{STORE_FILE}-wal").write_bytes(b"stale log")
    with RecordStore.open(folder, clock=clock) as opened:
        assert opened.recovered is not None and "moved aside" in opened.recovered
        assert not opened.in_memory
        opened.put("deal", [deal(1)])
        assert opened.get("deal", 1) == deal(1)
    asides = sorted(folder.glob(f"{STORE_FILE}.corrupt-*"))
    assert [p.name for p in asides] == [f"{STORE_FILE}.corrupt-20231114T221320Z"]
    assert asides[0].read_bytes() == garbage


def test_only_the_newest_damaged_copy_is_kept(folder: Path, clock: Clock) -> None:
    folder.mkdir(parents=True)
    for step in range(3):
        clock.now += 3600
        (folder / STORE_FILE).write_bytes(f"garbage {step}".encode() * 50)
        with RecordStore.open(folder, clock=clock) as opened:
            assert opened.recovered is not None
    asides = list(folder.glob(f"{STORE_FILE}.corrupt-*"))
    assert len(asides) == 1
    assert asides[0].read_bytes().startswith(b"garbage 2")


def test_a_directory_in_its_place_is_moved_aside(folder: Path) -> None:
    (folder / STORE_FILE / "inner").mkdir(parents=True)
    with RecordStore.open(folder) as opened:
        assert opened.recovered is not None and not opened.in_memory
        opened.put("deal", [deal(1)])
        assert (folder / STORE_FILE).is_file()
    assert [p.is_dir() for p in folder.glob(f"{STORE_FILE}.corrupt-*")] == [True]


def test_a_truncated_database_is_moved_aside_and_rebuilt(folder: Path) -> None:
    fill(folder)
    path = folder / STORE_FILE
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    with RecordStore.open(folder) as opened:
        assert opened.recovered is not None and "truncated" in opened.recovered
        assert opened.all("deal") == []
        opened.put("deal", [deal(1)])
        assert opened.get("deal", 1) == deal(1)
    assert len(list(folder.glob(f"{STORE_FILE}.corrupt-*"))) == 1


def test_damage_found_while_in_use_is_recovered(folder: Path) -> None:
    fill(folder)
    path = folder / STORE_FILE
    size = path.stat().st_size
    with path.open("r+b") as handle:  # same size, garbage in the second half: the header is fine
        handle.seek(size // 2)
        handle.write(b"\xa5" * (size - size // 2))
    with RecordStore.open(folder) as opened:
        assert opened.recovered is None
        assert opened.all("deal") == []  # SQLite reports the damage; the store starts afresh
        assert opened.recovered is not None and "moved aside" in opened.recovered
        opened.put("deal", [deal(1)])
        assert opened.all("deal") == [deal(1)]
    assert len(list(folder.glob(f"{STORE_FILE}.corrupt-*"))) == 1


def test_a_store_of_a_newer_release_is_rebuilt(folder: Path) -> None:
    fill(folder, 10)
    raw_version(folder, store_module.SCHEMA_VERSION + 5, extra_table=True)
    with RecordStore.open(folder) as opened:
        assert opened.recovered is not None and "newer" in opened.recovered
        assert opened.all("deal") == []
        opened.put("deal", [deal(1)])
    connection = sqlite3.connect(folder / STORE_FILE)
    tables = {n for (n,) in connection.execute("SELECT name FROM sqlite_master")}
    version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    connection.close()
    assert "future" not in tables
    assert version == (str(store_module.SCHEMA_VERSION),)
    with RecordStore.open(folder) as again:
        assert again.recovered is None
        assert again.all("deal") == [deal(1)]


def test_an_older_store_without_a_migration_is_rebuilt(folder: Path) -> None:
    fill(folder, 10)
    raw_version(folder, 0)
    with RecordStore.open(folder) as opened:
        assert opened.recovered is not None and "older" in opened.recovered
        assert opened.all("deal") == []


def test_an_older_store_with_a_migration_is_migrated(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(folder, 10)
    ran: list[int] = []

    def add_column(connection: sqlite3.Connection) -> None:
        ran.append(1)
        connection.execute("ALTER TABLE records ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_module, "MIGRATIONS", {1: add_column})
    with RecordStore.open(folder) as opened:
        assert opened.recovered is None
        assert ran == [1]
        assert len(opened.all("deal")) == 10
        assert opened.stats()["schema_version"] == 2
    with RecordStore.open(folder) as again:
        assert ran == [1]
        assert again.recovered is None


def test_an_unwritable_folder_falls_back_to_memory(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect

    def refuse(target: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(target) != ":memory:":
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(store_module.sqlite3, "connect", refuse)
    with RecordStore.open(folder) as opened:
        assert opened.in_memory and opened.path is None
        assert opened.recovered is not None and "memory" in opened.recovered
        opened.put("lead", [{"id": LEAD_ID}])
        opened.save_list("leads:inbox", [LEAD_ID], "t")
        assert opened.get("lead", LEAD_ID) == {"id": LEAD_ID}
        assert opened.stats()["path"] is None


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_falls_back_to_memory(tmp_path: Path) -> None:
    parent = tmp_path / "read-only"
    parent.mkdir()
    os.chmod(parent, 0o500)
    try:
        with RecordStore.open(parent / "account") as opened:
            assert opened.in_memory
            assert opened.recovered is not None and "memory" in opened.recovered
            opened.put("deal", [deal(1)])
            assert opened.get("deal", 1) == deal(1)
    finally:
        os.chmod(parent, 0o700)


# -- threads -----------------------------------------------------------------------------------


def test_many_threads_write_and_read_at_once(store: RecordStore) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            for batch in range(25):
                base = worker * 10_000 + batch * 20
                store.put("deal", [deal(base + i) for i in range(20)])
                store.save_list(f"deals:{worker}", [base], "t")
                assert len(store.get_many("deal", range(base, base + 20))) == 20
                store.all("stage")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.stats()["kinds"] == {"deal": 8 * 25 * 20}
    assert store.stats()["lists"] == 8
