"""The hot loop of the demo generator: deals (v2 shape), their flows and their participants.

A hundred thousand deals must build in a few seconds, so the loop draws from precomputed pools
(amounts, currencies, stages, custom-field values) with ``random()`` and formats times with the
precomputed :class:`~pipedrive_tui.demo.catalog.Clock`. Nested values shared between deals are
read-only (see :mod:`pipedrive_tui.demo.generator`).
"""

from __future__ import annotations

import math
import random
from typing import Any

from pipedrive_tui.demo import content
from pipedrive_tui.demo.catalog import DAY, Clock
from pipedrive_tui.demo.field_schemas import DELETED_PRIORITY_OPTION

__all__ = ["CustomPool", "build_deals"]

Record = dict[str, Any]
#: ``(key, field id, field_type, 64 v2 values)`` of one custom deal field.
CustomPool = tuple[str, int, str, list[Any]]

_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
#: Values left under the key of a custom field that was deleted.
_ORPHAN_VALUES = ("HS-000123", "legacy import", "HS-004521", "migrated 2023")
_USERS = {
    101: ("Ava Thornton", "ava"),
    102: ("Ben Okoro", "ben"),
    103: ("Chiara Rossi", "chiara"),
    104: ("Daniel Sjöberg", "daniel"),
    105: ("Emi Watanabe", "emi"),
    106: ("Frank Miller", "frank"),
}


def _v1_time(v2_time: str) -> str:
    """``2026-01-01T10:00:00Z`` → ``2026-01-01 10:00:00``."""
    return f"{v2_time[:10]} {v2_time[11:19]}"


class _Participants:
    """Builds the v1 participant objects of each person once, to share them between deals."""

    def __init__(self, persons: list[Record], orgs: list[Record]) -> None:
        self.persons, self.orgs = persons, orgs
        self.people_count: dict[int, int] = {}
        for person in persons:
            if "org_id" in person:
                self.people_count[person["org_id"]] = self.people_count.get(person["org_id"], 0) + 1
        self.cache: dict[int, tuple[Record, Record]] = {}

    def objects(self, index: int) -> tuple[Record, Record]:
        """The ``person_id`` value object and the full ``person`` object of a participant."""
        found = self.cache.get(index)
        if found is not None:
            return found
        p = self.persons[index]
        email = [
            {"label": e["label"], "value": e["value"], "primary": e["primary"]} for e in p["emails"]
        ]
        phone = [
            {"label": e["label"], "value": e["value"], "primary": e["primary"]} for e in p["phones"]
        ]
        owner_name, owner_local = _USERS[p["owner_id"]]
        ref = {
            "active_flag": True,
            "name": p["name"],
            "email": email,
            "phone": phone,
            "owner_id": p["owner_id"],
            "company_id": 5501,
            "value": p["id"],
        }
        org = self.orgs[p["org_id"] - 1] if "org_id" in p else None
        full: Record = {
            "id": p["id"],
            "company_id": 5501,
            "active_flag": True,
            "phone": phone,
            "email": email,
            "first_char": p["first_name"][:1].lower(),
            "add_time": _v1_time(p["add_time"]),
            "update_time": _v1_time(p["update_time"]),
            "visible_to": str(p["visible_to"]),
            "picture_id": None,
            "label": p["label_ids"][0] if p["label_ids"] else None,
            "label_ids": list(p["label_ids"]),
            "org_name": org["name"] if org else None,
            "owner_name": owner_name,
            "cc_email": None,
            "owner_id": {
                "id": p["owner_id"],
                "name": owner_name,
                "email": f"{owner_local}@northwind-demo.example.com",
                "has_pic": 0,
                "pic_hash": None,
                "active_flag": p["owner_id"] != 106,
                "value": p["owner_id"],
            },
            "org_id": None
            if org is None
            else {
                "name": org["name"],
                "people_count": self.people_count.get(org["id"], 0),
                "owner_id": org["owner_id"],
                "address": org["address"]["value"] if "address" in org else None,
                "cc_email": None,
                "label_ids": list(org["label_ids"]),
                "value": org["id"],
                "active_flag": True,
            },
            "name": p["name"],
            "first_name": p["first_name"],
            "last_name": p["last_name"],
        }
        self.cache[index] = (ref, full)
        return ref, full


def build_deals(
    rng: random.Random,
    clock: Clock,
    size: int,
    stages: list[Record],
    orgs: list[Record],
    persons: list[Record],
    pools: list[CustomPool],
    orphan_key: str,
) -> tuple[list[Record], dict[int, list[Record]], dict[int, list[Record]]]:
    """``size`` deals (v2 shape), their flows (stage, status and value changes) and participants.

    Fixed records make the coverage independent of the seed: deal 1 has every custom field set,
    deal 2 has none and no person, deal 3 holds the deleted "Priority" option and a value under
    ``orphan_key`` (a deleted field) and has no organization, deal 4 is won and archived, deal 5
    is open and rotting. Deals 13 and 42 (or the last ones of a small account) carry hostile
    titles. The rest is drawn: about 62 % open, 20 % won, 18 % lost, 2 % archived, 8 % without a
    person, 13 % without an organization, 15 % without custom fields, 10 % with all of them.
    """
    r = rng.random
    v2, v1, day = clock.v2, clock.v1, clock.date
    # Stages, weighted so that the Sales pipeline holds about half of the deals.
    by_pipeline: dict[int, list[Record]] = {}
    for s in stages:
        by_pipeline.setdefault(s["pipeline_id"], []).append(s)
    stage_pool: list[tuple[int, list[Record], int]] = []
    for pid, p_stages in by_pipeline.items():
        for k in range(len(p_stages)):
            stage_pool.extend([(pid, p_stages, k)] * (4 if pid == 1 else 2))
    n_stage_pool = len(stage_pool)
    rot_entry = next(e for e in stage_pool if e[1][e[2]]["is_deal_rot_enabled"])
    amounts: list[float] = [
        int(round(x, -1)) if r() < 0.8 else round(x, 2)
        for x in (math.exp(5.5 + r() * 7.0) for _ in range(512))
    ]
    currency_pool = (
        ["USD"] * 45 + ["EUR"] * 25 + ["GBP"] * 12 + ["SEK"] * 8 + ["JPY"] * 6 + ["CHF"] * 4
    )
    owners = [101] * 4 + [102, 103, 104, 105] * 3 + [106]
    origins = ["ManuallyCreated"] * 14 + [
        "API",
        "API",
        "Import",
        "Import",
        "WebForms",
        "LeadConversion",
    ]
    suffixes, n_suffixes = content.DEAL_SUFFIXES, len(content.DEAL_SUFFIXES)
    lost_reasons = content.LOST_REASONS
    person_names = [p["name"] for p in persons]
    person_orgs = [p.get("org_id") for p in persons]
    org_names = [o["name"] for o in orgs]
    n_persons, n_orgs = len(persons), len(orgs)
    participants_of = _Participants(persons, orgs)
    priority_key = next(key for key, fid, _t, _p in pools if fid == 60)
    esc_id = min(42, size)
    # Open, but not in the first pipeline (demo of 200 or 1,000 deals): not what a new user sees
    # first, yet on a board, in the lists and in a detail for the markup tests.
    markup_id = min(7, esc_id - 1) if esc_id > 1 else 1
    if esc_id == markup_id:
        esc_id = 0

    deals: list[Record] = []
    flows: dict[int, list[Record]] = {}
    participants: dict[int, list[Record]] = {}
    change_id = participant_id = 0
    for i in range(1, size + 1):
        # --- who ---
        p_index = int(r() * n_persons)
        has_person = i != 2 and r() >= 0.08
        org_id = person_orgs[p_index] if has_person else int(r() * n_orgs) + 1
        if i == 3 or (has_person and r() < 0.05):
            org_id = None
        name = org_names[org_id - 1] if org_id else person_names[p_index]
        title = f"{name} {suffixes[int(r() * n_suffixes)]}"
        if i == markup_id:
            title = content.HOSTILE_MARKUP_TITLE
        elif i == esc_id:
            title = content.HOSTILE_ESCAPE_TITLE
        owner = owners[int(r() * 17)]
        creator = owner if r() < 0.8 else 101
        # --- where and how far ---
        x = r()
        status = "open" if x < 0.62 else "won" if x < 0.82 else "lost"
        pipeline_id, p_stages, k = stage_pool[int(r() * n_stage_pool)]
        if i == 4:
            status = "won"
        elif i == 5:
            status, (pipeline_id, p_stages, k) = "open", rot_entry
        if status == "won":
            k = len(p_stages) - 1
        stage = p_stages[k]
        rot_days = stage["days_to_rotten"] if stage["is_deal_rot_enabled"] else 0
        # --- when (ages in seconds before now) ---
        add_age = int(r() * 1100 * DAY) + 7200
        if status == "open":
            close_age = -1
            if rot_days and (i == 5 or r() < 0.35):  # rotting: untouched for longer than allowed
                upd_age = (rot_days + 1) * DAY + int(r() * 45 * DAY)
                if add_age <= upd_age:
                    add_age = upd_age + int(r() * 60 * DAY) + 3600
            elif rot_days:
                upd_age = int(r() * rot_days * DAY * 0.8)
            else:
                upd_age = int(r() * min(add_age, 90 * DAY))
            sc_age = upd_age + int(r() * (add_age - upd_age))
        else:
            close_age = int(r() * (add_age - 3600)) + 60
            upd_age = int(r() * close_age)
            sc_age = close_age + int(r() * (add_age - close_age))
        # --- value ---
        currency = currency_pool[int(r() * 100)]
        value: float = amounts[int(r() * 512)]
        if currency == "JPY":
            value = int(value * 150) // 100 * 100
        archived = i == 4 or (i > 5 and r() < (0.01 if status == "open" else 0.045))
        deal: Record = {
            "id": i,
            "title": title,
            "creator_user_id": creator,
            "owner_id": owner,
            "value": value,
            "currency": currency,
            "pipeline_id": pipeline_id,
            "stage_id": stage["id"],
            "add_time": v2(add_age),
            "update_time": v2(upd_age),
            "stage_change_time": v2(sc_age),
            "is_deleted": False,
            "is_archived": archived,
            "status": status,
            "probability": None if r() < 0.88 else min(100, stage["deal_probability"] + 5),
            "lost_reason": (lost_reasons[int(r() * len(lost_reasons))] if r() < 0.9 else None)
            if status == "lost"
            else None,
            "visible_to": 3 if (y := r()) < 0.8 else 1 if y < 0.95 else 7,
            "close_time": v2(close_age) if close_age >= 0 else None,
            "label_ids": [] if (y := r()) < 0.5 else [1 + int(r() * 5)] if y < 0.9 else [1, 4],
            "origin": origins[int(r() * 20)],
            "origin_id": None,
            "channel": None,
            "channel_id": None,
        }
        if has_person:
            deal["person_id"] = p_index + 1
        if org_id:
            deal["org_id"] = org_id
        if status == "won":
            deal["won_time"] = deal["close_time"]
        elif status == "lost":
            deal["lost_time"] = deal["close_time"]
        if r() < (0.85 if status == "open" else 0.6):
            deal["expected_close_date"] = day(
                int((40 - r() * 240) * DAY)
                if status == "open"
                else close_age - int((r() - 0.5) * 60 * DAY)
            )
        if archived:
            deal["archive_time"] = v2(int(r() * (close_age if close_age > 0 else upd_age)))
        # --- custom fields ---
        z = 0.0 if i == 2 else 1.0 if i == 1 else r()
        if i == 3:
            cf: Record = {priority_key: DELETED_PRIORITY_OPTION[0], orphan_key: _ORPHAN_VALUES[0]}
        elif z < 0.15:
            cf = {}
        elif z < 0.25 or i == 1:
            cf = {key: pool[int(r() * 64)] for key, _f, _t, pool in pools}
        else:
            cf = {key: pool[int(r() * 64)] for key, _f, _t, pool in pools if r() < 0.4}
            if r() < 0.04:
                cf[orphan_key] = _ORPHAN_VALUES[int(r() * 4)]
        deal["custom_fields"] = cf
        deals.append(deal)
        # --- flow: newest first ---
        flow: list[Record] = []
        if close_age >= 0:
            change_id += 1
            flow.append(_change(change_id, i, owner, "status", "open", status, v1(close_age), {}))
        log_age = sc_age
        for j in range(k, max(0, k - 2), -1):
            change_id += 1
            old, new = p_stages[j - 1], p_stages[j]
            flow.append(
                _change(
                    change_id,
                    i,
                    owner,
                    "stage_id",
                    old["id"],
                    new["id"],
                    v1(log_age),
                    {"old_value_formatted": old["name"], "new_value_formatted": new["name"]},
                )
            )
            log_age += int(r() * (add_age - log_age))
        if r() < 0.15:
            change_id += 1
            old_value = round(value * 0.8, 2) if currency != "JPY" else int(value * 0.8)
            flow.append(
                _change(
                    change_id,
                    i,
                    owner,
                    "value",
                    old_value,
                    value,
                    v1(log_age + int(r() * (add_age - log_age))),
                    {},
                )
            )
        flows[i] = flow
        # --- participants ---
        people: list[Record] = []
        if has_person:
            for index in (p_index, int(r() * n_persons)) if r() < 0.1 else (p_index,):
                ref, full = participants_of.objects(index)
                participant_id += 1
                people.append(
                    {
                        "id": participant_id,
                        "person_id": ref,
                        "add_time": v1(add_age),
                        "active_flag": True,
                        "related_item_data": {"deal_id": i, "title": title},
                        "person": full,
                        "related_item_type": "deal",
                        "related_item_id": i,
                    }
                )
        participants[i] = people
    return deals, flows, participants


def _change(
    change_id: int,
    deal_id: int,
    user_id: int,
    key: str,
    old: Any,
    new: Any,
    when: str,
    extra: Record,
) -> Record:
    """A ``dealChange`` flow item (v1 ``/deals/{id}/flow`` shape)."""
    return {
        "object": "dealChange",
        "timestamp": when,
        "data": {
            "id": change_id,
            "item_id": deal_id,
            "user_id": user_id,
            "field_key": key,
            "old_value": old,
            "new_value": new,
            "is_bulk_update_flag": None,
            "log_time": when,
            "change_source": "app",
            "change_source_user_agent": _UA,
            "additional_data": extra,
        },
    }
