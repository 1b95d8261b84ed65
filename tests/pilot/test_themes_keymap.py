"""Themes (chosen at start, remembered when the user picks one) and remapped keys, on the demo.

The autouse fixture puts the state file under ``tmp_path``: each test starts without one.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey
from textual.widgets._key_panel import BindingsTable

from pipedrive_tui import locations
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.config import Settings
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.themes import PIPEDRIVE_THEME
from pipedrive_tui.ui_state import load_state, save_state
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.deal_table import DealTable
from tests.ui import demo_app

SIZE = (120, 36)


def _app(**values: Any) -> PipedriveApp:
    settings = Settings.model_validate({"demo": True, "start_mode": "account", **values})
    app, _ = demo_app(settings=settings)
    return app


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _notices(app: PipedriveApp, title: str) -> list[Any]:
    return [n for n in app._notifications if n.title == title]


def _footer(app: PipedriveApp) -> set[tuple[str, str]]:
    return {(key.key, key.description) for key in app.screen.query(FooterKey)}


def _help_keys(app: PipedriveApp, description: str) -> list[str]:
    """The keys the help panel (``?``) shows before ``description``, one entry per line."""
    table = app.screen.query_one(BindingsTable)
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(table.render_bindings_table())
    keys = []
    for line in console.export_text().splitlines():
        head, _, tail = line.strip().partition(" ")
        if tail.startswith(f"{description} ") or tail == description:
            keys.append(head)
    return keys


# --- themes ------------------------------------------------------------------------------


async def test_without_any_theme_the_app_uses_textual_dark_and_writes_nothing() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "textual-dark"
        assert "pipedrive" in app.available_themes
    assert not locations.state_file().exists(), "start-up must not write the state file"


async def test_theme_comes_from_the_state_file() -> None:
    save_state(theme="nord", other="kept")
    before = locations.state_file().read_bytes()
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "nord"
        assert app.has_class("-theme-nord")
    assert locations.state_file().read_bytes() == before


async def test_settings_theme_wins_over_the_state_file() -> None:
    save_state(theme="nord")
    app = _app(theme="pipedrive")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "pipedrive"
        assert app.current_theme is PIPEDRIVE_THEME
        # The theme's colours really are applied, not just its name.
        assert app.screen.styles.background == Color.parse(PIPEDRIVE_THEME.background or "")
        assert not _notices(app, "Theme")
    assert load_state() == {"theme": "nord"}


async def test_a_saved_theme_that_no_longer_exists_is_ignored() -> None:
    save_state(theme="retired-theme")
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "textual-dark"
        assert not _notices(app, "Theme")


async def test_unknown_settings_theme_warns_with_the_names_and_falls_back() -> None:
    save_state(theme="gruvbox")
    # Markup in the name must be shown as typed, never read as markup.
    app = _app(theme="[bold]solarised")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "gruvbox"
        (notice,) = _notices(app, "Theme")
        assert notice.severity == "warning"
        assert notice.markup is False
        assert "There is no theme “[bold]solarised”" in notice.message
        for name in ("pipedrive", "textual-dark", "textual-light", "nord"):
            assert name in notice.message


async def test_unknown_settings_theme_without_state_falls_back_to_textual_dark() -> None:
    app = _app(theme="nope")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.theme == "textual-dark"
        assert len(_notices(app, "Theme")) == 1


async def test_theme_picked_in_the_palette_is_saved_for_the_next_start() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Theme")
        await _settle(pilot)
        await pilot.press("enter")  # "Theme  Change the current theme"
        await _settle(pilot)
        await pilot.press(*"pipedrive")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert app.theme == "pipedrive"
        assert load_state() == {"theme": "pipedrive"}
        assert not _notices(app, "Theme"), "nothing to say when the config sets no theme"

    again = _app()
    async with again.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert again.theme == "pipedrive"


async def test_user_change_with_a_configured_theme_says_the_config_wins() -> None:
    app = _app(theme="pipedrive")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.theme = "nord"
        await pilot.pause()
        assert load_state() == {"theme": "nord"}
        (notice,) = _notices(app, "Theme")
        assert "“pipedrive”: it wins at the next start" in notice.message
        assert notice.markup is False


async def test_a_theme_that_cannot_be_saved_is_a_notice_not_a_crash() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        # The state "folder" is a file: the save fails.
        locations.state_dir().parent.mkdir(parents=True, exist_ok=True)
        locations.state_dir().write_text("in the way")
        app.theme = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        (notice,) = _notices(app, "Theme")
        assert notice.severity == "warning"
        assert notice.message.startswith("Could not save the app's state")
    assert app.return_code in (None, 0)


# --- keymap ------------------------------------------------------------------------------


async def test_app_binding_remapped() -> None:
    app = _app(keymap={"app.mode.deals": "D"})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.current_mode == "account"
        await pilot.press("2")
        await _settle(pilot)
        assert app.current_mode == "account", "the old key no longer switches"
        await pilot.press("D")
        await _settle(pilot)
        assert app.current_mode == "deals"
        assert isinstance(app.screen, DealsScreen)
        # Other app keys are untouched.
        await pilot.press("1")
        await _settle(pilot)
        assert app.current_mode == "pipelines"
        assert not _notices(app, "Keymap")


async def test_board_bindings_remapped() -> None:
    app = _app(start_mode="pipelines", keymap={"board.down": "n", "pipelines.status": "S"})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelinesScreen)
        board = screen.query_one(Board)
        assert board.row == 0 and len(board.cursor_column.cards) > 2  # type: ignore[union-attr]
        await pilot.press("j", "down")
        await _settle(pilot)
        assert board.row == 0, "j and down were replaced by n"
        await pilot.press("n")
        await _settle(pilot)
        assert board.row == 1
        await pilot.press("k")
        assert board.row == 0, "board.up keeps its keys"

        await pilot.press("s")
        await _settle(pilot)
        assert screen.status == "open"
        await pilot.press("S")
        await _settle(pilot)
        assert screen.status == "won"
        footer = _footer(app)
        assert ("S", "Status") in footer
        assert ("s", "Status") not in footer


async def test_deals_list_bindings_remapped() -> None:
    keymap = {"table.down": "n", "deals.search": "ctrl+f"}
    app = _app(start_mode="deals", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        table = screen.query_one(DealTable)
        assert app.focused is table
        await pilot.press("j")
        assert table.cursor_row == 0
        await pilot.press("n", "n")
        assert table.cursor_row == 2

        await pilot.press("slash")
        await pilot.pause()
        assert not isinstance(app.focused, Input), "/ no longer opens the search"
        footer = _footer(app)
        assert ("ctrl+f", "Search") in footer
        assert ("slash", "Search") not in footer

        await pilot.press("question_mark")
        await pilot.pause()
        assert _help_keys(app, "Search") == ["^f"]
        assert _help_keys(app, "Sort") == ["s"], "the help lists the other keys as before"
        await pilot.press("question_mark")
        await pilot.pause()

        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert app.focused is screen.search_box


async def test_keymap_problems_are_a_warning_at_start() -> None:
    keymap = {"app.mode.deal": "D", "board.down": "", "app.mode.leads": "L"}
    app = _app(keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        (notice,) = _notices(app, "Keymap")
        assert notice.severity == "warning"
        assert notice.markup is False
        lines = notice.message.splitlines()
        assert len(lines) == 2
        assert "“app.mode.deal” is not a binding id (did you mean “app.mode.deals”?)" in lines[0]
        assert "“board.down” has no key" in lines[1]
        # The good entry still works.
        await pilot.press("L")
        await _settle(pilot)
        assert app.current_mode == "leads"


async def test_keymap_with_markup_in_an_id_is_shown_as_typed() -> None:
    app = _app(keymap={"[red]oops": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        (notice,) = _notices(app, "Keymap")
        assert "“[red]oops”" in notice.message


# --- vim keys on the screens built from Textual's own lists and scrolls -----------------------


def _position(app: PipedriveApp) -> int:
    """Where the focused widget is: its highlighted option, else how far it is scrolled."""
    focused = app.focused
    assert focused is not None
    highlighted = getattr(focused, "highlighted", None)
    return highlighted if highlighted is not None else round(focused.scroll_y)


def _end(app: PipedriveApp) -> int:
    focused = app.focused
    assert focused is not None
    if isinstance(focused, OptionList):
        return focused.option_count - 1
    return round(focused.max_scroll_y)


@pytest.mark.parametrize(
    ("mode", "keys", "screen_name"),
    [
        ("deals", ["enter"], "DealDetailScreen"),
        ("leads", ["enter"], "LeadDetailScreen"),
        ("mail", ["enter"], "MailThreadScreen"),
        ("pipelines", ["u"], "ChoicePicker"),
        ("deals", ["c"], "ColumnPicker"),
        ("filters", ["e"], "FilterBuilderScreen"),
    ],
    ids=["deal-detail", "lead-detail", "mail-thread", "owner-picker", "column-picker", "builder"],
)
async def test_j_k_g_G_move_like_the_arrows(mode: str, keys: list[str], screen_name: str) -> None:
    app = _app(start_mode=mode)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
        assert type(app.screen).__name__ == screen_name
        start, end = _position(app), _end(app)
        assert end > start + 1, "the list must be longer than the screen for this test"
        await pilot.press("j")
        await pilot.pause()
        assert _position(app) == start + 1
        await pilot.press("k")
        await pilot.pause()
        assert _position(app) == start
        await pilot.press("G")
        await pilot.pause()
        assert _position(app) == end
        await pilot.press("g")
        await pilot.pause()
        assert _position(app) == start


async def test_filters_list_g_and_G_jump_to_the_ends() -> None:
    app = _app(start_mode="filters")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        options = app.focused
        assert isinstance(options, OptionList)
        first = options.highlighted
        await pilot.press("G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == first


async def test_vim_keys_are_remappable_too() -> None:
    app = _app(start_mode="mail", keymap={"vim.down": "n"})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "MailThreadScreen"
        await pilot.press("j")
        await pilot.pause()
        assert _position(app) == 0
        await pilot.press("n")
        await pilot.pause()
        assert _position(app) == 1
        assert not _notices(app, "Keymap")


# --- the pipedrive theme reads well -----------------------------------------------------------


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def _contrast(text: Color, background: Color) -> float:
    light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "over", "minimum"),
    [
        ("foreground", ["background"], 4.5),
        ("foreground", ["surface", "boost"], 4.5),  # a card on the board
        ("text-success", ["surface", "boost"], 4.5),  # a card's value
        ("text-error", ["surface", "boost"], 4.5),  # "rotting"
        ("text-warning", ["surface", "boost"], 4.5),  # a lost deal
        ("text-accent", ["panel"], 4.5),  # a column's count
        ("foreground", ["surface", "primary 45%"], 4.5),  # the board's card cursor
        ("text-success", ["surface", "primary 45%"], 4.5),
        ("text-error", ["surface", "primary 45%"], 4.5),
        ("block-cursor-foreground", ["background", "block-cursor-background"], 4.5),
        ("foreground", ["primary-muted"], 4.5),  # title bars, the current column
        ("background", ["warning"], 4.5),  # the DEMO badge
        ("background", ["error"], 4.5),  # the READ-ONLY badge
        ("footer-key-foreground", ["footer-background"], 4.5),
        ("foreground", ["footer-background"], 4.5),
        ("foreground-muted", ["background"], 4.5),
    ],
)
def test_pipedrive_theme_contrast(text: str, over: list[str], minimum: float) -> None:
    variables = PIPEDRIVE_THEME.to_color_system().generate()

    def color(spec: str) -> Color:
        name, _, alpha = spec.partition(" ")
        parsed = Color.parse(variables[name])
        return parsed.multiply_alpha(float(alpha.rstrip("%")) / 100) if alpha else parsed

    layer = color(over[0])
    for spec in over[1:]:
        layer = layer + color(spec)  # Color.__add__ blends the upper colour's alpha over
    ink = layer + color(text)
    assert _contrast(ink, layer) >= minimum, f"{text} on {' + '.join(over)}"
