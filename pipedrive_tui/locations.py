"""Every path the app reads or writes, in one place (tests redirect them all to ``tmp_path``)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "cache_dir",
    "config_dir",
    "config_file",
    "set_root",
    "state_dir",
    "state_file",
    "styles_dir",
]

APP_NAME = "pipedrive-tui"
_root: Path | None = None


def set_root(root: Path | None) -> None:
    """Put every path under ``root`` (tests, portable installs); ``None`` restores the defaults."""
    global _root
    _root = root


def _base(kind: str) -> Path:
    override = os.environ.get("PIPEDRIVE_TUI_HOME")
    root = _root if _root is not None else (Path(override) if override else None)
    if root is not None:
        return root / kind
    # platformdirs is imported here, not at the top: start-up does not need it.
    from platformdirs import user_cache_path, user_config_path, user_state_path

    if kind == "config":
        return user_config_path(APP_NAME)
    if kind == "cache":
        return user_cache_path(APP_NAME)
    return user_state_path(APP_NAME)


def config_dir() -> Path:
    """Where ``config.toml`` lives (``~/.config/pipedrive-tui`` on Linux)."""
    return _base("config")


def config_file() -> Path:
    """The TOML config file; it may hold the token, so it is written with mode 0600."""
    return config_dir() / "config.toml"


def cache_dir() -> Path:
    """Where cached lookups live, one folder per account (never the token)."""
    return _base("cache")


def state_dir() -> Path:
    """Where UI state lives (theme, last screen): never in the user's config."""
    return _base("state")


def state_file() -> Path:
    """The JSON file of UI state."""
    return state_dir() / "state.json"


def styles_dir() -> Path:
    """The ``.tcss`` files: inside the installed package, or ``styles/`` beside it in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "styles"
    return packaged if packaged.is_dir() else here.parent / "styles"
