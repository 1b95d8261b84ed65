"""The mailbox's folders and the rows of a folder: pure functions, no widgets and no I/O.

Pipedrive's ``GET /v1/mailbox/mailThreads`` lists one folder (inbox, drafts, sent, archive),
newest message first, and gives no counts: the unread count a folder shows is counted among
the threads loaded so far, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pipedrive_tui.fields.text import clean_line

if TYPE_CHECKING:
    from pipedrive_tui.api.models import MailParty, MailThread

__all__ = [
    "FOLDERS",
    "Folder",
    "ThreadRows",
    "folder_of",
    "mail_count_text",
    "mail_empty_text",
    "parties_line",
    "when_text",
]


@dataclass(frozen=True)
class Folder:
    """A mailbox folder: its API name, its title, and what an empty one says."""

    key: str
    title: str
    empty: str


FOLDERS: tuple[Folder, ...] = (
    Folder("inbox", "Inbox", "Your inbox is empty: nothing new."),
    Folder("drafts", "Drafts", "No drafts."),
    Folder("sent", "Sent", "Nothing sent yet."),
    Folder("archive", "Archive", "Nothing archived."),
)


def folder_of(key: str) -> Folder:
    """The folder with this API name (the inbox when unknown)."""
    return next((f for f in FOLDERS if f.key == key), FOLDERS[0])


def _names(parties: Iterable[MailParty], me: str) -> list[str]:
    names = []
    for party in parties:
        if me and party.email_address.casefold() == me:
            continue
        name = clean_line(party.name or party.linked_person_name or "")
        names.append(name or clean_line(party.email_address))
    return [n for n in names if n]


def parties_line(thread: MailThread, me: str | None = None) -> str:
    """Who the thread is with: senders then recipients, names falling back to addresses.

    ``me`` (the user's own address) is left out when anyone else takes part.
    """
    mine = (me or "").casefold()
    people = _names(thread.parties.from_, mine) + _names(thread.parties.to, mine)
    if not people and mine:
        people = _names(thread.parties.from_, "") + _names(thread.parties.to, "")
    return ", ".join(dict.fromkeys(people))


def when_text(when: datetime | None, now: datetime) -> str:
    """A thread's last message time, short: ``09:41`` today, ``Nov 3`` this year, else the date."""
    if when is None:
        return ""
    if when.tzinfo is not None and now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    elif when.tzinfo is None and now.tzinfo is not None:
        when = when.replace(tzinfo=UTC)
    if when.date() == now.date():
        return when.strftime("%H:%M")
    if when.year == now.year:
        return f"{when.strftime('%b')} {when.day}"
    return when.strftime("%Y-%m-%d")


class ThreadRows:
    """The threads of one folder: ``loaded`` in Pipedrive's order, ``view`` as shown.

    ``view`` is ``loaded`` while nothing is searched. ``marked`` holds the threads changed here
    so that they no longer belong to the folder (archived from the inbox): they stay, dimmed,
    until the next refresh.
    """

    def __init__(self, folder: str, text: Callable[[MailThread], str]) -> None:
        self.folder = folder
        self.loaded: list[MailThread] = []
        self.view: list[MailThread] = self.loaded
        self.search = ""
        self.marked: set[Hashable] = set()
        self._text = text
        self._haystacks: dict[int, str] = {}

    @property
    def narrowed(self) -> bool:
        """Whether a search hides some loaded threads."""
        return bool(self.search.strip())

    @property
    def unread(self) -> int:
        """Unread threads among those loaded (not counting the ones moved away)."""
        return sum(1 for t in self.loaded if not t.read_flag and t.id not in self.marked)

    def belongs(self, thread: MailThread) -> bool:
        """Whether a thread is (still) in this folder."""
        return self.folder in thread.folders and not thread.deleted_flag

    def add(self, threads: Iterable[MailThread]) -> None:
        """Append threads (a page arrived)."""
        known = {t.id for t in self.loaded}
        self.loaded.extend(t for t in threads if t.id not in known)

    def find(self, thread_id: int) -> MailThread | None:
        """The loaded thread with this id."""
        return next((t for t in self.loaded if t.id == thread_id), None)

    def replace(self, thread: MailThread) -> bool:
        """Put this version of a thread where the old one was; ``False`` when it is not here."""
        found = False
        lists = [self.loaded] if self.view is self.loaded else [self.loaded, self.view]
        for rows in lists:
            for index, old in enumerate(rows):
                if old.id == thread.id:
                    rows[index] = thread
                    found = True
        if found:
            self._haystacks.pop(thread.id, None)
            if self.belongs(thread):
                self.marked.discard(thread.id)
            else:
                self.marked.add(thread.id)
        return found

    def rebuild(self) -> None:
        """Make the view again: the loaded threads holding every word searched."""
        text = self.search.casefold()
        if not text.strip():
            self.view = self.loaded
            return
        rows = self.loaded
        for term in text.split():
            rows = [t for t in rows if term in self._haystack(t)]
        self.view = rows

    def _haystack(self, thread: MailThread) -> str:
        found = self._haystacks.get(thread.id)
        if found is None:
            found = self._haystacks[thread.id] = self._text(thread).casefold()
        return found


def mail_count_text(
    rows: ThreadRows, *, fetching: bool, more: bool, error: str = "", failed: bool = False
) -> str:
    """The toolbar's count: threads loaded, unread among them, whether more exist."""
    if failed:
        return "threads not loaded"
    loaded = len(rows.loaded)
    if rows.narrowed:
        text = f"{len(rows.view):,} of {loaded:,} match"
    else:
        text = f"{loaded:,} thread{'' if loaded == 1 else 's'}"
    if rows.unread:
        text += f" · {rows.unread:,} unread"
    if rows.marked:
        text += f" · {len(rows.marked)} moved"
    if error:
        return f"{text} · stopped: {error} (r retries)"
    if fetching:
        return f"{text} · loading…"
    if more:
        return f"{text} · + more (a: all)"
    return f"{text} · all loaded"


def mail_empty_text(rows: ThreadRows, error: str) -> str:
    """What the folder says instead of threads."""
    if error:
        return f"{error}\nPress r to try again."
    if rows.narrowed:
        return f"No loaded thread matches “{rows.search.strip()}”. Escape clears the search."
    return folder_of(rows.folder).empty
