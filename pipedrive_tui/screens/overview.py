"""The account overview: pipelines and their stages, and what the account's lookups hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import DataTable, LoadingIndicator, Static

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Pipeline, Stage
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.messages import Activity
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["AccountFacts", "OverviewScreen"]


@dataclass
class AccountFacts:
    """What the overview shows, gathered from the cached lookups."""

    pipelines: list[Pipeline] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    users: int = 0
    currencies: int = 0
    deal_fields: int = 0
    custom_deal_fields: int = 0
    lead_labels: int = 0


class OverviewScreen(AppScreen, VimKeys):
    """Pipelines with their stages (probability, rotting), and the account's lookups."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="overview.refresh", tooltip="Fetch again"),
        Binding("c", "app.connect", "Connect", id="overview.connect",
                tooltip="Connect a Pipedrive account (or another profile)"),
        Binding("x", "app.sign_out", "Sign out", id="overview.sign_out",
                tooltip="Forget this profile's stored token and show the demo account"),
        *VIM_BINDINGS,
    ]  # fmt: skip

    facts: var[AccountFacts | None] = var(None)
    error: var[str] = var("")

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        with Vertical(id="overview-body"):
            yield Static(id="overview-account")
            yield Static("Pipelines and stages", classes="section-title")
            yield LoadingIndicator(id="overview-loading")
            yield Static(id="overview-message")
            yield DataTable(id="overview-stages", cursor_type="row", zebra_stripes=True)
            yield Static(id="overview-facts")

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_account()

    def _show_account(self) -> None:
        """Which account, profile and token store this is (never the token)."""
        settings = getattr(self.app, "_settings", None)
        line = Text()
        if self.session.is_demo:
            line.append("The demo account. ", style="bold")
            line.append("c connects yours (company domain and API token).")
        else:
            domain = self.session.company_domain
            line.append_text(safe_line(f"{domain}.pipedrive.com" if domain else "Your account"))
            if settings is not None:
                store = {"keyring": "the system keyring", "file": "the config file"}
                where = store.get(settings.token_store or "", "the environment or config file")
                line.append(" · profile “")
                line.append_text(safe_line(settings.profile))
                line.append(f"” · token in {where}")
            line.append(" · c connects another, x signs out")
        self.query_one("#overview-account", Static).update(line)

    def on_mount(self) -> None:
        self._show_account()
        table = self.query_one("#overview-stages", DataTable)
        table.add_columns("Pipeline", "Stage", "Win probability", "Rotting")
        self._show()
        self.load_facts()

    def action_refresh(self) -> None:
        """Refetch every lookup the overview shows."""
        self.load_facts(refresh=True)

    @work(exclusive=True, group="overview", exit_on_error=False)
    async def load_facts(self, refresh: bool = False) -> None:
        """Load pipelines, stages and lookup counts through the cached lookups."""
        self.error = ""
        self.facts = None
        self.app.post_message(Activity("Loading pipelines and stages…"))
        lookups = self.session.lookups
        try:
            for kind in (
                "pipelines",
                "stages",
                "users",
                "currencies",
                "deal_fields",
                "lead_labels",
            ):
                await lookups.get(kind, refresh=refresh)
            deal_fields = await lookups.fields("deal")
            facts = AccountFacts(
                pipelines=await lookups.pipelines(),
                stages=await lookups.stages(),
                users=len(await lookups.users()),
                currencies=len(await lookups.currencies()),
                deal_fields=len(deal_fields),
                custom_deal_fields=sum(1 for f in deal_fields if f.is_custom_field),
                lead_labels=len(await lookups.lead_labels()),
            )
        except PipedriveError as error:
            self.error = str(error)
            self.app.post_message(Activity(""))
            return
        self.facts = facts
        self.app.post_message(Activity("", refreshed=True))

    def watch_facts(self) -> None:
        self._show()

    def watch_error(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        loading = self.query_one("#overview-loading", LoadingIndicator)
        message = self.query_one("#overview-message", Static)
        table = self.query_one("#overview-stages", DataTable)
        summary = self.query_one("#overview-facts", Static)
        facts = self.facts
        loading.display = facts is None and not self.error
        message.display = bool(self.error) or (facts is not None and not facts.pipelines)
        table.display = facts is not None and bool(facts.pipelines)
        summary.display = facts is not None
        message.set_class(bool(self.error), "-error")
        if self.error:
            message.update(Text(f"{self.error}\nPress r to try again."))
            return
        if facts is None:
            return
        if not facts.pipelines:
            message.update(
                Text("This account has no pipelines yet. Create one in Pipedrive, then press r.")
            )
        table.clear()
        by_pipeline: dict[int, list[Stage]] = {}
        for stage in facts.stages:
            by_pipeline.setdefault(stage.pipeline_id, []).append(stage)
        for pipeline in facts.pipelines:
            stages = by_pipeline.get(pipeline.id, [])
            if not stages:
                table.add_row(safe_line(pipeline.name), Text("(no stages)"), "", "")
            for index, stage in enumerate(stages):
                rotting = (
                    f"after {stage.days_to_rotten} days"
                    if stage.is_deal_rot_enabled and stage.days_to_rotten
                    else "off"
                )
                table.add_row(
                    safe_line(pipeline.name) if index == 0 else Text(""),
                    safe_line(stage.name),
                    f"{stage.deal_probability}%",
                    rotting,
                    key=f"stage-{stage.id}",
                )
        summary.update(
            Text(
                f"{len(facts.pipelines)} pipelines · {len(facts.stages)} stages · "
                f"{facts.users} users · {facts.currencies} currencies · "
                f"{facts.deal_fields} deal fields ({facts.custom_deal_fields} custom) · "
                f"{facts.lead_labels} lead labels"
            )
        )
