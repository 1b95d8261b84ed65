"""Hostile records of the demo account: a user, a pipeline, contacts, custom fields and deals.

The builders of :func:`pipedrive_tui.demo.hostile.plant_hostile` that plant the deal side: each
adds records to a :class:`~pipedrive_tui.demo.generator.DemoAccount` by copying a generated
record of the same kind (so that it keeps the spec's shape) and changing its text, and returns
the new ids. Nested values are copied, never shared with the generated records.
"""

from __future__ import annotations

import copy
import random
from typing import TYPE_CHECKING, Any

from pipedrive_tui.demo.catalog import DAY, Clock, hex_key
from pipedrive_tui.demo.hostile_corpus import (
    BIDI_TITLE,
    CONTROL_TITLE,
    CSI,
    DCS,
    EMPTY_LOOKING_TITLE,
    ESCAPE_TITLE,
    HTML_NOTE,
    LONG_TITLE,
    MARKUP,
    MARKUP_TITLE,
    ODD_VALUES,
    ORG_NAME,
    OSC0,
    OSC8,
    OSC52,
    PERSON_NAME,
    PIPELINE_NAME,
    STAGE_NAMES,
    USER_NAME,
    WIDE,
    WIDE_TITLE,
    ZALGO,
    long_note,
)

if TYPE_CHECKING:
    from pipedrive_tui.demo.generator import DemoAccount

__all__ = [
    "deal_field",
    "next_id",
    "plant_contacts",
    "plant_deals",
    "plant_fields",
    "plant_flow",
    "plant_notes",
    "plant_pipeline",
    "plant_user",
]

Record = dict[str, Any]


def next_id(records: list[Record]) -> int:
    """The id after the largest id of ``records``."""
    return max((int(r["id"]) for r in records), default=0) + 1


def deal_field(account: DemoAccount, name: str) -> Record:
    """The deal field definition (v2) named ``name``."""
    return next(f for f in account.deal_fields if f["field_name"] == name)


def plant_user(account: DemoAccount) -> int:
    """A user with a hostile name, e-mail and phone; returns its id."""
    user = copy.deepcopy(next(u for u in account.users if u["id"] != account.me_id))
    user_id = next_id(account.users)
    user.update(
        id=user_id,
        name=USER_NAME,
        email=f"eve{OSC52}@evil.example",
        phone=f"+1 {CSI}555",
        activated=True,
        active_flag=True,
        is_you=False,
        has_created_company=False,
    )
    account.users.append(user)
    return user_id


def plant_pipeline(account: DemoAccount, clock: Clock) -> tuple[int, tuple[int, ...]]:
    """A pipeline with a hostile name and three hostile stages; returns their ids."""
    pipeline = copy.deepcopy(account.pipelines[-1])
    pipeline_id = next_id(account.pipelines)
    pipeline.update(
        id=pipeline_id,
        name=PIPELINE_NAME,
        order_nr=pipeline_id,
        add_time=clock.v2(30 * DAY),
        update_time=clock.v2(DAY),
    )
    account.pipelines.append(pipeline)
    stage_ids = []
    for order, name in enumerate(STAGE_NAMES, 1):
        stage = copy.deepcopy(account.stages[0])
        stage_id = next_id(account.stages)
        stage.update(
            id=stage_id,
            order_nr=order,
            name=name,
            pipeline_id=pipeline_id,
            deal_probability=10 * order,
            is_deal_rot_enabled=False,
            days_to_rotten=None,
            add_time=clock.v2(30 * DAY - order),
            update_time=clock.v2(DAY),
        )
        account.stages.append(stage)
        stage_ids.append(stage_id)
    return pipeline_id, tuple(stage_ids)


def plant_contacts(account: DemoAccount, clock: Clock, user_id: int) -> tuple[int, int, int]:
    """A hostile organization, a hostile person in it, and a person with empty names."""
    org = copy.deepcopy(account.organizations[0])
    org_id = next_id(account.organizations)
    org_fields = {f["field_name"]: f["field_code"] for f in account.organization_fields}
    org.update(
        id=org_id,
        name=ORG_NAME,
        owner_id=user_id,
        add_time=clock.v2(20 * DAY),
        update_time=clock.v2(600),
        label_ids=[],
        website=f"https://evil.example/{OSC52}",
        linkedin=None,
        industry=None,
        annual_revenue=None,
        employee_count=None,
        address={
            "value": f"{CSI}Rue [b]Hostile[/b] 1, {WIDE}",
            "country": OSC0,
            "admin_area_level_1": "",
            "locality": "",
            "route": "",
            "street_number": "",
            "postal_code": "",
        },
        custom_fields={
            org_fields["Segment"]: 999,  # an option that no longer exists
            org_fields["Customer since"]: ODD_VALUES[0],
            org_fields["Credit limit"]: {"value": "12000.50", "currency": "EUR"},
            org_fields["VAT number"]: f"[b]EU[/b]{OSC52}123",
        },
    )
    account.organizations.append(org)

    person_fields = {f["field_name"]: f["field_code"] for f in account.person_fields}
    persons = []
    for name, first, last, hostile in (
        (PERSON_NAME, f"[bold]Mallory[/bold] {OSC52}", f"Persona {WIDE[:6]}", True),
        ("", "", "", False),
    ):
        person = copy.deepcopy(account.persons[0])
        person_id = next_id(account.persons)
        person.update(
            id=person_id,
            name=name,
            first_name=first,
            last_name=last,
            owner_id=user_id,
            add_time=clock.v2(15 * DAY),
            update_time=clock.v2(500),
            label_ids=[],
            emails=[
                {
                    "value": f"mallory{OSC52}@evil.example" if hostile else "",
                    "primary": True,
                    "label": f"[b]work[/b]{CSI}" if hostile else "work",
                }
            ],
            phones=[{"value": f"+1 {CSI}555 {OSC8}", "primary": True, "label": "work"}]
            if hostile
            else [],
            custom_fields={
                person_fields["LinkedIn profile"]: f"https://evil.example/{OSC0}",
                person_fields["Preferred language"]: 999,
                person_fields["Birthday"]: ODD_VALUES[1],
                person_fields["Newsletter opt-in"]: None,
            }
            if hostile
            else {},
        )
        person.pop("postal_address", None)
        if hostile:
            person["org_id"] = org_id
            person["job_title"] = f"[i]CEO[/i] {CSI}"
        else:
            person.pop("org_id", None)
            person.pop("job_title", None)
        account.persons.append(person)
        persons.append(person_id)
    return persons[0], persons[1], org_id


def plant_fields(account: DemoAccount, clock: Clock, rng: random.Random) -> dict[str, str]:
    """A custom deal field with a hostile name, one of an unknown type, and a deleted one's key.

    The hostile-named field (a varchar) is added to the v2 and v1 deal fields and the lead
    fields; the unknown type only to the v2 deal fields (v1's enum of types is stricter still).
    """
    keys = {"hostile": hex_key(rng), "unknown": hex_key(rng), "orphan": hex_key(rng)}
    base = deal_field(account, "Contract number")
    field_id = max(int(f["id"]) for f in account.deal_fields) + 1
    hostile = copy.deepcopy(base)
    hostile.update(
        id=field_id,
        field_code=keys["hostile"],
        field_name=f"[b]Field[/b] {OSC52}name {CSI}",
        description=f"{OSC0}[red]described[/red]",
    )
    unknown = copy.deepcopy(base)
    unknown.update(
        id=field_id + 1,
        field_code=keys["unknown"],
        field_name="Future field",
        description="A field type Pipedrive may add later",
        field_type="hologram",
    )
    account.deal_fields.extend([hostile, unknown])
    v1_base = next(f for f in account.deal_fields_v1 if f["id"] == base["id"])
    v1 = copy.deepcopy(v1_base)
    v1.update(id=field_id, key=keys["hostile"], name=hostile["field_name"])
    account.deal_fields_v1.append(v1)
    lead_base = next(f for f in account.lead_fields if f["id"] == base["id"])
    lead = copy.deepcopy(lead_base)
    lead.update(id=field_id, key=keys["hostile"], name=hostile["field_name"])
    account.lead_fields.append(lead)
    return keys


def _hostile_custom_values(
    account: DemoAccount, keys: dict[str, str], org_id: int, person_id: int, user_id: int
) -> Record:
    """v2 custom values of the fields deal: hostile text, numbers as strings, odd dates, nulls,
    deleted options, a deleted field and an unknown type."""

    def key(name: str) -> str:
        return str(deal_field(account, name)["field_code"])

    return {
        key("Contract number"): f"{MARKUP} {OSC52}",
        key("Referral partner"): "",
        key("Requirements"): f"line one {CSI}\r\nline two {OSC8}\rline three\x00 {DCS}{ZALGO}",
        key("Discount %"): "12.5",
        key("Setup fee"): {"value": "2500.50", "currency": "EUR"},
        key("Renewal date"): ODD_VALUES[0],
        key("Contract period"): {"value": ODD_VALUES[1], "until": ODD_VALUES[2]},
        key("Preferred call time"): ODD_VALUES[3],
        key("Support hours"): {"value": "8h", "until": "late", "timezone_name": f"{OSC0}Mars"},
        key("Priority"): 999,
        key("Products of interest"): [111, 998],
        key("Account manager"): user_id,
        key("Partner organization"): org_id,
        key("Technical contact"): person_id,
        key("Hotline"): f"+1 {CSI}555 {OSC52}",
        key("Delivery address"): None,
        key("Seats"): "49",
        key("NDA signed"): None,
        keys["hostile"]: f"{WIDE} {ZALGO}",
        keys["unknown"]: {"hologram": [1, "two", {"three": f"[b]3[/b]{OSC52}"}]},
        keys["orphan"]: f"[bold]orphan[/bold] {OSC52}value",
    }


def plant_deals(
    account: DemoAccount,
    clock: Clock,
    pipeline_id: int,
    stage_ids: tuple[int, ...],
    person_id: int,
    org_id: int,
    user_id: int,
    keys: dict[str, str],
) -> dict[str, int]:
    """The hostile deals (kind -> id), all open, in the hostile pipeline, owned by the
    hostile user; the fields deal has the hostile custom values and a participant.
    """
    template = next(d for d in account.deals if d["status"] == "open" and not d.get("is_archived"))
    titles = (
        ("markup", MARKUP_TITLE),
        ("escape", ESCAPE_TITLE),
        ("control", CONTROL_TITLE),
        ("bidi", BIDI_TITLE),
        ("wide", WIDE_TITLE),
        ("long", LONG_TITLE),
        ("empty", ""),
        ("empty_looking", EMPTY_LOOKING_TITLE),
        ("stray", f"Stray {OSC0}deal in another pipeline's stage"),
        ("fields", f"Fields [b]deal[/b] {OSC52}{CSI}"),
    )
    ids: dict[str, int] = {}
    first = next_id(account.deals)
    for n, (kind, title) in enumerate(titles):
        deal_id = first + n
        deal = copy.deepcopy(template)
        for gone in ("won_time", "lost_time", "archive_time", "person_id", "org_id"):
            deal.pop(gone, None)
        age = 3600 + n * 60
        deal.update(
            id=deal_id,
            title=title,
            creator_user_id=user_id,
            owner_id=user_id,
            value=1000 * (n + 1),
            currency="EUR",
            pipeline_id=pipeline_id,
            stage_id=stage_ids[n % len(stage_ids)],
            add_time=clock.v2(age + 10 * DAY),
            update_time=clock.v2(age),
            stage_change_time=clock.v2(age + DAY),
            is_deleted=False,
            is_archived=False,
            status="open",
            probability=None,
            lost_reason=None,
            close_time=None,
            label_ids=[],
            expected_close_date=clock.date(-30 * DAY),
            custom_fields={},
        )
        if kind == "stray":
            deal["stage_id"] = account.stages[0]["id"]  # a stage of the first pipeline
        if kind in ("markup", "escape", "fields"):
            deal["person_id"], deal["org_id"] = person_id, org_id
        if kind == "fields":
            deal["custom_fields"] = _hostile_custom_values(
                account, keys, org_id, person_id, user_id
            )
        account.deals.append(deal)
        account.deal_flow[deal_id] = []
        account.deal_participants[deal_id] = []
        ids[kind] = deal_id
    _plant_participant(account, ids["fields"], person_id, org_id)
    return ids


def _plant_participant(account: DemoAccount, deal_id: int, person_id: int, org_id: int) -> None:
    template = next(p for people in account.deal_participants.values() for p in people)
    person = next(p for p in account.persons if p["id"] == person_id)
    org = next(o for o in account.organizations if o["id"] == org_id)
    entry = copy.deepcopy(template)
    ref, full = entry["person_id"], entry["person"]
    email = [{"label": "work", "value": person["emails"][0]["value"], "primary": True}]
    phone = [{"label": "work", "value": person["phones"][0]["value"], "primary": True}]
    ref.update(name=person["name"], email=email, phone=phone, value=person_id)
    full.update(
        id=person_id,
        name=person["name"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        email=email,
        phone=phone,
        org_name=org["name"],
        first_char="[",
    )
    if isinstance(full.get("org_id"), dict):
        full["org_id"].update(name=org["name"], value=org_id)
    deal = next(d for d in account.deals if d["id"] == deal_id)
    entry.update(
        id=max((p["id"] for ps in account.deal_participants.values() for p in ps), default=0) + 1,
        related_item_data={"deal_id": deal_id, "title": deal["title"]},
        related_item_id=deal_id,
    )
    account.deal_participants[deal_id] = [entry]


def plant_notes(account: DemoAccount, clock: Clock, deal_id: int, user_id: int) -> tuple[int, int]:
    """The 100,000-character note and a hostile HTML note on the fields deal (and its flow)."""
    template = next(n for n in account.notes if "deal_id" in n)
    deal = next(d for d in account.deals if d["id"] == deal_id)
    user = next(u for u in account.users if u["id"] == user_id)
    ids = []
    for n, content in enumerate((long_note(), HTML_NOTE)):
        note = copy.deepcopy(template)
        for gone in ("lead_id", "person_id", "person", "org_id", "organization"):
            note.pop(gone, None)
        note.update(
            id=next_id(account.notes),
            content=content,
            add_time=clock.v1(7200 + n * 60),
            update_time=clock.v1(7200 + n * 60),
            last_update_user_id=user_id,
            user_id=user_id,
            user={"email": user["email"], "is_you": False, "name": user["name"]},
            deal_id=deal_id,
            deal={"title": deal["title"]},
            pinned_to_deal_flag=n == 1,
        )
        account.notes.append(note)
        account.deal_flow[deal_id].append(
            {"object": "note", "timestamp": note["add_time"], "data": note}
        )
        ids.append(note["id"])
    return ids[0], ids[1]


def plant_flow(
    account: DemoAccount,
    clock: Clock,
    deal_id: int,
    person_id: int,
    user_id: int,
    keys: dict[str, str],
) -> None:
    """Field changes with hostile values: a title, a custom field, a deleted field, a stage."""
    template = next(
        e for entries in account.deal_flow.values() for e in entries if e["object"] == "dealChange"
    )
    changes: list[tuple[str, Any, Any, Record]] = [
        ("title", MARKUP_TITLE, ESCAPE_TITLE, {}),
        (str(deal_field(account, "Contract number")["field_code"]), None, f"{OSC52}{MARKUP}", {}),
        (keys["orphan"], "", f"[bold]gone[/bold] {CSI}", {}),
        (str(deal_field(account, "Priority")["field_code"]), 101, 999, {}),
        (
            "stage_id",
            account.stages[0]["id"],
            account.stages[-1]["id"],
            {"old_value_formatted": f"[b]old[/b] {OSC0}", "new_value_formatted": STAGE_NAMES[0]},
        ),
        ("person_id", None, person_id, {}),
    ]
    change_id = 1 + max(
        (
            e["data"]["id"]
            for es in account.deal_flow.values()
            for e in es
            if e["object"] == "dealChange"
        ),
        default=0,
    )
    for n, (field_key, old, new, extra) in enumerate(changes):
        entry = copy.deepcopy(template)
        when = clock.v1(9000 + n * 60)
        entry["timestamp"] = when
        entry["data"].update(
            id=change_id + n,
            item_id=deal_id,
            user_id=user_id,
            field_key=field_key,
            old_value=old,
            new_value=new,
            log_time=when,
            change_source=f"[b]api[/b]{OSC0}",
            change_source_user_agent=f"Evil/1.0 {CSI}",
            additional_data=extra,
        )
        account.deal_flow[deal_id].append(entry)
    account.deal_flow[deal_id].sort(key=lambda e: e["timestamp"], reverse=True)
