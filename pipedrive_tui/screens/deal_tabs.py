"""The tabs of the deal detail under its fields: timeline, notes, participants and mail.

Each tab fetches its content the first time it is shown (:meth:`DealTab.ensure_loaded`) and
again only when asked (``r`` on the screen): nothing polls.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabPane

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields import FieldCatalog, FieldContext
from pipedrive_tui.fields.text import clean_text
from pipedrive_tui.screens.mail_thread import MailThreadScreen, ThreadSummary, group_threads
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.timeline import (
    FlowContext,
    Timeline,
    TimelineEntry,
    flow_entries,
    note_entries,
    stamp,
)

__all__ = ["DealTab", "MailTab", "NotesTab", "ParticipantsTab", "TimelineTab", "retry_text"]


def retry_text(error: PipedriveError) -> str:
    """An error for a tab: its (cleaned) message, then what to press."""
    return f"{clean_text(str(error))}\nPress r to try again."


class DealTab(TabPane):
    """A tab of one record (a deal, a lead) that loads its content lazily, once, until reloaded.

    ``deal_id`` is the record's id (a lead's is a string).
    """

    #: The selector of the widget that takes the focus when the tab is shown.
    FOCUS = ""

    def __init__(self, title: str, session: AccountSession, deal_id: Any, *, id: str) -> None:
        super().__init__(title, id=id)
        self.session = session
        self.deal_id = deal_id
        self.loaded = False

    def ensure_loaded(self) -> None:
        """Start loading, unless this tab has already loaded (or is loading)."""
        if not self.loaded:
            self.loaded = True
            self.load()

    def reload(self) -> None:
        """Forget what was loaded: the tab loads again when it is next shown."""
        self.loaded = False

    def load(self) -> object:
        """Fetch and draw the tab's content (a worker in each tab)."""
        raise NotImplementedError

    def focus_content(self) -> None:
        """Focus the tab's scrollable content."""
        if self.FOCUS:
            self.query_one(self.FOCUS).focus()


class TimelineTab(DealTab):
    """The deal's flow: field changes, stage moves, notes, mails and activities, newest first."""

    FOCUS = "#timeline-scroll"

    def __init__(self, session: AccountSession, deal_id: int) -> None:
        super().__init__("Timeline", session, deal_id, id="timeline")
        #: The deal's currency, for value changes that carry none.
        self.currency: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="timeline-scroll"):
            yield Timeline(id="detail-timeline", empty="Nothing happened on this deal yet.")

    @work(exclusive=True, group="deal-timeline", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the flow and name its changes with the cached lookups."""
        timeline = self.query_one(Timeline)
        timeline.show_message("Loading the timeline…")
        lookups = self.session.lookups
        try:
            catalog = FieldCatalog(await lookups.fields("deal"))
            users = {i: u.name for i, u in (await lookups.users()).items()}
            stages = {s.id: s.name for s in await lookups.stages()}
            pipelines = {p.id: p.name for p in await lookups.pipelines()}
            currencies = await lookups.currencies()
            result = await self.session.client.list_deal_flow(self.deal_id)
        except PipedriveError as error:
            self.loaded = False
            timeline.show_message(retry_text(error), error=True)
            return
        names = self.session.names
        context = FlowContext(
            users=users,
            stages=stages,
            pipelines=pipelines,
            catalog=catalog,
            fields=FieldContext(
                users=users,
                organizations={i: o.name for i, o in names.organizations.items()},
                persons={i: p.name for i, p in names.persons.items()},
                currencies=currencies,
                default_currency=self.currency,
            ),
        )
        entries = flow_entries(result.items, context)
        if not result.complete:
            reason = result.reason or "the list was cut short"
            entries.append(TimelineEntry(None, "change", f"Older entries not shown: {reason}"))
        timeline.show(entries)


class NotesTab(DealTab):
    """A record's notes, newest first, HTML shown as text (``key``: ``deal_id``, ``lead_id``)."""

    FOCUS = "#notes-scroll"

    def __init__(
        self, session: AccountSession, record_id: Any, *, key: str = "deal_id", noun: str = "deal"
    ) -> None:
        super().__init__("Notes", session, record_id, id="notes")
        self.key = key
        self.noun = noun

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="notes-scroll"):
            yield Timeline(id="detail-notes", empty=f"No notes on this {self.noun}.")

    @work(exclusive=True, group="deal-notes", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the notes attached to the record."""
        notes = self.query_one(Timeline)
        notes.show_message("Loading the notes…")
        try:
            users = {i: u.name for i, u in (await self.session.lookups.users()).items()}
            result = await self.session.client.list_notes(**{self.key: self.deal_id})
        except PipedriveError as error:
            self.loaded = False
            notes.show_message(retry_text(error), error=True)
            return
        notes.show(note_entries(result.items, users))


class ParticipantsTab(DealTab):
    """The persons taking part in the deal, with their email and phone."""

    FOCUS = "#detail-participants"

    def __init__(self, session: AccountSession, deal_id: int) -> None:
        super().__init__("Participants", session, deal_id, id="participants")

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="participants-message", classes="tab-message")
        yield DataTable(id="detail-participants", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Name", "Email", "Phone", "Added")

    @work(exclusive=True, group="deal-participants", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the participants, then their contact details through the name book."""
        table = self.query_one(DataTable)
        message = self.query_one("#participants-message", Static)
        message.update("Loading the participants…")
        message.display = True
        names = self.session.names
        try:
            result = await self.session.client.list_deal_participants(self.deal_id)
            await names.resolve([p.person_id for p in result.items])
        except PipedriveError as error:
            self.loaded = False
            message.update(Text(retry_text(error)))
            return
        table.clear()
        for item in result.items:
            person = names.persons.get(item.person_id) if item.person_id else None
            table.add_row(
                safe_line(item.person_name or (person.name if person else "Unknown person")),
                safe_line(person.primary_email if person else ""),
                safe_line(person.primary_phone if person else ""),
                stamp(item.add_time)[:10],
                key=f"participant-{item.id}",
            )
        message.display = not result.items
        message.update("Nobody takes part in this deal yet.")


class MailTab(DealTab):
    """The mail threads linked to the deal; ``enter`` opens one."""

    FOCUS = "#detail-mail"

    def __init__(self, session: AccountSession, deal_id: int) -> None:
        super().__init__("Mail", session, deal_id, id="mail")
        self.threads: list[ThreadSummary] = []

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="mail-message", classes="tab-message")
        yield DataTable(id="detail-mail", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Last message", "Subject", "With", "Messages")

    @work(exclusive=True, group="deal-mail", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the deal's messages and group them into threads."""
        table = self.query_one(DataTable)
        message = self.query_one("#mail-message", Static)
        message.update("Loading the mail…")
        try:
            result = await self.session.client.list_deal_mail_messages(self.deal_id)
        except PipedriveError as error:
            self.loaded = False
            message.update(Text(retry_text(error)))
            return
        table.clear()
        self.threads = group_threads(result.items)
        for thread in self.threads:
            table.add_row(
                stamp(thread.last_time),
                safe_line(thread.subject or "(no subject)"),
                safe_line(", ".join(thread.parties)),
                str(thread.count),
                key=f"thread-{thread.thread_id}",
            )
        message.update(
            "Enter opens a thread."
            if self.threads
            else "No mail is linked to this deal. Link a thread to it from the mailbox."
        )

    @on(DataTable.RowSelected, "#detail-mail")
    def _thread_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        if not key.startswith("thread-"):
            return
        self.open_thread(int(key.removeprefix("thread-")))

    def open_thread(self, thread_id: int) -> None:
        """Show the messages of a thread on their own screen."""
        subject = next((t.subject for t in self.threads if t.thread_id == thread_id), "")
        self.app.push_screen(MailThreadScreen(self.session, thread_id, subject))
