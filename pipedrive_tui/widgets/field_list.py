"""A two-column list of fields (name, formatted value) in titled sections, empty ones optional."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from pipedrive_tui.fields.render import RenderedField
from pipedrive_tui.fields.text import clean_line, clean_text

__all__ = ["FieldList", "FieldSection", "empty_hint", "field_sections"]

#: What an empty value shows when empty fields are listed.
EMPTY_VALUE = "—"
#: The widest the name column gets, in cells.
NAME_WIDTH = 28


@dataclass(frozen=True)
class FieldSection:
    """A titled group of fields (standard fields, custom fields, fields no longer defined).

    A section with no rows is left out, unless it has an ``empty_text`` to say so.
    """

    title: str
    rows: Sequence[RenderedField] = field(default_factory=tuple)
    empty_text: str = ""


def field_sections(
    standard: Sequence[RenderedField], custom: Sequence[RenderedField], *, show_empty: bool
) -> tuple[list[FieldSection], int]:
    """A record's fields in sections (standard, custom, no longer defined), and how many are
    empty; empty fields are left out unless ``show_empty``."""
    known = [row for row in custom if row.is_known and row.is_custom]
    unknown = [row for row in custom if not row.is_known and not row.is_empty]
    empty = sum(1 for row in (*standard, *known) if row.is_empty)
    if not show_empty:
        standard = [row for row in standard if not row.is_empty]
        known = [row for row in known if not row.is_empty]
    sections = [
        FieldSection("Standard fields", standard),
        FieldSection("Custom fields", known, empty_text="No custom field is set."),
        FieldSection("Fields no longer defined (deleted?)", unknown),
    ]
    return sections, empty


def empty_hint(empty: int, showing: bool) -> str:
    """The line under the list that says how many fields are empty and how to toggle them."""
    if empty == 0:
        return ""
    noun = "field" if empty == 1 else "fields"
    if showing:
        return f"{empty} empty {noun} shown — press e to hide them"
    return f"{empty} empty {noun} hidden — press e to show"


class FieldList(Widget):
    """Fields as rows of name and value; long values wrap in the value column.

    The screen gives it sections with :meth:`show`; rows of empty fields are drawn only when
    they are in the sections (the screen decides), as "—". Fields with no definition (deleted
    since the value was saved) and options that no longer exist are drawn with their own
    component classes.
    """

    COMPONENT_CLASSES = {
        "field-list--section",
        "field-list--name",
        "field-list--value",
        "field-list--empty",
        "field-list--unknown",
        "field-list--deleted",
        "field-list--hint",
    }
    DEFAULT_CSS = """
    FieldList { height: auto; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.sections: list[FieldSection] = []
        self.empty_count = 0
        self.showing_empty = False
        self.message = ""

    @property
    def rows(self) -> list[RenderedField]:
        """Every row shown, section after section."""
        return [row for section in self.sections for row in section.rows]

    def show(
        self, sections: Sequence[FieldSection], *, empty_count: int = 0, showing_empty: bool = False
    ) -> None:
        """Draw ``sections`` (empty sections are left out) and the hint on empty fields."""
        self.sections = [s for s in sections if s.rows or s.empty_text]
        self.empty_count = empty_count
        self.showing_empty = showing_empty
        self.message = ""
        self.refresh(layout=True)

    def show_message(self, text: str) -> None:
        """Draw a message (loading, an error) instead of the fields."""
        self.sections = []
        self.message = text
        self.refresh(layout=True)

    def value_of(self, name: str) -> str | None:
        """The text shown for the field called ``name``, or ``None`` when it is not listed."""
        return next((row.text for row in self.rows if row.name == name), None)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def _value(self, row: RenderedField) -> Text:
        if row.is_empty or not row.text:
            return Text(EMPTY_VALUE, style=self._style("field-list--empty"))
        text = Text(clean_text(row.text), style=self._style("field-list--value"))
        if "(deleted option" in row.text:
            text.highlight_regex(r"\(deleted option [^)]*\)", self._style("field-list--deleted"))
        return text

    def render(self) -> RenderableType:
        if self.message:
            return Text(self.message, style=self._style("field-list--hint"))
        width = self.content_size.width or 80
        names = [len(row.name) for row in self.rows] or [10]
        name_width = min(max(names), NAME_WIDTH, max(width // 3, 12))
        parts: list[RenderableType] = []
        for index, section in enumerate(self.sections):
            title = Text(clean_line(section.title), style=self._style("field-list--section"))
            if index:
                parts.append(Text(""))
            parts.append(title)
            if not section.rows:
                parts.append(
                    Text(clean_line(section.empty_text), style=self._style("field-list--hint"))
                )
                continue
            table = Table.grid(padding=(0, 2), expand=True)
            table.add_column(width=name_width, no_wrap=True, overflow="ellipsis")
            table.add_column(ratio=1, overflow="fold")
            for row in section.rows:
                name_style = "field-list--name" if row.is_known else "field-list--unknown"
                table.add_row(
                    Text(clean_line(row.name), style=self._style(name_style)), self._value(row)
                )
            parts.append(table)
        if not parts:
            parts.append(Text("No fields to show.", style=self._style("field-list--hint")))
        hint = empty_hint(self.empty_count, self.showing_empty)
        if hint:
            parts.append(Text(""))
            parts.append(Text(hint, style=self._style("field-list--hint")))
        return Group(*parts)
