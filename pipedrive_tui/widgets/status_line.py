"""The status line: what is loading, when data was last refreshed, rate limits and tokens."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

__all__ = ["StatusLine"]


class StatusLine(Static):
    """One line of plain facts, updated by the app; it never fetches anything itself."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    activity: reactive[str] = reactive("")
    refreshed: reactive[str] = reactive("")
    rate: reactive[str] = reactive("")
    tokens: reactive[int] = reactive(0)
    calls: reactive[int] = reactive(0)

    def render(self) -> Text:
        parts: list[str] = []
        if self.activity:
            parts.append(self.activity)
        elif self.refreshed:
            parts.append(f"updated {self.refreshed}")
        parts.append(f"{self.tokens:,} tokens · {self.calls} calls this session")
        if self.rate:
            parts.append(self.rate)
        return Text(" │ ".join(parts), no_wrap=True, overflow="ellipsis")
