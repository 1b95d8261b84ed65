"""Numbers and money as text: plain numbers, and amounts with their currency's symbol.

Amounts are computed with :class:`~decimal.Decimal` and rounded half up, the way people round
(1234.5 yen is "¥1,235"), never with binary floats or ``round()``, which rounds half to even
and would turn 2.675 into "2.67".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from pipedrive_tui.api.models import Currency
from pipedrive_tui.fields.context import FieldContext
from pipedrive_tui.fields.text import clean_line

__all__ = ["format_money", "format_number", "to_decimal"]

# Clamp decimal_points: a negative or huge value from a custom currency must not break quantize.
_MAX_DECIMALS = 10


def to_decimal(value: Any) -> Decimal | None:
    """A finite :class:`~decimal.Decimal` from a number or numeric string, else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int | float):
            # str() first: Decimal(0.1) would carry the float's binary error into the text.
            number = Decimal(str(value))
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value: Any) -> str:
    """A plain number: "1234", "1234.5", "-0.25"; non-numbers come back as cleaned text.

    No thousands separators: number fields often hold years, postcodes or ids, which a
    separator would garble ("2,026").
    """
    number = to_decimal(value)
    if number is None:
        return "" if value is None else clean_line(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _currency(code: str, currencies: Mapping[str, Currency]) -> Currency | None:
    return currencies.get(code) or currencies.get(code.upper())


def format_money(amount: Any, currency: str | None, context: FieldContext | None = None) -> str:
    """An amount with its currency: "€1,234.50", "¥1,235", "CHF 12.00", "1,234.50 XYZ".

    The symbol and number of decimals come from ``context.currencies``. A known symbol ending
    in a letter ("CHF", "kr") is followed by a space; a custom currency is written after the
    amount ("500 users"), as Pipedrive's currency docs ask. An unknown code is written after
    the amount with 2 decimals; with no code at all ``context.default_currency`` is used.
    """
    context = context or FieldContext()
    number = to_decimal(amount)
    code = clean_line(currency or "") or clean_line(context.default_currency or "")
    if number is None:
        text = "" if amount is None else clean_line(str(amount))
        return f"{text} {code}".strip() if text else ""
    info = _currency(code, context.currencies) if code else None
    decimals = 2
    if info is not None:
        decimals = min(max(info.decimal_points, 0), _MAX_DECIMALS)
    try:
        # The default 28 digits would reject quantizing amounts beyond about 1e26.
        with localcontext(prec=100):
            rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return f"{format_number(number)} {code}".strip()
    digits = format(abs(rounded), f",.{decimals}f")
    # Decimal("-0.00") < 0 is False, so a value rounded to zero gets no minus sign.
    sign = "-" if rounded < 0 else ""
    symbol = clean_line(info.symbol) if info is not None else ""
    if info is None or not symbol:
        return f"{sign}{digits} {code}".rstrip()
    if info.is_custom_flag:
        return f"{sign}{digits} {symbol}"
    if symbol[-1].isalpha():
        return f"{sign}{symbol} {digits}"
    return f"{sign}{symbol}{digits}"
