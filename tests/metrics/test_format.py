"""GOV.UK number and date style, and the rule that rounded phrases never overstate."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.format import (
    fmt_count,
    fmt_date,
    fmt_date_range,
    fmt_money,
    fmt_money_short,
    fmt_percent,
    fmt_value,
    phrase,
    round_down_for_more_than,
)

QUALIFIERS = st.sampled_from(["exact", "at_least", "approximately", "estimate"])
AMOUNTS = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)


def _number_in(text: str) -> float:
    """The figure a reader sees in a phrase: '£3.3 million' → 3,300,000."""
    match = re.search(r"£?([\d,]+(?:\.\d+)?)(?: (million|billion))?", text)
    assert match, text
    value = float(match.group(1).replace(",", ""))
    return value * {"million": 1e6, "billion": 1e9}.get(match.group(2) or "", 1)


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (1234, "exact", "1,234"),
    (365, "at_least", "more than 365"),
    (365.9, "at_least", "more than 365"),
    (900, "approximately", "about 900"),
    (None, "exact", "not recorded"),
    (0, "exact", "0"),
])
def test_fmt_count(value: float | None, qualifier: str, expected: str) -> None:
    """Counts get thousands separators and plain-English qualifiers."""
    assert fmt_count(value, qualifier) == expected


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (2_046_250, "exact", "£2,046,250"),
    (485_000, "exact", "£485,000"),
    (3_342_750, "at_least", "over £3.3 million"),
    (3_399_999, "at_least", "over £3.3 million"),
    (4_000_000, "at_least", "over £4 million"),
    (300_000, "at_least", "over £300,000"),
    (2000, "approximately", "about £2,000"),
    (12.5, "exact", "£12.50"),
])
def test_fmt_money(value: float, qualifier: str, expected: str) -> None:
    """Money follows GOV.UK style and 'over' rounds down."""
    assert fmt_money(value, qualifier) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (3_342_750, "£3.3 million"), (3_399_999, "£3.3 million"), (1_000_000, "£1 million"),
    (1_770_000_000, "£1.7 billion"), (485_000, "£485,000"),
])
def test_fmt_money_short(value: float, expected: str) -> None:
    """Short money forms say 'million' in full and never round up."""
    assert fmt_money_short(value) == expected


def test_money_never_abbreviates_million() -> None:
    """GOV.UK style: never '£3.3m'."""
    assert "m" not in fmt_money(3_342_750, "at_least").replace("million", "")


def test_round_down_money_to_tenth_of_million() -> None:
    """3,399,999 goes down to 3,300,000, not up to 3,400,000."""
    assert round_down_for_more_than(3_399_999, "gbp") == 3_300_000


def test_dates() -> None:
    """'2 March 2026' and '13 to 19 October 2025'."""
    assert fmt_date(date(2026, 3, 2)) == "2 March 2026"
    assert fmt_date_range(date(2025, 10, 13), date(2025, 10, 19)) == "13 to 19 October 2025"
    assert fmt_date_range(date(2025, 9, 28), date(2025, 10, 4)) == "28 September to 4 October 2025"
    assert fmt_date_range(date(2025, 12, 29), date(2026, 1, 2)) == "29 December 2025 to 2 January 2026"


def test_percent_and_units() -> None:
    """Shares print as whole percentages; fmt_value picks the style by unit."""
    assert fmt_percent(0.84) == "84%"
    assert fmt_value(0.5, "percent") == "50%"
    assert fmt_value(1234, "count") == "1,234"
    assert fmt_value(1234, "gbp") == "£1,234"


def test_phrase() -> None:
    """Headline phrases: 'more than 365 arrests', 'over £3.3 million recovered'."""
    assert phrase(365, "count", "at_least", "arrests") == "more than 365 arrests"
    assert phrase(3_342_750, "gbp", "at_least", "recovered") == "over £3.3 million recovered"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_fmt_count_round_trips(value: int) -> None:
    """An exact count reads back to the same integer once the commas are removed."""
    assert int(fmt_count(value).replace(",", "")) == value


@given(AMOUNTS, QUALIFIERS)
def test_more_than_never_overstates_counts(value: float, qualifier: str) -> None:
    """Whatever the value, the number after 'more than' is not above it."""
    text = fmt_count(value, qualifier)
    if text.startswith("more than"):
        assert _number_in(text) <= value


@given(AMOUNTS, QUALIFIERS)
def test_over_never_overstates_money(value: float, qualifier: str) -> None:
    """Whatever the amount, the figure after 'over' is not above it."""
    text = fmt_money(value, qualifier)
    if text.startswith("over"):
        assert _number_in(text) <= value


@given(AMOUNTS)
def test_short_money_never_overstates(value: float) -> None:
    """'£X million' is never more than the amount it stands for."""
    assert _number_in(fmt_money_short(value)) <= value
