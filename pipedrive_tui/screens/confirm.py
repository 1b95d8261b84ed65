"""A yes-or-no question before something that cannot be undone (deleting a label…)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from pipedrive_tui.widgets.safe_text import safe_line, safe_text

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Asks before an irreversible change: ``y``/Enter answer ``True``, ``n``/Escape ``False``.

    ``title`` and ``body`` are shown as plain text (a ``str`` is cleaned of escape sequences and
    never read as markup), so they may hold names from Pipedrive; ``confirm`` names the action.
    """

    BINDINGS = [
        Binding(
            "y,enter", "answer(True)", "Yes", id="confirm.yes", priority=True,
            tooltip="Go ahead",
        ),
        Binding(
            "n,escape", "answer(False)", "No", id="confirm.no", priority=True,
            tooltip="Leave everything as it is",
        ),
    ]  # fmt: skip
    # A reusable dialog, like ChoicePicker: its layout travels with it.
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; background: $background 60%; }
    ConfirmScreen > #confirm-dialog {
        width: 60; max-width: 95%; height: auto; max-height: 95%;
        padding: 1 2; border: thick $error 80%; background: $panel;
    }
    ConfirmScreen #confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #confirm-body { height: auto; }
    ConfirmScreen #confirm-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen #confirm-buttons Button { margin-left: 2; min-width: 10; }
    ConfirmScreen #confirm-hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str | Text, body: str | Text, confirm: str = "Delete") -> None:
        super().__init__()
        self.question = title if isinstance(title, Text) else safe_line(title)
        self.body = body if isinstance(body, Text) else safe_text(body)
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self.question, id="confirm-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                # Not focusable: the keys answer (Enter always confirms), the mouse can click.
                cancel = Button(Text("Cancel"), id="confirm-cancel")
                yes = Button(Text(self.confirm), variant="error", id="confirm-ok")
                cancel.can_focus = yes.can_focus = False
                yield cancel
                yield yes
            hint = Text(f"y or Enter: {self.confirm} · n or Escape: Cancel")
            yield Label(hint, id="confirm-hint")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-ok")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
