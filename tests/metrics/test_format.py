"""GOV.UK number and date style, and the rule that rounded phrases never overstate."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
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
    rounding_step,
)

QUALIFIERS = st.sampled_from(["exact", "at_least", "approximately", "estimate"])
# Two shared cores run the suite: a slow first example must not read as a failure.
RELAXED = settings(deadline=None)
AMOUNTS = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)


def _number_in(text: str) -> float:
    """The figure a reader sees in a phrase: '£3.3 million' → 3,300,000."""
    match = re.search(r"£?([\d,]+(?:\.\d+)?)(?: (million|billion))?", text)
    assert match, text
    value = float(match.group(1).replace(",", ""))
    return value * {"million": 1e6, "billion": 1e9}.get(match.group(2) or "", 1)


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (1234, "exact", "1,234"),
    (365, "at_least", "at least 365"),
    (368, "at_least", "at least 368"),
    (365.9, "at_least", "at least 365"),
    (900, "approximately", "about 900"),
    (None, "exact", "not recorded"),
    (0, "exact", "0"),
])
def test_fmt_count(value: float | None, qualifier: str, expected: str) -> None:
    """Counts get thousands separators and the qualifier in words: 'at least', never 'more than'."""
    assert fmt_count(value, qualifier) == expected


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (2_046_250, "exact", "£2,046,250"),
    (485_000, "exact", "£485,000"),
    (3_342_750, "at_least", "at least £3,342,750"),
    (4_126_500, "at_least", "at least £4,126,500"),
    (4_000_000, "at_least", "at least £4,000,000"),
    (300_000, "at_least", "at least £300,000"),
    (12.5, "at_least", "at least £12.50"),
    (2000, "approximately", "about £2,000"),
    (12.5, "exact", "£12.50"),
])
def test_fmt_money(value: float, qualifier: str, expected: str) -> None:
    """Money is shown in full, GOV.UK style, with 'at least' in words (never 'over')."""
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
    assert "m" not in fmt_money_short(3_342_750).replace("million", "")


def test_round_down_money_to_tenth_of_million() -> None:
    """3,399,999 goes down to 3,300,000, not up to 3,400,000."""
    assert round_down_for_more_than(3_399_999, "gbp") == 3_300_000


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (368, "count", 365), (99, "count", 99), (1_234, "count", 1_200), (100, "count", 100),
    (999_999.99, "gbp", 999_999), (1_770_000_001, "gbp", 1_700_000_000),
])
def test_round_down_steps(value: float, unit: str, expected: float) -> None:
    """Counts go down to 5s from 100 and 100s from 1,000; money below £1 million to pounds."""
    assert round_down_for_more_than(value, unit) == expected


@RELAXED
@given(AMOUNTS, st.sampled_from(["count", "gbp"]))
def test_round_down_is_a_multiple_of_its_step_not_above(value: float, unit: str) -> None:
    """Whatever the figure, the rounded number is a multiple of the step and never above it."""
    found = round_down_for_more_than(value, unit)
    assert found <= value and found % rounding_step(value, unit) == 0
    assert value - found < rounding_step(value, unit)


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
    """Headline phrases keep the figure in full: 'at least 368 arrests', '£3,342,750 recovered'."""
    assert phrase(368, "count", "at_least", "arrests") == "at least 368 arrests"
    assert phrase(3_342_750, "gbp", "exact", "recovered") == "£3,342,750 recovered"


@RELAXED
@given(st.integers(min_value=-10**15, max_value=10**15))
def test_fmt_count_round_trips(value: int) -> None:
    """An exact count reads back to the same integer once the commas are removed."""
    assert int(fmt_count(value).replace(",", "")) == value


@RELAXED
@given(AMOUNTS, QUALIFIERS)
def test_count_words_never_overstate(value: float, qualifier: str) -> None:
    """A count never says 'more than' or 'over'; 'at least N' has N at most the figure."""
    text = fmt_count(value, qualifier)
    assert "more than" not in text and "over" not in text
    if text.startswith("at least"):
        assert qualifier == "at_least" and _number_in(text) <= value


@RELAXED
@given(AMOUNTS, QUALIFIERS)
def test_money_words_never_overstate(value: float, qualifier: str) -> None:
    """Money never says 'over' or 'more than'; 'at least £X' has X at most the amount."""
    text = fmt_money(value, qualifier)
    assert "more than" not in text and "over" not in text
    if text.startswith("at least"):
        assert qualifier == "at_least" and _number_in(text) <= value


@RELAXED
@given(AMOUNTS, QUALIFIERS, st.sampled_from(["count", "gbp"]))
def test_at_least_is_said_only_for_at_least(value: float, qualifier: str, unit: str) -> None:
    """'at least' appears exactly when the figure was held as 'at least'."""
    assert fmt_value(value, unit, qualifier).startswith("at least") == (qualifier == "at_least")


@RELAXED
@given(AMOUNTS)
def test_short_money_never_overstates(value: float) -> None:
    """'£X million' is never more than the amount it stands for."""
    assert _number_in(fmt_money_short(value)) <= value
