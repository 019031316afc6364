"""GOV.UK number and date style: '1,234', '£2,046,250', '£3.3 million', '2 March 2026'.

Rounded phrases ('more than 365 arrests', 'over £3.3 million') must never overstate a figure, so
every rounding here goes down. Qualifiers come from the store: exact | at_least | approximately |
estimate | not_recorded.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_FLOOR, Decimal

NOT_RECORDED = "not recorded"
APPROXIMATE = {"approximately", "estimate"}


def _is_missing(v: float | int | Decimal | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _floor(v: float | int | Decimal, step: int = 1) -> int:
    """The largest multiple of ``step`` not above ``v``, computed exactly (no float drift)."""
    whole = int(Decimal(str(v)).to_integral_value(rounding=ROUND_FLOOR))
    return (whole // step) * step


def round_down_for_more_than(v: float | int | Decimal, unit: str = "count") -> float:
    """The number to print after 'more than' / 'over': never above ``v``.

    Counts drop their fraction; money of £1 million or more goes down to a tenth of a million
    (3,399,999 gives 3,300,000), smaller money to whole pounds.
    """
    if unit == "gbp" and abs(float(v)) >= 1_000_000:
        return float(_floor(v, 100_000))
    return float(_floor(v))


def _grouped(whole: int) -> str:
    return f"{whole:,}"


def fmt_number(v: float | int | Decimal, places: int = 0) -> str:
    """'1,234' or, with places, '1,234.5' (trailing zeros kept: '4.20')."""
    return f"{float(v):,.{places}f}" if places else _grouped(round(float(v)))


def fmt_count(v: float | int | Decimal | None, qualifier: str = "exact") -> str:
    """'1,234', 'more than 365', 'about 900' or 'not recorded'."""
    if _is_missing(v) or qualifier == "not_recorded":
        return NOT_RECORDED
    assert v is not None
    if qualifier == "at_least":
        return f"more than {_grouped(int(round_down_for_more_than(v)))}"
    text = _grouped(int(Decimal(str(v)).to_integral_value()))
    return f"about {text}" if qualifier in APPROXIMATE else text


def fmt_money_short(v: float | int | Decimal) -> str:
    """'£3.3 million', '£4 million', '£1.7 billion' (always rounded down); '£485,000' below £1 million."""
    sign = "-" if v < 0 else ""
    size = abs(Decimal(str(v)))
    for scale, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if size >= scale:
            tenths = _floor(size * 10 / scale)
            text = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
            return f"{sign}£{text} {word}"
    return f"{sign}£{_grouped(_floor(size))}"


def fmt_money(v: float | int | Decimal | None, qualifier: str = "exact") -> str:
    """'£2,046,250', 'over £3.3 million', 'about £2,000', 'not recorded'. Pence shown only when present."""
    if _is_missing(v) or qualifier == "not_recorded":
        return NOT_RECORDED
    assert v is not None
    if qualifier == "at_least":
        return f"over {fmt_money_short(round_down_for_more_than(v, 'gbp'))}"
    amount = Decimal(str(v))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        text = f"{sign}£{_grouped(int(amount))}"
    else:
        text = f"{sign}£{float(amount):,.2f}"
    return f"about {text}" if qualifier in APPROXIMATE else text


def fmt_percent(share: float | None, places: int = 0) -> str:
    """A share given as a fraction (0.84) shown as '84%'."""
    if _is_missing(share):
        return NOT_RECORDED
    assert share is not None
    return f"{share * 100:.{places}f}%"


def fmt_ratio(v: float | None, places: int = 2) -> str:
    """A plain ratio such as pounds recovered per pound spent: '44.18'."""
    return NOT_RECORDED if _is_missing(v) else fmt_number(v, places)  # type: ignore[arg-type]


def fmt_value(v: float | int | Decimal | None, unit: str, qualifier: str = "exact") -> str:
    """Format a figure by its registry unit: count | gbp | percent | ratio."""
    if unit == "gbp":
        return fmt_money(v, qualifier)
    if unit == "percent":
        return fmt_percent(None if v is None else float(v))
    if unit == "ratio":
        return fmt_ratio(None if v is None else float(v))
    return fmt_count(v, qualifier)


def fmt_date(d: date) -> str:
    """'2 March 2026'."""
    return f"{d.day} {d:%B %Y}"


def fmt_date_range(a: date, b: date) -> str:
    """'13 to 19 October 2025', '28 September to 4 October 2025', '29 December 2025 to 2 January 2026'."""
    if a == b:
        return fmt_date(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} to {fmt_date(b)}"
    if a.year == b.year:
        return f"{a.day} {a:%B} to {fmt_date(b)}"
    return f"{fmt_date(a)} to {fmt_date(b)}"


def phrase(v: float | int | Decimal | None, unit: str, qualifier: str, noun: str) -> str:
    """A headline line: 'more than 365 arrests', 'over £3.3 million recovered', '9 warrants executed'."""
    if unit == "gbp":
        return f"{fmt_money(v, qualifier)} {noun}".strip()
    return f"{fmt_count(v, qualifier)} {noun}".strip()
