"""Fixtures shared by the demo handler tests: one generated account, a fresh handler per test."""

from __future__ import annotations

import httpx
import pytest

from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive


@pytest.fixture(scope="session")
def account() -> DemoAccount:
    """The demo account (seed 7, 1,000 deals); handlers never change it (copy on write)."""
    return generate(seed=7, size=1000)


@pytest.fixture
def demo(account: DemoAccount) -> DemoPipedrive:
    """A fresh handler: writes of one test never reach another."""
    return DemoPipedrive(account)


@pytest.fixture
def http(demo: DemoPipedrive) -> httpx.Client:
    """A synchronous client on the handler, with the demo token."""
    return httpx.Client(
        transport=demo.transport(),
        base_url="https://demo.pipedrive.com",
        headers={"x-api-token": "demo"},
    )
