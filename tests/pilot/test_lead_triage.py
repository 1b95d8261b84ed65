"""Pilot tests of lead triage on the list and the detail: labels, archive, seen, owner, value,
conversion, links, read-only, and writes that fail."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from pipedrive_tui.api.models import Lead
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.lead_convert import conversions
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.lead_detail import LeadDetailScreen
from pipedrive_tui.screens.lead_forms import LeadValueForm, LeadValueScreen
from pipedrive_tui.screens.lead_labels import LabelNameScreen, LabelPicker
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from pipedrive_tui.widgets.lead_labels import LabelOptions
from pipedrive_tui.widgets.lead_summary import LeadSummary
from tests.pilot.test_leads_screen import SIZE, open_leads, pick, settle
from tests.ui import demo_app


def notes(app: PipedriveApp) -> list[str]:
    """The messages of the notifications shown so far."""
    return [str(note.message) for note in app._notifications]


def patches(demo: DemoPipedrive) -> list[Any]:
    """The lead updates the demo received."""
    return [r for r in demo.requests if r.method == "PATCH" and r.path.startswith("/v1/leads/")]


async def on_lead(pilot: Pilot[Any], screen: LeadsScreen, want: Any) -> Lead:
    """Put the cursor on the first lead for which ``want(lead)`` holds."""
    index = next(i for i, lead in enumerate(screen.rows.view) if want(lead))
    screen.table.move_cursor(index)
    await pilot.pause()
    lead = screen.table.cursor_record
    assert lead is not None
    return lead


async def toggle(pilot: Pilot[Any], name: str) -> None:
    """Press ``l`` and choose the label ``name`` in the picker."""
    await pilot.press("l")
    for _ in range(50):  # not settle(): a write may be held on purpose
        if isinstance(pilot.app.screen, LabelPicker):
            break
        await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, LabelPicker)
    label = next(x for x in picker.labels if x.name == name)
    picker.dismiss(label.id)
    await pilot.pause()


# --- labels ------------------------------------------------------------------------------------


def hold_first_update(app: PipedriveApp, monkeypatch: Any) -> asyncio.Event:
    """Make the first lead update wait for the returned event (a slow network)."""
    gate = asyncio.Event()
    client = app.session.client
    original = client.update_lead
    calls = 0

    async def slow(lead_id: str, **changes: Any) -> Lead:
        nonlocal calls
        calls += 1
        if calls == 1:
            await gate.wait()
        return await original(lead_id, **changes)

    monkeypatch.setattr(client, "update_lead", slow)
    return gate


async def test_two_label_toggles_in_a_row_keep_the_other_labels(monkeypatch: Any) -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        gate = hold_first_update(app, monkeypatch)
        labels = {x.name: x.id for x in (await app.session.lookups.lead_labels()).values()}
        lead = await on_lead(pilot, screen, lambda x: len(x.label_ids) == 1)
        kept = lead.label_ids[0]
        adds = [name for name in ("Warm", "VIP", "Cold", "Stale") if labels[name] != kept][:2]
        await toggle(pilot, adds[0])
        await toggle(pilot, adds[1])  # before the first answer: both must survive
        shown = screen.rows.find(lead.id)
        assert shown is not None
        assert shown.label_ids == [kept, labels[adds[0]], labels[adds[1]]]  # optimistic
        assert not patches(demo)  # the first is held, the second waits for it
        gate.set()
        await settle(pilot)
        stored = demo.store.leads.get(lead.id)["label_ids"]
        assert stored == [kept, labels[adds[0]], labels[adds[1]]]
        bodies = [r.body for r in patches(demo)]
        assert bodies == [
            {"label_ids": [kept, labels[adds[0]]]},
            {"label_ids": [kept, labels[adds[0]], labels[adds[1]]]},
        ]
        await toggle(pilot, adds[0])  # and off again: only that one leaves
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["label_ids"] == [kept, labels[adds[1]]]
        assert f"Removed label {adds[0]}" in notes(app)


async def test_a_refused_label_write_reverts_with_the_servers_message() -> None:
    faults = FaultPlan().server_error(500, count=1, path="/v1/leads/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: len(x.label_ids) == 1)
        before = list(lead.label_ids)
        await toggle(pilot, "Follow up" if "Follow up" not in before else "VIP")
        await settle(pilot)
        shown = screen.rows.find(lead.id)
        assert shown is not None and shown.label_ids == before
        assert demo.store.leads.get(lead.id)["label_ids"] == before
        assert any(n.startswith("Could not add the label") for n in notes(app))


async def test_first_toggle_refused_second_still_applies_on_the_confirmed_labels(
    monkeypatch: Any,
) -> None:
    faults = FaultPlan().server_error(500, count=1, path="/v1/leads/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        gate = hold_first_update(app, monkeypatch)
        labels = {x.name: x.id for x in (await app.session.lookups.lead_labels()).values()}
        lead = await on_lead(pilot, screen, lambda x: not x.label_ids)
        await toggle(pilot, "Hot")
        await toggle(pilot, "VIP")
        shown = screen.rows.find(lead.id)
        assert shown is not None and shown.label_ids == [labels["Hot"], labels["VIP"]]
        gate.set()
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["label_ids"] == [labels["VIP"]]
        shown = screen.rows.find(lead.id)
        assert shown is not None and shown.label_ids == [labels["VIP"]]


# --- archive, seen, owner ------------------------------------------------------------------------


async def test_archive_dims_the_row_then_unarchive_from_the_archived_view() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: True)
        await pilot.press("e")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["is_archived"] is True
        assert lead.id in screen.rows.marked  # stays, dimmed, until the refresh
        assert "1 changed" in str(screen.query_one("#leads-count").render())
        assert "Archived" in notes(app)
        await pilot.press("v")
        await settle(pilot)
        await on_lead(pilot, screen, lambda x: x.id == lead.id)
        await pilot.press("e")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["is_archived"] is False


async def test_mark_seen_and_unseen() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: not x.was_seen)
        await pilot.press("m")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["was_seen"] is True
        assert screen.table.row_class(screen.rows.find(lead.id)) == ""  # type: ignore[arg-type]
        await pilot.press("m")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["was_seen"] is False


async def test_change_owner() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: True)
        users = await app.session.lookups.users()
        other = next(u for u in users.values() if u.id != lead.owner_id and u.active_flag)
        await pilot.press("U")
        await settle(pilot)
        assert isinstance(app.screen, ChoicePicker)
        await pick(pilot, other.name)
        assert demo.store.leads.get(lead.id)["owner_id"] == other.id
        assert f"Given to {other.name}" in notes(app)


# --- value and close date ------------------------------------------------------------------------


async def test_edit_value_and_close_date_then_a_refusal_keeps_the_typing() -> None:
    faults = FaultPlan().server_error(500, count=1, after=1, path="/v1/leads/", method="PATCH")
    app, demo = demo_app()
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: True)
        await pilot.press("V")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LeadValueScreen)
        form.query_one("#value-amount", Input).value = "not a number"
        await pilot.press("enter")
        await pilot.pause()
        assert "Value: type a number" in str(form.query_one("#value-error").render())
        form.query_one("#value-amount", Input).value = "12,500.50"
        form.query_one("#value-currency", Input).value = "eur"
        form.query_one("#value-close", Input).value = "+7d"  # the app's clock: 2026-11-20
        form.query_one("#value-amount", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        stored = demo.store.leads.get(lead.id)
        assert stored["value"] == {"amount": 12500.5, "currency": "EUR"}
        assert stored["expected_close_date"] == "2026-11-27"
        # The second save is refused: the screen reverts, the typing is kept for the retry.
        await pilot.press("V")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LeadValueScreen)
        form.query_one("#value-amount", Input).value = "99"
        await pilot.press("enter")
        await settle(pilot)
        shown = screen.rows.find(lead.id)
        assert shown is not None and shown.value is not None and shown.value.amount == 12500.5
        assert demo.store.leads.get(lead.id)["value"]["amount"] == 12500.5
        assert any("what you typed is kept" in n for n in notes(app))
        await pilot.press("V")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LeadValueScreen)
        assert form.query_one("#value-amount", Input).value == "99"
        await pilot.press("enter")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["value"]["amount"] == 99
        assert f"lead-value:{lead.id}" not in app.session.drafts


async def test_clear_the_value_and_the_date() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: x.value is not None)
        app.session.drafts[f"lead-value:{lead.id}"] = LeadValueForm("", "", "")
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        stored = demo.store.leads.get(lead.id)
        assert stored.get("value") is None and stored.get("expected_close_date") is None


# --- conversion ----------------------------------------------------------------------------------


async def test_convert_reports_progress_and_opens_the_new_deal() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        conversions(demo.store).running_polls = 2
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: x.value is not None)
        await pilot.press("C")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        stage = picker.choices[1]
        picker.dismiss(stage)
        await settle(pilot)
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DealDetailScreen)
        deal = await app.session.client.get_deal(detail.deal_id)
        assert deal.title == lead.title and deal.stage_id == stage.key
        assert lead.value is not None and deal.value == lead.value.amount
        assert demo.store.leads.get(lead.id) is None
        said = notes(app)
        assert said.count("Converting the lead… running") == 2
        assert f"Converted: the lead is now deal #{deal.id}. Opening it." in said
        polls = [r for r in demo.requests if "/convert/status/" in r.path]
        assert len(polls) == 3  # running, running, completed: no blind polling
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and lead.id in screen.rows.marked
        assert screen.triage_lead() is None  # converted: no more triage on it


async def test_a_failed_conversion_says_so_and_keeps_the_lead() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        conversions(demo.store).outcome = "failed"
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: True)
        await pilot.press("C")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        picker.dismiss(picker.choices[0])
        await settle(pilot)
        assert app.screen is screen
        assert demo.store.leads.get(lead.id) is not None
        assert any(n.startswith("Could not convert the lead") for n in notes(app))
        assert lead.id not in screen.rows.marked


# --- the detail ----------------------------------------------------------------------------------


async def test_detail_marks_an_unseen_lead_seen_and_triage_works_there() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: not x.was_seen and not x.label_ids)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, LeadDetailScreen) and detail.lead_id == lead.id
        assert demo.store.leads.get(lead.id)["was_seen"] is True
        row = screen.rows.find(lead.id)
        assert row is not None and row.was_seen  # the list heard of it
        await toggle(pilot, "Hot")
        await settle(pilot)
        labels = {x.name: x.id for x in (await app.session.lookups.lead_labels()).values()}
        assert demo.store.leads.get(lead.id)["label_ids"] == [labels["Hot"]]
        assert detail.lead is not None and detail.lead.label_ids == [labels["Hot"]]
        row = screen.rows.find(lead.id)
        assert row is not None and row.label_ids == [labels["Hot"]]
        await pilot.press("e")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["is_archived"] is True
        summary = detail.query_one("#lead-summary", LeadSummary)
        assert summary.status_text().plain == "Archived · seen"


# --- links and read-only -------------------------------------------------------------------------


async def test_copy_and_open_links_use_the_leads_inbox_address(monkeypatch: Any) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
    app, _ = demo_app(company_domain="acme")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: True)
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("y")
        await pilot.press("o")
        await pilot.pause()
        url = f"https://acme.pipedrive.com/leads/inbox/{lead.id}"
        assert copied == [url]
        assert any(url in n and "No browser here" in n for n in notes(app))


async def test_read_only_sends_nothing() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: not x.was_seen)
        for key in ("l", "e", "m", "U", "V", "C"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
        await pilot.press("enter")  # opening does not mark it seen either
        await settle(pilot)
        assert not patches(demo) and not [r for r in demo.requests if r.method == "POST"]
        assert demo.store.leads.get(lead.id)["was_seen"] is False
        assert sum("Read-only mode" in n for n in notes(app)) == 6


async def test_a_label_renamed_in_the_manager_is_redrawn_on_the_list(monkeypatch: Any) -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        gate = asyncio.Event()
        client = app.session.client
        original = client.update_lead_label

        async def slow(label_id: str, **changes: Any) -> Any:
            await gate.wait()
            return await original(label_id, **changes)

        monkeypatch.setattr(client, "update_lead_label", slow)
        lead = await on_lead(pilot, screen, lambda x: len(x.label_ids) == 1)
        label_id = lead.label_ids[0]
        await pilot.press("L")
        await settle(pilot)
        manager = app.screen
        options = manager.query_one(LabelOptions)
        options.highlighted = next(i for i, x in enumerate(options.labels) if x.id == label_id)
        await pilot.press("e")
        await settle(pilot)
        namer = app.screen
        assert isinstance(namer, LabelNameScreen)
        namer.dismiss("Renamed label")
        await pilot.pause()
        await pilot.press("escape")  # closes the manager while the write is still in flight
        for _ in range(5):
            await pilot.pause()
        assert app.screen is screen
        gate.set()
        await settle(pilot)
        assert demo.store.lead_labels[label_id]["name"] == "Renamed label"
        assert screen.lookups.labels[label_id].name == "Renamed label"
        row = screen.rows.view.index(screen.rows.find(lead.id))  # type: ignore[arg-type]
        screen.table.move_cursor(row + 1 if row + 1 < len(screen.rows.view) else row - 1)
        await pilot.pause()
        assert " Renamed label " in screen.table.render_line(row + 1).text
