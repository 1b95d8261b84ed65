"""``DealTable``: the virtualised :class:`~pipedrive_tui.widgets.record_table.RecordTable` of deals.

It only names things for deals: its messages carry ``deal``, its component classes are
``deal-table--…`` (styled in ``deals.tcss``), and ``cursor_deal``/``refresh_deal`` read as the
deals list's code expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from pipedrive_tui.api.models import Deal
from pipedrive_tui.widgets.record_table import RecordTable

__all__ = ["DealTable"]


class DealTable(RecordTable[Deal]):
    """A table of deals that draws only the rows on screen, whatever their number."""

    PREFIX = "deal-table"
    COMPONENT_CLASSES = {"deal-table--header", "deal-table--cursor", "deal-table--stale"}
    BINDINGS = [
        Binding("enter", "select", "Open", id="deal_table.open", tooltip="Open the deal's details"),
    ]

    DEFAULT_CSS = """
    DealTable > .deal-table--header { text-style: bold; }
    DealTable > .deal-table--cursor { text-style: reverse; }
    DealTable > .deal-table--stale { text-style: dim; }
    """

    @dataclass
    class Highlighted(RecordTable.Highlighted):
        """The cursor moved to another deal (or the deal under it changed)."""

        @property
        def deal(self) -> Deal:
            """The deal under the cursor."""
            return self.record

    @dataclass
    class Selected(RecordTable.Selected):
        """Enter (or a click on the cursor's row) chose a deal."""

        @property
        def deal(self) -> Deal:
            """The deal chosen."""
            return self.record

    @property
    def cursor_deal(self) -> Deal | None:
        """The deal under the cursor, or ``None`` when the table is empty."""
        return self.cursor_record

    def refresh_deal(self, deal_id: int) -> None:
        """Redraw the row of one deal if it is on screen."""
        self.refresh_record(deal_id)
