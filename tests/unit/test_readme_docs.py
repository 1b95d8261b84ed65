"""The README's key and command-line reference match the code (``screenshots/make_docs.py``)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from textual.binding import Binding
from textual.widget import Widget

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "screenshots" / "make_docs.py"
if not SCRIPT.exists():  # an sdist ships the tests but not screenshots/
    pytest.skip("screenshots/make_docs.py is not here", allow_module_level=True)


def _load_make_docs() -> ModuleType:
    path = SCRIPT
    spec = importlib.util.spec_from_file_location("make_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_docs"] = module
    spec.loader.exec_module(module)
    return module


make_docs = _load_make_docs()


def test_readme_reference_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = make_docs.main(["--check"])
    said = capsys.readouterr()
    assert status == 0, f"{said.out}{said.err}: run python screenshots/make_docs.py"


def test_check_names_the_stale_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    fresh, _ = make_docs.render((ROOT / "README.md").read_text(encoding="utf-8"))
    start, end = "<!-- generated:cli:start -->", "<!-- generated:cli:end -->"
    readme.write_text(fresh.split(start)[0] + f"{start}\nold\n{end}" + fresh.split(end)[1])
    assert make_docs.main(["--check", "--readme", str(readme)]) == 1
    said = capsys.readouterr().out
    assert "generated:cli" in said and "generated:keys" not in said
    assert "run python screenshots/make_docs.py" in said
    assert make_docs.main(["--readme", str(readme)]) == 0
    assert readme.read_text() == fresh


def test_missing_markers_are_an_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# nothing generated here\n")
    assert make_docs.main(["--check", "--readme", str(readme)]) == 2


def test_cells_escape_markdown() -> None:
    assert make_docs.escape("a|b `c` *d* <!-- x --> snake_case _e_") == (
        r"a\|b \`c\` \*d\* \<!-- x --\> snake_case \_e\_"
    )
    assert make_docs.code("a|b") == r"`a\|b`"
    assert make_docs.code("`") == "`` ` ``"
    assert make_docs.code("x``y") == "```x``y```"


class _Base(Widget):
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", id="t.down", tooltip="Next row"),
        Binding("pagedown", "move(1)", "Down", id="t.page_down", tooltip="Next row"),
        Binding("grave_accent", "tick", "Tick", id="t.tick", tooltip="Tick | untick"),
        Binding("x", "gone", "Gone", id="t.gone"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]


class _Child(_Base):
    BINDINGS = [
        Binding("x", "cross", "Cross", id="t.cross", tooltip="Cross"),
        Binding("left_square_bracket", "prev", "Prev", key_display="[", id="t.prev"),
    ]


def test_key_table_merges_alternates_and_inherits() -> None:
    rows = make_docs.key_rows(make_docs.class_keys(_Child))
    table = make_docs.key_table(rows).splitlines()
    assert table[:2] == ["| key | what it does | id |", "| --- | --- | --- |"]
    # One row for the action of "j,down" and "pagedown", with both ids.
    assert table[2] == (
        "| `j`, `down`, `pagedown` | **Down** — Next row | `t.down`, `t.page_down` |"
    )
    # A backtick key in a code span; a pipe escaped; the tooltip only when it adds something.
    assert table[3] == r"| `` ` `` | **Tick** — Tick \| untick | `t.tick` |"
    # The subclass's "x" replaces the base's, where the base had it; system keys are left out.
    assert table[4] == "| `x` | Cross | `t.cross` |"
    assert table[5] == "| `[` | Prev | `t.prev` |"
    assert len(table) == 6


def test_focused_widget_keys_come_first_and_win() -> None:
    screen = make_docs.key_docs([Binding("j", "screen_down", "Screen down", id="s.down")])
    widget = make_docs.key_docs([Binding("j", "row_down", "Row down", id="w.down")])
    rows = make_docs.key_rows(make_docs.shadow(screen, widget))
    assert [row.ids for row in rows] == [("w.down",)]


def test_cli_tables_come_from_the_parser() -> None:
    text = make_docs.cli_part()
    for command in ("pipedrive-tui", "doctor", "config path", "serve", "demo-server"):
        heading = (
            "### `pipedrive-tui`"
            if command == "pipedrive-tui"
            else f"### `pipedrive-tui {command}`"
        )
        assert heading in text
    assert "| `--port PORT` | `8765` | port (default 8765; 0 = any) |" in text
    assert "--help" in text


def test_option_labels() -> None:
    parser = argparse.ArgumentParser()
    flag = parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    value = parser.add_argument("--seed", type=int, default=7)
    named = parser.add_argument("--company", metavar="DOMAIN", dest="company_domain")
    assert make_docs.option_label(flag) == "-v, --verbose"
    assert make_docs.option_default(flag) == ""
    assert make_docs.option_label(value) == "--seed SEED"
    assert make_docs.option_default(value) == "7"
    assert make_docs.option_label(named) == "--company DOMAIN"
