"""The demo Pipedrive on a loopback port, spoken to over real HTTP with urllib."""

from __future__ import annotations

import http.client
import io
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.server import DemoHTTPServer, make_server, run_server_in_thread, serve


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(seed=7, size=200)


@pytest.fixture
def server(account: DemoAccount) -> Iterator[DemoHTTPServer]:
    running, _port = run_server_in_thread(port=0, account=account, faults=FaultPlan())
    yield running
    running.stop()


def call(
    url: str, *, token: str | None = "demo", method: str = "GET", data: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, dict[str, str], Any]:  # fmt: skip
    request = urllib.request.Request(url, data=data, method=method)
    if token is not None:
        request.add_header("x-api-token", token)
    if content_type is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_get_over_http(server: DemoHTTPServer) -> None:
    status, headers, body = call(f"{server.url}/api/v2/deals?limit=2")
    assert status == 200
    assert body["success"] is True and len(body["data"]) == 2
    assert isinstance(body["additional_data"]["next_cursor"], str)
    assert headers["x-ratelimit-limit"] == "40"
    assert int(headers["Content-Length"]) > 0
    assert server.url.startswith("http://127.0.0.1:")


def test_missing_or_wrong_token_is_401(server: DemoHTTPServer) -> None:
    for token in (None, "wrong"):
        status, _headers, body = call(f"{server.url}/api/v2/deals?limit=2", token=token)
        assert status == 401
        assert body == {"success": False, "error": "unauthorized access", "errorCode": 401}


def test_writes_over_http(server: DemoHTTPServer) -> None:
    status, _h, body = call(
        f"{server.url}/v1/mailbox/mailThreads/1", method="PUT", data=b"read_flag=1",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert (status, body["data"]["read_flag"]) == (200, 1)
    status, _h, body = call(
        f"{server.url}/api/v2/deals/1", method="PATCH", data=b'{"title": "Over the wire"}',
        content_type="application/json",
    )  # fmt: skip
    assert (status, body["data"]["title"]) == (200, "Over the wire")
    assert server.demo.requests[-1].body == {"title": "Over the wire"}


def test_injected_timeout_closes_the_connection(server: DemoHTTPServer) -> None:
    server.demo.faults.timeout()
    with pytest.raises((http.client.RemoteDisconnected, urllib.error.URLError, ConnectionError)):
        call(f"{server.url}/api/v2/pipelines")
    assert call(f"{server.url}/api/v2/pipelines")[0] == 200


def test_only_loopback_is_served(account: DemoAccount) -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com"):
        with pytest.raises(ValueError):
            make_server(0, host=host, account=account)


def test_serve_prints_its_url_and_token_then_stops(account: DemoAccount) -> None:
    out = io.StringIO()
    ready = threading.Event()
    holder: list[DemoHTTPServer] = []

    def on_ready(server: DemoHTTPServer) -> None:
        holder.append(server)
        ready.set()

    thread = threading.Thread(
        target=serve,
        kwargs={"port": 0, "size": 50, "token": "t0k", "out": out, "on_ready": on_ready},
        daemon=True,
    )
    thread.start()
    assert ready.wait(30)
    running = holder[0]
    try:
        status, _h, _body = call(f"{running.url}/v1/users/me", token="t0k")
        assert status == 200
    finally:
        running.shutdown()
    thread.join(10)
    assert not thread.is_alive()
    line = out.getvalue()
    assert line.count("\n") == 1
    assert running.url in line and "x-api-token: t0k" in line
