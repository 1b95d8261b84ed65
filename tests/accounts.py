"""Fake Pipedrive companies for the connect screen: one real (the demo), and one per failure.

:class:`Companies` is an ``httpx`` transport that answers by host name, as the internet would:

* ``northwind-demo.pipedrive.com``: the demo account; only :data:`GOOD_TOKEN` is accepted.
* ``other-demo.pipedrive.com``: a second demo account (seed 8), for profiles.
* ``nosuch.pipedrive.com``: 404 for every path (no such company).
* ``offline.pipedrive.com``: the name does not resolve (no network).
* ``noapi.pipedrive.com``: 402 (the plan has no API access).
* ``locked.pipedrive.com``: 403 JSON (this user may not use the API).
* ``strange.pipedrive.com``: 200 with an HTML page (not Pipedrive's API).

:class:`FakeKeyring` is an in-memory keyring backend.
"""

from __future__ import annotations

from typing import Any

import httpx

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.config import Settings
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive

#: The token the fake companies accept (40 hexadecimal characters, like Pipedrive's).
GOOD_TOKEN = "0123456789abcdef0123456789abcdef01234567"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210fedcba98"


async def _no_wait(_seconds: float) -> None:
    return None


class Companies(httpx.AsyncBaseTransport):
    """Answers as each fake company would; counts the requests per host."""

    def __init__(self) -> None:
        self.demo = DemoPipedrive(generate(7, 60), token=GOOD_TOKEN, clock=lambda: 0.0)
        other = generate(8, 40)
        other.company.update(name="Other Demo GmbH", domain="other-demo")
        for user in other.users:
            user["company_name"], user["company_domain"] = "Other Demo GmbH", "other-demo"
        self.other = DemoPipedrive(other, token=OTHER_TOKEN, clock=lambda: 0.0)
        self.hosts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.hosts.append(host)
        if host == "northwind-demo.pipedrive.com":
            return await self.demo.handle_async(request)
        if host == "other-demo.pipedrive.com":
            return await self.other.handle_async(request)
        if host == "offline.pipedrive.com":
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)
        if host == "nosuch.pipedrive.com":
            return httpx.Response(404, text="<html><body>Not found</body></html>")
        if host == "noapi.pipedrive.com":
            body = {"success": False, "error": "Payment required", "errorCode": 402}
            return httpx.Response(402, json=body)
        if host == "locked.pipedrive.com":
            body = {"success": False, "error": "API access is disabled for this user"}
            return httpx.Response(403, json=body)
        if host == "strange.pipedrive.com":
            return httpx.Response(200, html="<html>Welcome</html>")
        raise httpx.ConnectError(f"[Errno -2] Name or service not known: {host}", request=request)


def session_factory(companies: Companies) -> Any:
    """A ``SessionFactory`` like the command line's, with the transport swapped for tests."""

    def build(settings: Settings) -> AccountSession:
        if settings.use_demo:
            demo = DemoPipedrive(generate(7, 60), token="demo", clock=lambda: 0.0)
            client = fast_client("https://demo.pipedrive-tui.invalid", "demo", demo.transport())
            return AccountSession(client, Lookups(client), is_demo=True)
        domain = settings.company_domain or "missing"
        token = settings.secret() or ""
        client = fast_client(f"https://{domain}.pipedrive.com", token, companies)
        return AccountSession(client, Lookups(client), company_domain=settings.company_domain)

    return build


def fast_client(base_url: str, token: str, transport: Any) -> PipedriveClient:
    """A client that never waits and never retries (its requests are the ones a test counts)."""
    return PipedriveClient(
        base_url,
        api_token=token,
        transport=transport,
        sleep=_no_wait,
        jitter=lambda: 0.0,
        limiter=Limiter(10_000, 2.0),
        max_retries=0,
        max_rate_limit_retries=0,
    )


class FakeKeyring:
    """An in-memory keyring backend (the ``keyring`` package's interface)."""

    name = "fake keyring"

    def __init__(self, *, refuse_writes: bool = False) -> None:
        self.passwords: dict[tuple[str, str], str] = {}
        self.refuse_writes = refuse_writes

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.refuse_writes:
            raise RuntimeError("the keyring is locked")
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[(service, username)]
