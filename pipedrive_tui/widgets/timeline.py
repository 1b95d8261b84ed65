"""A list of dated entries (a deal's timeline, its notes, the messages of a mail thread).

:func:`flow_entries` and :func:`note_entries` turn Pipedrive's records into
:class:`TimelineEntry` rows of plain text; :class:`Timeline` draws them, newest first as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from pipedrive_tui.api.models import DealFlowItem, MailParty, Note
from pipedrive_tui.fields.catalog import FieldCatalog, is_custom_key, unknown_field_name
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import format_value
from pipedrive_tui.fields.text import clean_line, clean_text, html_to_text

__all__ = [
    "FlowContext",
    "Timeline",
    "TimelineEntry",
    "body_text",
    "flow_entries",
    "note_entries",
    "parties_text",
    "stamp",
]

#: The sign in front of an entry's title, by kind.
SIGNS = {
    "stage": "→",
    "status": "◆",
    "change": "•",
    "note": "✎",
    "mail": "✉",
    "activity": "☐",
    "done": "☑",
    "person": "•",
}
#: The longest mail snippet a timeline entry shows, in characters.
SNIPPET = 160
_HTML = re.compile(r"<(?:html|body|p|div|br|span|table|ul|ol|li|a|b|i|blockquote)\b", re.I)


@dataclass(frozen=True)
class TimelineEntry:
    """One dated entry: a kind (stage, change, note, mail, activity…), a title and text."""

    when: datetime | None
    kind: str
    title: str
    detail: str = ""
    body: str = ""


@dataclass(frozen=True)
class FlowContext:
    """What naming a deal's changes needs: users, stages, pipelines, fields, the deal's currency."""

    users: Mapping[int, str] = field(default_factory=dict)
    stages: Mapping[int, str] = field(default_factory=dict)
    pipelines: Mapping[int, str] = field(default_factory=dict)
    catalog: FieldCatalog | None = None
    fields: FieldContext = field(default_factory=FieldContext)


def stamp(when: datetime | None) -> str:
    """A timestamp as ``2026-01-29 18:03`` ("" when unknown)."""
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else ""


def body_text(body: str | None) -> str:
    """A note or mail body as plain text: HTML rendered, plain text only cleaned."""
    if not body:
        return ""
    if _HTML.search(body):
        return html_to_text(body)
    return clean_text(body).strip()


def parties_text(parties: Iterable[MailParty]) -> str:
    """Mail parties as "Name, other@example.com"."""
    return ", ".join(clean_line(p.label) for p in parties if p.label)


def _humanize(key: str) -> str:
    words = key.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _field_name(key: str, context: FlowContext) -> str:
    catalog = context.catalog
    if catalog is not None and key in catalog:
        return catalog.name(key)
    if is_custom_key(key):
        return unknown_field_name(key)
    return _humanize(clean_line(key))


def _change_value(key: str, value: Any, formatted: Any, context: FlowContext) -> str:
    if formatted not in (None, ""):
        return clean_line(str(formatted))
    if value is None or value == "":
        return "(empty)"
    ident = value if isinstance(value, int) else None
    if isinstance(value, str) and value.isdigit():
        ident = int(value)
    if key == "stage_id" and ident is not None:
        return clean_line(context.stages.get(ident, f"Stage #{ident}"))
    if key == "pipeline_id" and ident is not None:
        return clean_line(context.pipelines.get(ident, f"Pipeline #{ident}"))
    definition = context.catalog.get(key) if context.catalog is not None else None
    text = format_value(definition, value, context.fields)
    return clean_line(text) or "(empty)"


def _deal_change(item: DealFlowItem, context: FlowContext) -> TimelineEntry:
    data = item.data
    key = str(data.get("field_key") or "")
    extra = data.get("additional_data")
    extra = extra if isinstance(extra, Mapping) else {}
    old = _change_value(key, data.get("old_value"), extra.get("old_value_formatted"), context)
    new = _change_value(key, data.get("new_value"), extra.get("new_value_formatted"), context)
    kind = "stage" if key == "stage_id" else "status" if key == "status" else "change"
    return TimelineEntry(
        item.timestamp,
        kind,
        f"{_field_name(key, context)}: {old} → {new}",
        detail=_by(data.get("user_id"), context.users),
    )


def _by(user_id: Any, users: Mapping[int, str]) -> str:
    if not isinstance(user_id, int):
        return ""
    return f"by {clean_line(users.get(user_id, f'User #{user_id}'))}"


def _mail(item: DealFlowItem) -> TimelineEntry:
    data = item.data
    subject = clean_line(str(data.get("subject") or "(no subject)"))
    senders = [MailParty.model_validate(p) for p in data.get("from") or [] if isinstance(p, dict)]
    receivers = [MailParty.model_validate(p) for p in data.get("to") or [] if isinstance(p, dict)]
    detail = parties_text(senders)
    if receivers:
        detail = f"{detail} → {parties_text(receivers)}".strip()
    snippet = clean_line(str(data.get("snippet") or ""))
    if len(snippet) > SNIPPET:
        snippet = snippet[: SNIPPET - 1].rstrip() + "…"
    return TimelineEntry(item.timestamp, "mail", f"Mail: {subject}", detail=detail, body=snippet)


def _activity(item: DealFlowItem, context: FlowContext) -> TimelineEntry:
    data = item.data
    subject = clean_line(str(data.get("subject") or "Activity"))
    done = bool(data.get("done"))
    due = " ".join(str(data.get(k) or "") for k in ("due_date", "due_time")).strip()
    parts = [f"due {clean_line(due)}" if due else "", "done" if done else "to do"]
    owner = _by(data.get("user_id"), context.users)
    detail = " · ".join(p for p in (*parts, owner) if p)
    return TimelineEntry(
        item.timestamp,
        "done" if done else "activity",
        subject,
        detail=detail,
        body=body_text(str(data.get("note") or "")),
    )


def _note_entry(
    when: datetime | None,
    content: str,
    user_id: Any,
    users: Mapping[int, str],
    pinned: bool = False,
) -> TimelineEntry:
    title = "Note (pinned)" if pinned else "Note"
    return TimelineEntry(when, "note", title, detail=_by(user_id, users), body=body_text(content))


def flow_entries(items: Iterable[DealFlowItem], context: FlowContext) -> list[TimelineEntry]:
    """Entries of a deal's flow: field changes, stage moves, notes, mails, activities."""
    entries: list[TimelineEntry] = []
    for item in items:
        data = item.data
        if item.object == "dealChange":
            entries.append(_deal_change(item, context))
        elif item.object == "note":
            entries.append(
                _note_entry(
                    item.timestamp,
                    str(data.get("content") or ""),
                    data.get("user_id"),
                    context.users,
                )
            )
        elif item.object == "mailMessage":
            entries.append(_mail(item))
        elif item.object == "activity":
            entries.append(_activity(item, context))
        else:
            entries.append(
                TimelineEntry(item.timestamp, "change", _humanize(clean_line(item.object)))
            )
    return entries


def note_entries(notes: Iterable[Note], users: Mapping[int, str]) -> list[TimelineEntry]:
    """Entries of notes, newest first, pinned ones marked."""
    ordered = sorted(notes, key=lambda n: (n.add_time is not None, n.add_time), reverse=True)
    return [
        _note_entry(n.add_time, n.content, n.user_id, users, pinned=n.pinned_to_deal_flag)
        for n in ordered
    ]


#: The most characters of one body drawn in a timeline (a 100,000-character note would be
#: thousands of lines, redrawn on every tab switch); the rest is named, not drawn.
BODY_LIMIT = 12_000


class Timeline(Widget):
    """Entries as rows of date and text: a title line, a detail line and the body, wrapped."""

    COMPONENT_CLASSES = {
        "timeline--when",
        "timeline--title",
        "timeline--detail",
        "timeline--body",
        "timeline--message",
        "timeline--error",
    }
    DEFAULT_CSS = """
    Timeline { height: auto; }
    """

    def __init__(
        self,
        *,
        empty: str = "Nothing here yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.empty = empty
        self.entries: list[TimelineEntry] = []
        self.message = "Loading…"
        self.is_error = False

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        """Draw ``entries`` in the order given."""
        self.entries = list(entries)
        self.message = "" if self.entries else self.empty
        self.is_error = False
        self.refresh(layout=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Draw a message (loading, an error) instead of the entries."""
        self.entries = []
        self.message = text
        self.is_error = error
        self.refresh(layout=True)

    def _entry_text(self, entry: TimelineEntry) -> Text:
        title_style = self.get_component_rich_style("timeline--title")
        text = Text()
        text.append(f"{SIGNS.get(entry.kind, '•')} {clean_line(entry.title)}", title_style)
        if entry.detail:
            text.append("\n")
            text.append(clean_line(entry.detail), self.get_component_rich_style("timeline--detail"))
        if entry.body:
            body = clean_text(entry.body)
            text.append("\n")
            text.append(body[:BODY_LIMIT], self.get_component_rich_style("timeline--body"))
            if len(body) > BODY_LIMIT:
                rest = len(body) - BODY_LIMIT
                text.append(
                    f"\n… {rest:,} more characters not shown here: the whole text is in "
                    "Pipedrive (o opens the deal there).",
                    self.get_component_rich_style("timeline--detail"),
                )
        return text

    def render(self) -> RenderableType:
        if self.message:
            name = "timeline--error" if self.is_error else "timeline--message"
            return Text(self.message, style=self.get_component_rich_style(name))
        narrow = (self.content_size.width or 80) < 60
        table = Table.grid(padding=(0, 2), expand=True)
        if not narrow:
            table.add_column(width=16, no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        when_style = self.get_component_rich_style("timeline--when")
        for index, entry in enumerate(self.entries):
            if index:
                table.add_row()
            if narrow:
                text = Text(stamp(entry.when), style=when_style)
                text.append("\n")
                text.append_text(self._entry_text(entry))
                table.add_row(text)
            else:
                table.add_row(Text(stamp(entry.when), style=when_style), self._entry_text(entry))
        return table
