"""Building the app on the demo account for pilot and snapshot tests (fixed clocks, no waits)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.data.cache import DiskCache
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive

FIXED_NOW = datetime(2026, 11, 20, 9, 30, 0)


async def _no_wait(_seconds: float) -> None:
    return None


def demo_app(
    *,
    size: int = 200,
    account: DemoAccount | None = None,
    faults: FaultPlan | None = None,
    read_only: bool = False,
    settings: Settings | None = None,
    start_mode: str = "account",
    company_domain: str | None = None,
    demo: DemoPipedrive | None = None,
    store: RecordStore | None = None,
    cache: DiskCache | None = None,
) -> tuple[PipedriveApp, DemoPipedrive]:
    """The app on a small demo account whose rate window and clocks never move.

    It starts on the account overview unless ``start_mode`` says otherwise, so that a test
    that pushes its own screen sees only that screen's requests after the overview's.
    """
    if demo is None:
        demo = DemoPipedrive(account or generate(7, size), faults=faults, clock=lambda: 0.0)
    client = PipedriveClient(
        "https://demo.pipedrive-tui.invalid",
        api_token="demo",
        transport=demo.transport(),
        read_only=read_only,
        sleep=_no_wait,
        jitter=lambda: 0.0,
        limiter=Limiter(10_000, 2.0),
        max_retries=0,
        max_rate_limit_retries=0,
    )
    session = AccountSession(
        client, Lookups(client, cache), is_demo=True, company_domain=company_domain, store=store
    )
    settings = settings or Settings.model_validate({"demo": True, "start_mode": start_mode})
    app = PipedriveApp(
        session, settings, clock=lambda: FIXED_NOW, session_factory=lazy_session_factory()
    )
    return app, demo


def lazy_session_factory() -> Callable[[Settings], AccountSession]:
    """The fake companies of :mod:`tests.accounts` behind the connect screen, built on first use."""
    built: list[Callable[[Settings], AccountSession]] = []

    def build(settings: Settings) -> AccountSession:
        if not built:
            from tests.accounts import Companies, session_factory

            built.append(session_factory(Companies()))
        return built[0](settings)

    return build


def empty_account() -> DemoAccount:
    """A demo account with no pipelines and no stages."""
    account = generate(7, 50)
    account.pipelines = []
    account.stages = []
    return account
