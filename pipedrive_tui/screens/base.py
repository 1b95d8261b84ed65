"""The frame every screen shares: header, account bar, body, status line, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from pipedrive_tui.widgets.account_bar import AccountBar
from pipedrive_tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from pipedrive_tui.config import Settings

__all__ = ["AppScreen"]


class AppScreen(Screen[None]):
    """A screen with the app's chrome around the body that :meth:`compose_body` yields."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield AccountBar()
        yield from self.compose_body()
        yield StatusLine()
        yield Footer()

    def on_screen_resume(self) -> None:
        """Bring the account bar and status line up to date when this screen shows again."""
        sync = getattr(self.app, "sync_chrome", None)
        if sync is not None:
            sync()

    def app_settings(self) -> Settings:
        """The app's settings; the defaults when the app has none (a bare test app)."""
        from pipedrive_tui.config import Settings  # imported late: the boot screen needs none

        try:
            settings = getattr(self.app, "settings", None)
        except RuntimeError:  # the app has not loaded them yet
            settings = None
        return settings if isinstance(settings, Settings) else Settings()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()
