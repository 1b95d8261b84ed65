"""One connected account: its client, its cached lookups, and what the header shows about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import User
from pipedrive_tui.data.filters import FilterBook
from pipedrive_tui.data.lead_edits import LeadEdits
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.mail_index import MailIndex
from pipedrive_tui.data.names import NameBook
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.data.write_outcome import PendingWrites

__all__ = ["AccountSession"]


@dataclass
class AccountSession:
    """What the app holds for the account it works on.

    ``company_domain`` builds links to the web app (``https://{domain}.pipedrive.com/deal/1``);
    ``is_demo`` says the account is the embedded demo, so the UI shows its DEMO badge.
    ``drafts`` keeps what a user typed for a write that failed (a lost reason), for the retry.
    ``mail`` finds the mail threads linked to a lead or a deal (it walks nothing until asked).
    ``lead_edits`` sends the writes to each lead in order, from its last confirmed version.
    ``filters`` holds the saved filters and the words that describe them.
    ``writes`` counts the writes in flight (quitting waits for them) and the records whose last
    write's outcome is unknown (read again when Pipedrive answers).
    ``store`` keeps the records loaded, for the next start (``None``: nothing is kept, as for
    the demo account, which is generated afresh at every start).
    """

    client: PipedriveClient
    lookups: Lookups
    is_demo: bool = False
    company_domain: str | None = None
    me: User | None = None
    store: RecordStore | None = None
    drafts: dict[str, Any] = field(default_factory=dict)
    names: NameBook = field(init=False)
    mail: MailIndex = field(init=False)
    lead_edits: LeadEdits = field(init=False)
    filters: FilterBook = field(init=False)
    writes: PendingWrites = field(init=False)

    def __post_init__(self) -> None:
        self.names = NameBook(self.client, store=self.store)
        self.mail = MailIndex(self.client)
        self.lead_edits = LeadEdits(self.client, self.store)
        self.filters = FilterBook(self)
        self.writes = PendingWrites()

    @property
    def read_only(self) -> bool:
        """Whether writes are refused."""
        return self.client.read_only

    def web_url(self, kind: str, record_id: int | str) -> str | None:
        """The web app's address of a record, when the company domain is known."""
        if not self.company_domain:
            return None
        return f"https://{self.company_domain}.pipedrive.com/{kind}/{record_id}"

    async def load_me(self) -> User:
        """Fetch (once) the current user, which also names the company."""
        if self.me is None:
            self.me = await self.client.get_current_user()
            if not self.is_demo and self.company_domain is None and self.me.company_domain:
                self.company_domain = self.me.company_domain
        return self.me

    async def aclose(self) -> None:
        """Close the client's connections and the store."""
        await self.client.aclose()
        if self.store is not None:
            self.store.close()
