"""Field schemas of the demo account: deal, person and organization fields (v2), lead fields (v1).

Field ids are constants (they do not depend on the seed), so the saved filters can name them; the
40-hex keys of custom fields come from the seeded RNG. Deal fields cover every custom field type;
lead fields inherit the custom deal fields with the same ids and keys.
"""

from __future__ import annotations

import random
from typing import Any

from pipedrive_tui.demo.catalog import DAY, ME_ID, Clock, hex_key

__all__ = [
    "CUSTOM_DEAL_FIELDS",
    "DELETED_PRIORITY_OPTION",
    "INDUSTRIES",
    "PRIORITY_OPTIONS",
    "deal_fields",
    "lead_fields",
    "organization_fields",
    "person_fields",
]

Record = dict[str, Any]

# --- field schemas ----------------------------------------------------------------------------

#: The options of the custom "Priority" enum field: ``(id, label, colour)``.
PRIORITY_OPTIONS = (
    (101, "Low", "green"),
    (102, "Medium", "yellow"),
    (103, "High", "orange"),
    (104, "Critical", "red"),
)
#: An option of "Priority" that was deleted: some deals still hold its id.
DELETED_PRIORITY_OPTION = (105, "Legacy: Platinum")
_PRODUCT_OPTIONS = (
    (111, "CRM"),
    (112, "Analytics"),
    (113, "Mobile app"),
    (114, "API access"),
    (115, "Training"),
)
_DEAL_LABELS = (
    (1, "Hot", "red"),
    (2, "Warm", "yellow"),
    (3, "Cold", "blue"),
    (4, "Strategic", "purple"),
    (5, "At risk", "dark-gray"),
)
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
    ("value", "Full address"),
    ("street_number", "House number"),
    ("route", "Street"),
    ("subpremise", "Apartment/suite no"),
    ("locality", "City"),
    ("admin_area_level_1", "State/county"),
    ("admin_area_level_2", "Region"),
    ("country", "Country"),
    ("postal_code", "ZIP/Postal code"),
    ("formatted_address", "Full/combined address"),
)


def _subfields(field_type: str, name: str) -> list[Record] | None:
    if field_type == "monetary":
        return [
            {"field_code": "value", "field_name": f"Amount of {name}", "field_type": "double"},
            {
                "field_code": "currency",
                "field_name": f"Currency of {name}",
                "field_type": "varchar",
            },
        ]
    if field_type == "address":
        return [
            {"field_code": code, "field_name": f"{label} of {name}", "field_type": "varchar"}
            for code, label in _ADDRESS_PARTS
        ]
    return None


def _v2_field(
    fid: int,
    code: str,
    name: str,
    ftype: str,
    *,
    custom: bool,
    options: list[Record] | None = None,
    optional: bool = False,
) -> Record:
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
        out.append(
            _v2_field(fid, code, name, ftype, custom=False, options=options, optional=optional)
        )
    for fid, name, ftype in CUSTOM_DEAL_FIELDS:
        out.append(
            _v2_field(
                fid, hex_key(rng), name, ftype, custom=True, options=_custom_options(ftype, fid)
            )
        )
    return out


def person_fields(rng: random.Random) -> list[Record]:
    """The v2 ``/personFields`` items: built-in fields and four custom ones."""
    builtins = (
        (301, "name", "Name", "varchar"),
        (302, "first_name", "First name", "varchar"),
        (303, "last_name", "Last name", "varchar"),
        (304, "owner_id", "Owner", "user"),
        (305, "org_id", "Organization", "org"),
        (306, "emails", "Email", "varchar"),
        (307, "phones", "Phone", "phone"),
        (308, "job_title", "Job title", "varchar"),
        (309, "label_ids", "Labels", "set"),
        (310, "visible_to", "Visible to", "visible_to"),
        (311, "postal_address", "Postal address", "address"),
        (312, "add_time", "Person created", "date"),
        (313, "update_time", "Update time", "date"),
    )
    labels = [
        {"id": 11, "label": "Customer", "color": "green"},
        {"id": 12, "label": "Prospect", "color": "blue"},
        {"id": 13, "label": "Partner", "color": "purple"},
    ]
    out = []
    for fid, code, name, ftype in builtins:
        options = labels if code == "label_ids" else _VISIBILITY if ftype == "visible_to" else None
        out.append(_v2_field(fid, code, name, ftype, custom=False, options=options))
    languages = ("English", "German", "French", "Swedish", "Japanese")
    custom: tuple[tuple[int, str, str, list[Record] | None], ...] = (
        (320, "LinkedIn profile", "varchar", None),
        (
            321,
            "Preferred language",
            "enum",
            [{"id": 201 + i, "label": lab, "color": None} for i, lab in enumerate(languages)],
        ),
        (322, "Birthday", "date", None),
        (323, "Newsletter opt-in", "boolean", None),
    )
    for fid, name, ftype, options in custom:
        out.append(_v2_field(fid, hex_key(rng), name, ftype, custom=True, options=options))
    return out


#: The options of the built-in organization "industry" field.
INDUSTRIES = (
    (1, "Software"),
    (2, "Manufacturing"),
    (3, "Retail"),
    (4, "Healthcare"),
    (5, "Finance"),
    (6, "Logistics"),
)


def organization_fields(rng: random.Random) -> list[Record]:
    """The v2 ``/organizationFields`` items: built-in fields and four custom ones."""
    builtins = (
        (401, "name", "Name", "varchar"),
        (402, "owner_id", "Owner", "user"),
        (403, "address", "Address", "address"),
        (404, "website", "Website", "varchar"),
        (405, "industry", "Industry", "enum"),
        (406, "label_ids", "Labels", "set"),
        (407, "visible_to", "Visible to", "visible_to"),
        (408, "employee_count", "Number of employees", "int"),
        (409, "annual_revenue", "Annual revenue", "int"),
        (410, "add_time", "Organization created", "date"),
        (411, "update_time", "Update time", "date"),
    )
    out = []
    for fid, code, name, ftype in builtins:
        options: list[Record] | None = None
        if code == "industry":
            options = [{"id": i, "label": lab, "color": None} for i, lab in INDUSTRIES]
        elif code == "label_ids":
            options = [
                {"id": 21, "label": "Key account", "color": "red"},
                {"id": 22, "label": "Supplier", "color": "gray"},
            ]
        elif ftype == "visible_to":
            options = [dict(option) for option in _VISIBILITY]
        out.append(_v2_field(fid, code, name, ftype, custom=False, options=options))
    segments = [
        {"id": 301, "label": "SMB", "color": None},
        {"id": 302, "label": "Mid-market", "color": None},
        {"id": 303, "label": "Enterprise", "color": None},
    ]
    custom = (
        (420, "Segment", "enum", segments),
        (421, "Customer since", "date", None),
        (422, "Credit limit", "monetary", None),
        (423, "VAT number", "varchar", None),
    )
    for fid, name, ftype, options in custom:
        out.append(_v2_field(fid, hex_key(rng), name, ftype, custom=True, options=options))
    return out


#: v2-only field types and the v1 type that stands for them in ``/leadFields``.
_V1_TYPES: dict[str, str] = {
    "int": "double",
    "boolean": "enum",
    "stage": "double",
    "status": "enum",
}
_YES_NO = ({"id": 1, "label": "Yes"}, {"id": 0, "label": "No"})

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
    (209, "was_seen", "Seen", "enum"),
    (210, "visible_to", "Visible to", "visible_to"),
    (211, "add_time", "Lead created", "date"),
    (212, "update_time", "Update time", "date"),
)


def _v1_field(
    fid: int,
    key: str,
    name: str,
    ftype: str,
    order: int,
    clock: Clock,
    *,
    custom: bool,
    options: list[Record] | None,
) -> Record:
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

    The v1 spec's ``field_type`` must be in both of its enums (an ``allOf``), and the 17-value
    one has no ``int`` or ``boolean``: as v1 does, a whole number field is a ``double`` and a
    yes/no field is an ``enum`` with options 1 "Yes" and 0 "No" (leads then hold ``"1"``/``"0"``).
    """
    out = []
    for order, (fid, key, name, ftype) in enumerate(_LEAD_BUILTINS, 1):
        options: list[Record] | None = None
        if key == "label_ids":
            options = [
                {"id": lab["id"], "label": lab["name"], "color": lab["color"]} for lab in labels
            ]
        elif ftype == "visible_to":
            options = [dict(option) for option in _VISIBILITY]
        elif key == "was_seen":
            options = [dict(option) for option in _YES_NO]
        out.append(_v1_field(fid, key, name, ftype, order, clock, custom=False, options=options))
    for order, field in enumerate((f for f in deal_field_list if f["is_custom_field"]), 50):
        v2_type: str = field["field_type"]
        options = None
        if field["options"] is not None:
            options = [{"id": o["id"], "label": o["label"]} for o in field["options"]]
        elif v2_type == "boolean":
            options = [dict(option) for option in _YES_NO]
        item = _v1_field(
            field["id"],
            field["field_code"],
            field["field_name"],
            _V1_TYPES.get(v2_type, v2_type),
            order,
            clock,
            custom=True,
            options=options,
        )
        if field["id"] == 60:
            item["options_deleted"] = [
                {"id": DELETED_PRIORITY_OPTION[0], "label": DELETED_PRIORITY_OPTION[1]}
            ]
        out.append(item)
    return out


def v1_deal_fields(clock: Clock, deal_field_list: list[Record]) -> list[Record]:
    """The v1 ``/dealFields`` items: every deal field with its numeric ``id``.

    v2 ``/dealFields`` has no numeric id, yet saved filters name their fields by it
    (``field_id``): a filter editor reads the ids here. Types follow the v1 spec's enum, which
    lacks some of v2's: ``int`` and ``stage`` are ``double``, ``boolean`` an ``enum`` with
    options 1 "Yes" and 0 "No", ``status`` an ``enum`` of the four statuses.
    """
    out = []
    for order, field in enumerate(deal_field_list, 1):
        v2_type: str = field["field_type"]
        options = None
        if field.get("options") is not None:
            options = [{"id": o["id"], "label": o["label"]} for o in field["options"]]
        elif v2_type == "boolean":
            options = [dict(option) for option in _YES_NO]
        elif v2_type == "status":
            options = [{"id": s, "label": s.title()} for s in ("open", "won", "lost", "deleted")]
        out.append(
            _v1_field(
                field["id"],
                field["field_code"],
                field["field_name"],
                _V1_TYPES.get(v2_type, v2_type),
                order,
                clock,
                custom=bool(field["is_custom_field"]),
                options=options,
            )
        )
    return out
