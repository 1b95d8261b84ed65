"""The first frame: the app's chrome and a spinner while the account is opened."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import LoadingIndicator, Static

from pipedrive_tui.screens.base import AppScreen

__all__ = ["BootScreen"]


class BootScreen(AppScreen):
    """Shown for the moment it takes to open the account (import, settings, demo data)."""

    def __init__(self, *, demo: bool) -> None:
        super().__init__()
        self.demo = demo

    def compose_body(self) -> ComposeResult:
        with Vertical(id="boot-body"):
            yield LoadingIndicator()
            what = "the demo account" if self.demo else "your Pipedrive account"
            yield Static(f"Opening {what}…", id="boot-message")
