"""A plain (non-editable) install ships every stylesheet inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_every_tcss(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("pipedrive_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sheets = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert sheets, "styles/ has no .tcss files"
    for sheet in sheets:
        assert f"pipedrive_tui/styles/{sheet}" in names
    assert "pipedrive_tui/api/token_costs.json" in names
    assert not any(name.endswith(".yaml") for name in names), "spec files must not ship"
