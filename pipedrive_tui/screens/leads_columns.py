"""The columns of the leads list, the text ``/`` searches in, and the toolbar's scope.

Cells are plain text (the table cleans them again), except the labels, drawn as chips in their
Pipedrive colours (:func:`~pipedrive_tui.widgets.lead_labels.chip_pieces`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pipedrive_tui.api.models import Currency, Lead, LeadLabel, User
from pipedrive_tui.data.leads import LeadQuery
from pipedrive_tui.data.names import NameBook
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.screens.deals_columns import money_cell
from pipedrive_tui.widgets.lead_labels import chip_pieces
from pipedrive_tui.widgets.table_columns import TableColumn, title_cell

__all__ = ["LeadLookups", "lead_columns", "lead_scope_text", "lead_search_text", "party_name"]


@dataclass
class LeadLookups:
    """The cached lookups the cells need (empty until they are loaded)."""

    users: dict[int, User] = field(default_factory=dict)
    labels: dict[str, LeadLabel] = field(default_factory=dict)
    currencies: dict[str, Currency] = field(default_factory=dict)


def party_name(lead: Lead, names: NameBook) -> str:
    """Who the lead is with: the person, else the organization (as the inbox shows it)."""
    person = names.person_name(lead.person_id) if lead.person_id is not None else None
    org = names.organization_name(lead.organization_id) if lead.organization_id else None
    if person and org:
        return f"{person} · {org}"
    if person or org:
        return person or org or ""
    if lead.person_id is not None:
        return f"Person #{lead.person_id}"
    if lead.organization_id is not None:
        return f"Organization #{lead.organization_id}"
    return ""


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


def lead_search_text(lead: Lead, names: NameBook, labels: Mapping[str, LeadLabel]) -> str:
    """What ``/`` searches in: title, person, organization, label names and source."""
    label_names = " ".join(labels[i].name for i in lead.label_ids if i in labels)
    return "\n".join((lead.title, party_name(lead, names), label_names, lead.source_name or ""))


def lead_columns(lookups: LeadLookups, names: NameBook) -> list[TableColumn]:
    """The columns of the leads list, widest first to go on a narrow terminal."""
    context = FieldContext(currencies=lookups.currencies)
    users, labels = lookups.users, lookups.labels

    def owner(lead: Lead) -> str:
        user = users.get(lead.owner_id) if lead.owner_id is not None else None
        return user.name if user else (f"User #{lead.owner_id}" if lead.owner_id else "")

    def value(lead: Lead) -> str:
        if lead.value is None:
            return ""
        return money_cell(lead.value.amount, lead.value.currency, context)

    def label_text(lead: Lead) -> str:
        return " ".join(labels[i].name if i in labels else "?" for i in lead.label_ids)

    return [
        TableColumn("seen", " ", lambda lead: "" if lead.was_seen else "●", width=1,
                    priority=0, sort_key=lambda lead: lead.was_seen),
        TableColumn("title", "Title", lambda lead: title_cell(lead.title), width=16, flexible=True,
                    priority=0, ideal=24),
        TableColumn("labels", "Labels", label_text, width=16, priority=1,
                    pieces=lambda lead: chip_pieces(lead.label_ids, labels)),
        TableColumn("value", "Value", value, width=11, align="right", priority=1,
                    sort_key=lambda lead: lead.value.amount if lead.value else None),
        TableColumn("with", "Person · Organization", lambda lead: party_name(lead, names),
                    width=20, priority=2),
        TableColumn("owner", "Owner", owner, width=13, priority=3),
        TableColumn("source", "Source", lambda lead: lead.source_name or "", width=11,
                    priority=5),
        TableColumn("close", "Close by",
                    lambda lead: str(lead.expected_close_date or ""), width=10, priority=4,
                    sort_key=lambda lead: lead.expected_close_date),
        TableColumn("created", "Created", lambda lead: _date(lead.add_time), width=10,
                    priority=4, sort_key=lambda lead: lead.add_time),
        TableColumn("updated", "Updated", lambda lead: _date(lead.update_time), width=10,
                    priority=6, sort_key=lambda lead: lead.update_time),
    ]  # fmt: skip


def lead_scope_text(
    query: LeadQuery,
    lookups: LeadLookups,
    names: NameBook,
    filters: Mapping[int, str],
) -> str:
    """What the list is narrowed to: a saved filter, a label, an owner, a source, a person…"""
    parts = []
    if query.filter_id is not None:
        parts.append(f"Filter: {filters.get(query.filter_id, f'#{query.filter_id}')}")
    if query.label_id is not None:
        label = lookups.labels.get(query.label_id)
        parts.append(f"Label: {label.name if label else '(deleted)'}")
    if query.owner_id is not None:
        owner = lookups.users.get(query.owner_id)
        parts.append(f"Owner: {owner.name if owner else query.owner_id}")
    if query.source is not None:
        parts.append(f"Source: {query.source}")
    if query.person_id is not None:
        parts.append(f"Person: {names.person_name(query.person_id) or query.person_id}")
    if query.org_id is not None:
        parts.append(f"Organization: {names.organization_name(query.org_id) or query.org_id}")
    return " · ".join(parts)
