"""One mail thread: every message with its sender, recipients, date, attachments and body.

Bodies are fetched with the messages (``include_body=1``) and turned into text in a worker
thread (:func:`~pipedrive_tui.fields.mail_body.render_body`), so a 1 MB body does not freeze
the screen; nothing remote is fetched (images read ``[image: …]``). Links are numbered across
the thread: ``o`` opens one and ``y`` copies one. Quoted history is folded (``z`` shows it).
Opening an unread thread marks it read, as Pipedrive's web app does. The mail triage keys
work here too (read, archive, link, unlink, go to the linked deal or lead).

Keys: ``escape``/``backspace`` back, ``r`` refresh, ``z`` quoted history, ``o``/``y`` links,
``m`` ``e`` ``l`` ``U`` ``J`` triage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from pipedrive_tui import locations
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.api.models import MailMessage, MailParty, MailThread
from pipedrive_tui.data.mail import folder_of
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields.mail_body import render_body
from pipedrive_tui.fields.text import clean_line, clean_text
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.mail_triage import MAIL_TRIAGE_BINDINGS, MailTriage
from pipedrive_tui.screens.messages import Activity, ThreadSaved
from pipedrive_tui.screens.triage import copy_link, open_link
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker
from pipedrive_tui.widgets.mail_message import MailMessageView, MessageFacts
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.timeline import stamp
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["MailThreadScreen", "RenderedThread", "ThreadSummary", "group_threads", "render_thread"]


@dataclass
class ThreadSummary:
    """The messages of one thread linked to a deal, summed up for a list row."""

    thread_id: int
    subject: str = ""
    last_time: datetime | None = None
    parties: list[str] = field(default_factory=list)
    count: int = 0


def _order(when: datetime | None) -> float:
    """A sort key for optional timestamps: unknown ones first."""
    return when.timestamp() if when is not None else float("-inf")


def group_threads(messages: Iterable[MailMessage]) -> list[ThreadSummary]:
    """Group a deal's messages by ``mail_thread_id``, the thread with the newest message first.

    The subject is the one of the thread's oldest message (replies add "Re: "); messages with no
    thread id are left out, since there is no thread to open.
    """
    threads: dict[int, ThreadSummary] = {}
    oldest: dict[int, datetime | None] = {}
    for message in messages:
        if message.mail_thread_id is None:
            continue
        thread = threads.setdefault(message.mail_thread_id, ThreadSummary(message.mail_thread_id))
        when = message.message_time
        thread.count += 1
        if _order(when) >= _order(thread.last_time):
            thread.last_time = when
        if thread.thread_id not in oldest or _order(when) < _order(oldest[thread.thread_id]):
            thread.subject = clean_line(message.subject)
            oldest[thread.thread_id] = when
        for party in (*message.from_, *message.to):
            label = clean_line(party.label)
            if label and label not in thread.parties:
                thread.parties.append(label)
    return sorted(
        threads.values(),
        key=lambda t: (_order(t.last_time), t.thread_id),
        reverse=True,
    )


@dataclass(frozen=True)
class RenderedThread:
    """A thread's messages ready to show: one :class:`MessageFacts` each, and every link."""

    messages: tuple[MessageFacts, ...]
    links: tuple[str, ...]


def _party(party: MailParty) -> str:
    name = clean_line(party.name or party.linked_person_name or "")
    address = clean_line(party.email_address)
    if name and address and name != address:
        return f"{name} <{address}>"
    return name or address


def _parties(parties: Iterable[MailParty]) -> str:
    return ", ".join(p for p in (_party(x) for x in parties) if p)


def _size(size: Any) -> str:
    if not isinstance(size, int | float) or isinstance(size, bool):
        return ""
    units = ("bytes", "kB", "MB", "GB")
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    return f"{value:.0f} {units[unit]}" if unit == 0 else f"{value:.1f} {units[unit]}"


def _attachments(message: MailMessage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Attachment lines ("name · size") when the message lists them; else a note if it has any."""
    lines: list[str] = []
    for item in message.attachments:
        if not item.get("inline_flag"):
            name = clean_line(str(item.get("file_name") or item.get("name") or "attachment"))
            size = _size(item.get("file_size", item.get("size")))
            lines.append(f"{name} · {size}" if size else name)
    notes: tuple[str, ...] = ()
    if not lines and message.has_real_attachments_flag:
        notes = ("This message has attachments (Pipedrive does not list them here).",)
    return tuple(lines), notes


def render_thread(messages: Iterable[MailMessage]) -> RenderedThread:
    """Every message's header and body as text, links numbered across the thread (slow: HTML)."""
    facts: list[MessageFacts] = []
    links: list[str] = []
    for message in messages:
        body = render_body(message.body, first_link=len(links) + 1)
        links.extend(body.links)
        text = body.text or clean_text(message.snippet)
        attachments, notes = _attachments(message)
        if message.draft_flag:
            notes = ("Draft: not sent yet.", *notes)
        facts.append(
            MessageFacts(
                sender=_parties(message.from_) or "unknown sender",
                to=_parties(message.to),
                cc=_parties(message.cc),
                when=stamp(message.message_time or message.add_time),
                body=text,
                quoted=body.quoted,
                attachments=attachments,
                notes=notes,
            )
        )
    return RenderedThread(tuple(facts), tuple(links))


class MailThreadScreen(AppScreen, MailTriage, VimKeys):
    """The messages of a mail thread, oldest first, with their bodies; escape goes back."""

    CSS_PATH = [
        str(locations.styles_dir() / "deal_detail.tcss"),
        str(locations.styles_dir() / "mail.tcss"),
    ]
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="mail_thread.back",
                tooltip="Close the thread and go back"),
        Binding("r", "refresh", "Refresh", id="mail_thread.refresh",
                tooltip="Fetch the thread again"),
        Binding("z", "toggle_quoted", "History", id="mail_thread.quoted",
                tooltip="Show or fold the quoted history of the messages"),
        Binding("o", "open_link", "Open link", id="mail_thread.open_link",
                tooltip="Open one of the thread's numbered links (prints it over SSH)"),
        Binding("y", "copy_link", "Copy link", id="mail_thread.copy_link", show=False,
                tooltip="Copy one of the thread's numbered links (OSC 52)"),
        *MAIL_TRIAGE_BINDINGS,
        *VIM_BINDINGS,
    ]  # fmt: skip

    def __init__(
        self,
        session: AccountSession,
        thread_id: int,
        subject: str = "",
        thread: MailThread | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.thread_id = thread_id
        self.subject = subject or (thread.subject if thread else "")
        self.thread = thread
        self.messages: list[MailMessage] = []
        self.rendered: RenderedThread | None = None
        self.expanded = False
        self.error = ""
        self._read_sent = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="thread-body"):
            yield Static(id="thread-subject")
            yield Static(id="thread-facts")
            yield Static(id="thread-message")
            yield VerticalScroll(id="thread-scroll")

    def on_mount(self) -> None:
        self._draw_head()
        self.query_one("#thread-message", Static).display = False
        self.query_one("#thread-scroll", VerticalScroll).focus()
        self.load_thread()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Triage keys only once the thread is known."""
        needs = {"toggle_read", "toggle_archive", "link", "unlink", "jump"}
        return action not in needs or self.thread is not None

    # --- drawing ---------------------------------------------------------------------------

    def _draw_head(self) -> None:
        text = safe_line(self.subject or "(no subject)")
        if self.messages:
            count = len(self.messages)
            text.append(f" · {count} message{'s' if count != 1 else ''}")
        self.query_one("#thread-subject", Static).update(text)
        self.query_one("#thread-facts", Static).update(self._facts_line())

    def _facts_line(self) -> Text:
        thread = self.thread
        if thread is None:
            return Text("")
        parts = [", ".join(folder_of(f).title for f in thread.folders) or "no folder"]
        parts.append("read" if thread.read_flag else "unread")
        if thread.deal_id is not None:
            parts.append(f"linked to deal #{thread.deal_id} (J opens it)")
        elif thread.lead_id is not None:
            parts.append("linked to a lead (J opens it)")
        else:
            parts.append("not linked (l links it)")
        if self.rendered is not None and self.rendered.links:
            count = len(self.rendered.links)
            parts.append(f"{count} link{'s' if count != 1 else ''} (o opens, y copies)")
        return Text(" · ".join(parts))

    async def _draw_messages(self) -> None:
        scroll = self.query_one("#thread-scroll", VerticalScroll)
        await scroll.remove_children()
        rendered = self.rendered
        if rendered is None:
            return
        if not rendered.messages:
            await scroll.mount(Static("This thread has no messages.", classes="thread-empty"))
            return
        views = [
            MailMessageView(facts, expanded=self.expanded, classes="thread-message")
            for facts in rendered.messages
        ]
        await scroll.mount_all(views)

    # --- loading ---------------------------------------------------------------------------

    @work(exclusive=True, group="mail-thread", exit_on_error=False)
    async def load_thread(self) -> None:
        """Fetch the thread and its messages with bodies, then render them off the UI thread."""
        message = self.query_one("#thread-message", Static)
        message.display = True
        message.set_class(False, "-error")
        message.update("Loading the thread…")
        self.app.post_message(Activity("Loading mail thread…"))
        client = self.session.client
        gate = asyncio.Semaphore(4)

        async def full(item: MailMessage) -> MailMessage:
            async with gate:
                return await client.get_mail_message(item.id, include_body=True)

        try:
            if self.thread is None:
                self.thread = await client.get_mail_thread(self.thread_id)
            listed = await client.list_mail_thread_messages(self.thread_id)
            bodies = list(await asyncio.gather(*(full(m) for m in listed)))
        except NotFoundError:
            self.error = "This mail thread no longer exists (deleted?). Press escape to go back."
        except PipedriveError as error:
            self.error = f"{error}\nPress r to try again."
        else:
            self.error = ""
            bodies.sort(key=lambda m: (_order(m.message_time), m.id))
            self.messages = bodies
            if not self.subject and bodies:
                self.subject = bodies[0].subject
            self.rendered = await asyncio.to_thread(render_thread, bodies)
            await self._draw_messages()
            self._mark_read()
        message.display = bool(self.error)
        message.set_class(bool(self.error), "-error")
        if self.error:
            message.update(Text(clean_text(self.error)))
        self._draw_head()
        self.refresh_bindings()
        self.app.post_message(Activity("", refreshed=not self.error))

    def _mark_read(self) -> None:
        """Opening an unread thread marks it read (quietly; not in read-only mode)."""
        thread = self.thread
        if thread is None or thread.read_flag or self.session.read_only or self._read_sent:
            return
        self._read_sent = True
        self.write_thread(
            thread, {"read": True}, {"read_flag": True}, done="", failed="Could not mark it read",
            quiet=True,
        )  # fmt: skip

    # --- triage ----------------------------------------------------------------------------

    def triage_thread(self) -> MailThread | None:
        """The thread shown."""
        return self.thread

    def show_thread(self, thread: MailThread) -> None:
        """Draw this version of the thread."""
        if thread.id == self.thread_id:
            self.thread = thread
            self._draw_head()

    @on(ThreadSaved)
    def _thread_saved(self, message: ThreadSaved) -> None:
        message.stop()
        self.show_thread(message.thread)

    # --- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        """Go back to the screen below."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        """Fetch the thread and its messages again."""
        self.load_thread()

    def action_toggle_quoted(self) -> None:
        """Show or fold the quoted history of every message."""
        self.expanded = not self.expanded
        for view in self.query(MailMessageView):
            view.set_expanded(self.expanded)
        if self.rendered is not None and not any(m.quoted for m in self.rendered.messages):
            self.notify("No quoted history in this thread.")

    def _pick_link(self, title: str, then: Callable[[str], None]) -> None:
        links = self.rendered.links if self.rendered is not None else ()
        if not links:
            self.notify("This thread has no links.")
            return
        choices = [Choice(i, f"[{i}] {url}") for i, url in enumerate(links, start=1)]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                then(links[int(choice.key) - 1])

        self.app.push_screen(ChoicePicker(title, choices, 1), chosen)

    def action_open_link(self) -> None:
        """Open one of the thread's links in a browser (or show it where none can open)."""
        self._pick_link("Open a link", lambda url: open_link(self, url))

    def action_copy_link(self) -> None:
        """Copy one of the thread's links (OSC 52)."""
        self._pick_link("Copy a link", lambda url: copy_link(self, url))
