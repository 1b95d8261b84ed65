"""The head of the lead detail: title, value, status, owner, source, close date and contacts.

:class:`LeadFacts` holds what it shows, as plain text the screen worked out;
:func:`standard_lead_fields` lists a lead's built-in fields as rows for a
:class:`~pipedrive_tui.widgets.field_list.FieldList`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import RenderableType
from rich.text import Text

from pipedrive_tui.api.models import Lead
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.numbers import format_money
from pipedrive_tui.fields.render import RenderedField
from pipedrive_tui.fields.text import clean_line, clean_text
from pipedrive_tui.widgets.deal_summary import ContactCard, RecordSummary

__all__ = ["LeadFacts", "LeadSummary", "standard_lead_fields"]


@dataclass(frozen=True)
class LeadFacts:
    """Everything the summary draws, already named and formatted (plain text)."""

    title: str
    value: str = ""
    archived: bool = False
    seen: bool = True
    owner: str = ""
    source: str = ""
    expected_close: str = ""
    person: ContactCard = field(default_factory=lambda: ContactCard("Loading…"))
    organization: ContactCard = field(default_factory=lambda: ContactCard("Loading…"))


def standard_lead_fields(
    lead: Lead, context: FieldContext, users: dict[int, str]
) -> list[RenderedField]:
    """A lead's built-in fields as rows (value, owner, creator, dates, source, channel…)."""

    def user(user_id: int | None) -> str:
        return users.get(user_id, f"User #{user_id}") if user_id is not None else ""

    def stamp(value: object) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else ""

    value = format_money(lead.value.amount, lead.value.currency, context) if lead.value else ""
    rows = [
        ("id", "ID", lead.id),
        ("value", "Value", value),
        ("expected_close_date", "Expected close date", str(lead.expected_close_date or "")),
        ("owner_id", "Owner", user(lead.owner_id)),
        ("creator_id", "Creator", user(lead.creator_id)),
        ("source_name", "Source", lead.source_name or ""),
        ("origin", "Source origin", lead.origin or ""),
        ("channel", "Source channel", "" if lead.channel is None else str(lead.channel)),
        ("add_time", "Lead created", stamp(lead.add_time)),
        ("update_time", "Update time", stamp(lead.update_time)),
        ("visible_to", "Visible to", _visibility(lead.visible_to)),
        ("cc_email", "Lead's BCC address", lead.cc_email or ""),
    ]
    return [
        RenderedField(
            name=name,
            key=key,
            field_type="varchar",
            text=clean_text(text),
            is_empty=not text,
            is_known=True,
            is_custom=False,
        )
        for key, name, text in rows
    ]


def _visibility(value: str | None) -> str:
    return {"1": "Owner only", "3": "Owner's visibility group", "5": "Owner's group and "
            "sub-groups", "7": "Entire company"}.get(value or "", value or "")  # fmt: skip


class LeadSummary(RecordSummary):
    """The lead's title, then its facts and contacts in two columns (one when narrow)."""

    PREFIX = "lead-summary"
    COMPONENT_CLASSES = {
        "lead-summary--title",
        "lead-summary--label",
        "lead-summary--value",
        "lead-summary--unseen",
        "lead-summary--archived",
        "lead-summary--missing",
    }

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.facts: LeadFacts | None = None

    def show(self, facts: LeadFacts) -> None:
        """Draw ``facts``."""
        self.facts = facts
        self.refresh(layout=True)

    def status_text(self) -> Text:
        """In the inbox / Archived, and whether it was seen."""
        facts = self.facts
        if facts is None:
            return Text("")
        text = (
            self._styled("Archived", "archived") if facts.archived else self._styled("In the inbox")
        )
        text.append(" · ")
        text.append_text(self._styled("seen") if facts.seen else self._styled("unseen", "unseen"))
        return text

    def render(self) -> RenderableType:
        facts = self.facts
        if facts is None:
            return Text("")
        close = clean_line(facts.expected_close) or "not set"
        value = self._styled(facts.value or "no value")
        wide = [
            ("Value", value.copy()),
            ("Status", self.status_text()),
            ("Owner", self._styled(facts.owner)),
            ("Source", self._styled(facts.source or "not set")),
            ("Close by", self._styled(close)),
        ]
        value.append(" · ")
        value.append_text(self.status_text())
        owner = self._styled(facts.owner)
        owner.append(f" · close by {close}")
        narrow = [
            ("Value", value),
            ("Owner", owner),
            ("Source", self._styled(facts.source or "not set")),
        ]
        title = facts.title if clean_text(facts.title) else "(untitled lead)"
        return self._layout(title, wide, narrow, facts.person, facts.organization)
