"""A modal checklist of extra columns (custom fields) to show in a table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["ColumnPicker"]


class ColumnPicker(ModalScreen[list[str] | None], VimKeys):
    """Space ticks a column, Enter applies the ticked keys (in list order), Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="columns.cancel", tooltip="Keep the columns"),
        Binding(
            "enter", "apply", "Apply", id="columns.apply", priority=True,
            tooltip="Show the ticked columns",
        ),
        *VIM_BINDINGS,
    ]  # fmt: skip
    DEFAULT_CSS = """
    ColumnPicker { align: center middle; }
    ColumnPicker > #columns-dialog {
        width: 60; max-width: 90%; height: auto; max-height: 80%; padding: 0 1;
    }
    ColumnPicker SelectionList { height: auto; max-height: 20; }
    """

    def __init__(
        self, title: str, choices: Sequence[tuple[str, str]], chosen: Sequence[str] = ()
    ) -> None:
        """``choices`` are ``(key, name)`` pairs; ``chosen`` the keys ticked now."""
        super().__init__()
        self.picker_title = title
        self.choices = list(choices)
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog"):
            yield Label(Text(self.picker_title), id="columns-title")
            yield SelectionList[str](
                *(
                    Selection(safe_line(name), key, key in self.chosen)
                    for key, name in self.choices
                ),
                id="columns-options",
            )
            yield Label(
                "Space to tick · Enter to apply · Escape to cancel"
                if self.choices
                else "This account has no custom deal fields. Escape to close.",
                id="columns-hint",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        """Close with the ticked keys, in the order of the list."""
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss([key for key, _ in self.choices if key in ticked])

    def action_cancel(self) -> None:
        """Close without changing the columns."""
        self.dismiss(None)
