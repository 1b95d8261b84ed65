"""The fixed part of the demo account: clock, users, currencies, pipelines, field schemas, filters.

Field ids are constants (they do not depend on the seed), so the saved filters can name them; the
40-hex keys of custom fields come from the seeded RNG. Every builder returns plain dicts in the
shape the Pipedrive API serves (see :mod:`pipedrive_tui.demo.generator` for the conventions).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "CUSTOM_DEAL_FIELDS",
    "DAY",
    "DELETED_PRIORITY_OPTION",
    "PRIORITY_OPTIONS",
    "Clock",
    "activity_types",
    "currencies",
    "deal_fields",
    "hex_key",
    "lead_fields",
    "lead_labels",
    "lead_sources",
    "organization_fields",
    "person_fields",
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
        self.times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
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


# --- field schemas ----------------------------------------------------------------------------

#: The options of the custom "Priority" enum field: ``(id, label, colour)``.
PRIORITY_OPTIONS = ((101, "Low", "green"), (102, "Medium", "yellow"), (103, "High", "orange"),
                    (104, "Critical", "red"))  # fmt: skip
#: An option of "Priority" that was deleted: some deals still hold its id.
DELETED_PRIORITY_OPTION = (105, "Legacy: Platinum")
_PRODUCT_OPTIONS = ((111, "CRM"), (112, "Analytics"), (113, "Mobile app"), (114, "API access"),
                    (115, "Training"))  # fmt: skip
_DEAL_LABELS = ((1, "Hot", "red"), (2, "Warm", "yellow"), (3, "Cold", "blue"),
                (4, "Strategic", "purple"), (5, "At risk", "dark-gray"))  # fmt: skip
_VISIBILITY = [{"id": "1", "label": "Owner & followers"}, {"id": "3", "label": "Entire company"}]

#: The built-in deal fields: ``(id, field_code, name, field_type)``.
_DEAL_BUILTINS: tuple[tuple[int, str, str, str], ...] = (
    (1, "id", "ID", "int"),
    (2, "title", "Title", "varchar"),
    (3, "creator_user_id", "Creator", "user"),
    (4, "owner_id", "Owner", "user"),
    (5, "value", "Value", "monetary"),
    (6, "person_id", "Contact person", "people"),
    (7, "org_id", "Organization", "org"),
    (8, "pipeline_id", "Pipeline", "int"),
    (9, "stage_id", "Stage", "stage"),
    (10, "status", "Status", "status"),
    (11, "probability", "Probability", "double"),
    (12, "lost_reason", "Lost reason", "varchar"),
    (13, "expected_close_date", "Expected close date", "date"),
    (14, "add_time", "Deal created", "date"),
    (15, "update_time", "Update time", "date"),
    (16, "stage_change_time", "Last stage change", "date"),
    (17, "close_time", "Deal closed on", "date"),
    (18, "won_time", "Won time", "date"),
    (19, "lost_time", "Lost time", "date"),
    (20, "label_ids", "Label", "set"),
    (21, "visible_to", "Visible to", "visible_to"),
    (22, "origin", "Source origin", "varchar"),
    (23, "activities_count", "Total activities", "int"),
    (24, "email_messages_count", "Email messages count", "int"),
)

#: The custom deal fields, one per field type: ``(id, name, field_type)``. Ids are fixed.
CUSTOM_DEAL_FIELDS: tuple[tuple[int, str, str], ...] = (
    (51, "Contract number", "varchar"),
    (52, "Referral partner", "varchar_auto"),
    (53, "Requirements", "text"),
    (54, "Discount %", "double"),
    (55, "Setup fee", "monetary"),
    (56, "Renewal date", "date"),
    (57, "Contract period", "daterange"),
    (58, "Preferred call time", "time"),
    (59, "Support hours", "timerange"),
    (60, "Priority", "enum"),
    (61, "Products of interest", "set"),
    (62, "Account manager", "user"),
    (63, "Partner organization", "org"),
    (64, "Technical contact", "people"),
    (65, "Hotline", "phone"),
    (66, "Delivery address", "address"),
    (67, "Terms visible to", "visible_to"),
    (68, "Seats", "int"),
    (69, "NDA signed", "boolean"),
)

_ADDRESS_PARTS = (
    ("value", "Full address"), ("street_number", "House number"), ("route", "Street"),
    ("subpremise", "Apartment/suite no"), ("locality", "City"),
    ("admin_area_level_1", "State/county"), ("admin_area_level_2", "Region"),
    ("country", "Country"), ("postal_code", "ZIP/Postal code"),
    ("formatted_address", "Full/combined address"),
)  # fmt: skip


def _subfields(field_type: str, name: str) -> list[Record] | None:
    if field_type == "monetary":
        return [
            {"field_code": "value", "field_name": f"Amount of {name}", "field_type": "double"},
            {"field_code": "currency", "field_name": f"Currency of {name}", "field_type": "varchar"},
        ]
    if field_type == "address":
        return [
            {"field_code": code, "field_name": f"{label} of {name}", "field_type": "varchar"}
            for code, label in _ADDRESS_PARTS
        ]
    return None


def _v2_field(
    fid: int, code: str, name: str, ftype: str, *, custom: bool,
    options: list[Record] | None = None, optional: bool = False,
) -> Record:  # fmt: skip
    return {
        "id": fid,
        "field_name": name,
        "field_code": code,
        "description": f"{name} of the record" if not custom else f"Custom field: {name}",
        "field_type": ftype,
        "options": options,
        "subfields": _subfields(ftype, name),
        "is_custom_field": custom,
        "is_optional_response_field": optional,
    }


def _custom_options(ftype: str, fid: int) -> list[Record] | None:
    if fid == 60:
        return [{"id": i, "label": label, "color": color} for i, label, color in PRIORITY_OPTIONS]
    if fid == 61:
        return [{"id": i, "label": label, "color": None} for i, label in _PRODUCT_OPTIONS]
    if ftype == "visible_to":
        return [dict(option) for option in _VISIBILITY]
    return None


def deal_fields(rng: random.Random) -> list[Record]:
    """The v2 ``/dealFields`` items: 24 built-in fields and 19 custom ones (every field type)."""
    out = []
    for fid, code, name, ftype in _DEAL_BUILTINS:
        options: list[Record] | None = None
        if code == "status":
            options = [
                {"id": s, "label": s.capitalize(), "color": None}
                for s in ("open", "won", "lost", "deleted")
            ]
        elif code == "label_ids":
            options = [{"id": i, "label": lab, "color": col} for i, lab, col in _DEAL_LABELS]
        elif code == "visible_to":
            options = [dict(option) for option in _VISIBILITY]
        optional = code in ("activities_count", "email_messages_count")
        out.append(_v2_field(fid, code, name, ftype, custom=False, options=options, optional=optional))
    for fid, name, ftype in CUSTOM_DEAL_FIELDS:
        out.append(
            _v2_field(fid, hex_key(rng), name, ftype, custom=True, options=_custom_options(ftype, fid))
        )
    return out


def person_fields(rng: random.Random) -> list[Record]:
    """The v2 ``/personFields`` items: built-in fields and four custom ones."""
    builtins = (
        (301, "name", "Name", "varchar"), (302, "first_name", "First name", "varchar"),
        (303, "last_name", "Last name", "varchar"), (304, "owner_id", "Owner", "user"),
        (305, "org_id", "Organization", "org"), (306, "emails", "Email", "varchar"),
        (307, "phones", "Phone", "phone"), (308, "job_title", "Job title", "varchar"),
        (309, "label_ids", "Labels", "set"), (310, "visible_to", "Visible to", "visible_to"),
        (311, "postal_address", "Postal address", "address"),
        (312, "add_time", "Person created", "date"), (313, "update_time", "Update time", "date"),
    )  # fmt: skip
    labels = [{"id": 11, "label": "Customer", "color": "green"},
              {"id": 12, "label": "Prospect", "color": "blue"},
              {"id": 13, "label": "Partner", "color": "purple"}]  # fmt: skip
    out = []
    for fid, code, name, ftype in builtins:
        options = labels if code == "label_ids" else _VISIBILITY if ftype == "visible_to" else None
        out.append(_v2_field(fid, code, name, ftype, custom=False, options=options))
    languages = ("English", "German", "French", "Swedish", "Japanese")
    custom = (
        (320, "LinkedIn profile", "varchar", None),
        (321, "Preferred language", "enum",
         [{"id": 201 + i, "label": lab, "color": None} for i, lab in enumerate(languages)]),
        (322, "Birthday", "date", None),
        (323, "Newsletter opt-in", "boolean", None),
    )  # fmt: skip
    for fid, name, ftype, options in custom:
        out.append(_v2_field(fid, hex_key(rng), name, ftype, custom=True, options=options))
    return out


#: The options of the built-in organization "industry" field.
INDUSTRIES = ((1, "Software"), (2, "Manufacturing"), (3, "Retail"), (4, "Healthcare"),
              (5, "Finance"), (6, "Logistics"))  # fmt: skip


def organization_fields(rng: random.Random) -> list[Record]:
    """The v2 ``/organizationFields`` items: built-in fields and four custom ones."""
    builtins = (
        (401, "name", "Name", "varchar"), (402, "owner_id", "Owner", "user"),
        (403, "address", "Address", "address"), (404, "website", "Website", "varchar"),
        (405, "industry", "Industry", "enum"), (406, "label_ids", "Labels", "set"),
        (407, "visible_to", "Visible to", "visible_to"),
        (408, "employee_count", "Number of employees", "int"),
        (409, "annual_revenue", "Annual revenue", "int"),
        (410, "add_time", "Organization created", "date"),
        (411, "update_time", "Update time", "date"),
    )  # fmt: skip
    out = []
    for fid, code, name, ftype in builtins:
        options: list[Record] | None = None
        if code == "industry":
            options = [{"id": i, "label": lab, "color": None} for i, lab in INDUSTRIES]
        elif code == "label_ids":
            options = [{"id": 21, "label": "Key account", "color": "red"},
                       {"id": 22, "label": "Supplier", "color": "gray"}]  # fmt: skip
        elif ftype == "visible_to":
            options = [dict(option) for option in _VISIBILITY]
        out.append(_v2_field(fid, code, name, ftype, custom=False, options=options))
    segments = [{"id": 301, "label": "SMB", "color": None},
                {"id": 302, "label": "Mid-market", "color": None},
                {"id": 303, "label": "Enterprise", "color": None}]  # fmt: skip
    custom = ((420, "Segment", "enum", segments), (421, "Customer since", "date", None),
              (422, "Credit limit", "monetary", None), (423, "VAT number", "varchar", None))  # fmt: skip
    for fid, name, ftype, options in custom:
        out.append(_v2_field(fid, hex_key(rng), name, ftype, custom=True, options=options))
    return out


# --- leads ------------------------------------------------------------------------------------


def lead_labels(clock: Clock, rng: random.Random) -> list[Record]:
    """Eight lead labels (v1 shape) in eight of the ten colours the spec allows."""
    rows = (("Hot", "red"), ("Warm", "yellow"), ("Cold", "blue"), ("Follow up", "green"),
            ("VIP", "purple"), ("Partner", "orange"), ("Stale", "dark-gray"), ("Event", "pink"))  # fmt: skip
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
    names = ("Manually created", "Deal", "Web forms", "Prospector", "Leadbooster", "Live chat",
             "Import", "Website visitors", "Workflow automation", "API")  # fmt: skip
    return [{"name": name} for name in names]


#: The lead system fields: ``(id, key, name, field_type)``.
_LEAD_BUILTINS: tuple[tuple[int, str, str, str], ...] = (
    (201, "title", "Title", "varchar"),
    (202, "owner_id", "Owner", "user"),
    (203, "value", "Value", "monetary"),
    (204, "expected_close_date", "Expected close date", "date"),
    (205, "label_ids", "Labels", "set"),
    (206, "source_name", "Source", "varchar"),
    (207, "person_id", "Person", "people"),
    (208, "organization_id", "Organization", "org"),
    (209, "was_seen", "Seen", "boolean"),
    (210, "visible_to", "Visible to", "visible_to"),
    (211, "add_time", "Lead created", "date"),
    (212, "update_time", "Update time", "date"),
)


def _v1_field(
    fid: int, key: str, name: str, ftype: str, order: int, clock: Clock, *, custom: bool,
    options: list[Record] | None,
) -> Record:  # fmt: skip
    field: Record = {
        "id": fid,
        "key": key,
        "name": name,
        "order_nr": order,
        "field_type": ftype,
        "add_time": clock.v1((1200 - order) * DAY),
        "update_time": clock.v1((90 - order) * DAY),
        "last_updated_by_user_id": ME_ID if custom else None,
        "created_by_user_id": ME_ID if custom else None,
        "active_flag": True,
        "edit_flag": custom,
        "index_visible_flag": True,
        "details_visible_flag": True,
        "add_visible_flag": not custom,
        "important_flag": False,
        "bulk_edit_allowed": True,
        "searchable_flag": ftype in ("varchar", "text", "varchar_auto"),
        "filtering_allowed": True,
        "sortable_flag": True,
        "mandatory_flag": key == "title",
        "options": options,
    }
    if ftype in ("monetary", "daterange", "timerange", "address"):
        suffixes = {
            "monetary": (("currency", "Currency"),),
            "daterange": (("until", "End date"),),
            "timerange": (("until", "End time"),),
            "address": tuple(_ADDRESS_PARTS[1:]),
        }[ftype]
        prefix = "" if key == "value" else f"{key}_"
        field["subfields"] = [
            {"key": prefix + suffix, "name": f"{label} of {name}", "field_type": "varchar"}
            for suffix, label in suffixes
        ]
    return field


def lead_fields(clock: Clock, deal_field_list: list[Record], labels: list[Record]) -> list[Record]:
    """The v1 ``/leadFields`` items: the lead system fields and every custom deal field.

    Leads inherit the deal custom fields, so these carry the same ids and keys as in
    ``deal_fields``; the deleted "Priority" option is listed under ``options_deleted``.
    """
    out = []
    for order, (fid, key, name, ftype) in enumerate(_LEAD_BUILTINS, 1):
        options: list[Record] | None = None
        if key == "label_ids":
            options = [{"id": lab["id"], "label": lab["name"], "color": lab["color"]} for lab in labels]
        elif ftype == "visible_to":
            options = [dict(option) for option in _VISIBILITY]
        out.append(_v1_field(fid, key, name, ftype, order, clock, custom=False, options=options))
    for order, field in enumerate((f for f in deal_field_list if f["is_custom_field"]), 50):
        options = None
        if field["options"] is not None:
            options = [{"id": o["id"], "label": o["label"]} for o in field["options"]]
        item = _v1_field(
            field["id"], field["field_code"], field["field_name"], field["field_type"], order,
            clock, custom=True, options=options,
        )  # fmt: skip
        if field["id"] == 60:
            item["options_deleted"] = [
                {"id": DELETED_PRIORITY_OPTION[0], "label": DELETED_PRIORITY_OPTION[1]}
            ]
        out.append(item)
    return out
