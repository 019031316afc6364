"""Lines to take round down and never overstate a figure."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import AS_AT, OPERATION
from hypothesis import given
from hypothesis import strategies as st

from exports.lines import count_phrase, lines_to_take, money_phrase
from metrics.headline import headline

QUALIFIERS = st.sampled_from(["exact", "at_least"])


def spoken_number(text: str) -> float:
    """The number a phrase states: 'more than 1,200' → 1200; 'over £3.3 million' → 3300000."""
    found = re.search(r"£?([\d,]+(?:\.\d+)?)( million| billion)?", text)
    assert found, text
    number = Decimal(found.group(1).replace(",", ""))
    scale = {" million": 10**6, " billion": 10**9}.get(found.group(2) or "", 1)
    return float(number * scale)


@given(v=st.integers(min_value=0, max_value=10**7), qualifier=QUALIFIERS)
def test_count_phrase_never_overstates(v: int, qualifier: str) -> None:
    """The number said after 'more than' is at most the figure, and below it when exact."""
    text, bound, stated = count_phrase(float(v), qualifier)
    assert spoken_number(text) == stated
    assert stated <= v
    if bound == "more than":
        assert text.startswith("more than ")
        assert stated < v or qualifier == "at_least"
    else:
        assert stated == v and qualifier == "exact"


@given(v=st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False,
                     allow_infinity=False), qualifier=QUALIFIERS)
def test_money_phrase_never_overstates(v: Decimal, qualifier: str) -> None:
    """'over £X' has X at most the amount (below it when exact); a plain amount is exact."""
    text, bound, stated = money_phrase(float(v), qualifier)
    assert spoken_number(text) == pytest.approx(stated)
    assert stated <= float(v)
    if bound == "more than":
        assert text.startswith("over £")
    else:
        assert stated == float(v)


@pytest.mark.parametrize(("v", "qualifier", "text"), [
    (368, "at_least", "more than 365"), (368, "exact", "more than 365"), (365, "exact", "365"),
    (99, "exact", "99"), (99, "at_least", "more than 99"), (100, "exact", "100"),
    (1234, "exact", "more than 1,200"), (147, "exact", "more than 145"),
])
def test_count_rounding_rule(v: int, qualifier: str, text: str) -> None:
    """Under 100 exact; to a multiple of 5 below 1,000; to a multiple of 100 above."""
    assert count_phrase(float(v), qualifier)[0] == text


@pytest.mark.parametrize(("v", "text"), [
    (3_342_750, "over £3.3 million"), (3_300_000, "£3.3 million"), (485_000, "£485,000"),
    (230_500, "over £230,000"), (2_046.5, "over £2,046"), (9_999, "£9,999"),
])
def test_money_rounding_rule(v: float, text: str) -> None:
    """A tenth of a million from £1 million; thousands from £10,000; exact below."""
    assert money_phrase(v, "exact")[0] == text


def test_demo_lines_match_public_style(demo_con: duckdb.DuckDBPyConnection) -> None:
    """On the demo data the lines read as the NPCC release did, from headline's figures."""
    h = headline(demo_con, OPERATION, AS_AT)
    texts = [line.text for line in lines_to_take(h, start=date(2025, 10, 13),
                                                  end=date(2025, 10, 19))]
    assert "More than 365 arrests" in texts
    assert "Over £3.3 million of stolen vehicles recovered" in texts
    assert texts[0].startswith("Operation Alliances 2025 ran from 13 to 19 October 2025")
