"""Small test doubles shared by the suites."""

from __future__ import annotations

from typing import Any


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def demo_client(transport: Any, fake_time: FakeTime, **options: Any) -> Any:
    """A client on a demo transport whose waits, limiters and jitter use the fake clock."""
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.api.ratelimit import Limiter

    options.setdefault("api_token", "demo")
    return PipedriveClient(
        options.pop("base_url", "https://demo.invalid"),
        transport=transport,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        jitter=lambda: 0.0,
        limiter=Limiter(1000, 2.0, clock=fake_time.clock, sleep=fake_time.sleep),
        search_limiter=Limiter(1000, 2.0, clock=fake_time.clock, sleep=fake_time.sleep),
        **options,
    )
