"""Lead to deal conversion against Pipedrive's official specs: request bodies, the job, the deal.

``convertLeadToDeal`` starts a job and ``getLeadConversionStatus`` reports it; the demo runs the
job over a few polls (see :mod:`pipedrive_tui.demo.lead_convert`). Here every answer of a whole
conversion is validated against ``v2.yaml`` (and the v1 reads that follow it against
``v1.yaml``), and the bodies the client sends are validated against the operation's
``requestBody`` schema. Like the rest of the contract suite, it skips without ``../shared``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.endpoints import BY_NAME
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.lead_convert import conversions
from tests.helpers import FakeTime, demo_client

from .openapi import JSON, SpecValidator, to_json_schema
from .test_demo_contract import BASE_URL, TOKEN, Contract, lead, make_demo


def request_schema(validator: SpecValidator, name: str) -> Draft202012Validator:
    """A validator of the endpoint's JSON ``requestBody`` (the spec's schema, translated)."""
    endpoint = BY_NAME[name]
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    schema = operation.operation["requestBody"]["content"][JSON]["schema"]
    converted = to_json_schema(schema)
    Draft202012Validator.check_schema(converted)
    return Draft202012Validator(converted)


def request_errors(validator: SpecValidator, name: str, body: Any) -> list[str]:
    """Every difference between a request body and the operation's request schema."""
    return [error.message for error in request_schema(validator, name).iter_errors(body)]


def linked_lead(account: DemoAccount) -> dict[str, Any]:
    """The first open lead with a value, a person, notes and a linked mail thread."""
    noted = {note.get("lead_id") for note in account.notes}
    mailed = {thread.get("lead_id") for thread in account.mail_threads}
    for found in account.leads:
        linked = found["id"] in noted and found["id"] in mailed
        if linked and found["value"] and found["person_id"] and not found["is_archived"]:
            return found
    raise AssertionError("the demo has no lead with notes, mail, a value and a person")


def status_path(lead_id: str, conversion_id: str) -> dict[str, str]:
    """The path parameters of ``getLeadConversionStatus``."""
    return {"id": lead_id, "conversion_id": conversion_id}


@pytest.fixture
def contract(validator: SpecValidator) -> Contract:
    """A contract over a fresh account: every test here writes."""
    return Contract(make_demo(), validator)


# --- request bodies -------------------------------------------------------------------------------


@pytest.fixture
async def client(contract: Contract) -> AsyncIterator[PipedriveClient]:
    """The real client on the contract's demo account."""
    client: PipedriveClient = demo_client(
        contract.demo.transport(), FakeTime(), base_url=BASE_URL, api_token=TOKEN
    )
    yield client
    await client.aclose()


async def test_the_client_sends_bodies_the_spec_accepts(
    client: PipedriveClient, contract: Contract, validator: SpecValidator
) -> None:
    """Each body the client sends to ``convertLeadToDeal`` fits the spec's request schema."""
    stage_id = contract.account.stages[-1]["id"]
    calls: list[dict[str, Any]] = [{}, {"pipeline_id": 2}, {"stage_id": stage_id}]
    for number, options in enumerate(calls, 5):
        job = await client.convert_lead(lead(contract.account, number), **options)
        sent = contract.demo.requests[-1]
        assert sent.content_type.startswith("application/json")
        assert sent.body == options  # nothing unset is sent, not even as null
        assert request_errors(validator, "convert_lead_to_deal", sent.body) == []
        assert (sent.status, sent.operation_id) == (200, "convertLeadToDeal")
        assert job.conversion_id and job.status is None


def test_the_request_check_can_fail(validator: SpecValidator) -> None:
    """A body with a text stage or a property the schema does not declare fails the check."""
    assert request_errors(validator, "convert_lead_to_deal", {"stage_id": "2"})
    assert request_errors(validator, "convert_lead_to_deal", {"owner_id": 101})
    assert request_errors(validator, "convert_lead_to_deal", {"stage_id": 2}) == []


# --- the job ------------------------------------------------------------------------------------


def test_a_whole_conversion_validates(contract: Contract) -> None:
    """Start, every status (not started, running, completed), then the deal and the lead's reads."""
    store = contract.demo.store
    conversions(store).not_started_polls = 1
    conversions(store).running_polls = 2
    source = linked_lead(contract.account)
    lead_id = source["id"]
    started = contract.call("convert_lead_to_deal", path={"id": lead_id}, json_body={})
    assert started["additional_data"] is None
    path = status_path(lead_id, started["data"]["conversion_id"])
    statuses = [contract.data("get_lead_conversion_status", path=path)["status"] for _ in range(4)]
    assert statuses == ["not_started", "running", "running", "completed"]
    done = contract.data("get_lead_conversion_status", path=path)
    assert done["conversion_id"] == path["conversion_id"]
    deal_id = done["deal_id"]
    params = {"include_fields": "source_lead_id,notes_count,email_messages_count"}
    deal = contract.data("get_deal", path={"id": deal_id}, params=params)
    assert (deal["title"], deal["value"], deal["currency"]) == (
        source["title"], source["value"]["amount"], source["value"]["currency"],
    )  # fmt: skip
    assert deal["source_lead_id"] == lead_id and deal["origin"] == "LeadConversion"
    assert deal["notes_count"] > 0 and deal["email_messages_count"] > 0
    # the lead is gone (a documented 404, validated), from both lists too
    contract.call("get_lead", path={"id": lead_id}, status=404)
    for name in ("list_leads", "list_archived_leads"):
        assert lead_id not in [found["id"] for found in contract.data(name, params={"limit": 500})]
    assert contract.data("list_notes", params={"lead_id": lead_id}) == []
    assert contract.data("list_notes", params={"deal_id": deal_id})
    assert contract.data("list_deal_mail_messages", path={"id": deal_id})
    assert contract.data("list_deal_flow", path={"id": deal_id})
    assert contract.data("list_deals", params={"ids": deal_id})[0]["id"] == deal_id


@pytest.mark.parametrize("outcome", ["failed", "rejected"])
def test_a_job_that_does_not_complete_validates(contract: Contract, outcome: Any) -> None:
    """A failed or rejected job has no deal; the lead stays where it was."""
    conversions(contract.demo.store).outcome = outcome
    lead_id = lead(contract.account, 5)
    started = contract.data("convert_lead_to_deal", path={"id": lead_id}, json_body={})
    path = status_path(lead_id, started["conversion_id"])
    assert contract.data("get_lead_conversion_status", path=path)["status"] == "running"
    ended = contract.data("get_lead_conversion_status", path=path)
    assert ended["status"] == outcome and "deal_id" not in ended
    assert contract.data("get_lead", path={"id": lead_id})["id"] == lead_id


def test_a_second_job_on_a_converted_lead_is_rejected(contract: Contract) -> None:
    """Two jobs on one lead: the first converts it, the second finds it gone."""
    lead_id = lead(contract.account, 6)
    first, second = (
        contract.data("convert_lead_to_deal", path={"id": lead_id}, json_body={})["conversion_id"]
        for _ in range(2)
    )
    statuses = []
    for conversion_id in (first, first, second, second):
        path = status_path(lead_id, conversion_id)
        statuses.append(contract.data("get_lead_conversion_status", path=path)["status"])
    assert statuses == ["running", "completed", "running", "rejected"]
    contract.call("convert_lead_to_deal", path={"id": lead_id}, json_body={}, status=404)


def test_unknown_jobs_are_documented_404s(contract: Contract) -> None:
    """An unknown conversion id, or a known one under another lead, is the spec's 404."""
    lead_id = lead(contract.account, 5)
    started = contract.data("convert_lead_to_deal", path={"id": lead_id}, json_body={})
    other = lead(contract.account, 6)
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (status_path(lead_id, missing), status_path(other, started["conversion_id"])):
        body = contract.call("get_lead_conversion_status", path=path, status=404)
        assert body["error"] == "Entity was not found"
    assert [checked.how for checked in contract.checked[1:]] == ["schema", "schema"]


def test_conversion_ids_are_deterministic(validator: SpecValidator) -> None:
    """Two accounts of one seed give the same conversion ids for the same requests."""
    ids = []
    for _ in range(2):
        demo: DemoPipedrive = make_demo()
        contract = Contract(demo, validator)
        started = contract.data(
            "convert_lead_to_deal", path={"id": lead(demo.account, 5)}, json_body={}
        )
        ids.append(started["conversion_id"])
    assert ids[0] == ids[1]
