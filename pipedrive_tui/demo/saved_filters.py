"""The saved filters of the demo account (v1 ``/filters`` shape, with their conditions tree).

Every condition names its field by ``field_id``: the string of the field's numeric ``id`` in
``DemoAccount.deal_fields`` (``object: "deal"``) or ``DemoAccount.lead_fields``
(``object: "lead"``). ``field_code`` is the field's ``field_code`` / ``key`` (the 40-hex key for
a custom field). The ids are fixed, so the filters are the same for every seed:

==  ======================  ==================================  =================================
id  name                    and-group                           or-group
==  ======================  ==================================  =================================
1   My open deals           deal 10 status = open;              (empty)
                            deal 4 owner_id = 101
2   Big Sales deals         deal 8 pipeline_id = 1;             deal 9 stage_id = 4;
                            deal 5 value >= 50000               deal 9 stage_id = 5
3   Closing this quarter    deal 13 expected_close_date         (empty)
                            >= 2026-10-01 and <= 2026-12-31;
                            deal 10 status = open
4   Won or lost             (empty)                             deal 10 status = won;
                                                                deal 10 status = lost
5   Renewals                deal 2 title LIKE '%$%' renewal     deal 2 title LIKE '$%' Acme;
                                                                deal 5 value < 1000
6   Critical, no org        deal 60 Priority = 104;             deal 4 owner_id != 106;
                            deal 7 org_id IS NULL               deal 5 value > 10000
7   No close date yet       deal 13 IS NULL;                    (empty)
                            deal 10 status != lost
8   Has a contract number   deal 51 Contract number             deal 60 Priority = 103;
                            IS NOT NULL                         deal 60 Priority = 104
9   My pilot leads          lead 202 owner_id = 101             lead 201 title LIKE '%$%' pilot;
                                                                lead 203 value > 5000
10  Leads without value     lead 203 value IS NULL              lead 204 < 2026-12-01;
                                                                lead 204 IS NULL
11  Frank's old deals       deal 4 owner_id = 106;              deal 14 add_time <= 2025-06-30;
                            deal 10 status != won               deal 54 Discount % > 20
==  ======================  ==================================  =================================

Field ids: deal 2 title, 4 owner_id (user), 5 value (monetary), 7 org_id, 8 pipeline_id,
9 stage_id, 10 status, 13 expected_close_date, 14 add_time, 51 "Contract number" (varchar),
54 "Discount %" (double), 60 "Priority" (enum; options 101–104); lead 201 title, 202 owner_id,
203 value, 204 expected_close_date.
"""

from __future__ import annotations

from typing import Any

from pipedrive_tui.demo.catalog import DAY, Clock

__all__ = ["saved_filters"]

Record = dict[str, Any]
#: ``(field id, operator, value)``.
_Cond = tuple[int, str, str | None]

#: ``(id, name, type, owner, visible_to, and-conditions, or-conditions)``.
_FILTERS: tuple[tuple[int, str, str, int, str, tuple[_Cond, ...], tuple[_Cond, ...]], ...] = (
    (1, "My open deals", "deals", 101, "1", ((10, "=", "open"), (4, "=", "101")), ()),
    (
        2,
        "Big Sales deals",
        "deals",
        101,
        "3",
        ((8, "=", "1"), (5, ">=", "50000")),
        ((9, "=", "4"), (9, "=", "5")),
    ),
    (
        3,
        "Closing this quarter",
        "deals",
        102,
        "3",
        ((13, ">=", "2026-10-01"), (13, "<=", "2026-12-31"), (10, "=", "open")),
        (),
    ),
    (4, "Won or lost", "deals", 103, "7", (), ((10, "=", "won"), (10, "=", "lost"))),
    (
        5,
        "Renewals",
        "deals",
        101,
        "3",
        ((2, "LIKE '%$%'", "renewal"),),
        ((2, "LIKE '$%'", "Acme"), (5, "<", "1000")),
    ),
    (
        6,
        "Critical, no organization",
        "deals",
        101,
        "3",
        ((60, "=", "104"), (7, "IS NULL", None)),
        ((4, "!=", "106"), (5, ">", "10000")),
    ),
    (7, "No close date yet", "deals", 104, "1", ((13, "IS NULL", None), (10, "!=", "lost")), ()),
    (
        8,
        "Has a contract number",
        "deals",
        101,
        "7",
        ((51, "IS NOT NULL", None),),
        ((60, "=", "103"), (60, "=", "104")),
    ),
    (
        9,
        "My pilot leads",
        "leads",
        101,
        "1",
        ((202, "=", "101"),),
        ((201, "LIKE '%$%'", "pilot"), (203, ">", "5000")),
    ),
    (
        10,
        "Leads without value",
        "leads",
        102,
        "3",
        ((203, "IS NULL", None),),
        ((204, "<", "2026-12-01"), (204, "IS NULL", None)),
    ),
    (
        11,
        "Frank's old deals",
        "deals",
        106,
        "3",
        ((4, "=", "106"), (10, "!=", "won")),
        ((14, "<=", "2025-06-30"), (54, ">", "20")),
    ),
)


def saved_filters(
    clock: Clock, deal_fields: list[Record], lead_fields: list[Record]
) -> list[Record]:
    """Eleven saved filters on deals and leads, each with an and-group and an or-group."""
    codes: dict[tuple[str, int], str] = {}
    for field in deal_fields:
        codes["deal", field["id"]] = field["field_code"]
    for field in lead_fields:
        codes["lead", field["id"]] = field["key"]
    out = []
    for fid, name, ftype, owner, visible, and_conds, or_conds in _FILTERS:
        obj = "deal" if ftype == "deals" else "lead"

        def group(glue: str, conds: tuple[_Cond, ...], obj: str = obj) -> Record:
            return {
                "glue": glue,
                "conditions": [
                    {
                        "object": obj,
                        "field_id": str(field_id),
                        "operator": operator,
                        "value": value,
                        "extra_value": None,
                        "json_value_flag": False,
                        "field_code": codes[obj, field_id],
                    }
                    for field_id, operator, value in conds
                ],
            }

        out.append(
            {
                "id": fid,
                "name": name,
                "filter_code": None,
                "is_editable": True,
                "active_flag": True,
                "type": ftype,
                "temporary_flag": None,
                "user_id": owner,
                "add_time": clock.v1((700 - 37 * fid) * DAY + 3_600 * fid),
                "update_time": clock.v1((90 - 7 * fid) * DAY + 600 * fid),
                "visible_to": visible,
                "last_used_time": clock.v1(fid * 3_700) if fid % 3 else None,
                "custom_view_id": None,
                "conditions": {
                    "glue": "and",
                    "conditions": [group("and", and_conds), group("or", or_conds)],
                },
            }
        )
    return out
