"""Pilot tests of the mailbox and the thread view on the demo account: folders, triage, links."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from pipedrive_tui.api.models import MailThread
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.fields.mail_body import render_body
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.lead_detail import LeadDetailScreen
from pipedrive_tui.screens.link_picker import LinkPicker
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from pipedrive_tui.widgets.mail_message import MailMessageView
from tests.ui import demo_app

SIZE = (120, 36)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_mail(pilot: Pilot[Any], folder: str = "inbox") -> MailScreen:
    """Push the mailbox on a folder and wait for its first pages."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await settle(pilot)
    screen = MailScreen(app.session, folder)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


def folder_threads(demo: DemoPipedrive, folder: str) -> list[dict[str, Any]]:
    """The demo's threads of a folder, newest message first (the API's order)."""
    threads = [t for t in demo.store.threads if folder in (t.get("folders") or [])]
    return sorted(
        threads, key=lambda t: (str(t.get("last_message_timestamp") or ""), t["id"]), reverse=True
    )


def notes(app: PipedriveApp) -> list[str]:
    """The messages of the notifications shown so far."""
    return [str(note.message) for note in app._notifications]


def puts(demo: DemoPipedrive) -> list[Any]:
    """The thread updates the demo received."""
    return [r for r in demo.requests if r.method == "PUT"]


async def on_thread(pilot: Pilot[Any], screen: MailScreen, want: Any) -> MailThread:
    """Put the cursor on the first thread for which ``want(thread)`` holds."""
    index = next(i for i, t in enumerate(screen.rows.view) if want(t))
    screen.table.move_cursor(index)
    await pilot.pause()
    thread = screen.table.cursor_record
    assert thread is not None
    return thread


# --- folders -----------------------------------------------------------------------------------


async def test_inbox_newest_first_with_unread_counts() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        expected = folder_threads(demo, "inbox")
        assert [t.id for t in screen.rows.view] == [t["id"] for t in expected]
        unread = sum(1 for t in expected if not t.get("read_flag"))
        count = str(screen.query_one("#mail-count").render())
        assert count == f"{len(expected)} threads · {unread} unread · all loaded"
        folders = screen.query_one("#mail-folders", OptionList)
        assert str(folders.get_option_at_index(0).prompt) == f"Inbox  {unread}"
        row = next(i for i, t in enumerate(screen.rows.view) if not t.read_flag)
        assert screen.table.row_class(screen.rows.view[row]) == "unread"
        line = screen.table.render_line(row + 1).text
        assert line.lstrip().startswith("●") and screen.rows.view[row].subject[:10] in line
        requests = [r for r in demo.requests if r.path == "/v1/mailbox/mailThreads"]
        assert requests[0].params.get("folder") == "inbox"


async def test_brackets_walk_the_folders_and_the_list_picks_one() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        for folder in ("drafts", "sent", "archive", "inbox"):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert screen.folder == folder
            assert [t.id for t in screen.rows.view] == [
                t["id"] for t in folder_threads(demo, folder)
            ]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.folder == "archive"
        folders = screen.query_one("#mail-folders", OptionList)
        folders.focus()
        folders.highlighted = 2
        await pilot.press("enter")
        await settle(pilot)
        assert screen.folder == "sent" and screen.table.has_focus


async def test_error_then_retry_and_an_empty_folder() -> None:
    faults = FaultPlan().server_error(503, count=1, path="/v1/mailbox/mailThreads", method="GET")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        assert "Press r to try again" in str(screen.query_one("#mail-message").render())
        await pilot.press("r")
        await settle(pilot)
        assert screen.rows.view and screen.table.display
        for thread in list(demo.store.threads):
            if "drafts" in (thread.get("folders") or []):
                changed = demo.store.copy(thread)
                changed["folders"] = ["sent"]
                demo.store.threads.put(changed)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "No drafts." in str(screen.query_one("#mail-message").render())


async def test_search_narrows_the_loaded_threads() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        total = len(screen.rows.view)
        word = screen.rows.view[2].subject.split()[0]
        await pilot.press("slash", *word)
        await pilot.pause()
        assert 0 < len(screen.rows.view) < total
        assert all(word.casefold() in screen._text(t).casefold() for t in screen.rows.view)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert len(screen.rows.view) == total


# --- triage ------------------------------------------------------------------------------------


async def test_read_and_archive_then_back() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        thread = await on_thread(pilot, screen, lambda t: not t.read_flag)
        await pilot.press("m")
        await settle(pilot)
        assert demo.store.threads.get(thread.id)["read_flag"] == 1
        assert "Marked as read" in notes(app)
        await pilot.press("e")
        await settle(pilot)
        stored = demo.store.threads.get(thread.id)
        assert stored["archived_flag"] == 1 and stored["folders"] == ["archive"]
        assert thread.id in screen.rows.marked  # dimmed until the refresh
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await settle(pilot)
        await on_thread(pilot, screen, lambda t: t.id == thread.id)
        await pilot.press("e")
        await settle(pilot)
        assert demo.store.threads.get(thread.id)["folders"] == ["inbox"]


async def test_a_refused_write_reverts() -> None:
    faults = FaultPlan().server_error(500, count=1, path="/v1/mailbox/mailThreads/", method="PUT")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        thread = await on_thread(pilot, screen, lambda t: t.read_flag)
        await pilot.press("m")
        await settle(pilot)
        shown = screen.rows.find(thread.id)
        assert shown is not None and shown.read_flag
        assert demo.store.threads.get(thread.id)["read_flag"] == 1
        assert any(n.startswith("Could not mark the thread") for n in notes(app))


async def test_read_only_sends_nothing() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        await on_thread(pilot, screen, lambda t: not t.read_flag)
        for key in ("m", "e", "l", "U"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        await pilot.press("enter")  # opening does not mark it read either
        await settle(pilot)
        assert not puts(demo)
        assert sum("Read-only mode" in n for n in notes(app)) == 4


async def test_link_to_a_deal_jump_unlink_and_link_to_a_lead() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        thread = await on_thread(pilot, screen, lambda t: t.deal_id is None and t.lead_id is None)
        deal = next(iter(demo.store.deals))
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, LinkPicker)
        picker.query_one(Input).value = deal["title"]
        await settle(pilot)
        await pilot.pause(0.5)  # the search waits for typing to pause
        await settle(pilot)
        assert any(c.kind == "deal" and c.record_id == deal["id"] for c in picker.choices)
        index = next(i for i, c in enumerate(picker.choices) if c.record_id == deal["id"])
        picker.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert demo.store.threads.get(thread.id)["deal_id"] == deal["id"]
        row = screen.rows.find(thread.id)
        assert row is not None and row.deal_id == deal["id"]
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, DealDetailScreen) and app.screen.deal_id == deal["id"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert demo.store.threads.get(thread.id).get("deal_id") is None
        form = puts(demo)[-1].body
        assert form == {"deal_id": ""}
        lead = next(x for x in demo.store.leads if not x.get("is_archived"))
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, LinkPicker)
        picker.query_one(Input).value = lead["title"]
        await pilot.pause(0.5)
        await settle(pilot)
        index = next(i for i, c in enumerate(picker.choices) if c.record_id == lead["id"])
        picker.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert demo.store.threads.get(thread.id)["lead_id"] == lead["id"]
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, LeadDetailScreen) and app.screen.lead_id == lead["id"]


# --- the thread view ---------------------------------------------------------------------------


async def test_opening_a_thread_marks_it_read_and_shows_every_message() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        threads = {t["id"] for t in demo.store.threads}
        with_html = {
            m["mail_thread_id"] for m in demo.account.mail_messages if "<" in (m.get("body") or "")
        }
        thread = await on_thread(
            pilot, screen, lambda t: not t.read_flag and t.id in with_html & threads
        )
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, MailThreadScreen) and view.thread_id == thread.id
        raw = [m for m in demo.account.mail_messages if m["mail_thread_id"] == thread.id]
        messages = list(view.query(MailMessageView))
        assert len(messages) == len(raw)
        for message in messages:
            assert "<p>" not in message.facts.body and "</" not in message.facts.body
        assert demo.store.threads.get(thread.id)["read_flag"] == 1
        row = screen.rows.find(thread.id)
        assert row is not None and row.read_flag  # the list heard of it
        subject = str(view.query_one("#thread-subject").render())
        assert thread.subject[:20] in subject


async def test_quoted_history_folds_and_links_open_and_copy(monkeypatch: Any) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mail(pilot)
        rendered = [
            (m["mail_thread_id"], render_body(m.get("body"))) for m in demo.account.mail_messages
        ]
        quoted = {thread for thread, body in rendered if body.quoted}
        linked = {thread for thread, body in rendered if body.links}
        await on_thread(pilot, screen, lambda t: t.id in quoted & linked)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, MailThreadScreen) and view.rendered is not None
        folded = [m for m in view.query(MailMessageView) if m.facts.quoted]
        assert folded and not any(m.expanded for m in folded)
        await pilot.press("z")
        await pilot.pause()
        assert all(m.expanded for m in folded)
        links = view.rendered.links
        assert links
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press("enter")
        await pilot.pause()
        assert copied == [links[0]]
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert any(links[0] in n and "No browser here" in n for n in notes(app))


async def test_r_keeps_the_threads_and_cursor_and_a_failed_refresh_keeps_them() -> None:
    app, demo = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_mail(pilot)
        await pilot.press("j", "j")
        chosen = screen.table.cursor_record
        shown = [t.id for t in screen.rows.view]
        demo.faults.server_error(503, path="/v1/mailbox/mailThreads")
        await pilot.press("r")
        await settle(pilot)
        assert [t.id for t in screen.rows.view] == shown and screen.table.display
        assert "503" in screen.partial_error and not screen.error
        assert screen.table.cursor_record == chosen
        await pilot.press("r")
        await settle(pilot)
        assert [t.id for t in screen.rows.view] == shown and not screen.partial_error
        assert screen.table.cursor_record == chosen
