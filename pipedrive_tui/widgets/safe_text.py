"""Plain text from Pipedrive, made safe to draw: never markup, never an escape sequence."""

from __future__ import annotations

from rich.text import Text

from pipedrive_tui.fields.text import clean_line, clean_text

__all__ = ["safe_line", "safe_text"]


def safe_text(value: object, style: str = "") -> Text:
    """A :class:`Text` of ``value`` with control and escape sequences removed, newlines kept."""
    return Text(clean_text("" if value is None else str(value)), style=style)


def safe_line(value: object, style: str = "") -> Text:
    """Like :func:`safe_text`, folded onto one line (names, table cells)."""
    return Text(clean_line("" if value is None else str(value)), style=style)
