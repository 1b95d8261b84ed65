"""The head of the deal detail: title, value, stage, status, owner, close date and contacts.

:class:`DealFacts` holds what the summary shows, as plain text the screen worked out;
:func:`standard_fields` lists a deal's built-in fields as rows for a
:class:`~pipedrive_tui.widgets.field_list.FieldList`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from pipedrive_tui.api.models import Deal, Stage
from pipedrive_tui.fields.catalog import FieldCatalog
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.formatting import format_value
from pipedrive_tui.fields.numbers import format_money
from pipedrive_tui.fields.render import RenderedField
from pipedrive_tui.fields.text import clean_line, clean_text

__all__ = ["ContactCard", "DealFacts", "DealSummary", "RecordSummary", "standard_fields"]

#: Below this width the summary folds its two columns into one.
WIDE = 100
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class ContactCard:
    """A person or organization as the summary shows it; ``missing`` when there is none."""

    name: str
    details: tuple[str, ...] = ()
    missing: bool = False


@dataclass(frozen=True)
class DealFacts:
    """Everything the summary draws, already named and formatted (plain text)."""

    title: str
    value: str = ""
    stage_path: str = ""
    status: str = "open"
    lost_reason: str | None = None
    owner: str = ""
    expected_close: str = ""
    rotting_days: int | None = None
    person: ContactCard = field(default_factory=lambda: ContactCard("Loading…"))
    organization: ContactCard = field(default_factory=lambda: ContactCard("Loading…"))


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _origin(value: str | None) -> str:
    """``ManuallyCreated`` → "Manually created"."""
    words = _CAMEL.sub(" ", clean_line(value or "")).lower()
    return words[:1].upper() + words[1:]


def standard_fields(
    deal: Deal, catalog: FieldCatalog, context: FieldContext, stage: Stage | None = None
) -> list[RenderedField]:
    """The deal's built-in fields (value, currency, probability, dates, labels…) as rows.

    Names come from the account's field definitions where it has them. An unset probability
    shows the stage's default, which is what Pipedrive weighs the deal with.
    """
    currency = context.currencies.get(deal.currency)
    probability = f"{deal.probability}%" if deal.probability is not None else ""
    if deal.probability is None and stage is not None:
        probability = f"{stage.deal_probability}% (stage default)"
    creator = ""
    if deal.creator_user_id is not None:
        creator = context.users.get(deal.creator_user_id, f"User #{deal.creator_user_id}")
    rows: list[tuple[str, str, str]] = [
        ("id", "ID", str(deal.id)),
        ("value", "Value", format_money(deal.value, deal.currency, context)),
        (
            "currency",
            "Currency",
            f"{deal.currency} ({currency.name})" if currency else deal.currency,
        ),
        ("probability", "Probability", probability),
        ("expected_close_date", "Expected close date", str(deal.expected_close_date or "")),
        ("creator_user_id", "Creator", creator),
        ("add_time", "Deal created", _time(deal.add_time)),
        ("update_time", "Update time", _time(deal.update_time)),
        ("stage_change_time", "Last stage change", _time(deal.stage_change_time)),
        ("close_time", "Deal closed on", _time(deal.close_time)),
        ("won_time", "Won time", _time(deal.won_time)),
        ("lost_time", "Lost time", _time(deal.lost_time)),
        ("label_ids", "Label", format_value(catalog.get("label_ids"), deal.label_ids, context)),
        ("visible_to", "Visible to", ""),
        ("origin", "Source origin", _origin(deal.origin)),
    ]
    out: list[RenderedField] = []
    for key, fallback, text in rows:
        definition = catalog.get(key)
        if key == "visible_to" and deal.visible_to is not None:
            text = format_value(definition, deal.visible_to, context)
        out.append(
            RenderedField(
                name=catalog.name(key) if definition is not None else fallback,
                key=key,
                field_type=definition.field_type if definition is not None else "varchar",
                text=clean_text(text),
                is_empty=not text,
                is_known=True,
                is_custom=False,
            )
        )
    return out


class RecordSummary(Widget):
    """The head of a detail screen: a title, then facts and contacts in two columns (one when
    narrow). Subclasses name their component classes ``<PREFIX>--title``, ``--label``,
    ``--value``, ``--missing`` (and their own) and say what goes in the rows."""

    PREFIX = "deal-summary"
    DEFAULT_CSS = """
    RecordSummary { height: auto; }
    """

    def _styled(self, text: str, component: str = "value") -> Text:
        style = self.get_component_rich_style(f"{self.PREFIX}--{component}")
        return Text(clean_line(text), style=style)

    def _card(self, card: ContactCard, *, inline: bool) -> list[Text]:
        head = self._styled(card.name, "missing" if card.missing else "value")
        details = [self._styled(d) for d in card.details if d]
        if not inline:
            return [head, *details]
        for detail in details:
            head.append(" · ")
            head.append_text(detail)
        return [head]

    def _layout(
        self,
        title: str,
        wide_rows: list[tuple[str, Text]],
        narrow_rows: list[tuple[str, Text]],
        person: ContactCard,
        organization: ContactCard,
    ) -> RenderableType:
        """The title, then five facts beside the contacts, or the narrow rows then the contacts."""
        heading = Text(clean_text(title))
        heading.stylize(self.get_component_rich_style(f"{self.PREFIX}--title"))
        label = self.get_component_rich_style(f"{self.PREFIX}--label")
        table = Table.grid(padding=(0, 1), expand=True)
        if (self.content_size.width or 120) >= WIDE:
            table.add_column(width=8, no_wrap=True)
            table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
            table.add_column(width=13, no_wrap=True)
            table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
            people = self._card(person, inline=False)
            org = self._card(organization, inline=False)
            right: list[tuple[str, Text]] = [("Person", people[0])]
            right += [("", line) for line in people[1:3]]
            while len(right) < 3:
                right.append(("", Text("")))
            right.append(("Organization", org[0]))
            right.append(("", org[1] if len(org) > 1 else Text("")))
            for (l_name, l_value), (r_name, r_value) in zip(wide_rows, right, strict=True):
                table.add_row(
                    Text(l_name, style=label), l_value, Text(r_name, style=label), r_value
                )
        else:
            table.add_column(width=6, no_wrap=True)
            table.add_column(ratio=1, overflow="fold")
            rows = [
                *narrow_rows,
                ("Person", self._card(person, inline=True)[0]),
                ("Org", self._card(organization, inline=True)[0]),
            ]
            for name, value in rows:
                table.add_row(Text(name, style=label), value)
        return Group(heading, table)


class DealSummary(RecordSummary):
    """The deal's title, then its facts and contacts in two columns (one when narrow)."""

    COMPONENT_CLASSES = {
        "deal-summary--title",
        "deal-summary--label",
        "deal-summary--value",
        "deal-summary--won",
        "deal-summary--lost",
        "deal-summary--rotting",
        "deal-summary--missing",
    }

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.facts: DealFacts | None = None

    def show(self, facts: DealFacts) -> None:
        """Draw ``facts``."""
        self.facts = facts
        self.refresh(layout=True)

    def status_text(self) -> Text:
        """Open / Won / Lost (with the reason), and how long an open deal has been rotting."""
        facts = self.facts
        if facts is None:
            return Text("")
        if facts.status == "won":
            return self._styled("Won", "won")
        if facts.status == "lost":
            reason = f" — {facts.lost_reason}" if facts.lost_reason else ""
            return self._styled(f"Lost{reason}", "lost")
        text = self._styled(clean_line(facts.status).capitalize() or "Open")
        if facts.rotting_days is not None:
            days = facts.rotting_days
            text.append(" · ")
            text.append_text(
                self._styled(f"rotting {days} day{'s' if days != 1 else ''}", "rotting")
            )
        return text

    def render(self) -> RenderableType:
        facts = self.facts
        if facts is None:
            return Text("")
        close = facts.expected_close or "not set"
        wide = [
            ("Value", self._styled(facts.value)),
            ("Stage", self._styled(facts.stage_path)),
            ("Status", self.status_text()),
            ("Owner", self._styled(facts.owner)),
            ("Close by", self._styled(close)),
        ]
        value = self._styled(facts.value)
        value.append(" · ")
        value.append_text(self.status_text())
        owner = self._styled(facts.owner)
        owner.append(f" · close by {clean_line(close)}")
        narrow = [
            ("Value", value),
            ("Stage", self._styled(facts.stage_path)),
            ("Owner", owner),
        ]
        title = facts.title if clean_text(facts.title) else "(untitled deal)"
        return self._layout(title, wide, narrow, facts.person, facts.organization)
