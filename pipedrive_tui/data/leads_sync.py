"""The leads list in the record store: drawn at once on a warm start, then refreshed.

A list is kept under a key naming its whole :class:`~pipedrive_tui.data.leads.LeadQuery` (the
view, what is sent to Pipedrive, the label and source narrowed here, the order), with the leads
it showed and, when every page was loaded, the mark the next incremental refresh starts from.
A list kept without a mark (more pages existed) is drawn, then loaded again in full.

:func:`lead_changes` is the one refresh both the warm start and auto-refresh use: a list that
fits on one page reads that page again (one request, and leads deleted since leave); a longer
one asks for the changes since the mark (:func:`~pipedrive_tui.data.leads.fetch_lead_changes`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING

from pipedrive_tui.api.models import Lead
from pipedrive_tui.data.deals import ChangeMark, utc
from pipedrive_tui.data.leads import (
    LeadChanges,
    LeadQuery,
    LeadRows,
    fetch_lead_changes,
    reread_leads,
)
from pipedrive_tui.data.warm import WarmList, list_key, recall_list, remember_list

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.data.store import RecordStore

__all__ = [
    "LEAD_KIND",
    "cached_when",
    "kept_leads",
    "lead_changes",
    "leads_list_key",
    "recall_leads",
    "save_leads",
    "warm_mark",
]

#: The kind leads are stored under.
LEAD_KIND = "lead"


def leads_list_key(query: LeadQuery) -> str:
    """The store's name for the list of ``query``: ``leads:filter=-:label=-:…:view=active``."""
    return list_key(
        "leads",
        view=query.view,
        owner=query.owner_id,
        person=query.person_id,
        org=query.org_id,
        label=query.label_id,
        source=query.source,
        filter=query.filter_id,
        sort=query.sort_param,
    )


def kept_leads(rows: LeadRows) -> list[Lead]:
    """The loaded leads that still belong (not those dimmed until the next refresh)."""
    return [lead for lead in rows.loaded if lead.id not in rows.marked]


async def save_leads(
    store: RecordStore | None,
    query: LeadQuery,
    rows: LeadRows,
    mark: ChangeMark | None,
    *,
    confirmed: Callable[[Lead], Lead] | None = None,
) -> None:
    """Keep the list as shown; ``mark`` only when every page is loaded (else ``None``).

    ``confirmed`` turns a lead shown with edits still unanswered into the version Pipedrive
    confirmed: the store never keeps a change the app may yet have to take back.
    """
    since = mark.time if mark is not None else None
    leads = kept_leads(rows)
    if confirmed is not None:
        leads = [confirmed(lead) for lead in leads]
    await remember_list(store, LEAD_KIND, leads_list_key(query), leads, since)


async def recall_leads(store: RecordStore | None, query: LeadQuery) -> WarmList[Lead] | None:
    """The list of ``query`` as last kept (``None``: never kept, or no store)."""
    return await recall_list(store, LEAD_KIND, leads_list_key(query), Lead)


def warm_mark(since: datetime) -> ChangeMark:
    """The mark a kept list's refresh starts from (it remembers no ids: those of that very
    second come back once, which changes nothing)."""
    return ChangeMark(utc(since))


async def lead_changes(
    client: PipedriveClient,
    query: LeadQuery,
    since: ChangeMark,
    *,
    shown: Collection[str],
    one_page: bool,
    limit: int | None,
) -> LeadChanges:
    """What changed since ``since``: the only page read again when the list fits on it, else
    the changes asked with ``updated_since`` (and the archived leads' first page)."""
    if one_page:
        return await reread_leads(client, query, since, shown=shown, limit=limit)
    return await fetch_lead_changes(client, query, since, shown=shown)


def cached_when(fetched_at: float, now: datetime) -> str:
    """When a kept list was saved, short: ``12:03`` today, ``Nov 3 12:03``, or the full date."""
    saved = datetime.fromtimestamp(fetched_at)
    if now.tzinfo is not None:
        now = now.astimezone().replace(tzinfo=None)
    if saved.date() == now.date():
        return f"{saved:%H:%M}"
    if saved.year == now.year:
        return f"{saved:%b} {saved.day} {saved:%H:%M}"
    return f"{saved:%Y-%m-%d %H:%M}"
