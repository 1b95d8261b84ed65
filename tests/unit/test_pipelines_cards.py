"""The board's cards and totals made from deals (the pipeline screen's data helper)."""

from __future__ import annotations

from datetime import UTC, datetime

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.models import Currency, Deal, Stage, User
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.data.names import NameBook
from pipedrive_tui.screens.pipelines_cards import STRAY_COLUMN, BoardDeals

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
STAGES = [
    Stage(id=2, name="Second", order_nr=2, pipeline_id=1, deal_probability=50,
          is_deal_rot_enabled=True, days_to_rotten=10),
    Stage(id=1, name="First", order_nr=1, pipeline_id=1, deal_probability=10),
]  # fmt: skip
CURRENCIES = {
    "EUR": Currency(code="EUR", symbol="€", decimal_points=2),
    "USD": Currency(code="USD", symbol="$", decimal_points=2),
}


def _board() -> BoardDeals:
    board = BoardDeals(NameBook(PipedriveClient("https://x.invalid", api_token="t")), lambda: NOW)
    board.set_stages(STAGES)
    board.set_currencies(CURRENCIES, "EUR")
    board.users = {7: User(id=7, name="Ava")}
    return board


def _deal(deal_id: int, **fields: object) -> Deal:
    base: dict[str, object] = {"id": deal_id, "title": f"Deal {deal_id}", "pipeline_id": 1}
    return Deal.model_validate(base | fields)


def test_columns_in_order_with_per_currency_sums_and_weighted_values() -> None:
    board = _board()
    board.put(_deal(1, stage_id=1, value=1000, currency="EUR"))
    board.put(_deal(2, stage_id=1, value=500.5, currency="USD", probability=100))
    board.put(_deal(3, stage_id=2, value=200, currency="EUR"))
    board.put(_deal(4, stage_id=2, value=999, currency="EUR", status="won"))
    board.put(_deal(5, stage_id=99, value=1, currency="EUR"))  # not a stage of this board
    first, second, stray = board.columns(DealQuery(pipeline_id=1))
    assert (first.key, first.count, second.key, second.count) == (1, 2, 2, 1)
    assert first.totals == "€1,000 · $501"  # the default currency first, whole units
    assert first.weighted == "weighted €100 · $501"
    assert second.totals == "€200" and second.weighted == "weighted €100"
    assert [c.key for c in first.cards] == [1, 2]
    # A deal in a stage that is not one of the pipeline's gets a column of its own, last.
    assert (stray.key, stray.count, stray.title) == (STRAY_COLUMN, 1, "Stage of another pipeline")
    assert [c.key for c in stray.cards] == [5]
    assert board.shown() == 4


def test_cards_show_value_owner_and_markers() -> None:
    board = _board()
    board.put(_deal(1, stage_id=2, value=1234.5, currency="USD", owner_id=7,
                    update_time="2026-10-01T00:00:00Z"))  # fmt: skip
    board.put(_deal(2, stage_id=2, status="lost", lost_reason="Too pricey", value=10))
    board.put(_deal(3, stage_id=1, status="won", owner_id=99))
    rotting = board.card(1)
    assert (rotting.value, rotting.owner) == ("$1,234.50", "Ava")
    assert (rotting.note, rotting.tone) == ("⚠ rotting 40d", "rotting")
    assert (board.card(2).note, board.card(2).tone) == ("✗ Lost: Too pricey", "lost")
    assert (board.card(3).note, board.card(3).owner) == ("✓ Won", "")
    assert board.card(2).value == "$10"
    board.put(_deal(1, stage_id=2, title="Renamed"))
    assert board.card(1).title == "Renamed"


def test_no_deals_sums_to_zero_in_the_default_currency() -> None:
    board = _board()
    columns = board.columns(DealQuery(pipeline_id=1))
    assert [c.totals for c in columns] == ["€0", "€0"]
