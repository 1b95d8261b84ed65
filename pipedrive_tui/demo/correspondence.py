"""Mail, notes and activities of the demo account, and their entries in the deals' flows.

Fixed counts, whatever the number of deals: 200 mail threads in the four folders (inbox, sent,
drafts, archive) with one to five messages each, 300 deal notes, 60 lead notes, 30 contact notes
and 150 activities. Threads, notes and activities that belong to a deal also appear in that
deal's flow (``/deals/{id}/flow``), which is then sorted newest first.
"""

from __future__ import annotations

import json
import random
import re
from typing import TYPE_CHECKING, Any

from pipedrive_tui.demo import content
from pipedrive_tui.demo.catalog import DAY, Clock

if TYPE_CHECKING:
    from pipedrive_tui.demo.generator import DemoAccount

__all__ = ["add_correspondence"]

Record = dict[str, Any]

THREADS = 200
DEAL_NOTES = 300
LEAD_NOTES = 60
CONTACT_NOTES = 30
ACTIVITIES = 150
#: Folder of each thread, by weight.
_FOLDERS = ("inbox",) * 11 + ("sent",) * 4 + ("drafts",) * 2 + ("archive",) * 3
_BLOCK_TAGS = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?td|/?th|/?blockquote|hr)\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _snippet(body: str) -> str:
    """The first 225 characters of a body's text, as Pipedrive's ``snippet``."""
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", body)).replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()[:225]


def _party(
    pid: int, name: str, email: str, person: Record | None, *, when: int, latest: bool
) -> Record:
    """A mail party in the thread shape (a superset of the message party shape)."""
    party: Record = {
        "id": pid,
        "name": name,
        "latest_sent": latest,
        "email_address": email,
        "message_time": when,
        "mail_message_party_id": pid,
        "linked_organization_id": person.get("org_id") if person else None,
    }
    if person is not None:
        party["linked_person_id"] = person["id"]
        party["linked_person_name"] = person["name"]
    return party


def add_correspondence(account: DemoAccount, rng: random.Random, clock: Clock) -> None:
    """Fill ``mail_threads``, ``mail_messages`` and ``notes``, and extend ``deal_flow``."""
    touched: set[int] = set()
    _mail(account, rng, clock, touched)
    _notes(account, rng, clock, touched)
    _activities(account, rng, clock, touched)
    for deal_id in touched:
        account.deal_flow[deal_id].sort(key=lambda item: item["timestamp"], reverse=True)


def _mail(account: DemoAccount, rng: random.Random, clock: Clock, touched: set[int]) -> None:
    me = next(u for u in account.users if u["id"] == account.me_id)
    persons, deals, leads = account.persons, account.deals, account.leads
    orgs = account.organizations
    message_id = party_id = 0
    for t in range(1, THREADS + 1):
        folder = rng.choice(_FOLDERS)
        deal: Record | None = None
        lead: Record | None = None
        x = rng.random()
        if x < 0.45 or t == 1:
            deal = deals[rng.randrange(len(deals))]
        elif x < 0.62 or t == 2:
            lead = leads[rng.randrange(len(leads))]
        person_id = (deal or lead or {}).get("person_id")
        person = persons[person_id - 1] if person_id else rng.choice(persons)
        org_id = person.get("org_id")
        org_name = orgs[org_id - 1]["name"] if org_id else "your team"
        subject = rng.choice(content.MAIL_SUBJECTS).format(
            org=org_name, num=rng.randrange(1000, 9999), year=2027
        )
        if t == 7:
            subject = content.HOSTILE_SUBJECT
        count = 1 if folder == "drafts" else rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        outgoing = folder in ("sent", "drafts")
        age = rng.randrange(3600, 300 * DAY)
        unread = folder == "inbox" and (t == 3 or rng.random() < 0.35)
        if unread and count % 2 == 0:
            count += 1  # an unread inbox thread ends with a message to me
        attachments = t == 4 or rng.random() < 0.25
        messages: list[Record] = []
        first_age = age
        for n in range(count):
            from_me = outgoing if n % 2 == 0 else not outgoing
            is_draft = folder == "drafts"
            sender = (
                (me["name"], me["email"], None)
                if from_me
                else (person["name"], person["emails"][0]["value"], person)
            )
            receiver = (
                (person["name"], person["emails"][0]["value"], person)
                if from_me
                else (me["name"], me["email"], None)
            )
            html = (n + t) % 4 != 3
            template = rng.choice(content.MAIL_HTML_BODIES if html else content.MAIL_TEXT_BODIES)
            mine, theirs = me["name"].split()[0], person["first_name"]
            body = template.format(
                to=theirs if from_me else mine,
                sender=mine if from_me else theirs,
                org=org_name,
                num=rng.randrange(1000, 9999),
            )
            millis = clock.epoch_ms(age)
            party_id += 2
            message_id += 1
            message: Record = {
                "id": message_id,
                "from": [_party(party_id - 1, *sender, when=millis, latest=True)],
                "to": [_party(party_id, *receiver, when=millis, latest=False)],
                "cc": [],
                "bcc": [],
                "body_url": f"https://northwind-demo.example.com/mail/{message_id}/body",
                "body": body,
                "account_id": f"demo-account-{account.me_id}",
                "user_id": account.me_id,
                "mail_thread_id": t,
                "subject": subject if n == 0 else f"Re: {subject}",
                "snippet": _snippet(body),
                "mail_tracking_status": ("opened" if n % 2 else "not opened") if from_me else None,
                "mail_link_tracking_enabled_flag": 1 if from_me else 0,
                "read_flag": 0 if unread and n == count - 1 else 1,
                "draft": json.dumps({"subject": subject}) if is_draft else "",
                "draft_flag": 1 if is_draft else 0,
                "synced_flag": 1,
                "deleted_flag": 0,
                "has_body_flag": 1,
                "sent_flag": 1 if from_me and not is_draft else 0,
                "sent_from_pipedrive_flag": 1 if from_me and not is_draft else 0,
                "smart_bcc_flag": 0,
                "message_time": clock.ms(age),
                "add_time": clock.ms(age - 20),
                "update_time": clock.ms(age - 20),
                "has_attachments_flag": 1 if attachments and n == 0 else 0,
                "has_inline_attachments_flag": 0,
                "has_real_attachments_flag": 1 if attachments and n == 0 else 0,
            }
            messages.append(message)
            if deal is not None and not is_draft:
                account.deal_flow[deal["id"]].append(
                    {"object": "mailMessage", "timestamp": clock.v1(age), "data": message}
                )
                touched.add(deal["id"])
            if n < count - 1:
                age = max(60, age - rng.randrange(1800, 6 * DAY))
        account.mail_messages.extend(messages)
        last = messages[-1]
        sent = [m for m in messages if m["sent_flag"]]
        received = [m for m in messages if not m["sent_flag"] and not m["draft_flag"]]
        thread: Record = {
            "id": t,
            "account_id": f"demo-account-{account.me_id}",
            "user_id": account.me_id,
            "subject": subject,
            "snippet": last["snippet"],
            "read_flag": 0 if unread else 1,
            "mail_tracking_status": last["mail_tracking_status"],
            "has_attachments_flag": 1 if attachments else 0,
            "has_inline_attachments_flag": 0,
            "has_real_attachments_flag": 1 if attachments else 0,
            "deleted_flag": 0,
            "synced_flag": 1,
            "smart_bcc_flag": 0,
            "mail_link_tracking_enabled_flag": last["mail_link_tracking_enabled_flag"],
            "parties": {"to": messages[0]["to"], "from": messages[0]["from"]},
            "drafts_parties": [],
            "folders": [folder],
            "version": len(messages),
            "snippet_draft": last["snippet"] if folder == "drafts" else None,
            "snippet_sent": sent[-1]["snippet"] if sent else "",
            "message_count": len(messages),
            "has_draft_flag": 1 if folder == "drafts" else 0,
            "has_sent_flag": 1 if sent else 0,
            "archived_flag": 1 if folder == "archive" else 0,
            "shared_flag": 1 if rng.random() < 0.3 else 0,
            "external_deleted_flag": 0,
            "first_message_to_me_flag": 0 if outgoing else 1,
            "last_message_timestamp": last["message_time"],
            "first_message_timestamp": clock.ms(first_age),
            "last_message_sent_timestamp": sent[-1]["message_time"] if sent else None,
            "add_time": clock.ms(first_age - 13),
            "update_time": clock.ms(age - 13),
            "deal_id": deal["id"] if deal else None,
            "deal_status": deal["status"] if deal else None,
            "lead_id": lead["id"] if lead else None,
            "all_messages_sent_flag": 1 if len(sent) == len(messages) else 0,
        }
        if received:
            thread["last_message_received_timestamp"] = received[-1]["message_time"]
        account.mail_threads.append(thread)


def _note(
    note_id: int,
    rng: random.Random,
    clock: Clock,
    account: DemoAccount,
    *,
    deal: Record | None = None,
    lead: Record | None = None,
    person_id: int | None = None,
    org_id: int | None = None,
) -> Record:
    """A note in the v1 shape; keys of absent links are left out (the spec has no nulls there)."""
    users = account.users
    user = users[rng.randrange(len(users) - 1)]
    source = deal or lead or {}
    person_id = person_id or source.get("person_id")
    org_id = org_id or source.get("org_id") or source.get("organization_id")
    name = (
        account.persons[person_id - 1]["name"]
        if person_id
        else account.organizations[org_id - 1]["name"]
        if org_id
        else "them"
    )
    age = rng.randrange(600, 500 * DAY)
    note: Record = {
        "id": note_id,
        "active_flag": True,
        "add_time": clock.v1(age),
        "content": rng.choice(content.NOTE_TEMPLATES).format(name=name),
        "last_update_user_id": user["id"],
        "pinned_to_deal_flag": deal is not None and rng.random() < 0.1,
        "pinned_to_lead_flag": lead is not None and rng.random() < 0.1,
        "pinned_to_organization_flag": False,
        "pinned_to_person_flag": False,
        "pinned_to_project_flag": False,
        "pinned_to_task_flag": False,
        "update_time": clock.v1(rng.randrange(0, age)),
        "user": {
            "email": user["email"],
            "is_you": user["id"] == account.me_id,
            "name": user["name"],
        },
        "user_id": user["id"],
    }
    if deal is not None:
        note["deal_id"], note["deal"] = deal["id"], {"title": deal["title"]}
    if lead is not None:
        note["lead_id"] = lead["id"]
    if person_id:
        note["person_id"] = person_id
        note["person"] = {"name": account.persons[person_id - 1]["name"]}
    if org_id:
        note["org_id"] = org_id
        note["organization"] = {"name": account.organizations[org_id - 1]["name"]}
    return note


def _notes(account: DemoAccount, rng: random.Random, clock: Clock, touched: set[int]) -> None:
    deals, leads = account.deals, account.leads
    notes = account.notes
    for _ in range(DEAL_NOTES):
        deal = deals[0] if not notes else deals[rng.randrange(len(deals))]
        note = _note(len(notes) + 1, rng, clock, account, deal=deal)
        notes.append(note)
        account.deal_flow[deal["id"]].append(
            {"object": "note", "timestamp": note["add_time"], "data": note}
        )
        touched.add(deal["id"])
    for _ in range(LEAD_NOTES):
        notes.append(_note(len(notes) + 1, rng, clock, account, lead=rng.choice(leads)))
    for n in range(CONTACT_NOTES):
        if n % 2:
            person_id = rng.randrange(1, len(account.persons) + 1)
            notes.append(_note(len(notes) + 1, rng, clock, account, person_id=person_id))
        else:
            org_id = rng.randrange(1, len(account.organizations) + 1)
            notes.append(_note(len(notes) + 1, rng, clock, account, org_id=org_id))


def _activities(account: DemoAccount, rng: random.Random, clock: Clock, touched: set[int]) -> None:
    types = [t for t in account.activity_types if t["active_flag"]]
    deals = account.deals
    for a in range(1, ACTIVITIES + 1):
        deal = deals[rng.randrange(len(deals))]
        kind = rng.choice(types)
        due_age = rng.randrange(-30 * DAY, 200 * DAY)
        done = due_age > 0 and rng.random() < 0.8
        add_age = max(due_age, 0) + rng.randrange(DAY, 20 * DAY)
        data: Record = {
            "id": a,
            "company_id": account.company["id"],
            "user_id": deal["owner_id"],
            "done": done,
            "type": kind["key_string"],
            "due_date": clock.date(due_age),
            "due_time": f"{rng.randrange(8, 18):02d}:{rng.choice((0, 30)):02d}",
            "duration": rng.choice(("00:15", "00:30", "01:00")),
            "busy_flag": kind["key_string"] == "meeting",
            "add_time": clock.v1(add_age),
            "marked_as_done_time": clock.v1(max(due_age, 0)) if done else "",
            "subject": f"{kind['name']} with {deal['title'][:40]}",
            "public_description": "",
            "note": "<p>Prepared the agenda.</p>" if rng.random() < 0.3 else "",
            "org_id": deal.get("org_id"),
            "person_id": deal.get("person_id"),
            "deal_id": deal["id"],
            "lead_id": None,
            "active_flag": True,
            "update_time": clock.v1(max(due_age, 0)),
            "deal_title": deal["title"],
        }
        account.deal_flow[deal["id"]].append(
            {"object": "activity", "timestamp": data["update_time"], "data": data}
        )
        touched.add(deal["id"])
