"""Lead queries and the rows of the leads list: pure functions, no widgets and no I/O.

Pipedrive's ``GET /v1/leads`` filters by owner, person, organization or a saved filter (the
filter wins over the rest) and sorts by a few first-level keys. Labels and sources are not
parameters, so :meth:`LeadQuery.matches` narrows by them on our side, and re-applies the owner
when a saved filter made Pipedrive ignore it.

Auto-refresh asks only for what changed (:func:`fetch_lead_changes`): the inbox leads updated
since the last refresh (``updated_since``), and the archived leads most recently updated (the
archived listing has no ``updated_since``; sorted by ``update_time`` its first page suffices).
A deleted lead is in neither: it stays until ``r``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Hashable, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from pipedrive_tui.data.deals import ChangeMark, utc, walk_pages

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.api.models import Lead

__all__ = [
    "LEAD_SORTS",
    "LeadChanges",
    "LeadQuery",
    "LeadRows",
    "LeadView",
    "fetch_lead_changes",
    "lead_count_text",
    "lead_empty_text",
    "reread_leads",
    "split_lead_changes",
    "toggled_labels",
]

LeadView = Literal["active", "archived"]

#: The sort keys ``GET /leads`` accepts (the spec's enum) that a person would sort by, with
#: the words the toolbar uses and the direction each starts in.
LEAD_SORTS: tuple[tuple[str, str, str], ...] = (
    ("add_time", "created", "DESC"),
    ("update_time", "updated", "DESC"),
    ("title", "title", "ASC"),
    ("expected_close_date", "close date", "ASC"),
    ("was_seen", "unseen first", "ASC"),
    ("owner_id", "owner", "ASC"),
)


@dataclass(frozen=True)
class LeadQuery:
    """Which leads the list shows, and in which order Pipedrive sends them.

    ``sort`` is one of :data:`LEAD_SORTS`' keys and ``descending`` its direction; ``label_id``
    and ``source`` narrow on our side (the API has no such parameters).
    """

    view: LeadView = "active"
    owner_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    label_id: str | None = None
    source: str | None = None
    filter_id: int | None = None
    sort: str = "add_time"
    descending: bool = True

    @property
    def archived(self) -> bool:
        """Whether the query reads the archived leads."""
        return self.view == "archived"

    @property
    def sort_param(self) -> str:
        """The ``sort`` parameter: ``"add_time DESC"``."""
        return f"{self.sort} {'DESC' if self.descending else 'ASC'}"

    def client_filters(self) -> dict[str, Any]:
        """Keyword arguments for ``PipedriveClient.iter_lead_pages``."""
        params: dict[str, Any] = {"archived": self.archived, "sort": self.sort_param}
        if self.filter_id is not None:
            params["filter_id"] = self.filter_id
            return params
        for name, value in (
            ("owner_id", self.owner_id),
            ("person_id", self.person_id),
            ("organization_id", self.org_id),
        ):
            if value is not None:
                params[name] = value
        return params

    def matches(self, lead: Lead) -> bool:
        """Whether a lead belongs in this view (after a filter, or after an edit)."""
        if lead.is_archived != self.archived:
            return False
        if self.owner_id is not None and lead.owner_id != self.owner_id:
            return False
        if self.person_id is not None and lead.person_id != self.person_id:
            return False
        if self.org_id is not None and lead.organization_id != self.org_id:
            return False
        if self.label_id is not None and self.label_id not in lead.label_ids:
            return False
        return self.source is None or lead.source_name == self.source

    def next_sort(self, delta: int = 1) -> LeadQuery:
        """The same query sorted by the next (or previous) key, in that key's usual direction."""
        keys = [key for key, _, _ in LEAD_SORTS]
        index = keys.index(self.sort) if self.sort in keys else -1
        key, _, direction = LEAD_SORTS[(index + delta) % len(LEAD_SORTS)]
        return replace(self, sort=key, descending=direction == "DESC")

    @property
    def sort_words(self) -> str:
        """How the toolbar names the order: ``"created ↓"``."""
        words = next((w for k, w, _ in LEAD_SORTS if k == self.sort), self.sort)
        return f"{words} {'↓' if self.descending else '↑'}"


def toggled_labels(label_ids: Iterable[str], label_id: str) -> list[str]:
    """``label_ids`` with ``label_id`` added when absent, removed when present; order kept."""
    current = list(dict.fromkeys(label_ids))
    if label_id in current:
        return [x for x in current if x != label_id]
    return [*current, label_id]


class LeadRows:
    """The leads of one query: ``loaded`` in the order Pipedrive sent them, ``view`` as shown.

    ``view`` is ``loaded`` while nothing narrows it; a search (every word, anywhere in the
    title, person, organization, labels and source) or a server search's hits replace it.
    ``marked`` holds the ids of leads changed here so that they no longer match the query (an
    archived lead in the inbox): they stay, dimmed, until the next refresh.
    """

    def __init__(self, query: LeadQuery, text: Callable[[Lead], str]) -> None:
        self.query = query
        self.loaded: list[Lead] = []
        self.view: list[Lead] = self.loaded
        self.search = ""
        #: Pipedrive's search hits shown instead of the loaded rows (``None``: not searching).
        self.hits: list[Lead] | None = None
        self.marked: set[Hashable] = set()
        self.dropped = 0
        self._text = text
        self._haystacks: dict[str, str] = {}
        self._ids: set[str] = set()

    @property
    def narrowed(self) -> bool:
        """Whether a search hides some loaded rows."""
        return bool(self.search.strip()) or self.hits is not None

    def add(self, leads: Iterable[Lead]) -> int:
        """Append the leads that match the query; returns how many.

        A lead already here (an auto-refresh brought it, or new leads shifted Pipedrive's
        offsets between two pages) is not listed twice: its newer version replaces it.
        """
        before = len(self.loaded)
        for lead in leads:
            if not self.query.matches(lead):
                self.dropped += 1
            elif lead.id in self._ids:
                self.replace(lead)
            else:
                self._ids.add(lead.id)
                self.loaded.append(lead)
        return len(self.loaded) - before

    def merge(self, leads: Iterable[Lead], leave: Collection[str]) -> bool:
        """Put changed leads in and drop those that left the view; ``True`` when rows changed.

        New versions take the place of the old ones; new leads go first when the list shows
        the newest first (by creation or update), else last. Call :meth:`rebuild` afterwards.
        """
        index = {lead.id: i for i, lead in enumerate(self.loaded)}
        fresh: list[Lead] = []
        touched = False
        for lead in leads:
            found = index.get(lead.id)
            if found is None:
                fresh.append(lead)
                self._ids.add(lead.id)
            else:
                self.loaded[found] = lead
            if self.hits is not None:
                self.hits[:] = [lead if hit.id == lead.id else hit for hit in self.hits]
            self.marked.discard(lead.id)
            self._haystacks.pop(lead.id, None)
            touched = True
        gone = set(leave) & index.keys()
        if gone:
            self.loaded[:] = [lead for lead in self.loaded if lead.id not in gone]
            self._ids -= gone
            self.marked -= gone
            touched = True
        if fresh:
            newest_first = self.query.descending and self.query.sort in ("add_time", "update_time")
            self.loaded[:] = [*fresh, *self.loaded] if newest_first else [*self.loaded, *fresh]
        return touched

    def find(self, lead_id: str) -> Lead | None:
        """The lead with this id among the rows (loaded or hits)."""
        for rows in (self.loaded, self.hits or ()):
            for lead in rows:
                if lead.id == lead_id:
                    return lead
        return None

    def replace(self, lead: Lead) -> bool:
        """Put this version of a lead where the old one was; ``False`` when it is not here."""
        found = False
        lists = [self.loaded]
        if self.view is not self.loaded:
            lists.append(self.view)
        if self.hits is not None and self.hits is not self.view:
            lists.append(self.hits)
        for rows in lists:
            for index, old in enumerate(rows):
                if old.id == lead.id:
                    rows[index] = lead
                    found = True
        if not found:
            return False
        self._haystacks.pop(lead.id, None)
        if self.query.matches(lead):
            self.marked.discard(lead.id)
        else:
            self.marked.add(lead.id)
        return True

    def mark_gone(self, lead_id: str) -> None:
        """A lead left Pipedrive's list (converted, deleted): dim it until the refresh."""
        self.marked.add(lead_id)

    def forget_text(self) -> None:
        """Names changed: search again with the new names."""
        self._haystacks.clear()

    def rebuild(self) -> None:
        """Make the view again: the hits, or the loaded rows holding every word searched."""
        base = self.hits if self.hits is not None else self.loaded
        text = self.search.casefold()
        if self.hits is not None or not text.strip():
            self.view = base
            return
        haystacks = self._haystacks
        rows = base
        for term in text.split():
            rows = [lead for lead in rows if term in self._haystack(lead, haystacks)]
        self.view = rows

    def _haystack(self, lead: Lead, haystacks: dict[str, str]) -> str:
        found = haystacks.get(lead.id)
        if found is None:
            found = haystacks[lead.id] = self._text(lead).casefold()
        return found


# --- incremental refresh ------------------------------------------------------------------------

#: Leads a page of inbox changes (Pipedrive's most).
CHANGES_PAGE = 500
#: Archived leads a page when looking for the ones archived since the last refresh.
ARCHIVED_PAGE = 50


@dataclass
class LeadChanges:
    """What changed since the last refresh, sorted for one view."""

    #: Changed leads the view shows: new ones and new versions of shown ones.
    belong: list[Lead]
    #: Ids of changed leads that no longer belong (archived from the inbox, unarchived…).
    leave: set[str]
    #: Where the next refresh starts.
    mark: ChangeMark
    #: Requests the refresh cost.
    requests: int = field(default=0)
    #: ``False`` when a re-read page says more pages follow (the list outgrew one page).
    complete: bool = True


def split_lead_changes(
    query: LeadQuery, changed: Iterable[Lead], in_filter: Container[str] | None = None
) -> tuple[list[Lead], set[str]]:
    """Changed leads the view of ``query`` shows, and the ids of those that leave it.

    ``in_filter``: the ids Pipedrive's saved filter still selects (``None``: no filter, or
    the leads were fetched through it). The newest version of a lead listed twice wins.
    """
    latest: dict[str, Lead] = {}
    for lead in changed:
        old = latest.get(lead.id)
        if old is None or _newer(lead, old):
            latest[lead.id] = lead
    belong = [
        lead
        for lead in latest.values()
        if query.matches(lead) and (in_filter is None or lead.id in in_filter)
    ]
    kept = {lead.id for lead in belong}
    return belong, {lead_id for lead_id in latest if lead_id not in kept}


def _newer(lead: Lead, old: Lead) -> bool:
    if lead.update_time is None or old.update_time is None:
        return old.update_time is None
    return utc(lead.update_time) >= utc(old.update_time)


async def _archived_since(
    client: PipedriveClient, since: ChangeMark, filter_id: int | None
) -> tuple[list[Lead], int]:
    """The archived leads updated since ``since``: newest first, until an older one shows."""
    params: dict[str, Any] = {"sort": "update_time DESC"}
    if filter_id is not None:
        params["filter_id"] = filter_id
    found: list[Lead] = []
    requests = 0
    pages = client.iter_lead_pages(archived=True, limit=ARCHIVED_PAGE, **params)
    async with aclosing(pages):  # type: ignore[type-var]
        async for page in pages:
            requests += 1
            for lead in page.items:
                if lead.update_time is None or utc(lead.update_time) < since.time:
                    return found, requests
                found.append(lead)
    return found, requests


async def fetch_lead_changes(
    client: PipedriveClient, query: LeadQuery, since: ChangeMark, *, shown: Container[str] = ()
) -> LeadChanges:
    """The leads updated since ``since`` that the view of ``query`` must add, redraw or drop.

    Two requests when few leads changed: the inbox leads updated since (``updated_since``), and
    the first page of the archived leads by ``update_time`` (the archived listing has no
    ``updated_since``), so that a lead archived or unarchived is seen moving. Under a saved
    filter on the inbox, and only when a change concerns the view (``shown`` holds the ids on
    screen), a third asks which of the changed leads the filter still selects.
    """
    pages = client.iter_lead_pages(
        limit=CHANGES_PAGE, updated_since=since.param, sort="update_time ASC"
    )
    inbox, requests = await walk_pages(pages)
    archived_filter = query.filter_id if query.archived else None
    archived, more = await _archived_since(client, since, archived_filter)
    requests += more
    fetched = [*inbox, *archived]
    changed = since.fresh(fetched)
    in_filter: set[str] | None = None
    if query.filter_id is not None and not query.archived:
        in_filter = set()
        if any(not lead.is_archived and (query.matches(lead) or lead.id in shown)
               for lead in changed):  # fmt: skip
            filtered = client.iter_lead_pages(
                limit=CHANGES_PAGE, filter_id=query.filter_id, updated_since=since.param
            )
            selected, more = await walk_pages(filtered)
            requests += more
            in_filter = {lead.id for lead in selected}
    belong, leave = split_lead_changes(query, changed, in_filter)
    return LeadChanges(belong, leave, since.after(fetched), requests)


async def reread_leads(
    client: PipedriveClient,
    query: LeadQuery,
    since: ChangeMark,
    *,
    shown: Collection[str],
    limit: int | None = None,
) -> LeadChanges:
    """The view's only page read again: for a list that fits on one page, one request that
    costs what ``updated_since`` would (Pipedrive charges a request, not a record) and also
    sees leads archived, deleted or converted since, which the inbox listing no longer has.

    Every lead of ``shown`` missing from the page leaves; when the page says more follow, none
    does (``complete`` is then ``False``: the caller walks the pages again, or goes back to
    :func:`fetch_lead_changes`).
    """
    pages = client.iter_lead_pages(limit=limit, **query.client_filters())
    found: list[Lead] = []
    complete = True
    async with aclosing(pages):  # type: ignore[type-var]
        async for page in pages:
            found = list(page.items)
            complete = page.next is None
            break
    belong = [lead for lead in found if query.matches(lead)]
    kept = {lead.id for lead in belong}
    leave = {lead_id for lead_id in shown if lead_id not in kept} if complete else set()
    return LeadChanges(belong, leave, since.after(found), 1, complete)


def lead_count_text(
    rows: LeadRows, *, fetching: bool, more: bool, error: str = "", failed: bool = False
) -> str:
    """The toolbar's count: how many leads, whether more exist, what is changed or searched."""
    if failed:
        return "leads not loaded"
    loaded = len(rows.loaded)
    if rows.hits is not None:
        hits = len(rows.hits)
        return f"{hits:,} found by Pipedrive search · escape: back to the list"
    if rows.narrowed:
        text = f"{len(rows.view):,} of {loaded:,} match"
    else:
        text = f"{loaded:,} lead{'' if loaded == 1 else 's'}"
    if rows.marked:
        text += f" · {len(rows.marked)} changed"
    if error:
        return f"{text} · stopped: {error} (r retries)"
    if fetching:
        return f"{text} · loading…"
    if more:
        return f"{text} · + more (a: all)"
    return f"{text} · all loaded"


def lead_empty_text(rows: LeadRows, error: str, more: bool, query: LeadQuery) -> str:
    """What the list says instead of rows: the error, or why nothing shows and what to press."""
    if error:
        return f"{error}\nPress r to try again."
    if rows.hits is not None:
        return f"Pipedrive found no lead for “{rows.search.strip()}”. Escape goes back."
    if rows.narrowed:
        return (
            f"No loaded lead matches “{rows.search.strip()}”. Enter searches all of Pipedrive; "
            "escape clears the search."
        )
    if more:
        return "None of the leads loaded so far match. Press a to load them all."
    narrowed = any(
        v is not None
        for v in (query.owner_id, query.label_id, query.source, query.filter_id, query.person_id)
    )
    if narrowed:
        return "No lead matches the label, owner, source or filter chosen. Press x to clear them."
    if query.archived:
        return "No archived leads. Press v to go back to the inbox."
    return "The leads inbox is empty. New leads from web forms, chat and imports arrive here."


def ids_of(leads: Collection[Lead]) -> set[str]:
    """The ids of some leads."""
    return {lead.id for lead in leads}
