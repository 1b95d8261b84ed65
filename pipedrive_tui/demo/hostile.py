"""Hostile data for the demo account: text that tries to style, rewrite or break the terminal.

:func:`plant_hostile` adds a fixed set of records to a generated
:class:`~pipedrive_tui.demo.generator.DemoAccount` (before a
:class:`~pipedrive_tui.demo.handler.DemoPipedrive` serves it): a pipeline of hostile deals, a
person, an organization, a user, leads and lead labels, a mail thread, notes and saved filters
whose text holds Rich markup, terminal escape sequences (CSI, OSC 0/8/52, DCS, 8-bit C1), C0
controls and NUL, bidirectional overrides and zero-width characters, wide CJK and emoji (ZWJ
sequences too), combining marks, a 100,000-character note and a 1,000-character title, empty
strings and nulls, numbers as strings, an unknown field type, values of deleted fields and
options, dates in unexpected formats and a deal whose stage belongs to another pipeline.

The strings are in :mod:`~pipedrive_tui.demo.hostile_corpus` (re-exported here), the builders
in :mod:`~pipedrive_tui.demo.hostile_deals` and :mod:`~pipedrive_tui.demo.hostile_inbox`.
The default account never holds these records: they are planted only when asked (the tests of
issue #10, ``pipedrive-tui demo-server --hostile`` is not wired). Every planted record keeps the
shape of the spec's response schema, except the field definition of an unknown type (a type a
later Pipedrive may add, which the spec's enum does not list yet). Each hostile string has a
*readable* counterpart in :data:`READABLE`, written by hand: what a user must still be able to
read once the sequences are gone (tests look for it on screen).

:class:`HostileDemo` is the demo server that can also refuse a write with a hostile error
message, the way a proxy or a buggy server might echo a stranger's text back.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from pipedrive_tui.demo import hostile_deals, hostile_inbox
from pipedrive_tui.demo.catalog import Clock
from pipedrive_tui.demo.handler import DemoPipedrive, Outcome, RecordedRequest
from pipedrive_tui.demo.hostile_corpus import (
    BIDI_TITLE,
    CONTROL_TITLE,
    EMPTY_LOOKING_TITLE,
    ERROR_TEXT,
    ESCAPE_TITLE,
    FILTER_NAME,
    LABEL_NAME,
    LEAD_TITLE,
    LONG_NOTE_LENGTH,
    LONG_TITLE,
    MARKUP,
    MARKUP_TITLE,
    ORG_NAME,
    PERSON_NAME,
    PIPELINE_NAME,
    READABLE,
    STAGE_NAMES,
    SUBJECT,
    USER_NAME,
    WIDE_TITLE,
)

if TYPE_CHECKING:
    from pipedrive_tui.demo.generator import DemoAccount

__all__ = [
    "BIDI_TITLE",
    "CONTROL_TITLE",
    "EMPTY_LOOKING_TITLE",
    "ERROR_TEXT",
    "ESCAPE_TITLE",
    "FILTER_NAME",
    "LABEL_NAME",
    "LEAD_TITLE",
    "LONG_NOTE_LENGTH",
    "LONG_TITLE",
    "MARKUP",
    "MARKUP_TITLE",
    "ORG_NAME",
    "PERSON_NAME",
    "PIPELINE_NAME",
    "READABLE",
    "STAGE_NAMES",
    "SUBJECT",
    "USER_NAME",
    "WIDE_TITLE",
    "HostileDemo",
    "HostileIds",
    "plant_hostile",
]


# --- what was planted -------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileIds:
    """The ids of the records :func:`plant_hostile` added."""

    pipeline_id: int
    stage_ids: tuple[int, ...]
    #: A stage of another (the first) pipeline, held by :attr:`stray_deal`.
    foreign_stage_id: int
    markup_deal: int
    escape_deal: int
    control_deal: int
    bidi_deal: int
    wide_deal: int
    long_deal: int
    empty_deal: int
    empty_looking_deal: int
    #: A deal of the hostile pipeline in a stage of the first pipeline.
    stray_deal: int
    #: The deal with hostile custom fields, notes, flow, participants and mail.
    fields_deal: int
    person_id: int
    empty_person_id: int
    org_id: int
    user_id: int
    lead_id: str
    empty_lead_id: str
    label_id: str
    emoji_label_id: str
    thread_id: int
    message_ids: tuple[int, ...]
    long_note_id: int
    html_note_id: int
    deal_filter_id: int
    lead_filter_id: int
    #: Custom deal field keys: a hostile name (varchar), an unknown type, a deleted field.
    hostile_field_key: str
    unknown_type_key: str
    orphan_key: str

    @property
    def deal_ids(self) -> tuple[int, ...]:
        """Every hostile deal, in the order they were planted."""
        return (
            self.markup_deal,
            self.escape_deal,
            self.control_deal,
            self.bidi_deal,
            self.wide_deal,
            self.long_deal,
            self.empty_deal,
            self.empty_looking_deal,
            self.stray_deal,
            self.fields_deal,
        )


# --- planting ---------------------------------------------------------------------------------


def plant_hostile(account: DemoAccount) -> HostileIds:
    """Add the hostile records to ``account`` (before it is served) and return their ids.

    The records are the newest of their kind, so they come first in the lists that sort by
    time; the hostile deals sit in a pipeline of their own (the last one).
    """
    rng = random.Random(f"hostile-{account.seed}")
    clock = Clock(account.now)
    user_id = hostile_deals.plant_user(account)
    pipeline_id, stage_ids = hostile_deals.plant_pipeline(account, clock)
    person_id, empty_person_id, org_id = hostile_deals.plant_contacts(account, clock, user_id)
    keys = hostile_deals.plant_fields(account, clock, rng)
    deals = hostile_deals.plant_deals(
        account, clock, pipeline_id, stage_ids, person_id, org_id, user_id, keys
    )
    fields_deal = deals["fields"]
    labels = hostile_inbox.plant_labels(account, clock, rng)
    people = (person_id, empty_person_id)
    leads = hostile_inbox.plant_leads(account, clock, rng, labels, people, org_id, user_id, keys)
    notes = hostile_deals.plant_notes(account, clock, fields_deal, user_id)
    hostile_deals.plant_flow(account, clock, fields_deal, person_id, user_id, keys)
    thread_id, message_ids = hostile_inbox.plant_mail(
        account, clock, fields_deal, person_id, org_id
    )
    filters = hostile_inbox.plant_filters(account, clock, user_id, labels[0], keys)
    return HostileIds(
        pipeline_id=pipeline_id,
        stage_ids=stage_ids,
        foreign_stage_id=account.stages[0]["id"],
        markup_deal=deals["markup"],
        escape_deal=deals["escape"],
        control_deal=deals["control"],
        bidi_deal=deals["bidi"],
        wide_deal=deals["wide"],
        long_deal=deals["long"],
        empty_deal=deals["empty"],
        empty_looking_deal=deals["empty_looking"],
        stray_deal=deals["stray"],
        fields_deal=fields_deal,
        person_id=person_id,
        empty_person_id=empty_person_id,
        org_id=org_id,
        user_id=user_id,
        lead_id=leads[0],
        empty_lead_id=leads[1],
        label_id=labels[0],
        emoji_label_id=labels[1],
        thread_id=thread_id,
        message_ids=message_ids,
        long_note_id=notes[0],
        html_note_id=notes[1],
        deal_filter_id=filters[0],
        lead_filter_id=filters[1],
        hostile_field_key=keys["hostile"],
        unknown_type_key=keys["unknown"],
        orphan_key=keys["orphan"],
    )


# --- a server that refuses with hostile text ----------------------------------------------------


class HostileDemo(DemoPipedrive):
    """The demo Pipedrive, able to refuse chosen requests with a hostile error message.

    :meth:`refuse` adds a refusal: the next ``count`` requests (every one for ``None``) whose
    method matches and whose path holds ``path`` get a 400 whose ``error`` (and ``error_info``)
    is :data:`ERROR_TEXT`, as a server that echoes a stranger's text would send. Other requests
    are served as usual.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Like :class:`DemoPipedrive`."""
        super().__init__(*args, **kwargs)
        #: ``[method, path part, error, requests left (None: all)]`` of each refusal.
        self._refusals: list[list[Any]] = []

    def refuse(
        self, method: str, path: str, *, count: int | None = 1, error: str = ERROR_TEXT
    ) -> HostileDemo:
        """Refuse the next ``count`` ``method`` requests to a path holding ``path``."""
        self._refusals.append([method.upper(), path, error, count])
        return self

    def respond(self, request: httpx.Request) -> Outcome:
        """Refuse a request a refusal targets with its hostile error, else answer as usual."""
        method, path = request.method.upper(), request.url.path
        for refusal in self._refusals:
            wanted, part, error, left = refusal
            if wanted != method or part not in path or left == 0:
                continue
            if left is not None:
                refusal[3] = left - 1
            self.requests.append(_recorded(request, 400))
            body = {"success": False, "error": error, "error_info": error, "errorCode": 400}
            content = json.dumps(body).encode()
            headers = {"content-type": "application/json"}
            return httpx.Response(400, content=content, headers=headers), 0.0
        return super().respond(request)


def _recorded(request: httpx.Request, status: int) -> RecordedRequest:
    return RecordedRequest(
        request.method.upper(), request.url.path, dict(request.url.params), None, "", status
    )
