"""A small modal list to pick one thing: a pipeline, an owner, a saved filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["Choice", "ChoicePicker"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One option: its key (``None`` for "everyone" or "no filter") and its plain label.

    The key is an id (a user's, a pipeline's: ints; a lead label's or a source's: strings).
    """

    key: Any
    label: str
    hint: str = ""


class ChoicePicker(ModalScreen[Choice | None], VimKeys):
    """Lists choices with the current one highlighted; Enter picks, Escape cancels (``None``)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without choosing"),
        *VIM_BINDINGS,
    ]
    DEFAULT_CSS = """
    ChoicePicker { align: center middle; }
    ChoicePicker > #picker-dialog {
        width: 60; max-width: 90%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ChoicePicker #picker-title { text-style: bold; padding: 0 0 1 0; }
    ChoicePicker OptionList { height: auto; max-height: 20; border: none; }
    ChoicePicker #picker-hint { color: $text-muted; padding: 1 0 0 0; }
    """

    def __init__(self, title: str, choices: Sequence[Choice], current: Any = None) -> None:
        super().__init__()
        self.picker_title = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Label(Text(self.picker_title), id="picker-title")
            options = []
            for choice in self.choices:
                prompt = safe_line(choice.label)
                if choice.hint:
                    prompt.append(f"  ({choice.hint})")
                options.append(Option(prompt))
            yield OptionList(*options, id="picker-options")
            yield Label("Enter to choose · Escape to cancel", id="picker-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = next((i for i, c in enumerate(self.choices) if c.key == self.current), 0)
        if self.choices:
            options.highlighted = index
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
