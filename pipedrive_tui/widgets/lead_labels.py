"""Lead labels drawn as coloured chips: the pieces a table draws, a chips widget, a label list.

A chip is a label's name with a space either side, in the label's colour. The colours live in
``styles/app.tcss`` as component classes (``lead-chip--blue`` …), so this module holds no colour:
a widget that draws chips lists :data:`CHIP_CLASSES` in its ``COMPONENT_CLASSES`` and resolves
each class name with ``get_component_rich_style``. Label names come from Pipedrive: they are
cleaned of escape sequences and never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pipedrive_tui.api.models import LeadLabel
from pipedrive_tui.fields.text import clean_line

__all__ = [
    "CHIP_CLASSES",
    "LABEL_COLORS",
    "MISSING_CHIP",
    "ColorPicker",
    "LabelChips",
    "LabelOptions",
    "chip_class",
    "chip_pieces",
    "chips_text",
]

#: Pipedrive's ten label colours, in the order its API documents them.
LABEL_COLORS: tuple[str, ...] = (
    "blue",
    "brown",
    "dark-gray",
    "gray",
    "green",
    "orange",
    "pink",
    "purple",
    "red",
    "yellow",
)

#: The class of a chip whose label no longer exists (deleted since the lead was fetched).
MISSING_CHIP = "lead-chip--missing"
#: The class of the muted words beside a chip in a list (its colour's name).
CAPTION = "lead-chip--caption"
#: Every class a widget that draws chips must list in its ``COMPONENT_CLASSES``.
CHIP_CLASSES: frozenset[str] = frozenset(
    {f"lead-chip--{color}" for color in LABEL_COLORS} | {MISSING_CHIP, CAPTION}
)


def chip_class(color: str) -> str:
    """The component class of a label colour; a colour Pipedrive adds later draws as gray."""
    return f"lead-chip--{color if color in LABEL_COLORS else 'gray'}"


def chip_pieces(label_ids: Sequence[str], labels: Mapping[str, LeadLabel]) -> list[tuple[str, str]]:
    """``(text, class name)`` pieces drawing these labels as chips, in the order given.

    Chips are separated by ``(" ", "")`` (no class: the cell's own style). An id missing from
    ``labels`` (a deleted label) is drawn as ``" ? "`` in :data:`MISSING_CHIP`.
    """
    pieces: list[tuple[str, str]] = []
    for label_id in label_ids:
        if pieces:
            pieces.append((" ", ""))
        label = labels.get(label_id)
        if label is None:
            pieces.append((" ? ", MISSING_CHIP))
        else:
            pieces.append((f" {clean_line(label.name) or '?'} ", chip_class(label.color)))
    return pieces


def chips_text(pieces: Sequence[tuple[str, str]], style_of: Callable[[str], Style]) -> Text:
    """A :class:`Text` of chip pieces; ``style_of`` turns a class name into a Rich style."""
    text = Text(no_wrap=False, end="")
    for piece, name in pieces:
        text.append(piece, style_of(name) if name else Style())
    return text


class LabelChips(Widget):
    """A row of label chips (the lead detail header, a picker's title); wraps when narrow."""

    COMPONENT_CLASSES = set(CHIP_CLASSES)
    DEFAULT_CSS = """
    LabelChips { height: auto; }
    """

    def __init__(
        self,
        label_ids: Sequence[str] = (),
        labels: Mapping[str, LeadLabel] | None = None,
        *,
        placeholder: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``placeholder`` is shown (muted) when there are no labels."""
        super().__init__(name=name, id=id, classes=classes)
        self.placeholder = placeholder
        self._label_ids: list[str] = list(label_ids)
        self._labels: Mapping[str, LeadLabel] = labels or {}

    def show(self, label_ids: Sequence[str], labels: Mapping[str, LeadLabel]) -> None:
        """Draw these labels (``labels`` resolves the ids; unknown ids draw as "?")."""
        self._label_ids = list(label_ids)
        self._labels = labels
        self.refresh(layout=True)

    def render(self) -> Text:
        """The chips, styled from the stylesheet at drawing time (follows theme changes)."""
        if not self._label_ids:
            return Text(self.placeholder, style=self._style(CAPTION))
        return chips_text(chip_pieces(self._label_ids, self._labels), self._style)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)


class LabelOptions(OptionList):
    """Lead labels as chips, one per line, each option's id being its label's id.

    With ``checked`` each line starts with a box, ticked when the label is in it; with
    ``caption`` the colour's name follows the chip (so colours are never the only cue), or the
    label's entry in ``notes`` when it has one ("saving…").
    """

    COMPONENT_CLASSES = set(CHIP_CLASSES)

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.labels: list[LeadLabel] = []
        self._checked: Collection[str] | None = None
        self._caption = False
        self._notes: Mapping[str, str] = {}
        self._wanted: str | None = None

    def show(
        self,
        labels: Sequence[LeadLabel],
        *,
        checked: Collection[str] | None = None,
        caption: bool = False,
        notes: Mapping[str, str] | None = None,
        highlight: str | None = None,
    ) -> None:
        """List ``labels``; the cursor goes to ``highlight`` (an id), else stays on its index."""
        self.labels = list(labels)
        self._checked = checked
        self._caption = caption
        self._notes = notes or {}
        self._wanted = highlight
        if self.is_mounted:
            self._rebuild()

    def on_mount(self) -> None:
        """Draw what :meth:`show` was given before the styles were known."""
        self._rebuild()

    @property
    def current(self) -> LeadLabel | None:
        """The label under the cursor, if any."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.labels):
            return None
        return self.labels[index]

    def _rebuild(self) -> None:
        previous = self.highlighted
        wanted = self._wanted
        self._wanted = None
        self.set_options(Option(self._prompt(label), id=label.id) for label in self.labels)
        if not self.labels:
            return
        index = next((i for i, lb in enumerate(self.labels) if lb.id == wanted), None)
        if index is None:
            index = min(previous or 0, len(self.labels) - 1)
        self.highlighted = index

    def _prompt(self, label: LeadLabel) -> Text:
        style = self._style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if self._checked is not None:
            text.append("☑ " if label.id in self._checked else "☐ ")
        text.append_text(chips_text(chip_pieces([label.id], {label.id: label}), style))
        if self._caption:
            text.append(f"  {self._notes.get(label.id, label.color)}", style(CAPTION))
        return text

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)


class ColorPicker(ModalScreen[str | None]):
    """The ten label colours as chips; Enter picks one, Escape cancels (``None``)."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="label_color.cancel",
            tooltip="Close without changing the colour",
        ),
        Binding("j", "move(1)", "Down", id="label_color.down", show=False, tooltip="Next colour"),
        Binding(
            "k", "move(-1)", "Up", id="label_color.up", show=False, tooltip="Previous colour"
        ),
    ]  # fmt: skip
    DEFAULT_CSS = """
    ColorPicker { align: center middle; }
    ColorPicker > #color-dialog {
        width: 36; max-width: 95%; height: auto; max-height: 95%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ColorPicker #color-title { text-style: bold; }
    ColorPicker LabelOptions { height: auto; max-height: 12; border: none; }
    ColorPicker #color-hint { color: $text-muted; }
    """

    def __init__(self, title: str | Text = "Colour", current: str | None = None) -> None:
        """``title`` names the label being coloured (plain text); ``current`` starts selected."""
        super().__init__()
        self.picker_title = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="color-dialog"):
            title = self.picker_title
            yield Label(title if isinstance(title, Text) else Text(title), id="color-title")
            options = LabelOptions(id="color-options")
            options.show(
                [LeadLabel(id=c, name=c, color=c) for c in LABEL_COLORS],
                highlight=self.current,
            )
            yield options
            yield Label("Enter to choose · Escape to cancel", id="color-hint")

    def on_mount(self) -> None:
        self.query_one(LabelOptions).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        """Move the cursor (j and k, as in the lists)."""
        options = self.query_one(LabelOptions)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
