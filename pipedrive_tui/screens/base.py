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

__all__ = ["AppScreen", "drop_closed_watchers"]


def drop_closed_watchers(target: object) -> None:
    """Forget what removed widgets watched on ``target`` (a long-lived app or widget).

    Textual 8.2 keeps a ``watch``/``data_bind`` watcher, and so the whole removed widget, until
    the watched value changes (Textualize/textual#6666): a footer that rebuilds its keys at
    each focus change, or a header watching the app's title, would grow without end.
    """
    watchers = getattr(target, "__watchers", None)
    if not isinstance(watchers, dict):
        return
    for entries in watchers.values():
        entries[:] = [(node, call) for node, call in entries if not node._closing]


class _Footer(Footer):
    """Textual's footer, dropping the watchers of the keys each rebuild removes."""

    async def recompose(self) -> None:
        await super().recompose()
        drop_closed_watchers(self)


class AppScreen(Screen[None]):
    """A screen with the app's chrome around the body that :meth:`compose_body` yields."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield AccountBar()
        yield from self.compose_body()
        yield StatusLine()
        yield _Footer()

    def on_screen_resume(self) -> None:
        """Bring the account bar and status line up to date when this screen shows again."""
        drop_closed_watchers(self.app)  # the header of a screen closed meanwhile
        sync = getattr(self.app, "sync_chrome", None)
        if sync is not None:
            sync()

    def on_screen_suspend(self) -> None:
        """Forget the watchers of the widgets removed while this screen showed (help panels)."""
        drop_closed_watchers(self)

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
