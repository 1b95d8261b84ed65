"""Hostile data (issue #10, point 1) on every screen that can show it, through the real HTTP path.

One demo account (seed 7, 40 deals) gets the corpus of :mod:`pipedrive_tui.demo.hostile`; each
test drives the app to a screen (board, lists, details and their tabs, mail, filters, pickers,
dialogs, the palette, toasts) and checks, on what a real terminal would receive
(:mod:`tests.terminal_output`):

(a) the readable part of the hostile text is on screen, markup shown as its own characters;
(b) no foreign sequence: no ESC but Textual's own, no C0/C1 control, no OSC, no bidi override;
(c) the layout holds: every row exactly the screen's width, the footer on the last row, plus
    the screen's own checks (rows of a table, columns of a board);
(d) nothing crashed and no error toast came up (except where a refusal is the point).

Toasts are on (``run_test(notifications=True)``): they are drawn by the screen's compositor.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rich.cells import cell_len
from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from pipedrive_tui import commands
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo import hostile
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.hostile import READABLE, HostileDemo, HostileIds, plant_hostile
from pipedrive_tui.fields.text import clean_text
from pipedrive_tui.screens.deal_detail import DealDetailScreen
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.filter_builder import ConditionScreen, FilterBuilderScreen
from pipedrive_tui.screens.filters import FiltersScreen
from pipedrive_tui.screens.lead_detail import LeadDetailScreen
from pipedrive_tui.screens.lead_labels import LabelNameScreen, LabelPicker, LeadLabelsScreen
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.screens.mail import MailScreen
from pipedrive_tui.screens.mail_thread import MailThreadScreen
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.screens.pipelines_cards import STRAY_COLUMN
from pipedrive_tui.screens.triage import LostReasonScreen
from pipedrive_tui.widgets.board import Board, BoardColumn
from pipedrive_tui.widgets.board_picker import ChoicePicker
from pipedrive_tui.widgets.deal_card import CARD_HEIGHT, CardList
from pipedrive_tui.widgets.timeline import BODY_LIMIT, body_text
from tests.terminal_output import (
    foreign_sequences,
    row_widths,
    screen_lines,
    screen_text,
    terminal_output,
)
from tests.ui import demo_app

SIZE = (120, 36)
Visit = Callable[[Pilot[Any], HostileIds], Awaitable[None]]


@functools.cache
def hostile_account() -> tuple[DemoAccount, HostileIds]:
    """The account with the hostile corpus, built once (writes never change it: copy on write)."""
    account = generate(7, 40)
    return account, plant_hostile(account)


def hostile_app() -> tuple[PipedriveApp, HostileDemo, HostileIds]:
    """The app on a fresh demo server of the hostile account."""
    account, ids = hostile_account()
    demo = HostileDemo(account, clock=lambda: 0.0)
    app, _ = demo_app(demo=demo)
    return app, demo, ids


@pytest.fixture(autouse=True)
def _no_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "SEARCH_DEBOUNCE", 0.0)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up (names arrive after the pages)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def push(pilot: Pilot[Any], make: Callable[[PipedriveApp], Any]) -> Any:
    """Push the screen ``make(app)`` builds, and wait for it; returns it."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await app.workers.wait_for_complete()
    screen = make(app)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


def notes(app: Any) -> list[str]:
    """Every toast raised so far."""
    return [str(n.message) for n in app._notifications]


def errors(app: PipedriveApp) -> list[str]:
    """The error toasts raised so far."""
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def cell_x(line: str, needle: str) -> int:
    """The cell column where ``needle`` starts in a screen row."""
    return cell_len(line[: line.index(needle)])


def check(app: Any, where: str, readable: list[str], *, error_toasts: bool = False) -> str:
    """The four checks of one screen (``where`` names it); returns the screen's text."""
    assert isinstance(app, PipedriveApp) and app.is_running, where
    output = terminal_output(app)
    assert foreign_sequences(output) == [], where
    text = screen_text(app)
    for piece in readable:
        assert piece in text, f"{where}: {piece!r} is not on screen:\n{text}"
    width, height = app.size
    assert row_widths(app) == [width] * height, where
    assert "^p palette" in screen_lines(app)[-1], f"{where}: the footer is not on the last row"
    if not error_toasts:
        assert errors(app) == [], where
    return text


# --- the visits: each drives one app through related screens, checking each ------------------


async def board(pilot: Pilot[Any], ids: HostileIds) -> None:
    """The overview, then the hostile pipeline's board, its pickers and the lost dialog."""
    app = pilot.app
    await settle(pilot)
    check(app, "overview", [READABLE[hostile.PIPELINE_NAME], READABLE[hostile.STAGE_NAMES[0]]])
    screen = await push(pilot, lambda app: PipelinesScreen(app.session, ids.pipeline_id))
    board = screen.query_one(Board)
    columns = list(board.query(BoardColumn))
    assert len(columns) == 4 and len({c.region.width for c in columns}) == 1
    for cards in board.query(CardList):  # every card CARD_HEIGHT rows, every list one width
        assert cards.virtual_size.height == max(len(cards.cards) * CARD_HEIGHT - 1, 1)
        assert cards.virtual_size.width == columns[0].card_list.virtual_size.width
    # The deal whose stage is another pipeline's is in a column of its own, after the stages,
    # and moving it says why it cannot be.
    assert board.card_position(ids.stray_deal) == (3, 0)
    assert columns[3].data.key == STRAY_COLUMN and columns[3].data.count == 1
    board.move_cursor(3, 0)
    await press(pilot, "L")
    assert any("belongs to another pipeline" in n for n in notes(app))
    board.move_cursor(0, 0)
    await settle(pilot)
    assert board.card_position(ids.wide_deal) is not None
    # The third column's header and cards start at one cell column, after wide cards.
    lines = screen_lines(app)
    header = next(line for line in lines if "日本語ステージ" in line and "Clear" in line)
    card = next(line for line in lines if "Long title" in line)
    assert cell_x(card, "Long title") == cell_x(header, "日本語ステージ")
    assert cell_x(card, "日本語の取引") == cell_x(header, "Clear")
    text = check(
        app,
        "board",
        [
            READABLE[hostile.PIPELINE_NAME],
            READABLE[hostile.STAGE_NAMES[0]],
            READABLE[hostile.STAGE_NAMES[2]],
            "Zorblax [bold red]x[/bold",
            READABLE[hostile.ESCAPE_TITLE],
            READABLE[hostile.CONTROL_TITLE],
            READABLE[hostile.BIDI_TITLE] + " zerowjbo",
            READABLE[hostile.WIDE_TITLE],
            "Long title lorem ipsum do…",
            "[link=https://evil.exampl…",
            "[red]Eve[/red] A",
        ],
    )
    assert text.count("(untitled)") == 2  # the empty title, and the one of invisible things
    for key, wanted in (
        ("p", READABLE[hostile.PIPELINE_NAME]),
        ("u", READABLE[hostile.USER_NAME]),
        ("f", READABLE[hostile.FILTER_NAME]),
    ):
        await press(pilot, key)
        assert isinstance(app.screen, ChoicePicker)
        check(app, f"board picker {key}", [wanted])
        await press(pilot, "escape")
    await press(pilot, "x")  # on the markup deal
    assert isinstance(app.screen, LostReasonScreen)
    check(app, "lost dialog", ["Mark as lost: Zorblax [bold red]x[/bold red]"])


#: Hostile deals whose detail is opened, and what it must show as the title. (The control and
#: bidi titles take the markup and escape titles' path: the list and the board show them.)
DEAL_TITLES: dict[str, str] = {
    "markup_deal": READABLE[hostile.MARKUP_TITLE],
    "escape_deal": READABLE[hostile.ESCAPE_TITLE],
    "wide_deal": READABLE[hostile.WIDE_TITLE],
    "long_deal": "ipsum dolor sit amet lorem ipsum dolor",
    "empty_looking_deal": "(untitled deal)",
    "stray_deal": "Stray deal in another pipeline's stage › Qualified",
}


async def deals(pilot: Pilot[Any], ids: HostileIds) -> None:
    """The deals list (a row per open deal, placeholders), then each hostile deal's detail."""
    app = pilot.app
    screen = await push(pilot, lambda app: DealsScreen(app.session))
    account, _ = hostile_account()
    open_deals = [d for d in account.deals if d["status"] == "open" and not d.get("is_archived")]
    assert len(screen.rows.view) == len(open_deals)
    text = check(
        app,
        "deals list",
        [
            "Zorblax [bold red]x[/bold red]",
            READABLE[hostile.ESCAPE_TITLE],
            READABLE[hostile.CONTROL_TITLE],
            READABLE[hostile.BIDI_TITLE],
            READABLE[hostile.WIDE_TITLE],
            "[link=https://",
            "[bold]Mallory…",
            "[red]Stage[/…",
        ],
    )
    assert text.count("(untitled)") == 2
    for which, title in DEAL_TITLES.items():
        deal_id = getattr(ids, which)
        await push(pilot, lambda app, deal_id=deal_id: DealDetailScreen(app.session, deal_id))
        readable = [title.split(" › ")[0], "Value    €", "Owner    [red]Eve[/red] Admin"]
        if " › " in title:  # the stray deal: its stage is named, though another pipeline's
            readable.append("› " + title.split(" › ")[1])
        check(app, f"deal detail {which}", readable)
        app.pop_screen()


async def deal_tabs(pilot: Pilot[Any], ids: HostileIds) -> None:
    """Every tab of the deal with hostile fields, notes (the 100,000 characters), flow, mail."""
    app = pilot.app
    await push(pilot, lambda app: DealDetailScreen(app.session, ids.fields_deal))
    check(
        app,
        "fields tab",
        [
            "Fields [b]deal[/b] red",
            "[bold red]x[/bold red] [link=https://evil.example]click[/link] [/] [",
            "line one red",
            "line two link",
            "12.5",
            READABLE[hostile.PERSON_NAME],
            "Organization  [link=https://evil.example]Evil Corp[/link]",
            READABLE[hostile.STAGE_NAMES[0]],
        ],
    )
    await press(pilot, "e")  # the empty fields join the list; then to its end
    await press(pilot, "end")
    check(
        app,
        "every field",
        [
            "Priority                   (deleted option 999)",
            "Products of interest       CRM, (deleted option 998)",
            "Contract period            2026-13-45 → tomorrow",
            "Preferred call time        25:99",
            "[b]Field[/b] name red      日本語の取引",
            "Future field",
            "Fields no longer defined (deleted?)",
            "[bold]orphan[/bold] value",
        ],
    )
    await press(pilot, "t")
    check(app, "timeline tab", ["✉ Mail: Re: " + READABLE[hostile.SUBJECT], "Snippet [bold]x[/]"])
    await press(pilot, "n")
    check(app, "notes tab", ["✎ Note", "by [red]Eve[/red] Admin", "Paragraph [b]1[/b] red lorem"])
    account, _ = hostile_account()
    note = next(n for n in account.notes if n["id"] == ids.long_note_id)["content"]
    assert len(note) == hostile.LONG_NOTE_LENGTH
    body = clean_text(body_text(note))
    last = re.findall(r"Paragraph \[b\](\d+)\[/b\]", body[:BODY_LIMIT])[-1]
    more = len(body) - BODY_LIMIT
    await press(pilot, "end")  # the first 12,000 characters are drawn, the rest is named
    check(
        app,
        "end of the long note",
        [f"Paragraph [b]{last}[/b]", f"… {more:,} more characters not shown here"],
    )
    await press(pilot, "p")
    check(app, "participants", [READABLE[hostile.PERSON_NAME], "mallory@evil.example", "+1 red555"])
    await press(pilot, "m")
    check(app, "mail tab", [READABLE[hostile.SUBJECT], "Enter opens a thread."])


async def leads(pilot: Pilot[Any], ids: HostileIds) -> None:
    """The leads inbox, the hostile lead, its label picker, the empty lead, the label manager."""
    app = pilot.app
    screen = await push(pilot, lambda app: LeadsScreen(app.session))
    assert [lead.id for lead in screen.rows.view[:2]] == [ids.lead_id, ids.empty_lead_id]
    check(
        app,
        "leads list",
        ["Lead [bold red]inbound[/] red", "[red]VIP[/red]", "(untitled)", "[red]Eve[/re"],
    )
    await push(pilot, lambda app: LeadDetailScreen(app.session, ids.lead_id))
    check(
        app,
        "lead detail",
        [
            READABLE[hostile.LEAD_TITLE],
            READABLE[hostile.LABEL_NAME],
            "🚀 日本語の取引",
            "Source   [b]Web[/b] form",
            "Discount %                 7,5",
            "lead@evil.example",
        ],
    )
    await press(pilot, "l")
    assert isinstance(app.screen, LabelPicker)
    check(app, "label picker", ["☑  " + READABLE[hostile.LABEL_NAME], "☑  🚀 日本語の取引"])
    await press(pilot, "escape")
    app.pop_screen()
    await push(pilot, lambda app: LeadDetailScreen(app.session, ids.empty_lead_id))
    check(app, "empty lead", ["(untitled lead)", "Owner    [red]Eve[/red] Admin"])
    app.pop_screen()
    manager = await push(pilot, lambda app: LeadLabelsScreen(app.session))
    index = next(i for i, label in enumerate(manager.labels) if label.id == ids.label_id)
    manager.options.highlighted = index
    check(app, "label manager", [READABLE[hostile.LABEL_NAME] + "   red", "launch"])
    await press(pilot, "e")
    namer = app.screen
    assert isinstance(namer, LabelNameScreen)
    assert namer.query_one(Input).value == READABLE[hostile.LABEL_NAME]
    check(app, "rename label", [READABLE[hostile.LABEL_NAME]])


async def mail(pilot: Pilot[Any], ids: HostileIds) -> None:
    """The inbox, the hostile thread (HTML body as text) and its link picker."""
    app = pilot.app
    screen = await push(pilot, lambda app: MailScreen(app.session, "inbox"))
    assert ids.thread_id in [thread.id for thread in screen.rows.view[:3]]
    check(app, "inbox", ["[bold]Mallory[/bo", READABLE[hostile.SUBJECT] + "  — Snippet"])
    await push(pilot, lambda app: MailThreadScreen(app.session, ids.thread_id))
    check(
        app,
        "thread",
        [
            READABLE[hostile.SUBJECT] + " · 2 messages",
            "From  " + READABLE[hostile.PERSON_NAME] + " 日本語の取引 <mallory@evil.example>",
            "Body [bold red]markup[/] and [link=https://evil.example]a [1] link[/link] [/]",
            "Raw: red link gnp.exe iso zerowjbom",
            "click me evil link [2]",
        ],
    )
    await press(pilot, "o")
    assert isinstance(app.screen, ChoicePicker)
    check(app, "link picker", ["[2] https://evil.example/", "Open a link"])


async def open_filters(pilot: Pilot[Any], ids: HostileIds) -> FiltersScreen:
    """The filters mode with the hostile deals filter highlighted."""
    await settle(pilot)
    await press(pilot, "5")
    screen = pilot.app.screen
    assert isinstance(screen, FiltersScreen)
    index = next(i for i, f in enumerate(screen.shown) if f and f.id == ids.deal_filter_id)
    screen.options.highlighted = index
    await settle(pilot)
    return screen


async def filters(pilot: Pilot[Any], ids: HostileIds) -> None:
    """The filters list and the filter in words, the builder, one condition's editor."""
    app = pilot.app
    await open_filters(pilot, ids)
    check(
        app,
        "filters in words",
        [
            READABLE[hostile.FILTER_NAME] + "  " + READABLE[hostile.USER_NAME],
            "Leads [bold red]x[/bold red]",
            "Title contains “[bold red]x[/bold red]",
            "Contract number is “red[b]NW[/b]link”",
            "Priority is option 999",
            "Owner is [red]Eve[/red] Admin",
            "[b]Field[/b] name red is not empty",
            "Field #9999 is [b]deleted field[/b]",
            "Renewal date is earlier than 20/11/2026",
        ],
    )
    await press(pilot, "e")
    builder = app.screen
    assert isinstance(builder, FilterBuilderScreen)
    assert builder.query_one("#builder-name", Input).value == READABLE[hostile.FILTER_NAME]
    check(app, "filter builder", ["Name     " + READABLE[hostile.FILTER_NAME], "option 999"])
    conditions = builder.query_one("#builder-conditions", OptionList)
    conditions.highlighted = builder.rows.index(("all", 1))
    await press(pilot, "enter")
    condition = app.screen
    assert isinstance(condition, ConditionScreen)
    assert condition.query_one("#condition-text", Input).value == "red[b]NW[/b]link"
    check(app, "condition editor", ["Contract number", "red[b]NW[/b]link"])


async def palette(pilot: Pilot[Any], ids: HostileIds) -> None:
    """``ctrl+p``: a deal found by part of its markup title, the pipeline, the leads filter."""
    app = pilot.app
    await settle(pilot)
    for typed, wanted in (
        ("Zorblax", "Deal: " + READABLE[hostile.MARKUP_TITLE]),
        ("Hostile", "Pipeline: " + READABLE[hostile.PIPELINE_NAME]),
        # Textual's own highlighting reads markup: this name raised a MarkupError there.
        ("filter Leads", "Apply filter: Leads " + hostile.MARKUP + " (leads)"),
    ):
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(CommandInput).value = typed  # one search, not one per key
        await pilot.pause(0.3)  # the palette shows its results in batches, on a timer
        await settle(pilot)
        check(app, f"palette {typed}", [wanted])
        await press(pilot, "escape")


VISITS: dict[str, Visit] = {
    "board": board,
    "deals": deals,
    "deal-tabs": deal_tabs,
    "leads": leads,
    "mail": mail,
    "filters": filters,
    "palette": palette,
}


@pytest.mark.parametrize("name", list(VISITS))
async def test_hostile_text_is_inert_readable_and_in_place(name: str) -> None:
    app, _, ids = hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await VISITS[name](pilot, ids)
        assert errors(app) == []


# --- notifications of refused writes -------------------------------------------------------------


async def test_a_refused_move_says_the_hostile_error_as_text() -> None:
    """``L`` on the board, refused with a hostile message: the toast reads, nothing leaks."""
    app, demo, ids = hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await push(pilot, lambda app: PipelinesScreen(app.session, ids.pipeline_id))
        board = screen.query_one(Board)
        demo.refuse("PATCH", f"/deals/{ids.markup_deal}")
        await press(pilot, "L")
        assert [r.status for r in demo.requests if r.method == "PATCH"] == [400]
        [said] = errors(app)
        assert said.startswith("Could not move the deal. Pipedrive refused the request (400)")
        assert READABLE[hostile.ERROR_TEXT] in said
        assert board.card_position(ids.markup_deal) == (0, 0)  # put back
        check(app, "toast", ["[bold red]Denied[/] red by link"], error_toasts=True)


async def test_a_refused_filter_rename_says_the_hostile_error_as_text() -> None:
    """``R`` on the hostile filter, refused with a hostile message: the name is kept."""
    app, demo, ids = hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_filters(pilot, ids)
        await press(pilot, "R")
        namer = app.screen
        assert isinstance(namer, LabelNameScreen)
        assert namer.query_one(Input).value == READABLE[hostile.FILTER_NAME]
        demo.refuse("PUT", f"/filters/{ids.deal_filter_id}")
        namer.dismiss("Renamed")
        await settle(pilot)
        assert [r.status for r in demo.requests if r.method == "PUT"] == [400]
        [said] = errors(app)
        assert READABLE[hostile.ERROR_TEXT] in said
        assert demo.store.filters[ids.deal_filter_id]["name"] == hostile.FILTER_NAME
        check(app, "toast", ["[bold red]Denied[/] red by link"], error_toasts=True)


async def test_a_filter_that_cannot_load_says_the_hostile_error_as_text() -> None:
    """The conditions and then the builder refused with a hostile message: the words pane
    and the toast (whose text the screen does not clean itself) read, nothing leaks."""
    app, demo, ids = hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        demo.refuse("GET", f"/filters/{ids.deal_filter_id}", count=None)
        await open_filters(pilot, ids)
        check(
            app, "words pane", ["Could not load the conditions", "[bold red]Denied[/] red by link"]
        )
        await press(pilot, "e")
        assert isinstance(app.screen, FiltersScreen)  # no builder without the conditions
        [said] = errors(app)
        assert said.startswith("Could not load the filter. Pipedrive refused the request (400)")
        assert READABLE[hostile.ERROR_TEXT] in said
        check(app, "toast", ["[bold red]Denied[/] red by link"], error_toasts=True)


# --- the checker itself ---------------------------------------------------------------------------


async def test_the_checker_sees_what_a_raw_string_would_write() -> None:
    """Without the app's cleaning, the same strings would reach the terminal: the check bites."""
    from rich.text import Text
    from textual.widgets import Static

    app, _, _ = hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.screen.mount(Static(Text(hostile.ESCAPE_TITLE + hostile.BIDI_TITLE)))
        await settle(pilot)
        found = " ".join(foreign_sequences(terminal_output(app)))
        assert "OSC 52" in found and "OSC 0" in found and "U+202E" in found
        assert "OSC 8 link to 'https://evil.example'" in found
        # Markup interpreted (a title passed as markup) makes Textual write a link itself.
        await app.screen.mount(Static('[link="https://evil.example"]click[/link]'))
        await settle(pilot)
        found = " ".join(foreign_sequences(terminal_output(app)))
        assert found.count("OSC 8 link to 'https://evil.example'") == 2


# --- the hostile records keep the spec's shapes ------------------------------------------------


def test_hostile_records_keep_the_response_schemas() -> None:
    """Every answer that carries a hostile record matches the spec, the way a real one would.

    The one exception is the field definition of an unknown type: Pipedrive may add a type
    before its spec lists it, which is the point of that record.
    """
    from tests.contract.openapi import spec_validator
    from tests.contract.test_demo_contract import Contract

    account, ids = hostile_account()
    contract = Contract(HostileDemo(account), spec_validator())
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        *(("get_deal", {"id": deal_id}, {}) for deal_id in ids.deal_ids),
        ("list_deals", {}, {"pipeline_id": ids.pipeline_id}),
        ("get_pipeline", {"id": ids.pipeline_id}, {}),
        ("list_stages", {}, {"pipeline_id": ids.pipeline_id}),
        ("get_person", {"id": ids.person_id}, {}),
        ("get_person", {"id": ids.empty_person_id}, {}),
        ("get_organization", {"id": ids.org_id}, {}),
        ("list_users", {}, {}),
        ("list_deal_fields_v1", {}, {}),
        ("list_lead_fields", {}, {}),
        ("get_lead", {"id": ids.lead_id}, {}),
        ("get_lead", {"id": ids.empty_lead_id}, {}),
        ("list_lead_labels", {}, {}),
        ("get_mail_thread", {"id": ids.thread_id}, {}),
        ("list_mail_thread_messages", {"id": ids.thread_id}, {}),
        *(("get_mail_message", {"id": m}, {"include_body": 1}) for m in ids.message_ids),
        ("get_filter", {"id": ids.deal_filter_id}, {}),
        ("get_filter", {"id": ids.lead_filter_id}, {}),
        ("list_notes", {}, {"deal_id": ids.fields_deal}),
        ("list_deal_flow", {"id": ids.fields_deal}, {}),
        ("list_deal_participants", {"id": ids.fields_deal}, {}),
        ("list_deal_mail_messages", {"id": ids.fields_deal}, {}),
        ("search_items", {}, {"term": "Zorblax"}),
    ]
    for name, path, params in calls:
        contract.call(name, path=path, params=params)
    response = contract.send("list_deal_fields")
    found = contract.validator.errors("v2", "GET", "/dealFields", 200, response.json())
    index = next(i for i, f in enumerate(account.deal_fields) if f["field_type"] == "hologram")
    assert [(e.json_path, e.message.split(" is ")[0]) for e in found] == [
        (f"$.data[{index}].field_type", "'hologram'")
    ]
    assert "is not one of" in found[0].message
