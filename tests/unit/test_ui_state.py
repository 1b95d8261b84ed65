"""The UI state file: read never fails, writes merge, are atomic and private."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pipedrive_tui import locations
from pipedrive_tui.ui_state import CORRUPT_SUFFIX, StateError, load_state, save_state


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_file_reads_as_empty() -> None:
    assert not locations.state_file().exists()
    assert load_state() == {}
    assert not locations.state_dir().exists(), "reading must not create anything"


def test_save_then_load_round_trip() -> None:
    save_state(theme="pipedrive")
    assert load_state() == {"theme": "pipedrive"}
    assert json.loads(locations.state_file().read_text(encoding="utf-8")) == {"theme": "pipedrive"}


def test_save_merges_into_existing_content() -> None:
    save_state(theme="nord", last_mode="deals")
    save_state(theme="pipedrive")
    assert load_state() == {"theme": "pipedrive", "last_mode": "deals"}


def test_file_is_0600_in_a_0700_folder() -> None:
    save_state(theme="nord")
    assert _mode(locations.state_file()) == 0o600
    assert _mode(locations.state_dir()) == 0o700


def test_existing_loose_folder_is_tightened() -> None:
    folder = locations.state_dir()
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    save_state(theme="nord")
    assert _mode(folder) == 0o700


def test_no_temporary_file_is_left_behind() -> None:
    save_state(theme="nord")
    save_state(theme="gruvbox")
    assert sorted(p.name for p in locations.state_dir().iterdir()) == ["state.json"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2, 3]", b'"a string"', b"\xff\xfe\x00garbage", b""],
    ids=["broken", "list", "string", "not-utf8", "empty"],
)
def test_corrupt_file_reads_as_empty_and_is_left_alone(content: bytes) -> None:
    path = locations.state_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert load_state() == {}
    assert path.read_bytes() == content


def test_corrupt_file_is_moved_aside_on_the_next_write() -> None:
    path = locations.state_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{half a file")
    save_state(theme="nord")
    assert load_state() == {"theme": "nord"}
    aside = path.with_name(path.name + CORRUPT_SUFFIX)
    assert aside.read_bytes() == b"{half a file"


def test_unreadable_folder_reads_as_empty(tmp_path: Path) -> None:
    # The state "folder" is a file: nothing can be read below it.
    locations.state_dir().parent.mkdir(parents=True, exist_ok=True)
    locations.state_dir().write_text("not a folder")
    assert load_state() == {}


def test_write_failure_is_a_state_error_naming_the_file() -> None:
    locations.state_dir().parent.mkdir(parents=True, exist_ok=True)
    locations.state_dir().write_text("not a folder")
    with pytest.raises(StateError) as caught:
        save_state(theme="nord")
    message = str(caught.value)
    assert str(locations.state_file()) in message
    assert message.startswith("Could not save the app's state")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only modes")
def test_read_only_folder_is_a_state_error_and_keeps_the_old_file() -> None:
    save_state(theme="nord")
    folder = locations.state_dir()
    os.chmod(folder, 0o500)
    try:
        with pytest.raises(StateError, match="Permission denied"):
            save_state(theme="gruvbox")
    finally:
        os.chmod(folder, 0o700)
    assert load_state() == {"theme": "nord"}


def test_failed_write_leaves_no_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    save_state(theme="nord")

    def refuse(_src: str, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StateError, match="No space left on device"):
        save_state(theme="gruvbox")
    monkeypatch.undo()
    assert sorted(p.name for p in locations.state_dir().iterdir()) == ["state.json"]
    assert load_state() == {"theme": "nord"}


def test_values_that_are_not_json_are_a_type_error_before_touching_disk() -> None:
    with pytest.raises(TypeError):
        save_state(theme=object())
    assert not locations.state_file().exists()


def test_module_loads_no_ui_toolkit() -> None:
    code = (
        "import sys\n"
        "import pipedrive_tui.ui_state\n"
        "ui = [n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')]\n"
        "print(','.join(sorted(ui)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
