"""Hostile records of the demo account: lead labels, leads, a mail thread and saved filters.

The builders of :func:`pipedrive_tui.demo.hostile.plant_hostile` that plant the inbox side (see
:mod:`pipedrive_tui.demo.hostile_deals` for the conventions).
"""

from __future__ import annotations

import copy
import random
from typing import TYPE_CHECKING, Any

from pipedrive_tui.demo.catalog import DAY, Clock, rng_uuid
from pipedrive_tui.demo.hostile_corpus import (
    BIDI,
    CSI,
    DCS,
    FILTER_NAME,
    LABEL_NAME,
    LEAD_TITLE,
    MAIL_BODY,
    MARKUP,
    ODD_VALUES,
    OSC0,
    OSC8,
    OSC52,
    PERSON_NAME,
    SUBJECT,
    WIDE,
    ZALGO,
)
from pipedrive_tui.demo.hostile_deals import deal_field, next_id

if TYPE_CHECKING:
    from pipedrive_tui.demo.generator import DemoAccount

__all__ = ["plant_filters", "plant_labels", "plant_leads", "plant_mail"]

Record = dict[str, Any]


def plant_labels(account: DemoAccount, clock: Clock, rng: random.Random) -> tuple[str, str]:
    """Two lead labels: markup and OSC 52 in one name, emoji and zalgo in the other."""
    ids = []
    for name, color in ((LABEL_NAME, "red"), (f"🚀 {WIDE} launch {ZALGO}", "purple")):
        label = copy.deepcopy(account.lead_labels[0])
        label.update(
            id=rng_uuid(rng),
            name=name,
            color=color,
            add_time=clock.ms(40 * DAY),
            update_time=clock.ms(DAY),
        )
        account.lead_labels.append(label)
        ids.append(label["id"])
    return ids[0], ids[1]


def plant_leads(
    account: DemoAccount,
    clock: Clock,
    rng: random.Random,
    labels: tuple[str, str],
    people: tuple[int, int],
    org_id: int,
    user_id: int,
    keys: dict[str, str],
) -> tuple[str, str]:
    """Two leads, newest of all: a hostile one with odd custom values, and an empty one (of
    the person without a name: a lead needs a person or an organization)."""

    def key(name: str) -> str:
        return str(deal_field(account, name)["field_code"])

    template = account.leads[0]
    custom = {f["key"] for f in account.lead_fields if f.get("edit_flag")}
    ids = []
    for n, title in enumerate((LEAD_TITLE, "")):
        lead = {
            k: v
            for k, v in copy.deepcopy(template).items()
            if k not in custom and not any(k.startswith(c + "_") for c in custom)
        }
        lead.update(
            id=rng_uuid(rng),
            title=title,
            owner_id=user_id,
            creator_id=user_id,
            label_ids=list(labels) if n == 0 else [],
            person_id=people[n],
            organization_id=org_id if n == 0 else None,
            source_name=f"[b]Web[/b] {OSC0}form" if n == 0 else "",
            is_archived=False,
            was_seen=False,
            value={"amount": 1500, "currency": "EUR"} if n == 0 else None,
            expected_close_date=None,
            add_time=clock.ms(60 + n, 0),
            update_time=clock.ms(30 + n, 0),
            cc_email=f"lead{OSC52}@evil.example" if n == 0 else "",
        )
        if n == 0:
            lead.update(
                {
                    key("Contract number"): f"{MARKUP} {CSI}",
                    key("Requirements"): f"{OSC8}\n{DCS}{ZALGO}",
                    key("Discount %"): "7,5",
                    key("Renewal date"): ODD_VALUES[0],
                    key("Priority"): "999",
                    key("Products of interest"): "111,998",
                    key("Seats"): "12",
                    key("NDA signed"): "maybe",
                    key("Hotline"): None,
                    keys["hostile"]: f"{WIDE} {OSC52}",
                    keys["orphan"]: f"[bold]orphan[/bold] {OSC0}lead",
                }
            )
        account.leads.insert(0, lead)
        ids.append(lead["id"])
    return ids[0], ids[1]


def plant_mail(
    account: DemoAccount, clock: Clock, deal_id: int, person_id: int, org_id: int
) -> tuple[int, tuple[int, ...]]:
    """An unread inbox thread, newest of all, linked to the fields deal: two messages."""
    thread_id = next_id(account.mail_threads)
    me = next(u for u in account.users if u["id"] == account.me_id)
    person = next(p for p in account.persons if p["id"] == person_id)
    template = next(m for m in account.mail_messages if m["body"].startswith("<"))
    party_id = 1 + max(
        p["id"] for m in account.mail_messages for side in ("from", "to") for p in m[side]
    )
    message_ids: list[int] = []
    messages = []
    for n in range(2):
        age = 1800 - n * 600
        millis = clock.epoch_ms(age)
        them = {
            "id": party_id + 2 * n,
            "name": PERSON_NAME if n == 0 else "",
            "latest_sent": n == 1,
            "email_address": f"mallory{OSC52}@evil.example",
            "message_time": millis,
            "mail_message_party_id": party_id + 2 * n,
            "linked_organization_id": org_id,
            "linked_person_id": person_id,
            "linked_person_name": person["name"],
        }
        mine = {
            "id": party_id + 2 * n + 1,
            "name": me["name"],
            "latest_sent": False,
            "email_address": me["email"],
            "message_time": millis,
            "mail_message_party_id": party_id + 2 * n + 1,
            "linked_organization_id": None,
        }
        message = copy.deepcopy(template)
        message_id = next_id(account.mail_messages)
        message.update(
            {
                "id": message_id,
                "from": [them],
                "to": [mine],
                "cc": [{**them, "id": party_id + 100, "name": f"{WIDE} {ZALGO}"}],
                "bcc": [],
                "body": MAIL_BODY if n == 0 else f"Plain [b]reply[/b] {CSI}\r\n> {OSC52}quoted",
                "mail_thread_id": thread_id,
                "subject": SUBJECT if n == 0 else f"Re: {SUBJECT}",
                "snippet": f"Snippet [bold]x[/] {CSI}{OSC52} {BIDI}",
                "read_flag": 0 if n == 1 else 1,
                "draft": "",
                "draft_flag": 0,
                "sent_flag": 0,
                "sent_from_pipedrive_flag": 0,
                "mail_tracking_status": None,
                "mail_link_tracking_enabled_flag": 0,
                "message_time": clock.ms(age),
                "add_time": clock.ms(age - 20),
                "update_time": clock.ms(age - 20),
                "has_attachments_flag": 0,
                "has_inline_attachments_flag": 0,
                "has_real_attachments_flag": 0,
            }
        )
        account.mail_messages.append(message)
        account.deal_flow[deal_id].append(
            {"object": "mailMessage", "timestamp": clock.v1(age), "data": message}
        )
        messages.append(message)
        message_ids.append(message_id)
    account.deal_flow[deal_id].sort(key=lambda e: e["timestamp"], reverse=True)
    thread = copy.deepcopy(account.mail_threads[0])
    last = messages[-1]
    thread.update(
        id=thread_id,
        subject=SUBJECT,
        snippet=last["snippet"],
        read_flag=0,
        mail_tracking_status=None,
        has_attachments_flag=0,
        has_real_attachments_flag=0,
        parties={"to": messages[0]["to"], "from": messages[0]["from"]},
        drafts_parties=[],
        folders=["inbox"],
        version=2,
        snippet_draft=None,
        snippet_sent="",
        message_count=2,
        has_draft_flag=0,
        has_sent_flag=0,
        archived_flag=0,
        first_message_to_me_flag=1,
        last_message_timestamp=last["message_time"],
        first_message_timestamp=messages[0]["message_time"],
        last_message_sent_timestamp=None,
        last_message_received_timestamp=last["message_time"],
        add_time=clock.ms(1800 - 13),
        update_time=clock.ms(1200 - 13),
        deal_id=deal_id,
        deal_status="open",
        lead_id=None,
        all_messages_sent_flag=0,
    )
    account.mail_threads.append(thread)
    return thread_id, tuple(message_ids)


def plant_filters(
    account: DemoAccount, clock: Clock, user_id: int, label_id: str, keys: dict[str, str]
) -> tuple[int, int]:
    """A deals filter and a leads filter whose names and condition values are hostile."""

    def condition(obj: str, field: Record | None, field_id: str, op: str, value: Any) -> Record:
        return {
            "object": obj,
            "field_id": field_id,
            "operator": op,
            "value": value,
            "extra_value": None,
            "json_value_flag": False,
            "field_code": (field or {}).get("field_code") or (field or {}).get("key"),
        }

    def named(name: str) -> Record:
        return deal_field(account, name)

    title = next(f for f in account.deal_fields if f["field_code"] == "title")
    owner = next(f for f in account.deal_fields if f["field_code"] == "owner_id")
    hostile_field = next(f for f in account.deal_fields if f["field_code"] == keys["hostile"])
    lead_title = next(f for f in account.lead_fields if f["key"] == "title")
    lead_labels = next(f for f in account.lead_fields if f["key"] == "label_ids")
    and_deals = [
        condition("deal", title, str(title["id"]), "LIKE '%$%'", f"{MARKUP} {OSC52}"),
        condition(
            "deal",
            named("Contract number"),
            str(named("Contract number")["id"]),
            "=",
            f"{CSI}[b]NW[/b]{OSC8}",
        ),
        condition("deal", named("Priority"), str(named("Priority")["id"]), "=", "999"),
        condition("deal", owner, str(owner["id"]), "=", str(user_id)),
        condition("deal", hostile_field, str(hostile_field["id"]), "IS NOT NULL", None),
        condition("deal", None, "9999", "=", f"[b]deleted field[/b] {OSC0}"),
    ]
    or_deals = [
        condition(
            "deal",
            named("Renewal date"),
            str(named("Renewal date")["id"]),
            "<",
            ODD_VALUES[0],
        ),
        condition("deal", named("Discount %"), str(named("Discount %")["id"]), ">", "12.5"),
    ]
    and_leads = [
        condition("lead", lead_title, str(lead_title["id"]), "LIKE '%$%'", f"[red]x[/red]{CSI}"),
        condition("lead", lead_labels, str(lead_labels["id"]), "=", label_id),
    ]
    ids = []
    for name, kind, and_group, or_group in (
        (FILTER_NAME, "deals", and_deals, or_deals),
        (f"Leads {MARKUP} {OSC52}", "leads", and_leads, []),
    ):
        saved = copy.deepcopy(account.filters[0])
        filter_id = next_id(account.filters)
        saved.update(
            id=filter_id,
            name=name,
            type=kind,
            user_id=user_id,
            visible_to="3",
            add_time=clock.v1(5 * DAY),
            update_time=clock.v1(DAY),
            last_used_time=clock.v1(3600),
            conditions={
                "glue": "and",
                "conditions": [
                    {"glue": "and", "conditions": and_group},
                    {"glue": "or", "conditions": or_group},
                ],
            },
        )
        account.filters.append(saved)
        ids.append(filter_id)
    return ids[0], ids[1]
