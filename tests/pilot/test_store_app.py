"""The app keeps what Pipedrive confirms in the local store; resync forgets it; damage is told."""

from __future__ import annotations

from pathlib import Path

from pipedrive_tui.data.store import RecordStore
from tests.pilot.test_lead_triage import on_lead
from tests.pilot.test_leads_screen import SIZE, open_leads, settle
from tests.pilot.test_mail_screen import on_thread, open_mail
from tests.ui import demo_app


def _store(tmp_path: Path) -> RecordStore:
    return RecordStore.open(tmp_path / "store")


def _notes(app: object) -> str:
    return " ".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


async def test_a_confirmed_lead_edit_and_thread_flag_are_kept(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app, demo = demo_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: not x.was_seen)
        await pilot.press("m")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["was_seen"] is True
        kept = store.get("lead", lead.id)
        assert kept is not None and kept["was_seen"] is True
        await app.pop_screen()
        mail = await open_mail(pilot)
        thread = await on_thread(pilot, mail, lambda t: not t.read_flag)
        await pilot.press("m")
        await settle(pilot)
        kept_thread = store.get("mail_thread", thread.id)
        assert kept_thread is not None and kept_thread["read_flag"] in (1, True)


async def test_a_refused_lead_edit_is_not_kept(tmp_path: Path) -> None:
    from pipedrive_tui.demo.faults import FaultPlan

    store = _store(tmp_path)
    app, demo = demo_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leads(pilot)
        lead = await on_lead(pilot, screen, lambda x: not x.was_seen)
        demo.faults = FaultPlan().server_error(500, method="PATCH", count=None)
        await pilot.press("m")
        await settle(pilot)
        assert demo.store.leads.get(lead.id)["was_seen"] is False
        kept = store.get("lead", lead.id)  # the list keeps its leads; never the refused edit
        assert kept is None or kept["was_seen"] is False


async def test_resync_from_the_palette_forgets_the_stored_records(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.put("deal", [{"id": 1, "title": "old"}])
    store.save_list("deals:x", [1], "2026-11-20T09:00:00Z")
    app, demo = demo_app(store=store, start_mode="account")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(demo.requests)
        await pilot.press("ctrl+p")
        await pilot.press(*"resync everything")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert store.get("deal", 1) is None and store.load_list("deals:x") is None
        assert "stored records are forgotten" in _notes(app)
        # The screen on show fetched again.
        assert any(r.path.endswith("/pipelines") for r in demo.requests[before:])


async def test_a_damaged_store_is_rebuilt_and_the_user_told(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "store.sqlite3").write_bytes(b"this is not a database" * 100)
    store = RecordStore.open(folder)
    assert store.recovered
    app, _demo = demo_app(store=store, start_mode="account")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert store.recovered in _notes(app)
        store.put("deal", [{"id": 7, "title": "fine"}])
        assert store.get("deal", 7) == {"id": 7, "title": "fine"}
