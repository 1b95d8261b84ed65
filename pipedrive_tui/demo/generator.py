"""The deterministic data generator of the embedded demo Pipedrive account.

:func:`generate` builds a whole :class:`DemoAccount` from a seed with ``random.Random(seed)``
only: no wall clock, no ``uuid4``. The same seed and size always give an identical account.

Conventions of the records (the request handler serves them as they are):

* Each record has the shape of the spec's response schema for its endpoint: v2 for pipelines,
  stages, deals, persons, organizations and their field schemas (``2026-01-01T00:00:00Z``), v1
  for the rest (``"2019-10-15 11:01:53"``; ``2020-10-14T11:30:36.551Z`` on leads, lead labels
  and mail). Deal ``visible_to`` is an int, lead and filter ``visible_to`` a string; mail
  ``*_flag`` values are 0/1 numbers.
* A value that is unknown is ``null`` where the spec declares the property nullable, and the key
  is left out where it does not (a deal without a person has no ``person_id`` key, an open deal
  no ``won_time``, a note without a deal no ``deal_id``). The app's models read both alike.
* Custom values: deals, persons and organizations hold them in ``custom_fields`` in the v2
  shapes (sparse: unset fields are absent); leads hold them at the root in the flat v1 shapes
  (``<key>_currency``, ``<key>_until``, address parts; enum ids as strings, sets as CSV,
  yes/no as ``"1"``/``"0"``).
* Field ids are fixed, custom-field keys are drawn from the seed; the saved filters name fields
  by id (see :mod:`pipedrive_tui.demo.saved_filters` for the table).
* Records are built once and share some nested values to stay fast: the value objects of
  custom fields, a person's objects inside deal participants, and the note and mail message
  dicts inside deal flows. Treat every nested value as read-only: replace, never mutate.
* No record carries internal keys: there is nothing to strip.
"""

from __future__ import annotations

import gc
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipedrive_tui.demo import catalog, contacts, content, field_schemas
from pipedrive_tui.demo.catalog import DAY, Clock, hex_key, rng_uuid
from pipedrive_tui.demo.correspondence import add_correspondence
from pipedrive_tui.demo.deal_builder import CustomPool, build_deals
from pipedrive_tui.demo.saved_filters import saved_filters

__all__ = ["NOW", "DemoAccount", "generate"]

Record = dict[str, Any]

#: The fixed "now" of every demo account.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: The company the demo user belongs to.
COMPANY: Record = {"id": 5501, "name": "Northwind Demo Ltd", "domain": "northwind-demo"}
#: How many leads and the base number of persons and organizations (at 1,000 deals).
LEADS = 200
PERSONS_AT_1000 = 300
ORGS_AT_1000 = 120


@dataclass
class DemoAccount:
    """A whole fake Pipedrive account: lookups, field schemas, records and their timelines."""

    seed: int
    size: int
    now: datetime
    company: dict[str, Any]
    me_id: int
    users: list[dict[str, Any]] = field(repr=False)
    currencies: list[dict[str, Any]] = field(repr=False)
    activity_types: list[dict[str, Any]] = field(repr=False)
    pipelines: list[dict[str, Any]] = field(repr=False)
    stages: list[dict[str, Any]] = field(repr=False)
    deal_fields: list[dict[str, Any]] = field(repr=False)
    person_fields: list[dict[str, Any]] = field(repr=False)
    organization_fields: list[dict[str, Any]] = field(repr=False)
    lead_fields: list[dict[str, Any]] = field(repr=False)
    #: v1 ``/dealFields`` (with the numeric ids saved filters use).
    deal_fields_v1: list[dict[str, Any]] = field(repr=False)
    deals: list[dict[str, Any]] = field(repr=False)
    persons: list[dict[str, Any]] = field(repr=False)
    organizations: list[dict[str, Any]] = field(repr=False)
    leads: list[dict[str, Any]] = field(repr=False)
    lead_labels: list[dict[str, Any]] = field(repr=False)
    lead_sources: list[dict[str, Any]] = field(repr=False)
    mail_threads: list[dict[str, Any]] = field(repr=False)
    mail_messages: list[dict[str, Any]] = field(repr=False)
    filters: list[dict[str, Any]] = field(repr=False)
    notes: list[dict[str, Any]] = field(repr=False)
    deal_flow: dict[int, list[dict[str, Any]]] = field(repr=False)
    deal_participants: dict[int, list[dict[str, Any]]] = field(repr=False)


def generate(seed: int = 7, size: int = 1000) -> DemoAccount:
    """Build the demo account for ``seed`` with ``size`` deals (at least one).

    Persons and organizations grow with the square root of ``size`` (300 and 120 at 1,000
    deals); leads, mail, notes and filters have fixed counts.
    """
    if size < 1:
        raise ValueError("a demo account needs at least one deal")
    # Building creates millions of small dicts and no cycles: the cyclic GC would only rescan
    # them again and again (a third of the time at 100,000 deals), so it waits until the end.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _generate(seed, size)
    finally:
        if paused:
            gc.enable()


def _generate(seed: int, size: int) -> DemoAccount:
    rng = random.Random(seed)
    clock = Clock(NOW)
    company = dict(COMPANY)
    users = catalog.users(clock, rng, company)
    pipelines, stages = catalog.pipelines_and_stages(clock)
    deal_fields = field_schemas.deal_fields(rng)
    person_fields = field_schemas.person_fields(rng)
    organization_fields = field_schemas.organization_fields(rng)
    lead_labels = catalog.lead_labels(clock, rng)
    lead_fields = field_schemas.lead_fields(clock, deal_fields, lead_labels)
    deal_fields_v1 = field_schemas.v1_deal_fields(clock, deal_fields)
    scale = math.sqrt(size / 1000)
    n_orgs = max(8, round(ORGS_AT_1000 * scale))
    n_persons = max(20, round(PERSONS_AT_1000 * scale))
    orgs, domains = contacts.organizations(rng, clock, n_orgs, organization_fields)
    persons = contacts.persons(rng, clock, n_persons, orgs, domains, person_fields)
    pools = contacts.custom_pools(rng, clock, deal_fields, n_orgs, n_persons)
    deals, flow, participants = build_deals(
        rng, clock, size, stages, orgs, persons, pools, hex_key(rng)
    )
    leads = _leads(rng, clock, orgs, persons, lead_labels, pools)
    account = DemoAccount(
        seed=seed,
        size=size,
        now=NOW,
        company=company,
        me_id=catalog.ME_ID,
        users=users,
        currencies=catalog.currencies(),
        activity_types=catalog.activity_types(clock),
        pipelines=pipelines,
        stages=stages,
        deal_fields=deal_fields,
        person_fields=person_fields,
        organization_fields=organization_fields,
        lead_fields=lead_fields,
        deal_fields_v1=deal_fields_v1,
        deals=deals,
        persons=persons,
        organizations=orgs,
        leads=leads,
        lead_labels=lead_labels,
        lead_sources=catalog.lead_sources(),
        mail_threads=[],
        mail_messages=[],
        filters=saved_filters(clock, deal_fields, lead_fields),
        notes=[],
        deal_flow=flow,
        deal_participants=participants,
    )
    add_correspondence(account, rng, clock)
    return account


# --- leads ------------------------------------------------------------------------------------


def _v1_custom(key: str, ftype: str, value: Any, out: Record) -> None:
    """Write a v2 custom value into a v1 record the flat v1 way (companion ``key_…`` keys)."""
    if ftype == "monetary":
        out[key], out[key + "_currency"] = value["value"], value["currency"]
    elif ftype in ("daterange", "timerange"):
        out[key], out[key + "_until"] = value["value"], value["until"]
        if "timezone_name" in value:
            out[key + "_timezone_name"] = value["timezone_name"]
    elif ftype == "boolean":
        out[key] = "1" if value else "0"
    elif ftype == "address":
        out[key] = value["value"]
        for part in (
            "street_number",
            "route",
            "locality",
            "country",
            "postal_code",
            "admin_area_level_1",
            "formatted_address",
        ):
            out[f"{key}_{part}"] = value[part]
    elif ftype == "enum" or ftype == "visible_to":
        out[key] = str(value)
    elif ftype == "set":
        out[key] = ",".join(str(v) for v in value)
    else:
        out[key] = value


def _leads(
    rng: random.Random,
    clock: Clock,
    orgs: list[Record],
    persons: list[Record],
    labels: list[Record],
    pools: list[CustomPool],
) -> list[Record]:
    """200 leads (v1 shape). Lead 1 is archived, lead 2 unseen, lead 3 has no value, lead 4 has
    every custom field; the rest are drawn (about 15 % archived, 30 % unseen, 20 % no value)."""
    sources = [s["name"] for s in catalog.lead_sources()]
    origins = {"API": "API", "Import": "Import", "Web forms": "WebForms", "Deal": "Deal"}
    label_ids = [label["id"] for label in labels]
    out = []
    for n in range(1, LEADS + 1):
        person = rng.choice(persons) if rng.random() < 0.8 else None
        org_id = person.get("org_id") if person else rng.choice(orgs)["id"]
        org_name = orgs[org_id - 1]["name"] if org_id else None
        who = org_name or (person["name"] if person else "Unknown")
        owner = rng.choice((101, 101, 102, 103, 104, 105))
        source = rng.choice(sources)
        add_age = rng.randrange(3600, 400 * DAY)
        currency = rng.choice(("EUR", "USD", "GBP", "SEK", "JPY"))
        amount = rng.randrange(5, 400) * (100 if currency == "JPY" else 1) * 100
        lead: Record = {
            "id": rng_uuid(rng),
            "title": f"{who} {rng.choice(content.LEAD_SUFFIXES)}",
            "owner_id": owner,
            "creator_id": owner if rng.random() < 0.7 else catalog.ME_ID,
            "label_ids": rng.sample(label_ids, rng.choice((0, 1, 1, 1, 2))),
            "person_id": person["id"] if person else None,
            "organization_id": org_id,
            "source_name": source,
            "origin": origins.get(source, "ManuallyCreated"),
            "origin_id": None,
            "channel": None,
            "channel_id": None,
            "source_deal_id": None,
            "is_archived": n == 1 or (n > 4 and rng.random() < 0.15),
            "was_seen": n != 2 and not (n > 4 and rng.random() < 0.3),
            "value": None
            if n == 3 or (n > 4 and rng.random() < 0.2)
            else {"amount": amount, "currency": currency},
            "expected_close_date": clock.date(-rng.randrange(10, 200) * DAY)
            if rng.random() < 0.6
            else None,
            "next_activity_id": None,
            "add_time": clock.ms(add_age, rng.randrange(1000)),
            "update_time": clock.ms(rng.randrange(0, add_age), rng.randrange(1000)),
            "visible_to": "3" if rng.random() < 0.85 else "1",
            "cc_email": f"northwind-demo+lead{n}@pipedrivemail.com",
        }
        density = 1.0 if n == 4 else 0.0 if rng.random() < 0.3 else 0.4
        for key, _fid, ftype, pool in pools:
            if rng.random() < density:
                _v1_custom(key, ftype, pool[rng.randrange(64)], lead)
        out.append(lead)
    return out
