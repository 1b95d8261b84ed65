"""The mailbox: folders beside the threads of the chosen one, newest first.

Each row shows who the thread is with (names, else addresses), the subject and a snippet, when
the last message came, whether it has attachments and whether it is linked to a deal or a lead;
unread threads are bold. Pages load incrementally, as on the other lists. Pipedrive gives no
unread counts, so a folder's count is of the threads loaded, and a folder not opened yet shows
none. ``/`` narrows the loaded threads; ``[``/``]`` (or the folder list) change the folder.

With a record store, a folder opens as it was last kept, marked "cached" until its first page
is read again (:mod:`~pipedrive_tui.data.mail_sync`); each load keeps it again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from pipedrive_tui import locations
from pipedrive_tui.api.models import MailThread
from pipedrive_tui.api.pagination import Page
from pipedrive_tui.data.mail import (
    FOLDERS,
    ThreadRows,
    folder_of,
    mail_count_text,
    mail_empty_text,
    parties_line,
    when_text,
)
from pipedrive_tui.data.mail_sync import cached_when, recall_folder, save_folder
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.mail_triage import MAIL_TRIAGE_BINDINGS, MailTriage
from pipedrive_tui.screens.messages import Activity, ThreadSaved
from pipedrive_tui.screens.paged import PagedLoading, SearchBox
from pipedrive_tui.widgets.mail_table import MailTable
from pipedrive_tui.widgets.safe_text import safe_line, safe_text
from pipedrive_tui.widgets.table_columns import Pieces, TableColumn

__all__ = ["MailScreen", "mail_columns"]


def mail_columns(now: datetime, me: Callable[[], str | None] = lambda: None) -> list[TableColumn]:
    """The columns of a folder: unread dot, who, subject and snippet, markers, time.

    ``me`` gives the user's address once it is known (left out of "With").
    """

    def subject(thread: MailThread) -> Pieces:
        pieces: Pieces = [(thread.subject or "(no subject)", "")]
        if thread.snippet:
            pieces.append((f" — {thread.snippet}", "mail-table--snippet"))
        return pieces

    def link(thread: MailThread) -> str:
        if thread.deal_id is not None:
            return "deal"
        return "lead" if thread.lead_id is not None else ""

    def count(thread: MailThread) -> str:
        return str(thread.message_count) if thread.message_count > 1 else ""

    return [
        TableColumn("unread", " ", lambda t: "" if t.read_flag else "●", width=1, priority=0),
        TableColumn("with", "With", lambda t: parties_line(t, me()), width=18, priority=0),
        TableColumn("count", "#", count, width=2, align="right", priority=3),
        TableColumn("subject", "Subject", lambda t: f"{t.subject} {t.snippet}", width=16,
                    flexible=True, priority=0, pieces=subject),
        TableColumn("attach", "Att", lambda t: "att" if t.has_real_attachments_flag else "",
                    width=3, priority=2),
        TableColumn("link", "Link", link, width=4, priority=2),
        TableColumn("when", "When", lambda t: when_text(t.last_message_timestamp, now),
                    width=10, align="right", priority=0),
    ]  # fmt: skip


class MailScreen(AppScreen, PagedLoading, SearchBox, MailTriage):
    """The folders and the threads of one, with read/archive/link triage."""

    CSS_PATH = str(locations.styles_dir() / "mail.tcss")
    AUTO_FOCUS = "#mail-table"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="mail.refresh", tooltip="Fetch the folder again"),
        Binding("right_square_bracket", "folder(1)", "Folder", key_display="]",
                id="mail.folder_next", tooltip="Inbox → drafts → sent → archive"),
        Binding("left_square_bracket", "folder(-1)", "Prev folder", key_display="[",
                show=False, id="mail.folder_previous", tooltip="The previous folder"),
        Binding("slash", "search", "Search", key_display="/", id="mail.search",
                tooltip="Narrow the loaded threads by subject, snippet or party"),
        Binding("escape", "clear_search", "Clear search", show=False, id="mail.clear_search",
                tooltip="Clear the search"),
        Binding("a", "load_all", "Load all", show=False, id="mail.load_all",
                tooltip="Load every page of the folder"),
        *MAIL_TRIAGE_BINDINGS,
    ]  # fmt: skip

    NOUN = "threads of this folder"
    SEARCH_ID = "#mail-search"

    def __init__(self, session: AccountSession, folder: str = "inbox") -> None:
        super().__init__()
        self.session = session
        self.folder = folder_of(folder).key
        self.rows = ThreadRows(self.folder, self._text)
        self.init_paging()
        #: Unread threads counted in each folder loaded so far (``None``: not opened yet).
        self.unread: dict[str, int] = {}
        #: When the kept threads shown were saved ("12:03"), until the first page lands.
        self._cached = ""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="mail-body"):
            yield OptionList(id="mail-folders")
            with Vertical(id="mail-main"):
                with Horizontal(id="mail-toolbar"):
                    yield Label(id="mail-folder")
                    yield Label(id="mail-cached")
                    yield Label(id="mail-count")
                yield Input(placeholder="Search subject, snippet, people…", id="mail-search")
                yield LoadingIndicator(id="mail-loading")
                yield Static(id="mail-message")
                yield MailTable(id="mail-table")

    def on_mount(self) -> None:
        self.search_box.display = False
        self._draw_folders()
        self._set_columns()
        self.reload(warm=True)

    @property
    def table(self) -> MailTable:
        """The threads."""
        return self.query_one("#mail-table", MailTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a search only when there is one."""
        if action == "clear_search":
            return bool(self.search_box.display) or self.rows.narrowed
        return True

    def _text(self, thread: MailThread) -> str:
        return f"{thread.subject}\n{thread.snippet}\n{parties_line(thread)}"

    def _me(self) -> str | None:
        me = self.session.me
        return me.email if me is not None else None

    def _set_columns(self) -> None:
        clock = getattr(self.app, "clock", datetime.now)
        self.table.set_columns(mail_columns(clock(), self._me))

    # --- folders ----------------------------------------------------------------------------

    def _draw_folders(self) -> None:
        folders = self.query_one("#mail-folders", OptionList)
        highlighted = next(i for i, f in enumerate(FOLDERS) if f.key == self.folder)
        folders.clear_options()
        for folder in FOLDERS:
            prompt = Text(folder.title)
            unread = self.unread.get(folder.key)
            if unread:
                prompt.append(f"  {unread}", style="bold")
            folders.add_option(Option(prompt, id=folder.key))
        folders.highlighted = highlighted

    def show_folder(self, key: str) -> None:
        """Show the threads of another folder."""
        key = folder_of(key).key
        if key == self.folder:
            return
        self.folder = key
        self.reload(warm=True)
        self._draw_folders()

    def action_folder(self, delta: int) -> None:
        """The next (1) or previous (-1) folder."""
        keys = [f.key for f in FOLDERS]
        self.show_folder(keys[(keys.index(self.folder) + delta) % len(keys)])

    @on(OptionList.OptionSelected, "#mail-folders")
    def _folder_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_folder(event.option.id)
            self.table.focus()

    # --- loading ----------------------------------------------------------------------------

    def reload(self, warm: bool = False, keep_shown: bool = False) -> None:
        """Forget the loaded threads and fetch the folder's first pages again (``warm``: draw
        the folder as the store kept it first; ``keep_shown``: the threads on screen stay until
        the first new page takes their place, and stay if it fails)."""
        search = self.rows.search
        keep = keep_shown and bool(self.rows.loaded) and not self.error
        if not keep:
            self.rows = ThreadRows(self.folder, self._text)
            self.rows.search = search
        stale = self.reset_paging()
        self.table.set_rows(self.rows.view)
        self.table.set_marked(self.rows.marked)
        if not keep:
            self.table.move_cursor(0)
        self._cached = ""
        self._show()
        if keep:
            self.reload_kept(stale)
        elif warm and self.session.store is not None:
            self.warm_start(stale)
        else:
            self.load_pages(stale)

    @work(exclusive=True, group="mail-pages", exit_on_error=False)
    async def load_pages(self, stale: AsyncIterator[Page[MailThread]] | None = None) -> None:
        """Fetch pages of the folder until the budget or the end."""
        await self._walk(stale, self.rows)

    @work(exclusive=True, group="mail-pages", exit_on_error=False)
    async def reload_kept(self, stale: AsyncIterator[Page[MailThread]] | None = None) -> None:
        """Fetch the folder again while the threads on screen stay (``r``)."""
        fresh = ThreadRows(self.folder, self._text)
        fresh.search = self.rows.search
        await self._walk(stale, fresh)

    async def _walk(self, stale: AsyncIterator[Page[MailThread]] | None, rows: ThreadRows) -> None:
        """Fetch pages into ``rows`` (which take the place of cached threads at the first page),
        then keep the folder."""
        folder = rows.folder

        def start() -> AsyncIterator[Page[MailThread]]:
            return self.session.client.iter_mail_thread_pages(folder, limit=self.page_size)

        def arrived(threads: list[MailThread]) -> None:
            if self.rows is not rows:
                self.rows, self._cached = rows, ""
                self.table.set_marked(rows.marked)
            rows.add(threads)
            rows.rebuild()
            self.table.set_rows(rows.view)
            self._counted()
            self._show()

        verb = f"Cached {self._cached} · refreshing" if self._cached else "Loading"
        label = f"{verb} {folder_of(folder).title}…"
        if not await self.walk_pages(stale, start, arrived, label):
            return
        if (self._cached or self.rows is not rows) and self.error:  # kept threads stay: why
            self.partial_error, self.error = self.error, ""
        self._show()
        if not (self.error or self._cached):
            await save_folder(self.session.store, self.rows)

    @work(exclusive=True, group="mail-pages", exit_on_error=False)
    async def warm_start(self, stale: AsyncIterator[Page[MailThread]] | None = None) -> None:
        """Draw the folder as the store kept it, then read its first page again (its threads
        take the place of the kept ones, the cursor staying on its thread)."""
        generation, search = self._generation, self.rows.search
        with suppress(AttributeError, RuntimeError):
            await stale.aclose()  # type: ignore[union-attr]
        kept = await recall_folder(self.session.store, self.folder)
        if generation != self._generation:
            return
        if kept is None:
            await self._walk(None, self.rows)
            return
        self.rows.add(kept.records)
        self.rows.rebuild()
        self.table.set_rows(self.rows.view)
        self._cached = cached_when(kept.fetched_at, getattr(self.app, "clock", datetime.now)())
        self._counted()
        self._show()
        self.app.post_message(Activity(f"Cached {self._cached} · refreshing…"))
        fresh = ThreadRows(self.folder, self._text)
        fresh.search = search
        await self._walk(None, fresh)

    def _counted(self) -> None:
        if self.unread.get(self.folder) != self.rows.unread:
            self.unread[self.folder] = self.rows.unread
            self._draw_folders()

    # --- drawing ----------------------------------------------------------------------------

    def _show(self) -> None:
        if not self.is_mounted:
            return
        rows, table = self.rows, self.table
        kept = bool(self.fetching and rows.loaded)  # ``r``: the old threads stay meanwhile
        # A refresh that failed with the old threads kept (``partial_error``) is no longer loading.
        arrived = bool(self.fetched or self._cached or kept or self.partial_error) or not (
            self.fetching or self.more
        )
        self.query_one("#mail-loading").display = not arrived and not self.error
        empty = arrived and not rows.view and not self.fetching
        message = self.query_one("#mail-message", Static)
        message.display = bool(self.error) or empty
        message.set_class(bool(self.error), "-error")
        if message.display:
            message.update(safe_text(mail_empty_text(rows, self.error)))
        shown = not self.error and bool(rows.view)
        if shown and not table.display:
            table.display = True
            if self.focused is None:
                table.focus()
        table.display = shown
        self.query_one("#mail-folder", Label).update(folder_of(self.folder).title)
        cached = self.query_one("#mail-cached", Label)
        cached.display = bool(self._cached)
        cached.update(Text(f"cached {self._cached} · ", style="italic"))
        count = self.query_one("#mail-count", Label)
        text = mail_count_text(
            rows, fetching=self.fetching, more=self.more, error=self.partial_error,
            failed=bool(self.error),
        )  # fmt: skip
        count.update(safe_line(text))
        count.set_class(bool(self.partial_error), "-error")

    # --- triage -----------------------------------------------------------------------------

    def triage_thread(self) -> MailThread | None:
        """The thread under the cursor."""
        return self.table.cursor_record

    def show_thread(self, thread: MailThread) -> None:
        """Draw this version of a thread in its row (dimmed once it left the folder)."""
        if self.rows.replace(thread):
            self.table.set_marked(self.rows.marked)
            self.table.refresh_record(thread.id)
            self._counted()
            self._show()

    @on(ThreadSaved)
    def _thread_saved(self, message: ThreadSaved) -> None:
        message.stop()
        self.show_thread(message.thread)

    @on(MailTable.Selected)
    def _open(self, event: MailTable.Selected) -> None:
        thread = event.thread
        opener = getattr(self.app, "open_thread", None)
        if opener is not None:
            opener(thread.id, thread.subject, thread)

    @on(MailTable.Highlighted)
    def _highlighted(self) -> None:
        self.near_end(self.table.cursor_row, len(self.rows.view), 500)

    # --- actions ----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch the folder again (threads moved away leave the list; the shown ones stay
        until the new page is in)."""
        self.reload(keep_shown=True)

    def action_clear_search(self) -> None:
        """Clear and hide the search box."""
        self.hide_search()
        self.table.focus()

    @on(Input.Changed, "#mail-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value == self.rows.search:
            return
        self.rows.search = event.value
        self.rows.rebuild()
        self.table.set_rows(self.rows.view)
        self.table.move_cursor(0)
        self._show()

    @on(Input.Submitted, "#mail-search")
    def _search_submitted(self) -> None:
        self.table.focus()
