"""Messages screens send to the app (which owns the status line)."""

from __future__ import annotations

from textual.message import Message

__all__ = ["Activity"]


class Activity(Message):
    """What a screen is doing now (``""`` when idle); ``refreshed`` when data just arrived."""

    def __init__(self, text: str, *, refreshed: bool = False) -> None:
        super().__init__()
        self.text = text
        self.refreshed = refreshed
