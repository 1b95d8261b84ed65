"""The form that edits a lead's value, currency and expected close date.

It checks what was typed before anything is sent (a number, a known currency code, a date as
``YYYY-MM-DD`` or a few words: ``today``, ``tomorrow``, ``+7d``, ``+2w``, ``+1m``) and says
what is wrong under the field. Enter saves, Escape cancels; what was typed comes back to the
caller either way it ends, so a refused save can be retried without typing it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pipedrive_tui.fields.numbers import to_decimal
from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["LeadValueForm", "LeadValueScreen", "parse_close_date", "parse_value_form"]

_RELATIVE = re.compile(r"^\+(\d{1,3})\s*([dwm])$")


@dataclass(frozen=True)
class LeadValueForm:
    """What the form holds, as typed (strings), so that it can be shown again."""

    amount: str = ""
    currency: str = ""
    close_date: str = ""


@dataclass(frozen=True)
class ParsedValue:
    """The form, checked: ``amount`` ``None`` clears the value, ``close`` ``None`` the date."""

    amount: float | None
    currency: str
    close: date | None


def parse_close_date(text: str, today: date) -> date | None:
    """A close date from ``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``+Nd``/``+Nw``/``+Nm``.

    ``""`` means no date; anything else raises :class:`ValueError` with what to type.
    """
    text = text.strip().lower()
    if not text:
        return None
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    relative = _RELATIVE.match(text)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        if unit == "d":
            return today + timedelta(days=count)
        if unit == "w":
            return today + timedelta(weeks=count)
        month = today.month - 1 + count
        year, month = today.year + month // 12, month % 12 + 1
        day = min(today.day, _days_in_month(year, month))
        return date(year, month, day)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("Type a date as YYYY-MM-DD, or today, tomorrow, +7d, +2w, +1m") from None


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def parse_value_form(form: LeadValueForm, currencies: set[str], today: date) -> ParsedValue:
    """Check a filled form; raises :class:`ValueError` naming the field and what is wrong."""
    amount_text = form.amount.strip().replace(",", "").replace("_", "")
    amount: float | None = None
    if amount_text:
        number = to_decimal(amount_text)
        if number is None:
            raise ValueError("Value: type a number, like 12500 or 12500.50")
        if number < 0:
            raise ValueError("Value: a lead's value cannot be negative")
        if number > 10**15:
            raise ValueError("Value: that number is too large for Pipedrive")
        amount = float(number)
    currency = form.currency.strip().upper()
    if amount is not None:
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ValueError("Currency: type a three-letter code, like EUR or USD")
        if currencies and currency not in currencies:
            raise ValueError(f"Currency: {currency} is not a currency of this account")
    try:
        close = parse_close_date(form.close_date, today)
    except ValueError as error:
        raise ValueError(f"Expected close date: {error}") from None
    return ParsedValue(amount, currency, close)


class LeadValueScreen(ModalScreen[tuple[LeadValueForm, ParsedValue] | None]):
    """Edit a lead's value, currency and expected close date; returns the form and its values."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="lead_value.cancel", tooltip="Close unchanged"),
    ]

    def __init__(self, title: str, form: LeadValueForm, currencies: set[str], today: date) -> None:
        super().__init__()
        self.lead_title = title
        self.form = form
        self.currencies = currencies
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="value-dialog"):
            label = Text("Value and close date of ")
            label.append_text(safe_line(self.lead_title))
            yield Label(label, id="value-title")
            with Horizontal(classes="value-row"):
                yield Label("Value", classes="value-label")
                yield Input(self.form.amount, placeholder="empty: no value", id="value-amount")
            with Horizontal(classes="value-row"):
                yield Label("Currency", classes="value-label")
                yield Input(self.form.currency, placeholder="EUR", id="value-currency")
            with Horizontal(classes="value-row"):
                yield Label("Close date", classes="value-label")
                yield Input(
                    self.form.close_date,
                    placeholder="YYYY-MM-DD, today, +7d, +1m; empty: none",
                    id="value-close",
                )
            yield Static("", id="value-error")
            yield Static("Enter saves · Tab next field · Escape cancels", id="value-hint")

    def on_mount(self) -> None:
        self.query_one("#value-error").display = False
        self.query_one("#value-amount", Input).focus()

    def _form(self) -> LeadValueForm:
        return LeadValueForm(
            self.query_one("#value-amount", Input).value,
            self.query_one("#value-currency", Input).value,
            self.query_one("#value-close", Input).value,
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        form = self._form()
        try:
            parsed = parse_value_form(form, self.currencies, self.today)
        except ValueError as error:
            message = self.query_one("#value-error", Static)
            message.update(Text(str(error)))
            message.display = True
            return
        self.dismiss((form, parsed))

    def action_cancel(self) -> None:
        """Close without changing the lead."""
        self.dismiss(None)
