"""``LeadTable``: the virtualised table of leads, with label chips and unseen leads in bold."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from pipedrive_tui.api.models import Lead
from pipedrive_tui.widgets.lead_labels import CHIP_CLASSES
from pipedrive_tui.widgets.record_table import RecordTable

__all__ = ["LeadTable"]


class LeadTable(RecordTable[Lead]):
    """A table of leads; a lead not seen yet is drawn in bold, as in Pipedrive's inbox."""

    PREFIX = "lead-table"
    COMPONENT_CLASSES = {
        "lead-table--header",
        "lead-table--cursor",
        "lead-table--stale",
        "lead-table--unseen",
        *CHIP_CLASSES,
    }
    BINDINGS = [
        Binding("enter", "select", "Open", id="lead_table.open", tooltip="Open the lead"),
    ]
    DEFAULT_CSS = """
    LeadTable > .lead-table--header { text-style: bold; }
    LeadTable > .lead-table--cursor { text-style: reverse; }
    LeadTable > .lead-table--stale { text-style: dim; }
    LeadTable > .lead-table--unseen { text-style: bold; }
    """

    @dataclass
    class Highlighted(RecordTable.Highlighted):
        """The cursor moved to another lead (or the lead under it changed)."""

        @property
        def lead(self) -> Lead:
            """The lead under the cursor."""
            return self.record

    @dataclass
    class Selected(RecordTable.Selected):
        """Enter (or a click on the cursor's row) chose a lead."""

        @property
        def lead(self) -> Lead:
            """The lead chosen."""
            return self.record

    def row_class(self, record: Lead) -> str:
        """Unseen leads stand out."""
        return "" if record.was_seen else "unseen"
