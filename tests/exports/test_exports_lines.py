"""Lines to take round down, keep exact counts exact and never overstate a figure."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import AS_AT, OPERATION
from hypothesis import given
from hypothesis import strategies as st

from exports.lines import ROUNDING_RULE, count_phrase, lines_to_take, money_phrase
from exports.pack import gather
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
    """'more than N' has N below the figure; 'at least N' and a plain N are the figure itself."""
    text, bound, stated = count_phrase(float(v), qualifier)
    assert spoken_number(text) == stated
    assert stated <= v
    if bound == "more than":
        assert text.startswith("more than ") and stated < v
    elif bound == "at least":
        assert text.startswith("at least ") and stated == v and qualifier == "at_least"
    else:
        assert text[0].isdigit() and stated == v and qualifier == "exact"


@given(v=st.integers(min_value=0, max_value=10**7), qualifier=QUALIFIERS)
def test_more_than_and_at_least_are_never_swapped(v: int, qualifier: str) -> None:
    """An 'at least' figure is never said 'more than' itself, and never said bare."""
    text, _, _ = count_phrase(float(v), qualifier)
    assert text != f"more than {v:,}"
    if qualifier == "at_least":
        assert text.startswith(("at least ", "more than "))


@given(v=st.integers(min_value=0, max_value=10**7))
def test_exact_counts_stay_exact(v: int) -> None:
    """A count held exactly is said exactly: no rounding, no 'more than'."""
    assert count_phrase(float(v), "exact") == (f"{v:,}", "exact", float(v))


@given(v=st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False,
                     allow_infinity=False), qualifier=QUALIFIERS)
def test_money_phrase_never_overstates(v: Decimal, qualifier: str) -> None:
    """'over £X' has X below the amount; 'at least £X' and a plain amount are the amount."""
    text, bound, stated = money_phrase(float(v), qualifier)
    assert spoken_number(text) == pytest.approx(stated)
    assert stated <= float(v)
    if bound == "more than":
        assert text.startswith("over £") and stated < float(v)
    elif bound == "at least":
        assert text.startswith("at least £") and qualifier == "at_least"
        assert stated == float(v)
    else:
        assert text.startswith("£") and stated == float(v) and qualifier == "exact"


@pytest.mark.parametrize(("v", "qualifier", "text"), [
    (368, "at_least", "more than 365"), (365, "at_least", "at least 365"),
    (368, "exact", "368"), (365, "exact", "365"), (147, "exact", "147"),
    (99, "exact", "99"), (99, "at_least", "at least 99"), (52, "at_least", "at least 52"),
    (100, "exact", "100"), (1234, "exact", "1,234"), (1234, "at_least", "more than 1,200"),
    (1200, "at_least", "at least 1,200"),
])
def test_count_rounding_rule(v: int, qualifier: str, text: str) -> None:
    """Exact counts as they are; 'at least' ones go down to 5s from 100, 100s from 1,000."""
    assert count_phrase(float(v), qualifier)[0] == text


@pytest.mark.parametrize(("v", "qualifier", "text"), [
    (3_342_750, "exact", "over £3.3 million"), (3_300_000, "exact", "£3.3 million"),
    (3_342_750, "at_least", "over £3.3 million"), (4_000_000, "at_least", "at least £4 million"),
    (485_000, "exact", "£485,000"), (230_500, "exact", "£230,500"),
    (500_000, "at_least", "at least £500,000"), (2_046.5, "exact", "£2,046.50"),
    (9_999, "exact", "£9,999"),
])
def test_money_rounding_rule(v: float, qualifier: str, text: str) -> None:
    """A tenth of a million from £1 million, said 'over' only when below; in full below that."""
    assert money_phrase(v, qualifier)[0] == text


def test_rounding_rule_examples_are_what_the_lines_say() -> None:
    """Every example in the method note's rule is what count_phrase and money_phrase give, and
    the rule shows both words: 'at least' kept, 'more than' only below the figure."""
    more = re.findall(r'"at least ([\d,]+)" becomes "more than ([\d,]+)"', ROUNDING_RULE)
    kept = re.findall(r'"at least ([\d,]+)" stays "at least \1"', ROUNDING_RULE)
    exact = re.findall(r"\b([\d,]+) stays \1\b", ROUNDING_RULE)
    money = re.findall(r'(£[\d,]+) becomes "(over £[\d.]+ million)"', ROUNDING_RULE)
    assert more and kept and exact and money
    number = lambda text: float(text.replace(",", "").replace("£", ""))  # noqa: E731
    for held, said in more:
        assert count_phrase(number(held), "at_least")[0] == f"more than {said}"
    for held in kept:
        assert count_phrase(number(held), "at_least")[0] == f"at least {held}"
    for held in exact:
        assert count_phrase(number(held), "exact")[0] == held
    for held, said in money:
        assert money_phrase(number(held), "exact")[0] == said


def test_demo_lines_match_public_style(demo_con: duckdb.DuckDBPyConnection) -> None:
    """On the demo data the lines read as the NPCC release did, from headline's figures."""
    h = headline(demo_con, OPERATION, AS_AT)
    texts = [line.text for line in lines_to_take(h, start=date(2025, 10, 13),
                                                  end=date(2025, 10, 19))]
    assert "More than 365 arrests" in texts
    assert "Over £3.3 million of stolen vehicles recovered" in texts
    vehicles = next(line for line in lines_to_take(h, start=date(2025, 10, 13),
                                                   end=date(2025, 10, 19))
                    if line.metric == "vehicles_recovered")
    assert h["vehicles_recovered_qualifier"] == "exact"
    assert vehicles.text == f"{h['vehicles_recovered']:,} stolen vehicles recovered"
    assert texts[0].startswith("Operation Alliances 2025 ran from 13 to 19 October 2025")


def test_pack_comparison_slide_names_what_rose_and_what_fell(
        demo_con: duckdb.DuckDBPyConnection) -> None:
    """The pack's comparison slide no longer says 'More arrests…' while vehicles recovered
    fell: it says 'Mixed results', with the falls and the rises both named (issue 9)."""
    charts = gather(demo_con, OPERATION, AS_AT, "tester", images=False).charts
    title = next(c.spec.title for c in charts if c.spec.name == "compare")
    assert title.startswith("Mixed results in Operation Alliances 2025 against Operation "
                            "Alliances 2024 at the same stage: ")
    groups = dict(reversed(part.rsplit(" ", 1)) for part in title.split(": ", 1)[1].split("; ")
                  if part.endswith((" up", " down")))
    assert "stolen vehicles recovered" in groups["down"] and "arrests" in groups["up"]


def test_readme_number_style_states_the_rounding_rule() -> None:
    """The README's 'Number style' section quotes the method note's rounding rule word for word."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Number style\n", 1)[1].split("\n## ", 1)[0]
    quoted = " ".join(line.strip().removeprefix(">").strip() for line in section.splitlines()
                      if line.strip().startswith(">"))
    assert quoted == ROUNDING_RULE
