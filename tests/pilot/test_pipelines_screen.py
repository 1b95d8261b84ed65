"""Pilot tests of the pipeline board on the demo account (pushed directly, no app wiring)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from pipedrive_tui.api.models import Deal
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.fields import FieldContext, format_money
from pipedrive_tui.screens.messages import DealSaved
from pipedrive_tui.screens.pipelines import PipelinesScreen
from pipedrive_tui.widgets.board import Board
from pipedrive_tui.widgets.board_picker import ChoicePicker
from pipedrive_tui.widgets.deal_card import CardList
from tests.ui import demo_app, empty_account

SIZE = (120, 36)


async def _open(app: PipedriveApp, pilot: Pilot[Any], **kwargs: Any) -> PipelinesScreen:
    await app.workers.wait_for_complete()
    screen = PipelinesScreen(app.session, **kwargs)
    await app.push_screen(screen)
    await _settle(pilot)
    return screen


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _board(screen: PipelinesScreen) -> Board:
    return screen.query_one(Board)


def _notes(app: PipedriveApp) -> list[str]:
    return [n.message for n in app._notifications]


def _patches(demo: DemoPipedrive) -> list[Any]:
    return [r for r in demo.requests if r.method == "PATCH" and "/deals/" in r.path]


def _deal_gets(demo: DemoPipedrive) -> list[Any]:
    return [r for r in demo.requests if r.method == "GET" and r.path.endswith("/deals")]


async def _open_deals(app: PipedriveApp, **filters: Any) -> list[Deal]:
    result = await app.session.client.list_deals(ceiling=None, **filters)
    return result.items


def _sums(sums: dict[str, float], whole: FieldContext, default: str | None) -> str:
    """Per-currency sums in whole units, the default currency first."""
    if not sums:
        return format_money(0, default, whole) if default else "0"
    order = sorted(sums, key=lambda code: (code != default, code))
    return " · ".join(format_money(sums[code], code, whole) for code in order)


def _put_cursor(board: Board, deal_id: int) -> None:
    position = board.card_position(deal_id)
    assert position is not None, f"deal {deal_id} is not on the board"
    board.move_cursor(*position)


async def test_columns_are_stages_with_counts_and_totals() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        stages = [s for s in demo.account.stages if s["pipeline_id"] == 1]
        stages.sort(key=lambda s: s["order_nr"])
        assert [c.key for c in board.columns] == [s["id"] for s in stages]
        assert [c.title for c in board.columns] == [s["name"] for s in stages]
        deals = await _open_deals(app, pipeline_id=1, status="open")
        counts = Counter(d.stage_id for d in deals)
        assert [c.count for c in board.columns] == [counts[s["id"]] for s in stages]
        assert [len(c.cards) for c in board.columns] == [counts[s["id"]] for s in stages]
        currencies = await app.session.lookups.currencies()
        me = app.session.me
        default = me.default_currency if me else None
        whole = FieldContext(
            currencies={
                k: c.model_copy(update={"decimal_points": 0}) for k, c in currencies.items()
            }
        )
        for column, stage in zip(board.columns, stages, strict=True):
            sums: dict[str, float] = defaultdict(float)
            weighted: dict[str, float] = defaultdict(float)
            for deal in deals:
                if deal.stage_id == stage["id"]:
                    sums[deal.currency] += deal.value
                    probability = (
                        deal.probability
                        if deal.probability is not None
                        else stage["deal_probability"]
                    )
                    weighted[deal.currency] += deal.value * probability / 100
            assert column.totals == _sums(sums, whole, default)
            assert column.weighted == "weighted " + _sums(weighted, whole, default)
        title = str(screen.query_one("#pipelines-title", Static).render())
        assert f"Sales (1/3) · Open deals · Owner: everyone · {len(deals)} deals" in title
        requests = _deal_gets(demo)
        assert requests and requests[0].params.get("pipeline_id") == "1"
        assert requests[0].params.get("status") == "open"


async def test_navigation_with_hjkl_arrows_g_and_home_end() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        assert board.has_focus
        assert (board.column, board.row) == (0, 0)
        await pilot.press("j", "j")
        assert (board.column, board.row) == (0, 2)
        await pilot.press("k")
        assert board.row == 1
        await pilot.press("l")
        assert (board.column, board.row) == (1, 1)
        await pilot.press("right", "down", "left", "up")
        assert (board.column, board.row) == (1, 1)
        await pilot.press("G")
        assert board.row == len(board.columns[1].cards) - 1
        await pilot.press("g")
        assert board.row == 0
        await pilot.press("end")
        assert board.column == len(board.columns) - 1
        await pilot.press("home", "h")
        assert board.column == 0
        await pilot.pause()
        info = str(screen.query_one("#pipelines-info", Static).render())
        assert info.startswith("Qualified: ")


async def test_sideways_scroll_follows_the_cursor_at_80x24() -> None:
    app, _ = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        assert board.max_scroll_x > 0
        await pilot.press("end")
        await pilot.pause()
        assert board.scroll_x > 0
        await pilot.press("home")
        await pilot.pause()
        assert board.scroll_x == 0


async def test_L_moves_the_deal_to_the_next_stage() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        assert board.columns[board.column].key == 2
        before = [c.count for c in board.columns]
        await pilot.press("L")
        await _settle(pilot)
        assert board.card_position(5) is not None
        assert board.columns[board.column].key == 3  # the cursor followed the card
        assert board.cursor_card is not None and board.cursor_card.key == 5
        after = [c.count for c in board.columns]
        assert (after[1], after[2]) == (before[1] - 1, before[2] + 1)
        (patch,) = _patches(demo)
        assert patch.path.endswith("/deals/5") and patch.body == {"stage_id": 3}
        assert (await app.session.client.get_deal(5)).stage_id == 3
        assert "Moved to Demo scheduled" in _notes(app)


async def test_H_in_the_first_stage_says_so() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("H")
        await _settle(pilot)
        assert "Already in the first stage of this pipeline." in _notes(app)
        assert not _patches(demo)


async def test_w_marks_won_and_removes_the_card() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        count = board.columns[1].count
        await pilot.press("w")
        await _settle(pilot)
        assert board.card_position(5) is None
        assert board.columns[1].count == count - 1
        (patch,) = _patches(demo)
        assert patch.body == {"status": "won"}
        assert (await app.session.client.get_deal(5)).status == "won"


async def test_x_asks_a_reason_and_marks_lost() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"budget", "enter")
        await _settle(pilot)
        (patch,) = _patches(demo)
        assert patch.body == {"status": "lost", "lost_reason": "budget"}
        assert board.card_position(5) is None
        lost = await app.session.client.get_deal(5)
        assert (lost.status, lost.lost_reason) == ("lost", "budget")


async def test_a_refused_write_puts_the_card_back_and_keeps_the_reason() -> None:
    faults = FaultPlan().server_error(500, count=None, path="/api/v2/deals/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        counts = [c.count for c in board.columns]
        await pilot.press("L")
        await _settle(pilot)
        assert board.card_position(5) == (1, board.row)
        assert [c.count for c in board.columns] == counts
        assert any(n.startswith("Could not move the deal.") for n in _notes(app))
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"timing", "enter")
        await _settle(pilot)
        assert board.card_position(5) is not None
        assert app.session.drafts["lost:5"] == "timing"
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one("#lost-reason", Input).value == "timing"
        await pilot.press("escape")
        assert len(_patches(demo)) == 2
        assert (await app.session.client.get_deal(5)).stage_id == 2


async def test_read_only_refuses_and_sends_nothing() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        _put_cursor(_board(screen), 5)
        await pilot.press("L", "w", "x")
        await _settle(pilot)
        assert isinstance(app.screen, PipelinesScreen)
        assert any(n.startswith("Read-only mode") for n in _notes(app))
        assert not _patches(demo)
        assert _board(screen).card_position(5) is not None


async def test_switching_pipelines_with_brackets_and_the_picker() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        board = _board(screen)
        assert screen.pipeline_id == 2
        assert [c.key for c in board.columns] == [7, 8, 9, 10, 11]
        assert _deal_gets(demo)[-1].params.get("pipeline_id") == "2"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await _settle(pilot)
        assert screen.pipeline_id == 3
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press("home", "enter")
        await _settle(pilot)
        assert screen.pipeline_id == 1
        assert [c.key for c in board.columns] == [1, 2, 3, 4, 5, 6]
        screen.select_pipeline(2)
        await _settle(pilot)
        assert "Partnerships (2/3)" in str(screen.query_one("#pipelines-title", Static).render())


async def test_owner_filter() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        assert picker.choices[0].label == "Everyone"
        ben = next(i for i, c in enumerate(picker.choices) if c.label == "Ben Okoro")
        await pilot.press(*["down"] * ben, "enter")
        await _settle(pilot)
        assert screen.owner_id == 102
        assert _deal_gets(demo)[-1].params.get("owner_id") == "102"
        expected = await _open_deals(app, pipeline_id=1, status="open", owner_id=102)
        shown = [card.key for column in _board(screen).columns for card in column.cards]
        assert sorted(shown) == sorted(d.id for d in expected)
        assert "Owner: Ben Okoro" in str(screen.query_one("#pipelines-title", Static).render())


async def test_saved_filter_keeps_only_this_pipelines_open_deals() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("f")
        await _settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        assert picker.choices[0].label == "No filter"
        index = next(i for i, c in enumerate(picker.choices) if c.label == "Big Sales deals")
        await pilot.press(*["down"] * index, "enter")
        await _settle(pilot)
        assert screen.filter_id == 2
        request = _deal_gets(demo)[-1]
        assert request.params.get("filter_id") == "2" and "pipeline_id" not in request.params
        everything = await _open_deals(app, filter_id=2)
        query = DealQuery(pipeline_id=1, status="open")
        expected = sorted(d.id for d in everything if query.matches(d))
        shown = [card.key for column in _board(screen).columns for card in column.cards]
        assert sorted(shown) == expected
        assert "Filter: Big Sales deals" in str(
            screen.query_one("#pipelines-title", Static).render()
        )
        screen.set_filter(None)
        await _settle(pilot)
        assert "filter_id" not in _deal_gets(demo)[-1].params


async def test_a_board_can_start_with_a_filter_from_the_palette() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        screen = PipelinesScreen(app.session, pipeline_id=2)
        screen.set_filter(2)  # before it is mounted: applies when it starts
        await app.push_screen(screen)
        await _settle(pilot)
        assert _deal_gets(demo)[-1].params.get("filter_id") == "2"
        title = str(screen.query_one("#pipelines-title", Static).render())
        assert "Partnerships (2/3)" in title and "Filter: Big Sales deals" in title


async def test_status_toggle_cycles_open_won_lost_all() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        await pilot.press("s")
        await _settle(pilot)
        assert screen.status == "won"
        won = await _open_deals(app, pipeline_id=1, status="won")
        cards = [card for column in board.columns for card in column.cards]
        assert sorted(c.key for c in cards) == sorted(d.id for d in won)
        assert all(c.note == "✓ Won" and c.tone == "won" for c in cards)
        await pilot.press("s")
        await _settle(pilot)
        assert screen.status == "lost"
        assert all(c.tone == "lost" for column in board.columns for c in column.cards)
        await pilot.press("s")
        await _settle(pilot)
        assert screen.status == "all"
        assert "status" not in _deal_gets(demo)[-1].params
        every = await _open_deals(app, pipeline_id=1)
        assert sum(c.count for c in board.columns) == len(every)
        await pilot.press("s")
        await _settle(pilot)
        assert screen.status == "open"


async def test_rotting_marker_on_a_rotting_deal() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        column, row = board.card_position(5) or (0, 0)
        card = board.columns[column].cards[row]
        # Updated 2026-09-30, stage rots after 14 days, "now" is 2026-11-20: 51 - 14 = 37.
        assert (card.note, card.tone) == ("⚠ rotting 37d", "rotting")
        card_list = screen.query(CardList)[column]
        card_list.scroll_to_card(row)
        await pilot.pause()
        drawn = [card_list.render_line(y).text for y in range(card_list.size.height)]
        assert any("⚠ rotting 37d" in line for line in drawn)


async def test_error_then_retry() -> None:
    faults = FaultPlan().server_error(503, count=1, path="/api/v2/deals")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        message = screen.query_one("#pipelines-message", Static)
        assert message.display and message.has_class("-error")
        assert "Press r to try again." in str(message.render())
        assert not _board(screen).display
        await pilot.press("r")
        await _settle(pilot)
        assert not message.display
        assert _board(screen).display and sum(c.count for c in _board(screen).columns) > 0


async def test_a_later_page_failing_keeps_the_first_page() -> None:
    account = generate(7, 200)
    template = next(d for d in account.deals if d["id"] == 5)
    account.deals += [{**template, "id": 10_000 + i, "title": f"Bulk {i}"} for i in range(600)]
    faults = FaultPlan().server_error(500, count=None, after=1, path="/api/v2/deals", method="GET")
    app, _ = demo_app(account=account, faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        assert board.display
        assert sum(c.count for c in board.columns) == 500
        info = screen.query_one("#pipelines-info", Static)
        assert info.has_class("-error")
        text = str(info.render())
        assert "Showing the 500 deals loaded so far" in text and "Press r to try again" in text


async def test_empty_pipeline_and_no_pipelines() -> None:
    account = generate(7, 200)
    account.deals = [d for d in account.deals if d["pipeline_id"] != 3]
    app, _ = demo_app(account=account)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, pipeline_id=3)
        board = _board(screen)
        assert board.display and [c.count for c in board.columns] == [0, 0, 0, 0]
        info = str(screen.query_one("#pipelines-info", Static).render())
        assert info == "No open deals in this pipeline."
    app, _ = demo_app(account=empty_account())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        message = screen.query_one("#pipelines-message", Static)
        assert message.display and "No pipelines yet" in str(message.render())
        assert not _board(screen).display


async def test_enter_opens_the_deal_and_deal_saved_updates_the_card() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        opened: list[tuple[int, Deal | None]] = []
        app.open_deal = lambda deal_id, deal=None: opened.append((deal_id, deal))  # type: ignore[method-assign]
        board = _board(screen)
        _put_cursor(board, 5)
        await pilot.press("enter")
        await pilot.pause()
        assert opened and opened[0][0] == 5 and opened[0][1] is not None
        renamed = opened[0][1].model_copy(update={"title": "Renamed elsewhere"})
        screen.post_message(DealSaved(renamed))
        await pilot.pause()
        column, row = board.card_position(5) or (0, 0)
        assert board.columns[column].cards[row].title == "Renamed elsewhere"


async def test_refresh_keeps_the_cursor_on_its_deal() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        calls = len(_deal_gets(demo))
        await pilot.press("r")
        await _settle(pilot)
        assert len(_deal_gets(demo)) == calls + 1
        assert board.cursor_card is not None and board.cursor_card.key == 5


async def test_a_failed_refresh_keeps_the_cards_and_says_why() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        board = _board(screen)
        _put_cursor(board, 5)
        counts = [c.count for c in board.columns]
        # The lookups answer, the deals do not: every card stays, the info line says why.
        demo.faults.server_error(503, path="/api/v2/deals", method="GET")
        await pilot.press("r")
        await _settle(pilot)
        assert board.display and [c.count for c in board.columns] == counts
        assert board.cursor_card is not None and board.cursor_card.key == 5
        info = screen.query_one("#pipelines-info", Static)
        assert info.has_class("-error") and "503" in screen.partial_error
        # A lookup failing first keeps them too.
        demo.faults.server_error(503, path="/api/v2/pipelines")
        await pilot.press("r")
        await _settle(pilot)
        assert board.display and [c.count for c in board.columns] == counts
        assert not screen.error and "503" in screen.partial_error
        # Then a good refresh: the same cards, no error.
        await pilot.press("r")
        await _settle(pilot)
        assert [c.count for c in board.columns] == counts and not screen.partial_error
        assert board.cursor_card is not None and board.cursor_card.key == 5
