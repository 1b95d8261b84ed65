"""Unit tests of the leads list's logic: queries, rows, label toggles, the value form, edits."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Lead, LeadValue
from pipedrive_tui.data.lead_edits import LeadEdit, LeadEdits, request_body
from pipedrive_tui.data.leads import (
    LeadQuery,
    LeadRows,
    lead_count_text,
    lead_empty_text,
    toggled_labels,
)
from pipedrive_tui.screens.lead_forms import LeadValueForm, parse_close_date, parse_value_form

TODAY = date(2026, 1, 31)


def _lead(i: int, **values: Any) -> Lead:
    return Lead(id=f"lead-{i}", title=f"Lead {i}", **values)


# --- queries -------------------------------------------------------------------------------------


def test_query_parameters_and_the_filter_winning() -> None:
    query = LeadQuery(owner_id=3, person_id=4, org_id=5, label_id="x", source="API")
    assert query.client_filters() == {
        "archived": False, "sort": "add_time DESC",
        "owner_id": 3, "person_id": 4, "organization_id": 5,
    }  # fmt: skip
    filtered = LeadQuery(view="archived", owner_id=3, filter_id=9, sort="title", descending=False)
    assert filtered.client_filters() == {"archived": True, "sort": "title ASC", "filter_id": 9}


def test_matches_re_applies_what_the_api_cannot() -> None:
    query = LeadQuery(owner_id=1, label_id="hot", source="Web forms", filter_id=2)
    good = _lead(1, owner_id=1, label_ids=["hot", "vip"], source_name="Web forms")
    assert query.matches(good)
    assert not query.matches(good.model_copy(update={"owner_id": 2}))
    assert not query.matches(good.model_copy(update={"label_ids": ["vip"]}))
    assert not query.matches(good.model_copy(update={"source_name": "API"}))
    assert not query.matches(good.model_copy(update={"is_archived": True}))
    assert LeadQuery(view="archived").matches(_lead(2, is_archived=True))


def test_next_sort_cycles_with_each_keys_direction_and_words() -> None:
    query = LeadQuery()
    assert query.sort_words == "created ↓"
    seen = []
    for _ in range(6):
        query = query.next_sort()
        seen.append(query.sort_param)
    assert seen == [
        "update_time DESC", "title ASC", "expected_close_date ASC", "was_seen ASC",
        "owner_id ASC", "add_time DESC",
    ]  # fmt: skip
    assert LeadQuery().next_sort(-1).sort == "owner_id"


def test_toggled_labels_adds_removes_and_keeps_order() -> None:
    assert toggled_labels(["a", "b"], "c") == ["a", "b", "c"]
    assert toggled_labels(["a", "b", "c"], "b") == ["a", "c"]
    assert toggled_labels([], "a") == ["a"]
    assert toggled_labels(["a", "a"], "b") == ["a", "b"]


# --- rows ----------------------------------------------------------------------------------------


def test_rows_search_every_word_and_marks() -> None:
    rows = LeadRows(LeadQuery(), lambda lead: f"{lead.title} {lead.source_name}")
    rows.add([_lead(1, source_name="API"), _lead(2, source_name="Import"), _lead(3)])
    assert rows.dropped == 0 and len(rows.loaded) == 3
    rows.search = "lead api"
    rows.rebuild()
    assert [x.id for x in rows.view] == ["lead-1"]
    assert lead_count_text(rows, fetching=False, more=False) == "1 of 3 match · all loaded"
    archived = rows.loaded[1].model_copy(update={"is_archived": True})
    assert rows.replace(archived) and "lead-2" in rows.marked
    assert rows.find("lead-2") is archived
    assert not rows.replace(_lead(99))
    rows.hits = [rows.loaded[2]]
    rows.rebuild()
    assert [x.id for x in rows.view] == ["lead-3"]
    assert "found by Pipedrive search" in lead_count_text(rows, fetching=False, more=False)


def test_rows_drop_what_does_not_match_and_texts() -> None:
    rows = LeadRows(LeadQuery(label_id="hot"), lambda lead: lead.title)
    added = rows.add([_lead(1, label_ids=["hot"]), _lead(2)])
    assert added == 1 and rows.dropped == 1
    assert lead_count_text(rows, fetching=True, more=True) == "1 lead · loading…"
    assert lead_count_text(rows, fetching=False, more=True) == "1 lead · + more (a: all)"
    assert "stopped: boom" in lead_count_text(rows, fetching=False, more=True, error="boom")
    assert lead_count_text(rows, fetching=False, more=False, failed=True) == "leads not loaded"
    empty = LeadRows(LeadQuery(), lambda lead: lead.title)
    assert "inbox is empty" in lead_empty_text(empty, "", False, LeadQuery())
    assert "No archived leads" in lead_empty_text(empty, "", False, LeadQuery(view="archived"))
    assert "Press x" in lead_empty_text(empty, "", False, LeadQuery(source="API"))
    assert "Press r" in lead_empty_text(empty, "Network down", False, LeadQuery())


# --- the value form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("2026-03-04", date(2026, 3, 4)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 2, 1)),
        ("+10d", date(2026, 2, 10)),
        ("+2w", date(2026, 2, 14)),
        ("+1m", date(2026, 2, 28)),  # 31 January + 1 month: the month's last day
        ("+13m", date(2027, 2, 28)),
    ],
)
def test_close_dates(text: str, expected: date | None) -> None:
    assert parse_close_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["31/01/2026", "next week", "+d", "2026-02-30"])
def test_bad_close_dates(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_close_date(text, TODAY)


def test_value_form_checks_each_field() -> None:
    parsed = parse_value_form(LeadValueForm("12,500.5", "eur", "+1d"), {"EUR"}, TODAY)
    assert (parsed.amount, parsed.currency, parsed.close) == (12500.5, "EUR", date(2026, 2, 1))
    assert parse_value_form(LeadValueForm("", "", ""), {"EUR"}, TODAY).amount is None
    for form, message in (
        (LeadValueForm("abc", "EUR"), "Value: type a number"),
        (LeadValueForm("-5", "EUR"), "cannot be negative"),
        (LeadValueForm("5", "EURO"), "three-letter code"),
        (LeadValueForm("5", "XXX"), "XXX is not a currency"),
        (LeadValueForm("5", "EUR", "soon"), "Expected close date"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_value_form(form, {"EUR"}, TODAY)


def test_request_body_shapes() -> None:
    changes = {
        "value": LeadValue(amount=5.0, currency="EUR"),
        "expected_close_date": date(2026, 2, 1),
        "label_ids": ["a"],
        "was_seen": True,
    }
    assert request_body(changes) == {
        "value": {"amount": 5.0, "currency": "EUR"},
        "expected_close_date": "2026-02-01",
        "label_ids": ["a"],
        "was_seen": True,
    }


# --- the edit queue ------------------------------------------------------------------------------


class _Client:
    """Answers lead updates in the order asked, failing those listed, after a gate opens."""

    def __init__(self, failing: set[int]) -> None:
        self.failing = failing
        self.bodies: list[dict[str, Any]] = []
        self.gate = asyncio.Event()
        self.stored = _lead(1, label_ids=["a"])

    async def update_lead(self, lead_id: str, **changes: Any) -> Lead:
        await self.gate.wait()
        self.bodies.append(changes)
        if len(self.bodies) in self.failing:
            raise PipedriveError("refused")
        self.stored = self.stored.model_copy(update=changes)
        return self.stored


async def test_edits_go_in_order_each_from_the_last_confirmed_version() -> None:
    client = _Client(failing={1})
    edits = LeadEdits(client)  # type: ignore[arg-type]
    lead = client.stored

    def add(label: str) -> LeadEdit:
        return LeadEdit(lambda v: {"label_ids": toggled_labels(v.label_ids, label)})

    first, second = add("b"), add("c")
    assert edits.start(lead, first).label_ids == ["a", "b"]
    shown = edits.start(lead, second)
    assert shown.label_ids == ["a", "b", "c"] and edits.pending(lead.id) == 2
    one = asyncio.create_task(edits.send(lead.id, first))
    two = asyncio.create_task(edits.send(lead.id, second))
    await asyncio.sleep(0)
    client.gate.set()
    with pytest.raises(PipedriveError):
        await one
    saved = await two
    # The first was refused: the second applies to the confirmed labels, not to the refused ones.
    assert client.bodies == [{"label_ids": ["a", "b"]}, {"label_ids": ["a", "c"]}]
    assert saved.label_ids == ["a", "c"] and edits.pending(lead.id) == 0
    assert edits.expected(saved) is saved


def test_value_form_refuses_numbers_too_large_to_send() -> None:
    for amount in ("1e400", "10000000000000000"):
        with pytest.raises(ValueError, match="too large"):
            parse_value_form(LeadValueForm(amount, "EUR"), {"EUR"}, TODAY)
