"""The detail of one lead: summary, labels, every field by name, notes and linked mail.

Keys: ``escape``/``backspace`` back; ``r`` refresh; ``E`` show or hide empty fields; ``f``
fields, ``n`` notes, ``M`` mail (``enter`` on a thread opens it); the leads list's triage keys
(``l`` label, ``e`` archive, ``m`` seen, ``U`` owner, ``V`` value, ``C`` convert, ``L`` labels,
``o`` open in Pipedrive, ``y`` copy the link). Tabs load when first shown.

Leads carry the deals' custom fields (Pipedrive keeps one set for both); their names come from
the lead fields schema, then from the deal fields for any key it does not list.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, LoadingIndicator, Static, TabbedContent, TabPane

from pipedrive_tui import locations
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.api.models import Currency, Lead, LeadLabel, MailThread
from pipedrive_tui.data.lead_edits import LeadEdit
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields import FieldCatalog, FieldContext, format_money, render_fields
from pipedrive_tui.fields.text import clean_text
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.deal_tabs import DealTab, NotesTab, retry_text
from pipedrive_tui.screens.detail_base import TabbedDetail, contact_cards
from pipedrive_tui.screens.lead_triage import LEAD_TRIAGE_BINDINGS, LeadTriage
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from pipedrive_tui.screens.messages import Activity, LabelsChanged, LeadGone, LeadSaved
from pipedrive_tui.widgets.deal_summary import ContactCard
from pipedrive_tui.widgets.field_list import FieldList, field_sections
from pipedrive_tui.widgets.lead_labels import LabelChips
from pipedrive_tui.widgets.lead_summary import LeadFacts, LeadSummary, standard_lead_fields
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.timeline import stamp
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["LeadDetailScreen"]

TABS = (("fields", "Fields", "f"), ("notes", "Notes", "n"), ("mail", "Mail", "M"))
NEEDS_LEAD = frozenset(
    ("toggle_label", "toggle_archive", "toggle_seen", "assign_owner", "edit_value", "convert")
) | {"open_in_browser", "copy_link", "toggle_empty", "show_tab"}
COMPACT_HEIGHT = 30
NOT_FOUND = (
    "This lead no longer exists (converted into a deal, or deleted).\nPress escape to go back."
)


class LeadMailTab(DealTab):
    """The mail threads linked to the lead (found in the mailbox); ``enter`` opens one."""

    FOCUS = "#lead-mail"

    def __init__(self, session: AccountSession, lead_id: str) -> None:
        super().__init__("Mail", session, 0, id="mail")
        self.lead_id = lead_id
        self.threads: dict[int, MailThread] = {}

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="lead-mail-message", classes="tab-message")
        yield DataTable(id="lead-mail", cursor_type="row")

    def on_mount(self) -> None:
        # Fixed widths: measured ones depend on when the table is next idle (a tab shown later).
        table = self.query_one(DataTable)
        for label, width in (("Last message", 16), ("Subject", 28), ("With", 20), ("#", 3)):
            table.add_column(label, width=width)

    def reload(self) -> None:
        """Load again when next shown; walk the mailbox again only when this tab is open (``r``
        elsewhere leaves the shared walk, which expires by itself, alone)."""
        super().reload()
        tabs = self.screen.query("#detail-tabs")
        if tabs and getattr(tabs.first(), "active", "") == self.id:
            self.session.mail.invalidate()

    @work(exclusive=True, group="lead-mail", exit_on_error=False)
    async def load(self) -> None:
        """Find the threads linked to the lead in the mailbox folders."""
        table = self.query_one(DataTable)
        message = self.query_one("#lead-mail-message", Static)
        message.update("Looking for the mail linked to this lead…")
        try:
            found = await self.session.mail.threads_linked(lead_id=self.lead_id)
        except PipedriveError as error:
            self.loaded = False
            message.update(Text(retry_text(error)))
            return
        table.clear()
        self.threads = {}
        for thread in found.threads:
            parties = [p.label for p in (*thread.parties.from_, *thread.parties.to)]
            self.threads[thread.id] = thread
            table.add_row(
                stamp(thread.last_message_timestamp),
                safe_line(thread.subject or "(no subject)"),
                safe_line(", ".join(dict.fromkeys(p for p in parties if p))),
                str(thread.message_count),
                key=f"thread-{thread.id}",
            )
        text = "Enter opens a thread." if found.threads else "No mail is linked to this lead."
        if not found.complete:
            text += f" Not every folder was searched: {found.reason}"
        message.update(Text(text))

    @on(DataTable.RowSelected, "#lead-mail")
    def _thread_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        if key.startswith("thread-"):
            thread = self.threads.get(int(key.removeprefix("thread-")))
            if thread is not None:
                self.app.push_screen(MailThreadScreen(self.session, thread.id, "", thread))


class LeadDetailScreen(AppScreen, TabbedDetail, LeadTriage, VimKeys):
    """One lead in full, pushed over the leads list; ``escape`` goes back."""

    CSS_PATH = [
        str(locations.styles_dir() / "deal_detail.tcss"),  # the tabs, fields and notes
        str(locations.styles_dir() / "lead_detail.tcss"),
    ]
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="lead_detail.back",
                tooltip="Back to the leads"),
        Binding("r", "refresh", "Refresh", id="lead_detail.refresh",
                tooltip="Fetch the lead again"),
        Binding("E", "toggle_empty", "Empty fields", id="lead_detail.empty", show=False,
                tooltip="Show or hide the fields that hold no value"),
        *(Binding(key, f"show_tab('{pane}')", title, id=f"lead_detail.tab_{pane}", show=False,
                  tooltip=f"Show the {title.lower()} tab") for pane, title, key in TABS),
        *LEAD_TRIAGE_BINDINGS,
        *VIM_BINDINGS,
    ]  # fmt: skip

    def __init__(self, session: AccountSession, lead_id: str, lead: Lead | None = None) -> None:
        super().__init__()
        self.session = session
        self.lead_id = lead_id
        self.lead = lead
        self.error = ""
        self.missing = False
        self.converted_to: int | None = None
        self.show_empty = False
        self.catalog: FieldCatalog | None = None
        self.users: dict[int, str] = {}
        self.labels: dict[str, LeadLabel] = {}
        self.currencies: dict[str, Currency] = {}
        self.person: ContactCard | None = None
        self.organization: ContactCard | None = None
        self.drawn: deque[Lead] = deque(maxlen=8)
        self._seen_sent = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="lead-body"):
            yield Static(id="lead-message")
            yield LoadingIndicator(id="lead-loading")
            with Vertical(id="lead-lead"):
                yield LeadSummary(id="lead-summary")
                yield LabelChips(id="lead-labels", placeholder="No labels · l adds one")
                with TabbedContent(id="detail-tabs"):
                    with TabPane("Fields", id="fields"), VerticalScroll(id="fields-scroll"):
                        yield FieldList(id="lead-fields")
                    yield NotesTab(self.session, self.lead_id, key="lead_id", noun="lead")
                    yield LeadMailTab(self.session, self.lead_id)

    def on_mount(self) -> None:
        self._peek_lookups()
        if self.lead is not None:
            self.lead = self.session.lead_edits.expected(self.lead)
        self._draw()
        self.query_one("#fields-scroll").focus()
        self.load_lead()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the keys that act on the lead while there is none (loading, error, gone)."""
        return action not in NEEDS_LEAD or self.triage_lead() is not None

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < COMPACT_HEIGHT, "-compact")

    # --- loading ---------------------------------------------------------------------------

    def _peek_lookups(self) -> None:
        lookups = self.session.lookups
        self.users = {u.id: u.name for u in lookups.peek("users") or []}
        self.labels = {label.id: label for label in lookups.peek("lead_labels") or []}
        self.currencies = {c.code: c for c in lookups.peek("currencies") or []}
        lead_fields = lookups.peek("lead_fields")
        deal_fields = lookups.peek("deal_fields")
        if lead_fields is not None and deal_fields is not None:
            self.catalog = FieldCatalog([*lead_fields, *deal_fields])

    async def _load_lookups(self) -> None:
        lookups = self.session.lookups
        self.users = {i: u.name for i, u in (await lookups.users()).items()}
        self.labels = await lookups.lead_labels()
        self.currencies = await lookups.currencies()
        lead_fields, deal_fields = await asyncio.gather(
            lookups.fields("lead"), lookups.fields("deal")
        )
        self.catalog = FieldCatalog([*lead_fields, *deal_fields])

    @work(exclusive=True, group="lead-detail", exit_on_error=False)
    async def load_lead(self) -> None:
        """Fetch the lead and the lookups that name its fields, then its person and org."""
        self.error = ""
        self.app.post_message(Activity("Loading lead…"))
        try:
            lead = await self.session.client.get_lead(self.lead_id)
            await self._load_lookups()
        except NotFoundError:
            self.missing = True
        except PipedriveError as error:
            self.error = str(error)
        else:
            self.missing = False
            self.lead = self.session.lead_edits.expected(lead)
            self.load_contacts(lead)
            self.load_tab(self.active_tab())
            self._mark_seen(self.lead)
        self._draw()
        self.app.post_message(Activity("", refreshed=not (self.error or self.missing)))

    @work(exclusive=True, group="lead-contacts", exit_on_error=False)
    async def load_contacts(self, lead: Lead) -> None:
        """Fetch the lead's person (email, phone) and organization (address)."""
        cards = await contact_cards(self.session.client, lead.person_id, lead.organization_id)
        self.person, self.organization = cards
        self._draw()

    def _mark_seen(self, lead: Lead) -> None:
        """Opening an unseen lead marks it seen, as Pipedrive's web app does."""
        if lead.was_seen or self.session.read_only or self._seen_sent:
            return
        self._seen_sent = True
        self.write_lead(
            lead,
            LeadEdit(lambda _version: {"was_seen": True}),
            failed="Could not mark the lead as seen",
        )

    # --- drawing ---------------------------------------------------------------------------

    def _field_context(self, lead: Lead) -> FieldContext:
        names = self.session.names
        return FieldContext(
            users=self.users,
            organizations={i: o.name for i, o in names.organizations.items()},
            persons={i: p.name for i, p in names.persons.items()},
            currencies=self.currencies,
            default_currency=lead.value.currency if lead.value else None,
        )

    def _facts(self, lead: Lead) -> LeadFacts:
        context = FieldContext(currencies=self.currencies)
        value = format_money(lead.value.amount, lead.value.currency, context) if lead.value else ""
        waiting = ContactCard("Loading…", missing=True)
        no_person = ContactCard("No person", missing=True) if lead.person_id is None else None
        no_org = (
            ContactCard("No organization", missing=True) if lead.organization_id is None else None
        )
        owner = self.users.get(lead.owner_id, f"User #{lead.owner_id}") if lead.owner_id else ""
        return LeadFacts(
            title=lead.title,
            value=value,
            archived=lead.is_archived,
            seen=lead.was_seen,
            owner=owner or "No owner",
            source=lead.source_name or "",
            expected_close=str(lead.expected_close_date or ""),
            person=no_person or self.person or waiting,
            organization=no_org or self.organization or waiting,
        )

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        lead = None if self.missing else self.lead
        message = self.query_one("#lead-message", Static)
        message.display = bool(self.error) or self.missing
        message.set_class(bool(self.error) or self.missing, "-error")
        if self.missing:
            text = NOT_FOUND
            if self.converted_to is not None:
                text = (
                    f"This lead was converted into deal #{self.converted_to}.\n"
                    "Press escape to go back."
                )
            message.update(Text(text))
        elif self.error:
            message.update(Text(f"{clean_text(self.error)}\nPress r to try again."))
        self.refresh_bindings()
        self.query_one("#lead-loading").display = lead is None and not (self.error or self.missing)
        self.query_one("#lead-lead").display = lead is not None
        if lead is None:
            return
        self.query_one("#lead-summary", LeadSummary).show(self._facts(lead))
        self.query_one("#lead-labels", LabelChips).show(lead.label_ids, self.labels)
        self._draw_fields(lead)

    def _draw_fields(self, lead: Lead) -> None:
        fields = self.query_one("#lead-fields", FieldList)
        if self.catalog is None:
            fields.show_message("Loading the fields…")
            return
        context = self._field_context(lead)
        standard = standard_lead_fields(lead, context, self.users)
        custom = render_fields(lead.custom_fields, self.catalog, context, include_empty=True)
        sections, empty = field_sections(standard, custom, show_empty=self.show_empty)
        fields.show(sections, empty_count=empty, showing_empty=self.show_empty)

    # --- triage ----------------------------------------------------------------------------

    def triage_lead(self) -> Lead | None:
        """The lead shown (none while loading or once it is gone)."""
        return None if self.missing else self.lead

    def show_lead(self, lead: Lead) -> None:
        """Draw this version of the lead (optimistic, confirmed or reverted)."""
        if lead.id != self.lead_id:
            return
        self.lead = lead
        self.drawn.append(lead)
        self._draw()

    def lead_gone(self, lead_id: str, deal_id: int | None) -> None:
        """The lead became a deal: say so (the deal opens on top)."""
        if lead_id == self.lead_id:
            self.missing = True
            self.converted_to = deal_id
            self._draw()

    def labels_changed(self) -> None:
        """Label names or colours changed: fetch them again."""
        self.reload_labels()

    @work(exclusive=True, group="lead-labels", exit_on_error=False)
    async def reload_labels(self) -> None:
        """Fetch the labels again and redraw the chips."""
        with contextlib.suppress(PipedriveError):
            self.labels = {
                x.id: x for x in await self.session.lookups.get("lead_labels", refresh=True)
            }
        self._draw()

    @on(LeadSaved)
    def _lead_saved(self, message: LeadSaved) -> None:
        message.stop()
        if message.lead.id == self.lead_id and not any(x is message.lead for x in self.drawn):
            self.show_lead(message.lead)

    @on(LabelsChanged)
    def _labels_changed(self, message: LabelsChanged) -> None:
        message.stop()
        self.labels_changed()

    @on(LeadGone)
    def _lead_converted(self, message: LeadGone) -> None:
        message.stop()
        self.lead_gone(message.lead_id, message.deal_id)

    # --- actions ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch the lead again, and the open tab; other tabs reload when next shown."""
        self.reload_tabs()
        self.load_lead()

    def action_toggle_empty(self) -> None:
        """Show or hide the fields that hold no value."""
        self.show_empty = not self.show_empty
        if self.lead is not None and not self.missing:
            self._draw_fields(self.lead)

    def has_record(self) -> bool:
        """Whether the lead is on screen."""
        return self.lead is not None and not self.missing
