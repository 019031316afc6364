"""The returns tracker page, driven with AppTest on the demo and an empty database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/4_Returns_tracker.py"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Cached queries are keyed on the data version, which two test databases can share; and
    AppTest leaves the last page installed as __main__, which the loaders' parsing children
    would re-run (so the session's demo build must not follow a page run unprotected)."""
    main = sys.modules["__main__"]
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    sys.modules["__main__"] = main


def open_page(op: str | None = None, as_at: date | None = None) -> AppTest:
    """The tracker, reached from the home page as a user would (the menu needs the entry file)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    if op:
        at.selectbox(key="op").set_value(op).run()
    if as_at:
        at.date_input(key="as_at").set_value(as_at).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The first table on the page holding ``column`` (only selectable tables carry a key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.slow
def test_empty_database_says_nothing_is_expected(empty_db: Path) -> None:
    """With reference data only, OA2025 expects forces and every one is missing."""
    at = open_page()
    assert metric(at, "Returns held") == "0 of 37"
    assert metric(at, "Missing") == "37"
    assert any("No return has been received" in i.value for i in at.info)


@pytest.mark.slow
def test_oa2024_counts_and_table(demo_db: Path) -> None:
    """OA2024 as at today: 41 of 43 held, 2 missing, one table row per expected force."""
    at = open_page(op="OA2024")
    assert metric(at, "Returns held") == "41 of 43"
    assert metric(at, "Missing") == "2"
    table = at.dataframe(key="tracker").value
    assert len(table) == 43
    missing = table[table["status"].map(lambda s: list(s) == ["missing"])]
    assert set(missing["force_name"]) == {"City of London", "North Wales"}


@pytest.mark.slow
def test_changing_the_as_at_date_changes_the_counts(demo_db: Path) -> None:
    """Moving the as-at date back to 27 September 2024 leaves 11 returns held."""
    at = open_page(op="OA2024")
    at.date_input(key="as_at").set_value(date(2024, 9, 27)).run()
    assert metric(at, "Returns held") == "11 of 43"


@pytest.mark.slow
def test_rejected_demo_files_are_counted_before_their_corrections(demo_db: Path) -> None:
    """As at 24 October 2025 three OA2025 returns are rejected with open issues."""
    at = open_page(op="OA2025", as_at=date(2025, 10, 24))
    assert metric(at, "Rejected: open issues") == "3"


@pytest.mark.slow
def test_one_return_shows_versions_changes_and_issues(demo_db: Path) -> None:
    """Hertfordshire OA2025: three versions, and 0 figures changed from version 2 to 3."""
    at = open_page(op="OA2025")
    at.selectbox(key="return_key").set_value("OA2025:hertfordshire:force-return").run()
    assert list(table_with(at, "stated_by_as_at")["version"]) == [1, 2, 3]
    assert any("0 figures changed between version 2 and version 3" in i.value for i in at.info)
    at.selectbox(key="from-OA2025:hertfordshire:force-return").set_value(1).run()
    changed = table_with(at, "Figure")
    assert len(changed) > 0 and "Arrests" in set(changed["Figure"])
    assert "None" not in changed.astype(str).to_numpy().ravel()


@pytest.mark.slow
def test_rejected_return_lists_its_issues(demo_db: Path) -> None:
    """Cleveland's OA2025 return lists the four problems of its rejected upload."""
    at = open_page(op="OA2025")
    at.selectbox(key="return_key").set_value("OA2025:cleveland:force-return").run()
    issues = table_with(at, "severity")
    assert len(issues) == 4 and set(issues["outcome"]) == {"rejected"}


@pytest.mark.slow
def test_all_operations_shows_forces_against_operations(demo_db: Path) -> None:
    """The all-operations switch shows a forces × operations matrix."""
    at = open_page(op="OA2024")
    at.toggle(key="all_ops").set_value(True).run()
    wide = table_with(at, "OA2024")
    assert {"OA2024", "OA2025", "NPO2025", "LOC2025"} <= set(wide.columns)
    assert any(m.value.endswith(" of 105") for m in at.metric if m.label == "Returns held")
