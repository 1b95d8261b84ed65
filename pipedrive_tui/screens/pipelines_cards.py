"""What the pipeline board shows, as plain data: its deals grouped into columns, cards and totals.

:class:`BoardDeals` holds the deals a board loaded and turns them into the board widget's
:class:`ColumnData`: counts, per-currency sums (no conversion: the default currency alone when
every deal uses it, else each currency's sum), the weighted value, and cards made only when the
board draws them (names, money, owner, rotting marker or won/lost marker).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pipedrive_tui.api.models import Currency, Deal, Stage, User
from pipedrive_tui.data.deals import DealQuery, StageTotals, rotting_days, stage_totals
from pipedrive_tui.data.names import NameBook
from pipedrive_tui.fields import FieldContext, format_money
from pipedrive_tui.widgets.board import ColumnData
from pipedrive_tui.widgets.deal_card import Card, LazyCards

__all__ = ["STRAY_COLUMN", "BoardDeals"]


#: The key of the extra column of deals whose stage is not one of the pipeline's (data that
#: Pipedrive's own screens would not let happen, shown rather than silently left out).
STRAY_COLUMN = -1


class BoardDeals:
    """The deals of one board (in the order Pipedrive sent them) and how to draw them.

    Args:
        names: the session's book of person and organization names.
        clock: "now", for the rotting markers.
    """

    def __init__(self, names: NameBook, clock: Callable[[], datetime]) -> None:
        self.names = names
        self.clock = clock
        #: Every deal loaded, including ones edited out of the view (a revert brings them back).
        self.deals: dict[int, Deal] = {}
        #: Count and sums per stage id, as last drawn.
        self.totals: dict[int, StageTotals] = {}
        self.stages: list[Stage] = []
        self.users: dict[int, User] = {}
        self._stage_by_id: dict[int, Stage] = {}
        self._cards: dict[int, Card] = {}
        self._exact = FieldContext()
        self._whole = FieldContext()

    @property
    def default_currency(self) -> str | None:
        """The user's default currency, listed first in sums."""
        return self._exact.default_currency

    def set_stages(self, stages: list[Stage]) -> None:
        """The pipeline's stages, sorted into ``order_nr`` order."""
        self.stages = sorted(stages, key=lambda s: (s.order_nr, s.id))
        self._stage_by_id = {stage.id: stage for stage in self.stages}

    def set_currencies(self, currencies: dict[str, Currency], default: str | None) -> None:
        """Currencies for formatting; board totals are shown in whole units."""
        whole = {code: c.model_copy(update={"decimal_points": 0}) for code, c in currencies.items()}
        self._exact = FieldContext(currencies=currencies, default_currency=default)
        self._whole = FieldContext(currencies=whole, default_currency=default)

    def clear(self) -> None:
        """Forget the deals (a new load begins)."""
        self.deals, self.totals, self._cards = {}, {}, {}

    def put(self, deal: Deal) -> None:
        """Hold this version of a deal; its card is made again when next drawn."""
        self.deals[deal.id] = deal
        self._cards.pop(deal.id, None)

    def forget_cards(self, deal_ids: list[int]) -> None:
        """Make these cards again when next drawn (their names just became known)."""
        for deal_id in deal_ids:
            self._cards.pop(deal_id, None)

    # --- formatting ---------------------------------------------------------------------------

    def money(self, amount: float, currency: str | None, *, whole: bool = False) -> str:
        """An amount with its currency; whole units when asked or when it has no cents."""
        exact = not whole and not float(amount).is_integer()
        return format_money(amount, currency, self._exact if exact else self._whole)

    def sums(self, sums: dict[str, float]) -> str:
        """Per-currency sums in whole units, the default currency first: "€1,200 · $300"."""
        default = self.default_currency
        if not sums:
            return self.money(0, default, whole=True) if default else "0"
        order = sorted(sums, key=lambda code: (code != default, code))
        return " · ".join(self.money(sums[code], code, whole=True) for code in order)

    def card(self, deal_id: int) -> Card:
        """The card of a deal, made once (the board asks only for the cards it draws)."""
        card = self._cards.get(deal_id)
        if card is not None:
            return card
        deal = self.deals.get(deal_id)
        if deal is None:  # it left the board: a column still mounting may draw it once more
            return Card(key=deal_id, title="")
        owner = self.users.get(deal.owner_id) if deal.owner_id is not None else None
        note, tone = "", "muted"
        if deal.status == "won":
            note, tone = "✓ Won", "won"
        elif deal.status == "lost":
            note, tone = f"✗ Lost{': ' + deal.lost_reason if deal.lost_reason else ''}", "lost"
        else:
            stage = self._stage_by_id.get(deal.stage_id) if deal.stage_id is not None else None
            days = rotting_days(deal, stage, self.clock())
            if days is not None:
                note, tone = (f"⚠ rotting {days}d" if days else "⚠ rotting"), "rotting"
        names = self.names
        card = Card(
            key=deal.id,
            title=deal.title,
            subtitle=names.organization_name(deal.org_id)
            or names.person_name(deal.person_id)
            or "",
            value=self.money(deal.value, deal.currency),
            owner=owner.name if owner else "",
            note=note,
            tone=tone,
        )
        self._cards[deal_id] = card
        return card

    def columns(self, query: DealQuery) -> list[ColumnData]:
        """Group the deals that match ``query`` by stage, total them, and describe the columns."""
        by_stage: dict[int, list[Deal]] = {stage.id: [] for stage in self.stages}
        stray: list[Deal] = []  # in this pipeline, in a stage that is not one of its stages
        for deal in self.deals.values():
            if not query.matches(deal):
                continue
            bucket = by_stage.get(deal.stage_id) if deal.stage_id is not None else None
            (stray if bucket is None else bucket).append(deal)
        columns = []
        self.totals = {}
        for stage in self.stages:
            deals = by_stage[stage.id]
            totals = self.totals[stage.id] = stage_totals(deals, stage)
            columns.append(
                ColumnData(
                    key=stage.id,
                    title=stage.name,
                    count=totals.count,
                    totals=self.sums(totals.values),
                    weighted="weighted " + self.sums(totals.weighted),
                    cards=LazyCards([deal.id for deal in deals], self.card),
                )
            )
        if stray and self.stages:
            totals = self.totals[STRAY_COLUMN] = stage_totals(stray, None)
            columns.append(
                ColumnData(
                    key=STRAY_COLUMN,
                    title="Stage of another pipeline",
                    count=totals.count,
                    totals=self.sums(totals.values),
                    weighted="fix the stage in Pipedrive",
                    cards=LazyCards([deal.id for deal in stray], self.card),
                )
            )
        return columns

    def shown(self) -> int:
        """How many deals the board shows."""
        return sum(totals.count for totals in self.totals.values())
