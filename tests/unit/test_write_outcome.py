"""Writes whose answer was lost: the transport says so, the record is read back once, never resent.

The transport marks a failed write ``outcome_unknown`` when it may have reached Pipedrive (a
read timed out, the connection dropped after sending) and not when it never left (no
connection). :func:`send_write` then reads the record back once and decides; the demo's
``timeout(after_apply=True)`` is the server that did the work and lost the answer.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest

from pipedrive_tui.api import errors as e
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Deal, Lead, LeadValue
from pipedrive_tui.data.lead_convert import MAYBE_STARTED, ConversionError, convert_lead_to_deal
from pipedrive_tui.data.write_outcome import (
    CHECKED_NOTE,
    NOT_SAVED_MESSAGE,
    NotSavedError,
    OutcomeUnknownError,
    PendingWrites,
    matches,
    send_write,
)
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from tests.helpers import FakeTime, demo_client


def scripted(fake_time: FakeTime, *answers: Any, max_retries: int = 0) -> tuple[Any, list[str]]:
    """A client whose transport gives ``answers`` in turn (an exception is raised)."""
    seen: list[str] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer[0], json=answer[1])

    client = demo_client(httpx.MockTransport(handler), fake_time, max_retries=max_retries)
    return client, seen


# --- the transport: sent or not ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "kind", "unknown"),
    [
        (httpx.ReadTimeout("read"), e.PipedriveTimeoutError, True),
        (httpx.WriteTimeout("write"), e.PipedriveTimeoutError, True),
        (httpx.RemoteProtocolError("dropped"), e.PipedriveConnectionError, True),
        (httpx.ReadError("reset"), e.PipedriveConnectionError, True),
        (httpx.ConnectError("refused"), e.PipedriveConnectionError, False),
        (httpx.ConnectTimeout("connect"), e.PipedriveTimeoutError, False),
        (httpx.PoolTimeout("pool"), e.PipedriveTimeoutError, False),
    ],
    ids=["read-timeout", "write-timeout", "dropped", "reset", "refused", "connect", "pool"],
)
async def test_a_write_says_whether_it_may_have_landed(
    fake_time: FakeTime, raised: Exception, kind: type[e.PipedriveError], unknown: bool
) -> None:
    client, seen = scripted(fake_time, raised)
    async with client:
        with pytest.raises(kind) as caught:
            await client.update_deal(5, stage_id=3)
    assert caught.value.outcome_unknown is unknown
    assert seen == ["PATCH"]  # a write is never repeated
    said = str(caught.value)
    assert ("may or may not be saved" in said) is unknown


async def test_a_read_that_times_out_has_no_unknown_outcome(fake_time: FakeTime) -> None:
    client, seen = scripted(fake_time, httpx.ReadTimeout("read"))
    async with client:
        with pytest.raises(e.PipedriveTimeoutError) as caught:
            await client.get_deal(5)
    assert caught.value.outcome_unknown is False
    assert seen == ["GET"]


async def test_a_put_repeated_after_a_timeout_stays_unknown_whatever_comes_next(
    fake_time: FakeTime,
) -> None:
    # The first attempt may have landed: a refused connection or a 500 later does not undo it.
    client, seen = scripted(
        fake_time, httpx.ReadTimeout("read"), httpx.ConnectError("refused"), max_retries=1
    )
    async with client:
        with pytest.raises(e.PipedriveConnectionError) as caught:
            await client.update_filter(3, {"glue": "and", "conditions": []})
    assert caught.value.outcome_unknown is True
    assert seen == ["PUT", "PUT"]
    client, seen = scripted(
        fake_time, httpx.ReadTimeout("read"), (500, {"success": False}), max_retries=1
    )
    async with client:
        with pytest.raises(e.ServerError) as server:
            await client.update_filter(3, {"glue": "and", "conditions": []})
    assert server.value.outcome_unknown is True


async def test_an_answered_refusal_is_not_unknown(fake_time: FakeTime) -> None:
    client, _ = scripted(fake_time, (500, {"success": False, "error": "boom"}))
    async with client:
        with pytest.raises(e.ServerError) as caught:
            await client.update_deal(5, stage_id=3)
    assert caught.value.outcome_unknown is False


# --- the demo server that did the work and lost the answer --------------------------------------


async def test_the_demo_applies_a_write_then_times_out_when_asked(fake_time: FakeTime) -> None:
    demo = DemoPipedrive(generate(7, 50), clock=lambda: 0.0)
    deal = next(d for d in demo.store.deals if d["status"] == "open")
    stage = 2 if deal["stage_id"] != 2 else 3
    demo.faults = FaultPlan().timeout(method="PATCH", after_apply=True).timeout(method="PATCH")
    async with demo_client(demo.transport(), fake_time, max_retries=0) as client:
        with pytest.raises(e.PipedriveTimeoutError) as first:
            await client.update_deal(deal["id"], stage_id=stage)
        assert first.value.outcome_unknown
        assert demo.store.deals.get(deal["id"])["stage_id"] == stage  # applied all the same
        with pytest.raises(e.PipedriveTimeoutError):
            await client.update_deal(deal["id"], title="Never")
        assert demo.store.deals.get(deal["id"])["title"] != "Never"  # this one was not
    assert [kind for kind, _, _ in demo.faults.log] == ["timeout", "timeout"]


# --- send_write: read back once, decide ---------------------------------------------------------


class Calls:
    """A write and a read-back that answer or raise as scripted, counting their calls."""

    def __init__(self, write: Any, read: Any) -> None:
        self.write, self.read = write, read
        self.writes = self.reads = 0

    async def send(self) -> Any:
        self.writes += 1
        if isinstance(self.write, Exception):
            raise self.write
        return self.write

    async def reread(self) -> Any:
        self.reads += 1
        if isinstance(self.read, Exception):
            raise self.read
        return self.read


LOST = e.PipedriveTimeoutError("lost", outcome_unknown=True)
MOVED = Deal(id=5, title="Deal", stage_id=3)
STILL = Deal(id=5, title="Deal", stage_id=2)


def landed(deal: Any) -> bool:
    return matches(deal, {"stage_id": 3})


async def test_an_answer_is_the_saved_version() -> None:
    calls = Calls(MOVED, STILL)
    written = await send_write(calls.send, reread=calls.reread, landed=landed)
    assert (written.record, written.checked) == (MOVED, False)
    assert written.said("Moved") == "Moved"
    assert (calls.writes, calls.reads) == (1, 0)


async def test_a_lost_answer_whose_change_shows_is_saved_and_says_it_was_checked() -> None:
    calls = Calls(LOST, MOVED)
    written = await send_write(calls.send, reread=calls.reread, landed=landed)
    assert written.record is MOVED and written.checked
    assert written.said("Moved") == f"Moved: {CHECKED_NOTE}"
    assert (calls.writes, calls.reads) == (1, 1)


async def test_a_lost_answer_whose_change_does_not_show_is_not_saved() -> None:
    calls = Calls(LOST, STILL)
    with pytest.raises(NotSavedError) as caught:
        await send_write(calls.send, reread=calls.reread, landed=landed)
    assert caught.value.current is STILL
    assert str(caught.value) == NOT_SAVED_MESSAGE
    assert (calls.writes, calls.reads) == (1, 1)


async def test_a_record_gone_counts_as_none() -> None:
    calls = Calls(LOST, e.NotFoundError())
    written = await send_write(calls.send, reread=calls.reread, landed=lambda x: x is None)
    assert written.record is None and written.checked


async def test_a_failed_read_back_leaves_it_unknown_and_marks_the_record() -> None:
    writes = PendingWrites()
    calls = Calls(LOST, e.ServerError("down"))
    read_again: list[int] = []

    async def recheck() -> None:
        read_again.append(1)

    with pytest.raises(OutcomeUnknownError) as caught:
        await send_write(
            calls.send,
            reread=calls.reread,
            landed=landed,
            writes=writes,
            key="deal:5",
            recheck=recheck,
        )
    assert caught.value.outcome_unknown
    assert "could not be asked" in str(caught.value)
    assert (calls.writes, calls.reads) == (1, 1)
    assert list(writes.unsure) == ["deal:5"]
    assert writes.in_flight == 0
    assert await writes.recheck() == 1
    assert read_again == [1] and not writes.unsure


async def test_a_refusal_is_raised_as_it_is_and_never_read_back() -> None:
    refused = e.BadRequestError("Pipedrive refused the request (400): nope")
    calls = Calls(refused, MOVED)
    with pytest.raises(e.BadRequestError):
        await send_write(calls.send, reread=calls.reread, landed=landed)
    assert (calls.writes, calls.reads) == (1, 0)


async def test_a_later_answered_write_settles_an_unsure_record() -> None:
    writes = PendingWrites()

    async def recheck() -> None:
        return None

    writes.mark_unsure("deal:5", recheck)
    calls = Calls(MOVED, None)
    await send_write(calls.send, reread=calls.reread, landed=landed, writes=writes, key="deal:5")
    assert not writes.unsure


# --- PendingWrites -------------------------------------------------------------------------------


async def test_writes_in_flight_are_counted_and_waited_for() -> None:
    writes = PendingWrites()
    assert await writes.wait_idle(0) is True
    done = writes.begin()
    async with writes.track():
        assert writes.in_flight == 2
    assert writes.in_flight == 1
    assert await writes.wait_idle(0.01) is False  # bounded
    waiting = asyncio.ensure_future(writes.wait_idle(5))
    await asyncio.sleep(0)
    done()
    done()  # twice is once
    assert await waiting is True
    assert writes.in_flight == 0


async def test_a_recheck_that_fails_stays_marked() -> None:
    writes = PendingWrites()

    async def fails() -> None:
        raise e.PipedriveTimeoutError()

    writes.mark_unsure("lead:x", fails)
    assert await writes.recheck() == 0
    assert list(writes.unsure) == ["lead:x"]


def test_matches_ignores_label_order_and_compares_values_and_dates() -> None:
    lead = Lead.model_validate(
        {
            "id": "a",
            "title": "Lead",
            "label_ids": ["b", "a"],
            "value": {"amount": 10, "currency": "EUR"},
            "expected_close_date": "2026-12-01",
        }
    )
    assert matches(lead, {"label_ids": ["a", "b"]})
    assert not matches(lead, {"label_ids": ["a"]})
    assert matches(lead, {"value": LeadValue(amount=10.0, currency="EUR")})
    assert matches(lead, {"expected_close_date": date(2026, 12, 1)})
    assert not matches(None, {"label_ids": []})


async def test_a_client_never_holds_the_token_in_an_unknown_outcome(fake_time: FakeTime) -> None:
    client = PipedriveClient(
        "https://acme.pipedrive.com",
        api_token="secret-token-123",
        transport=httpx.MockTransport(lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("x"))),
        max_retries=0,
    )
    async with client:
        with pytest.raises(e.PipedriveTimeoutError) as caught:
            await client.update_deal(5, stage_id=3)
    assert "secret-token-123" not in str(caught.value)
    assert "secret-token-123" not in repr(caught.value.__dict__)


# --- converting a lead: the job is never started twice --------------------------------------------


@pytest.mark.parametrize("gone", [False, True], ids=["still-a-lead", "converted"])
async def test_a_conversion_whose_answer_was_lost_reads_the_lead_back(
    fake_time: FakeTime, gone: bool
) -> None:
    demo = DemoPipedrive(generate(7, 50), clock=lambda: 0.0)
    lead_id = next(iter(demo.store.leads))["id"]
    demo.faults = FaultPlan().timeout(method="POST", path="/convert/deal", after_apply=True)
    if gone:  # converted meanwhile (the job ran): the lead is no more
        demo.store.leads.remove(lead_id)
    async with demo_client(demo.transport(), fake_time, max_retries=0) as client:
        if gone:
            assert await convert_lead_to_deal(client, lead_id, delays=()) is None
        else:
            with pytest.raises(ConversionError) as caught:
                await convert_lead_to_deal(client, lead_id, delays=())
            assert str(caught.value) == MAYBE_STARTED
    posts = [r for r in demo.requests if r.method == "POST"]
    reads = [r for r in demo.requests if r.method == "GET" and r.path == f"/v1/leads/{lead_id}"]
    assert (len(posts), len(reads)) == (1, 1)
