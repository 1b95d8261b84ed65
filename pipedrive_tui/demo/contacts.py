"""Persons and organizations of the demo account (v2 shape), and the custom-field value pools.

Persons and organizations are few (their number grows with the square root of the number of
deals), so they are built with plain RNG calls. The value pools hold 64 v2 values per custom deal
field; deals and leads pick from them by index, which keeps per-deal work to a few RNG calls.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from pipedrive_tui.demo import content
from pipedrive_tui.demo.catalog import DAY, Clock
from pipedrive_tui.demo.deal_builder import CustomPool
from pipedrive_tui.demo.field_schemas import DELETED_PRIORITY_OPTION, INDUSTRIES, PRIORITY_OPTIONS

__all__ = ["custom_pools", "organizations", "persons"]

Record = dict[str, Any]


# --- contacts ---------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """An ASCII, lowercase, dot-free version of a name for email addresses and domains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _custom_values(rng: random.Random, fields: list[Record], pools: dict[int, list[Any]]) -> Record:
    """A sparse ``custom_fields`` dict: each custom field set with probability one half."""
    return {
        f["field_code"]: rng.choice(pools[f["id"]])
        for f in fields
        if f["is_custom_field"] and rng.random() < 0.5
    }


def _address(rng: random.Random) -> Record:
    locality, country, postal, admin, route = rng.choice(content.CITIES)
    number = str(rng.randrange(1, 240))
    value = f"{route} {number}, {postal} {locality}, {country}"
    return {
        "value": value,
        "country": country,
        "admin_area_level_1": admin,
        "locality": locality,
        "route": route,
        "street_number": number,
        "postal_code": postal,
    }


def organizations(
    rng: random.Random, clock: Clock, count: int, fields: list[Record]
) -> tuple[list[Record], list[str]]:
    """Organizations in the v2 shape, and the mail domain of each (same order)."""
    segment_ids = [
        o["id"]
        for f in fields
        if f["field_type"] == "enum" and f["is_custom_field"]
        for o in f["options"]
    ]
    pools: dict[int, list[Any]] = {
        420: segment_ids,
        421: [clock.date(rng.randrange(60, 1800) * DAY) for _ in range(40)],
        422: [
            {"value": rng.randrange(5, 200) * 1000, "currency": rng.choice(("EUR", "USD", "GBP"))}
            for _ in range(30)
        ],
        423: [f"EU{rng.randrange(10**8, 10**9)}" for _ in range(40)],
    }
    used: set[str] = set()
    orgs, domains = [], []
    for i in range(1, count + 1):
        name = f"{rng.choice(content.COMPANY_HEADS)} {rng.choice(content.COMPANY_TAILS)}"
        if name in used:
            name = f"{name} {rng.choice(content.CITIES)[0]}"
        if name in used:
            name = f"{name} {i}"
        used.add(name)
        domain = f"{_slug(name)}.example.com"
        add_age = rng.randrange(200, 1800) * DAY + rng.randrange(DAY)
        org: Record = {
            "id": i,
            "name": name,
            "owner_id": rng.choice((101, 101, 102, 103, 104, 105, 106)),
            "add_time": clock.v2(add_age),
            "update_time": clock.v2(rng.randrange(0, add_age)),
            "is_deleted": False,
            "visible_to": 3 if rng.random() < 0.85 else 7,
            "label_ids": [] if rng.random() < 0.7 else [rng.choice((21, 22))],
            "website": f"https://www.{domain}" if rng.random() < 0.8 else None,
            "linkedin": f"https://www.linkedin.com/company/{_slug(name)}"
            if rng.random() < 0.3
            else None,
            "industry": rng.choice(INDUSTRIES)[0] if rng.random() < 0.75 else None,
            "annual_revenue": rng.randrange(1, 500) * 100_000 if rng.random() < 0.4 else None,
            "employee_count": rng.randrange(2, 5000) if rng.random() < 0.6 else None,
            "custom_fields": _custom_values(rng, fields, pools),
        }
        if rng.random() < 0.9:
            org["address"] = _address(rng)
        orgs.append(org)
        domains.append(domain)
    return orgs, domains


def persons(
    rng: random.Random,
    clock: Clock,
    count: int,
    orgs: list[Record],
    domains: list[str],
    fields: list[Record],
) -> list[Record]:
    """Persons in the v2 shape; one (id 17, or the last) has an emoji and RTL text in its name."""
    language_ids = [
        o["id"]
        for f in fields
        if f["field_type"] == "enum" and f["is_custom_field"]
        for o in f["options"]
    ]
    pools: dict[int, list[Any]] = {
        320: [f"https://www.linkedin.com/in/demo-{rng.randrange(10**5, 10**6)}" for _ in range(40)],
        321: language_ids,
        322: [clock.date(rng.randrange(20 * 365, 60 * 365) * DAY) for _ in range(40)],
        323: [True, False],
    }
    hostile_id = min(17, count)
    persons = []
    for i in range(1, count + 1):
        first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
        if i == hostile_id:
            first, last = content.HOSTILE_PERSON_FIRST, content.HOSTILE_PERSON_LAST
        org_index = rng.randrange(len(orgs)) if rng.random() < 0.85 else None
        domain = domains[org_index] if org_index is not None else "mail.example.net"
        emails = [
            {
                "value": f"{_slug(first)}.{_slug(last) or 'x'}{i}@{domain}",
                "primary": True,
                "label": "work",
            }
        ]
        if rng.random() < 0.2:
            emails.append(
                {"value": f"{_slug(first)}{i}@home.example.org", "primary": False, "label": "home"}
            )
        phones = []
        for n in range(rng.choice((0, 1, 1, 1, 2))):
            phones.append(
                {
                    "value": f"+{rng.choice((1, 33, 44, 46, 49, 81))} {rng.randrange(100, 999)}"
                    f" {rng.randrange(1000, 9999)} {rng.randrange(100, 999)}",
                    "primary": n == 0,
                    "label": ("work", "mobile")[n],
                }
            )
        add_age = rng.randrange(30, 1800) * DAY + rng.randrange(DAY)
        person: Record = {
            "id": i,
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "owner_id": rng.choice((101, 101, 102, 103, 104, 105, 106)),
            "add_time": clock.v2(add_age),
            "update_time": clock.v2(rng.randrange(0, add_age)),
            "emails": emails,
            "phones": phones,
            "is_deleted": False,
            "visible_to": 3 if rng.random() < 0.9 else 1,
            "label_ids": [] if rng.random() < 0.6 else [rng.choice((11, 12, 13))],
            "custom_fields": _custom_values(rng, fields, pools),
        }
        if org_index is not None:
            person["org_id"] = orgs[org_index]["id"]
        if rng.random() < 0.7:
            person["job_title"] = rng.choice(content.JOB_TITLES)
        if rng.random() < 0.2:
            person["postal_address"] = _address(rng)
        persons.append(person)
    return persons


# --- custom field value pools -----------------------------------------------------------------


def custom_pools(
    rng: random.Random, clock: Clock, deal_fields: list[Record], n_orgs: int, n_persons: int
) -> list[CustomPool]:
    """For each custom deal field: ``(key, id, field_type, pool of v2 values)``.

    Deals pick values from these pools by index, which keeps per-deal work to a few RNG calls.
    The "Priority" pool holds the deleted option id one time in eight.
    """
    r = rng.random
    currencies = ("EUR", "USD", "GBP", "SEK", "JPY", "CHF")
    timezones = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo")

    def date(lo: int, hi: int) -> str:
        return clock.date(rng.randrange(lo, hi) * DAY)

    def addr() -> Record:
        a = _address(rng)
        a["formatted_address"] = a["value"]
        return a

    makers: dict[str, Any] = {
        "varchar": lambda: f"NW-{rng.randrange(2023, 2027)}-{rng.randrange(1000, 9999)}",
        "varchar_auto": lambda: rng.choice(content.PARTNER_NAMES),
        "text": lambda: rng.choice(content.REQUIREMENT_TEXTS),
        "double": lambda: round(r() * 35, 1),
        "monetary": lambda: {
            "value": rng.randrange(1, 100) * 50,
            "currency": rng.choice(currencies),
        },
        "date": lambda: date(-700, 400),
        "daterange": lambda: (
            lambda d: {
                "value": clock.date(d * DAY),
                "until": clock.date((d - rng.randrange(30, 730)) * DAY),
            }
        )(rng.randrange(-300, 400)),
        "time": lambda: f"{rng.randrange(8, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}:00",
        "timerange": lambda: (
            lambda h: {
                "value": f"{h:02d}:00:00",
                "until": f"{h + rng.randrange(4, 10):02d}:00:00",
                "timezone_name": rng.choice(timezones),
            }
        )(rng.randrange(6, 12)),
        "enum": lambda: (
            DELETED_PRIORITY_OPTION[0] if r() < 0.125 else rng.choice(PRIORITY_OPTIONS)[0]
        ),
        "set": lambda: sorted(rng.sample(range(111, 116), rng.randrange(1, 4))),
        "user": lambda: rng.choice((101, 102, 103, 104, 105, 106)),
        "org": lambda: rng.randrange(1, n_orgs + 1),
        "people": lambda: rng.randrange(1, n_persons + 1),
        "phone": lambda: f"+44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
        "address": addr,
        "visible_to": lambda: rng.choice((1, 3, 3, 7)),
        "int": lambda: rng.randrange(1, 500),
        "boolean": lambda: r() < 0.5,
    }
    out = []
    for f in deal_fields:
        if f["is_custom_field"]:
            maker = makers[f["field_type"]]
            out.append((f["field_code"], f["id"], f["field_type"], [maker() for _ in range(64)]))
    return out
