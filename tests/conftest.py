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


def pytest_configure(config: pytest.Config) -> None:
    """Pilot key presses wait for the app to go idle in 5 ms steps instead of Textual's 20 ms.

    ``Pilot.press`` and ``Pilot.pause`` poll ``textual._wait.wait_for_idle``, which sleeps at
    least one step per call (two per key): with 20 ms steps typing a 40-character token takes
    two seconds of sleeping. Idle is still judged the same way (process time barely moving
    during a step), so what a test sees after a press does not change, only how long it waits.
    """
    import textual._wait as wait
    import textual.pilot

    wait.SLEEP_GRANULARITY = 1 / 200
    wait.SLEEP_IDLE = wait.SLEEP_GRANULARITY / 10
    fast = wait.wait_for_idle

    async def at_least_a_frame(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
        # ``pilot.pause()`` (what tests and snapshots wait on before looking) still waits at
        # least one screen refresh (60 a second), as with Textual's own 20 ms step: work left
        # for the next refresh (a table sizing its columns) is done before a test looks.
        await fast(max(min_sleep, 0.02), max_sleep)

    textual.pilot.wait_for_idle = at_least_a_frame  # type: ignore[assignment]
