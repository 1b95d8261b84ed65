"""Build or edit a saved filter: conditions in two groups, as Pipedrive structures them.

"All of these" conditions must all hold; "any of these" adds that at least one more must. Each
condition is a field (only those that allow filtering), an operator (only those the filter
helpers offer for the field's type) and a value entered with the right widget: options, users,
stages and pipelines from a list, dates as ``YYYY-MM-DD`` or a relative date, numbers checked.
At most 16 conditions. Saving checks the whole filter first and says what is wrong; a save
Pipedrive refuses keeps everything typed here for another try. A save whose answer was lost is
checked by reading the filters back (a new one: a filter of that name that was not there
before), never sent again; when even that fails, the next save looks for it first, so that it
updates the filter instead of creating a second one.

Keys: ``a`` add to "all of", ``o`` add to "any of", ``enter``/``e`` edit, ``d`` remove,
``ctrl+s`` save, ``escape`` close (asks when something changed).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from pipedrive_tui import locations
from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.api.models import FieldDefinition, Filter, FilterCondition
from pipedrive_tui.data.filter_draft import (
    MAX_CONDITIONS,
    OBJECT_OF_TYPE,
    DraftCondition,
    FilterDraft,
    filterable,
    operators_for,
    validate,
    value_kind,
)
from pipedrive_tui.data.filters import type_title
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.data.write_outcome import OutcomeUnknownError, send_write
from pipedrive_tui.fields.filter_words import FilterVocabulary, condition_words
from pipedrive_tui.fields.text import clean_line
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.triage import run_write
from pipedrive_tui.widgets.safe_text import safe_line
from pipedrive_tui.widgets.vim_keys import VIM_BINDINGS, VimKeys

__all__ = ["ConditionScreen", "FilterBuilderScreen"]

CSS = str(locations.styles_dir() / "filters.tcss")
#: Pipedrive's deal statuses, for a status condition.
STATUSES = (("Open", "open"), ("Won", "won"), ("Lost", "lost"), ("Deleted", "deleted"))
VISIBILITY = (("Owner only", "1"), ("Owner's group", "3"), ("Group and sub-groups", "5"),
              ("Entire company", "7"))  # fmt: skip


def _relative_dates(helpers: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for group in (helpers.get("relative_dates") or {}).values():
        if isinstance(group, dict):
            found.extend((str(label), str(key)) for key, label in group.items())
    return found


def _safe(choices: list[tuple[str, str]]) -> list[tuple[Text, str]]:
    """Select options whose labels (Pipedrive's names) are plain text, never markup."""
    return [(safe_line(label), value) for label, value in choices]


def value_choices(
    kind: str, definition: FieldDefinition, vocab: FilterVocabulary
) -> list[tuple[str, str]] | None:
    """The ``(label, value)`` list a value is picked from, or ``None`` when it is typed."""
    if kind == "option":
        return [(o.label, str(o.id)) for o in definition.options]
    named: dict[str, Any] = {
        "user": vocab.users, "stage": vocab.stages, "pipeline": vocab.pipelines,
    }  # fmt: skip
    if kind in named:
        return sorted(((str(v), str(k)) for k, v in named[kind].items()), key=lambda x: x[0])
    if kind == "status":
        return list(STATUSES)
    if kind == "currency":
        return [(f"{c.code} {c.name}", c.code) for c in vocab.currencies.values()]
    if kind == "visible_to":
        return list(VISIBILITY)
    if kind == "boolean":
        return [("Yes", "1"), ("No", "0")]
    return None


class ConditionScreen(ModalScreen[DraftCondition | None]):
    """Pick a field, an operator and a value; Enter (or ctrl+s) keeps it, Escape cancels."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="condition.cancel", tooltip="Keep it unchanged"),
        Binding("ctrl+s", "keep", "Keep", id="condition.keep", tooltip="Keep this condition"),
    ]

    def __init__(
        self,
        obj: str,
        fields: list[FieldDefinition],
        vocab: FilterVocabulary,
        helpers: dict[str, Any],
        condition: DraftCondition | None = None,
    ) -> None:
        super().__init__()
        self.obj = obj
        self.fields = filterable(fields)
        self.by_id = {str(f.id): f for f in self.fields}
        self.vocab = vocab
        self.helpers = helpers
        self.condition = condition
        self.kind = "text"
        self._field_id: str | None = None
        self._operator: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="condition-dialog"):
            yield Label("Condition", id="condition-title")
            with Horizontal(classes="condition-row"):
                yield Label("Field", classes="condition-label")
                options = sorted(((f.name, str(f.id)) for f in self.fields), key=lambda x: x[0])
                yield Select(_safe(options), prompt="Choose a field", id="condition-field")
            with Horizontal(classes="condition-row"):
                yield Label("Operator", classes="condition-label")
                yield Select([], prompt="Choose an operator", id="condition-operator")
            with Horizontal(classes="condition-row", id="condition-value-row"):
                yield Label("Value", classes="condition-label")
                yield Input(id="condition-text")
                yield Select([], prompt="Choose", id="condition-choice")
            with Horizontal(classes="condition-row", id="condition-relative-row"):
                yield Label("or relative", classes="condition-label")
                yield Select(
                    _safe(_relative_dates(self.helpers)),
                    prompt="A relative date",
                    id="condition-relative",
                )
            yield Static(id="condition-error")
            yield Static("ctrl+s keeps it · Escape cancels", id="condition-hint")

    def on_mount(self) -> None:
        self.query_one("#condition-error").display = False
        condition = self.condition
        field = self.query_one("#condition-field", Select)
        if condition is not None and condition.field_id in self.by_id:
            field.value = condition.field_id
            self._field_changed(condition.field_id, keep=condition)
        else:
            self._field_changed(None)
        field.focus()

    # --- the form ----------------------------------------------------------------------------

    @on(Select.Changed, "#condition-field")
    def _on_field(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        if value != self._field_id:  # not the echo of a value set here
            self._field_changed(value)

    def _field_changed(self, field_id: str | None, keep: DraftCondition | None = None) -> None:
        self._field_id = field_id
        operator = self.query_one("#condition-operator", Select)
        definition = self.by_id.get(field_id or "")
        if definition is None:
            operator.set_options([])
            self._value_widgets("none")
            return
        ops = operators_for(definition, self.helpers)
        operator.set_options(_safe([(label, op) for op, label in ops]))
        wanted = keep.operator if keep is not None else (ops[0][0] if ops else None)
        if wanted is not None and any(op == wanted for op, _ in ops):
            operator.value = wanted
        self._operator_changed(keep)

    @on(Select.Changed, "#condition-operator")
    def _on_operator(self, event: Select.Changed) -> None:
        if event.value != self._operator:  # not the echo of a value set here
            self._operator_changed(None)

    def _operator_changed(self, keep: DraftCondition | None) -> None:
        definition = self.by_id.get(str(self.query_one("#condition-field", Select).value))
        operator = self.query_one("#condition-operator", Select).value
        self._operator = operator if isinstance(operator, str) else None
        if definition is None or not isinstance(operator, str):
            self._value_widgets("none")
            return
        self.kind = value_kind(definition, operator)
        self._value_widgets(self.kind, definition)
        if keep is None:
            return
        value = "" if keep.value is None else str(keep.value)
        choice = self.query_one("#condition-choice", Select)
        relative = self.query_one("#condition-relative", Select)
        if choice.display and any(
            v == value for _, v in value_choices(self.kind, definition, self.vocab) or []
        ):
            choice.value = value
        elif relative.display and any(v == value for _, v in _relative_dates(self.helpers)):
            relative.value = value
        else:  # an input shows its text as it is: no escape sequence may reach it
            self.query_one("#condition-text", Input).value = clean_line(value)

    def _value_widgets(self, kind: str, definition: FieldDefinition | None = None) -> None:
        text = self.query_one("#condition-text", Input)
        choice = self.query_one("#condition-choice", Select)
        choices = value_choices(kind, definition, self.vocab) if definition else None
        self.query_one("#condition-value-row").display = kind != "none"
        self.query_one("#condition-relative-row").display = kind == "date"
        choice.display = choices is not None
        text.display = choices is None
        if choices is not None:
            choice.set_options(_safe(choices))
        placeholders = {
            "number": "a number, like 50000", "money": "an amount, like 50000",
            "date": "YYYY-MM-DD (or pick a relative date below)", "time": "HH:MM",
            "person": "the person's id", "organization": "the organization's id",
            "deal": "the deal's id", "product": "the product's id",
        }  # fmt: skip
        text.placeholder = placeholders.get(kind, "text")

    def _value(self) -> Any:
        if self.kind == "none":
            return None
        choice = self.query_one("#condition-choice", Select)
        if choice.display:
            return choice.value if isinstance(choice.value, str) else None
        relative = self.query_one("#condition-relative", Select)
        typed = self.query_one("#condition-text", Input).value.strip()
        if self.kind == "date" and not typed and isinstance(relative.value, str):
            return relative.value
        return typed or None

    def _built(self) -> DraftCondition | None:
        field = self.query_one("#condition-field", Select).value
        operator = self.query_one("#condition-operator", Select).value
        if not isinstance(field, str) or not isinstance(operator, str):
            return None
        return DraftCondition(self.obj, field, operator, self._value())

    # --- keeping it --------------------------------------------------------------------------

    @on(Input.Submitted, "#condition-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        """Check the condition, then keep it."""
        built = self._built()
        if built is None:
            self._error("Choose a field and an operator.")
            return
        probe = FilterDraft(name="probe", type="deals", all_of=[built], any_of=[])
        problems = [
            p for p in validate(probe, self.fields, self.helpers) if p.startswith("Condition")
        ]
        if problems:
            self._error(problems[0])
            return
        self.dismiss(built)

    def _error(self, text: str) -> None:
        error = self.query_one("#condition-error", Static)
        error.update(Text(text))
        error.display = True

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class FilterBuilderScreen(Screen[Filter | None], VimKeys):
    """The condition builder of one filter (new or existing); dismisses with the saved filter."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#builder-conditions"
    BINDINGS = [
        Binding("a", "add('all')", "Add (all of)", id="builder.add_all",
                tooltip="Add a condition that must hold"),
        Binding("o", "add('any')", "Add (any of)", id="builder.add_any",
                tooltip="Add a condition to the 'any of these' group"),
        Binding("e", "edit", "Edit", id="builder.edit", tooltip="Edit the highlighted condition"),
        Binding("d", "remove", "Remove", id="builder.remove",
                tooltip="Remove the highlighted condition"),
        Binding("ctrl+s", "save", "Save", id="builder.save", tooltip="Check and save the filter"),
        Binding("escape", "close", "Close", id="builder.close",
                tooltip="Close (asks when something changed)"),
        *VIM_BINDINGS,
    ]  # fmt: skip

    def __init__(self, session: AccountSession, draft: FilterDraft, filter_id: int | None) -> None:
        super().__init__()
        self.session = session
        # The name input shows its text as it is: a name with escape sequences is cleaned first
        # (and so saved cleaned), before the copy that tells whether anything was changed.
        draft.name = clean_line(draft.name)
        self.draft = draft
        self.original = draft.copy()
        self.filter_id = filter_id
        self.rows: list[tuple[str, int] | None] = []
        self.fields: list[FieldDefinition] = []
        self.saving = False
        #: After a create whose outcome is unknown: the filter ids there were before it.
        self.maybe_created: set[int] | None = None

    @property
    def obj(self) -> str:
        """The condition object of this filter's type (``deal``, ``lead``)."""
        return OBJECT_OF_TYPE.get(self.draft.type, "deal")

    def compose(self) -> ComposeResult:
        with Vertical(id="builder-body"):
            verb = "Edit" if self.filter_id is not None else "New"
            yield Label(f"{verb} {type_title(self.draft.type).lower()} filter", id="builder-title")
            with Horizontal(id="builder-name-row"):
                yield Label("Name", id="builder-name-label")
                yield Input(
                    self.draft.name, placeholder="What the filter selects", id="builder-name"
                )
            yield Static(id="builder-count")
            yield OptionList(id="builder-conditions")
            yield Static(id="builder-errors")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#builder-errors").display = False
        self.load_fields()

    @work(exclusive=True, group="builder-fields", exit_on_error=False)
    async def load_fields(self) -> None:
        """The fields of this filter's object, and the names for the conditions."""
        book = self.session.filters
        try:
            vocab = await book.load_vocabulary()
        except PipedriveError as error:
            self._errors([f"Could not load the fields: {error}. Press escape and try again."])
            return
        self.fields = list(vocab.fields.get(self.obj, []))
        self.query_one("#builder-conditions", OptionList).focus()
        self._draw()

    # --- drawing ---------------------------------------------------------------------------

    def _words(self, condition: DraftCondition) -> Text:
        model = FilterCondition(
            object=condition.object, field_id=condition.field_id, operator=condition.operator,
            value=condition.value, extra_value=condition.extra_value,
        )  # fmt: skip
        return safe_line(condition_words(model, self.session.filters.vocabulary))

    def _draw(self, highlight: tuple[str, int] | None = None) -> None:
        options = self.query_one("#builder-conditions", OptionList)
        current = highlight or self._current()
        options.clear_options()
        self.rows = []
        for group, title, key in (("all", "All of these", "a"), ("any", "And any of these", "o")):
            conditions = self.draft.all_of if group == "all" else self.draft.any_of
            header = Text(f"{title}", style="bold")
            header.append(f"  ({key} adds one)", style="dim")
            options.add_option(Option(header, disabled=True))
            self.rows.append(None)
            if not conditions:
                options.add_option(Option(Text("    none", style="dim italic"), disabled=True))
                self.rows.append(None)
            for index, condition in enumerate(conditions):
                line = Text("  • ")
                line.append_text(self._words(condition))
                options.add_option(Option(line))
                self.rows.append((group, index))
        count = self.draft.count
        self.query_one("#builder-count", Static).update(
            f"{count} of {MAX_CONDITIONS} conditions · enter edits · d removes · ctrl+s saves"
        )
        target = next(
            (i for i, r in enumerate(self.rows) if current is not None and r == current), None
        )
        target = (
            target
            if target is not None
            else next((i for i, r in enumerate(self.rows) if r is not None), None)
        )
        if target is not None:
            options.highlighted = target

    def _current(self) -> tuple[str, int] | None:
        index = self.query_one("#builder-conditions", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def _errors(self, problems: list[str]) -> None:
        errors = self.query_one("#builder-errors", Static)
        errors.display = bool(problems)
        errors.update(Text("\n".join(problems)))

    # --- editing ---------------------------------------------------------------------------

    def _group(self, name: str) -> list[DraftCondition]:
        return self.draft.all_of if name == "all" else self.draft.any_of

    def _ask(self, condition: DraftCondition | None, then: Any) -> None:
        book = self.session.filters
        screen = ConditionScreen(
            self.obj, self.fields, book.vocabulary, book.helpers or {}, condition
        )
        self.app.push_screen(screen, then)

    def action_add(self, group: str) -> None:
        """Add a condition to one group."""
        if self.draft.count >= MAX_CONDITIONS:
            self.notify(f"A filter holds at most {MAX_CONDITIONS} conditions.", severity="warning")
            return

        def added(condition: DraftCondition | None) -> None:
            if condition is not None:
                conditions = self._group(group)
                conditions.append(condition)
                self._draw((group, len(conditions) - 1))

        self._ask(None, added)

    @on(OptionList.OptionSelected, "#builder-conditions")
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        """Edit the highlighted condition."""
        row = self._current()
        if row is None:
            return
        group, index = row

        def edited(condition: DraftCondition | None) -> None:
            if condition is not None:
                self._group(group)[index] = condition
                self._draw(row)

        self._ask(self._group(group)[index], edited)

    def action_remove(self) -> None:
        """Remove the highlighted condition."""
        row = self._current()
        if row is None:
            return
        group, index = row
        del self._group(group)[index]
        self._draw((group, max(index - 1, 0)))

    # --- saving ----------------------------------------------------------------------------

    def _sync_name(self) -> None:
        self.draft.name = self.query_one("#builder-name", Input).value.strip()

    @on(Input.Submitted, "#builder-name")
    def _name_done(self) -> None:
        self.query_one("#builder-conditions", OptionList).focus()

    def action_save(self) -> None:
        """Check the filter, then create or update it on Pipedrive."""
        if self.saving:
            return
        self._sync_name()
        if self.session.read_only:
            self._errors(["Read-only mode: nothing is saved. Restart without --read-only."])
            return
        problems = validate(self.draft, self.fields, self.session.filters.helpers or {})
        self._errors(problems)
        if problems:
            return
        self.save()

    def save(self) -> None:
        """Send the filter (on the app: closing the builder does not cancel it)."""
        self.saving = True
        run_write(self, self.session, self._save(), "builder-save")

    def _created(self, known: set[int], filters: list[Filter]) -> Filter | None:
        """The filter this builder created: its name and type, not among ``known``."""
        name, kind = self.draft.name, self.draft.type
        found = [f for f in filters if f.id not in known and (f.name, f.type) == (name, kind)]
        return max(found, key=lambda f: f.id, default=None)

    async def _save(self) -> None:
        """Send the filter; on a refusal say why and keep everything for another try."""
        client = self.session.client
        draft = self.draft
        conditions = draft.to_conditions()
        book = self.session.filters
        known = {f.id for f in book.filters or []} | set(book.full)

        async def reread_created() -> Filter | None:
            return self._created(known, await client.list_filters(draft.type))

        def holds_the_draft(found: Filter | None) -> bool:
            if found is None or found.name != draft.name:
                return False
            return FilterDraft.from_filter(found).to_conditions() == conditions

        try:
            if self.filter_id is None and self.maybe_created is not None:
                # The last try's outcome is unknown: it may have created the filter already.
                found = self._created(self.maybe_created, await client.list_filters(draft.type))
                if found is not None:
                    self.filter_id = found.id
            filter_id = self.filter_id
            if filter_id is None:
                written = await send_write(
                    lambda: client.add_filter(draft.name, draft.type, conditions),
                    reread=reread_created,
                    landed=lambda found: found is not None,
                )
            else:
                written = await send_write(
                    lambda: client.update_filter(filter_id, conditions, name=draft.name),
                    reread=lambda: client.get_filter(filter_id),
                    landed=holds_the_draft,
                )
        except PipedriveError as error:
            if isinstance(error, OutcomeUnknownError) and self.filter_id is None:
                self.maybe_created = known
            said = clean_line(str(error))
            if self.is_attached:  # else the builder was closed, and its work with it
                self._errors(
                    [f"Pipedrive did not save the filter: {said}", "Your changes are kept."]
                )
            self.app.notify(f"Could not save the filter. {said}", severity="error", markup=False)
            return
        finally:
            self.saving = False
        saved = written.record
        self.maybe_created = None
        book.remember(saved)
        self.app.notify(written.said(f"Saved {clean_line(saved.name)}"), markup=False)
        if self.is_attached:
            self.dismiss(saved)

    def action_close(self) -> None:
        """Close; asks first when there are unsaved changes."""
        self._sync_name()
        if self.draft == self.original:
            self.dismiss(None)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        body = "Your changes to this filter are not saved. Close it anyway?"
        self.app.push_screen(ConfirmScreen("Discard the changes?", body, "Discard"), confirmed)
