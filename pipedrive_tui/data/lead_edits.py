"""Writes to leads, one at a time per lead, each applied to the last version Pipedrive confirmed.

A lead's labels are one list: ``PATCH /leads/{id}`` with ``label_ids`` replaces them all. Two
label toggles pressed in quick succession must therefore not both start from the same old
list, or the second would undo the first. :class:`LeadEdits` queues the edits of each lead,
sends them in order, and builds each request body from the version the previous answer
returned. What the screen shows meanwhile is :meth:`LeadEdits.expected`: the confirmed version
with every pending edit applied (optimistic). When an edit is refused, only that edit is
dropped; the screen then shows the confirmed version with the edits still pending. When an
edit's answer is lost, the lead is read back (never sent again): its version on the server
becomes the confirmed one (see :mod:`pipedrive_tui.data.write_outcome`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pipedrive_tui.api.models import Lead, LeadValue

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient

from pipedrive_tui.api.errors import NotFoundError
from pipedrive_tui.data.store import RecordStore
from pipedrive_tui.data.warm import remember
from pipedrive_tui.data.write_outcome import NotSavedError, PendingWrites, matches, send_write

__all__ = ["LeadEdit", "LeadEdits", "request_body"]


@dataclass(eq=False)
class LeadEdit:
    """One change to a lead: ``changes`` gives the new field values from the current version.

    The values are the model's (``LeadValue``, ``date``); :func:`request_body` turns them into
    JSON for the request.
    """

    changes: Callable[[Lead], dict[str, Any]]
    #: What the screen says once Pipedrive confirms it (``""``: nothing).
    what: str = ""
    draft_key: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def request_body(changes: dict[str, Any]) -> dict[str, Any]:
    """The ``PATCH`` body of some model changes (a value as ``{amount, currency}``, ISO dates)."""
    body: dict[str, Any] = {}
    for key, value in changes.items():
        if isinstance(value, LeadValue):
            body[key] = {"amount": value.amount, "currency": value.currency}
        elif isinstance(value, date):
            body[key] = value.isoformat()
        else:
            body[key] = value
    return body


class LeadEdits:
    """The pending edits of every lead of one account, sent in order per lead."""

    def __init__(self, client: PipedriveClient, store: RecordStore | None = None) -> None:
        #: Where confirmed versions are kept for the next start (``None``: nowhere).
        self.store = store
        self._client = client
        self._confirmed: dict[str, Lead] = {}
        self._pending: dict[str, list[LeadEdit]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def pending(self, lead_id: str) -> int:
        """How many edits of this lead are not confirmed yet."""
        return len(self._pending.get(lead_id, ()))

    def expected(self, lead: Lead) -> Lead:
        """The lead as it will be once its pending edits are confirmed (``lead`` when none)."""
        edits = self._pending.get(lead.id)
        if not edits:
            return lead
        current = self._confirmed.get(lead.id, lead)
        for edit in edits:
            current = current.model_copy(update=edit.changes(current))
        return current

    def start(self, lead: Lead, edit: LeadEdit) -> Lead:
        """Queue an edit of ``lead`` (the version on screen); returns the version to show now."""
        if not self._pending.get(lead.id):
            self._confirmed[lead.id] = lead
        self._pending.setdefault(lead.id, []).append(edit)
        return self.expected(lead)

    async def send(
        self,
        lead_id: str,
        edit: LeadEdit,
        *,
        writes: PendingWrites | None = None,
        on_recheck: Callable[[Lead], None] | None = None,
    ) -> Lead:
        """Send a queued edit once the edits before it are answered; returns the saved lead.

        Raises the client's :class:`~pipedrive_tui.api.errors.PipedriveError` when Pipedrive
        refuses it; the edit is dropped either way. When the answer is lost the lead is read
        back: shown changed, the edit counts as saved (``edit.meta["checked"]``); else
        :class:`~pipedrive_tui.data.write_outcome.NotSavedError`, or
        :class:`~pipedrive_tui.data.write_outcome.OutcomeUnknownError` when it cannot be read
        either (then ``writes`` marks it, and ``on_recheck`` gets the lead once it is read).
        """
        lock = self._locks.setdefault(lead_id, asyncio.Lock())
        client = self._client

        async def recheck() -> None:
            async with lock:
                try:
                    lead = await client.get_lead(lead_id)
                except NotFoundError:
                    return  # converted or deleted meanwhile: nothing left to show
                await self.note_confirmed(lead)
            if on_recheck is not None:
                on_recheck(self.expected(lead))

        async with lock:
            try:
                base = self._confirmed[lead_id]
                changes = edit.changes(base)
                body = request_body(changes)
                try:
                    written = await send_write(
                        lambda: client.update_lead(lead_id, **body),
                        reread=lambda: client.get_lead(lead_id),
                        landed=lambda lead: matches(lead, changes),
                        writes=writes,
                        key=f"lead:{lead_id}",
                        recheck=recheck,
                        track=False,
                    )
                except NotSavedError as error:
                    if isinstance(error.current, Lead):
                        await self.note_confirmed(error.current)
                    raise
                edit.meta["checked"] = written.checked
                await self.note_confirmed(written.record)
                return written.record
            finally:
                edits = self._pending.get(lead_id, [])
                if edit in edits:
                    edits.remove(edit)
                if not edits:
                    self._pending.pop(lead_id, None)

    def confirmed_version(self, lead: Lead) -> Lead:
        """The version Pipedrive confirmed of a lead shown with edits still unanswered (else
        ``lead``): what may be kept in the store."""
        if not self._pending.get(lead.id):
            return lead
        return self._confirmed.get(lead.id, lead)

    async def note_confirmed(self, lead: Lead) -> None:
        """``lead`` is how Pipedrive has it now: the base of the next edits, and kept."""
        self._confirmed[lead.id] = lead
        await remember(self.store, "lead", [lead])

    def current(self, lead_id: str) -> Lead | None:
        """The last version Pipedrive confirmed with the pending edits applied, if any are."""
        confirmed = self._confirmed.get(lead_id)
        return None if confirmed is None else self.expected(confirmed)
