"""Fixtures shared by the demo handler tests: one generated account, a fresh handler per test."""

from __future__ import annotations

import socket
from collections.abc import Iterator

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


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
