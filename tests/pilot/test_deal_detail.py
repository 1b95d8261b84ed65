"""Pilot tests of the deal detail on the demo account (seed 7, 200 deals).

The every-field-type table below was derived by reading the demo generator for deal 1 at seed 7
(``demo/deal_builder.py`` picks every custom pool value for deal 1, ``demo/contacts.py`` makes
the pools, ``demo/field_schemas.py`` the options and names); ``test_deal_1_raw_values`` pins the
raw values the table formats, so a change of the generator points at the table, not the screen.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from pipedrive_tui.api.models import Deal
from pipedrive_tui.demo import field_schemas
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.fields import html_to_text
from pipedrive_tui.fields.mail_body import render_body
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from pipedrive_tui.screens.messages import DealSaved
from pipedrive_tui.screens.overview import OverviewScreen
from pipedrive_tui.widgets.deal_summary import DealSummary
from pipedrive_tui.widgets.field_list import FieldList
from pipedrive_tui.widgets.mail_message import MailMessageView
from pipedrive_tui.widgets.stage_strip import StageStrip
from pipedrive_tui.widgets.timeline import Timeline
from tests.ui import demo_app

ACCOUNT = generate(7, 200)

#: Deal 1 at seed 7: every custom field type, each label with its formatted value.
EXPECTED_DEAL_1: dict[str, tuple[str, str]] = {
    # label: (field type, formatted value)
    "Contract number": ("varchar", "NW-2023-9800"),
    "Referral partner": ("varchar_auto", "Westbridge Advisory"),
    "Requirements": ("text", "Price sensitive. Compare against competitor quote of 18k."),
    "Discount %": ("double", "5.7"),
    "Setup fee": ("monetary", "CHF 2,700.00"),  # CHF's symbol ends in a letter: a space
    "Renewal date": ("date", "2027-10-08"),
    "Contract period": ("daterange", "2026-09-07 → 2027-08-11"),
    "Preferred call time": ("time", "11:30"),  # 11:30:00, seconds dropped
    "Support hours": ("timerange", "08:00 → 13:00 (Asia/Tokyo)"),
    "Priority": ("enum", "High"),  # option 103
    "Products of interest": ("set", "Analytics, Mobile app"),  # options 112, 113
    "Account manager": ("user", "Daniel Sjöberg"),  # user 104
    "Partner organization": ("org", "Northstar Logistics"),  # organization 35
    "Technical contact": ("people", "Henrik Okafor"),  # person 122
    "Hotline": ("phone", "+44 20 4150 3495"),
    "Delivery address": ("address", "Hauptstraße 46, 10115 Berlin, Germany"),
    "Terms visible to": ("visible_to", "Entire company"),  # 3, the field's own option label
    "Seats": ("int", "49"),
    "NDA signed": ("boolean", "No"),  # false
}

#: The raw values of deal 1's custom fields the table above formats.
RAW_DEAL_1: dict[str, Any] = {
    "Contract number": "NW-2023-9800",
    "Referral partner": "Westbridge Advisory",
    "Requirements": "Price sensitive. Compare against competitor quote of 18k.",
    "Discount %": 5.7,
    "Setup fee": {"value": 2700, "currency": "CHF"},
    "Renewal date": "2027-10-08",
    "Contract period": {"value": "2026-09-07", "until": "2027-08-11"},
    "Preferred call time": "11:30:00",
    "Support hours": {"value": "08:00:00", "until": "13:00:00", "timezone_name": "Asia/Tokyo"},
    "Priority": 103,
    "Products of interest": [112, 113],
    "Account manager": 104,
    "Partner organization": 35,
    "Technical contact": 122,
    "Hotline": "+44 20 4150 3495",
    "Delivery address": {
        "value": "Hauptstraße 46, 10115 Berlin, Germany",
        "country": "Germany",
        "admin_area_level_1": "Berlin",
        "locality": "Berlin",
        "route": "Hauptstraße",
        "street_number": "46",
        "postal_code": "10115",
        "formatted_address": "Hauptstraße 46, 10115 Berlin, Germany",
    },
    "Terms visible to": 3,
    "Seats": 49,
    "NDA signed": False,
}


def _keys_by_name(account: DemoAccount) -> dict[str, str]:
    return {f["field_name"]: f["field_code"] for f in account.deal_fields if f["is_custom_field"]}


def _text(widget: Widget) -> str:
    """What a widget draws, as plain text, at its current width."""
    console = Console(width=widget.content_size.width, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(widget.render())
    return "\n".join(line.rstrip() for line in capture.get().splitlines())


def _notes(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _patches(demo: Any) -> list[Any]:
    return [r for r in demo.requests if r.method == "PATCH"]


async def _open(app: Any, pilot: Any, deal_id: int, deal: Deal | None = None) -> DealDetailScreen:
    await app.workers.wait_for_complete()
    screen = DealDetailScreen(app.session, deal_id, deal)
    await app.push_screen(screen)
    await _settle(app, pilot)
    return screen


async def _settle(app: Any, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _section(fields: FieldList, title: str) -> list[Any]:
    return next((list(s.rows) for s in fields.sections if s.title == title), [])


# --- the every-field-type walk -------------------------------------------------------------------


def test_deal_1_raw_values() -> None:
    keys = _keys_by_name(ACCOUNT)
    deal = ACCOUNT.deals[0]
    assert {name: deal["custom_fields"][keys[name]] for name in RAW_DEAL_1} == RAW_DEAL_1
    assert set(keys) == set(RAW_DEAL_1) == set(EXPECTED_DEAL_1)
    priority = {option_id: label for option_id, label, _colour in field_schemas.PRIORITY_OPTIONS}
    products = dict(field_schemas._PRODUCT_OPTIONS)
    assert priority[103] == EXPECTED_DEAL_1["Priority"][1]
    assert ", ".join(products[i] for i in (112, 113)) == EXPECTED_DEAL_1["Products of interest"][1]
    users = {u["id"]: u["name"] for u in ACCOUNT.users}
    assert users[104] == EXPECTED_DEAL_1["Account manager"][1]
    assert ACCOUNT.organizations[34]["name"] == EXPECTED_DEAL_1["Partner organization"][1]
    assert ACCOUNT.persons[121]["name"] == EXPECTED_DEAL_1["Technical contact"][1]


async def test_every_custom_field_type_is_labelled_and_formatted() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot, 1)
        fields = app.screen.query_one("#detail-fields", FieldList)
        rows = _section(fields, "Custom fields")
        expected_labels = [name for _fid, name, _type in field_schemas.CUSTOM_DEAL_FIELDS]
        assert [row.name for row in rows] == expected_labels
        for row in rows:
            field_type, text = EXPECTED_DEAL_1[row.name]
            assert (row.name, row.field_type, row.text) == (row.name, field_type, text)
            assert row.is_known and row.is_custom and not row.is_empty
        every_type = {field_type for _fid, _name, field_type in field_schemas.CUSTOM_DEAL_FIELDS}
        assert {row.field_type for row in rows} == every_type
        assert not _section(fields, "Fields no longer defined (deleted?)")
        # The standard fields, by name.
        assert fields.value_of("Value") == "$13,520.00"
        assert fields.value_of("Currency") == "USD (US Dollar)"
        assert fields.value_of("Label") == "Warm"
        assert fields.value_of("Visible to") == "Owner & followers"
        assert fields.value_of("Expected close date") == "2026-12-17"
        assert fields.value_of("Deal created") == "2025-04-01 14:15"
        assert fields.value_of("Source origin") == "Manually created"
        assert fields.value_of("Won time") is None  # empty, hidden
        # What the list draws holds the labels and the values.
        shown = _text(fields)
        for name in ("Contract number", "Setup fee", "Support hours", "NDA signed"):
            assert name in shown
        assert "CHF 2,700.00" in shown and "08:00 → 13:00 (Asia/Tokyo)" in shown


async def test_deleted_option_and_orphan_key_on_deal_3() -> None:
    keys = set(_keys_by_name(ACCOUNT).values())
    orphan = next(k for k in ACCOUNT.deals[2]["custom_fields"] if k not in keys)
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot, 3)
        fields = app.screen.query_one("#detail-fields", FieldList)
        assert fields.value_of("Priority") == "(deleted option 105)"
        unknown = _section(fields, "Fields no longer defined (deleted?)")
        assert [(row.name, row.text, row.is_known) for row in unknown] == [
            (f"Unknown field ({orphan[:8]}…)", "HS-000123", False)
        ]
        assert "Unknown field (" in _text(fields)


async def test_empty_fields_toggle_on_deal_2() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 2)
        fields = screen.query_one("#detail-fields", FieldList)
        assert _section(fields, "Custom fields") == []
        shown = _text(fields)
        assert "No custom field is set." in shown
        assert "23 empty fields hidden — press e to show" in shown
        assert fields.value_of("Contract number") is None
        await pilot.press("e")
        await pilot.pause()
        assert len(_section(fields, "Custom fields")) == 19
        assert fields.value_of("Contract number") == ""
        assert fields.value_of("Won time") == ""
        assert "23 empty fields shown — press e to hide them" in _text(fields)
        assert "—" in _text(fields)
        await pilot.press("e")
        await pilot.pause()
        assert fields.value_of("Contract number") is None


# --- summary and stage strip ---------------------------------------------------------------------


async def test_summary_and_stage_strip_of_deal_1() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        strip = screen.query_one(StageStrip)
        assert [(m.name, m.state) for m in strip.marks] == [
            ("Prospecting", "passed"),
            ("First call", "passed"),
            ("Evaluation", "current"),
            ("Agreement draft", "future"),
            ("Signed", "future"),
        ]
        drawn = _text(strip)
        assert "✓ Prospecting" in drawn and "● Evaluation" in drawn
        summary = _text(screen.query_one(DealSummary))
        for part in (
            "Redwood Analytics hardware refresh",
            "$13,520.00",
            "Partnerships › Evaluation",
            "Open · rotting 33 days",
            "Ava Thornton",
            "2026-12-17",
            "Nils Navarro",
            "nils.navarro49@redwoodanalytics.example.com",
            "no phone",
            "Redwood Analytics",
            "King Street West 78, M5H 2N2 Toronto, Canada",
        ):
            assert part in summary, part


async def test_deal_2_without_person_and_custom_fields() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot, 2)
        summary = _text(screen.query_one(DealSummary))
        assert "No person" in summary
        assert "Pioneer Consulting Munich" in summary
        assert not any("/persons" in r.path for r in demo.requests)


async def test_lost_deal_3_shows_reason_and_no_organization() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 3)
        summary = _text(screen.query_one(DealSummary))
        assert "Lost — Price too high" in summary
        assert "No organization" in summary
        marks = screen.query_one(StageStrip).marks
        assert [m.state for m in marks][:3] == ["passed", "current", "future"]


async def test_hostile_titles_are_shown_literally() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 7)
        summary = _text(screen.query_one(DealSummary))
        assert "[bold]x[/] markup test — Acme [red]renewal[/red]" in summary
        await pilot.press("escape")
        await pilot.pause()
        screen = await _open(app, pilot, 42)
        summary = _text(screen.query_one(DealSummary))
        assert "Escape sequence deal" in summary
        assert "\x1b" not in summary and "pwned" not in summary and "\x07" not in summary


# --- triage --------------------------------------------------------------------------------------


async def test_next_stage_won_and_lost_send_patches() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        await pilot.press("L")
        await _settle(app, pilot)
        assert _patches(demo)[-1].path == "/api/v2/deals/1"
        assert _patches(demo)[-1].body == {"stage_id": 10}
        assert screen.deal is not None and screen.deal.stage_id == 10
        assert [m.state for m in screen.query_one(StageStrip).marks][3] == "current"
        await pilot.press("w")
        await _settle(app, pilot)
        assert _patches(demo)[-1].body == {"status": "won"}
        assert screen.deal.status == "won"
        assert "Won" in _text(screen.query_one(DealSummary))
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one(Input).value = "Chose a competitor"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert _patches(demo)[-1].body == {"status": "lost", "lost_reason": "Chose a competitor"}
        assert screen.deal is not None and screen.deal.status == "lost"
        assert "Lost — Chose a competitor" in _text(screen.query_one(DealSummary))
        assert "lost:1" not in app.session.drafts


async def test_refused_lost_reverts_and_keeps_the_reason() -> None:
    faults = FaultPlan().server_error(500, path="/api/v2/deals/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one(Input).value = "Budget frozen"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert len(_patches(demo)) == 1
        assert screen.deal is not None and screen.deal.status == "open"
        assert "Open" in _text(screen.query_one(DealSummary))
        assert app.session.drafts["lost:1"] == "Budget frozen"
        assert any("your reason is kept" in note for note in _notes(app))
        # The retry offers the kept reason, and now goes through.
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "Budget frozen"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert screen.deal.status == "lost"
        assert "lost:1" not in app.session.drafts


async def test_read_only_refuses_triage() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        for key in ("L", "w", "x"):
            await pilot.press(key)
            await _settle(app, pilot)
        assert _patches(demo) == []
        assert screen.deal is not None and screen.deal.status == "open"
        assert isinstance(app.screen, DealDetailScreen)  # no lost-reason dialog
        assert any("Read-only mode" in note for note in _notes(app))


async def test_deal_saved_elsewhere_redraws() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        assert screen.deal is not None
        other = screen.deal.model_copy(update={"id": 2, "status": "won"})
        screen.post_message(DealSaved(other))
        await pilot.pause()
        assert screen.deal.status == "open"
        won = screen.deal.model_copy(update={"status": "won", "title": "Renamed"})
        screen.post_message(DealSaved(won))
        await pilot.pause()
        assert screen.deal is won
        assert "Renamed" in _text(screen.query_one(DealSummary))


# --- tabs ----------------------------------------------------------------------------------------


def _busy_deal() -> int:
    """The first deal with two mail threads, notes, activities and a participant."""
    for deal in ACCOUNT.deals:
        threads = [t for t in ACCOUNT.mail_threads if t["deal_id"] == deal["id"]]
        kinds = {e["object"] for e in ACCOUNT.deal_flow[deal["id"]]}
        people = ACCOUNT.deal_participants[deal["id"]]
        if len(threads) >= 2 and {"note", "activity", "dealChange"} <= kinds and people:
            return int(deal["id"])
    raise AssertionError("no busy deal in the demo account")


async def test_tabs_load_lazily_and_show_demo_content() -> None:
    deal_id = _busy_deal()
    flow = ACCOUNT.deal_flow[deal_id]
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, deal_id)

        def calls(part: str) -> int:
            return sum(1 for r in demo.requests if part in r.path)

        assert calls("/flow") == calls("/notes") == calls("/participants") == 0
        assert calls("/mailMessages") == 0
        await pilot.press("t")
        await _settle(app, pilot)
        timeline = screen.query_one("#detail-timeline", Timeline)
        assert len(timeline.entries) == len(flow)
        titles = [e.title for e in timeline.entries]
        assert any(t.startswith("Stage: ") and " → " in t for t in titles)
        assert any(t.startswith("Mail: ") for t in titles)
        notes_in_flow = [e for e in timeline.entries if e.kind == "note"]
        assert notes_in_flow and all("<" not in e.body for e in notes_in_flow)
        assert calls("/flow") == 1
        await pilot.press("n")
        await _settle(app, pilot)
        notes = screen.query_one("#detail-notes", Timeline)
        raw_notes = [n for n in ACCOUNT.notes if n.get("deal_id") == deal_id]
        assert sorted(e.body for e in notes.entries) == sorted(
            html_to_text(n["content"]) for n in raw_notes
        )
        await pilot.press("p")
        await _settle(app, pilot)
        people = screen.query_one("#detail-participants", DataTable)
        assert people.row_count == len(ACCOUNT.deal_participants[deal_id])
        first = ACCOUNT.deal_participants[deal_id][0]["person"]
        assert str(people.get_row_at(0)[0]) == first["name"]
        await pilot.press("m")
        await _settle(app, pilot)
        mail = screen.query_one("#detail-mail", DataTable)
        threads = [t for t in ACCOUNT.mail_threads if t["deal_id"] == deal_id]
        assert mail.row_count == len(threads)
        # Showing a tab again does not fetch it again; r refetches the deal and the open tab.
        await pilot.press("t")
        await _settle(app, pilot)
        assert calls("/flow") == 1
        deal_calls = calls(f"/api/v2/deals/{deal_id}")
        await pilot.press("r")
        await _settle(app, pilot)
        assert calls("/flow") == 2
        assert calls(f"/api/v2/deals/{deal_id}") == deal_calls + 1
        assert calls("/mailMessages") == 1


async def test_opening_a_mail_thread_shows_bodies_as_text() -> None:
    deal_id = _busy_deal()
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot, deal_id)
        await pilot.press("m")
        await _settle(app, pilot)
        table = app.screen.query_one("#detail-mail", DataTable)
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        thread_id = int(key.removeprefix("thread-"))
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, MailThreadScreen)
        raw = sorted(
            (m for m in ACCOUNT.mail_messages if m["mail_thread_id"] == thread_id),
            key=lambda m: m["message_time"],
        )
        views = list(app.screen.query(MailMessageView))
        assert len(views) == len(raw)
        html = []
        first_link = 1  # links are numbered across the thread
        for message, view in zip(raw, views, strict=True):
            body = render_body(message["body"], first_link=first_link)
            first_link += len(body.links)
            if "<p>" in message["body"]:
                html.append((message, view))
                assert view.facts.body == body.text
        assert html
        for _, view in html:
            assert view.facts.body and "<p>" not in view.facts.body
            assert "</" not in view.facts.body
        bodies = [r for r in demo.requests if "/mailbox/mailMessages/" in r.path]
        assert len(bodies) == len(raw)
        assert all(r.params.get("include_body") == "1" for r in bodies)
        subject = _text(app.screen.query_one("#thread-subject", Static))
        assert f"{len(raw)} messages" in subject
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DealDetailScreen)


# --- states --------------------------------------------------------------------------------------


async def test_deleted_deal_says_so_and_escape_goes_back() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 99_999)
        message = screen.query_one("#detail-message", Static)
        assert message.display
        assert "This deal no longer exists (deleted?)" in str(message.render())
        assert not screen.query_one("#detail-deal").display
        await pilot.press("w")  # nothing to triage
        await pilot.pause()
        assert isinstance(app.screen, DealDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_error_then_retry_with_r() -> None:
    faults = FaultPlan().server_error(503, count=1, path="/api/v2/deals/")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1)
        message = screen.query_one("#detail-message", Static)
        assert message.display
        text = str(message.render())
        assert "server error (503)" in text and "Press r to try again" in text
        assert not screen.query_one("#detail-deal").display
        await pilot.press("r")
        await _settle(app, pilot)
        assert not message.display
        assert screen.query_one("#detail-deal").display
        assert "Redwood Analytics hardware refresh" in _text(screen.query_one(DealSummary))


async def test_given_deal_is_drawn_even_when_the_fetch_fails() -> None:
    faults = FaultPlan().server_error(503, count=None, path="/api/v2/deals/")
    app, _ = demo_app(faults=faults)
    given = Deal.model_validate(ACCOUNT.deals[0])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot, 1, given)
        assert screen.query_one("#detail-deal").display
        assert "Redwood Analytics hardware refresh" in _text(screen.query_one(DealSummary))
        message = screen.query_one("#detail-message", Static)
        assert message.display and "Press r to try again" in str(message.render())
