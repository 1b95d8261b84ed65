"""Triage of deals, shared by the board, the deals list and the deal detail.

Every write is optimistic: the screen shows the change at once, the server's answer confirms it,
and a refusal puts the deal back as it was with a clear message, keeping what the user typed (a
lost reason) for the retry. A write whose answer was lost is read back, never sent again
(:func:`~pipedrive_tui.data.write_outcome.send_write`). Writes run on the app, counted in the
session's :class:`~pipedrive_tui.data.write_outcome.PendingWrites`: closing a screen does not
cancel one, and quitting waits for them. With ``--read-only`` nothing is sent and the screen
says so.
"""

from __future__ import annotations

import asyncio
import os
import sys
import webbrowser
from collections.abc import Coroutine
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Deal, Stage
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import NotSavedError, matches, send_write
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.messages import DealSaved
from pipedrive_tui.widgets.safe_text import safe_line

__all__ = [
    "TRIAGE_BINDINGS",
    "DealTriage",
    "LostReasonScreen",
    "browser_available",
    "copy_link",
    "notify_reverted",
    "open_link",
    "refuse_read_only",
    "run_write",
]

TRIAGE_BINDINGS = [
    Binding(
        "H,shift+left",
        "move_stage(-1)",
        "◀ Stage",
        id="triage.previous_stage",
        tooltip="Move the deal to the previous stage",
    ),
    Binding(
        "L,shift+right",
        "move_stage(1)",
        "Stage ▶",
        id="triage.next_stage",
        tooltip="Move the deal to the next stage",
    ),
    Binding("w", "mark_won", "Won", id="triage.won", tooltip="Mark the deal as won"),
    Binding("x", "mark_lost", "Lost", id="triage.lost", tooltip="Mark the deal as lost (asks why)"),
    Binding(
        "o",
        "open_in_browser",
        "Open",
        id="triage.open",
        show=False,
        tooltip="Open the deal in Pipedrive's web app (prints the link over SSH)",
    ),
    Binding(
        "y",
        "copy_link",
        "Copy link",
        id="triage.copy",
        show=False,
        tooltip="Copy the deal's link (OSC 52, works over SSH)",
    ),
]


def browser_available() -> bool:
    """Whether opening a browser here makes sense (not over SSH, not on a headless Linux)."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("BROWSER")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def open_link(ui: Any, url: str) -> None:
    """Open ``url`` in a browser from screen ``ui``, or show it where no browser can open."""
    if not browser_available():
        ui.notify(
            f"No browser here. The link: {url}\nPress y to copy it.", timeout=12, markup=False
        )
        return

    async def open_it() -> None:
        opened = await asyncio.to_thread(webbrowser.open, url)
        said = f"Opened {url}" if opened else f"Could not open a browser. The link: {url}"
        ui.notify(said, markup=False)

    ui.run_worker(open_it(), group="browser", exit_on_error=False)


def copy_link(ui: Any, url: str) -> None:
    """Copy ``url`` to the clipboard through OSC 52 (works over SSH), and say so."""
    ui.app.copy_to_clipboard(url)
    ui.notify(f"Copied {url}", markup=False)


def notify_reverted(ui: Any, failed: str, error: Exception) -> None:
    """Say that a write was refused and the screen put back, with the server's message."""
    said = clean_line(str(error))
    ui.notify(
        f"{failed}. {said}", title="Change reverted", severity="error", timeout=10, markup=False
    )


def run_write(
    ui: Any, session: AccountSession, write: Coroutine[Any, Any, None], group: str
) -> None:
    """Run a write on the app, counted in flight from now until it is over.

    On the app, not on the screen: closing the screen (a detail) must not cancel a write that
    may already be on its way. Counted at once, before the worker starts, so that a quit pressed
    right after the key that made the change still waits for it.
    """
    release = session.writes.begin()

    async def run() -> None:
        try:
            await write
        finally:
            release()

    ui.app.run_worker(run(), group=group, exit_on_error=False)


def refuse_read_only(ui: Any) -> None:
    """Tell the user that read-only mode changed nothing."""
    ui.notify(
        "Read-only mode: nothing was changed. Restart without --read-only to edit.",
        title="Read-only",
        severity="warning",
    )


class LostReasonScreen(ModalScreen[str | None]):
    """Asks why a deal was lost; Enter confirms (an empty reason is allowed), Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="lost.cancel", tooltip="Keep it open")]

    def __init__(self, title: str, reason: str = "") -> None:
        super().__init__()
        self.deal_title = title
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="lost-dialog"):
            label = Text("Mark as lost: ")
            label.append_text(safe_line(self.deal_title))
            yield Label(label, id="lost-title")
            yield Input(value=self.reason, placeholder="Lost reason (optional)", id="lost-reason")
            yield Static("Enter to mark as lost · Escape to cancel", id="lost-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without marking the deal lost."""
        self.dismiss(None)


class DealTriage:
    """Actions on "the current deal" for a screen that has one.

    The screen provides :meth:`triage_deal` (the deal under the cursor) and :meth:`show_deal`
    (draw this version of a deal), and sets ``session``; this class does the rest.
    """

    session: AccountSession

    # --- what the screen provides ---------------------------------------------------------

    def triage_deal(self) -> Deal | None:
        """The deal the user is on, or ``None``."""
        raise NotImplementedError

    def show_deal(self, deal: Deal) -> None:
        """Draw this version of a deal (optimistic, confirmed or reverted)."""
        raise NotImplementedError

    # --- actions ------------------------------------------------------------------------------

    def _ui(self) -> Any:
        return self  # the Screen this class is mixed into

    def _writable(self) -> bool:
        if self.session.read_only:
            refuse_read_only(self._ui())
            return False
        return True

    def action_move_stage(self, delta: int) -> None:
        """Move the current deal to the next (1) or previous (-1) stage of its pipeline."""
        deal = self.triage_deal()
        if deal is None or not self._writable():
            return
        stages: list[Stage] = [
            s
            for s in (self.session.lookups.peek("stages") or [])
            if s.pipeline_id == deal.pipeline_id and not s.is_deleted
        ]
        stages.sort(key=lambda s: (s.order_nr, s.id))
        index = next((i for i, s in enumerate(stages) if s.id == deal.stage_id), None)
        if index is None:
            known = any(s.id == deal.stage_id for s in self.session.lookups.peek("stages") or [])
            self._ui().notify(
                "This deal's stage belongs to another pipeline: set its stage in Pipedrive."
                if known
                else "This deal's stage is not known yet; press r and try again."
            )
            return
        target = index + delta
        if not 0 <= target < len(stages):
            where = "first" if delta < 0 else "last"
            self._ui().notify(f"Already in the {where} stage of this pipeline.")
            return
        stage = stages[target]
        self._write(
            deal,
            {"stage_id": stage.id},
            done=f"Moved to {stage.name}",
            failed="Could not move the deal",
        )

    def action_mark_won(self) -> None:
        """Mark the current deal as won."""
        deal = self.triage_deal()
        if deal is None or not self._writable():
            return
        if deal.status == "won":
            self._ui().notify("This deal is already won.")
            return
        self._write(
            deal, {"status": "won"}, done="Marked as won 🎉", failed="Could not mark as won"
        )

    def action_mark_lost(self) -> None:
        """Ask for a reason, then mark the current deal as lost."""
        deal = self.triage_deal()
        if deal is None or not self._writable():
            return
        if deal.status == "lost":
            self._ui().notify("This deal is already lost.")
            return
        draft_key = f"lost:{deal.id}"

        def chosen(reason: str | None) -> None:
            if reason is None:
                return
            self.session.drafts[draft_key] = reason
            changes: dict[str, Any] = {"status": "lost"}
            if reason:
                changes["lost_reason"] = reason
            self._write(
                deal,
                changes,
                done="Marked as lost",
                failed="Could not mark as lost (your reason is kept: press x to retry)",
                draft_key=draft_key,
            )

        screen = LostReasonScreen(deal.title, self.session.drafts.get(draft_key, ""))
        self._ui().app.push_screen(screen, chosen)

    def _deal_link(self) -> str | None:
        """The web app's link of the current deal; says why when there is none."""
        deal = self.triage_deal()
        if deal is None:
            return None
        url = self.session.web_url("deal", deal.id)
        if url is None:
            self._ui().notify(
                "Demo deals have no link: they are not in Pipedrive's web app. "
                "Links work on your account."
            )
        return url

    def action_open_in_browser(self) -> None:
        """Open the deal in Pipedrive's web app, or show its link where no browser can open."""
        url = self._deal_link()
        if url is not None:
            open_link(self._ui(), url)

    def action_copy_link(self) -> None:
        """Copy the deal's link to the clipboard through OSC 52 (works over SSH)."""
        url = self._deal_link()
        if url is not None:
            copy_link(self._ui(), url)

    # --- the optimistic write ---------------------------------------------------------------

    def _write(
        self,
        before: Deal,
        changes: dict[str, Any],
        *,
        done: str,
        failed: str,
        draft_key: str | None = None,
    ) -> None:
        after = before.model_copy(update=changes)
        if "stage_id" in changes:
            stage = next(
                (
                    s
                    for s in self.session.lookups.peek("stages") or []
                    if s.id == changes["stage_id"]
                ),
                None,
            )
            if stage is not None:
                after.pipeline_id = stage.pipeline_id
        self.show_deal(after)
        ui = self._ui()
        app = ui.app
        session = self.session
        client = session.client

        def show(deal: Deal) -> None:
            if ui.is_attached:  # a detail closed meanwhile hears of it through DealSaved
                self.show_deal(deal)

        async def recheck() -> None:
            app.post_message(DealSaved(await client.get_deal(before.id)))

        async def send() -> None:
            try:
                written = await send_write(
                    lambda: client.update_deal(before.id, **changes),
                    reread=lambda: client.get_deal(before.id),
                    landed=lambda deal: matches(deal, changes),
                    writes=session.writes,
                    key=f"deal:{before.id}",
                    recheck=recheck,
                    track=False,
                )
            except PipedriveError as error:
                current = error.current if isinstance(error, NotSavedError) else None
                show(current if current is not None else before)
                if current is not None:
                    app.post_message(DealSaved(current))
                notify_reverted(app, failed, error)
                return
            saved = written.record
            if draft_key is not None:
                session.drafts.pop(draft_key, None)
            show(saved)
            app.post_message(DealSaved(saved))
            app.notify(written.said(done), markup=False)

        run_write(ui, session, send(), f"deal-write-{before.id}")
