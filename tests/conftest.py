"""Shared fixtures: every path under tmp_path, a fake clock, no real waiting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipedrive_tui import locations
from tests.helpers import FakeTime


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Config, cache and state go to tmp_path; no real environment token leaks into a test."""
    for name in (
        "PIPEDRIVE_API_TOKEN",
        "PIPEDRIVE_OAUTH_TOKEN",
        "PIPEDRIVE_COMPANY_DOMAIN",
        "PIPEDRIVE_BASE_URL",
        "PIPEDRIVE_READ_ONLY",
        "PIPEDRIVE_TUI_THEME",
        "PIPEDRIVE_TUI_HOME",
    ):
        monkeypatch.delenv(name, raising=False)
    locations.set_root(tmp_path / "home")
    yield
    locations.set_root(None)


@pytest.fixture
def fake_time() -> FakeTime:
    """A fake clock and sleep to hand to the client's transport and limiters."""
    return FakeTime()


@pytest.fixture(autouse=True)
def _no_real_keyring() -> Iterator[None]:
    """No test reads or writes the machine's keyring: it is absent unless a test installs one."""
    from pipedrive_tui import credentials

    credentials.set_keyring_backend(None)
    yield
    credentials.set_keyring_backend()
