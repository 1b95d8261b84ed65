"""What the app would write to a real terminal, and a check for sequences it must never write.

In headless mode (``app.run_test``) Textual's driver writes nothing, so :func:`terminal_output`
renders the whole current screen the way ``App._display`` does for a real terminal: a full
compositor update (with the screens under a modal, and the toasts, which live on the screen's
own layers) turned into the exact text a driver would send: cursor moves, SGR styles, Textual's
own OSC 8 links, and the cells' characters.

:func:`foreign_sequences` then takes out what Textual itself emits (SGR, cursor moves, and OSC 8
links only to targets the caller allows) and reports everything else that could act on a
terminal: any ESC left, C0 controls but newline, DEL, C1 controls, OSC 0/8/52 by name, and bidi
overrides or isolates. :func:`screen_lines` gives the same screen as plain text, one string per
row, for asserting what is readable.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual.app import App
from textual.strip import Strip

__all__ = ["foreign_sequences", "row_widths", "screen_lines", "screen_text", "terminal_output"]

# The sequences Textual writes for a frame: cursor moves (CUP) and styles (SGR).
_CURSOR_MOVE = re.compile(r"\x1b\[\d*(?:;\d*)?H")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
# Textual's own links: ESC ] 8 ; params ; URL ST ... ESC ] 8 ; ; ST (ST: ESC \ or BEL).
_OSC8 = re.compile(r"\x1b\]8;([^;\x07\x1b]*);([^\x07\x1b]*)(?:\x1b\\|\x07)")
_OSC = re.compile(r"\x1b\](\d*)[;\x07]")
# What may never reach the terminal: ESC and every C0 control except LF, DEL and C1 controls;
# the bidi embeddings, overrides and isolates (they reorder what the user reads).
_FOREIGN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _full_update(app: App[Any]) -> Any:
    """The full-screen update of the current screen (and of the screens under a modal)."""
    return app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)


def terminal_output(app: App[Any]) -> str:
    """The exact text the app would write to a real terminal to draw the current screen.

    The update is rendered with a truecolor console that is a terminal, like the app's own.
    """
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
        markup=False,
        emoji=False,
        highlight=False,
    )
    rendered: str = _full_update(app).render_segments(console)
    return rendered


def _lines(app: App[Any]) -> Iterable[list[Strip]]:
    update = _full_update(app)
    for line in update.strips:
        yield list(line)


def screen_lines(app: App[Any]) -> list[str]:
    """The current screen as plain text, one string per row (no styles, no control segments)."""
    rows = []
    for line in _lines(app):
        rows.append(
            "".join(
                segment.text
                for strip in line
                for segment in strip
                if not segment.control and isinstance(segment, Segment)
            )
        )
    return rows


def screen_text(app: App[Any]) -> str:
    """:func:`screen_lines` joined with newlines."""
    return "\n".join(screen_lines(app))


def row_widths(app: App[Any]) -> list[int]:
    """The width in cells of each row of the screen (each must be the screen's width)."""
    return [sum(strip.cell_length for strip in line) for line in _lines(app)]


def _show(text: str, start: int, length: int = 24) -> str:
    return repr(text[max(0, start - 8) : start + length])


def foreign_sequences(output: str, *, allowed_links: Iterable[str] = ()) -> list[str]:
    """Everything in ``output`` that Textual would not write itself, described one per item.

    Cursor moves and SGR styles are Textual's; an OSC 8 link is Textual's only when its target
    is in ``allowed_links`` (no widget of the app makes links, so by default every OSC 8 is
    reported, with its target). Then any OSC (0, 8, 52…) is named, and any other ESC, C0
    control (newline aside), DEL, C1 control or bidi override/isolate is reported with the text
    around it. An empty list means the output is safe.
    """
    allowed = set(allowed_links)
    found: list[str] = []

    def link(match: re.Match[str]) -> str:
        target = match.group(2)
        if target == "" or target in allowed:
            return ""
        found.append(f"OSC 8 link to {target!r}")
        return ""

    text = _CURSOR_MOVE.sub("", output)
    text = _SGR.sub("", text)
    text = _OSC8.sub(link, text)
    for match in _OSC.finditer(text):
        found.append(f"OSC {match.group(1) or '?'} at {_show(text, match.start())}")
    for match in _FOREIGN.finditer(text):
        char = match.group()
        name = "ESC" if char == "\x1b" else f"U+{ord(char):04X}"
        found.append(f"{name} at {_show(text, match.start())}")
    return found
