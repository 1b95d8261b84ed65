"""The keymap setting checked against the bindings the app really has.

Users remap keys by binding id in the ``[keymap]`` table of ``config.toml``::

    [keymap]
    "app.mode.deals" = "D"
    "board.down" = "j,down,n"

Textual applies that table (``App.set_keymap``) and silently ignores an id it does not know or an
empty key string, so a typo would leave the user wondering why nothing changed.
:func:`keymap_problems` names those entries, with the closest known id as a suggestion, for the
app to show in a notice at start.

The known ids are those of every ``Binding`` declared by the app, its screens and its widgets;
collecting them imports every screen module, so it is only done when a keymap is set.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.dom import DOMNode

__all__ = ["binding_classes", "declared_bindings", "keymap_problems", "known_binding_ids"]

#: The packages whose modules declare bindings, besides the app module itself.
_PACKAGES = ("pipedrive_tui.screens", "pipedrive_tui.widgets")


def _modules() -> list[str]:
    names = ["pipedrive_tui.app"]
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        names.extend(
            f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
        )
    return names


def binding_classes() -> list[type[DOMNode]]:
    """Every class of the app, its screens and widgets that declares ``BINDINGS`` itself."""
    found: list[type[DOMNode]] = []
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, DOMNode)
                and value.__module__ == name
                and "BINDINGS" in value.__dict__
            ):
                found.append(value)
    return found


def declared_bindings() -> list[tuple[type[DOMNode], Binding]]:
    """Each ``Binding`` of :func:`binding_classes`, with the class that declares it."""
    return [
        (cls, binding)
        for cls in binding_classes()
        for binding in cls.__dict__["BINDINGS"]
        if isinstance(binding, Binding)
    ]


def known_binding_ids() -> set[str]:
    """The ids a keymap may name."""
    return {binding.id for _cls, binding in declared_bindings() if binding.id}


def keymap_problems(keymap: Mapping[str, str], known: Iterable[str] | None = None) -> list[str]:
    """One sentence per keymap entry that changes nothing: an unknown id, or no key given.

    ``known`` defaults to :func:`known_binding_ids`; an unknown id comes with the closest known
    one as a suggestion when there is one.
    """
    ids = set(known) if known is not None else known_binding_ids()
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in ids:
            close = difflib.get_close_matches(binding_id, sorted(ids), n=1, cutoff=0.6)
            hint = f" (did you mean “{close[0]}”?)" if close else ""
            problems.append(f"“{binding_id}” is not a binding id{hint}: ignored.")
            continue
        parts = [part.strip() for part in str(keys).split(",")]
        if not any(parts):
            problems.append(f"“{binding_id}” has no key: its default key is kept.")
        elif not all(parts):
            problems.append(f"“{binding_id}” = “{keys}” holds an empty key between commas.")
    return problems
