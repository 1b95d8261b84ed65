"""The label picker: toggle one of a lead's labels, narrowing the list as you type.

``enter`` answers the chosen label's id; the caller adds it when the lead lacks it and removes it
when it has it, keeping the others. Also the list keys and quoting the label screens share.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from pipedrive_tui import locations
from pipedrive_tui.api.models import LeadLabel
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.widgets.lead_labels import LabelOptions
from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["CSS_FILE", "LabelPicker", "moves", "quoted"]

CSS_FILE = str(locations.styles_dir() / "lead_labels.tcss")


def moves(screen: str) -> list[Binding]:
    """j/k and up/down for a screen's list (its ids start with ``screen``)."""
    return [
        Binding("down,j", "move(1)", "Down", id=f"{screen}.down", show=False,
                tooltip="Next label"),
        Binding("up,k", "move(-1)", "Up", id=f"{screen}.up", show=False,
                tooltip="Previous label"),
    ]  # fmt: skip


def quoted(name: str) -> Text:
    """“name”, as plain text."""
    text = Text("“")
    text.append_text(safe_line(name))
    text.append("”")
    return text


class LabelPicker(ModalScreen[str | None]):
    """Picks one label to add to or remove from a lead: dismisses with its id, or ``None``.

    Typing narrows the list by name; up and down (j and k in the list) move; Enter picks. The
    caller toggles the id it gets back: adds it when absent, removes it when present.
    """

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="label_picker.cancel",
                tooltip="Close without changing the labels"),
        *moves("label_picker"),
    ]  # fmt: skip

    def __init__(
        self, labels: Sequence[LeadLabel], selected: Collection[str], title: str = "Labels"
    ) -> None:
        """``selected`` holds the ids the lead has now (ticked in the list)."""
        super().__init__()
        self.labels = list(labels)
        self.selected = set(selected)
        self.picker_title = title
        self.shown: list[LeadLabel] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="label-picker-dialog"):
            yield Label(safe_line(self.picker_title), id="label-picker-title")
            yield Input(placeholder="Type to narrow", id="label-picker-filter")
            yield LabelOptions(id="label-picker-options")
            yield Static(id="label-picker-hint")

    def on_mount(self) -> None:
        self._narrow("")
        if self.labels:
            self.query_one(Input).focus()
        else:
            self.query_one(Input).display = False

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._narrow(event.value)

    def _narrow(self, query: str) -> None:
        wanted = query.strip().casefold()
        self.shown = [lb for lb in self.labels if wanted in clean_line(lb.name).casefold()]
        options = self.query_one(LabelOptions)
        options.show(self.shown, checked=self.selected, highlight=None)
        if self.shown:
            options.highlighted = 0
        options.display = bool(self.shown)
        hint = self.query_one("#label-picker-hint", Static)
        hint.set_class(not self.shown, "-empty")
        if not self.labels:
            hint.update(
                "This account has no lead labels yet.\n"
                "Create labels with L on the leads list. Escape to close."
            )
        elif not self.shown:
            message = Text("No label matches ")
            message.append_text(quoted(query.strip()))
            message.append(". Escape to close.")
            hint.update(message)
        else:
            hint.update("Enter to add or remove · Escape to close")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        current = self.query_one(LabelOptions).current
        if current is not None:
            self.dismiss(current.id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        """Move the cursor in the list, from the input too."""
        options = self.query_one(LabelOptions)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
