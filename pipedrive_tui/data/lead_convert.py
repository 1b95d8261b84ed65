"""Converting a lead into a deal: start Pipedrive's conversion job, then poll it to the end.

Pipedrive converts a lead asynchronously: ``POST /api/v2/leads/{id}/convert/deal`` answers a job
id at once, and ``GET …/convert/status/{conversion_id}`` tells how the job is doing
(``not_started``, ``running``, then ``completed`` with the new deal's id, or ``failed`` or
``rejected``). :func:`convert_lead_to_deal` polls on a fixed, bounded schedule: it never polls
past its last delay, and then says the conversion is still under way instead of waiting on.
When the answer that starts the job is lost, the lead is read back once (the job is never
started twice): gone, it was converted; still there, a job may yet convert it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.data.write_outcome import NotSavedError, PendingWrites, send_write

__all__ = ["DEFAULT_DELAYS", "MAYBE_STARTED", "ConversionError", "convert_lead_to_deal"]

#: Seconds to wait before each status poll: about 40 s in all, then the helper gives up.
DEFAULT_DELAYS: tuple[float, ...] = (0.5, 1, 1, 2, 2, 3, 5, 5, 10, 10)

#: Said when the start of a conversion timed out and the lead is still there.
MAYBE_STARTED = (
    "Pipedrive did not answer in time. The lead is still a lead, but a conversion may have "
    "started: refresh in a minute before converting it again."
)

#: The statuses after which the job will never complete.
_FAILED = {
    "failed": "Pipedrive could not convert the lead into a deal (the conversion failed). "
    "Refresh the lead and try again.",
    "rejected": "Pipedrive rejected the conversion of the lead into a deal. The lead may "
    "already be converted or deleted, or your user may lack the permission to add deals.",
}


class ConversionError(PipedriveError):
    """A lead conversion that failed, was rejected, or did not finish while the app waited.

    Attributes:
        conversion_id: the job's id (poll it later with ``lead_conversion_status``).
        conversion_status: the last status Pipedrive reported (``failed``, ``rejected``,
            ``running``…).
    """

    default_message = "Pipedrive could not convert the lead into a deal."

    def __init__(
        self,
        message: str | None = None,
        *,
        conversion_id: str | None = None,
        conversion_status: str | None = None,
        operation: str | None = "getLeadConversionStatus",
    ) -> None:
        self.conversion_id = conversion_id
        self.conversion_status = conversion_status
        super().__init__(message, operation=operation)

    @property
    def still_running(self) -> bool:
        """Whether the job may still complete (the helper only stopped waiting for it)."""
        return self.conversion_status not in _FAILED and self.conversion_status != "completed"


async def convert_lead_to_deal(
    client: PipedriveClient,
    lead_id: str,
    *,
    stage_id: int | None = None,
    pipeline_id: int | None = None,
    on_progress: Callable[[str], None] | None = None,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    delays: Sequence[float] = DEFAULT_DELAYS,
    writes: PendingWrites | None = None,
) -> int | None:
    """Convert a lead into a deal and return the new deal's id.

    ``None`` when the answer that starts the job was lost and the lead, read back, is gone: it
    was converted, into a deal this call cannot name.

    Starts the job, then waits ``delays[0]`` seconds, polls, waits ``delays[1]``, polls… until the
    job completes. ``on_progress`` receives ``not_started`` once the job is accepted, then each
    status Pipedrive reports (``not_started``, ``running``, ``completed``…), for a line the user
    can watch.

    Raises:
        ConversionError: the job failed or was rejected, or it had not completed after the last
            delay (the conversion may still finish on Pipedrive's side).
        PipedriveError: starting or polling the job failed (read-only mode, unknown lead, a
            network error…).
    """
    try:
        started = await send_write(
            lambda: client.convert_lead(lead_id, stage_id=stage_id, pipeline_id=pipeline_id),
            reread=lambda: client.get_lead(lead_id),
            landed=lambda lead: lead is None,
            writes=writes,
            key=f"lead:{lead_id}",
        )
    except NotSavedError:
        raise ConversionError(MAYBE_STARTED, operation="convertLeadToDeal") from None
    if started.checked:
        return None
    job = started.record
    status = job.status or "not_started"
    if on_progress is not None:
        on_progress(status)
    for delay in delays:
        await (sleep or client.sleep)(delay)
        job = await client.lead_conversion_status(lead_id, job.conversion_id)
        status = job.status or "not_started"
        if on_progress is not None:
            on_progress(status)
        if status == "completed":
            if job.deal_id is None:
                raise ConversionError(
                    "Pipedrive reported the lead converted but named no deal; look for it "
                    "among the deals.",
                    conversion_id=job.conversion_id,
                    conversion_status=status,
                )
            return job.deal_id
        if status in _FAILED:
            raise ConversionError(
                _FAILED[status], conversion_id=job.conversion_id, conversion_status=status
            )
    raise ConversionError(
        "Pipedrive is still converting the lead; it will appear among the deals when done.",
        conversion_id=job.conversion_id,
        conversion_status=status,
    )
