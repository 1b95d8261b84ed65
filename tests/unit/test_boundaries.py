"""The data layers never import the UI toolkit (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = [
    "pipedrive_tui.api",
    "pipedrive_tui.data",
    "pipedrive_tui.fields",
    "pipedrive_tui.demo",
    "pipedrive_tui.config",
    "pipedrive_tui.locations",
]


@pytest.mark.parametrize("module", MODULES)
def test_layer_imports_neither_textual_nor_rich(module: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {module} as m\n"
        "pkg = getattr(m, '__path__', None)\n"
        "if pkg:\n"
        "    for info in pkgutil.walk_packages(pkg, m.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulled in {out.stdout.strip()}"


def test_cli_starts_without_textual_for_the_demo_server() -> None:
    code = (
        "import sys\n"
        "from pipedrive_tui import cli\n"
        "cli.build_parser()\n"
        "print(any(n.startswith('textual') for n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
