"""Pick a deal or a lead to link a mail thread to: type to search Pipedrive, Enter to choose.

The search runs as you type (two characters at least, after a short pause, so that each word
typed does not cost a request), over deals and leads at once (``/v2/itemSearch``). Before
anything is typed it offers the deals and leads of the thread's contacts when it can: the
caller passes them as ``suggestions``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pipedrive_tui import locations
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.fields.text import clean_text
from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["LinkChoice", "LinkPicker"]

#: Seconds of quiet typing before the search is sent.
DEBOUNCE = 0.35
#: Hits asked of Pipedrive.
LIMIT = 20


@dataclass(frozen=True)
class LinkChoice:
    """A deal or lead to link to: ``kind`` is ``"deal"`` or ``"lead"``."""

    kind: str
    record_id: int | str
    title: str
    detail: str = ""


class LinkPicker(ModalScreen[LinkChoice | None]):
    """Search deals and leads by name; Enter links, Escape cancels."""

    CSS_PATH = str(locations.styles_dir() / "mail.tcss")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="link_picker.cancel",
                tooltip="Close without linking"),
        Binding("down", "move(1)", "Down", id="link_picker.down", show=False,
                tooltip="Next result"),
        Binding("up", "move(-1)", "Up", id="link_picker.up", show=False,
                tooltip="Previous result"),
    ]  # fmt: skip

    def __init__(
        self,
        session: AccountSession,
        title: str = "Link the thread to a deal or a lead",
        suggestions: Sequence[LinkChoice] = (),
    ) -> None:
        super().__init__()
        self.session = session
        self.picker_title = title
        self.choices: list[LinkChoice] = list(suggestions)
        self.searched = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="link-dialog"):
            yield Label(Text(self.picker_title), id="link-title")
            yield Input(placeholder="Type a deal's or a lead's name…", id="link-search")
            yield OptionList(id="link-options")
            yield Static(id="link-hint")

    def on_mount(self) -> None:
        self._draw("Suggested from the thread's contacts" if self.choices else "")
        self.query_one(Input).focus()

    def _draw(self, note: str = "") -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for choice in self.choices:
            prompt = Text(f"{'Deal' if choice.kind == 'deal' else 'Lead'}  ", style="bold")
            prompt.append_text(safe_line(choice.title or "(untitled)"))
            if choice.detail:
                prompt.append("  ")
                prompt.append_text(safe_line(choice.detail))
            options.add_option(Option(prompt))
        if self.choices:
            options.highlighted = 0
        hint = note or (
            "Enter links · Escape cancels" if self.choices else "Type two letters or more."
        )
        self.query_one("#link-hint", Static).update(Text(hint))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        term = event.value.strip()
        if len(term) >= 2 and term != self.searched:
            self.search(term)

    @work(exclusive=True, group="link-search", exit_on_error=False)
    async def search(self, term: str) -> None:
        """Search deals and leads, after a pause (typing on cancels this one)."""
        await asyncio.sleep(DEBOUNCE)
        self.query_one("#link-hint", Static).update("Searching…")
        try:
            hits = await self.session.client.search(
                term, kind="items", item_types=["deal", "lead"], limit=LIMIT
            )
        except PipedriveError as error:
            said = clean_text(str(error))
            self.query_one("#link-hint", Static).update(Text(f"Search failed: {said}"))
            return
        self.searched = term
        self.choices = [
            LinkChoice(hit.item.type, hit.item.id, hit.item.label, _detail(hit.item.status))
            for hit in hits
            if hit.item.type in ("deal", "lead")
        ]
        self._draw("" if self.choices else f"Nothing found for “{term}”.")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.choices):
            self.dismiss(self.choices[index])

    def action_move(self, delta: int) -> None:
        """Move the highlight in the results while typing."""
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(current + delta, options.option_count - 1))

    def action_cancel(self) -> None:
        """Close without linking."""
        self.dismiss(None)


def _detail(status: str | None) -> str:
    return f"({status})" if status else ""
