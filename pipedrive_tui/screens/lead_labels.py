"""Lead labels: the picker that puts labels on a lead, and the manager that edits the labels.

The manager's writes are optimistic, as in triage: the list shows the change at once, the
server's answer confirms it, and a refusal puts the list back with the server's message, keeping
a typed name (in ``session.drafts``) for the retry. A write whose answer was lost is checked by
listing the labels again (a new label: one of that name and colour that was not there before),
never sent again. With ``--read-only`` nothing is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import LeadLabel
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import matches, send_write
from pipedrive_tui.fields.text import clean_line, clean_text
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.label_picker import CSS_FILE, LabelPicker, moves, quoted
from pipedrive_tui.screens.messages import LabelsChanged
from pipedrive_tui.screens.triage import refuse_read_only, run_write
from pipedrive_tui.widgets.lead_labels import LABEL_COLORS, ColorPicker, LabelOptions
from pipedrive_tui.widgets.safe_text import safe_line, safe_text

__all__ = ["NEW_LABEL_DRAFT", "LabelNameScreen", "LabelPicker", "LeadLabelsScreen", "name_draft"]


#: The draft key of the name typed for a new label.
NEW_LABEL_DRAFT = "label-name:new"
# The same words as triage's refusal, so read-only mode reads the same everywhere.
HINT = "n new · e rename · c colour · d delete · Esc close"
# Ids of labels shown before the server has given them one.
PENDING = "pending:"


def name_draft(label_id: str) -> str:
    """The draft key of the name typed for renaming a label."""
    return f"label-name:{label_id}"


class LabelNameScreen(ModalScreen[str | None]):
    """Asks for a label's name; Enter saves a non-empty name, Escape cancels (``None``)."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="label_name.cancel", tooltip="Keep the name")
    ]

    def __init__(self, title: str | Text, value: str = "") -> None:
        """``title`` says what is named (plain text); ``value`` fills the input."""
        super().__init__()
        self.dialog_title = title if isinstance(title, Text) else safe_line(title)
        self.value = clean_line(value)  # an input draws its text as it is: never an escape

    def compose(self) -> ComposeResult:
        with Vertical(id="label-name-dialog"):
            yield Label(self.dialog_title, id="label-name-title")
            yield Input(value=self.value, placeholder="Label name", id="label-name-input")
            yield Label("Enter to save · Escape to cancel", id="label-name-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            self.notify("A label needs a name.", severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without naming."""
        self.dismiss(None)


class LeadLabelsScreen(ModalScreen[bool]):
    """The label manager: create, rename, recolour and delete the account's lead labels.

    Dismisses with ``True`` when anything changed (or is still being saved), so that the caller
    redraws its labels; each confirmed write also invalidates the ``lead_labels`` lookup.
    """

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("n", "new", "New", id="lead_labels.new", tooltip="Create a label"),
        Binding("e", "rename", "Rename", id="lead_labels.rename",
                tooltip="Rename the label under the cursor (Enter too)"),
        Binding("c", "recolor", "Colour", id="lead_labels.color",
                tooltip="Change the colour of the label under the cursor"),
        Binding("d", "delete", "Delete", id="lead_labels.delete",
                tooltip="Delete the label under the cursor (asks first)"),
        Binding("r", "reload", "Reload", id="lead_labels.reload", show=False,
                tooltip="Load the labels again from Pipedrive"),
        Binding("escape", "close", "Close", id="lead_labels.close", tooltip="Back to the list"),
        *moves("lead_labels"),
    ]  # fmt: skip

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self.labels: list[LeadLabel] = []
        self.loaded = False
        self.error: str | None = None
        #: Whether a write was confirmed since the manager opened.
        self.changed = False
        self.saving: set[str] = set()
        self._serial = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="lead-labels-dialog"):
            yield Label("Lead labels", id="lead-labels-title")
            yield LabelOptions(id="lead-labels-list")
            yield Static(id="lead-labels-message")
            yield Label(HINT, id="lead-labels-hint")

    def on_mount(self) -> None:
        self._redraw()
        self.load_labels()

    @property
    def options(self) -> LabelOptions:
        """The list of labels."""
        return self.query_one("#lead-labels-list", LabelOptions)

    # --- loading ---------------------------------------------------------------------------

    @work(exclusive=True, group="lead-labels", exit_on_error=False)
    async def load_labels(self) -> None:
        """Fetch the labels afresh (the cached ones may be an hour old)."""
        self.error = None
        self.loaded = False
        self._redraw()
        try:
            labels = await self.session.lookups.get("lead_labels", refresh=True)
        except PipedriveError as error:
            self.error = str(error)
        else:
            self.labels = list(labels)
            self.loaded = True
        self._redraw()
        if self.loaded:
            self.options.focus()

    def action_reload(self) -> None:
        """Load the labels again (after an error)."""
        self.load_labels()

    def _redraw(self, highlight: str | None = None) -> None:
        if not self.is_attached:
            return  # closed while a write was in flight: nothing left to draw
        notes = {label_id: "saving…" for label_id in self.saving}
        self.options.show(self.labels, caption=True, notes=notes, highlight=highlight)
        self.options.display = bool(self.labels)
        message = self.query_one("#lead-labels-message", Static)
        message.set_class(self.error is not None, "-error")
        if self.error is not None:
            message.update(
                safe_text(f"Could not load the labels. {self.error}\nPress r to try again.")
            )
        elif not self.loaded:
            message.update("Loading labels…")
        elif not self.labels:
            message.update("No lead labels yet. Press n to create one.")
        message.display = self.error is not None or not self.loaded or not self.labels
        self.query_one("#lead-labels-hint", Label).update(
            "r try again · Esc close" if self.error is not None else HINT
        )

    # --- keys ------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move the cursor (j and k; up and down)."""
        if delta > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    def action_close(self) -> None:
        """Close, telling the caller whether the labels changed."""
        self.dismiss(self.changed or bool(self.saving))

    def _writable(self) -> bool:
        if self.session.read_only:
            refuse_read_only(self)
            return False
        if not self.loaded:
            self.notify("The labels are not loaded yet. Press r to load them.")
            return False
        return True

    def _current(self) -> LeadLabel | None:
        """The label under the cursor when it can be edited now; says why when it cannot."""
        label = self.options.current
        if label is None:
            self.notify("No label here. Press n to create one.")
            return None
        if label.id in self.saving:
            self.notify("This label is still being saved; try again in a moment.")
            return None
        return label

    def action_new(self) -> None:
        """Ask for a name, then a colour, then create the label."""
        if not self._writable():
            return

        def named(name: str | None) -> None:
            if name is None:
                return
            self.session.drafts[NEW_LABEL_DRAFT] = name

            def colored(color: str | None) -> None:
                if color is not None:
                    self._create(name, color)

            title = Text("Colour of ")
            title.append_text(quoted(name))
            self.app.push_screen(ColorPicker(title, self._unused_color()), colored)

        draft = self.session.drafts.get(NEW_LABEL_DRAFT, "")
        self.app.push_screen(LabelNameScreen("New label", draft), named)

    @on(OptionList.OptionSelected, "#lead-labels-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_rename()

    def action_rename(self) -> None:
        """Ask for a new name (the current one to edit) and rename the label."""
        if not self._writable() or (label := self._current()) is None:
            return
        key = name_draft(label.id)

        def named(name: str | None) -> None:
            if name is None:
                return
            if name == label.name:
                self.session.drafts.pop(key, None)
                return
            self.session.drafts[key] = name
            self._update(
                label,
                {"name": name},
                done=f"Renamed to “{clean_line(name)}”",
                failed="Could not rename the label (your name is kept: press e to retry)",
                draft_key=key,
            )

        title = Text("Rename ")
        title.append_text(quoted(label.name))
        self.app.push_screen(
            LabelNameScreen(title, self.session.drafts.get(key, label.name)), named
        )

    def action_recolor(self) -> None:
        """Pick another colour for the label."""
        if not self._writable() or (label := self._current()) is None:
            return

        def colored(color: str | None) -> None:
            if color is None or color == label.color:
                return
            self._update(
                label,
                {"color": color},
                done=f"“{clean_line(label.name)}” is now {color}",
                failed="Could not change the colour",
            )

        title = Text("Colour of ")
        title.append_text(quoted(label.name))
        self.app.push_screen(ColorPicker(title, label.color), colored)

    def action_delete(self) -> None:
        """Ask, then delete the label (Pipedrive removes it from every lead)."""
        if not self._writable() or (label := self._current()) is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(label)

        body = Text("The label ")
        body.append_text(quoted(label.name))
        body.append(" will be removed from every lead that has it. This cannot be undone.")
        self.app.push_screen(ConfirmScreen("Delete this label?", body, "Delete"), answered)

    def _unused_color(self) -> str:
        used = {label.color for label in self.labels}
        return next((c for c in LABEL_COLORS if c not in used), LABEL_COLORS[0])

    # --- optimistic writes -------------------------------------------------------------------

    def _create(self, name: str, color: str) -> None:
        self._serial += 1
        shown = LeadLabel(id=f"{PENDING}{self._serial}", name=name, color=color)
        known = {label.id for label in self.labels}
        self.labels.append(shown)

        def created(labels: list[LeadLabel]) -> LeadLabel | None:
            return next(
                (x for x in labels if x.id not in known and (x.name, x.color) == (name, color)),
                None,
            )

        def saved(label: LeadLabel) -> None:
            self.session.drafts.pop(NEW_LABEL_DRAFT, None)
            self._replace(shown.id, label)

        self._send(
            shown.id,
            lambda: self.session.client.add_lead_label(name, color),
            saved,
            lambda: self._replace(shown.id, None),
            find=created,
            landed=lambda found: found is not None,
            done=f"Created “{clean_line(name)}”",
            failed="Could not create the label (your name is kept: press n to retry)",
        )

    def _update(
        self,
        before: LeadLabel,
        changes: dict[str, Any],
        *,
        done: str,
        failed: str,
        draft_key: str | None = None,
    ) -> None:
        self._replace(before.id, before.model_copy(update=changes))

        def saved(label: LeadLabel) -> None:
            if draft_key is not None:
                self.session.drafts.pop(draft_key, None)
            self._replace(before.id, label)

        self._send(
            before.id,
            lambda: self.session.client.update_lead_label(before.id, **changes),
            saved,
            lambda: self._replace(before.id, before),
            find=lambda labels: next((x for x in labels if x.id == before.id), None),
            landed=lambda found: matches(found, changes),
            done=done,
            failed=failed,
        )

    def _delete(self, label: LeadLabel) -> None:
        index = next(i for i, lb in enumerate(self.labels) if lb.id == label.id)
        del self.labels[index]

        def put_back() -> None:
            self.labels.insert(min(index, len(self.labels)), label)
            self._redraw(highlight=label.id)

        self._send(
            label.id,
            lambda: self.session.client.delete_lead_label(label.id),
            lambda _: self._redraw(),
            put_back,
            find=lambda labels: next((x for x in labels if x.id == label.id), None),
            landed=lambda found: found is None,
            done=f"Deleted “{clean_line(label.name)}”",
            failed="Could not delete the label",
        )

    def _replace(self, label_id: str, label: LeadLabel | None) -> None:
        """Put ``label`` where ``label_id`` is in the list (``None`` removes it), and redraw."""
        index = next((i for i, lb in enumerate(self.labels) if lb.id == label_id), None)
        if index is not None:
            if label is None:
                del self.labels[index]
            else:
                self.labels[index] = label
        self._redraw(highlight=label.id if label is not None else None)

    def _send(
        self,
        label_id: str,
        send: Callable[[], Awaitable[Any]],
        saved: Callable[[Any], None],
        revert: Callable[[], None],
        *,
        find: Callable[[list[LeadLabel]], LeadLabel | None],
        landed: Callable[[LeadLabel | None], bool],
        done: str,
        failed: str,
    ) -> None:
        """Send one write the list already shows; ``saved`` gets the answer, ``revert`` undoes.

        When the answer is lost, the labels are listed again: ``find`` picks the label written
        (``None``: not there), ``landed`` says whether it shows the change.
        The write runs on the app, not on this screen: closing the manager must not cancel it.
        """
        self.saving.add(label_id)
        self._redraw(highlight=label_id)
        session = self.session

        async def reread() -> LeadLabel | None:
            return find(await session.client.list_lead_labels())

        async def recheck() -> None:
            session.lookups.invalidate("lead_labels")
            self.app.post_message(LabelsChanged())

        async def run() -> None:
            try:
                written = await send_write(
                    send, reread=reread, landed=landed, writes=session.writes,
                    key=f"lead_label:{label_id}", recheck=recheck, track=False,
                )  # fmt: skip
                answer = written.record
            except PipedriveError as error:
                self.saving.discard(label_id)
                revert()
                self.app.notify(
                    clean_text(f"{failed}. {error}"),
                    title="Change reverted",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
                return
            self.saving.discard(label_id)
            self.changed = True
            self.session.lookups.invalidate("lead_labels")
            self.app.post_message(LabelsChanged())
            saved(answer)
            self.app.notify(written.said(done), markup=False)

        run_write(self, session, run(), f"lead-label-write-{label_id}")
