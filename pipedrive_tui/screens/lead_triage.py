"""Triage of leads, shared by the leads list and the lead detail.

Keys: ``l`` toggle a label (a picker; one label added or removed, the others kept), ``e``
archive or unarchive, ``m`` mark seen or unseen, ``U`` change the owner, ``V`` edit the value
and expected close date, ``C`` convert to a deal (then open it), ``L`` manage the labels,
``o`` open in Pipedrive's web app, ``y`` copy the link.

Writes are optimistic and go through the session's
:class:`~pipedrive_tui.data.lead_edits.LeadEdits`, which sends a lead's edits one after the
other from the last confirmed version: the screen shows the change at once, the answer
confirms it, and a refusal drops that edit only, with the server's message; what the user
typed (a value form) is kept for the retry. An edit whose answer was lost is read back, never
sent again. ``--read-only`` sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.binding import Binding

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import Lead, LeadValue, Stage
from pipedrive_tui.data.lead_convert import convert_lead_to_deal
from pipedrive_tui.data.lead_edits import LeadEdit
from pipedrive_tui.data.leads import toggled_labels
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import CHECKED_NOTE
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.lead_forms import LeadValueForm, LeadValueScreen, ParsedValue
from pipedrive_tui.screens.lead_labels import LabelPicker, LeadLabelsScreen
from pipedrive_tui.screens.messages import LeadGone, LeadSaved
from pipedrive_tui.screens.triage import (
    copy_link,
    notify_reverted,
    open_link,
    refuse_read_only,
    run_write,
)
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker

__all__ = ["LEAD_TRIAGE_BINDINGS", "LeadTriage", "lead_url"]

LEAD_TRIAGE_BINDINGS = [
    Binding("l", "toggle_label", "Label", id="lead.label",
            tooltip="Add or remove one label (the others stay)"),
    Binding("e", "toggle_archive", "Archive", id="lead.archive",
            tooltip="Archive the lead, or bring an archived lead back to the inbox"),
    Binding("m", "toggle_seen", "Seen", id="lead.seen", show=False,
            tooltip="Mark the lead seen or unseen"),
    Binding("U", "assign_owner", "Owner", id="lead.owner", show=False,
            tooltip="Give the lead to another user"),
    Binding("V", "edit_value", "Value", id="lead.value", show=False,
            tooltip="Edit the value, currency and expected close date"),
    Binding("C", "convert", "Convert", id="lead.convert", show=False,
            tooltip="Convert the lead into a deal, then open the deal"),
    Binding("L", "manage_labels", "Labels", id="lead.labels", show=False,
            tooltip="Create, rename, recolour and delete lead labels"),
    Binding("o", "open_in_browser", "Open", id="lead.open", show=False,
            tooltip="Open the lead in Pipedrive's web app (prints the link over SSH)"),
    Binding("y", "copy_link", "Copy link", id="lead.copy", show=False,
            tooltip="Copy the lead's link (OSC 52, works over SSH)"),
]  # fmt: skip


def lead_url(session: AccountSession, lead_id: str) -> str | None:
    """The web app's address of a lead (its page in the leads inbox), when it is known."""
    return session.web_url("leads/inbox", lead_id)


class LeadTriage:
    """Actions on "the current lead" for a screen that has one.

    The screen provides :meth:`triage_lead` and :meth:`show_lead`, and sets ``session``.
    """

    session: AccountSession

    def triage_lead(self) -> Lead | None:
        """The lead the user is on, or ``None``."""
        raise NotImplementedError

    def show_lead(self, lead: Lead) -> None:
        """Draw this version of a lead (optimistic, confirmed or reverted)."""
        raise NotImplementedError

    def lead_gone(self, lead_id: str, deal_id: int | None) -> None:
        """The lead was converted into a deal (the list dims it, the detail says so)."""

    def _ui(self) -> Any:
        return self  # the Screen this class is mixed into

    def _lead_for_write(self) -> Lead | None:
        lead = self.triage_lead()
        if lead is None:
            return None
        if self.session.read_only:
            refuse_read_only(self._ui())
            return None
        return lead

    # --- labels -------------------------------------------------------------------------------

    def action_toggle_label(self) -> None:
        """Pick a label: it is added when the lead lacks it, removed when it has it."""
        lead = self._lead_for_write()
        if lead is not None:
            self._ui().run_worker(
                self._pick_label(lead), group="lead-label-picker", exclusive=True,
                exit_on_error=False,
            )  # fmt: skip

    async def _pick_label(self, lead: Lead) -> None:
        ui = self._ui()
        try:
            labels = await self.session.lookups.lead_labels()
        except PipedriveError as error:
            ui.notify(f"Could not load the labels. {clean_line(str(error))}", severity="error",
                      markup=False)  # fmt: skip
            return

        def chosen(label_id: str | None) -> None:
            if label_id is None:
                return
            current = self.triage_lead()
            if current is None or current.id != lead.id:
                return
            label = labels.get(label_id)
            name = label.name if label else "the label"
            adding = label_id not in current.label_ids

            def change(version: Lead) -> dict[str, Any]:
                return {"label_ids": toggled_labels(version.label_ids, label_id)}

            verb = "Added" if adding else "Removed"
            self.write_lead(
                current,
                LeadEdit(change, what=f"{verb} label {clean_line(name)}"),
                failed=f"Could not {'add' if adding else 'remove'} the label {name}",
            )

        picker = LabelPicker(list(labels.values()), set(lead.label_ids), title="Toggle a label")
        ui.app.push_screen(picker, chosen)

    def action_manage_labels(self) -> None:
        """Open the label manager (create, rename, recolour, delete)."""
        ui = self._ui()

        def closed(changed: bool | None) -> None:
            if changed:
                self.labels_changed()

        ui.app.push_screen(LeadLabelsScreen(self.session), closed)

    def labels_changed(self) -> None:
        """The labels were edited in the manager: redraw with the new names and colours."""

    # --- archive, seen, owner -----------------------------------------------------------------

    def action_toggle_archive(self) -> None:
        """Archive the lead, or bring an archived one back to the inbox."""
        lead = self._lead_for_write()
        if lead is None:
            return
        archive = not lead.is_archived
        self.write_lead(
            lead,
            LeadEdit(lambda _v: {"is_archived": archive},
                     what="Archived" if archive else "Back in the inbox"),
            failed="Could not archive the lead" if archive else "Could not unarchive the lead",
        )  # fmt: skip

    def action_toggle_seen(self) -> None:
        """Mark the lead seen (or unseen again)."""
        lead = self._lead_for_write()
        if lead is None:
            return
        seen = not lead.was_seen
        self.write_lead(
            lead,
            LeadEdit(lambda _v: {"was_seen": seen},
                     what="Marked as seen" if seen else "Marked as unseen"),
            failed="Could not mark the lead",
        )  # fmt: skip

    def action_assign_owner(self) -> None:
        """Give the lead to another user (a picker of the account's active users)."""
        lead = self._lead_for_write()
        if lead is not None:
            self._ui().run_worker(
                self._pick_owner(lead), group="lead-owner", exclusive=True, exit_on_error=False
            )

    async def _pick_owner(self, lead: Lead) -> None:
        ui = self._ui()
        try:
            users = await self.session.lookups.users()
        except PipedriveError as error:
            ui.notify(f"Could not load the users. {error}", severity="error", markup=False)
            return
        active = sorted((u for u in users.values() if u.active_flag), key=lambda u: u.name)
        choices = [Choice(u.id, u.name, "owner now" if u.id == lead.owner_id else "")
                   for u in active]  # fmt: skip

        def chosen(choice: Choice | None) -> None:
            current = self.triage_lead()
            if choice is None or current is None or current.id != lead.id:
                return  # cancelled, or the cursor moved to another lead meanwhile
            if choice.key == current.owner_id:
                return
            owner_id = int(choice.key)
            self.write_lead(
                current,
                LeadEdit(
                    lambda _v: {"owner_id": owner_id}, what=f"Given to {clean_line(choice.label)}"
                ),
                failed="Could not change the owner",
            )

        ui.app.push_screen(ChoicePicker("Give the lead to", choices, lead.owner_id), chosen)

    # --- value and close date -----------------------------------------------------------------

    def action_edit_value(self) -> None:
        """Edit the value, currency and expected close date in a small form."""
        lead = self._lead_for_write()
        if lead is not None:
            self._ui().run_worker(
                self._edit_value(lead), group="lead-value", exclusive=True, exit_on_error=False
            )

    async def _edit_value(self, lead: Lead) -> None:
        ui = self._ui()
        try:
            currencies = set(await self.session.lookups.currencies())
        except PipedriveError:
            currencies = set()  # checked by Pipedrive instead
        draft_key = f"lead-value:{lead.id}"
        drafts = self.session.drafts
        form = drafts.get(draft_key)
        if not isinstance(form, LeadValueForm):
            me = self.session.me
            default = me.default_currency if me and me.default_currency else ""
            form = LeadValueForm(
                _amount_text(lead.value.amount) if lead.value else "",
                lead.value.currency if lead.value else default,
                lead.expected_close_date.isoformat() if lead.expected_close_date else "",
            )
        clock: Callable[[], datetime] = getattr(ui.app, "clock", datetime.now)
        screen = LeadValueScreen(lead.title, form, currencies, clock().date())

        def done(result: tuple[LeadValueForm, ParsedValue] | None) -> None:
            current = self.triage_lead()
            if result is None or current is None or current.id != lead.id:
                return  # cancelled, or the cursor moved to another lead meanwhile
            typed, parsed = result
            drafts[draft_key] = typed
            changes: dict[str, Any] = {
                "value": LeadValue(amount=parsed.amount, currency=parsed.currency)
                if parsed.amount is not None
                else None,
                "expected_close_date": parsed.close,
            }
            self.write_lead(
                current,
                LeadEdit(lambda _v: dict(changes), what="Value and close date saved",
                         draft_key=draft_key),
                failed="Could not save the value (what you typed is kept: press V to retry)",
            )  # fmt: skip

        ui.app.push_screen(screen, done)

    # --- convert ------------------------------------------------------------------------------

    def action_convert(self) -> None:
        """Convert the lead into a deal in a chosen stage, follow the job, then open the deal."""
        lead = self._lead_for_write()
        if lead is not None:
            self._ui().run_worker(
                self._pick_stage(lead), group="lead-convert-pick", exclusive=True,
                exit_on_error=False,
            )  # fmt: skip

    async def _pick_stage(self, lead: Lead) -> None:
        ui = self._ui()
        lookups = self.session.lookups
        try:
            pipelines = await lookups.pipelines()
            stages = await lookups.stages()
        except PipedriveError as error:
            ui.notify(f"Could not load the pipelines. {error}", severity="error", markup=False)
            return
        names = {p.id: p.name for p in pipelines}
        order = {p.id: (p.order_nr, p.id) for p in pipelines}
        live: list[Stage] = [s for s in stages if not s.is_deleted and s.pipeline_id in names]
        live.sort(key=lambda s: (order[s.pipeline_id], s.order_nr, s.id))
        choices = [Choice(s.id, f"{names[s.pipeline_id]} › {s.name}") for s in live]
        if not choices:
            ui.notify("This account has no pipeline stage to put a deal in.", severity="error")
            return

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                run_write(
                    ui, self.session, self._convert(lead, int(choice.key), choice.label),
                    f"lead-convert-{lead.id}",
                )  # fmt: skip

        ui.app.push_screen(ChoicePicker("Convert to a deal in", choices, choices[0].key), chosen)

    async def _convert(self, lead: Lead, stage_id: int, where: str) -> None:
        ui = self._ui().app  # the write runs on the app: the detail may close meanwhile
        steps = {"not_started": "waiting to start", "running": "running"}

        def progress(status: str) -> None:
            said = clean_line(steps.get(status, status))
            ui.notify(f"Converting the lead… {said}", timeout=3, markup=False)

        ui.notify(
            f"Converting the lead into a deal in {clean_line(where)}…", timeout=3, markup=False
        )
        try:
            deal_id = await convert_lead_to_deal(
                self.session.client, lead.id, stage_id=stage_id, on_progress=progress
            )
        except PipedriveError as error:
            ui.notify(
                f"Could not convert the lead. {error}",
                title="Not converted",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        if deal_id is None:  # the answer was lost; the lead, read back, is gone
            ui.notify(f"Converted: {CHECKED_NOTE}. The new deal is among the deals.")
        else:
            ui.notify(f"Converted: the lead is now deal #{deal_id}. Opening it.")
        ui.post_message(LeadGone(lead.id, deal_id))
        if self._ui().is_attached:
            self.lead_gone(lead.id, deal_id)
        opener = getattr(ui, "open_deal", None)
        if opener is not None and deal_id is not None:
            opener(deal_id)

    # --- links --------------------------------------------------------------------------------

    def _lead_link(self) -> str | None:
        lead = self.triage_lead()
        if lead is None:
            return None
        url = lead_url(self.session, lead.id)
        if url is None:
            self._ui().notify(
                "Demo leads have no link: they are not in Pipedrive's web app. "
                "Links work on your account."
            )
        return url

    def action_open_in_browser(self) -> None:
        """Open the lead in Pipedrive's web app, or show its link where no browser can open."""
        url = self._lead_link()
        if url is not None:
            open_link(self._ui(), url)

    def action_copy_link(self) -> None:
        """Copy the lead's link to the clipboard through OSC 52 (works over SSH)."""
        url = self._lead_link()
        if url is not None:
            copy_link(self._ui(), url)

    # --- the optimistic write -----------------------------------------------------------------

    def write_lead(self, lead: Lead, edit: LeadEdit, *, failed: str) -> None:
        """Show the edit at once, send it after the lead's earlier edits, confirm or revert."""
        session = self.session
        edits = session.lead_edits
        ui = self._ui()
        app = ui.app
        shown = edits.start(lead, edit)
        self.show_lead(shown)
        app.post_message(LeadSaved(shown))

        def show(version: Lead) -> None:
            if ui.is_attached:  # a detail closed meanwhile hears of it through LeadSaved
                self.show_lead(version)
            app.post_message(LeadSaved(version))

        async def send() -> None:
            try:
                saved = await edits.send(
                    lead.id, edit, writes=session.writes,
                    on_recheck=lambda found: app.post_message(LeadSaved(found)),
                )  # fmt: skip
            except (PipedriveError, ValueError) as error:  # refused, or a body httpx cannot send
                show(edits.current(lead.id) or lead)
                notify_reverted(app, failed, error)
                return
            if edit.draft_key is not None:
                session.drafts.pop(edit.draft_key, None)
            show(edits.expected(saved))
            if edit.what:  # a quiet edit (seen on opening) says nothing when it works
                said = f"{edit.what}: {CHECKED_NOTE}" if edit.meta.get("checked") else edit.what
                app.notify(said, markup=False)

        run_write(ui, session, send(), f"lead-write-{lead.id}-{id(edit)}")


def _amount_text(amount: float) -> str:
    return f"{amount:.2f}".removesuffix(".00")
