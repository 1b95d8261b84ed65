"""The per-account disk cache of lookups.

Each account gets a folder named by a hash of (base URL, token): two accounts never mix, and the
token itself is never written. Files are JSON with a format number; a corrupt file, or one written
by another format, is discarded and refetched, never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FORMAT_VERSION", "CacheEntry", "DiskCache", "account_key"]

log = logging.getLogger("pipedrive_tui.data")

#: Bump when the shape of cached records changes: older files are then ignored.
FORMAT_VERSION = 1


def account_key(base_url: str, token: str | None) -> str:
    """A stable, one-way name for an account's cache folder."""
    digest = hashlib.sha256(f"{base_url.rstrip('/')}\0{token or ''}".encode()).hexdigest()
    return digest[:24]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """Records read from disk and when they were saved (epoch seconds)."""

    saved_at: float
    records: list[dict[str, Any]]


class DiskCache:
    """JSON files under ``root/<account key>/<kind>.json``."""

    def __init__(self, root: Path, key: str) -> None:
        self.folder = root / key

    def _path(self, kind: str) -> Path:
        if not kind.replace("_", "").isalnum():
            raise ValueError(f"bad cache kind {kind!r}")
        return self.folder / f"{kind}.json"

    def load(self, kind: str) -> CacheEntry | None:
        """The cached records of ``kind``, or ``None`` when absent, corrupt or of another format."""
        path = self._path(kind)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError):
            log.warning("discarding unreadable cache file %s", path.name)
            self.discard(kind)
            return None
        if (
            not isinstance(raw, dict)
            or raw.get("format") != FORMAT_VERSION
            or raw.get("kind") != kind
            or not isinstance(raw.get("saved_at"), int | float)
            or not isinstance(raw.get("records"), list)
        ):
            log.info("discarding cache file %s of another format", path.name)
            self.discard(kind)
            return None
        return CacheEntry(float(raw["saved_at"]), raw["records"])

    def save(self, kind: str, records: list[dict[str, Any]], saved_at: float | None = None) -> None:
        """Write records atomically (a crash never leaves half a file)."""
        path = self._path(kind)
        payload = {
            "format": FORMAT_VERSION,
            "kind": kind,
            "saved_at": time.time() if saved_at is None else saved_at,
            "records": records,
        }
        try:
            # The cache root as well: mkdir gives the parents it makes the umask's mode (0755).
            self.folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.folder.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{kind}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError as error:
            # A cache that cannot be written only costs a refetch next time.
            log.warning("could not write cache file %s: %s", path.name, error)

    def discard(self, kind: str) -> None:
        """Remove one kind's file."""
        with contextlib.suppress(OSError):
            self._path(kind).unlink()

    def clear(self) -> None:
        """Remove every file of this account."""
        if not self.folder.exists():
            return
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
