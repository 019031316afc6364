"""GOV.UK number and date style: '1,234', '£2,046,250', '2 March 2026'.

One number style (README, "Number style"): cards, charts, tables and data files show a figure
in full with thousands separators and its qualifier in words: '368', 'at least 368',
'about 900', '£3,342,750', 'at least £4,126,500', 'not recorded'. "At least N" is said as
"at least N", never "more than N": the force said the figure could be N itself (issue 9).
Only lines to take round ('more than 365 arrests', 'over £3.3 million'), by the rule in
``exports.lines``, and every rounding there goes down (``round_down_for_more_than``).
Qualifiers come from the store: exact | at_least | approximately | estimate | not_recorded.
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


def rounding_step(v: float | int | Decimal, unit: str = "count") -> int:
    """The step a line to take rounds down to (``exports.lines``' rule).

    Counts: 1 below 100, 5 from 100, 100 from 1,000. Money: a tenth of a billion from
    £1 billion, a tenth of a million from £1 million, else whole pounds.
    """
    size = abs(float(v))
    if unit == "gbp":
        return 100_000_000 if size >= 1e9 else (100_000 if size >= 1e6 else 1)
    return 1 if size < 100 else (5 if size < 1000 else 100)


def round_down_for_more_than(v: float | int | Decimal, unit: str = "count") -> float:
    """The number to print after 'more than' / 'over': the largest multiple of
    ``rounding_step`` not above ``v`` (3,399,999 gives 3,300,000; 368 gives 365)."""
    return float(_floor(v, rounding_step(v, unit)))


def _grouped(whole: int) -> str:
    return f"{whole:,}"


def fmt_number(v: float | int | Decimal, places: int = 0) -> str:
    """'1,234' or, with places, '1,234.5' (trailing zeros kept: '4.20')."""
    return f"{float(v):,.{places}f}" if places else _grouped(round(float(v)))


def fmt_count(v: float | int | Decimal | None, qualifier: str = "exact") -> str:
    """'1,234', 'at least 368', 'about 900' or 'not recorded'."""
    if _is_missing(v) or qualifier == "not_recorded":
        return NOT_RECORDED
    assert v is not None
    if qualifier == "at_least":
        # A fraction (an average) goes down: 'at least N' must not claim more than was held.
        return f"at least {_grouped(_floor(v))}"
    text = _grouped(int(Decimal(str(v)).to_integral_value()))
    return f"about {text}" if qualifier in APPROXIMATE else text


def fmt_money_short(v: float | int | Decimal) -> str:
    """'£3.3 million', '£4 million', '£1.7 billion' (always rounded down); '£485,000' below
    £1 million. For lines to take only: elsewhere money is shown in full."""
    sign = "-" if v < 0 else ""
    size = abs(Decimal(str(v)))
    for scale, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if size >= scale:
            tenths = _floor(size * 10 / scale)
            text = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
            return f"{sign}£{text} {word}"
    return f"{sign}£{_grouped(_floor(size))}"


def fmt_money(v: float | int | Decimal | None, qualifier: str = "exact") -> str:
    """'£2,046,250', 'at least £4,126,500', 'about £2,000', 'not recorded'. Pence shown only
    when present."""
    if _is_missing(v) or qualifier == "not_recorded":
        return NOT_RECORDED
    assert v is not None
    amount = Decimal(str(v))
    if qualifier == "at_least":
        # Pence go down too: 'at least' must not claim a fraction of a penny more than held.
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        text = f"{sign}£{_grouped(int(amount))}"
    else:
        text = f"{sign}£{float(amount):,.2f}"
    if qualifier == "at_least":
        return f"at least {text}"
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
    """A headline line: 'at least 368 arrests', '£3,342,750 recovered', '9 warrants executed'."""
    if unit == "gbp":
        return f"{fmt_money(v, qualifier)} {noun}".strip()
    return f"{fmt_count(v, qualifier)} {noun}".strip()
