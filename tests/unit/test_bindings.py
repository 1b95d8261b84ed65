"""Every key binding can be remapped: each has an id, ids are well formed and never ambiguous.

Two independent walks: the source text (every ``Binding(...)`` call anywhere in the package
names a literal ``id=``), and the imported classes (the app, every screen and widget module),
whose ids must also be the ones :mod:`pipedrive_tui.keymap` knows, so the keymap check at
start-up never calls a real binding unknown.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import pipedrive_tui
from pipedrive_tui.keymap import keymap_problems, known_binding_ids

PACKAGE = Path(pipedrive_tui.__file__).resolve().parent
#: ``area.action`` (more dotted parts allowed: ``app.mode.deals``), lower case and underscores.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def _ui_modules() -> list[str]:
    names = ["pipedrive_tui.app"]
    for package in ("screens", "widgets"):
        path = PACKAGE / package
        names.extend(f"pipedrive_tui.{package}.{m.name}" for m in pkgutil.iter_modules([str(path)]))
    return names


def _classes_with_bindings() -> list[type[DOMNode]]:
    found: dict[str, type[DOMNode]] = {}
    for name in _ui_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, DOMNode)
                and value.__module__.startswith("pipedrive_tui.")
                and "BINDINGS" in value.__dict__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


CLASSES = _classes_with_bindings()
CLASS_IDS = [f"{cls.__module__.removeprefix('pipedrive_tui.')}.{cls.__name__}" for cls in CLASSES]


def test_the_walk_finds_the_app_screens_and_widgets() -> None:
    names = {cls.__name__ for cls in CLASSES}
    # A sample across the layers, so that a broken walk cannot pass the tests below vacuously.
    assert {"PipedriveApp", "PipelinesScreen", "DealsScreen", "Board", "RecordTable"} <= names
    assert len(CLASSES) >= 25


@pytest.mark.parametrize("cls", CLASSES, ids=CLASS_IDS)
def test_every_binding_has_a_well_formed_unique_id(cls: type[DOMNode]) -> None:
    declared = cls.__dict__["BINDINGS"]
    assert declared, f"{cls.__name__}.BINDINGS is empty"
    seen: dict[str, str] = {}
    for entry in declared:
        assert isinstance(entry, Binding), f"{cls.__name__}: {entry!r} is a tuple, not a Binding"
        assert entry.id, f"{cls.__name__}: the binding {entry.key!r} → {entry.action} has no id"
        assert ID_PATTERN.match(entry.id), f"{cls.__name__}: id {entry.id!r} is not area.action"
        assert entry.id not in seen, (
            f"{cls.__name__}: id {entry.id!r} names both {seen[entry.id]!r} and {entry.key!r}"
        )
        seen[entry.id] = entry.key
        assert entry.description, f"{cls.__name__}: {entry.id} has no description"


@pytest.mark.parametrize("cls", CLASSES, ids=CLASS_IDS)
def test_ids_stay_unique_with_inherited_bindings(cls: type[DOMNode]) -> None:
    """A subclass's merged bindings never give one id two different actions."""
    actions: dict[str, set[str]] = defaultdict(set)
    for bindings in cls._merge_bindings().key_to_bindings.values():
        for binding in bindings:
            if binding.id:
                actions[binding.id].add(binding.action)
    ambiguous = {i: a for i, a in actions.items() if len(a) > 1}
    assert not ambiguous, f"{cls.__name__}: {ambiguous}"


def test_an_id_shared_between_classes_means_the_same_action() -> None:
    """``triage.won`` on the board, the list and the detail: one remap moves all three."""
    actions: dict[str, set[str]] = defaultdict(set)
    for cls in CLASSES:
        for binding in cls.__dict__["BINDINGS"]:
            actions[binding.id].add(binding.action)
    assert {i: a for i, a in actions.items() if len(a) > 1} == {}


def _binding_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "Binding":
                    calls.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return calls


def test_every_binding_call_in_the_source_names_an_id() -> None:
    """Also catches a binding built outside ``BINDINGS`` (a helper, a list shared by screens)."""
    calls = _binding_calls()
    assert len(calls) >= 100
    missing, malformed = [], []
    for where, line, call in calls:
        ids = [k.value for k in call.keywords if k.arg == "id"]
        if not ids:
            missing.append(f"{where}:{line}")
        elif isinstance(ids[0], ast.Constant) and not ID_PATTERN.match(str(ids[0].value)):
            malformed.append(f"{where}:{line}: {ids[0].value!r}")
        # An f-string id (a helper making one binding per tab) is checked on the classes above.
    assert missing == []
    assert malformed == []


def test_the_keymap_knows_every_id_declared_in_the_source() -> None:
    in_source = {
        k.value.value
        for _where, _line, call in _binding_calls()
        for k in call.keywords
        if k.arg == "id" and isinstance(k.value, ast.Constant)
    }
    known = known_binding_ids()
    assert in_source - known == set(), "bindings a keymap could not name"
    assert known == {b.id for cls in CLASSES for b in cls.__dict__["BINDINGS"]}


# --- keymap_problems -------------------------------------------------------------------------

KNOWN = ["app.mode.deals", "app.mode.leads", "board.down", "deals.search", "table.down"]


def test_a_good_keymap_has_no_problems() -> None:
    assert keymap_problems({"app.mode.deals": "D", "board.down": "j,down,n"}, KNOWN) == []


def test_unknown_id_is_named_with_the_closest_known_one() -> None:
    problems = keymap_problems({"app.mode.deal": "D"}, KNOWN)
    assert len(problems) == 1
    assert "“app.mode.deal” is not a binding id" in problems[0]
    assert "did you mean “app.mode.deals”" in problems[0]


def test_unknown_id_far_from_any_gives_no_suggestion() -> None:
    (problem,) = keymap_problems({"zzz.qqq": "x"}, KNOWN)
    assert "zzz.qqq" in problem
    assert "did you mean" not in problem


@pytest.mark.parametrize("keys", ["", "  ", ",", " , "])
def test_empty_keys_are_named(keys: str) -> None:
    (problem,) = keymap_problems({"board.down": keys}, KNOWN)
    assert "“board.down” has no key" in problem


def test_an_empty_key_between_commas_is_named() -> None:
    (problem,) = keymap_problems({"board.down": "j,,down"}, KNOWN)
    assert "empty key" in problem


def test_every_problem_is_reported_in_order() -> None:
    problems = keymap_problems({"board.dwn": "j", "deals.search": "", "table.down": "j"}, KNOWN)
    assert len(problems) == 2
    assert "board.dwn" in problems[0] and "board.down" in problems[0]
    assert "deals.search" in problems[1]


def test_default_known_ids_are_the_apps() -> None:
    assert keymap_problems({"app.mode.deals": "D", "triage.won": "W"}) == []
    (problem,) = keymap_problems({"triage.wonn": "W"})
    assert "did you mean “triage.won”" in problem
