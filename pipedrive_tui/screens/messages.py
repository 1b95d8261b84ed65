"""Messages screens send to the app (which owns the status line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pipedrive_tui.api.models import Deal

__all__ = ["Activity", "DealSaved"]


class Activity(Message):
    """What a screen is doing now (``""`` when idle); ``refreshed`` when data just arrived."""

    def __init__(self, text: str, *, refreshed: bool = False) -> None:
        super().__init__()
        self.text = text
        self.refreshed = refreshed


class DealSaved(Message, bubble=False):
    """A deal changed on Pipedrive's side (a confirmed write): views that show it update it.

    It does not bubble: the app forwards it to every screen, which must not send it back up.
    """

    def __init__(self, deal: Deal) -> None:
        super().__init__()
        self.deal = deal
