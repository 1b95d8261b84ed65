"""The detail of one deal: summary, stage strip, every field, timeline, notes, people and mail.

Keys: ``escape``/``backspace`` back; ``r`` refresh the deal and the open tab; ``e`` show or
hide empty fields; ``f`` fields, ``t`` timeline, ``n`` notes, ``p`` participants, ``m`` mail
(``enter`` on a thread opens it); the board's triage keys (``H``/``L`` stage, ``w`` won,
``x`` lost, ``o`` open in Pipedrive, ``y`` copy the link). Each tab loads when first shown.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import LoadingIndicator, Static, TabbedContent, TabPane

from pipedrive_tui import locations
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.api.models import Currency, Deal, Pipeline, Stage
from pipedrive_tui.data.deals import rotting_days
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields import FieldCatalog, FieldContext, format_money, render_fields
from pipedrive_tui.fields.values import normalize_value
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.deal_tabs import DealTab, MailTab, NotesTab, ParticipantsTab, TimelineTab
from pipedrive_tui.screens.detail_base import TabbedDetail, contact_cards
from pipedrive_tui.screens.messages import Activity, DealSaved
from pipedrive_tui.screens.triage import TRIAGE_BINDINGS, DealTriage
from pipedrive_tui.widgets.deal_summary import ContactCard, DealFacts, DealSummary, standard_fields
from pipedrive_tui.widgets.field_list import FieldList, field_sections
from pipedrive_tui.widgets.stage_strip import StageStrip
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["TABS", "DealDetailScreen"]

#: The tabs, in order: (pane id, title, key).
TABS = (
    ("fields", "Fields", "f"),
    ("timeline", "Timeline", "t"),
    ("notes", "Notes", "n"),
    ("participants", "Participants", "p"),
    ("mail", "Mail", "m"),
)
#: Actions that only make sense with a deal on screen.
NEEDS_DEAL = frozenset(("move_stage", "mark_won", "mark_lost", "open_in_browser", "copy_link"))
NEEDS_DEAL |= {"toggle_empty", "show_tab"}
#: Below this many lines the screen drops its spacing.
COMPACT_HEIGHT = 30
NOT_FOUND = "This deal no longer exists (deleted?)\nPress escape to go back."


def _tab_binding(pane: str, title: str, key: str) -> Binding:
    return Binding(
        key,
        f"show_tab('{pane}')",
        title,
        id=f"deal_detail.tab_{pane}",
        show=False,
        tooltip=f"Show the {title.lower()} tab",
    )


def _ids(value: Any) -> Iterable[int]:
    """The record ids held by a user/org/people value (an id, an object, or a list of them)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("value", item.get("id"))
        if isinstance(item, int) and not isinstance(item, bool):
            yield item


class DealDetailScreen(AppScreen, TabbedDetail, DealTriage, VimKeys):
    """One deal in full, pushed over the board or the list; ``escape`` goes back."""

    CSS_PATH = str(locations.styles_dir() / "deal_detail.tcss")
    BINDINGS = [
        Binding(
            "escape,backspace", "back", "Back", id="deal_detail.back", tooltip="Back to the deals"
        ),
        Binding(
            "r", "refresh", "Refresh", id="deal_detail.refresh", tooltip="Fetch the deal again"
        ),
        Binding(
            "e",
            "toggle_empty",
            "Empty fields",
            id="deal_detail.empty",
            tooltip="Show or hide the fields that hold no value",
        ),
        *(_tab_binding(*tab) for tab in TABS),
        *TRIAGE_BINDINGS,
        *VIM_BINDINGS,
    ]

    def __init__(self, session: AccountSession, deal_id: int, deal: Deal | None = None) -> None:
        super().__init__()
        self.session = session
        self.deal_id = deal_id
        self.deal = deal
        self.error = ""
        self.missing = False
        self.show_empty = False
        self.catalog: FieldCatalog | None = None
        self.stages: list[Stage] = []
        self.pipelines: dict[int, Pipeline] = {}
        self.users: dict[int, str] = {}
        self.currencies: dict[str, Currency] = {}
        self.person: ContactCard | None = None
        self.organization: ContactCard | None = None
        #: The versions of the deal drawn lately (by triage or a DealSaved), newest last.
        self.drawn: deque[Deal] = deque(maxlen=8)

    # --- layout ----------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Vertical(id="detail-body"):
            yield Static(id="detail-message")
            yield LoadingIndicator(id="detail-loading")
            with Vertical(id="detail-deal"):
                yield DealSummary(id="detail-summary")
                yield StageStrip(id="detail-stages")
                with TabbedContent(id="detail-tabs"):
                    with TabPane("Fields", id="fields"), VerticalScroll(id="fields-scroll"):
                        yield FieldList(id="detail-fields")
                    yield TimelineTab(self.session, self.deal_id)
                    yield NotesTab(self.session, self.deal_id)
                    yield ParticipantsTab(self.session, self.deal_id)
                    yield MailTab(self.session, self.deal_id)

    def on_mount(self) -> None:
        self._peek_lookups()
        self._draw()
        self.query_one("#fields-scroll").focus()
        self.load_deal()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the keys that act on the deal while there is none (loading, error, deleted)."""
        return action not in NEEDS_DEAL or self.triage_deal() is not None

    def on_resize(self, event: events.Resize) -> None:
        # Short terminals drop the blank lines between the summary, the strip and the tabs.
        self.set_class(event.size.height < COMPACT_HEIGHT, "-compact")

    # --- loading ---------------------------------------------------------------------------

    def _peek_lookups(self) -> None:
        """Use what the lookups already hold, so a given deal is drawn before any call."""
        lookups = self.session.lookups
        self.stages = [s for s in lookups.peek("stages") or [] if not s.is_deleted]
        self.pipelines = {p.id: p for p in lookups.peek("pipelines") or []}
        self.users = {u.id: u.name for u in lookups.peek("users") or []}
        self.currencies = {c.code: c for c in lookups.peek("currencies") or []}
        fields = lookups.peek("deal_fields")
        if fields is not None:
            self.catalog = FieldCatalog(fields)

    async def _load_lookups(self) -> None:
        lookups = self.session.lookups
        self.stages = await lookups.stages()
        self.pipelines = {p.id: p for p in await lookups.pipelines()}
        self.users = {i: u.name for i, u in (await lookups.users()).items()}
        self.currencies = await lookups.currencies()
        self.catalog = FieldCatalog(await lookups.fields("deal"))

    @work(exclusive=True, group="deal-detail", exit_on_error=False)
    async def load_deal(self) -> None:
        """Fetch the deal and the lookups that name its fields, then its person and org."""
        self.error = ""
        self.app.post_message(Activity("Loading deal…"))
        try:
            deal = await self.session.client.get_deal(self.deal_id)
            await self._load_lookups()
            await self._resolve_names(deal)
        except NotFoundError:
            self.missing = True
            self.deal = None
        except PipedriveError as error:
            self.error = str(error)
        else:
            self.missing = False
            self.deal = deal
            self.load_contacts(deal)
            self.load_tab(self.active_tab())
        self._draw()
        self.app.post_message(Activity("", refreshed=not (self.error or self.missing)))

    async def _resolve_names(self, deal: Deal) -> None:
        """Fetch the names of persons and organizations the deal's custom fields point to."""
        if self.catalog is None:
            return
        persons: list[int] = []
        orgs: list[int] = []
        for key, value in deal.custom_fields.items():
            definition = self.catalog.get(key)
            kind = definition.field_type if definition is not None else ""
            if kind in ("people", "org"):
                ids = list(_ids(normalize_value(kind, value)))
                (persons if kind == "people" else orgs).extend(ids)
        # On a failure the fields read "Person #12": still true, just less friendly.
        if persons or orgs:
            with contextlib.suppress(PipedriveError):
                await self.session.names.resolve(persons, orgs)

    @work(exclusive=True, group="deal-contacts", exit_on_error=False)
    async def load_contacts(self, deal: Deal) -> None:
        """Fetch the deal's person (email, phone) and organization (address)."""
        cards = await contact_cards(self.session.client, deal.person_id, deal.org_id)
        self.person, self.organization = cards
        self._draw()

    # --- drawing ---------------------------------------------------------------------------

    def _stage(self, deal: Deal) -> Stage | None:
        return next((s for s in self.stages if s.id == deal.stage_id), None)

    def _field_context(self, deal: Deal) -> FieldContext:
        names = self.session.names
        return FieldContext(
            users=self.users,
            organizations={i: o.name for i, o in names.organizations.items()},
            persons={i: p.name for i, p in names.persons.items()},
            currencies=self.currencies,
            default_currency=deal.currency,
        )

    def _facts(self, deal: Deal) -> DealFacts:
        stage = self._stage(deal)
        pipeline = self.pipelines.get(deal.pipeline_id or -1)
        path = " › ".join(
            [
                pipeline.name if pipeline else f"Pipeline #{deal.pipeline_id}",
                stage.name if stage else f"Stage #{deal.stage_id}",
            ]
        )
        owner = self.users.get(deal.owner_id or -1, f"User #{deal.owner_id}")
        clock = getattr(self.app, "clock", datetime.now)
        waiting = ContactCard("Loading…", missing=True)
        no_person = ContactCard("No person", missing=True) if deal.person_id is None else None
        no_org = ContactCard("No organization", missing=True) if deal.org_id is None else None
        return DealFacts(
            title=deal.title,
            value=format_money(deal.value, deal.currency, FieldContext(currencies=self.currencies)),
            stage_path=path,
            status=deal.status,
            lost_reason=deal.lost_reason,
            owner=owner if deal.owner_id is not None else "No owner",
            expected_close=str(deal.expected_close_date or ""),
            rotting_days=rotting_days(deal, stage, clock()),
            person=no_person or self.person or waiting,
            organization=no_org or self.organization or waiting,
        )

    def _draw(self) -> None:
        """Show the state (loading, missing, error) and draw the deal when there is one."""
        if not self.is_mounted:
            return
        deal = None if self.missing else self.deal
        message = self.query_one("#detail-message", Static)
        message.display = bool(self.error) or self.missing
        message.set_class(bool(self.error) or self.missing, "-error")
        if self.missing:
            message.update(Text(NOT_FOUND))
        elif self.error:
            message.update(Text(f"{self.error}\nPress r to try again."))
        self.refresh_bindings()
        loading = deal is None and not self.error and not self.missing
        self.query_one("#detail-loading", LoadingIndicator).display = loading
        self.query_one("#detail-deal").display = deal is not None
        if deal is None:
            return
        self.query_one("#detail-summary", DealSummary).show(self._facts(deal))
        pipeline_stages = [s for s in self.stages if s.pipeline_id == deal.pipeline_id]
        self.query_one("#detail-stages", StageStrip).show(
            pipeline_stages, deal.stage_id, deal.status
        )
        self._draw_fields(deal)

    def _draw_fields(self, deal: Deal) -> None:
        fields = self.query_one("#detail-fields", FieldList)
        if self.catalog is None:
            fields.show_message("Loading the fields…")
            return
        context = self._field_context(deal)
        standard = standard_fields(deal, self.catalog, context, self._stage(deal))
        custom = render_fields(deal.custom_fields, self.catalog, context, include_empty=True)
        sections, empty = field_sections(standard, custom, show_empty=self.show_empty)
        fields.show(sections, empty_count=empty, showing_empty=self.show_empty)

    # --- triage ----------------------------------------------------------------------------

    def triage_deal(self) -> Deal | None:
        """The deal shown (none while loading or when it no longer exists)."""
        return None if self.missing else self.deal

    def show_deal(self, deal: Deal) -> None:
        """Draw this version of the deal (optimistic, confirmed or reverted)."""
        self.deal = deal
        self.drawn.append(deal)
        self._draw()

    @on(DealSaved)
    def _deal_saved(self, message: DealSaved) -> None:
        message.stop()  # the app forwards it to every screen: it must not bubble back up
        # A version this screen drew already (its own write, echoed back) is not redrawn.
        if message.deal.id != self.deal_id or any(d is message.deal for d in self.drawn):
            return
        self.show_deal(message.deal)

    # --- actions ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch the deal again, and the open tab; other tabs reload when next shown."""
        self.reload_tabs()
        self.load_deal()

    def action_toggle_empty(self) -> None:
        """Show or hide the fields that hold no value."""
        self.show_empty = not self.show_empty
        if self.deal is not None and not self.missing:
            self._draw_fields(self.deal)

    # --- tabs ------------------------------------------------------------------------------

    def has_record(self) -> bool:
        """Whether the deal is on screen."""
        return self.deal is not None and not self.missing

    def prepare_tab(self, tab: DealTab) -> None:
        """The timeline names amounts in the deal's currency."""
        if isinstance(tab, TimelineTab) and self.deal is not None:
            tab.currency = self.deal.currency
