"""A mail folder in the record store: drawn at once on a warm start, then refreshed.

Mail threads have no ``updated_since``: a warm start draws the folder as last kept, reads its
first page again (as a cold start would) and shows that page in place of the kept threads, the
cursor staying on its thread; further pages load as usual. Only thread records are kept, never
a message body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipedrive_tui.api.models import MailThread
from pipedrive_tui.data.leads_sync import cached_when
from pipedrive_tui.data.mail import ThreadRows
from pipedrive_tui.data.warm import WarmList, list_key, recall_list, remember_list

if TYPE_CHECKING:
    from pipedrive_tui.data.store import RecordStore

__all__ = [
    "THREAD_KIND",
    "cached_when",
    "folder_list_key",
    "kept_threads",
    "recall_folder",
    "save_folder",
]

#: The kind mail threads are stored under.
THREAD_KIND = "mail_thread"


def folder_list_key(folder: str) -> str:
    """The store's name for a folder's list: ``mail:folder=inbox``."""
    return list_key("mail", folder=folder)


def kept_threads(rows: ThreadRows) -> list[MailThread]:
    """The loaded threads still in the folder (not those dimmed until the next refresh)."""
    return [t for t in rows.loaded if t.id not in rows.marked and rows.belongs(t)]


async def save_folder(store: RecordStore | None, rows: ThreadRows) -> None:
    """Keep the folder's threads as shown (there is no change mark: mail has none)."""
    await remember_list(store, THREAD_KIND, folder_list_key(rows.folder), kept_threads(rows), None)


async def recall_folder(store: RecordStore | None, folder: str) -> WarmList[MailThread] | None:
    """The folder's threads as last kept (``None``: never kept, or no store)."""
    return await recall_list(store, THREAD_KIND, folder_list_key(folder), MailThread)
