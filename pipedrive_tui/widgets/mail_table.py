"""``MailTable``: the virtualised table of a folder's threads; unread threads in bold."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from pipedrive_tui.api.models import MailThread
from pipedrive_tui.widgets.record_table import RecordTable

__all__ = ["MailTable"]


class MailTable(RecordTable[MailThread]):
    """A table of mail threads: the subject in the row's colour, the snippet muted."""

    PREFIX = "mail-table"
    COMPONENT_CLASSES = {
        "mail-table--header",
        "mail-table--cursor",
        "mail-table--stale",
        "mail-table--unread",
        "mail-table--snippet",
        "mail-table--link",
    }
    BINDINGS = [
        Binding("enter", "select", "Open", id="mail_table.open", tooltip="Open the thread"),
    ]
    DEFAULT_CSS = """
    MailTable > .mail-table--header { text-style: bold; }
    MailTable > .mail-table--cursor { text-style: reverse; }
    MailTable > .mail-table--stale { text-style: dim; }
    MailTable > .mail-table--unread { text-style: bold; }
    MailTable > .mail-table--snippet { text-style: dim; }
    """

    @dataclass
    class Highlighted(RecordTable.Highlighted):
        """The cursor moved to another thread (or the thread under it changed)."""

        @property
        def thread(self) -> MailThread:
            """The thread under the cursor."""
            return self.record

    @dataclass
    class Selected(RecordTable.Selected):
        """Enter (or a click on the cursor's row) chose a thread."""

        @property
        def thread(self) -> MailThread:
            """The thread chosen."""
            return self.record

    def row_class(self, record: MailThread) -> str:
        """Unread threads stand out."""
        return "" if record.read_flag else "unread"
