"""The UI state file: what the app remembers between runs (the theme picked, …), never settings.

The state lives in one JSON object at :func:`pipedrive_tui.locations.state_file`, apart from the
user's config file, which the app never rewrites. Reading never fails: a missing, unreadable or
corrupt file reads as ``{}``, and reading has no side effects. Writing merges into what is there
and replaces the file atomically (a temporary file in the same folder, then ``os.replace``), with
mode 0600 in a 0700 folder. When the file on disk is corrupt, the next write first moves it aside
to ``state.json.corrupt`` (keeping one copy for a curious user) and starts afresh.

A write that fails (a read-only disk, a full one, a folder that is a file) raises
:class:`StateError`, whose message is a sentence the app can show in a notice.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from pipedrive_tui import locations

__all__ = ["StateError", "load_state", "save_state"]

#: The suffix a corrupt state file is moved aside to on the next write.
CORRUPT_SUFFIX = ".corrupt"


class StateError(Exception):
    """The state file could not be written; the message says where and why, for a notice."""


def _read(path: Path) -> dict[str, Any] | None:
    """The file's object; ``{}`` when there is no file; ``None`` when it is unreadable."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def load_state() -> dict[str, Any]:
    """What the app remembered last time; ``{}`` when there is nothing usable. Never raises."""
    return _read(locations.state_file()) or {}


def _private_folder(folder: Path) -> None:
    """Create the state folder with mode 0700 (and tighten it if it already exists)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if stat.S_IMODE(folder.stat().st_mode) != 0o700:
        # The folder is the app's own: nobody else needs to list it.
        os.chmod(folder, stat.S_IRWXU)


def save_state(**updates: Any) -> None:
    """Merge ``updates`` into the state file and write it atomically (mode 0600).

    The values must be JSON-serialisable (a ``TypeError`` otherwise: a bug, not a disk
    problem). Raises :class:`StateError` when the file cannot be written.
    """
    path = locations.state_file()
    current = _read(path)
    merged = {**(current or {}), **updates}
    payload = json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    temp: str | None = None
    try:
        _private_folder(path.parent)
        if current is None and path.exists():
            os.replace(path, path.with_name(path.name + CORRUPT_SUFFIX))
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp already creates the file 0600; chmod states it (and survives an odd umask).
        os.chmod(temp, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(temp, path)
        temp = None
    except OSError as error:
        reason = error.strerror or str(error)
        raise StateError(f"Could not save the app's state to {path}: {reason}.") from error
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
