"""The fixed lookups of the demo account: clock, users, currencies, activity types, pipelines.

Also the lead labels and sources, and the helpers that draw custom-field keys and UUIDs from the
seeded RNG. Every builder returns plain dicts in the shape the Pipedrive API serves (see
:mod:`pipedrive_tui.demo.generator` for the conventions).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "DAY",
    "INACTIVE_USER_ID",
    "ME_ID",
    "Clock",
    "activity_types",
    "currencies",
    "hex_key",
    "lead_labels",
    "lead_sources",
    "pipelines_and_stages",
    "rng_uuid",
    "users",
]

#: Seconds in a day.
DAY = 86_400

Record = dict[str, Any]


class Clock:
    """Formats instants given as an age in seconds before the account's fixed ``now``.

    Day and time-of-day strings are precomputed once, so formatting a timestamp is one integer
    division and one f-string: cheap enough for a hundred thousand deals. A negative age is in
    the future. Ages beyond the precomputed window are clamped to it.
    """

    def __init__(self, now: datetime, days_back: int = 2_000, days_ahead: int = 1_500) -> None:
        """Precompute the day strings around ``now`` and the 86,400 times of day."""
        first = (now - timedelta(days=days_back)).date()
        self.days = [(first + timedelta(days=i)).isoformat() for i in range(days_back + days_ahead)]
        self.times = [
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]
        self.now_t = days_back * DAY + now.hour * 3600 + now.minute * 60 + now.second
        self.max_t = (days_back + days_ahead) * DAY - 1
        self.epoch_ms_at_zero = int(now.timestamp() * 1000) - self.now_t * 1000

    def _t(self, age: int) -> int:
        t = self.now_t - age
        return 0 if t < 0 else self.max_t if t > self.max_t else t

    def v2(self, age: int) -> str:
        """RFC 3339 in UTC, as v2 serves it: ``2026-01-01T00:00:00Z``."""
        t = self._t(age)
        return f"{self.days[t // DAY]}T{self.times[t % DAY]}Z"

    def v1(self, age: int) -> str:
        """Pipedrive's v1 format: ``2019-10-15 11:01:53``."""
        t = self._t(age)
        return f"{self.days[t // DAY]} {self.times[t % DAY]}"

    def ms(self, age: int, millis: int = 0) -> str:
        """ISO 8601 with milliseconds, as leads and mail serve it: ``2020-10-14T11:30:36.551Z``."""
        t = self._t(age)
        return f"{self.days[t // DAY]}T{self.times[t % DAY]}.{millis:03d}Z"

    def date(self, age: int) -> str:
        """The day only: ``2026-11-20``."""
        return self.days[self._t(age) // DAY]

    def epoch_ms(self, age: int) -> int:
        """Milliseconds since the Unix epoch (mail party ``message_time``)."""
        return self.epoch_ms_at_zero + self._t(age) * 1000


def hex_key(rng: random.Random) -> str:
    """A custom field key: 40 lowercase hex characters drawn from the RNG."""
    return f"{rng.getrandbits(160):040x}"


def rng_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the RNG (never ``uuid4``: the account must be reproducible)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- users, currencies, activity types --------------------------------------------------------

_USERS = (
    # id, name, email local part, currency, locale, timezone, offset, admin, active
    (101, "Ava Thornton", "ava", "EUR", "en_GB", "Europe/London", "+00:00", True, True),
    (102, "Ben Okoro", "ben", "USD", "en_US", "America/New_York", "-05:00", False, True),
    (103, "Chiara Rossi", "chiara", "EUR", "it_IT", "Europe/Rome", "+01:00", False, True),
    (104, "Daniel Sjöberg", "daniel", "SEK", "sv_SE", "Europe/Stockholm", "+01:00", False, True),
    (105, "Emi Watanabe", "emi", "JPY", "ja_JP", "Asia/Tokyo", "+09:00", False, True),
    (106, "Frank Miller", "frank", "USD", "en_US", "America/Chicago", "-06:00", False, False),
)
#: The current user (``/users/me``).
ME_ID = 101
#: The deactivated user: still owns a few records.
INACTIVE_USER_ID = 106


def users(clock: Clock, rng: random.Random, company: Record) -> list[Record]:
    """Six users in the v1 ``/users`` shape; the first is "me", the last is deactivated."""
    out = []
    for uid, name, local, cur, locale, tz, offset, admin, active in _USERS:
        access = [
            {"app": "sales", "admin": admin, "permission_set_id": rng_uuid(rng)},
            {"app": "global", "admin": admin, "permission_set_id": rng_uuid(rng)},
        ]
        out.append(
            {
                "id": uid,
                "name": name,
                "default_currency": cur,
                "locale": locale,
                "lang": 1,
                "email": f"{local}@northwind-demo.example.com",
                "phone": f"+44 20 7946 0{uid}" if uid % 2 else None,
                "activated": active,
                "last_login": clock.v1(rng.randrange(3600, 30 * DAY) if active else 400 * DAY),
                "created": clock.v1(rng.randrange(900, 1400) * DAY),
                "modified": clock.v1(rng.randrange(1, 200) * DAY),
                "has_created_company": uid == ME_ID,
                "access": access,
                "active_flag": active,
                "timezone_name": tz,
                "timezone_offset": offset,
                "role_id": 1,
                "icon_url": None,
                "is_you": uid == ME_ID,
                "is_deleted": False,
                "company_id": company["id"],
                "company_name": company["name"],
                "company_domain": company["domain"],
            }
        )
    return out


def currencies() -> list[Record]:
    """Currencies in the v1 shape: JPY has no decimals, one custom currency, one inactive."""
    rows = (
        ("EUR", "Euro", 2, "€", True, False),
        ("USD", "US Dollar", 2, "$", True, False),
        ("GBP", "Pound Sterling", 2, "£", True, False),
        ("JPY", "Japanese Yen", 0, "¥", True, False),
        ("SEK", "Swedish Krona", 2, "kr", True, False),
        ("CHF", "Swiss Franc", 2, "CHF", True, False),
        ("NOK", "Norwegian Krone", 2, "kr", False, False),
        ("PTS", "Partner points", 0, "pts", True, True),
    )
    return [
        {
            "id": i,
            "code": code,
            "name": name,
            "decimal_points": dec,
            "symbol": sym,
            "active_flag": active,
            "is_custom_flag": custom,
        }
        for i, (code, name, dec, sym, active, custom) in enumerate(rows, 1)
    ]


def activity_types(clock: Clock) -> list[Record]:
    """Activity types in the v1 shape, one custom and one inactive."""
    rows = (
        ("Call", "call", "call", "3D8DD6", True, False),
        ("Meeting", "meeting", "meeting", "F5A623", True, False),
        ("Task", "task", "task", "7ED321", True, False),
        ("Deadline", "deadline", "deadline", "D0021B", True, False),
        ("Email", "email", "email", "9013FE", True, False),
        ("Lunch", "lunch", "lunch", "8B572A", True, False),
        ("Product demo", "product_demo", "presentation", "50E3C2", True, True),
        ("Fax", "fax", "document", "9B9B9B", False, True),
    )
    return [
        {
            "id": i,
            "name": name,
            "icon_key": icon,
            "color": color,
            "order_nr": i,
            "key_string": key,
            "active_flag": active,
            "is_custom_flag": custom,
            "add_time": clock.v1((1500 - i) * DAY),
            "update_time": clock.v1((300 - i) * DAY),
        }
        for i, (name, key, icon, color, active, custom) in enumerate(rows, 1)
    ]


# --- pipelines and stages ---------------------------------------------------------------------

#: ``pipeline name -> [(stage name, probability, days_to_rotten or None)]``.
_PIPELINES: tuple[tuple[str, tuple[tuple[str, int, int | None], ...]], ...] = (
    (
        "Sales",
        (
            ("Qualified", 10, None),
            ("Contact made", 20, 14),
            ("Demo scheduled", 40, None),
            ("Proposal made", 60, 21),
            ("Negotiations started", 80, 10),
            ("Verbal yes", 90, None),
        ),
    ),
    (
        "Partnerships",
        (
            ("Prospecting", 10, None),
            ("First call", 25, None),
            ("Evaluation", 50, 30),
            ("Agreement draft", 75, None),
            ("Signed", 100, None),
        ),
    ),
    (
        "Renewals",
        (
            ("Upcoming", 50, None),
            ("In discussion", 60, None),
            ("Quote sent", 80, 7),
            ("Committed", 95, None),
        ),
    ),
)


def pipelines_and_stages(clock: Clock) -> tuple[list[Record], list[Record]]:
    """Three pipelines (v2 shape) with 6, 5 and 4 stages; rotting is on for some stages."""
    pipelines: list[Record] = []
    stages: list[Record] = []
    for p_index, (p_name, p_stages) in enumerate(_PIPELINES, 1):
        pipelines.append(
            {
                "id": p_index,
                "name": p_name,
                "order_nr": p_index,
                "is_deleted": False,
                "is_deal_probability_enabled": p_index != 2,
                "add_time": clock.v2((1400 - p_index) * DAY),
                "update_time": clock.v2((200 - p_index) * DAY),
            }
        )
        for s_index, (s_name, probability, rot_days) in enumerate(p_stages, 1):
            stages.append(
                {
                    "id": len(stages) + 1,
                    "order_nr": s_index,
                    "name": s_name,
                    "is_deleted": False,
                    "deal_probability": probability,
                    "pipeline_id": p_index,
                    "is_deal_rot_enabled": rot_days is not None,
                    "days_to_rotten": rot_days,
                    "add_time": clock.v2((1400 - p_index) * DAY + s_index * 60),
                    "update_time": clock.v2((150 - s_index) * DAY),
                }
            )
    return pipelines, stages


# --- leads ------------------------------------------------------------------------------------


def lead_labels(clock: Clock, rng: random.Random) -> list[Record]:
    """Eight lead labels (v1 shape) in eight of the ten colours the spec allows."""
    rows = (
        ("Hot", "red"),
        ("Warm", "yellow"),
        ("Cold", "blue"),
        ("Follow up", "green"),
        ("VIP", "purple"),
        ("Partner", "orange"),
        ("Stale", "dark-gray"),
        ("Event", "pink"),
    )
    return [
        {
            "id": rng_uuid(rng),
            "name": name,
            "color": color,
            "add_time": clock.ms((1300 - i) * DAY, 0),
            "update_time": clock.ms((100 - i) * DAY, 0),
        }
        for i, (name, color) in enumerate(rows)
    ]


def lead_sources() -> list[Record]:
    """The ten lead sources the spec lists, in its order."""
    names = (
        "Manually created",
        "Deal",
        "Web forms",
        "Prospector",
        "Leadbooster",
        "Live chat",
        "Import",
        "Website visitors",
        "Workflow automation",
        "API",
    )
    return [{"name": name} for name in names]
