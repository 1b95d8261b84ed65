"""What the deal detail and the lead detail share: their tabs, going back, and contact cards.

:class:`TabbedDetail` is mixed into a detail screen that has a ``TabbedContent`` of
:class:`~pipedrive_tui.screens.deal_tabs.DealTab` panes (plus a fields pane); it switches tabs,
loads each tab the first time it is shown, and reloads them on refresh.
:func:`contact_cards` fetches a record's person and organization as the summaries show them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widgets import TabbedContent

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.screens.deal_tabs import DealTab
from pipedrive_tui.widgets.deal_summary import ContactCard

__all__ = ["TabbedDetail", "contact_cards"]


async def contact_cards(
    client: PipedriveClient, person_id: int | None, org_id: int | None
) -> tuple[ContactCard, ContactCard]:
    """The person (email, phone) and the organization (address) of a record, fetched together."""

    async def person() -> ContactCard:
        if person_id is None:
            return ContactCard("No person", missing=True)
        try:
            found = await client.get_person(person_id)
        except NotFoundError:
            return ContactCard(f"Person #{person_id} (deleted)", missing=True)
        except PipedriveError:
            return ContactCard(f"Person #{person_id} (could not load)", missing=True)
        details = (found.primary_email or "no email", found.primary_phone or "no phone")
        return ContactCard(found.name or f"Person #{found.id}", details)

    async def organization() -> ContactCard:
        if org_id is None:
            return ContactCard("No organization", missing=True)
        try:
            found = await client.get_organization(org_id)
        except NotFoundError:
            return ContactCard(f"Organization #{org_id} (deleted)", missing=True)
        except PipedriveError:
            return ContactCard(f"Organization #{org_id} (could not load)", missing=True)
        address = found.address.value if found.address and found.address.value else ""
        return ContactCard(found.name or f"Organization #{org_id}", (address or "no address",))

    cards = await asyncio.gather(person(), organization())
    return cards[0], cards[1]


class TabbedDetail:
    """Tabs of a detail screen: ``TABS_ID`` is the TabbedContent, ``FIELDS_SCROLL`` the fields'."""

    TABS_ID = "#detail-tabs"
    FIELDS_SCROLL = "#fields-scroll"

    def _ui(self) -> Any:
        return self  # the Screen this class is mixed into

    def has_record(self) -> bool:
        """Whether the record is on screen (tabs load only then)."""
        raise NotImplementedError

    def prepare_tab(self, tab: DealTab) -> None:
        """Give a tab what it needs from the record before it loads (a currency…)."""

    def action_back(self) -> None:
        """Go back to the screen underneath."""
        app = self._ui().app
        if len(app.screen_stack) > 1:
            app.pop_screen()

    def action_show_tab(self, pane: str) -> None:
        """Switch to a tab and focus its content."""
        ui = self._ui()
        ui.query_one(self.TABS_ID, TabbedContent).active = pane
        for tab in ui.query(DealTab):
            if tab.id == pane:
                tab.focus_content()
        if pane == "fields":
            ui.query_one(self.FIELDS_SCROLL).focus()

    def active_tab(self) -> str:
        """The id of the tab shown."""
        return self._ui().query_one(self.TABS_ID, TabbedContent).active or "fields"

    def reload_tabs(self) -> None:
        """Forget what the tabs loaded: each loads again when next shown."""
        for tab in self._ui().query(DealTab):
            tab.reload()

    # A plain mixin gets no @on handlers (Textual collects those per Screen class).
    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Load a tab the first time it is shown."""
        self.load_tab(event.pane.id or "")

    def load_tab(self, pane: str) -> None:
        """Load a tab's content the first time it is shown, once the record is known."""
        if not self.has_record():
            return
        for tab in self._ui().query(DealTab):
            if tab.id == pane:
                self.prepare_tab(tab)
                tab.ensure_loaded()
