"""``j`` ``k`` ``g`` ``G`` for screens whose lists are Textual's own widgets.

The board and the record tables bind the vim keys themselves. A screen (or dialog) whose focus
sits in a ``DataTable``, an ``OptionList`` (a ``SelectionList`` too) or a scrolling container
mixes in :class:`VimKeys` and adds :data:`VIM_BINDINGS`: the keys then do what ``↓`` ``↑`` and
top / bottom do in the focused widget. An ``Input`` keeps the letters: it consumes printable
keys before any binding sees them.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, OptionList

__all__ = ["VIM_BINDINGS", "VIM_JUMP_BINDINGS", "VIM_MOVE_BINDINGS", "VimKeys"]

Motion = Literal["down", "up", "top", "bottom"]

VIM_MOVE_BINDINGS = [
    Binding("j", "vim('down')", "Down", id="vim.down", show=False, tooltip="Like ↓"),
    Binding("k", "vim('up')", "Up", id="vim.up", show=False, tooltip="Like ↑"),
]
VIM_JUMP_BINDINGS = [
    Binding("g", "vim('top')", "Top", id="vim.top", show=False, tooltip="The first line"),
    Binding("G", "vim('bottom')", "Bottom", id="vim.bottom", show=False, tooltip="The last line"),
]
#: ``j`` ``k`` ``g`` ``G`` (ids ``vim.*``: one keymap entry remaps them on every such screen).
VIM_BINDINGS = [*VIM_MOVE_BINDINGS, *VIM_JUMP_BINDINGS]

#: What each motion calls on the focused widget, by kind of widget.
_TABLE = {"down": "cursor_down", "up": "cursor_up", "top": "scroll_top", "bottom": "scroll_bottom"}
_OPTIONS = {"down": "cursor_down", "up": "cursor_up", "top": "first", "bottom": "last"}
_SCROLL = {"down": "scroll_down", "up": "scroll_up", "top": "scroll_home", "bottom": "scroll_end"}


def _action(widget: Widget, motion: Motion) -> str | None:
    if isinstance(widget, DataTable):
        return _TABLE[motion]
    if isinstance(widget, OptionList):
        return _OPTIONS[motion]
    if widget.allow_vertical_scroll:
        return _SCROLL[motion]
    return None


class VimKeys:
    """Mixed into a :class:`~textual.screen.Screen`: the ``vim`` action of :data:`VIM_BINDINGS`."""

    def action_vim(self, motion: Motion) -> None:
        """Move the focused table's or list's cursor, or scroll the focused container."""
        widget = cast("Screen[Any]", self).focused
        if widget is None:
            return
        name = _action(widget, motion)
        if name is not None:
            getattr(widget, f"action_{name}")()
