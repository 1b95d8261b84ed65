"""Lead to deal conversion in the demo: a small job that runs over a few status polls.

``POST /api/v2/leads/{id}/convert/deal`` checks the lead and the body (``stage_id`` wins over
``pipeline_id``; neither means the first stage of the default pipeline) and answers a job id.
Each ``GET …/convert/status/{conversion_id}`` then moves the job one step: ``not_started`` for
:attr:`Conversions.not_started_polls` polls (0 by default), ``running`` for
:attr:`Conversions.running_polls` polls (1 by default), then the outcome (``completed`` by
default). The conversion itself happens at the poll that first reports ``completed``: the deal is
created, the lead's notes and mail threads move to it, and the lead is deleted. A lead that is
gone by then (converted by another job) gives ``rejected``.

Tune a demo with ``conversions(demo.store).running_polls = 3`` (or ``.outcome = "failed"``);
the settings apply to jobs started afterwards.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pipedrive_tui.demo.responses import Request, bad_request, not_found
from pipedrive_tui.demo.store import DemoStore, format_like

__all__ = ["ROUTES", "ConversionJob", "Conversions", "conversions"]

Record = dict[str, Any]
Handler = Callable[[DemoStore, Request], dict[str, Any]]
Outcome = Literal["completed", "failed", "rejected"]

#: The spec's 404 of both conversion operations.
_NOT_FOUND = ("Entity was not found", "Object was not found.")
_NAMESPACE = uuid.UUID("0b8e4c53-5f0a-4f4e-9d0c-2a7e61c3d9b4")
#: A v2 timestamp, the format of new deals' times.
_V2_STAMP = "2000-01-01T00:00:00Z"
_ADDRESS_PARTS = (
    "street_number", "route", "locality", "country", "postal_code", "admin_area_level_1",
    "formatted_address",
)  # fmt: skip


@dataclass
class ConversionJob:
    """One conversion: the lead, where the deal goes, and how far the job has got."""

    conversion_id: str
    lead_id: str
    stage_id: int
    not_started_polls: int
    running_polls: int
    outcome: Outcome
    polls: int = 0
    status: str = "not_started"
    deal_id: int | None = None

    @property
    def finished(self) -> bool:
        """Whether the job reached its outcome (it answers the same from then on)."""
        return self.status in ("completed", "failed", "rejected")


@dataclass
class Conversions:
    """The conversion jobs of one demo store, and how new jobs behave."""

    #: Polls that answer ``not_started`` before the job runs.
    not_started_polls: int = 0
    #: Polls that answer ``running`` before the outcome.
    running_polls: int = 1
    #: How new jobs end.
    outcome: Outcome = "completed"
    jobs: dict[str, ConversionJob] = field(default_factory=dict)


_BY_STORE: weakref.WeakKeyDictionary[DemoStore, Conversions] = weakref.WeakKeyDictionary()


def conversions(store: DemoStore) -> Conversions:
    """The conversion jobs and settings of a store (made on first use)."""
    found = _BY_STORE.get(store)
    if found is None:
        found = _BY_STORE[store] = Conversions()
    return found


# --- routes ---------------------------------------------------------------------------------------


def convert_lead_to_deal(store: DemoStore, request: Request) -> dict[str, Any]:
    """``POST /api/v2/leads/{id}/convert/deal``: start a job (archived leads convert too)."""
    lead_id = request.str_id()
    if store.leads.get(lead_id) is None:
        raise not_found(*_NOT_FOUND)
    stage = _target_stage(store, request.body)
    state = conversions(store)
    conversion_id = str(uuid.uuid5(_NAMESPACE, f"{store.account.seed}-{store.serial()}"))
    state.jobs[conversion_id] = ConversionJob(
        conversion_id,
        lead_id,
        stage["id"],
        max(0, state.not_started_polls),
        max(0, state.running_polls),
        state.outcome,
    )
    return {"success": True, "data": {"conversion_id": conversion_id}, "additional_data": None}


def get_lead_conversion_status(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /api/v2/leads/{id}/convert/status/{conversion_id}``: one step of the job."""
    raw = request.str_id("conversion_id")
    try:
        uuid.UUID(raw)
    except ValueError:
        raise bad_request(f"Invalid conversion_id: {raw!r} is not a UUID") from None
    job = conversions(store).jobs.get(raw)
    if job is None or job.lead_id != request.str_id():
        raise not_found(*_NOT_FOUND)
    if not job.finished:
        _advance(store, job)
    data: dict[str, Any] = {"conversion_id": job.conversion_id, "status": job.status}
    if job.deal_id is not None:
        data["deal_id"] = job.deal_id
    return {"success": True, "data": data, "additional_data": None}


def _target_stage(store: DemoStore, body: Any) -> Record:
    """The stage the deal goes to; a bad body is a 400 (the schema allows no other keys)."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    unknown = sorted(set(body) - {"stage_id", "pipeline_id"})
    if unknown:
        raise bad_request(f"Unknown properties in the request body: {', '.join(unknown)}")
    for key in ("stage_id", "pipeline_id"):
        value = body.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise bad_request(f"'{key}' must be an integer")
    stage_id, pipeline_id = body.get("stage_id"), body.get("pipeline_id")
    if stage_id is not None:  # the spec: with a stage, pipeline_id is ignored
        stage = store.stages.get(stage_id)
        if stage is None or stage.get("is_deleted"):
            raise bad_request(f"'stage_id' {stage_id} does not exist")
        return stage
    if pipeline_id is None:
        pipelines = [p for p in store.pipelines if not p.get("is_deleted")]
        if not pipelines:
            raise bad_request("The account has no pipeline to add the deal to")
        pipeline_id = min(pipelines, key=lambda p: (p.get("order_nr", 0), p["id"]))["id"]
    pipeline = store.pipelines.get(pipeline_id)
    if pipeline is None or pipeline.get("is_deleted"):
        raise bad_request(f"'pipeline_id' {pipeline_id} does not exist")
    first = store.first_stage(pipeline_id)
    if first is None:
        raise bad_request(f"Pipeline {pipeline_id} has no stages")
    return first


def _advance(store: DemoStore, job: ConversionJob) -> None:
    job.polls += 1
    if job.polls <= job.not_started_polls:
        job.status = "not_started"
    elif job.polls <= job.not_started_polls + job.running_polls:
        job.status = "running"
    elif job.outcome != "completed":
        job.status = job.outcome
    elif store.leads.get(job.lead_id) is None:
        job.status = "rejected"  # converted by another job, or deleted, in the meantime
    else:
        job.deal_id = convert(store, job.lead_id, job.stage_id)
        job.status = "completed"


# --- the conversion -------------------------------------------------------------------------------


def convert(store: DemoStore, lead_id: str, stage_id: int) -> int:
    """Turn a lead into a deal in ``stage_id``; returns the deal's id. The lead must exist."""
    lead = store.leads.by_id[lead_id]
    stage = store.stages.by_id[stage_id]
    deal_id = 1 + max(max(store.deals.by_id, default=0), max(store.archived_deals.by_id, default=0))
    stamp = format_like(_V2_STAMP, store.now())
    value = lead.get("value") or {}
    owner = store.users.get(lead.get("owner_id") or store.account.me_id) or {}
    currency = value.get("currency") or owner.get("default_currency") or "USD"
    deal: Record = {
        "id": deal_id,
        "title": lead.get("title") or "Deal",
        "creator_user_id": store.account.me_id,
        "owner_id": lead.get("owner_id") or store.account.me_id,
        "value": value.get("amount", 0),
        "currency": currency,
        "pipeline_id": stage["pipeline_id"],
        "stage_id": stage["id"],
        "add_time": stamp,
        "update_time": stamp,
        "is_deleted": False,
        "is_archived": False,
        "status": "open",
        "probability": None,
        "lost_reason": None,
        "visible_to": int(lead.get("visible_to") or 3),
        "close_time": None,
        "label_ids": [],  # lead labels (UUIDs) are not deal labels (integers)
        "origin": "LeadConversion",
        "origin_id": None,
        "channel": lead.get("channel"),
        "channel_id": lead.get("channel_id"),
        "custom_fields": _v2_custom(lead, store.custom_fields("deal")),
        "_source_lead_id": lead_id,  # served with include_fields=source_lead_id
    }
    if lead.get("person_id") is not None:
        deal["person_id"] = lead["person_id"]
    if lead.get("organization_id") is not None:
        deal["org_id"] = lead["organization_id"]
    if lead.get("expected_close_date"):
        deal["expected_close_date"] = lead["expected_close_date"]
    store.deals.put(deal)
    flow = _move_notes(store, lead_id, deal) + _move_threads(store, lead_id, deal_id)
    flow.sort(key=lambda item: str(item["timestamp"]), reverse=True)
    store.deal_flow[deal_id] = flow
    store.leads.remove(lead_id)
    return deal_id


def _move_notes(store: DemoStore, lead_id: str, deal: Record) -> list[Record]:
    """Re-pin the lead's notes to the deal; returns their flow entries."""
    entries = []
    for note_id in list(store.notes.bucket("lead_id", lead_id)):
        note = store.copy(store.notes.by_id[note_id])
        del note["lead_id"]  # an absent link has no key (the generator's convention)
        note["deal_id"], note["deal"] = deal["id"], {"title": deal["title"]}
        note["pinned_to_deal_flag"] = bool(note.get("pinned_to_lead_flag"))
        note["pinned_to_lead_flag"] = False
        store.notes.put(note)
        entries.append({"object": "note", "timestamp": note.get("add_time"), "data": note})
    return entries


def _move_threads(store: DemoStore, lead_id: str, deal_id: int) -> list[Record]:
    """Link the lead's mail threads to the deal; returns the flow entries of their messages."""
    entries = []
    for thread_id in list(store.threads.bucket("lead_id", lead_id)):
        thread = store.copy(store.threads.by_id[thread_id])
        thread["lead_id"], thread["deal_id"], thread["deal_status"] = None, deal_id, "open"
        store.threads.put(thread)
        for message in store.thread_messages(thread_id):
            if message.get("draft_flag"):
                continue
            stamp = str(message.get("message_time") or "")
            entries.append(
                {
                    "object": "mailMessage",
                    "timestamp": f"{stamp[:10]} {stamp[11:19]}",
                    "data": message,
                }
            )
    return entries


def _v2_custom(lead: Record, fields: dict[str, Record]) -> Record:
    """A lead's flat v1 custom values (root keys) as a v2 deal's ``custom_fields``."""
    out: Record = {}
    for key, found in fields.items():
        raw = lead.get(key)
        if raw is None or raw == "":
            continue
        ftype = found.get("field_type")
        value: Any = raw
        if ftype == "monetary":
            value = {"value": raw, "currency": lead.get(key + "_currency")}
        elif ftype in ("daterange", "timerange"):
            value = {"value": raw, "until": lead.get(key + "_until")}
            if lead.get(key + "_timezone_name") is not None:
                value["timezone_name"] = lead[key + "_timezone_name"]
        elif ftype == "boolean":
            value = str(raw) in ("1", "true", "True")
        elif ftype == "address":
            value = {"value": raw}
            for part in _ADDRESS_PARTS:
                if f"{key}_{part}" in lead:
                    value[part] = lead[f"{key}_{part}"]
        elif ftype in ("enum", "visible_to") and str(raw).lstrip("-").isdigit():
            value = int(raw)
        elif ftype == "set":
            value = [int(v) if v.strip().isdigit() else v.strip() for v in str(raw).split(",")]
        out[key] = value
    return out


#: The conversion routes by endpoint name.
ROUTES: dict[str, Handler] = {
    "convert_lead_to_deal": convert_lead_to_deal,
    "get_lead_conversion_status": get_lead_conversion_status,
}
