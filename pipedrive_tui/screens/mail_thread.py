"""One mail thread: every message with its sender, recipients and body as plain text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from pipedrive_tui import locations
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.api.models import MailMessage
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.messages import Activity
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.timeline import Timeline, TimelineEntry, body_text, parties_text

__all__ = ["MailThreadScreen", "ThreadSummary", "group_threads", "message_entry"]


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


def message_entry(message: MailMessage) -> TimelineEntry:
    """A message as a timeline entry: "From …", "To … · Cc …" and its body as plain text."""
    sender = parties_text(message.from_) or "unknown sender"
    detail = [f"To {parties_text(message.to)}" if message.to else "To nobody"]
    if message.cc:
        detail.append(f"Cc {parties_text(message.cc)}")
    if message.draft_flag:
        detail.append("draft")
    body = body_text(message.body) or clean_line(message.snippet) or "(no text)"
    return TimelineEntry(
        message.message_time or message.add_time,
        "mail",
        f"From {sender}",
        detail=" · ".join(detail),
        body=body,
    )


class MailThreadScreen(AppScreen):
    """The messages of a mail thread, oldest first, with their bodies; escape goes back."""

    CSS_PATH = str(locations.styles_dir() / "deal_detail.tcss")
    BINDINGS = [
        Binding(
            "escape,backspace",
            "back",
            "Back",
            id="mail_thread.back",
            tooltip="Close the thread and go back to the deal",
        ),
        Binding(
            "r", "refresh", "Refresh", id="mail_thread.refresh", tooltip="Fetch the thread again"
        ),
    ]

    def __init__(self, session: AccountSession, thread_id: int, subject: str = "") -> None:
        super().__init__()
        self.session = session
        self.thread_id = thread_id
        self.subject = subject
        self.messages: list[MailMessage] = []
        self.error = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="thread-body"):
            yield Static(id="thread-subject")
            yield Static(id="thread-message")
            with VerticalScroll(id="thread-scroll"):
                yield Timeline(id="thread-messages", empty="This thread has no messages.")

    def on_mount(self) -> None:
        self._show_subject()
        self.query_one("#thread-message", Static).display = False
        self.query_one("#thread-scroll", VerticalScroll).focus()
        self.load_thread()

    def _show_subject(self) -> None:
        text = safe_line(self.subject or "(no subject)")
        if self.messages:
            count = len(self.messages)
            text.append(f" · {count} message{'s' if count != 1 else ''}")
        self.query_one("#thread-subject", Static).update(text)

    def action_back(self) -> None:
        """Go back to the screen below."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        """Fetch the thread's messages again."""
        self.load_thread()

    @work(exclusive=True, group="mail-thread", exit_on_error=False)
    async def load_thread(self) -> None:
        """Fetch the thread's messages, then each body (HTML rendered as text)."""
        timeline = self.query_one("#thread-messages", Timeline)
        message = self.query_one("#thread-message", Static)
        timeline.show_message("Loading the thread…")
        self.app.post_message(Activity("Loading mail thread…"))
        client = self.session.client
        try:
            listed = await client.list_mail_thread_messages(self.thread_id)
            full = [await client.get_mail_message(m.id, include_body=True) for m in listed]
        except NotFoundError:
            self.error = "This mail thread no longer exists (deleted?). Press escape to go back."
        except PipedriveError as error:
            self.error = f"{error}\nPress r to try again."
        else:
            self.error = ""
            full.sort(key=lambda m: (_order(m.message_time), m.id))
            self.messages = full
            if not self.subject and full:
                self.subject = full[0].subject
            timeline.show([message_entry(m) for m in full])
            self._show_subject()
        message.display = bool(self.error)
        message.set_class(bool(self.error), "-error")
        if self.error:
            message.update(Text(self.error))
            timeline.show_message("")
        self.app.post_message(Activity("", refreshed=not self.error))
