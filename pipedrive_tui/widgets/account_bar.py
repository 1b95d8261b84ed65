"""The bar under the header: which account this is, or the DEMO badge and how to leave it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["CONNECT_HINT", "SHORT_HINT", "AccountBar"]

#: The one-line hint the demo shows on how to connect a real account.
CONNECT_HINT = (
    "Demo account, nothing here is real. Press A (or click here) to connect your Pipedrive account."
)
#: The same hint for narrow terminals (fits 80 columns with the badge).
SHORT_HINT = "Nothing here is real. A: connect your Pipedrive account"


class AccountBar(Widget):
    """Shows the company and user, or a DEMO badge with the hint on connecting an account."""

    COMPONENT_CLASSES = {"account-bar--badge", "account-bar--read-only"}
    DEFAULT_CSS = """
    AccountBar { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    class Clicked(Message):
        """The bar was clicked: the app offers to connect (or switch) an account."""

    is_demo: reactive[bool] = reactive(False)
    company: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    read_only: reactive[bool] = reactive(False)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked())

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        if self.read_only:
            line.append(" READ-ONLY ", self.get_component_rich_style("account-bar--read-only"))
            line.append(" ")
        if self.is_demo:
            line.append(" DEMO ", self.get_component_rich_style("account-bar--badge"))
            line.append(" ")
            room = self.content_size.width - line.cell_len
            line.append(CONNECT_HINT if len(CONNECT_HINT) <= room else SHORT_HINT)
            return line
        line.append_text(safe_line(self.company or "Connecting…"))
        if self.user:
            line.append(" · ")
            line.append_text(safe_line(self.user))
        return line
