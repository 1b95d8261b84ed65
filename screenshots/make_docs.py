"""Regenerate the README's key and command-line reference from the code itself.

    python screenshots/make_docs.py           # rewrite README.md between the markers
    python screenshots/make_docs.py --check   # exit 1 (and say which part) when it is stale

Two parts of README.md are written by this script, each between a pair of HTML comments:

- ``generated:keys``: one table per screen, from the ``BINDINGS`` of the app, of every screen
  and dialog in ``pipedrive_tui/screens`` and of the widgets that declare keys. A screen's table
  holds what it inherits (the base classes are walked the way Textual walks them) and the keys of
  the widget that has the focus on it; the app-wide keys are listed once, under "Everywhere".
- ``generated:cli``: one table per command, from ``pipedrive_tui.cli.build_parser()``.

A screen or dialog that is not named in :data:`SECTIONS` or :data:`DIALOGS` still gets a table,
under a title made from its class name (and a note on stderr): name it there to choose the title.
``tests/unit/test_readme_docs.py`` fails while README.md is stale.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = ROOT / "README.md"
COMMAND = "python screenshots/make_docs.py"

#: The README parts this script writes, by marker name.
PARTS = ("keys", "cli")

#: The screens in the order the README lists them: title, screen, the widgets focused on it.
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Pipeline board", "screens.pipelines.PipelinesScreen", ("widgets.board.Board",)),
    ("Deals list", "screens.deals.DealsScreen", ("widgets.deal_table.DealTable",)),
    ("Deal detail", "screens.deal_detail.DealDetailScreen", ()),
    ("Leads", "screens.leads.LeadsScreen", ("widgets.lead_table.LeadTable",)),
    ("Lead detail", "screens.lead_detail.LeadDetailScreen", ()),
    ("Label manager", "screens.lead_labels.LeadLabelsScreen", ()),
    ("Mail", "screens.mail.MailScreen", ("widgets.mail_table.MailTable",)),
    ("Mail thread", "screens.mail_thread.MailThreadScreen", ()),
    ("Saved filters", "screens.filters.FiltersScreen", ()),
    ("Filter builder", "screens.filter_builder.FilterBuilderScreen", ()),
    ("Account overview", "screens.overview.OverviewScreen", ()),
]

#: The dialogs and pickers, listed together in one table: title by class.
DIALOGS: dict[str, str] = {
    "screens.confirm.ConfirmScreen": "Confirm",
    "screens.triage.LostReasonScreen": "Lost reason",
    "screens.connect.ConnectScreen": "Connect an account",
    "widgets.board_picker.ChoicePicker": "Pickers (pipeline, owner, filter, stage…)",
    "widgets.column_picker.ColumnPicker": "Deal columns",
    "screens.label_picker.LabelPicker": "Lead label picker",
    "screens.lead_labels.LabelNameScreen": "Label name",
    "widgets.lead_labels.ColorPicker": "Label colour",
    "screens.lead_forms.LeadValueScreen": "Lead value",
    "screens.link_picker.LinkPicker": "Link a thread to a deal or lead",
    "screens.filter_builder.ConditionScreen": "Filter condition",
}

#: The order of the subcommands in the README (others follow in the parser's order).
COMMAND_ORDER = ("doctor", "config", "serve", "demo-server")


# --- Markdown ---------------------------------------------------------------------------------

#: What Markdown could read as markup: ``_`` only where it could start or end emphasis.
_SPECIAL = re.compile(r"[\\`*|<>\[\]]|(?<!\w)_|_(?!\w)")


def escape(text: str) -> str:
    """``text`` as plain Markdown on one line: safe in a table cell, never markup."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(), " ".join(text.split()))


def code(text: str) -> str:
    """``text`` as a code span that is safe in a table cell (``|`` and backticks too)."""
    text = " ".join(text.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; the cells are already escaped."""
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join(
        "|" + "|".join(f" {cell} " if cell else " " for cell in line) + "|" for line in lines
    )


# --- Key bindings -----------------------------------------------------------------------------


def key_label(key: str) -> str:
    """How the README shows one key: the character it types, else its name (``ctrl+s``)."""
    from textual.keys import key_to_character

    modifiers, _, name = key.rpartition("+")
    character = key_to_character(name)
    if character and character.isprintable() and not character.isspace():
        name = character
    return f"{modifiers}+{name}" if modifiers else name


@dataclass(frozen=True)
class KeyDoc:
    """One key of a binding, with what the README needs from the ``Binding``."""

    key: str
    label: str
    action: str
    description: str
    tooltip: str
    id: str | None
    show: bool
    priority: bool


def key_docs(bindings: Iterable[Any]) -> list[KeyDoc]:
    """Each key of ``bindings`` (a ``BINDINGS`` list) on its own, as Textual expands them.

    A ``key_display`` names the key of a binding that has one key; Textual would show it for
    every key of a ``"j,down"`` binding, which says less than the keys themselves.
    """
    from textual.binding import Binding

    docs: list[KeyDoc] = []
    for entry in bindings:
        binding = entry if isinstance(entry, Binding) else Binding(*entry)
        if binding.system:
            continue
        keys = list(Binding.make_bindings([binding]))
        for one in keys:
            label = one.key_display if one.key_display and len(keys) == 1 else key_label(one.key)
            docs.append(
                KeyDoc(
                    key=one.key,
                    label=label,
                    action=one.action,
                    description=one.description,
                    tooltip=one.tooltip,
                    id=one.id,
                    show=one.show,
                    priority=one.priority,
                )
            )
    return docs


def is_framework(cls: type) -> bool:
    """Whether ``cls`` is one of Textual's own classes."""
    return cls.__module__.split(".")[0] == "textual"


def class_keys(cls: type, *, framework: bool = False) -> list[KeyDoc]:
    """The keys ``cls`` has, walking its bases the way Textual's ``_merge_bindings`` does.

    A base that is not a Textual ``DOMNode`` (a mixin) adds nothing; a class that sets
    ``_inherit_bindings = False`` starts afresh; a key bound again by a subclass replaces the
    base's. Textual's own classes are left out unless ``framework`` is true.
    """
    from textual.dom import DOMNode

    by_key: dict[str, list[KeyDoc]] = {}
    for base in reversed(cls.__mro__):
        if not issubclass(base, DOMNode):
            continue
        if not base.__dict__.get("_inherit_bindings", True):
            by_key.clear()
        if is_framework(base) and not framework:
            continue
        own: dict[str, list[KeyDoc]] = {}
        for doc in key_docs(base.__dict__.get("BINDINGS", [])):
            own.setdefault(doc.key, []).append(doc)
        by_key.update(own)
    return [doc for docs in by_key.values() for doc in docs]


def shadow(screen: list[KeyDoc], focused: list[KeyDoc]) -> list[KeyDoc]:
    """The focused widget's keys, then the screen's that the widget does not take first."""
    taken = {doc.key for doc in focused}
    return focused + [doc for doc in screen if doc.priority or doc.key not in taken]


@dataclass(frozen=True)
class KeyRow:
    """One row of a key table: the keys of one action, merged."""

    labels: tuple[str, ...]
    description: str
    tooltip: str
    ids: tuple[str, ...]


def key_rows(docs: Iterable[KeyDoc]) -> list[KeyRow]:
    """One row per action, in order of first appearance: ``j``, ``down`` on one row."""
    rows: dict[str, list[KeyDoc]] = {}
    for doc in docs:
        rows.setdefault(doc.action, []).append(doc)
    result = []
    for group in rows.values():
        labels = tuple(dict.fromkeys(doc.label for doc in group))
        ids = tuple(dict.fromkeys(doc.id for doc in group if doc.id))
        description = next((doc.description for doc in group if doc.description), "")
        tooltip = next((doc.tooltip for doc in group if doc.tooltip), "")
        result.append(KeyRow(labels, description, tooltip, ids))
    return result


def _plain(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text).strip().casefold()


def what_it_does(description: str, tooltip: str) -> str:
    """The description (as the footer shows it), then the tooltip when it says more."""
    if not tooltip or _plain(tooltip) == _plain(description):
        return escape(description)
    if not description:
        return escape(tooltip)
    return f"**{escape(description)}** — {escape(tooltip)}"


def key_cells(row: KeyRow) -> list[str]:
    """The cells of a key row: keys, what it does, binding ids."""
    return [
        ", ".join(code(label) for label in row.labels),
        what_it_does(row.description, row.tooltip),
        ", ".join(code(id_) for id_ in row.ids),
    ]


def key_table(rows: Iterable[KeyRow]) -> str:
    """A table of keys: keys, what they do, the id to remap them by."""
    return table(["key", "what it does", "id"], [key_cells(row) for row in rows])


def _humanize(name: str) -> str:
    name = re.sub(r"(Screen|Modal)$", "", name) or name
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)
    return " ".join(words).capitalize() if words else name


def _ui_classes() -> dict[str, type]:
    """Every class of the app, its screens and widgets that declares ``BINDINGS``, by name
    relative to ``pipedrive_tui`` (``screens.deals.DealsScreen``)."""
    from textual.dom import DOMNode

    import pipedrive_tui.screens
    import pipedrive_tui.widgets

    names = ["pipedrive_tui.app"]
    for package in (pipedrive_tui.screens, pipedrive_tui.widgets):
        names += [
            f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
        ]
    found: dict[str, type] = {}
    for name in names:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and cls.__module__ == module.__name__
                and issubclass(cls, DOMNode)
                and "BINDINGS" in cls.__dict__
            ):
                short = f"{cls.__module__.removeprefix('pipedrive_tui.')}.{cls.__qualname__}"
                found[short] = cls
    return found


def app_keys() -> list[KeyDoc]:
    """The keys that work on every screen: the app's, Textual's and the command palette's."""
    from textual.screen import Screen

    from pipedrive_tui.app import PipedriveApp

    docs = class_keys(PipedriveApp, framework=True) + class_keys(Screen, framework=True)
    if PipedriveApp.ENABLE_COMMAND_PALETTE and not any(
        doc.action in {"command_palette", "app.command_palette"} for doc in docs
    ):
        # Textual adds this binding when the app starts (App.__init__), with these words.
        palette = key_docs([(PipedriveApp.COMMAND_PALETTE_BINDING, "command_palette", "Palette")])
        docs += [replace(doc, tooltip="Open the command palette") for doc in palette]
    ours = [doc for doc in docs if doc.id]
    return ours + [doc for doc in docs if not doc.id]


def keys_part(*, warn: bool = True) -> str:
    """The generated key reference: one table per screen, then the dialogs."""
    from textual.screen import ModalScreen, Screen

    classes = _ui_classes()
    covered: set[type] = set()

    def walk(cls: type) -> None:
        covered.update(base for base in cls.__mro__ if "BINDINGS" in base.__dict__)

    out = [
        f"Generated from the code by `{COMMAND}`. The id of a key is what the `[keymap]` "
        'table of config.toml remaps (`"id" = "keys"`); a key with no id is Textual\'s own. '
        "`?` shows the keys of the screen you are on.",
        "",
        "### Everywhere",
        "",
        key_table(key_rows(app_keys())),
    ]
    walk(classes.get("app.PipedriveApp", object))

    sections: list[tuple[str, type, list[type]]] = []
    for title, screen_name, widget_names in SECTIONS:
        if screen_name not in classes:
            continue
        widgets = [classes[name] for name in widget_names if name in classes]
        sections.append((title, classes[screen_name], widgets))
    dialogs = [(title, classes[name]) for name, title in DIALOGS.items() if name in classes]
    for _, screen, widgets in sections:
        for cls in (screen, *widgets):
            walk(cls)
    for _, dialog in dialogs:
        walk(dialog)
    for name, cls in classes.items():
        if cls in covered:
            continue
        if warn:
            print(
                f"make_docs: {name} has keys but is not named in SECTIONS or DIALOGS; "
                "listed under a title made from its name",
                file=sys.stderr,
            )
        if issubclass(cls, ModalScreen):
            dialogs.append((_humanize(cls.__name__), cls))
        elif issubclass(cls, Screen):
            sections.append((_humanize(cls.__name__), cls, []))
        else:
            sections.append((f"{_humanize(cls.__name__)} (widget)", cls, []))
        walk(cls)

    for title, screen, widgets in sections:
        focused = [doc for widget in widgets for doc in class_keys(widget)]
        rows = key_rows(shadow(class_keys(screen), focused))
        if rows:
            out += ["", f"### {escape(title)}", "", key_table(rows)]

    dialog_rows: list[list[str]] = []
    for title, dialog in dialogs:
        for index, row in enumerate(key_rows(class_keys(dialog))):
            dialog_rows.append([escape(title) if index == 0 else "", *key_cells(row)])
    if dialog_rows:
        out += ["", "### Dialogs and pickers", ""]
        out.append(table(["dialog", "key", "what it does", "id"], dialog_rows))
    return "\n".join(out)


# --- Command line -----------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """The subcommands of ``parser``: name, one-line help, parser."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((name, helps.get(name, "") or sub.description or "", sub))
    return found


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    ]


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help_: str = ""
) -> Iterator[tuple[tuple[str, ...], str, argparse.ArgumentParser]]:
    """Every command that can be run: its words after the program name, its one-line help (from
    the parent's list of subcommands), its parser.

    A command that only groups others (``config``) is left out; its subcommands are in.
    """
    subs = _subcommands(parser)
    if not subs or _options(parser):
        yield path, help_ or parser.description or "", parser
    rank = {name: index for index, name in enumerate(COMMAND_ORDER)}
    for name, sub_help, sub in sorted(subs, key=lambda item: rank.get(item[0], len(rank))):
        yield from commands(sub, (*path, name), sub_help)


def option_label(action: argparse.Action) -> str:
    """How the option is written: ``--demo-seed N``, ``--port PORT``, ``-v, --verbose``."""
    takes_value = action.nargs != 0
    if action.option_strings:
        metavar = action.metavar or action.dest.upper()
        names = ", ".join(action.option_strings)
    else:
        metavar = action.metavar or action.dest
        names = ""
    if isinstance(metavar, tuple):
        metavar = " ".join(metavar)
    if not takes_value:
        return names
    return f"{names} {metavar}".strip()


def option_default(action: argparse.Action) -> str:
    """The default worth saying: none for a flag, an unset value, or a suppressed one."""
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS, False):
        return ""
    return str(action.default)


def option_table(options: Sequence[argparse.Action]) -> str:
    """A table of options: how to write each, its default when it has one, what it does."""
    with_defaults = any(option_default(action) for action in options)
    header = ["option", "default", "what it does"] if with_defaults else ["option", "what it does"]
    rows = []
    for action in options:
        cells = [code(option_label(action))]
        if with_defaults:
            default = option_default(action)
            cells.append(code(default) if default else "")
        rows.append([*cells, escape(action.help or "")])
    return table(header, rows)


def cli_part() -> str:
    """The generated command-line reference: one table per command.

    A subcommand's option that the program itself also takes (``doctor --demo``) is named, not
    described again.
    """
    from pipedrive_tui.cli import build_parser

    parser = build_parser()
    program = parser.prog
    top = {tuple(action.option_strings) for action in _options(parser)}
    blocks = [f"Generated from the code by `{COMMAND}`. Every command also takes `-h` / `--help`."]
    for words, help_, command_parser in commands(parser):
        blocks.append(f"### `{' '.join((program, *words))}`")
        about = command_parser.description or help_
        if about:
            about = about[:1].upper() + about[1:]
            blocks.append(escape(about if about.endswith((".", "!", "?")) else f"{about}."))
        options = _options(command_parser)
        shared = [action for action in options if words and tuple(action.option_strings) in top]
        own = [action for action in options if action not in shared]
        if own:
            blocks.append(option_table(own))
        if shared:
            listed = ", ".join(code(option_label(action)) for action in shared)
            blocks.append(f"{'Also' if own else 'It takes'} {listed}, as `{program}` does.")
        if not own and not shared:
            blocks.append("No options.")
    return "\n\n".join(blocks)


# --- README -----------------------------------------------------------------------------------


def _markers(part: str) -> tuple[str, str]:
    return f"<!-- generated:{part}:start -->", f"<!-- generated:{part}:end -->"


def generate(part: str) -> str:
    """The text of one generated part (without its markers)."""
    if part == "keys":
        return keys_part()
    if part == "cli":
        return cli_part()
    raise ValueError(f"no generated part called {part!r}")


def replace_part(text: str, part: str, body: str) -> str:
    """``text`` with what lies between the markers of ``part`` replaced by ``body``."""
    start, end = _markers(part)
    before, found, rest = text.partition(start)
    _, found_end, after = rest.partition(end)
    if not found or not found_end:
        raise ValueError(f"README.md has no {start} … {end} pair")
    return f"{before}{start}\n{body}\n{end}{after}"


def render(text: str) -> tuple[str, list[str]]:
    """``text`` with every generated part brought up to date, and the parts that changed."""
    stale = []
    for part in PARTS:
        updated = replace_part(text, part, generate(part))
        if updated != text:
            stale.append(part)
        text = updated
    return text, stale


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite README.md, or with ``--check`` say whether it is up to date (exit 1 if not)."""
    parser = argparse.ArgumentParser(description="Regenerate the README's keys and CLI tables.")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when stale")
    parser.add_argument("--readme", type=Path, default=README, help="the file to rewrite")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    try:
        updated, stale = render(text)
    except ValueError as error:
        print(f"make_docs: {error}", file=sys.stderr)
        return 2
    if args.check:
        if stale:
            names = " and ".join(f"generated:{part}" for part in stale)
            print(f"{args.readme.name} is stale ({names}): run {COMMAND}")
            return 1
        print(f"{args.readme.name} is up to date")
        return 0
    if stale:
        args.readme.write_text(updated, encoding="utf-8")
        print(f"rewrote {', '.join(stale)} in {args.readme.name}")
    else:
        print(f"{args.readme.name} was already up to date")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
