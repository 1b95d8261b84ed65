"""``MailMessageView``: one message of a thread: who, when, attachments, body, folded history.

The screen gives it a :class:`MessageFacts` of plain text it worked out (the body already
converted to text by :func:`~pipedrive_tui.fields.mail_body.render_body`); the widget only lays
it out. Nothing in a mail is ever read as markup: every line is a :class:`~rich.text.Text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from pipedrive_tui.fields.text import clean_line, clean_text

__all__ = ["MailMessageView", "MessageFacts"]


@dataclass(frozen=True)
class MessageFacts:
    """What one message view shows (plain text)."""

    sender: str
    to: str = ""
    cc: str = ""
    when: str = ""
    body: str = ""
    quoted: str = ""
    attachments: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)


class MailMessageView(Widget):
    """A message: a header (from, to, cc, date), attachments, the body, the folded history."""

    COMPONENT_CLASSES = {
        "mail-message--label",
        "mail-message--sender",
        "mail-message--header",
        "mail-message--body",
        "mail-message--quoted",
        "mail-message--fold",
        "mail-message--note",
    }
    DEFAULT_CSS = """
    MailMessageView { height: auto; }
    """

    def __init__(
        self,
        facts: MessageFacts,
        *,
        expanded: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.facts = facts
        self.expanded = expanded

    def set_expanded(self, expanded: bool) -> None:
        """Show or fold the quoted history."""
        if expanded != self.expanded:
            self.expanded = expanded
            self.refresh(layout=True)

    def _style(self, name: str) -> str | object:
        return self.get_component_rich_style(f"mail-message--{name}")

    def _header(self, label: str, value: str, style: str = "header") -> Text:
        line = Text(f"{label:<6}", style=self.get_component_rich_style("mail-message--label"))
        line.append(
            clean_line(value), style=self.get_component_rich_style(f"mail-message--{style}")
        )
        return line

    def render(self) -> RenderableType:
        facts = self.facts
        parts: list[RenderableType] = [self._header("From", facts.sender, "sender")]
        if facts.to:
            parts.append(self._header("To", facts.to))
        if facts.cc:
            parts.append(self._header("Cc", facts.cc))
        if facts.when:
            parts.append(self._header("Date", facts.when))
        for attachment in facts.attachments:
            parts.append(self._header("Att", attachment))
        for note in facts.notes:
            parts.append(
                Text(clean_line(note), style=self.get_component_rich_style("mail-message--note"))
            )
        body = clean_text(facts.body) or "(no text)"
        parts.append(Text(""))
        parts.append(Text(body, style=self.get_component_rich_style("mail-message--body")))
        if facts.quoted:
            count = facts.quoted.count("\n") + 1
            lines = f"{count} line" if count == 1 else f"{count} lines"
            fold = self.get_component_rich_style("mail-message--fold")
            if self.expanded:
                parts.append(Text(f"▾ quoted history ({lines}) · z folds it", style=fold))
                quoted = self.get_component_rich_style("mail-message--quoted")
                parts.append(Text(clean_text(facts.quoted), style=quoted))
            else:
                parts.append(Text(f"▸ quoted history ({lines}) · z shows it", style=fold))
        return Group(*parts)
