"""The saved filters, grouped by type, each with its conditions written in words.

``enter`` applies a deals or leads filter (the deals list or the leads list shows what it
selects); ``n`` builds a new one, ``e`` edits the conditions, ``R`` renames, ``D`` duplicates,
``d`` deletes (after a confirmation). Writes follow the app's rule: the list shows the change at
once and puts it back, with Pipedrive's message, when the server refuses it; a write whose answer
was lost is checked by reading the filter (or the list, for a copy) back, never sent again;
``--read-only`` sends nothing. Filters Pipedrive marks as not editable (another user's) can be
applied only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from pipedrive_tui import locations
from pipedrive_tui.api.errors import NotFoundError, PipedriveError
from pipedrive_tui.api.models import Filter
from pipedrive_tui.data.filter_draft import FilterDraft
from pipedrive_tui.data.filters import FILTER_TYPES, type_title
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import NotSavedError, send_write
from pipedrive_tui.fields.filter_words import filter_words
from pipedrive_tui.fields.text import clean_line, clean_text
from pipedrive_tui.screens.base import AppScreen
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.filter_builder import FilterBuilderScreen
from pipedrive_tui.screens.lead_labels import LabelNameScreen
from pipedrive_tui.screens.messages import Activity
from pipedrive_tui.screens.triage import notify_reverted, refuse_read_only, run_write
from pipedrive_tui.widgets.board_picker import Choice, ChoicePicker
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.vim_keys import VIM_JUMP_BINDINGS, VimKeys

__all__ = ["FiltersScreen", "visibility"]

#: Types a new filter can have here (the lists that apply them).
BUILDABLE = (("deals", "Deals filter"), ("leads", "Leads filter"))


def visibility(value: str | None) -> str:
    """Pipedrive's ``visible_to`` in words."""
    return {"1": "Private (owner only)", "3": "Shared with the owner's group",
            "5": "Shared with the owner's group and sub-groups",
            "7": "Shared with the whole company"}.get(value or "", value or "unknown")  # fmt: skip


class FiltersScreen(AppScreen, VimKeys):
    """Every saved filter, grouped by type, with the highlighted one in words."""

    CSS_PATH = str(locations.styles_dir() / "filters.tcss")
    AUTO_FOCUS = "#filters-list"
    BINDINGS = [
        Binding("enter", "apply", "Apply", id="filters.apply",
                tooltip="Show the deals or leads this filter selects"),
        Binding("n", "new", "New", id="filters.new", tooltip="Build a new deals or leads filter"),
        Binding("e", "edit", "Edit", id="filters.edit", tooltip="Edit the filter's conditions"),
        Binding("R", "rename", "Rename", id="filters.rename", show=False,
                tooltip="Rename the filter"),
        Binding("D", "duplicate", "Duplicate", id="filters.duplicate", show=False,
                tooltip="Save a copy of the filter"),
        Binding("d", "delete", "Delete", id="filters.delete", tooltip="Delete the filter (asks)"),
        Binding("r", "refresh", "Refresh", id="filters.refresh",
                tooltip="Fetch the filters again"),
        Binding("j", "move(1)", "Down", id="filters.down", show=False, tooltip="Next filter"),
        Binding("k", "move(-1)", "Up", id="filters.up", show=False, tooltip="Previous filter"),
        *VIM_JUMP_BINDINGS,
    ]  # fmt: skip

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self.book = session.filters
        self.error = ""
        self.loaded = False
        self.shown: list[Filter | None] = []
        self.selected_id: int | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters-body"):
            with Vertical(id="filters-left"):
                yield LoadingIndicator(id="filters-loading")
                yield Static(id="filters-message")
                yield OptionList(id="filters-list")
            with VerticalScroll(id="filters-detail"):
                yield Static(id="filter-title")
                yield Static(id="filter-meta")
                yield Static(id="filter-words")

    def on_mount(self) -> None:
        self.query_one("#filters-message").display = False
        self.load_filters()

    @property
    def options(self) -> OptionList:
        """The list of filters."""
        return self.query_one("#filters-list", OptionList)

    # --- loading ---------------------------------------------------------------------------

    @work(exclusive=True, group="filters-load", exit_on_error=False)
    async def load_filters(self) -> None:
        """Fetch the filters and the names their conditions need (cached lookups)."""
        self.app.post_message(Activity("Loading saved filters…"))
        try:
            await self.book.load()
            await self.book.load_vocabulary()
        except PipedriveError as error:
            self.error = str(error)
        else:
            self.error = ""
        self.loaded = True
        self._draw_list()
        self.app.post_message(Activity("", refreshed=not self.error))

    def _draw_list(self) -> None:
        self.query_one("#filters-loading").display = not self.loaded
        message = self.query_one("#filters-message", Static)
        options = self.options
        filters = self.book.filters or []
        message.display = bool(self.error) or (self.loaded and not filters)
        message.set_class(bool(self.error), "-error")
        if self.error:
            message.update(Text(f"{clean_text(self.error)}\nPress r to try again."))
        elif not filters:
            message.update("No saved filters yet. Press n to build one.")
        options.display = bool(filters) and not self.error
        options.clear_options()
        self.shown = []
        for key, title in FILTER_TYPES:
            group = self.book.of_type(key)
            if not group:
                continue
            options.add_option(Option(Text(f"{title} ({len(group)})", style="bold"), disabled=True))
            self.shown.append(None)
            for saved in group:
                options.add_option(Option(self._prompt(saved)))
                self.shown.append(saved)
        known = {key for key, _ in FILTER_TYPES}
        others = [f for f in filters if f.type not in known]
        for saved in others:
            options.add_option(Option(self._prompt(saved)))
            self.shown.append(saved)
        index = next(
            (i for i, f in enumerate(self.shown) if f is not None and f.id == self.selected_id),
            next((i for i, f in enumerate(self.shown) if f is not None), None),
        )
        if index is not None:
            options.highlighted = index
        self._draw_detail()

    def _prompt(self, saved: Filter) -> Text:
        prompt = Text("  ")
        prompt.append_text(safe_line(saved.name or f"Filter #{saved.id}"))
        owner = self.book.vocabulary.users.get(saved.user_id or -1)
        if owner:
            prompt.append(f"  {clean_line(owner)}", style="dim")
        if saved.visible_to == "1":
            prompt.append("  private", style="dim italic")
        return prompt

    def current(self) -> Filter | None:
        """The highlighted filter."""
        index = self.options.highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    @on(OptionList.OptionHighlighted, "#filters-list")
    def _highlighted(self) -> None:
        saved = self.current()
        self.selected_id = saved.id if saved else None
        self._draw_detail()

    @on(OptionList.OptionSelected, "#filters-list")
    def _selected(self) -> None:
        self.action_apply()

    def _draw_detail(self) -> None:
        saved = self.current()
        title = self.query_one("#filter-title", Static)
        meta = self.query_one("#filter-meta", Static)
        words = self.query_one("#filter-words", Static)
        if saved is None:
            title.update("")
            meta.update("")
            words.update("")
            return
        title.update(safe_line(saved.name or f"Filter #{saved.id}"))
        owner = self.book.vocabulary.users.get(saved.user_id or -1, f"User #{saved.user_id}")
        lines = [
            f"{type_title(saved.type)} filter · owner {clean_line(owner)}",
            visibility(saved.visible_to),
        ]
        if not saved.is_editable:
            lines.append("Not editable by you (apply only)")
        meta.update(Text("\n".join(lines)))
        full = self.book.full.get(saved.id)
        if full is None:
            words.update("Loading the conditions…")
            self.load_conditions(saved.id)
            return
        words.update(self._words(full))

    def _words(self, full: Filter) -> Text:
        said = filter_words(full.conditions, self.book.vocabulary)
        text = Text()
        if said.all_of:
            text.append("All of these\n", style="bold")
            for line in said.all_of:
                text.append("  • ")
                text.append_text(safe_line(line))
                text.append("\n")
        if said.any_of:
            text.append("\nAnd any of these\n" if said.all_of else "Any of these\n", style="bold")
            for line in said.any_of:
                text.append("  • ")
                text.append_text(safe_line(line))
                text.append("\n")
        if not said.all_of and not said.any_of:
            text.append("No conditions: every record.")
        if full.type in ("deals", "leads"):
            text.append(f"\nEnter shows its {full.type}.", style="dim")
        return text

    @work(exclusive=True, group="filter-conditions", exit_on_error=False)
    async def load_conditions(self, filter_id: int) -> None:
        """Fetch one filter's conditions, then draw them if it is still highlighted."""
        try:
            await self.book.conditions(filter_id)
        except PipedriveError as error:
            if self.selected_id == filter_id:
                said = clean_text(str(error))
                message = Text(f"Could not load the conditions: {said}\nPress r to try again.")
                self.query_one("#filter-words", Static).update(message)
            return
        if self.selected_id == filter_id:
            self._draw_detail()

    # --- actions ---------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move to the next or previous filter."""
        options = self.options
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_refresh(self) -> None:
        """Fetch the filters again."""
        self.book.forget()
        self.loaded = False
        self._draw_list()
        self.load_filters()

    def action_apply(self) -> None:
        """Show the deals or leads the highlighted filter selects."""
        saved = self.current()
        if saved is None:
            return
        if saved.type not in ("deals", "leads"):
            kind = clean_line(type_title(saved.type).lower())
            self.notify(
                f"This is a {kind} filter: pipedrive-tui applies deals and leads filters.",
                markup=False,
            )
            return
        applier = getattr(self.app, "apply_filter", None)
        if applier is not None:
            applier(saved.id, saved.type)

    def _editable(self, saved: Filter | None) -> Filter | None:
        if saved is None:
            return None
        if self.session.read_only:
            refuse_read_only(self)
            return None
        if not saved.is_editable:
            self.notify("Pipedrive does not let you change this filter (it is not yours).")
            return None
        return saved

    def action_new(self) -> None:
        """Build a new deals or leads filter."""
        if self.session.read_only:
            refuse_read_only(self)
            return
        choices = [Choice(key, label) for key, label in BUILDABLE]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._build(FilterDraft.new(str(choice.key)), None)

        self.app.push_screen(ChoicePicker("New filter", choices, "deals"), chosen)

    def action_edit(self) -> None:
        """Edit the highlighted filter's conditions and name."""
        saved = self._editable(self.current())
        if saved is None:
            return
        if saved.type not in ("deals", "leads"):
            self.notify("Only deals and leads filters can be edited here.")
            return
        self.edit_filter(saved.id)

    @work(group="filter-edit", exit_on_error=False)
    async def edit_filter(self, filter_id: int) -> None:
        """Fetch the conditions (once), then open the builder."""
        try:
            full = await self.book.conditions(filter_id)
        except PipedriveError as error:
            self.notify(f"Could not load the filter. {error}", severity="error", markup=False)
            return
        self._build(FilterDraft.from_filter(full), full.id)

    def _build(self, draft: FilterDraft, filter_id: int | None) -> None:
        def done(saved: Filter | None) -> None:
            if saved is not None:
                self.book.remember(saved)
                self.selected_id = saved.id
                self._draw_list()

        screen = FilterBuilderScreen(self.session, draft, filter_id)
        self.app.push_screen(screen, done)

    def action_rename(self) -> None:
        """Rename the highlighted filter."""
        saved = self._editable(self.current())
        if saved is None:
            return

        def named(name: str | None) -> None:
            if name and name != saved.name:
                self.rename(saved, name)

        self.app.push_screen(LabelNameScreen("Rename the filter", saved.name), named)

    def _redraw(self) -> None:
        if self.is_attached:  # a write answered while the app closes: nothing to draw on
            self._draw_list()

    def _recheck(self, filter_id: int) -> Callable[[], Awaitable[None]]:
        """Read one filter again (after a write whose outcome is unknown) and show it."""
        client = self.session.client

        async def recheck() -> None:
            try:
                found = await client.get_filter(filter_id)
            except NotFoundError:
                self.book.drop(filter_id)
            else:
                self.book.remember(found)
            self._redraw()

        return recheck

    def rename(self, saved: Filter, name: str) -> None:
        """Rename at once on screen, then on Pipedrive; put the old name back on failure."""
        run_write(self, self.session, self._rename(saved, name), "filter-rename")

    async def _rename(self, saved: Filter, name: str) -> None:
        before = saved
        self.book.remember(saved.model_copy(update={"name": name}))
        self._draw_list()
        client = self.session.client
        try:
            full = await self.book.conditions(saved.id)
            conditions = FilterDraft.from_filter(full).to_conditions()
            written = await send_write(
                lambda: client.update_filter(saved.id, conditions, name=name),
                reread=lambda: client.get_filter(saved.id),
                landed=lambda found: found is not None and found.name == name,
                writes=self.session.writes,
                key=f"filter:{saved.id}",
                recheck=self._recheck(saved.id),
                track=False,
            )
        except PipedriveError as error:
            current = error.current if isinstance(error, NotSavedError) else None
            self.book.remember(current if current is not None else before)
            self._redraw()
            notify_reverted(self.app, "Could not rename the filter", error)
            return
        self.book.remember(written.record)
        self._redraw()
        self.app.notify(written.said(f"Renamed to {clean_line(name)}"), markup=False)

    def action_duplicate(self) -> None:
        """Save a copy of the highlighted filter (named "… (copy)")."""
        saved = self.current()
        if saved is None:
            return
        if self.session.read_only:
            refuse_read_only(self)
            return
        self.duplicate(saved)

    def duplicate(self, saved: Filter) -> None:
        """Create the copy on Pipedrive, then show it."""
        run_write(self, self.session, self._duplicate(saved), "filter-duplicate")

    async def _duplicate(self, saved: Filter) -> None:
        client = self.session.client
        name = f"{saved.name} (copy)"
        known = {f.id for f in self.book.filters or []} | set(self.book.full)

        async def reread() -> Filter | None:
            found = [
                f
                for f in await client.list_filters(saved.type)
                if f.id not in known and f.name == name
            ]
            return max(found, key=lambda f: f.id, default=None)

        try:
            full = await self.book.conditions(saved.id)
            conditions = FilterDraft.from_filter(full).to_conditions()
            written = await send_write(
                lambda: client.add_filter(name, saved.type, conditions),
                reread=reread,
                landed=lambda found: found is not None,
            )
        except PipedriveError as error:
            said = clean_line(str(error))
            self.app.notify(f"Could not copy the filter. {said}", severity="error", markup=False)
            return
        copy = written.record
        self.book.remember(copy)
        self.selected_id = copy.id
        self._redraw()
        self.app.notify(written.said(f"Saved {clean_line(copy.name)}"), markup=False)

    def action_delete(self) -> None:
        """Delete the highlighted filter, after a confirmation."""
        saved = self._editable(self.current())
        if saved is None:
            return
        body = Text("Delete the saved filter ")
        body.append_text(safe_line(f"“{saved.name}”"))
        body.append("? Everyone it is shared with loses it too. This cannot be undone.")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.delete(saved)

        self.app.push_screen(ConfirmScreen("Delete the filter?", body, "Delete"), confirmed)

    def delete(self, saved: Filter) -> None:
        """Take it off the list at once, delete it on Pipedrive, put it back on failure."""
        run_write(self, self.session, self._delete(saved), "filter-delete")

    async def _delete(self, saved: Filter) -> None:
        gone = self.book.drop(saved.id)
        self._draw_list()
        client = self.session.client
        try:
            written = await send_write(
                lambda: client.delete_filter(saved.id),
                reread=lambda: client.get_filter(saved.id),
                landed=lambda found: found is None,
                writes=self.session.writes,
                key=f"filter:{saved.id}",
                recheck=self._recheck(saved.id),
                track=False,
            )
        except PipedriveError as error:
            current = error.current if isinstance(error, NotSavedError) else None
            back = current if current is not None else gone
            if back is not None:
                self.book.remember(back)
            self.selected_id = saved.id
            self._redraw()
            notify_reverted(self.app, "Could not delete the filter", error)
            return
        self.app.notify(written.said(f"Deleted {clean_line(saved.name)}"), markup=False)
