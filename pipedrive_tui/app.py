"""``PipedriveApp``: modes, global bindings, the account bar and the status line. Small.

Start-up is fast because this module imports neither pydantic nor httpx: when the app starts
without a session (the demo on first run) it paints its frame first and builds the session in a
worker thread, and the screens are imported when they are first shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from pipedrive_tui import locations
from pipedrive_tui.app_accounts import DEFAULT_PROFILE, MODES, AccountActions, SessionFactory
from pipedrive_tui.app_offline import OfflineWatch
from pipedrive_tui.app_store import StoreKeeping
from pipedrive_tui.app_writes import WriteKeeping
from pipedrive_tui.commands import (
    AccountProvider,
    DealSearchProvider,
    FilterProvider,
    PipelineProvider,
    ScreensProvider,
)
from pipedrive_tui.screens.boot import BootScreen
from pipedrive_tui.screens.messages import (
    Activity,
    DealSaved,
    LabelsChanged,
    LeadGone,
    LeadSaved,
    ThreadSaved,
)
from pipedrive_tui.themes import THEMES
from pipedrive_tui.widgets.account_bar import AccountBar
from pipedrive_tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from pipedrive_tui.api.models import Deal, Filter, Lead, MailThread
    from pipedrive_tui.api.ratelimit import RateLimitState
    from pipedrive_tui.config import Settings
    from pipedrive_tui.data.deals import DealQuery
    from pipedrive_tui.data.leads import LeadQuery
    from pipedrive_tui.data.session import AccountSession

#: Builds the session and settings (in a worker thread); raises ConfigError or ValueError.
Boot = Callable[[], "tuple[AccountSession, Settings]"]

__all__ = ["PipedriveApp"]

W = TypeVar("W", bound=Widget)


class PipedriveApp(AccountActions, OfflineWatch, StoreKeeping, WriteKeeping):
    """The terminal client of one Pipedrive account (or of the demo account)."""

    TITLE = "pipedrive-tui"
    CSS_PATH = [str(locations.styles_dir() / "app.tcss")]
    COMMANDS = App.COMMANDS | {
        AccountProvider,
        ScreensProvider,
        PipelineProvider,
        FilterProvider,
        DealSearchProvider,
    }
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave pipedrive-tui"),
        Binding(
            "1",
            "switch_mode('pipelines')",
            "Board",
            id="app.mode.pipelines",
            tooltip="The pipeline board",
            show=False,
        ),
        Binding(
            "2",
            "switch_mode('deals')",
            "Deals",
            id="app.mode.deals",
            tooltip="The deals list",
            show=False,
        ),
        Binding(
            "3",
            "switch_mode('leads')",
            "Leads",
            id="app.mode.leads",
            tooltip="The leads inbox",
            show=False,
        ),
        Binding(
            "4",
            "switch_mode('mail')",
            "Mail",
            id="app.mode.mail",
            tooltip="The mailbox",
            show=False,
        ),
        Binding(
            "5",
            "switch_mode('filters')",
            "Filters",
            id="app.mode.filters",
            tooltip="The saved filters, in words",
            show=False,
        ),
        Binding(
            "0",
            "switch_mode('account')",
            "Account",
            id="app.mode.account",
            tooltip="The account overview",
            show=False,
        ),
        Binding(
            "A",
            "connect",
            "Connect",
            id="app.connect",
            tooltip="Connect a Pipedrive account (company domain and API token)",
            show=False,
        ),
        Binding(
            "question_mark",
            "toggle_help",
            "Help",
            id="app.help",
            key_display="?",
            tooltip="Show or hide every key of this screen",
        ),
    ]

    def __init__(
        self,
        session: AccountSession | None = None,
        settings: Settings | None = None,
        *,
        boot: Boot | None = None,
        demo_hint: bool = True,
        clock: Callable[[], datetime] = datetime.now,
        warnings: list[str] | None = None,
        session_factory: SessionFactory | None = None,
        cli_overrides: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        for theme in THEMES:
            self.register_theme(theme)
        #: Set once the start-up theme is applied: later theme changes are the user's (saved).
        self._theme_chosen = False
        if session is None and boot is None:
            raise ValueError("PipedriveApp needs a session or a way to build one")
        if settings is None and session is not None:
            from pipedrive_tui.config import Settings

            settings = Settings()
        self._session = session
        # Until a boot builds them, there are no settings: pydantic is not even imported yet.
        self._settings = settings
        self._boot = boot
        self._demo_hint = demo_hint
        #: Why the app could not start (a settings error); the command line prints it.
        self.boot_error: str | None = None
        self.clock = clock
        #: Problems with the settings (a bad config file) to show once the app is up.
        self.warnings = list(warnings or [])
        self._activity = ""
        self._refreshed = ""
        self._unsubscribe: Callable[[], None] | None = None
        self._mode_screens: dict[str, Screen[Any]] = {}
        #: Builds sessions for the connect screen and profiles; ``None``: connecting is off.
        self._session_factory = session_factory
        #: The command line's options, kept when another profile is opened.
        self._cli_overrides = dict(cli_overrides or {})
        for mode in MODES:
            self.add_mode(mode, self._mode_factory(mode))
        if settings is not None and settings.keymap:
            self.set_keymap(settings.keymap)

    @property
    def settings(self) -> Settings:
        """The settings the app runs with (available once the app has started)."""
        if self._settings is None:
            raise RuntimeError("the settings are not loaded yet")
        return self._settings

    @property
    def session(self) -> AccountSession:
        """The account the app works on (available once the app has started)."""
        if self._session is None:
            raise RuntimeError("the session is not built yet")
        return self._session

    def _mode_factory(self, mode: str) -> Callable[[], Screen[Any]]:
        def build() -> Screen[Any]:
            # Screens are imported when first shown: start-up only pays for the first one.
            screen: Screen[Any]
            if mode == "pipelines":
                from pipedrive_tui.screens.pipelines import PipelinesScreen

                screen = PipelinesScreen(self.session)
            elif mode == "deals":
                from pipedrive_tui.screens.deals import DealsScreen

                screen = DealsScreen(self.session)
            elif mode == "leads":
                from pipedrive_tui.screens.leads import LeadsScreen

                screen = LeadsScreen(self.session)
            elif mode == "mail":
                from pipedrive_tui.screens.mail import MailScreen

                screen = MailScreen(self.session)
            elif mode == "filters":
                from pipedrive_tui.screens.filters import FiltersScreen

                screen = FiltersScreen(self.session)
            else:
                from pipedrive_tui.screens.overview import OverviewScreen

                screen = OverviewScreen(self.session)
            self._mode_screens[mode] = screen
            return screen

        return build

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a toast whose text holds no control or escape sequence.

        Messages often carry Pipedrive's text (an error, a name) and Textual draws a toast's
        text as it is: one ESC in a server's error message would reach the terminal. Every
        notification of every screen and widget passes here.
        """
        from pipedrive_tui.fields.text import clean_line, clean_text

        super().notify(
            clean_text(message),
            title=clean_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_mount(self) -> None:
        if self._session is not None:
            self._start()
            return
        self.sub_title = "DEMO account" if self._demo_hint else ""
        self.push_screen(BootScreen(demo=self._demo_hint))
        # Build the session only after the first frame is on screen.
        self.call_after_refresh(self._start_boot)

    def _start_boot(self) -> None:
        self.run_worker(self._boot_in_thread, thread=True, group="boot", exit_on_error=False)

    def _boot_in_thread(self) -> None:
        from pipedrive_tui.config import ConfigError

        assert self._boot is not None
        try:
            session, settings = self._boot()
        except (ConfigError, ValueError, OSError) as error:
            self.call_from_thread(self._boot_failed, str(error))
            return
        self.call_from_thread(self._booted, session, settings)

    def _boot_failed(self, message: str) -> None:
        self.boot_error = message
        self.exit(return_code=2)

    def _booted(self, session: AccountSession, settings: Settings) -> None:
        self._session = session
        self._settings = settings
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self._start()

    def _start(self) -> None:
        self._choose_theme()
        self._check_keymap()
        self.sub_title = "DEMO account" if self.session.is_demo else ""
        self._unsubscribe = self.session.client.rate_limit.subscribe(self._on_rate_limit)
        self.switch_mode(self.settings.start_mode)
        self.load_account()
        for warning in self.warnings:
            self.notify(warning, title="Config file", severity="warning", timeout=20, markup=False)
        self._offer_connect()
        self.store_notice()

    def _offer_connect(self) -> None:
        """``--profile NAME`` for a profile with no token yet: ask for one at once."""
        settings = self.settings
        if settings.demo or not self.session.is_demo or self._session_factory is None:
            return
        if settings.profile != DEFAULT_PROFILE or settings.token_store is not None:
            self.action_connect(
                f"Profile “{settings.profile}” has no usable token yet: connect it here, or "
                "press Escape to look around the demo account.",
                settings.profile,
            )

    # --- theme (remembered in the state file) and keymap (checked) ------------------------

    def _choose_theme(self) -> None:
        """Apply the settings' theme, else the one the user last picked, else ``textual-dark``."""
        from pipedrive_tui import ui_state

        wanted = self.settings.theme
        if wanted is not None and wanted not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            self.notify(
                f"There is no theme “{wanted}”; the default is used. Themes: {names}.",
                title="Theme",
                severity="warning",
                timeout=20,
                markup=False,
            )
            wanted = None
        if wanted is None:
            saved = ui_state.load_state().get("theme")
            if not isinstance(saved, str) or saved not in self.available_themes:
                saved = "textual-dark"
            wanted = saved
        self.theme = wanted
        self._theme_chosen = True

    def watch_theme(self, theme: str) -> None:
        """Remember a theme the user picked (palette → "Theme") in the state file."""
        if not self._theme_chosen:
            return  # the start-up choice, not the user's
        from pipedrive_tui import ui_state

        try:
            ui_state.save_state(theme=theme)
        except ui_state.StateError as error:
            self.notify(str(error), title="Theme", severity="warning", markup=False)
            return
        configured = self._settings.theme if self._settings is not None else None
        if configured is not None and configured != theme:
            self.notify(
                f"Your settings (config file, PIPEDRIVE_TUI_THEME or --theme) choose the theme "
                f"“{configured}”: it wins at the next start.",
                title="Theme",
                markup=False,
            )

    def _check_keymap(self) -> None:
        """Warn about keymap entries that change nothing (an unknown binding id, no key)."""
        if not self.settings.keymap:
            return  # finding the known ids imports every screen: only when there is a keymap
        from pipedrive_tui.keymap import keymap_problems

        problems = keymap_problems(self.settings.keymap)
        if problems:
            self.notify(
                "\n".join(problems),
                title="Keymap",
                severity="warning",
                timeout=20,
                markup=False,
            )

    def _after_switch(self, old: AccountSession | None) -> None:
        """Point the chrome at the new session (called while no section is shown)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._forget_offline()
        self._asked_for_token = False
        self.store_notice()
        self._activity = self._refreshed = ""
        self.sub_title = "DEMO account" if self.session.is_demo else ""
        self._unsubscribe = self.session.client.rate_limit.subscribe(self._on_rate_limit)
        self.load_account()

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._session is not None:
            await self._session.aclose()

    def load_account(self) -> None:
        """Name the company and user in the account bar (one cheap call, ``/users/me``)."""
        self.run_worker(self._load_me(), group="account", exclusive=True, exit_on_error=False)

    async def _load_me(self) -> None:
        from pipedrive_tui.api.errors import PipedriveError

        try:
            me = await self.session.load_me()
        except PipedriveError as error:
            self.notify(
                str(error), title="Could not load your account", severity="error", markup=False
            )
            return
        if not self.session.is_demo:
            self.sub_title = me.company_name or ""
        self.sync_chrome()

    @on(AccountBar.Clicked)
    def _account_bar_clicked(self) -> None:
        self.action_connect()

    def _on_rate_limit(self, state: RateLimitState) -> None:
        self.call_later(self.sync_chrome)
        self.call_later(self.follow_reachability, state)
        self.call_later(self.follow_writes, state)
        self.call_later(self.follow_token, state)

    @on(Activity)
    def _on_activity(self, message: Activity) -> None:
        self._activity = message.text
        if message.refreshed:
            self._refreshed = self.clock().strftime("%H:%M:%S")
        self.sync_chrome()

    def _shown_widgets(self, kind: type[W]) -> list[W]:
        """The ``kind`` widgets of the screens on show: the top one, and those a dialog covers
        only in part (their bars stay visible around it)."""
        found: list[W] = []
        for screen in reversed(self.screen_stack):
            found.extend(screen.query(kind))
            if not screen.is_modal:
                break
        return found

    def sync_chrome(self) -> None:
        """Copy the account and request facts into the current screen's bars."""
        if not self.screen_stack:  # closing: nothing left to draw on
            return
        session = self._session
        if session is None:
            for bar in self._shown_widgets(AccountBar):
                bar.is_demo = self._demo_hint
            return
        me = session.me
        for bar in self._shown_widgets(AccountBar):
            bar.is_demo = session.is_demo
            bar.read_only = session.read_only
            bar.company = (me.company_name or "") if me else ""
            bar.user = me.name if me else ""
        ledger = session.client.ledger
        for line in self._shown_widgets(StatusLine):
            line.activity = self._activity
            line.refreshed = self._refreshed
            line.rate = session.client.rate_limit.summary()
            line.tokens = ledger.total
            line.calls = ledger.calls

    # --- navigation used by screens and the palette ---------------------------------------

    def open_deal(self, deal_id: int, deal: Deal | None = None) -> None:
        """Show one deal's detail on top of the current screen."""
        from pipedrive_tui.screens.deal_detail import DealDetailScreen

        self.push_screen(DealDetailScreen(self.session, deal_id, deal))

    def open_lead(self, lead_id: str, lead: Lead | None = None) -> None:
        """Show one lead's detail on top of the current screen."""
        from pipedrive_tui.screens.lead_detail import LeadDetailScreen

        self.push_screen(LeadDetailScreen(self.session, lead_id, lead))

    def show_deals(self, query: DealQuery) -> None:
        """Switch to the deals list showing ``query`` (a person's deals, a saved filter…)."""
        self.switch_mode("deals")
        screen = self._mode_screens.get("deals")
        if screen is not None:
            screen.set_query(query)  # type: ignore[attr-defined]

    def show_leads(self, query: LeadQuery) -> None:
        """Switch to the leads list showing ``query`` (a saved leads filter…)."""
        self.switch_mode("leads")
        screen = self._mode_screens.get("leads")
        if screen is not None:
            screen.set_query(query)  # type: ignore[attr-defined]

    def apply_filter(self, filter_id: int, filter_type: str) -> None:
        """Show the deals or the leads a saved filter selects."""
        if filter_type == "leads":
            from pipedrive_tui.data.leads import LeadQuery

            self.show_leads(LeadQuery(filter_id=filter_id))
        else:
            from pipedrive_tui.data.deals import DealQuery

            self.show_deals(DealQuery(filter_id=filter_id, status="all"))

    def show_pipeline(self, pipeline_id: int) -> None:
        """Switch to the board of one pipeline."""
        self.switch_mode("pipelines")
        screen = self._mode_screens.get("pipelines")
        if screen is not None:
            screen.select_pipeline(pipeline_id)  # type: ignore[attr-defined]

    async def deal_filters(self) -> list[Filter]:
        """The saved deals filters, fetched once a session (for the palette and the lists)."""
        await self.session.filters.load()
        return self.session.filters.of_type("deals")

    def _screens(self) -> list[Screen[Any]]:
        """The mode screens and the stack, each once."""
        targets = {id(s): s for s in (*self._mode_screens.values(), *self.screen_stack)}
        return list(targets.values())

    @on(DealSaved)
    def _forward_deal_saved(self, message: DealSaved) -> None:
        """Tell every screen that shows deals about a confirmed change."""
        self.keep_records("deal", [message.deal])
        for screen in self._screens():
            screen.post_message(DealSaved(message.deal))

    @on(LeadSaved)
    def _forward_lead_saved(self, message: LeadSaved) -> None:
        """Tell every screen that shows leads about a change (optimistic or confirmed)."""
        for screen in self._screens():
            screen.post_message(LeadSaved(message.lead))

    @on(LabelsChanged)
    def _forward_labels_changed(self) -> None:
        """Tell every screen that draws lead labels to fetch them again."""
        for screen in self._screens():
            screen.post_message(LabelsChanged())

    @on(ThreadSaved)
    def _forward_thread_saved(self, message: ThreadSaved) -> None:
        """Tell every screen that shows mail threads about a change."""
        self.session.mail.note_thread(message.thread)
        self.keep_records("mail_thread", [message.thread])
        for screen in self._screens():
            screen.post_message(ThreadSaved(message.thread))

    def open_thread(
        self, thread_id: int, subject: str = "", thread: MailThread | None = None
    ) -> None:
        """Show one mail thread on top of the current screen."""
        from pipedrive_tui.screens.mail_thread import MailThreadScreen

        self.push_screen(MailThreadScreen(self.session, thread_id, subject, thread))

    @on(LeadGone)
    def _forward_lead_gone(self, message: LeadGone) -> None:
        """Tell every screen that shows leads that one was converted into a deal."""
        self.drop_records("lead", [message.lead_id])
        for screen in self._screens():
            screen.post_message(LeadGone(message.lead_id, message.deal_id))

    def action_toggle_help(self) -> None:
        """Show or hide the panel listing every key of the focused screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
