"""The bar under the header: which account this is, or the DEMO badge and how to leave it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["AccountBar"]

#: The one-line hint the demo shows on how to connect a real account.
CONNECT_HINT = (
    "Demo account: nothing here is real. To connect yours, set PIPEDRIVE_API_TOKEN and "
    "PIPEDRIVE_COMPANY_DOMAIN, then restart."
)


class AccountBar(Horizontal):
    """Shows the company and user, or a DEMO badge with the hint on connecting an account."""

    DEFAULT_CSS = """
    AccountBar { height: 1; }
    AccountBar > #badge { width: auto; padding: 0 1; }
    AccountBar > #account { width: 1fr; padding: 0 1; }
    AccountBar > #mode { width: auto; padding: 0 1; }
    """

    is_demo: reactive[bool] = reactive(False)
    company: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    read_only: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Static(id="badge")
        yield Static(id="account")
        yield Static(id="mode")

    def _refresh_parts(self) -> None:
        if not self.is_mounted:
            return
        badge = self.query_one("#badge", Static)
        badge.display = self.is_demo
        badge.update(Text("DEMO", style="bold"))
        self.set_class(self.is_demo, "-demo")
        if self.is_demo:
            account = Text(CONNECT_HINT)
        else:
            account = safe_line(self.company or "Connecting…")
            if self.user:
                account.append(" · ")
                account.append_text(safe_line(self.user))
        self.query_one("#account", Static).update(account)
        mode = self.query_one("#mode", Static)
        mode.display = self.read_only
        mode.update(Text("READ-ONLY", style="bold"))

    def on_mount(self) -> None:
        self._refresh_parts()

    def watch_is_demo(self) -> None:
        self._refresh_parts()

    def watch_company(self) -> None:
        self._refresh_parts()

    def watch_user(self) -> None:
        self._refresh_parts()

    def watch_read_only(self) -> None:
        self._refresh_parts()
