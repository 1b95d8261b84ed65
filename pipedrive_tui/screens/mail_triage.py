"""Triage of mail threads, shared by a folder's list and the thread view.

Keys: ``m`` mark read or unread, ``e`` archive or back to the inbox, ``l`` link to a deal or a
lead (a search), ``U`` unlink, ``J`` jump to the linked deal or lead.

Writes are optimistic: the screen shows the change at once, Pipedrive's answer confirms it (and
every screen hears of it through :class:`~pipedrive_tui.screens.messages.ThreadSaved`), and a
refusal puts the thread back as it was with the server's message. A write whose answer was lost
is read back, never sent again. ``--read-only`` sends nothing.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import MailThread
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import NotSavedError, matches, send_write
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.link_picker import LinkChoice, LinkPicker
from pipedrive_tui.screens.messages import ThreadSaved
from pipedrive_tui.screens.triage import notify_reverted, refuse_read_only, run_write

__all__ = ["MAIL_TRIAGE_BINDINGS", "MailTriage"]

#: Fields of the shown version that only the server computes (not checked after a timeout).
_DERIVED = frozenset({"folders", "deal_status"})

MAIL_TRIAGE_BINDINGS = [
    Binding("m", "toggle_read", "Read", id="mail.read", tooltip="Mark the thread read or unread"),
    Binding("e", "toggle_archive", "Archive", id="mail.archive",
            tooltip="Archive the thread, or move an archived one back to the inbox"),
    Binding("l", "link", "Link", id="mail.link", show=False,
            tooltip="Link the thread to a deal or a lead (search)"),
    Binding("U", "unlink", "Unlink", id="mail.unlink", show=False,
            tooltip="Remove the thread's link to its deal or lead"),
    Binding("J", "jump", "Go to deal", id="mail.jump",
            tooltip="Open the deal or lead the thread is linked to"),
]  # fmt: skip


class MailTriage:
    """Actions on "the current thread" for a screen that has one.

    The screen provides :meth:`triage_thread` and :meth:`show_thread`, and sets ``session``.
    """

    session: AccountSession

    def triage_thread(self) -> MailThread | None:
        """The thread the user is on, or ``None``."""
        raise NotImplementedError

    def show_thread(self, thread: MailThread) -> None:
        """Draw this version of a thread (optimistic, confirmed or reverted)."""
        raise NotImplementedError

    def _ui(self) -> Any:
        return self  # the Screen this class is mixed into

    def _thread_for_write(self) -> MailThread | None:
        thread = self.triage_thread()
        if thread is None:
            return None
        if self.session.read_only:
            refuse_read_only(self._ui())
            return None
        return thread

    def action_toggle_read(self) -> None:
        """Mark the thread read, or unread again."""
        thread = self._thread_for_write()
        if thread is not None:
            read = not thread.read_flag
            self.write_thread(
                thread, {"read": read}, {"read_flag": read},
                done="Marked as read" if read else "Marked as unread",
                failed="Could not mark the thread",
            )  # fmt: skip

    def action_toggle_archive(self) -> None:
        """Archive the thread (inbox threads only), or move an archived one back to the inbox."""
        thread = self._thread_for_write()
        if thread is None:
            return
        archive = not thread.archived_flag
        if archive and "inbox" not in thread.folders:
            self._ui().notify("Only threads in the inbox can be archived (Pipedrive's rule).")
            return
        folders = [
            ("archive" if f == "inbox" else f) if archive else ("inbox" if f == "archive" else f)
            for f in thread.folders
        ]
        self.write_thread(
            thread,
            {"archived": archive},
            {"archived_flag": archive, "folders": list(dict.fromkeys(folders))},
            done="Archived" if archive else "Moved back to the inbox",
            failed="Could not archive the thread" if archive else "Could not unarchive it",
        )

    def action_link(self) -> None:
        """Search a deal or a lead and link the thread to it."""
        thread = self._thread_for_write()
        if thread is None:
            return

        def chosen(choice: LinkChoice | None) -> None:
            current = self.triage_thread()
            if choice is None or current is None:
                return
            if choice.kind == "deal":
                deal_id = int(choice.record_id)
                call: dict[str, Any] = {
                    "deal_id": deal_id,
                    "unlink_lead": current.lead_id is not None,
                }
                shown: dict[str, Any] = {"deal_id": deal_id, "lead_id": None}
            else:
                lead_id = str(choice.record_id)
                call = {"lead_id": lead_id, "unlink_deal": current.deal_id is not None}
                shown = {"lead_id": lead_id, "deal_id": None, "deal_status": None}
            self.write_thread(
                current, call, shown,
                done=f"Linked to the {choice.kind} {clean_line(choice.title)}",
                failed=f"Could not link the thread to the {choice.kind}",
            )  # fmt: skip

        self._ui().app.push_screen(LinkPicker(self.session), chosen)

    def action_unlink(self) -> None:
        """Remove the thread's link to its deal or lead."""
        thread = self._thread_for_write()
        if thread is None:
            return
        if thread.deal_id is None and thread.lead_id is None:
            self._ui().notify("This thread is not linked to a deal or a lead.")
            return
        call = {"unlink_deal": thread.deal_id is not None,
                "unlink_lead": thread.lead_id is not None}  # fmt: skip
        self.write_thread(
            thread, call, {"deal_id": None, "deal_status": None, "lead_id": None},
            done="Unlinked", failed="Could not unlink the thread",
        )  # fmt: skip

    def action_jump(self) -> None:
        """Open the deal or the lead the thread is linked to."""
        thread = self.triage_thread()
        if thread is None:
            return
        app = self._ui().app
        if thread.deal_id is not None and hasattr(app, "open_deal"):
            app.open_deal(thread.deal_id)
        elif thread.lead_id is not None and hasattr(app, "open_lead"):
            app.open_lead(thread.lead_id)
        else:
            self._ui().notify("This thread is not linked to a deal or a lead: press l to link it.")

    # --- the optimistic write -----------------------------------------------------------------

    def write_thread(
        self,
        before: MailThread,
        call: dict[str, Any],
        shown: dict[str, Any],
        *,
        done: str,
        failed: str,
        quiet: bool = False,
    ) -> None:
        """Show ``shown`` at once, send ``call`` (``update_mail_thread``), confirm or revert."""
        self.show_thread(before.model_copy(update=shown))
        ui = self._ui()
        app = ui.app
        session = self.session
        client = session.client
        expected = {key: value for key, value in shown.items() if key not in _DERIVED}

        def show(thread: MailThread) -> None:
            if ui.is_attached:  # a thread view closed meanwhile hears of it through ThreadSaved
                self.show_thread(thread)

        async def recheck() -> None:
            app.post_message(ThreadSaved(await client.get_mail_thread(before.id)))

        async def send() -> None:
            try:
                written = await send_write(
                    lambda: client.update_mail_thread(before.id, **call),
                    reread=lambda: client.get_mail_thread(before.id),
                    landed=lambda thread: matches(thread, expected),
                    writes=session.writes,
                    key=f"mail_thread:{before.id}",
                    recheck=recheck,
                    track=False,
                )
            except PipedriveError as error:
                current = error.current if isinstance(error, NotSavedError) else None
                show(current if current is not None else before)
                if current is not None:
                    app.post_message(ThreadSaved(current))
                notify_reverted(app, failed, error)
                return
            show(written.record)
            app.post_message(ThreadSaved(written.record))
            if not quiet:
                app.notify(written.said(done), markup=False)

        run_write(ui, session, send(), f"thread-write-{before.id}")
