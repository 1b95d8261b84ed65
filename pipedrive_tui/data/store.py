"""The local record store: the records the user has loaded, per account, in one SQLite file.

The store sits in the account's cache folder (the one :class:`~pipedrive_tui.data.cache.DiskCache`
uses, named by :func:`~pipedrive_tui.data.cache.account_key`) as ``store.sqlite3``, in WAL mode,
owner-only (0600 in a 0700 folder). It holds records of any kind (``deal``, ``person``,
``organization``, ``lead``, ``mail_thread``, ``pipeline``, ``stage``…) keyed by id, exactly as the
API returned them, with the time each was fetched and its ``update_time``/``updated_at``; and, per
list key (``deals:pipeline=1:status=open``), the ordered ids of that list and when it was last
synced, so a screen can draw a list at once on a warm start and then refresh it.

It is only a cache, so nothing about it is fatal: a store of another schema version is migrated
or emptied, a damaged file is moved aside (``store.sqlite3.corrupt-<time>``, the newest one kept)
and a fresh one started, and when no file can be written at all the store lives in memory.
:attr:`RecordStore.recovered` says, in a sentence for the user, what happened. The token is never
written: the store only ever receives records. Mail bodies are not stored, only thread records.

Every call is synchronous and thread-safe (one connection guarded by a lock), for
``asyncio.to_thread``; each write is one transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict, TypeVar

from pipedrive_tui import locations
from pipedrive_tui.data.cache import DiskCache

__all__ = [
    "MAX_RECORD_BYTES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_FILE",
    "RecordId",
    "RecordStore",
    "StoreStats",
    "StoredList",
]

log = logging.getLogger("pipedrive_tui.data")

#: The file name inside the account's cache folder.
STORE_FILE = "store.sqlite3"
#: Bump when the tables change, and add a migration to :data:`MIGRATIONS` when one is possible.
SCHEMA_VERSION = 1
#: The largest record accepted, in bytes of JSON (UTF-8).
MAX_RECORD_BYTES = 1_000_000

#: A record id: an int, or a str for uuid ids (leads). A str of decimal digits means that int.
RecordId = int | str

Migration = Callable[[sqlite3.Connection], None]
#: ``MIGRATIONS[n]`` turns a store of schema ``n`` into one of schema ``n + 1`` in place (inside
#: a transaction). A version with no path of migrations up to :data:`SCHEMA_VERSION` is emptied.
MIGRATIONS: dict[int, Migration] = {}

_SIDECARS = ("-wal", "-shm", "-journal")
_WAL_LIMIT = 8 * 2**20  # bytes of write-ahead log kept after a checkpoint
_CHUNK = 500  # ids per ``IN (…)`` query, well under SQLite's limit on bound variables
_KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # ``id`` has no declared type, so SQLite keeps ints as ints and uuids as text (and sorts
    # ints first, numerically); ``UNIQUE`` gives the (kind, id) index every lookup uses.
    "CREATE TABLE IF NOT EXISTS records ("
    " kind TEXT NOT NULL,"
    " id NOT NULL,"
    " data TEXT NOT NULL,"
    " fetched_at REAL NOT NULL,"
    " update_time TEXT,"
    " UNIQUE (kind, id))",
    "CREATE TABLE IF NOT EXISTS lists ("
    " key TEXT PRIMARY KEY,"
    " ids TEXT NOT NULL,"
    " synced_at TEXT NOT NULL,"
    " fetched_at REAL NOT NULL)",
)

_UPSERT_RECORD = (
    "INSERT INTO records (kind, id, data, fetched_at, update_time) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data,"
    " fetched_at = excluded.fetched_at, update_time = excluded.update_time"
)
_UPSERT_LIST = (
    "INSERT INTO lists (key, ids, synced_at, fetched_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET ids = excluded.ids,"
    " synced_at = excluded.synced_at, fetched_at = excluded.fetched_at"
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredList:
    """A list as last synced: its ids in order, the server's sync time, and when it was saved."""

    ids: tuple[RecordId, ...]
    #: The last successful sync, as the server gave it (or ISO 8601): the next ``updated_since``.
    synced_at: str
    #: When the list was saved, from the store's clock (epoch seconds).
    fetched_at: float


class StoreStats(TypedDict):
    """What :meth:`RecordStore.stats` reports (for ``doctor`` and the palette)."""

    #: Records held, per kind.
    kinds: dict[str, int]
    #: Lists held.
    lists: int
    #: Bytes on disk (the file and its write-ahead log), or in memory for a memory store.
    bytes: int
    #: The file, or ``None`` for a memory store.
    path: str | None
    schema_version: int


class RecordStore:
    """The records the user has loaded, by kind and id, and the sync state of each list.

    Build one with :meth:`open` (or :meth:`for_account`), never directly. Reads of a missing
    record return ``None``; a write the disk refuses (full, read-only, locked too long) is
    logged and dropped, as it only costs a refetch; a file found damaged while in use is moved
    aside and replaced, and :attr:`recovered` says so.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path | None,
        clock: Callable[[], float],
        recovered: str | None,
    ) -> None:
        """Wrap an open, prepared connection (use :meth:`open`)."""
        self._conn: sqlite3.Connection | None = connection
        self._lock = threading.RLock()
        self._clock = clock
        #: The SQLite file, or ``None`` when the store lives in memory.
        self.path = path
        #: A sentence for the user when the store had to be rebuilt or moved to memory.
        self.recovered = recovered

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, *, clock: Callable[[], float] = time.time) -> RecordStore:
        """The store in ``folder`` (created 0700 when absent). Never raises for a bad file.

        A damaged file is moved aside and a fresh store created; a store of another schema
        version is migrated or emptied; when nothing can be written there, the store lives in
        memory. Each case sets :attr:`recovered`.
        """
        path = Path(folder) / STORE_FILE
        try:
            connection, note = _open_file(path, clock)
        except (OSError, sqlite3.Error) as error:
            log.warning("local store unavailable at %s: %s", path, error)
            return cls(_open_memory(), None, clock, _memory_note(error))
        return cls(connection, path, clock, note)

    @classmethod
    def for_account(
        cls,
        key: str,
        *,
        root: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> RecordStore:
        """The store of the account named ``key`` (:func:`account_key`), beside its lookup cache."""
        folder = DiskCache(root if root is not None else locations.cache_dir(), key).folder
        return cls.open(folder, clock=clock)

    @property
    def in_memory(self) -> bool:
        """Whether the store lives in memory (nothing survives the session)."""
        return self.path is None

    # -- records ----------------------------------------------------------------------------

    def put(self, kind: str, records: Iterable[Mapping[str, Any]]) -> None:
        """Store (or replace) records of ``kind`` as fetched now, in one transaction.

        Every record is checked before anything is written: one without a usable ``id``, one
        over :data:`MAX_RECORD_BYTES` of JSON, or a mail record carrying a ``body`` raises
        ``ValueError`` and nothing of the batch is stored.
        """
        _check_kind(kind)
        now = self._clock()
        rows: list[tuple[str, RecordId, str, float, str | None]] = []
        for record in records:
            key, data, updated = _encode(kind, record)
            rows.append((kind, key, data, now, updated))
        if not rows:
            return

        def write(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.executemany(_UPSERT_RECORD, rows)

        self._call(write, None)

    def get(self, kind: str, record_id: RecordId) -> dict[str, Any] | None:
        """The stored record, or ``None``."""
        key = _lookup_key(record_id)
        if key is None:
            return None
        row = self._fetchone("SELECT data FROM records WHERE kind = ? AND id = ?", (kind, key))
        return None if row is None else _decode(row[0])

    def get_many(self, kind: str, ids: Iterable[RecordId]) -> list[dict[str, Any]]:
        """The stored records of ``ids``, in the order asked; missing ones are skipped."""
        keys = [key for key in map(_lookup_key, ids) if key is not None]
        wanted = list(dict.fromkeys(keys))

        def read(connection: sqlite3.Connection) -> dict[RecordId, str]:
            found: dict[RecordId, str] = {}
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT id, data FROM records WHERE kind = ? AND id IN ({marks})"
                found.update(connection.execute(query, (kind, *chunk)).fetchall())
            return found

        empty: dict[RecordId, str] = {}
        found = self._call(read, empty) if wanted else empty
        records = (_decode(found[key]) for key in keys if key in found)
        return [record for record in records if record is not None]

    def all(self, kind: str) -> list[dict[str, Any]]:
        """Every stored record of ``kind``, by id (ints first, in order, then text ids)."""
        rows = self._fetchall("SELECT data FROM records WHERE kind = ? ORDER BY id", (kind,))
        records = (_decode(data) for (data,) in rows)
        return [record for record in records if record is not None]

    def delete(self, kind: str, ids: Iterable[RecordId]) -> None:
        """Forget records (deleted on the server), in one transaction. Lists are not changed."""
        rows = [(kind, key) for key in map(_lookup_key, ids) if key is not None]
        if not rows:
            return

        def write(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.executemany("DELETE FROM records WHERE kind = ? AND id = ?", rows)

        self._call(write, None)

    def fetched_at(self, kind: str, record_id: RecordId) -> float | None:
        """When the record was last stored (the store's clock), or ``None`` when absent."""
        value = self._stamp(kind, record_id, "fetched_at")
        return float(value) if isinstance(value, int | float) else None

    def update_time(self, kind: str, record_id: RecordId) -> str | None:
        """The record's ``update_time`` (or ``updated_at``) as the server gave it, or ``None``."""
        value = self._stamp(kind, record_id, "update_time")
        return value if isinstance(value, str) else None

    def _stamp(self, kind: str, record_id: RecordId, column: str) -> object:
        """One column of a record's row, or ``None`` when absent."""
        key = _lookup_key(record_id)
        if key is None:
            return None
        row = self._fetchone(f"SELECT {column} FROM records WHERE kind = ? AND id = ?", (kind, key))
        return None if row is None else row[0]

    # -- lists ------------------------------------------------------------------------------

    def save_list(self, key: str, ids: Iterable[RecordId], synced_at: str) -> None:
        """Remember a list's ids in order and the server time of this successful sync."""
        keys = [_record_key(value) for value in ids]
        row = (key, json.dumps(keys, separators=(",", ":")), synced_at, self._clock())

        def write(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.execute(_UPSERT_LIST, row)

        self._call(write, None)

    def load_list(self, key: str) -> StoredList | None:
        """The list as last saved, or ``None`` when never synced."""
        row = self._fetchone("SELECT ids, synced_at, fetched_at FROM lists WHERE key = ?", (key,))
        if row is None:
            return None
        ids = _decode_any(row[0])
        if not isinstance(ids, list) or not all(_lookup_key(i) is not None for i in ids):
            return None
        return StoredList(tuple(ids), str(row[1]), float(row[2]))

    # -- the whole store --------------------------------------------------------------------

    def stats(self) -> StoreStats:
        """Records per kind, lists, bytes used, the file and the schema version."""

        def read(connection: sqlite3.Connection) -> tuple[dict[str, int], int, int]:
            kinds = dict(
                connection.execute(
                    "SELECT kind, count(*) FROM records GROUP BY kind ORDER BY kind"
                ).fetchall()
            )
            (lists,) = connection.execute("SELECT count(*) FROM lists").fetchone()
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            (page_size,) = connection.execute("PRAGMA page_size").fetchone()
            return kinds, int(lists), int(pages) * int(page_size)

        nothing: tuple[dict[str, int], int, int] = ({}, 0, 0)
        kinds, lists, in_pages = self._call(read, nothing)
        size = in_pages
        if self.path is not None:
            size = 0
            for suffix in ("", "-wal"):
                with contextlib.suppress(OSError):
                    size += os.path.getsize(f"{self.path}{suffix}")
        return StoreStats(
            kinds=kinds,
            lists=lists,
            bytes=size,
            path=None if self.path is None else str(self.path),
            schema_version=SCHEMA_VERSION,
        )

    def clear(self) -> None:
        """Forget every record and list (a full resync follows); the schema stays."""

        def write(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.execute("DELETE FROM records")
                connection.execute("DELETE FROM lists")
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("VACUUM")  # give the space back; harmless when it cannot

        self._call(write, None)

    def close(self) -> None:
        """Close the file (its write-ahead log is folded in); later calls raise RuntimeError."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def __enter__(self) -> RecordStore:
        """Use the store in a ``with`` block that closes it."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    # -- internals --------------------------------------------------------------------------

    def _fetchone(self, query: str, params: tuple[Any, ...]) -> Any:
        """The first row of a query, or ``None``."""
        return self._call(lambda c: c.execute(query, params).fetchone(), None)

    def _fetchall(self, query: str, params: tuple[Any, ...]) -> list[Any]:
        """Every row of a query (none when the disk fails)."""
        empty: list[Any] = []
        return self._call(lambda c: c.execute(query, params).fetchall(), empty)

    def _call(self, action: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run ``action`` under the lock; recover from a damaged file, drop I/O failures."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    raise RuntimeError("the record store is closed")
                try:
                    return action(self._conn)
                except sqlite3.DatabaseError as error:
                    if _is_corruption(error) and attempt == 1:
                        self._recover(error)
                        continue
                    if _is_corruption(error) or isinstance(error, sqlite3.OperationalError):
                        log.warning("local store: %s", error)
                        return default
                    raise
            return default  # pragma: no cover - the loop always returns

    def _recover(self, error: sqlite3.DatabaseError) -> None:
        """Replace a store found damaged while in use (the lock is held)."""
        log.warning("local store damaged (%s): starting a fresh one", error)
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._conn = None
        if self.path is None:
            self._conn = _open_memory()
            return
        try:
            aside = _move_aside(self.path, self._clock())
            self._conn, _ = _open_file(self.path, self._clock)
        except (OSError, sqlite3.Error) as again:
            log.warning("local store unavailable at %s: %s", self.path, again)
            self._conn = _open_memory()
            self.path = None
            self.recovered = _memory_note(again)
            return
        self.recovered = _damaged_note(str(error), aside)


# -- opening and repairing the file ------------------------------------------------------------


def _open_file(path: Path, clock: Callable[[], float]) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating, repairing or rebuilding) the store at ``path``, and what was done.

    Raises ``OSError`` or ``sqlite3.Error`` when no store can be made there at all.
    """
    _private_folder(path.parent)
    note: str | None = None
    damage = _damage(path)
    if damage is not None:
        log.warning("local store %s %s: moving it aside", path, damage)
        note = _damaged_note(damage, _move_aside(path, clock()))
    try:
        return _connect_prepared(path, note)
    except sqlite3.DatabaseError as error:
        if not _is_corruption(error):
            raise
        log.warning("local store %s damaged (%s): moving it aside", path, error)
        note = _damaged_note(str(error), _move_aside(path, clock()))
    return _connect_prepared(path, note)


def _connect_prepared(path: Path, note: str | None) -> tuple[sqlite3.Connection, str | None]:
    """Connect to ``path`` (created 0600), switch to WAL and bring the schema up to date."""
    _private_file(path)
    connection = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    try:
        (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode).lower() != "wal":
            log.info("local store %s: journal mode is %s, not WAL", path, mode)
        connection.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no file
        # A large put grows the log to its size; give the space back once it is checkpointed.
        connection.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT}")
        rebuilt = _prepare(connection)
        for suffix in _SIDECARS:
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                _private_file(sidecar)
    except BaseException:
        connection.close()
        raise
    return connection, note or rebuilt


def _open_memory() -> sqlite3.Connection:
    """A store that lives in memory, for when no file can be written."""
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _prepare(connection)
    return connection


def _prepare(connection: sqlite3.Connection) -> str | None:
    """Create, migrate or rebuild the schema; a sentence for the user when data was dropped."""
    tables = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if not tables:
        _create(connection)
        return None
    version = _schema_version(connection) if "meta" in tables else None
    if version == SCHEMA_VERSION:
        with _transaction(connection):
            for statement in _SCHEMA:  # a table lost by hand comes back empty
                connection.execute(statement)
        return None
    steps = range(version, SCHEMA_VERSION) if version is not None else range(0)
    if version is not None and version < SCHEMA_VERSION and all(v in MIGRATIONS for v in steps):
        with _transaction(connection):
            for step in steps:
                MIGRATIONS[step](connection)
            _set_version(connection)
        log.info("local store migrated from schema %s to %s", version, SCHEMA_VERSION)
        return None
    log.info("local store of schema %s (this release: %s): rebuilding", version, SCHEMA_VERSION)
    _rebuild(connection)
    if version is not None and version > SCHEMA_VERSION:
        return (
            "The local store was written by a newer version of pipedrive-tui; "
            "it was emptied and refills as you browse."
        )
    return (
        "The local store was written by an older version of pipedrive-tui; "
        "it was emptied and refills as you browse."
    )


def _schema_version(connection: sqlite3.Connection) -> int | None:
    """The version in ``meta``, or ``None`` when absent or not a number."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row is not None else None
    except (TypeError, ValueError):
        return None


def _create(connection: sqlite3.Connection) -> None:
    """Create the tables of this release and record its schema version."""
    with _transaction(connection):
        for statement in _SCHEMA:
            connection.execute(statement)
        _set_version(connection)


def _set_version(connection: sqlite3.Connection) -> None:
    """Record this release's schema version in ``meta``."""
    connection.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )


def _rebuild(connection: sqlite3.Connection) -> None:
    """Drop every table and view (of any release) and create this release's tables."""
    with _transaction(connection):
        objects = connection.execute(
            "SELECT type, name FROM sqlite_master"
            " WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name in sorted(objects, key=lambda item: item[0] != "view"):
            quoted = '"' + str(name).replace('"', '""') + '"'
            connection.execute(f"DROP {'VIEW' if kind == 'view' else 'TABLE'} IF EXISTS {quoted}")
        for statement in _SCHEMA:
            connection.execute(statement)
        _set_version(connection)
    with contextlib.suppress(sqlite3.OperationalError):
        connection.execute("VACUUM")


def _damage(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a sound store, or ``None`` (absent, empty, plausible).

    Cheap checks of the header only, so a warm start stays fast: a directory or other non-file,
    a file that is not SQLite, or one shorter than its header says (truncated). A damage these
    miss is caught when SQLite reports it, while in use.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return "is not a file"
    if info.st_size == 0:
        return None
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "is not a database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only trusted when written by a current SQLite (the two counters agree)
    # and no write-ahead log is pending (after a crash the log may hold the newest pages).
    counted = header[24:28] == header[92:96]
    try:
        pending = os.path.getsize(f"{path}-wal") > 0
    except OSError:
        pending = False
    if counted and not pending and info.st_size < pages * page_size:
        return "is truncated"
    return None


def _move_aside(path: Path, when: float) -> Path:
    """Rename a damaged store to ``<name>.corrupt-<UTC time>``; older such copies are removed.

    Its write-ahead log and shared-memory files are removed: they belong to the damaged file and
    would be replayed into the fresh one.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for old in path.parent.glob(f"{path.name}.corrupt-*"):
        _remove(old)
    if path.exists() or path.is_symlink():
        os.replace(path, aside)
    for suffix in _SIDECARS:
        _remove(Path(f"{path}{suffix}"))
    return aside


def _remove(path: Path) -> None:
    """Remove a file or a folder, if there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _private_folder(folder: Path) -> None:
    """Create ``folder`` (and the cache root above it) when absent; make it owner-only (0700)."""
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.mkdir(exist_ok=True, mode=0o700)
    if stat.S_IMODE(folder.stat().st_mode) != 0o700:
        os.chmod(folder, 0o700)


def _private_file(path: Path) -> None:
    """Create ``path`` when absent, owner-only (0600), before SQLite opens it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if stat.S_IMODE(os.fstat(descriptor).st_mode) != 0o600:
            os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged or not a database at all."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _damaged_note(what: str, aside: Path) -> str:
    """The sentence for the user when a damaged store was moved aside."""
    return (
        f"The local store was damaged ({what}); it was moved aside to {aside.name} "
        "and a fresh one refills as you browse."
    )


def _memory_note(error: BaseException) -> str:
    """The sentence for the user when the store lives in memory."""
    return (
        f"The local store cannot be written ({error}); records are kept in memory "
        "for this session only."
    )


# -- records and ids ---------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    """Kinds are short lower-case words (``deal``, ``mail_thread``)."""
    if not kind or not set(kind) <= _KIND_CHARS:
        raise ValueError(f"bad record kind {kind!r}")


def _record_key(value: object) -> RecordId:
    """The key an id is stored under: an int, or a non-empty str; raises ``ValueError``."""
    key = _lookup_key(value)
    if key is None:
        raise ValueError(f"bad record id {value!r}")
    return key


def _lookup_key(value: object) -> RecordId | None:
    """The key an id is stored under, or ``None`` for a value that cannot be an id.

    A str of plain decimal digits is that int (``"42"`` finds deal 42); an int too large for
    SQLite is kept as its text.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, str) and value:
        if value.isascii() and value.isdigit() and (value == "0" or value[0] != "0"):
            return _lookup_key(int(value))
        return value
    return None


def _encode(kind: str, record: Mapping[str, Any]) -> tuple[RecordId, str, str | None]:
    """A record's key, JSON and update time; raises ``ValueError`` for one that cannot be stored."""
    if not isinstance(record, Mapping):
        raise ValueError(f"a {kind} record must be a mapping, not {type(record).__name__}")
    key = _record_key(record.get("id"))
    if kind.startswith("mail") and "body" in record:
        raise ValueError(f"mail bodies are not stored ({kind} {key!r} has a 'body')")
    plain = record if isinstance(record, dict) else dict(record)
    data = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    size = len(data)
    if size * 4 > MAX_RECORD_BYTES:  # only then can the UTF-8 size be over the limit
        size = len(data.encode("utf-8"))
    if size > MAX_RECORD_BYTES:
        raise ValueError(
            f"{kind} {key!r} is {size:,} bytes of JSON, over the {MAX_RECORD_BYTES:,}-byte limit"
        )
    updated = record.get("update_time") or record.get("updated_at")
    return key, data, updated if isinstance(updated, str) else None


def _decode(data: str) -> dict[str, Any] | None:
    """A stored record, or ``None`` (logged) when its JSON is not an object."""
    value = _decode_any(data)
    if isinstance(value, dict):
        return value
    log.warning("local store: skipping a record that is not a JSON object")
    return None


def _decode_any(data: str) -> Any:
    """Parsed JSON, or ``None`` when it does not parse."""
    try:
        return json.loads(data)
    except (TypeError, ValueError):
        return None
