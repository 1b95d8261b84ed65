"""The data layers never import the UI toolkit.

Two checks: no source file of these packages names ``textual`` or ``rich`` in an import, and
importing every module of them in a fresh interpreter loads no Textual module and no Rich module
beyond what ``httpx`` itself loads (its optional command line imports Rich when Rich is installed).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pipedrive_tui"
LAYERS = ["api", "data", "fields", "demo", "config.py", "locations.py"]
FORBIDDEN = {"textual", "rich"}


def _sources() -> list[Path]:
    files: list[Path] = []
    for layer in LAYERS:
        path = PACKAGE / layer
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_ui_import_in_source(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name}:{node.lineno} imports {name}"


@pytest.mark.parametrize("module", ["api", "data", "fields", "demo", "config", "locations"])
def test_layer_loads_no_ui_module(module: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import httpx\n"
        "before = {n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')}\n"
        f"m = importlib.import_module('pipedrive_tui.{module}')\n"
        "for info in pkgutil.walk_packages(getattr(m, '__path__', []), m.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "after = {n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')}\n"
        "print(','.join(sorted(after - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pipedrive_tui.{module} pulled in {out.stdout.strip()}"


def test_cli_parses_without_textual() -> None:
    code = (
        "import sys\n"
        "from pipedrive_tui import cli\n"
        "cli.build_parser()\n"
        "print(any(n.startswith('textual') for n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
