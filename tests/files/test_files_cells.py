"""Cell-value normalisation (SECURITY.md rows 9–13 and 21)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.returns.cells import (
    TEXT_LIMIT,
    Parsed,
    bad_identifier,
    clean_text,
    parse_date,
    parse_number,
    parse_qualifier,
)


def count(raw: object) -> Parsed:
    return parse_number(raw, money=False, integer=True)


def money(raw: object) -> Parsed:
    return parse_number(raw, money=True, integer=False)


def test_row9_negative_count_refused() -> None:
    """A negative count, as a number or as text, is a problem saying it is negative."""
    for raw in (-3, "-3", "−3", "(3)"):
        parsed = count(raw)
        assert parsed.value is None and "negative" in (parsed.problem or ""), raw


def test_row9_fractional_count_refused() -> None:
    """A fractional count is a problem quoting it: "'12.5' is not a whole number"."""
    assert "'12.5' is not a whole number" in (count(12.5).problem or "")
    assert "not a whole number" in (count("12.5").problem or "")


def test_row9_float_whole_count_accepted() -> None:
    """Calamine's 12.0 for a count is the whole number 12."""
    assert count(12.0) == Parsed(Decimal(12), "exact")


@pytest.mark.parametrize(("raw", "value"), [
    ("£1,200", 1200), ("1 200", 1200), ("1\u00a0200", 1200), ("1\u202f200", 1200), ("12.0", 12),
    ("£2.5 million", 2_500_000), ("£2.5m", 2_500_000), ("£1,234.56", Decimal("1234.56")),
])
def test_row10_numbers_as_text(raw: str, value: Decimal) -> None:
    """Numbers written as text with £, separators or 'million' are read as exact figures."""
    assert money(raw) == Parsed(Decimal(value), "exact")


@pytest.mark.parametrize(("raw", "value", "qualifier"), [
    ("more than 300", 301, "at_least"), ("over 900", 901, "at_least"), ("at least 5", 5, "at_least"),
    ("300+", 300, "at_least"), (">300", 301, "at_least"), (">=300", 300, "at_least"),
    ("≥ 52", 52, "at_least"), ("52 or more", 52, "at_least"), ("in excess of 52", 53, "at_least"),
    ("about 2,000", 2000, "approximately"),
    ("approx. 2000", 2000, "approximately"), ("c. 50", 50, "approximately"),
    ("~50", 50, "approximately"), ("around 50", 50, "approximately"),
    ("estimated 40", 40, "estimate"), ("est. 40", 40, "estimate"), ("40 (est)", 40, "estimate"),
])
def test_row10_qualified_numbers_keep_qualifier(raw: str, value: int, qualifier: str) -> None:
    """Words around a figure set its qualifier; 'more than N' of a count is at least N + 1."""
    assert count(raw) == Parsed(Decimal(value), qualifier)


@pytest.mark.parametrize(("raw", "value"), [
    ("more than £300,000", 300_000), ("over £3.3 million", 3_300_000), ("at least £500", 500),
    ("£52+", 52),
])
def test_more_than_money_keeps_its_figure_as_at_least(raw: str, value: int) -> None:
    """'over £300,000' is stored as at least £300,000: never more than the force said."""
    assert money(raw) == Parsed(Decimal(value), "at_least")


@given(st.integers(min_value=0, max_value=10**9))
def test_more_than_and_at_least_stay_apart(n: int) -> None:
    """'at least N' and 'N+' are N; 'more than N', 'over N' and '>N' are N + 1 for a count."""
    for raw in (f"at least {n}", f"{n}+", f"{n:,} or more"):
        assert count(raw) == Parsed(Decimal(n), "at_least"), raw
    for raw in (f"more than {n}", f"over {n:,}", f">{n}"):
        assert count(raw) == Parsed(Decimal(n + 1), "at_least"), raw


@pytest.mark.parametrize("raw", [None, "", "  ", "N/A", "n/a", "n/k", "not known", "TBC", "tbc",
                                 "..", "x", "X", "?", "[x]"])
def test_row11_not_recorded_distinct_from_zero(raw: object) -> None:
    """Blank and the GSS 'not available' markers are not recorded (value None), never 0."""
    assert count(raw) == Parsed(None, "not_recorded")
    assert money(raw) == Parsed(None, "not_recorded")


@pytest.mark.parametrize("raw", ["Nil", "nil", "-", " - ", "-   ", "   -   ", "–", "—", "−"])
def test_row11_dash_and_nil_mean_zero(raw: str) -> None:
    """A dash (as Excel writes an accounting-format zero to CSV) or 'nil' is the figure 0."""
    assert count(raw) == Parsed(Decimal(0), "exact")
    assert money(raw) == Parsed(Decimal(0), "exact")


@pytest.mark.parametrize("raw", [" £ -   ", "£-", "£ –"])
def test_row11_accounting_money_zero(raw: str) -> None:
    """An accounting-format money zero is £0 in a money column, and money in a count column."""
    assert money(raw) == Parsed(Decimal(0), "exact")
    assert "amount of money" in (count(raw).problem or "")


@pytest.mark.parametrize(("raw", "quoted"), [(-2.0, "'-2'"), ("-2", "'-2'"), (2.5, "'2.5'"),
                                             ("2.50", "'2.50'"), ("–7", "'–7'")])
def test_problems_quote_the_value_as_typed(raw: object, quoted: str) -> None:
    """A problem quotes what was typed: -2 read as -2.0 is shown as -2."""
    problem = count(raw).problem or ""
    assert problem.startswith(quoted + " is "), problem


@pytest.mark.parametrize("raw", ["abc", "12%", "1,2,3", "NaN", "inf", float("nan"), float("inf"),
                                 True, dt.date(2025, 1, 1), "12 vehicles"])
def test_row10_unparseable_is_a_problem_never_nan(raw: object) -> None:
    """Anything else is a problem naming what is accepted; the value is never NaN."""
    parsed = count(raw)
    assert parsed.value is None and parsed.problem


def test_three_decimal_places_refused() -> None:
    """A third decimal place would be rounded away by the store, so it is refused."""
    assert "two decimal places" in (money("1.005").problem or "")


def test_float_noise_read_as_excel_shows_it() -> None:
    """A stored 0.30000000000000004 is the 0.3 Excel shows (15 significant digits)."""
    assert money(0.1 + 0.2) == Parsed(Decimal("0.3"), "exact")


def test_money_sign_in_count_column_is_a_problem() -> None:
    """A '£' amount where a count is expected is refused."""
    assert "money" in (count("£5").problem or "")


@given(st.integers(min_value=0, max_value=10**11), st.booleans())
def test_formatted_integers_round_trip(number: int, pound: bool) -> None:
    """'1,234' and '£1,234' read back as exactly the integer formatted."""
    text = ("£" if pound else "") + f"{number:,}"
    assert parse_number(text, money=True, integer=True) == Parsed(Decimal(number), "exact")


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none()))
def test_parse_number_never_nan(raw: object) -> None:
    """Whatever the cell holds, the value is a finite Decimal or None, and None has a reason."""
    parsed = money(raw)
    assert parsed.value is None or parsed.value.is_finite()
    assert parsed.value is not None or parsed.problem or parsed.qualifier == "not_recorded"


def test_qualifier_column_labels_and_short_forms() -> None:
    """The Qualifier column accepts the labels in any case and short forms."""
    assert [parse_qualifier(x) for x in ("At least", "at_least", ">", "approx", "est", "EXACT")] == \
        ["at_least", "at_least", "at_least", "approximately", "estimate", "exact"]
    assert parse_qualifier("bogus") is None and parse_qualifier("") is None


@pytest.mark.parametrize("raw", ["01/02/2025", "1/2/25", "2025-02-01", "1 Feb 2025",
                                 "1 February 2025", "01-Feb-2025", "1.2.2025"])
def test_row12_text_dates_day_first(raw: str) -> None:
    """Text dates are read day first: each of these is 1 February 2025."""
    assert parse_date(raw, epoch_1904=False) == (dt.date(2025, 2, 1), None)


def test_row12_us_style_date_refused() -> None:
    """'10/13/2025' (month first) is refused, listing accepted formats."""
    value, problem = parse_date("10/13/2025", epoch_1904=False)
    assert value is None and "13/10/2025" in (problem or "")


def test_row13_month_only_refused() -> None:
    """'Oct 2025' has no day and is refused."""
    value, problem = parse_date("Oct 2025", epoch_1904=False)
    assert value is None and "no day" in (problem or "")


def test_row13_serials_use_the_workbook_epoch() -> None:
    """Serial 45943 is 13 October 2025 in the 1900 system and four years later in the 1904 one."""
    assert parse_date(45943, epoch_1904=False) == (dt.date(2025, 10, 13), None)
    assert parse_date(45943.0, epoch_1904=True) == (dt.date(2029, 10, 14), None)


def test_row13_date_objects_pass_through() -> None:
    """Date and datetime cells read by calamine become dates."""
    assert parse_date(dt.datetime(2025, 10, 13, 9, 30), epoch_1904=False) == (dt.date(2025, 10, 13), None)
    assert parse_date(None, epoch_1904=False) == (None, None)


def test_row21_clean_text_strips_invisible_characters() -> None:
    """Zero-width and bidi controls are removed, compatibility forms folded, text trimmed."""
    assert clean_text("  South\u200b Yorkshire\u202e\u00a0") == "South Yorkshire"
    assert clean_text("ｆｕｌｌ　width") == "full width"


def test_row21_clean_text_caps_length() -> None:
    """Very long text is cut to the limit and ends with an ellipsis."""
    text = clean_text("x" * 10_000)
    assert len(text) == TEXT_LIMIT and text.endswith("…")


def test_row21_identifier_with_control_character_refused() -> None:
    """A force name with a right-to-left override is a problem naming the character."""
    assert "RIGHT-TO-LEFT OVERRIDE" in (bad_identifier("Kent\u202e") or "")
    assert bad_identifier("Dyfed-Powys") is None


def test_row21_identifier_homoglyph_refused() -> None:
    """A force name mixing Cyrillic and Latin letters is a problem."""
    assert "alphabets" in (bad_identifier("K\u0435nt") or "")
